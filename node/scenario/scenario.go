// Package scenario generates a realistic, seeded trading history as the
// stream of cache calls a NautilusTrader Python TradingNode makes (1.231.0):
// currencies and instruments, accounts, then orders through upstream's order
// state machine (submitted, accepted or rejected, modified, partially or
// fully filled, canceled after OrderPendingCancel, expired, emulated and
// released, in contingent lists), the positions their fills open, change,
// flip and close, the account states, the optional state snapshots and the
// timed purges. docs/workloads.md ("The scenario") lists every rule with its
// upstream path:line.
//
// The same Options give the same calls byte for byte. The generator streams:
// its memory depends on Instruments, Strategies, Accounts, MaxInFlight and,
// with purging on, on how many orders close within PurgeInterval plus
// PurgeBuffer of scenario time, never on Orders.
package scenario

import (
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/keyspace"
)

// Kind is the cache call a Call stands for.
type Kind uint8

// Cache calls, named after the node's cache database methods. New kinds are
// appended so that a kind's number never changes.
const (
	AddCurrency        Kind = iota + 1 // SET currencies:x
	AddInstrument                      // SET instruments:x
	AddAccount                         // RPUSH accounts:x (first AccountState)
	UpdateAccount                      // RPUSHX accounts:x
	AddOrder                           // [HSET] RPUSH orders:x (OrderInitialized) + indexes
	UpdateOrder                        // RPUSHX orders:x (a later order event) + indexes
	AddPosition                        // HSET, DEL + RPUSH positions:x (opening OrderFilled) + indexes
	UpdatePosition                     // RPUSHX positions:x (OrderFilled) + indexes
	SnapshotPosition                   // RPUSH snapshots:positions:x (position state)
	PurgeOrder                         // DEL orders:x + index removals
	PurgePosition                      // DEL positions:x + index removals
	SnapshotOrder                      // RPUSH snapshots:orders:x (order state)
	IndexOrderPosition                 // HSET index:order_position (an OTO child joins its parent's position)

	// LastKind is the highest Kind, for tables indexed by kind.
	LastKind = IndexOrderPosition
)

var kindNames = [...]string{"", "add_currency", "add_instrument", "add_account", "update_account",
	"add_order", "update_order", "add_position", "update_position", "snapshot_position",
	"purge_order", "purge_position", "snapshot_order", "index_order_position"}

// String is the node's snake_case method name ("add_order").
func (k Kind) String() string {
	if int(k) < len(kindNames) && k != 0 {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Kinds lists every call kind in declaration order.
func Kinds() []Kind {
	ks := make([]Kind, 0, LastKind)
	for k := AddCurrency; k <= LastKind; k++ {
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
	// Order holds the order's ids and state (AddOrder, UpdateOrder,
	// SnapshotOrder, IndexOrderPosition, PurgeOrder).
	Order keyspace.OrderArgs
	// Position holds the position's ids and state (AddPosition,
	// UpdatePosition, SnapshotPosition, PurgePosition).
	Position keyspace.PositionArgs
	// NewKey is whether the call creates the key it writes (index keys
	// aside): the first add_order of an order, add_position of an id whose
	// list is not in Redis (new, or purged since), the first snapshot of an
	// order or position, every add_currency, add_instrument and add_account.
	NewKey bool
	// Payload is the value to encode, a pointer to a node/payloads struct;
	// nil for purges and IndexOrderPosition. The same *OrderFilled is shared
	// by the UpdateOrder and the position call of one fill, as the node
	// writes the same event to both lists (a flip writes two split fills to
	// the position instead).
	Payload any
}

// AppendCommands appends the Redis commands of c under layout l to dst, one
// Cmd per writer message in the Python node's order; payload is c.Payload
// already encoded (ignored for purges and IndexOrderPosition).
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
	case SnapshotOrder:
		return append(dst, l.SnapshotOrder(c.ID, payload)...)
	case IndexOrderPosition:
		return append(dst, l.IndexOrderPosition(c.Order.ClientOrderID, c.Order.PositionID)...)
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

// AppendSeq appends c as a node of flavour f sends it to dst: its commands
// and how the writer sends them (keyspace.Seq). The Python node's messages
// are AppendCommands' commands, one Queued step each; the Rust node's
// add_order, update_order and add_position are keyspace's Rust sequences,
// and its purges send nothing (keyspace.RustPurges). payload is c.Payload
// already encoded for f.
func (c *Call) AppendSeq(dst keyspace.Seq, l keyspace.Layout, f node.Flavour, payload []byte) keyspace.Seq {
	if f == node.Rust {
		switch c.Kind {
		case AddOrder:
			return l.AppendRustAddOrder(dst, c.Order, payload)
		case UpdateOrder:
			return l.AppendRustUpdateOrder(dst, c.Order, payload)
		case AddPosition:
			return l.AppendRustAddPosition(dst, c.Position, payload)
		case PurgeOrder, PurgePosition:
			if !keyspace.RustPurges {
				return dst
			}
		}
	}
	n := len(dst.Cmds)
	dst.Cmds = c.AppendCommands(dst.Cmds, l, payload)
	for range len(dst.Cmds) - n {
		dst.Steps = append(dst.Steps, keyspace.Step{Kind: keyspace.Queued, N: 1})
	}
	return dst
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
	// StartNs is the first event's time, nanoseconds since the Unix epoch.
	// default: 1705311012123456789 (2024-01-15T09:30:12.123456789Z)
	StartNs int64
	// Node is the node's configuration: timestamps_as_iso8601,
	// persist_account_events, snapshot_orders, snapshot_positions and
	// snapshot_positions_interval_secs change what the stream holds. A zero
	// Config (Flavour == "") means node.DefaultConfig().
	// default: node.DefaultConfig()
	Node node.Config
	// Lifecycle sets how often each order path occurs; nil means
	// DefaultLifecycle(), a non-nil value is taken as given (a zero share
	// turns its path off).
	// default: DefaultLifecycle()
	Lifecycle *Lifecycle
	// PurgeClosed purges closed orders and positions from Redis as a node
	// with purge_closed_orders_interval_mins,
	// purge_closed_positions_interval_mins and purge_from_database=true does
	// (execution/engine.pyx:1969-1983): every PurgeInterval of scenario time,
	// every order and position closed at least PurgeBuffer earlier.
	// default: false
	PurgeClosed bool
	// PurgeInterval is the purge timer's period in scenario time
	// (purge_closed_*_interval_mins; upstream takes whole minutes).
	// default: 1m
	PurgeInterval time.Duration
	// PurgeBuffer is how long an order or position stays closed before a
	// purge takes it (purge_closed_*_buffer_mins).
	// default: 0
	PurgeBuffer time.Duration
	// Shard numbers this stream's strategies and accounts after those of
	// shards 0 to Shard-1 (Strategies and Accounts each), so streams of
	// distinct shards under one trader write disjoint order, position and
	// account ids (rbench runs one stream per connection). Instruments and
	// currencies are the same in every shard.
	// default: 0
	Shard int
}

// Lifecycle is the share of orders that take each path of upstream's order
// lifecycle, and the scenario's choices of what a strategy passes. Shares are
// fractions from 0 to 1.
type Lifecycle struct {
	// Modify is the share of LIMIT orders a strategy modifies while they
	// work: OrderPendingUpdate (strategy.pyx:1615-1630), then the venue's
	// OrderUpdated.
	Modify float64
	// GTD is the share of LIMIT orders placed good-till-date; those a
	// strategy would otherwise cancel expire at the venue instead
	// (OrderExpired).
	GTD float64
	// Emulated is the share of LIMIT orders held by the order emulator
	// (emulation_trigger BID_ASK): OrderEmulated, then OrderReleased as a
	// MARKET order with a second add_order (execution/emulator.pyx:686-753),
	// or, for a fifth of them, canceled while still emulated.
	Emulated float64
	// Lists is the share of new orders that start a contingent order list
	// submitted together (strategy.pyx:899-997): an OTO entry with its
	// take-profit child, or an OCO pair, the venue holding the contingency.
	Lists float64
	// ClientIDs passes the execution client id (the venue) to every
	// submit_order, which makes add_order write index:order_client. Most
	// strategies pass none.
	ClientIDs bool
	// CalculatedAccounts has the node calculate account states
	// (calculate_account_state, as Betfair's adapter sets): an AccountState
	// after every OrderAccepted, OrderCanceled, OrderExpired and OrderUpdated
	// and after every fill (portfolio.pyx:87-94,583-586,694-716). By default
	// accounts are venue-reported, as Binance, Bybit and Interactive
	// Brokers report them: one AccountState per fill.
	CalculatedAccounts bool
}

// DefaultLifecycle is the lifecycle mix when Options.Lifecycle is nil.
func DefaultLifecycle() Lifecycle {
	return Lifecycle{Modify: 0.10, GTD: 0.10, Emulated: 0.03, Lists: 0.05}
}

// Defaults.
const (
	DefaultTraderID      = keyspace.DefaultTraderID
	DefaultInstruments   = 12
	DefaultStrategies    = 4
	DefaultAccounts      = 1
	DefaultOrders        = 1000
	DefaultMaxInFlight   = 8
	DefaultStartNs       = 1705311012123456789
	DefaultPurgeInterval = time.Minute
	// MinTimerInterval bounds the timers' periods from below: a shorter one
	// would fire many times between two events.
	MinTimerInterval = time.Millisecond
)

// Validate reports every field out of range at once, each naming the
// field, its value and the fix.
func (o Options) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("scenario: "+format, args...)) }
	if o.Instruments < 0 {
		bad("instruments = %d: must be 0 (default %d) or more", o.Instruments, DefaultInstruments)
	}
	if o.Strategies < 0 {
		bad("strategies = %d: must be 0 (default %d) or more", o.Strategies, DefaultStrategies)
	}
	if o.Accounts < 0 {
		bad("accounts = %d: must be 0 (default %d) or more", o.Accounts, DefaultAccounts)
	}
	if o.Orders < 0 {
		bad("orders = %d: must be 0 (default %d) or more", o.Orders, DefaultOrders)
	}
	if o.MaxInFlight < 0 {
		bad("max in-flight = %d: must be 0 (default %d) or more", o.MaxInFlight, DefaultMaxInFlight)
	}
	if o.Shard < 0 {
		bad("shard = %d: must be 0 (default) or more", o.Shard)
	}
	if o.StartNs < 0 {
		bad("start = %d ns: must be after the Unix epoch", o.StartNs)
	}
	if o.PurgeInterval < 0 || o.PurgeInterval > 0 && o.PurgeInterval < MinTimerInterval {
		bad("purge interval = %s: must be 0 (default %s) or at least %s", o.PurgeInterval, DefaultPurgeInterval, MinTimerInterval)
	}
	if iv := o.Node.SnapshotPositionsInterval; iv > 0 && iv < MinTimerInterval {
		bad("snapshot positions interval = %s: must be 0 (none) or at least %s", iv, MinTimerInterval)
	}
	if o.PurgeBuffer < 0 {
		bad("purge buffer = %s: must be 0 (default) or more", o.PurgeBuffer)
	}
	if o.Lifecycle != nil {
		lc := o.Lifecycle
		for _, s := range []struct {
			name  string
			share float64
		}{{"modify", lc.Modify}, {"gtd", lc.GTD}, {"emulated", lc.Emulated}, {"lists", lc.Lists}} {
			if !(s.share >= 0 && s.share <= 1) {
				bad("%s share = %v: must be a fraction from 0 to 1", s.name, s.share)
			}
		}
	}
	if o.Node.Flavour != "" {
		if err := o.Node.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("scenario: %w", err))
		}
	}
	return errors.Join(errs...)
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
	if o.PurgeInterval <= 0 {
		o.PurgeInterval = DefaultPurgeInterval
	}
	o.PurgeInterval = max(o.PurgeInterval, MinTimerInterval)
	if o.PurgeBuffer < 0 {
		o.PurgeBuffer = 0
	}
	if o.Node.Flavour == "" {
		o.Node = node.DefaultConfig()
	}
	o.Node, _ = o.Node.Effective() // a Rust node writes account states whatever persist_account_events says
	if iv := o.Node.SnapshotPositionsInterval; iv > 0 {
		o.Node.SnapshotPositionsInterval = max(iv, MinTimerInterval)
	}
	if o.Lifecycle == nil {
		lc := DefaultLifecycle()
		o.Lifecycle = &lc
	}
	return o
}

// Writes says which optional keys the scenario of o writes, for `rbench
// keys` and the key layout's table.
func (o Options) Writes() keyspace.Writes {
	o = o.withDefaults()
	return keyspace.Writes{
		AccountEvents:     o.Node.PersistAccountEvents,
		ClientIDs:         o.Lifecycle.ClientIDs,
		Emulated:          o.Lifecycle.Emulated > 0,
		SnapshotOrders:    o.Node.SnapshotOrders,
		SnapshotPositions: o.Node.SnapshotPositions || o.Node.SnapshotPositionsInterval > 0,
	}
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
