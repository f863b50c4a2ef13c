package keyspace

// Entry is one row of the key layout: a key pattern relative to the trader
// key, its Redis type and the commands that write and read it.
type Entry struct {
	Pattern string `json:"pattern"` // after "{trader_key}:", e.g. "orders:{client_order_id}"
	Type    string `json:"type"`    // STRING, LIST, SET or HASH
	Write   string `json:"write"`   // commands and the cache calls that send them
	Read    string `json:"read"`    // how a starting node reads it ("-" when never)
	Value   string `json:"value"`   // what the value holds
}

// Table is the layout as data, shared by `rbench keys` and docs/redis-keys.md
// (a test keeps the doc in step).
var Table = []Entry{
	{"orders:{client_order_id}", "LIST", "RPUSH (add_order), RPUSHX (update_order), DEL (purge_order)", "LRANGE 0 -1", "order events; element 0 is OrderInitialized"},
	{"positions:{position_id}", "LIST", "DEL + RPUSH (add_position), RPUSHX (update_position), DEL (purge_position)", "LRANGE 0 -1", "OrderFilled events of the position"},
	{"accounts:{account_id}", "LIST", "RPUSH (add_account), RPUSHX (update_account)", "LRANGE 0 -1", "AccountState events; grows forever"},
	{"instruments:{instrument_id}", "STRING", "SET (add_instrument)", "MGET", "CurrencyPair, CryptoPerpetual, Equity or FuturesContract"},
	{"currencies:{code}", "STRING", "SET (add_currency)", "MGET", "Currency"},
	{"synthetics:{id}", "STRING", "SET (add_synthetic)", "MGET", "synthetic instrument"},
	{"general:{key}", "STRING", "SET (add)", "MGET", "opaque bytes"},
	{"strategies:{strategy_id}:state", "STRING", "SET (update_strategy)", "-", "strategy state"},
	{"actors:{actor_id}:state", "STRING", "SET (update_actor)", "-", "actor state"},
	{"snapshots:positions:{position_id}", "LIST", "RPUSH (snapshot_position)", "-", "position snapshots (snapshotting on)"},
	{"snapshots:orders:{client_order_id}", "LIST", "RPUSH (snapshot_order)", "-", "order snapshots (snapshotting on)"},
	{"health:heartbeat", "STRING", "SET (heartbeat)", "-", "ISO-8601 time"},
	{"index:orders", "SET", "SADD (add_order), SREM (purge_order)", "-", "client order ids"},
	{"index:orders_open", "SET", "SADD/SREM (update_order), SREM (purge_order)", "-", "open client order ids"},
	{"index:orders_closed", "SET", "SADD/SREM (update_order), SREM (purge_order)", "-", "closed client order ids"},
	{"index:orders_emulated", "SET", "SADD (add_order), SADD/SREM (update_order), SREM (purge_order)", "-", "emulated client order ids"},
	{"index:orders_inflight", "SET", "SADD/SREM (update_order), SREM (purge_order)", "-", "in-flight client order ids"},
	{"index:order_ids", "SET", "SADD (update_order), SREM (purge_order)", "-", "client order ids with events"},
	{"index:positions", "SET", "SADD (add_position), SREM (purge_position)", "-", "position ids"},
	{"index:positions_open", "SET", "SADD (add_position), SADD/SREM (update_position), SREM (purge_position)", "-", "open position ids"},
	{"index:positions_closed", "SET", "SADD/SREM (update_position), SREM (purge_position)", "-", "closed position ids"},
	{"index:order_position", "HASH", "HSET (add_order), HDEL (purge_order)", "HGETALL", "client_order_id -> position_id"},
	{"index:order_client", "HASH", "HSET (add_order), HDEL (purge_order)", "HGETALL", "client_order_id -> client_id"},
}
