package keyspace

import "github.com/rbench/rbench/node"

// rustWrite and rustRead are the Rust LiveNode's Write and Read columns
// where they differ from the Python node's (Table), by pattern (rust.go;
// node/startup's Rust style).
var (
	rustWrite = map[string]string{
		"orders:{client_order_id}":           "DEL + RPUSH in one MULTI/EXEC (add_order), LRANGE 0 -1 then RPUSHX (update_order); purges leave it",
		"positions:{position_id}":            "DEL + RPUSH in one MULTI/EXEC (add_position), RPUSHX (update_position); purges leave it",
		"accounts:{account_id}":              "RPUSH (add_account), RPUSHX (update_account), whatever persist_account_events says",
		"index:orders":                       "SADD (add_order, and every update_order's index MULTI/EXEC)",
		"index:orders_open":                  "SADD/SREM (update_order's index MULTI/EXEC)",
		"index:orders_closed":                "SADD/SREM (update_order's index MULTI/EXEC)",
		"index:orders_emulated":              "SADD (add_order), SADD/SREM (update_order's index MULTI/EXEC)",
		"index:orders_inflight":              "SADD/SREM (update_order's index MULTI/EXEC)",
		"index:order_ids":                    "SADD (update_order's index MULTI/EXEC, once the order has a venue order id)",
		"index:positions":                    "SADD (add_position)",
		"index:positions_open":               "SADD (add_position), SADD/SREM (update_position)",
		"index:positions_closed":             "SREM (add_position), SADD/SREM (update_position)",
		"index:order_position":               "HSET (add_position, index_order_position, add_order with a position id)",
		"index:order_client":                 "HSET (add_order with a client id)",
		"snapshots:orders:{client_order_id}": "RPUSH (snapshot_order: an OrderSnapshot)",
		"snapshots:positions:{position_id}":  "RPUSH (snapshot_position: a PositionSnapshot)",
	}
	rustRead = map[string]string{
		"instruments:{instrument_id}": "GET per key",
		"currencies:{code}":           "MGET (one, unchunked)",
		"synthetics:{id}":             "GET per key",
		"general:{key}":               "MGET (one, unchunked)",
	}
	rustValue = map[string]string{
		"currencies:{code}": "the currency's code string",
		"synthetics:{id}":   "synthetic instrument (loaded at startup)",
	}
)

// TableFor is the key layout as a node of flavour f writes and reads it:
// Table for the Python node; for the Rust LiveNode its own commands (no
// purge ever deletes), its startup reads (every collection at once,
// pipelined) and values.
func TableFor(f node.Flavour) []Entry {
	if f != node.Rust {
		return Table
	}
	out := make([]Entry, len(Table))
	for i, e := range Table {
		if w, ok := rustWrite[e.Pattern]; ok {
			e.Write = w
		}
		if r, ok := rustRead[e.Pattern]; ok {
			e.Read = r
		}
		if v, ok := rustValue[e.Pattern]; ok {
			e.Value = v
		}
		if e.When == WhenAccountEvents {
			e.When = WhenAlways // persist_account_events is not read
		}
		out[i] = e
	}
	return out
}

// RustLoadOrder is the Rust LiveNode's startup: General first (load()),
// then these at once (load_all), then the two index hashes.
var RustLoadOrder = []string{Currencies, Instruments, Synthetics, Accounts, Orders, Positions}
