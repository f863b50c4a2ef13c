// Package keyspace is the trading node's Redis key layout and the exact
// commands each cache call sends (../shared/reference/trading-cache-model.md,
// "Keys" and "Write path").
//
// Keys are {trader_key}:{collection}:{id} with trader_key
// "trader-{trader_id}" plus ":{instance_id}" when an instance id is set.
// rbench uses the instance-id slot for the encoding in multi-encoding runs
// (trader-RBENCH-001:msgpack:orders:...).
//
// Command builders return data, not effects: each Cmd is the argument list for
// go-redis Do or a pipeline, so the caller sends one call's commands as one
// MULTI/EXEC or batches several calls into a buffer interval.
package keyspace

import "strings"

// DefaultTraderID is rbench's trader id when none is configured.
const DefaultTraderID = "RBENCH-001"

// Delimiter separates key parts.
const Delimiter = ":"

// Collections (the key part after the trader key).
const (
	General     = "general"
	Currencies  = "currencies"
	Instruments = "instruments"
	Synthetics  = "synthetics"
	Accounts    = "accounts"
	Orders      = "orders"
	Positions   = "positions"
	Strategies  = "strategies"
	Actors      = "actors"
	Snapshots   = "snapshots"
	Health      = "health"
	Index       = "index"
)

// Index names (keys index:{name}).
const (
	IndexOrders          = "orders"
	IndexOrdersOpen      = "orders_open"
	IndexOrdersClosed    = "orders_closed"
	IndexOrdersEmulated  = "orders_emulated"
	IndexOrdersInflight  = "orders_inflight"
	IndexOrderIDs        = "order_ids"
	IndexPositions       = "positions"
	IndexPositionsOpen   = "positions_open"
	IndexPositionsClosed = "positions_closed"
	IndexOrderPosition   = "order_position" // HASH client_order_id -> position_id
	IndexOrderClient     = "order_client"   // HASH client_order_id -> client_id
)

// Cmd is one Redis command as go-redis arguments: Cmd{"RPUSH", key, payload}.
// Payload arguments are []byte and are not copied.
type Cmd []any

// Name is the command name (Cmd[0]).
func (c Cmd) Name() string {
	if len(c) == 0 {
		return ""
	}
	s, _ := c[0].(string)
	return s
}

// Key is the command's first key (Cmd[1]), or "".
func (c Cmd) Key() string {
	if len(c) < 2 {
		return ""
	}
	s, _ := c[1].(string)
	return s
}

// Layout builds keys for one trader. The zero TraderID means DefaultTraderID;
// an empty InstanceID leaves the instance slot out.
type Layout struct {
	TraderID   string // default: "RBENCH-001"
	InstanceID string // default: "" (none); rbench puts the encoding here in multi-encoding runs
}

// Prefix is the trader key: "trader-RBENCH-001" or "trader-RBENCH-001:msgpack".
func (l Layout) Prefix() string {
	id := l.TraderID
	if id == "" {
		id = DefaultTraderID
	}
	if l.InstanceID == "" {
		return "trader-" + id
	}
	return "trader-" + id + Delimiter + l.InstanceID
}

// Key returns {prefix}:{collection}:{id}.
func (l Layout) Key(collection, id string) string {
	return l.Prefix() + Delimiter + collection + Delimiter + id
}

// IndexKey returns {prefix}:index:{name}, name being one of the Index* constants.
func (l Layout) IndexKey(name string) string { return l.Key(Index, name) }

// OrderKey is orders:{client_order_id}.
func (l Layout) OrderKey(clientOrderID string) string { return l.Key(Orders, clientOrderID) }

// PositionKey is positions:{position_id}.
func (l Layout) PositionKey(positionID string) string { return l.Key(Positions, positionID) }

// AccountKey is accounts:{account_id}.
func (l Layout) AccountKey(accountID string) string { return l.Key(Accounts, accountID) }

// InstrumentKey is instruments:{instrument_id}.
func (l Layout) InstrumentKey(instrumentID string) string { return l.Key(Instruments, instrumentID) }

// CurrencyKey is currencies:{code}.
func (l Layout) CurrencyKey(code string) string { return l.Key(Currencies, code) }

// PositionSnapshotKey is snapshots:positions:{position_id}.
func (l Layout) PositionSnapshotKey(positionID string) string {
	return l.Key(Snapshots, Positions+Delimiter+positionID)
}

// HeartbeatKey is health:heartbeat.
func (l Layout) HeartbeatKey() string { return l.Key(Health, "heartbeat") }

// ScanPattern is the SCAN MATCH pattern the node uses to list a collection at
// startup: {prefix}:{collection}*.
func (l Layout) ScanPattern(collection string) string {
	return l.Prefix() + Delimiter + collection + "*"
}

// AllPattern matches every key of this layout: {prefix}:*.
func (l Layout) AllPattern() string { return l.Prefix() + Delimiter + "*" }

// ScanCount is the COUNT the node passes to SCAN at startup.
const ScanCount = 5000

// LoadOrder is the order in which a starting node loads collections. Order
// lists have no key of their own in this layout and are left out.
var LoadOrder = []string{General, Currencies, Instruments, Accounts, Orders, Positions}

// IDFromKey strips "{prefix}:{collection}:" from key and reports whether key
// belonged to that collection.
func (l Layout) IDFromKey(collection, key string) (string, bool) {
	return strings.CutPrefix(key, l.Prefix()+Delimiter+collection+Delimiter)
}
