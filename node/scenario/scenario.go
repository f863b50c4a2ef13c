// Package scenario generates a realistic, seeded trading history as the
// stream of cache calls a trading node makes: currencies and instruments,
// accounts, then orders through their lifecycle (initialized, submitted,
// accepted or rejected, partially or fully filled, canceled), the positions
// their fills build and the account states that follow each fill.
//
// The same Options give the same calls byte for byte. The generator streams:
// its memory depends on Instruments, Strategies, Accounts, MaxInFlight and
// PurgeLag, never on Orders.
package scenario

import (
	"fmt"
	"iter"

	"github.com/rbench/rbench/node/keyspace"
)

// Kind is the cache call a Call stands for.
type Kind uint8

// Cache calls, named after the node's cache methods.
const (
	AddCurrency      Kind = iota + 1 // SET currencies:x
	AddInstrument                    // SET instruments:x
	AddAccount                       // RPUSH accounts:x (first AccountState)
	UpdateAccount                    // RPUSHX accounts:x
	AddOrder                         // RPUSH orders:x (OrderInitialized) + indexes
	UpdateOrder                      // RPUSHX orders:x (a later order event) + indexes
	AddPosition                      // DEL + RPUSH positions:x (opening OrderFilled) + indexes
	UpdatePosition                   // RPUSHX positions:x (OrderFilled) + indexes
	SnapshotPosition                 // RPUSH snapshots:positions:x (PositionSnapshot)
	PurgeOrder                       // DEL orders:x + index removals
	PurgePosition                    // DEL positions:x + index removals
)

var kindNames = [...]string{"", "add_currency", "add_instrument", "add_account", "update_account",
	"add_order", "update_order", "add_position", "update_position", "snapshot_position",
	"purge_order", "purge_position"}

// String is the node's snake_case method name ("add_order").
func (k Kind) String() string {
	if int(k) < len(kindNames) && k != 0 {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Kinds lists every call kind in declaration order.
func Kinds() []Kind {
	ks := make([]Kind, 0, len(kindNames)-1)
	for k := AddCurrency; k <= PurgePosition; k++ {
		ks = append(ks, k)
	}
	return ks
}

// Call is one cache call.
type Call struct {
	// Seq numbers calls from 0 in stream order.
	Seq int64
	// Kind is the cache call.
	Kind Kind
	// ID is the id in the call's key: client order id, position id, account
	// id, instrument id or currency code.
	ID string
	// Order holds the order's ids and index membership (AddOrder, UpdateOrder, PurgeOrder).
	Order keyspace.OrderArgs
	// Position holds the position id and state (AddPosition, UpdatePosition,
	// SnapshotPosition, PurgePosition).
	Position keyspace.PositionArgs
	// Payload is the value to encode, a pointer to a payloads struct; nil for purges.
	// The same *OrderFilled is shared by the UpdateOrder and the position call
	// of one fill, as the node writes the same event to both lists.
	Payload any
}

// AppendCommands appends the Redis commands of c under layout l to dst;
// payload is c.Payload already encoded (ignored for purges).
func (c *Call) AppendCommands(dst []keyspace.Cmd, l keyspace.Layout, payload []byte) []keyspace.Cmd {
	switch c.Kind {
	case AddCurrency:
		return append(dst, l.AddCurrency(c.ID, payload)...)
	case AddInstrument:
		return append(dst, l.AddInstrument(c.ID, payload)...)
	case AddAccount:
		return append(dst, l.AddAccount(c.ID, payload)...)
	case UpdateAccount:
		return append(dst, l.UpdateAccount(c.ID, payload)...)
	case AddOrder:
		return l.AppendAddOrder(dst, c.Order, payload)
	case UpdateOrder:
		return l.AppendUpdateOrder(dst, c.Order, payload)
	case AddPosition:
		return l.AppendAddPosition(dst, c.Position, payload)
	case UpdatePosition:
		return l.AppendUpdatePosition(dst, c.Position, payload)
	case SnapshotPosition:
		return append(dst, l.SnapshotPosition(c.ID, payload)...)
	case PurgeOrder:
		return append(dst, l.PurgeOrder(c.ID)...)
	case PurgePosition:
		return append(dst, l.PurgePosition(c.ID)...)
	}
	return dst
}

// Commands returns the Redis commands of c under layout l.
func (c *Call) Commands(l keyspace.Layout, payload []byte) []keyspace.Cmd {
	return c.AppendCommands(nil, l, payload)
}

// Options shape a scenario. Zero values mean the defaults.
type Options struct {
	// Seed seeds the PCG generator; every seed, 0 included, is valid.
	// default: 0
	Seed int64
	// TraderID is written in every order event and client order id.
	// default: "RBENCH-001"
	TraderID string
	// Instruments is how many instruments trade, cycling through crypto
	// perpetuals (BINANCE), FX pairs (SIM), equities (XNAS) and futures (GLBX).
	// default: 12
	Instruments int
	// Strategies is how many strategies trade; every third one uses hedging
	// position ids (P-...), the others netting ids ({instrument_id}-{strategy_id}).
	// default: 4
	Strategies int
	// Accounts is the number of accounts per venue; strategies are spread over them.
	// default: 1
	Accounts int
	// Orders is how many orders the stream creates; it ends after the last one closes.
	// default: 1000
	Orders int64
	// MaxInFlight caps orders working at once; their events interleave.
	// default: 8
	MaxInFlight int
	// TimestampsISO8601 writes top-level timestamps as ISO-8601 with
	// nanoseconds instead of nanosecond decimal strings.
	// default: false
	TimestampsISO8601 bool
	// StartNs is the first event's time, nanoseconds since the Unix epoch.
	// default: 1705311012123456789 (2024-01-15T09:30:12.123456789Z)
	StartNs int64
	// PositionSnapshots emits a SnapshotPosition call when a position closes.
	// default: false
	PositionSnapshots bool
	// PurgeClosed emits PurgeOrder / PurgePosition for closed orders and
	// positions once PurgeLag newer ones have closed (purge_closed_* upstream).
	// default: false
	PurgeClosed bool
	// PurgeLag is how many closed orders (and positions) stay before purging.
	// default: 1000
	PurgeLag int
	// SkipAccountEvents leaves out UpdateAccount after fills
	// (persist_account_events=false upstream).
	// default: false
	SkipAccountEvents bool
	// Shard numbers this stream's strategies and accounts after those of
	// shards 0 to Shard-1 (Strategies and Accounts each), so streams of
	// distinct shards under one trader write disjoint order, position and
	// account ids (rbench runs one stream per connection). Instruments and
	// currencies are the same in every shard.
	// default: 0
	Shard int
}

// Defaults.
const (
	DefaultTraderID    = keyspace.DefaultTraderID
	DefaultInstruments = 12
	DefaultStrategies  = 4
	DefaultAccounts    = 1
	DefaultOrders      = 1000
	DefaultMaxInFlight = 8
	DefaultStartNs     = 1705311012123456789
	DefaultPurgeLag    = 1000
)

// Validate reports the first field out of range, naming it, its value and the fix.
func (o Options) Validate() error {
	switch {
	case o.Instruments < 0:
		return fmt.Errorf("scenario: instruments = %d: must be 0 (default %d) or more", o.Instruments, DefaultInstruments)
	case o.Strategies < 0:
		return fmt.Errorf("scenario: strategies = %d: must be 0 (default %d) or more", o.Strategies, DefaultStrategies)
	case o.Accounts < 0:
		return fmt.Errorf("scenario: accounts = %d: must be 0 (default %d) or more", o.Accounts, DefaultAccounts)
	case o.Orders < 0:
		return fmt.Errorf("scenario: orders = %d: must be 0 (default %d) or more", o.Orders, DefaultOrders)
	case o.MaxInFlight < 0:
		return fmt.Errorf("scenario: max in-flight = %d: must be 0 (default %d) or more", o.MaxInFlight, DefaultMaxInFlight)
	case o.Shard < 0:
		return fmt.Errorf("scenario: shard = %d: must be 0 (default) or more", o.Shard)
	case o.PurgeLag < 0:
		return fmt.Errorf("scenario: purge lag = %d: must be 0 (default %d) or more", o.PurgeLag, DefaultPurgeLag)
	case o.StartNs < 0:
		return fmt.Errorf("scenario: start = %d ns: must be after the Unix epoch", o.StartNs)
	}
	return nil
}

// withDefaults fills zero (and, defensively, negative) fields.
func (o Options) withDefaults() Options {
	if o.TraderID == "" {
		o.TraderID = DefaultTraderID
	}
	if o.Instruments <= 0 {
		o.Instruments = DefaultInstruments
	}
	if o.Strategies <= 0 {
		o.Strategies = DefaultStrategies
	}
	if o.Accounts <= 0 {
		o.Accounts = DefaultAccounts
	}
	if o.Orders <= 0 {
		o.Orders = DefaultOrders
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = DefaultMaxInFlight
	}
	if o.StartNs <= 0 {
		o.StartNs = DefaultStartNs
	}
	if o.PurgeLag <= 0 {
		o.PurgeLag = DefaultPurgeLag
	}
	return o
}

// All yields every call in order. It consumes the generator.
func (g *Generator) All() iter.Seq[Call] {
	return func(yield func(Call) bool) {
		for {
			c, ok := g.Next()
			if !ok || !yield(c) {
				return
			}
		}
	}
}
