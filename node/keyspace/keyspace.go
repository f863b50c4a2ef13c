// Package keyspace is the trading node's Redis key layout and the exact
// commands each cache call sends (../shared/reference/trading-cache-model.md,
// "Keys" and "The write path").
//
// Keys are {trader_key}:{collection}:{id}. The trader key is
// "trader-{trader_id}" (use_trader_prefix, upstream's default), plus
// ":{instance_id}" only when the node runs with use_instance_id=true, the
// instance id being a 36-character UUID4 (cache.rs:1172-1187). A default node
// writes trader-RBENCH-001:orders:O-...; nothing else ever goes in the
// instance slot.
//
// Command builders return data, not effects: each Cmd is one message of the
// node's writer, one Redis command, as go-redis Do arguments. The engine
// sends each as its own MULTI/EXEC (unbuffered) or every message of a buffer
// interval as one MULTI/EXEC.
package keyspace

import (
	"strings"

	"github.com/rbench/rbench/node"
)

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
// It is one message of the node's writer. Payload arguments are []byte and
// are not copied.
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
// an empty InstanceID leaves the instance slot out, as a node does unless
// use_instance_id is set.
type Layout struct {
	TraderID   string // default: "RBENCH-001"
	InstanceID string // default: "" (none); the node's UUID4 with use_instance_id
}

// LayoutFor is the layout a node configured with c writes under: the
// instance slot holds c.InstanceID, or one derived from seed
// (NewInstanceID), only when c.UseInstanceID is set.
func LayoutFor(traderID string, c node.Config, seed int64) Layout {
	l := Layout{TraderID: traderID}
	if c.UseInstanceID {
		l.InstanceID = c.InstanceID
		if l.InstanceID == "" {
			l.InstanceID = NewInstanceID(seed)
		}
	}
	return l
}

// Prefix is the trader key: "trader-RBENCH-001", or
// "trader-RBENCH-001:3f2b6c1e-8a4d-4e0f-9b7a-2c5d1e6f8a90" with an instance id.
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

// OrderSnapshotKey is snapshots:orders:{client_order_id}.
func (l Layout) OrderSnapshotKey(clientOrderID string) string {
	return l.Key(Snapshots, Orders+Delimiter+clientOrderID)
}

// ScanMatch is the literal part, after the trader key and its ':', of the
// pattern the node SCANs to list collection at startup: "general:" for the
// general store (database.pyx:264, f"{_GENERAL}:*"), the bare collection name
// for the others (f"{_CURRENCIES}*", database.pyx:300 and on).
func ScanMatch(collection string) string {
	if collection == General {
		return General + Delimiter
	}
	return collection
}

// ScanPattern is the SCAN MATCH pattern the node uses to list a collection at
// startup: {prefix}:general:* for general, {prefix}:{collection}* for the others.
func (l Layout) ScanPattern(collection string) string {
	return l.Prefix() + Delimiter + ScanMatch(collection) + "*"
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
