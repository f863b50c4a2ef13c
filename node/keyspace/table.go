package keyspace

// Entry is one row of the key layout: a key pattern relative to the trader
// key, its Redis type, the commands that write and read it, and when an
// rbench run writes it.
type Entry struct {
	Pattern string `json:"pattern"` // after "{trader_key}:", e.g. "orders:{client_order_id}"
	Type    string `json:"type"`    // STRING, LIST, SET or HASH
	Write   string `json:"write"`   // commands and the cache calls that send them
	Read    string `json:"read"`    // how a starting node reads it ("-" when never)
	Value   string `json:"value"`   // what the value holds
	When    string `json:"written"` // when a run writes it: one of the When* values
}

// When an rbench run writes a key (Entry.When).
const (
	WhenAlways            = "always"
	WhenAccountEvents     = "persist_account_events" // on by default
	WhenClientIDs         = "client ids"             // the scenario passes client ids (off by default)
	WhenEmulated          = "emulated orders"        // the scenario emulates some orders (on by default)
	WhenSnapshotOrders    = "snapshot_orders"        // off by default
	WhenSnapshotPositions = "snapshot_positions"     // or snapshot_positions_interval; off by default
	WhenNever             = "never (upstream only)"  // a node writes it; rbench's scenario does not
)

// Writes says which of the optional keys a run writes.
type Writes struct {
	AccountEvents     bool // persist_account_events
	ClientIDs         bool // client ids passed to submit_order
	Emulated          bool // some orders held by the emulator
	SnapshotOrders    bool // snapshot_orders
	SnapshotPositions bool // snapshot_positions or snapshot_positions_interval
}

// WrittenBy reports whether a run that writes w writes keys of e.
func (e Entry) WrittenBy(w Writes) bool {
	switch e.When {
	case WhenAlways:
		return true
	case WhenAccountEvents:
		return w.AccountEvents
	case WhenClientIDs:
		return w.ClientIDs
	case WhenEmulated:
		return w.Emulated
	case WhenSnapshotOrders:
		return w.SnapshotOrders
	case WhenSnapshotPositions:
		return w.SnapshotPositions
	}
	return false
}

// Table is the layout as data, shared by `rbench keys` and docs/redis-keys.md
// (a test keeps the doc in step). Every key a builder of this package writes
// has a row (TestEveryKeyInTable).
var Table = []Entry{
	{"orders:{client_order_id}", "LIST", "RPUSH (add_order), RPUSHX (update_order), DEL (purge_order)", "LRANGE 0 -1", "order events; element 0 is OrderInitialized", WhenAlways},
	{"positions:{position_id}", "LIST", "DEL + RPUSH (add_position), RPUSHX (update_position), DEL (purge_position)", "LRANGE 0 -1", "OrderFilled events of the position", WhenAlways},
	{"accounts:{account_id}", "LIST", "RPUSH (add_account), RPUSHX (update_account)", "LRANGE 0 -1", "AccountState events; grows forever", WhenAccountEvents},
	{"instruments:{instrument_id}", "STRING", "SET (add_instrument)", "MGET", "CurrencyPair, CryptoPerpetual, Equity or FuturesContract", WhenAlways},
	{"currencies:{code}", "STRING", "SET (add_currency)", "MGET", "Currency", WhenAlways},
	{"synthetics:{id}", "STRING", "SET (add_synthetic)", "-", "synthetic instrument (not loaded at startup)", WhenNever},
	{"general:{key}", "STRING", "SET (add)", "MGET", "opaque bytes", WhenNever},
	{"strategies:{strategy_id}:state", "STRING", "SET (update_strategy)", "-", "strategy state", WhenNever},
	{"actors:{actor_id}:state", "STRING", "SET (update_actor)", "-", "actor state", WhenNever},
	{"snapshots:orders:{client_order_id}", "LIST", "RPUSH (snapshot_order)", "-", "order state snapshots (order to_dict)", WhenSnapshotOrders},
	{"snapshots:positions:{position_id}", "LIST", "RPUSH (snapshot_position)", "-", "position state snapshots", WhenSnapshotPositions},
	{"health:heartbeat", "STRING", "SET (heartbeat, which no node component calls)", "-", "ISO-8601 time", WhenNever},
	{"index:orders", "SET", "SADD (add_order), SREM (purge_order)", "-", "client order ids", WhenAlways},
	{"index:orders_open", "SET", "SADD/SREM (update_order), SREM (purge_order)", "-", "open client order ids", WhenAlways},
	{"index:orders_closed", "SET", "SADD/SREM (update_order), SREM (purge_order)", "-", "closed client order ids", WhenAlways},
	{"index:orders_emulated", "SET", "SADD (add_order), SADD/SREM (update_order), SREM (purge_order)", "-", "emulated client order ids", WhenEmulated},
	{"index:orders_inflight", "SET", "SADD/SREM (update_order), SREM (purge_order)", "-", "in-flight client order ids", WhenAlways},
	{"index:order_ids", "SET", "SADD (update_order, once the order has a venue order id), SREM (purge_order)", "-", "client order ids of orders with a venue order id", WhenAlways},
	{"index:positions", "SET", "SADD (add_position), SREM (purge_position)", "-", "position ids", WhenAlways},
	{"index:positions_open", "SET", "SADD (add_position), SADD/SREM (update_position), SREM (purge_position)", "-", "open position ids", WhenAlways},
	{"index:positions_closed", "SET", "SADD/SREM (update_position), SREM (purge_position)", "-", "closed position ids", WhenAlways},
	{"index:order_position", "HASH", "HSET (add_position, index_order_position, add_order with a position id), HDEL (purge_order)", "HGETALL", "client_order_id -> position_id", WhenAlways},
	{"index:order_client", "HASH", "HSET (add_order with a client id), HDEL (purge_order)", "HGETALL", "client_order_id -> client_id", WhenClientIDs},
}
