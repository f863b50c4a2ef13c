package scenario

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
)

// upstreamTransitions is _ORDER_STATE_TABLE of
// nautilus_trader/model/orders/base.pyx:101-164 (1.231.0), copied by hand:
// (from, to) pairs an order event may trigger.
var upstreamTransitions = map[[2]string]bool{}

func init() {
	for _, line := range strings.Split(`INITIALIZED DENIED
INITIALIZED EMULATED
INITIALIZED RELEASED
INITIALIZED SUBMITTED
INITIALIZED REJECTED
INITIALIZED ACCEPTED
INITIALIZED CANCELED
INITIALIZED EXPIRED
INITIALIZED TRIGGERED
EMULATED CANCELED
EMULATED EXPIRED
EMULATED RELEASED
RELEASED DENIED
RELEASED SUBMITTED
RELEASED CANCELED
SUBMITTED PENDING_UPDATE
SUBMITTED PENDING_CANCEL
SUBMITTED REJECTED
SUBMITTED CANCELED
SUBMITTED ACCEPTED
SUBMITTED PARTIALLY_FILLED
SUBMITTED FILLED
ACCEPTED REJECTED
ACCEPTED PENDING_UPDATE
ACCEPTED PENDING_CANCEL
ACCEPTED CANCELED
ACCEPTED TRIGGERED
ACCEPTED EXPIRED
ACCEPTED PARTIALLY_FILLED
ACCEPTED FILLED
CANCELED PARTIALLY_FILLED
CANCELED FILLED
PENDING_UPDATE REJECTED
PENDING_UPDATE ACCEPTED
PENDING_UPDATE CANCELED
PENDING_UPDATE EXPIRED
PENDING_UPDATE TRIGGERED
PENDING_UPDATE PENDING_UPDATE
PENDING_UPDATE PENDING_CANCEL
PENDING_UPDATE PARTIALLY_FILLED
PENDING_UPDATE FILLED
PENDING_UPDATE SUBMITTED
PENDING_CANCEL REJECTED
PENDING_CANCEL PENDING_CANCEL
PENDING_CANCEL CANCELED
PENDING_CANCEL EXPIRED
PENDING_CANCEL ACCEPTED
PENDING_CANCEL PARTIALLY_FILLED
PENDING_CANCEL FILLED
TRIGGERED REJECTED
TRIGGERED PENDING_UPDATE
TRIGGERED PENDING_CANCEL
TRIGGERED CANCELED
TRIGGERED EXPIRED
TRIGGERED PARTIALLY_FILLED
TRIGGERED FILLED
PARTIALLY_FILLED PENDING_UPDATE
PARTIALLY_FILLED PENDING_CANCEL
PARTIALLY_FILLED CANCELED
PARTIALLY_FILLED EXPIRED
PARTIALLY_FILLED PARTIALLY_FILLED
PARTIALLY_FILLED FILLED`, "\n") {
		f := strings.Fields(line)
		upstreamTransitions[[2]string{f[0], f[1]}] = true
	}
}

// heavy is a lifecycle where every path is common, for short streams.
func heavy() *Lifecycle {
	return &Lifecycle{Modify: 0.3, GTD: 0.3, Emulated: 0.15, Lists: 0.2}
}

// orderState is an order as a test follows it from its payloads alone.
type orderState struct {
	status, prev     string // upstream status names
	qty, filled      int64
	list             string // "" or the contingency type of its list
	hasVenue         bool
	pendingCancel    bool // the last event was OrderPendingCancel
	pendingUpdate    bool
	emulatedReleased bool
	closedAt         int64
}

// follower applies a stream's order events to upstream's state machine.
type follower struct {
	t      *testing.T
	orders map[string]*orderState
}

func newFollower(t *testing.T) *follower { return &follower{t: t, orders: map[string]*orderState{}} }

func eventTime(t *testing.T, v any) int64 {
	t.Helper()
	e, ok := v.(payloads.Event)
	if !ok {
		return 0
	}
	_, ts := e.EventTimes()
	ns, err := payloads.ParseTimestamp(ts)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// apply checks one call's order event against the state machine and
// against the call's own OrderArgs; it returns the order's state.
func (f *follower) apply(c *Call) *orderState {
	t := f.t
	t.Helper()
	switch c.Kind {
	case AddOrder:
		init := c.Payload.(*payloads.OrderInitialized)
		q, _, _ := payloads.ParseFixed(init.Quantity)
		if o, ok := f.orders[c.ID]; ok {
			// Only the emulator adds an order again, the transformed order
			// it releases (emulator.pyx:700-716).
			if o.status != "EMULATED" || init.EmulationTrigger != "NO_TRIGGER" || init.OrderType != "MARKET" {
				t.Fatalf("call %d: add_order of %s again in status %s (%s %s)", c.Seq, c.ID, o.status, init.OrderType, init.EmulationTrigger)
			}
			o.emulatedReleased = true
			return o
		}
		o := &orderState{status: "INITIALIZED", qty: q}
		if init.ContingencyType != "NO_CONTINGENCY" || init.ParentOrderID != nil {
			o.list = init.ContingencyType
		}
		f.orders[c.ID] = o
		return o
	case UpdateOrder:
	default:
		return nil
	}
	o := f.orders[c.ID]
	if o == nil {
		t.Fatalf("call %d: update_order of %s before add_order", c.Seq, c.ID)
	}
	var to string
	switch p := c.Payload.(type) {
	case *payloads.OrderEmulated:
		to = "EMULATED"
	case *payloads.OrderReleased:
		to = "RELEASED"
		if !o.emulatedReleased {
			t.Fatalf("call %d: OrderReleased of %s without the transformed add_order before it", c.Seq, c.ID)
		}
	case *payloads.OrderSubmitted:
		to = "SUBMITTED"
	case *payloads.OrderRejected:
		to = "REJECTED"
	case *payloads.OrderAccepted:
		to, o.hasVenue = "ACCEPTED", true
	case *payloads.OrderPendingUpdate:
		to = "PENDING_UPDATE"
	case *payloads.OrderPendingCancel:
		to = "PENDING_CANCEL"
	case *payloads.OrderUpdated:
		if o.status != "PENDING_UPDATE" {
			t.Fatalf("call %d: OrderUpdated of %s in %s, not after OrderPendingUpdate", c.Seq, c.ID, o.status)
		}
		to = o.prev // base.pyx:1068-1070
	case *payloads.OrderCanceled:
		to = "CANCELED"
		// A strategy cancels through OrderPendingCancel
		// (strategy.pyx:1657-1672); without it, only the emulator
		// (an emulated order, emulator.pyx:560-600) or the venue applying
		// a list's contingency cancels.
		if !o.pendingCancel && o.status != "EMULATED" && o.list == "" {
			t.Fatalf("call %d: OrderCanceled of %s (%s) without OrderPendingCancel", c.Seq, c.ID, o.status)
		}
		if (p.VenueOrderID != nil) != o.hasVenue {
			t.Fatalf("call %d: OrderCanceled venue_order_id %v, order accepted %v", c.Seq, p.VenueOrderID, o.hasVenue)
		}
	case *payloads.OrderExpired:
		to = "EXPIRED"
	case *payloads.OrderFilled:
		q, _, _ := payloads.ParseFixed(p.LastQty)
		o.filled += q
		o.hasVenue = true
		to = "PARTIALLY_FILLED"
		if o.filled >= o.qty {
			to = "FILLED"
		}
	default:
		t.Fatalf("call %d: update_order with %T", c.Seq, c.Payload)
	}
	if !upstreamTransitions[[2]string{o.status, to}] && !(o.status == "PENDING_UPDATE" && to == o.prev) {
		t.Fatalf("call %d: %s %s -> %s is not in upstream's state table", c.Seq, c.ID, o.status, to)
	}
	if o.status != "PENDING_UPDATE" && o.status != "PENDING_CANCEL" {
		o.prev = o.status
	}
	o.pendingCancel = to == "PENDING_CANCEL"
	o.pendingUpdate = to == "PENDING_UPDATE"
	o.status = to
	if got := c.Order.Status.String(); got != to {
		t.Fatalf("call %d: %s: the call says %s, upstream's state machine %s", c.Seq, c.ID, got, to)
	}
	if c.Order.HasVenueOrderID != o.hasVenue {
		t.Fatalf("call %d: %s: has venue order id %v, want %v", c.Seq, c.ID, c.Order.HasVenueOrderID, o.hasVenue)
	}
	if c.Order.Status.Closed() {
		o.closedAt = eventTime(t, c.Payload)
	}
	return o
}

// TestOrderStateMachine walks streams under several options and checks
// every order event is a transition of upstream's state table, that the
// status a call carries is the one the table gives, that cancels go
// through OrderPendingCancel and modifies through OrderPendingUpdate, and
// that every order ends closed.
func TestOrderStateMachine(t *testing.T) {
	calc := heavy()
	calc.CalculatedAccounts, calc.ClientIDs = true, true
	for _, opts := range []Options{
		{Seed: 1, Orders: 3000},
		{Seed: 2, Orders: 2000, Lifecycle: heavy(), Strategies: 6},
		{Seed: 3, Orders: 2000, Lifecycle: calc, Node: snapshotting(), PurgeClosed: true, PurgeInterval: time.Second},
	} {
		f := newFollower(t)
		for c := range New(opts).All() {
			f.apply(&c)
		}
		for id, o := range f.orders {
			if !closedName(o.status) {
				t.Errorf("seed %d: order %s ends %s", opts.Seed, id, o.status)
			}
		}
	}
}

func closedName(s string) bool {
	switch s {
	case "DENIED", "REJECTED", "CANCELED", "EXPIRED", "FILLED":
		return true
	}
	return false
}

// TestLifecyclePathsOccur checks that with the default options a few
// thousand orders take every path of the lifecycle.
func TestLifecyclePathsOccur(t *testing.T) {
	paths := map[string]int{}
	f := newFollower(t)
	var prev Call
	addedPositions := map[string]bool{}
	for c := range New(Options{Seed: 4, Orders: 4000}).All() {
		o := f.apply(&c)
		typ := payloads.TypeOf(c.Payload)
		switch c.Kind {
		case AddOrder:
			init := c.Payload.(*payloads.OrderInitialized)
			switch {
			case o.emulatedReleased:
				paths["add_order of the released emulated order"]++
			case init.EmulationTrigger != "NO_TRIGGER":
				paths["add_order emulated"]++
			case init.ContingencyType == "OTO":
				paths["OTO list"]++
			case init.ContingencyType == "OCO":
				paths["OCO list"]++
			case init.TimeInForce == "GTD":
				paths["GTD order"]++
			}
			if c.Order.PositionID != "" {
				paths["add_order with a position id (close_position)"]++
			}
		case UpdateOrder:
			paths[typ]++
			if typ == payloads.TypeOrderCanceled {
				switch {
				case o.prev == "EMULATED":
					paths["canceled while emulated"]++
				case o.list != "" && o.prev != "PENDING_CANCEL":
					paths["canceled by the venue (contingency)"]++
				case !o.hasVenue:
					paths["canceled without a venue order id"]++
				}
			}
			if typ == payloads.TypeOrderFilled && o.status == "PARTIALLY_FILLED" {
				paths["partial fill"]++
			}
		case AddPosition:
			if prev.Kind == UpdatePosition && prev.ID == c.ID && prev.Position.Closed {
				paths["netting flip (update_position closed, add_position)"]++
			} else if addedPositions[c.ID] {
				paths["netting position reopened"]++
			}
			addedPositions[c.ID] = true
			if strings.HasPrefix(c.ID, "P-") {
				paths["hedging position"]++
			}
		case UpdatePosition:
			if c.Position.Closed {
				paths["position closed"]++
			}
		case IndexOrderPosition:
			paths["OTO child indexed to its parent's position"]++
		case UpdateAccount:
			paths["update_account"]++
		}
		prev = c
	}
	for _, p := range []string{payloads.TypeOrderSubmitted, payloads.TypeOrderAccepted, payloads.TypeOrderRejected,
		payloads.TypeOrderPendingCancel, payloads.TypeOrderCanceled, payloads.TypeOrderPendingUpdate, payloads.TypeOrderUpdated,
		payloads.TypeOrderExpired, payloads.TypeOrderEmulated, payloads.TypeOrderReleased, payloads.TypeOrderFilled,
		"add_order emulated", "add_order of the released emulated order", "OTO list", "OCO list", "GTD order",
		"add_order with a position id (close_position)", "canceled while emulated", "canceled by the venue (contingency)",
		"partial fill", "netting flip (update_position closed, add_position)", "netting position reopened",
		"hedging position", "position closed", "OTO child indexed to its parent's position", "update_account"} {
		if paths[p] == 0 {
			t.Errorf("path %q never occurred in 4000 orders", p)
		}
	}
	t.Logf("%v", paths)
}

// redisModel is the part of Redis the stream's commands touch.
type redisModel struct {
	strings map[string]bool
	lists   map[string]int
	sets    map[string]map[string]bool
	hashes  map[string]map[string]string
}

func newRedisModel() *redisModel {
	return &redisModel{strings: map[string]bool{}, lists: map[string]int{}, sets: map[string]map[string]bool{}, hashes: map[string]map[string]string{}}
}

func (m *redisModel) member(key, id string) bool { return m.sets[key][id] }

// TestNoMessageUpstreamWouldNotSend applies every command of long streams
// to a model of Redis and checks each is one upstream would send in that
// state: RPUSHX only to a list that exists, RPUSH of an order only to a new
// list (or the emulator's transformed order onto its own), add_position
// only for a position id not open, purges only of closed orders and
// positions closed at least the buffer earlier, HSET index:order_position
// only with the position the order's fills book to, and the index sets
// empty of open, in-flight and emulated orders at the end.
func TestNoMessageUpstreamWouldNotSend(t *testing.T) {
	calc := heavy()
	calc.CalculatedAccounts, calc.ClientIDs = true, true
	n := int64(2000)
	if raceEnabled {
		n = 800 // the race detector makes this ten times slower
	}
	for _, opts := range []Options{
		{Seed: 5, Orders: n, PurgeClosed: true, PurgeInterval: 2 * time.Second, PurgeBuffer: time.Second},
		{Seed: 6, Orders: n, Lifecycle: calc, Node: snapshotting(), PurgeClosed: true, PurgeInterval: time.Second},
	} {
		l := keyspace.Layout{TraderID: opts.TraderID}
		m := newRedisModel()
		f := newFollower(t)
		orderPos := map[string]string{} // client order id -> position id its fills name
		var lastTs int64
		var purges []Call
		check := func(next int64) {
			// Purges ran at a timer time before next: each order and
			// position must have closed at least the buffer earlier.
			for _, p := range purges {
				closed := f.orders[p.ID]
				if p.Kind == PurgeOrder && (closed == nil || closed.closedAt+int64(opts.PurgeBuffer) > next) {
					t.Fatalf("seed %d: purge_order %s before its buffer passed", opts.Seed, p.ID)
				}
			}
			purges = purges[:0]
		}
		for c := range New(opts).All() {
			if ts := eventTime(t, c.Payload); ts > 0 && c.Kind != AddAccount {
				check(ts)
				lastTs = ts
			}
			o := f.apply(&c)
			if c.Kind == PurgeOrder || c.Kind == PurgePosition {
				purges = append(purges, c)
			}
			if p, ok := c.Payload.(*payloads.OrderFilled); ok && c.Kind == UpdateOrder {
				if want, ok := m.hashes[l.IndexKey(keyspace.IndexOrderPosition)][c.ID]; ok && want != *p.PositionID {
					t.Fatalf("seed %d call %d: %s indexed to %s, fill books to %s", opts.Seed, c.Seq, c.ID, want, *p.PositionID)
				}
				orderPos[c.ID] = *p.PositionID
			}
			switch c.Kind {
			case PurgeOrder:
				if !m.member(l.IndexKey(keyspace.IndexOrdersClosed), c.ID) || m.lists[l.OrderKey(c.ID)] == 0 {
					t.Fatalf("seed %d call %d: purge_order of %s, not a closed order in Redis", opts.Seed, c.Seq, c.ID)
				}
			case PurgePosition:
				if !m.member(l.IndexKey(keyspace.IndexPositionsClosed), c.ID) || m.lists[l.PositionKey(c.ID)] == 0 {
					t.Fatalf("seed %d call %d: purge_position of %s, not a closed position in Redis", opts.Seed, c.Seq, c.ID)
				}
			case AddPosition:
				if m.member(l.IndexKey(keyspace.IndexPositionsOpen), c.ID) {
					t.Fatalf("seed %d call %d: add_position of %s, which is open", opts.Seed, c.Seq, c.ID)
				}
			case AddOrder:
				if m.lists[l.OrderKey(c.ID)] > 0 && (o == nil || !o.emulatedReleased) {
					t.Fatalf("seed %d call %d: add_order onto the existing list of %s", opts.Seed, c.Seq, c.ID)
				}
			}
			cmds := c.Commands(l, []byte("v"))
			// NewKey: the call's own key (not an index key) did not exist.
			isNew := false
			for _, cmd := range cmds {
				if key := cmd.Key(); !strings.HasPrefix(key, l.IndexKey("")) {
					isNew = m.lists[key] == 0 && !m.strings[key] && cmd.Name() != "DEL" || cmd.Name() == "DEL" && m.lists[key] == 0
					break
				}
			}
			if c.NewKey != isNew {
				t.Fatalf("seed %d call %d %s %s: NewKey %v, but the key existed: %v", opts.Seed, c.Seq, c.Kind, c.ID, c.NewKey, !isNew)
			}
			for _, cmd := range cmds {
				key := cmd.Key()
				switch cmd.Name() {
				case "RPUSH":
					m.lists[key]++
				case "RPUSHX":
					if m.lists[key] == 0 {
						t.Fatalf("seed %d call %d %s: RPUSHX to %s, which does not exist", opts.Seed, c.Seq, c.Kind, key)
					}
					m.lists[key]++
				case "DEL":
					delete(m.lists, key)
				case "SADD":
					if m.sets[key] == nil {
						m.sets[key] = map[string]bool{}
					}
					m.sets[key][cmd[2].(string)] = true
				case "SREM":
					delete(m.sets[key], cmd[2].(string))
				case "HSET":
					if m.hashes[key] == nil {
						m.hashes[key] = map[string]string{}
					}
					m.hashes[key][cmd[2].(string)] = cmd[3].(string)
				case "HDEL":
					delete(m.hashes[key], cmd[2].(string))
				case "SET":
					m.strings[key] = true
				default:
					t.Fatalf("seed %d call %d: unexpected command %s", opts.Seed, c.Seq, cmd.Name())
				}
			}
		}
		check(lastTs + int64(opts.PurgeInterval))
		for _, name := range []string{keyspace.IndexOrdersOpen, keyspace.IndexOrdersInflight, keyspace.IndexOrdersEmulated} {
			if n := len(m.sets[l.IndexKey(name)]); n != 0 {
				t.Errorf("seed %d: index:%s holds %d orders after every order closed", opts.Seed, name, n)
			}
		}
		for coid, pid := range m.hashes[l.IndexKey(keyspace.IndexOrderPosition)] {
			if got, ok := orderPos[coid]; ok && got != pid {
				t.Errorf("seed %d: index:order_position %s -> %s, its fills book to %s", opts.Seed, coid, pid, got)
			}
		}
	}
}

// callKey identifies a call with its encoded payload, to compare streams.
func callKeys(t *testing.T, opts Options, keep func(Kind) bool) []string {
	t.Helper()
	codec, _ := codecs.ByName(codecs.JSON)
	var out []string
	for c := range New(opts).All() {
		if !keep(c.Kind) {
			continue
		}
		b, err := codec.Encode(c.Payload)
		if c.Payload == nil {
			b, err = nil, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %+v %+v %s", c.Kind, c.ID, c.Order, c.Position, b))
	}
	return out
}

// TestNodeOptionsOnlyAddOrRemoveCalls checks that persist_account_events,
// the snapshot options and client ids change only their own calls: the
// rest of the stream is byte for byte the default one.
func TestNodeOptionsOnlyAddOrRemoveCalls(t *testing.T) {
	base := Options{Seed: 8, Orders: 600}
	all := func(Kind) bool { return true }
	notAccount := func(k Kind) bool { return k != AddAccount && k != UpdateAccount }
	notSnapshot := func(k Kind) bool { return k != SnapshotOrder && k != SnapshotPosition }
	def := callKeys(t, base, all)

	noAccounts := base
	noAccounts.Node = node.DefaultConfig()
	noAccounts.Node.PersistAccountEvents = false
	got := callKeys(t, noAccounts, all)
	if want := callKeys(t, base, notAccount); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Error("persist_account_events=false is not the default stream without add_account and update_account")
	}
	for _, k := range got {
		if strings.HasPrefix(k, "add_account") || strings.HasPrefix(k, "update_account") {
			t.Fatalf("persist_account_events=false wrote %s", k)
		}
	}

	snaps := base
	snaps.Node = snapshotting()
	if got := callKeys(t, snaps, notSnapshot); strings.Join(got, "\n") != strings.Join(def, "\n") {
		t.Error("with snapshots on, the stream without snapshots is not the default stream")
	}

	lc := DefaultLifecycle()
	lc.ClientIDs = true
	clients := base
	clients.Lifecycle = &lc
	l := keyspace.Layout{}
	var n int
	for c := range New(clients).All() {
		if c.Kind == AddOrder {
			cmds := c.Commands(l, nil)
			last := cmds[len(cmds)-1]
			if last.Name() != "HSET" || last.Key() != l.IndexKey(keyspace.IndexOrderClient) {
				t.Fatalf("add_order with client ids ends %s %s", last.Name(), last.Key())
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no add_order")
	}
	for c := range New(base).All() {
		if c.Kind == AddOrder && c.Order.ClientID != "" {
			t.Fatal("a default stream passes a client id")
		}
	}
}

// TestSnapshotsWhereUpstreamTakesThem checks order snapshots follow exactly
// the events the execution engine applies (engine.pyx:1617-1620; not the
// strategy's add_order and pending events, not the emulator's events), and
// position snapshots follow every add_position and update_position and
// come every interval for each open position.
func TestSnapshotsWhereUpstreamTakesThem(t *testing.T) {
	cfg := snapshotting()
	opts := Options{Seed: 9, Orders: 1500, Node: cfg, Lifecycle: heavy()}
	engine := map[string]bool{payloads.TypeOrderSubmitted: true, payloads.TypeOrderAccepted: true, payloads.TypeOrderRejected: true,
		payloads.TypeOrderCanceled: true, payloads.TypeOrderExpired: true, payloads.TypeOrderUpdated: true, payloads.TypeOrderFilled: true}
	var calls []Call
	for c := range New(opts).All() {
		calls = append(calls, c)
	}
	open := map[string]bool{}
	interval := int64(cfg.SnapshotPositionsInterval)
	var lastTimer int64
	var timers int
	for i, c := range calls {
		next := Call{}
		if i+1 < len(calls) {
			next = calls[i+1]
		}
		switch c.Kind {
		case AddOrder:
			if next.Kind == SnapshotOrder {
				t.Fatalf("call %d: order snapshot after the strategy's add_order", c.Seq)
			}
		case UpdateOrder:
			typ := payloads.TypeOf(c.Payload)
			snapped := next.Kind == SnapshotOrder && next.ID == c.ID
			if snapped != engine[typ] {
				t.Fatalf("call %d: %s followed by an order snapshot: %v, want %v", c.Seq, typ, snapped, engine[typ])
			}
			if snapped {
				s := next.Payload
				status := ""
				switch p := s.(type) {
				case *payloads.LimitOrderSnapshot:
					status = p.Status
				case *payloads.MarketOrderSnapshot:
					status = p.Status
				}
				if status != c.Order.Status.String() {
					t.Fatalf("call %d: snapshot status %s after %s", next.Seq, status, c.Order.Status)
				}
			}
		case AddPosition, UpdatePosition:
			open[c.ID] = !c.Position.Closed
			if next.Kind != SnapshotPosition || next.ID != c.ID {
				t.Fatalf("call %d: %s of %s not followed by its snapshot", c.Seq, c.Kind, c.ID)
			}
		case SnapshotPosition:
			if prev := calls[i-1]; (prev.Kind == AddPosition || prev.Kind == UpdatePosition) && prev.ID == c.ID {
				continue
			}
			// A timer snapshot: at a multiple of the interval, of an open position.
			ts, _ := payloads.ParseTimestamp(c.Payload.(*payloads.PositionSnapshot).TsSnapshot)
			if (ts-DefaultStartNs)%interval != 0 || !open[c.ID] {
				t.Fatalf("call %d: timer snapshot of %s (open %v) at %d", c.Seq, c.ID, open[c.ID], ts)
			}
			if ts != lastTimer {
				timers++
				lastTimer = ts
				n := 0
				for j := i; j < len(calls) && calls[j].Kind == SnapshotPosition; j++ {
					n++
				}
				want := 0
				for _, o := range open {
					if o {
						want++
					}
				}
				if n != want {
					t.Fatalf("call %d: the timer at %d snapshot %d positions, %d are open", c.Seq, ts, n, want)
				}
			}
		}
	}
	if timers < 3 {
		t.Errorf("only %d snapshot timer ticks", timers)
	}
}

// TestAccountStates checks where AccountState is written: by default one
// per fill, after the fill's position (the venue's report); with calculated
// accounts, after OrderAccepted, OrderCanceled (not the emulator's),
// OrderExpired and OrderUpdated, after a cash account's fill and after
// every position event of a margin account (portfolio.pyx:481-586,695-716).
func TestAccountStates(t *testing.T) {
	for _, calculated := range []bool{false, true} {
		lc := heavy()
		lc.CalculatedAccounts = calculated
		var calls []Call
		for c := range New(Options{Seed: 10, Orders: 1500, Lifecycle: lc}).All() {
			calls = append(calls, c)
		}
		margin := map[string]bool{}
		for _, c := range calls {
			if st, ok := c.Payload.(*payloads.AccountState); ok {
				margin[st.AccountID] = st.AccountType == "MARGIN"
				if c.Kind == UpdateAccount && st.Reported == calculated {
					t.Fatalf("calculated %v: update_account with reported=%v", calculated, st.Reported)
				}
			}
		}
		want := map[int64]bool{} // calls that must be followed by update_account
		for i, c := range calls {
			var acct string
			switch p := c.Payload.(type) {
			case *payloads.OrderAccepted, *payloads.OrderExpired, *payloads.OrderUpdated:
				if calculated {
					want[c.Seq] = true
				}
			case *payloads.OrderCanceled:
				if calculated && p.AccountID != nil {
					want[c.Seq] = true
				}
			case *payloads.OrderFilled:
				acct = p.AccountID
				if c.Kind == UpdateOrder && calculated && !margin[acct] {
					want[c.Seq] = true
				}
				if c.Kind != UpdateOrder && calculated && margin[acct] {
					want[c.Seq] = true
				}
				if c.Kind == UpdateOrder && !calculated {
					// After the fill's position call(s) and any OTO index.
					j := i + 1
					for j < len(calls) && (calls[j].Kind == AddPosition || calls[j].Kind == UpdatePosition || calls[j].Kind == IndexOrderPosition) {
						j++
					}
					if j >= len(calls) || calls[j].Kind != UpdateAccount || calls[j].ID != acct {
						t.Fatalf("call %d: the fill's venue account report is not after its position", c.Seq)
					}
				}
			}
		}
		for i, c := range calls {
			followed := i+1 < len(calls) && calls[i+1].Kind == UpdateAccount
			if want[c.Seq] && !followed {
				t.Fatalf("calculated %v: call %d %s %s not followed by update_account", calculated, c.Seq, c.Kind, payloads.TypeOf(c.Payload))
			}
		}
		n, fills := 0, 0
		for _, c := range calls {
			switch {
			case c.Kind == UpdateAccount:
				n++
			case c.Kind == UpdateOrder && payloads.TypeOf(c.Payload) == payloads.TypeOrderFilled:
				fills++
			}
		}
		if calculated && n != len(want) || !calculated && n != fills {
			t.Errorf("calculated %v: %d account updates for %d fills and %d calls that make one", calculated, n, fills, len(want))
		}
	}
}

// TestStreamsOfShardsAreDisjoint checks two shards under one trader write no
// common order, position or account key.
func TestStreamsOfShardsAreDisjoint(t *testing.T) {
	seen := map[string]int{}
	for shard := range 2 {
		for c := range New(Options{Seed: int64(shard), Shard: shard, Orders: 300}).All() {
			if c.Kind == AddCurrency || c.Kind == AddInstrument {
				continue
			}
			if s, ok := seen[c.Kind.String()+c.ID]; ok && s != shard {
				t.Fatalf("%s %s in shards %d and %d", c.Kind, c.ID, s, shard)
			}
			seen[c.Kind.String()+c.ID] = shard
		}
	}
}

// TestCommandsAreOneMessageEach checks every call's commands are single
// Redis commands with a key under the layout's prefix, and payload bytes
// appear only where a payload goes.
func TestCommandsAreOneMessageEach(t *testing.T) {
	l := keyspace.LayoutFor("T", node.Config{Flavour: node.Python, UseInstanceID: true}, 3)
	payload := []byte("\x00payload\x00")
	for c := range New(Options{Seed: 11, Orders: 300, Node: snapshotting(), Lifecycle: heavy(), PurgeClosed: true, PurgeInterval: time.Second}).All() {
		for _, cmd := range c.Commands(l, payload) {
			if !strings.HasPrefix(cmd.Key(), l.Prefix()+":") || len(l.InstanceID) != 36 {
				t.Fatalf("%s: key %q outside %s", c.Kind, cmd.Key(), l.Prefix())
			}
			for _, a := range cmd[2:] {
				if b, ok := a.([]byte); ok && !bytes.Equal(b, payload) {
					t.Fatalf("%s: unexpected bytes argument", c.Kind)
				}
			}
		}
	}
}
