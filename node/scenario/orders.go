package scenario

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/rbench/rbench/node/keyspace"
)

// fate is how an order ends.
type fate uint8

const (
	fateFill   fate = iota // fills completely
	fateCancel             // the strategy cancels it after cancelAt fills (or while it is emulated)
	fateExpire             // GTD: the venue expires it after cancelAt fills
	fateReject             // the venue rejects it
)

// order is one order and the plan of its life.
type order struct {
	id       string
	venueID  string // "" until OrderAccepted
	inst     *instrument
	strat    *strategy
	acct     *account
	side     string
	otype    string // LIMIT or MARKET (an emulated LIMIT order is released as MARKET)
	tif      string
	price    int64 // limit price, price units; 0 for market
	qty      int64 // size units
	postOnly bool
	reduce   bool
	expireNs int64 // GTD expire time, 0 for none
	initID   string
	tsInit   int64
	tsLast   int64

	status    keyspace.OrderStatus
	prev      keyspace.OrderStatus // the status OrderUpdated returns to
	emulated  bool                 // emulation_trigger set (until released or canceled)
	submitted bool                 // OrderSubmitted gave it its account id
	snapped   bool                 // snapshots:orders:{id} exists

	fate      fate
	fills     []int64 // planned fill sizes, size units
	filled    int     // fills done
	filledQty int64
	cancelAt  int // fills before the cancel or expiry
	modifyAt  int // fills before the strategy modifies it
	modifies  int // modifications left
	avgPx     float64
	comm      int64 // commissions so far, account currency units
	lastTrade string

	notBefore   int64 // its next event is not due before this time
	releaseAt   int64 // emulated: when the market reaches its price
	held        bool  // accepted, waiting on its list's parent or sibling
	venueCancel bool  // the venue cancels it next (its contingency fired)
	tsClosed    int64

	posID      string // position id passed to submit_order ("" for none)
	clientID   string // client id passed to submit_order ("" for none)
	linkedPos  string // position id an OTO parent's fill indexed for it
	list       *orderList
	hedgeClose *position // hedging: the position it closes
	hedgeOpen  bool      // hedging: it opens a position of its own
	opened     *position // hedging: the position its first fill opened
}

// orderList is a contingent order list submitted together.
type orderList struct {
	id     string
	kind   string // "OTO": orders[0] is the parent; "OCO": any fill cancels the others
	orders []*order
}

// args is the order as keyspace's builders need it.
func (o *order) args() keyspace.OrderArgs {
	return keyspace.OrderArgs{ClientOrderID: o.id, PositionID: o.posID, ClientID: o.clientID,
		Status: o.status, HasVenueOrderID: o.venueID != "", Emulated: o.emulated}
}

// open is Order.is_open (model/orders/base.pyx:428-440).
func (o *order) open() bool { return o.args().Open() }

// linkedOpen reports whether an order linked to o is still open, which
// holds o back from a purge (cache.pyx:857-867).
func (o *order) linkedOpen() bool {
	if o.list == nil || (o.list.kind == "OTO" && o != o.list.orders[0]) {
		return false // an OTO child links to nothing
	}
	for _, x := range o.list.orders {
		if x != o && x.open() {
			return true
		}
	}
	return false
}

// schedule sets when o's next event is due.
func (o *order) schedule() {
	o.notBefore = 0
	if o.status == keyspace.StatusEmulated {
		o.notBefore = o.releaseAt
		return
	}
	if o.status != keyspace.StatusAccepted && o.status != keyspace.StatusPartiallyFilled || o.venueCancel {
		return
	}
	switch {
	case o.held:
		o.notBefore = math.MaxInt64
	case o.modifies > 0 && o.filled == o.modifyAt:
	case o.fate == fateExpire && o.filled == o.cancelAt:
		o.notBefore = o.expireNs
	}
}

// newOrder creates an order (or a contingent list) and writes add_order.
func (g *Generator) newOrder(now int64) {
	stIdx := g.rng.IntN(len(g.strategies))
	st := g.strategies[stIdx]
	in := g.insts[g.rng.IntN(len(g.insts))]
	// The market moves a few ticks between orders.
	in.mid += (g.rng.Int64N(11) - 5) * in.spec.tick
	if floor := in.spec.mid / 4; in.mid < floor {
		in.mid = floor - floor%in.spec.tick
	}
	o := g.blankOrder(st, in, g.accountFor(in, stIdx), now)
	steps := g.randSteps(&in.spec)
	o.side = "BUY"
	if g.rng.IntN(2) == 0 {
		o.side = "SELL"
	}
	if st.hedging {
		var target *position
		for _, p := range st.hedged {
			if p.ready && !p.closing && p.inst == in {
				target = p
				break
			}
		}
		full := len(st.hedged)+st.opening >= 8
		if target == nil && full {
			for _, p := range st.hedged {
				if p.ready && !p.closing {
					target = p
					break
				}
			}
		}
		if target != nil && (full || g.rng.IntN(2) == 0) {
			// Strategy.close_position: the position id is passed to
			// submit_order (strategy.pyx:805-897), so add_order indexes it.
			in = target.inst
			o.inst, o.acct = in, target.acct
			target.closing = true
			o.hedgeClose = target
			o.posID = target.id
			o.side = opposite(target.units)
			steps = abs(target.units) / in.spec.step
			o.reduce = true
		} else {
			o.hedgeOpen = true
		}
	} else if p := st.netting[in.idx]; p != nil && p.units != 0 && g.rng.IntN(100) < 55 {
		o.side = opposite(p.units)
		if g.rng.IntN(100) < 40 {
			steps = abs(p.units) / in.spec.step
		}
	}
	steps = max(steps, 1)
	// Draw every share on every order so that one share's value does not
	// shift the draws of the rest.
	listDraw, gtdDraw, emuDraw, modDraw := g.rng.Float64(), g.rng.Float64(), g.rng.Float64(), g.rng.Float64()
	if o.hedgeClose == nil && listDraw < g.lc.Lists && g.created+2 <= g.o.Orders {
		g.newList(o, steps, now)
		return
	}
	o.qty = steps * in.spec.step
	o.otype, o.tif = "LIMIT", "GTC"
	if g.rng.IntN(4) == 0 {
		o.otype, o.tif = "MARKET", "IOC"
	} else {
		off := g.rng.Int64N(8) * in.spec.tick
		if o.side == "BUY" {
			o.price = in.mid - off
		} else {
			o.price = in.mid + off
		}
		o.postOnly = st.tag == "003" || g.rng.IntN(5) == 0
	}
	if o.hedgeClose != nil && o.otype == "MARKET" {
		o.tif = "GTC" // Strategy.close_position's market order (strategy.pyx:1351-1416)
	}
	limit := o.otype == "LIMIT"
	if limit && gtdDraw < g.lc.GTD {
		o.tif = "GTD"
		o.expireNs = now + int64(200*time.Millisecond) + g.rng.Int64N(int64(1800*time.Millisecond))
	}
	if limit && o.tif == "GTC" && o.hedgeClose == nil && emuDraw < g.lc.Emulated {
		o.emulated = true
	}
	// Lifecycle: 2% rejected; market orders fill; limit orders fill fully
	// (65%), are canceled unfilled (30%) or filled partially then canceled
	// (3%); a GTD order expires where another would be canceled. An
	// emulated order is released and fills (80%) or is canceled while
	// emulated (20%).
	nfill := 1 + g.rng.IntN(4)
	switch r := g.rng.IntN(100); {
	case o.emulated:
		o.fate, nfill = fateFill, 1+g.rng.IntN(2)
		if r < 20 {
			o.fate = fateCancel
		}
	case r < 2:
		o.fate = fateReject
	case !limit:
		nfill = 1 + g.rng.IntN(2)
	case r < 67:
	case r < 97:
		o.fate = fateCancel
	default:
		nfill = max(nfill, 2)
		o.fate, o.cancelAt = fateCancel, 1+g.rng.IntN(nfill-1)
	}
	if o.fate == fateCancel && o.tif == "GTD" {
		o.fate = fateExpire
	}
	if o.fate == fateFill || o.cancelAt > 0 {
		o.fills = scaled(split(g.rng, steps, nfill), in.spec.step)
	}
	if o.fate == fateFill {
		o.cancelAt = -1
	}
	o.modifyAt = -1
	if limit && !o.emulated && o.fate != fateReject && modDraw < g.lc.Modify {
		last := o.cancelAt
		if o.fate == fateFill {
			last = len(o.fills) - 1
		}
		o.modifyAt, o.modifies = g.rng.IntN(last+1), 1+g.rng.IntN(2)
	}
	g.submitNew(o, now)
}

// blankOrder is a new order of st on in with its client order id.
func (g *Generator) blankOrder(st *strategy, in *instrument, a *account, now int64) *order {
	st.orderSeq++
	o := &order{inst: in, strat: st, acct: a, status: keyspace.StatusInitialized,
		id: idFromTime("O-", now, g.traderTag, st.tag, st.orderSeq), tsInit: now, tsLast: now}
	if g.lc.ClientIDs {
		o.clientID = in.spec.venue
	}
	return o
}

// submitNew is Strategy.submit_order: add_order (strategy.pyx:871).
func (g *Generator) submitNew(o *order, now int64) {
	if o.hedgeOpen {
		o.strat.opening++
	}
	o.initID = g.uuid4()
	g.created++
	g.inflight = append(g.inflight, o)
	g.emit(Call{Kind: AddOrder, ID: o.id, NewKey: true, Order: o.args(), Payload: g.initialized(o, now)})
}

// newList makes o the first order of a contingent list and submits the
// list (Strategy.submit_order_list adds every order, strategy.pyx:980-981).
// The venue holds the contingency: every order is submitted and accepted at
// once, an OTO child waits for its parent to fill, and the venue cancels
// what the contingency cancels (OrderCanceled without OrderPendingCancel).
func (g *Generator) newList(first *order, steps int64, now int64) {
	st, in := first.strat, first.inst
	st.listSeq++
	l := &orderList{id: idFromTime("OL-", now, g.traderTag, st.tag, st.listSeq), kind: "OTO"}
	second := g.blankOrder(st, in, first.acct, now)
	second.hedgeOpen = first.hedgeOpen
	l.orders = []*order{first, second}
	qty := steps * in.spec.step
	for _, o := range l.orders {
		o.list, o.qty, o.otype, o.tif, o.modifyAt, o.cancelAt = l, qty, "LIMIT", "GTC", -1, -1
		o.fills = scaled(split(g.rng, steps, 1+g.rng.IntN(3)), in.spec.step)
	}
	off := (1 + g.rng.Int64N(6)) * in.spec.tick
	if g.rng.IntN(5) < 3 {
		// An entry and its take-profit: the child closes what the parent opens.
		second.side = opposite(sideSign(first.side))
		second.hedgeOpen = false
		second.reduce = st.hedging
		second.held = true
		first.price = max(in.mid-off*sideSign(first.side), in.spec.tick)
		second.price = max(first.price+3*off*sideSign(first.side), in.spec.tick)
		if g.rng.IntN(10) < 3 {
			first.fate, first.cancelAt, first.fills = fateCancel, 0, nil // the child is canceled with it
		}
		if g.rng.IntN(4) == 0 {
			second.fate, second.cancelAt, second.fills = fateCancel, 0, nil
		}
	} else {
		// Two entries either side of the market, one cancels the other.
		l.kind = "OCO"
		first.side, second.side = "BUY", "SELL"
		first.price, second.price = max(in.mid-off, in.spec.tick), in.mid+off
		win, lose := first, second
		if g.rng.IntN(2) == 0 {
			win, lose = second, first
		}
		lose.held, lose.fills = true, nil
		if g.rng.IntN(4) == 0 {
			win.fate, win.cancelAt, win.fills = fateCancel, 0, nil
		}
	}
	for _, o := range l.orders {
		g.submitNew(o, now)
	}
}

func sideSign(side string) int64 {
	if side == "BUY" {
		return 1
	}
	return -1
}

func scaled(parts []int64, step int64) []int64 {
	for i := range parts {
		parts[i] *= step
	}
	return parts
}

// advance moves o one event forward; it reports whether o is now closed.
func (g *Generator) advance(o *order, now int64) bool {
	defer o.schedule()
	o.tsLast = now
	switch o.status {
	case keyspace.StatusInitialized:
		if o.emulated {
			g.emulate(o, now)
		} else {
			g.submit(o, now)
		}
		return false
	case keyspace.StatusEmulated:
		if o.fate == fateCancel {
			g.cancel(o, now, true)
			return true
		}
		g.release(o, now)
		return false
	case keyspace.StatusReleased:
		g.submit(o, now)
		return false
	case keyspace.StatusSubmitted:
		switch {
		case o.venueCancel:
			g.cancel(o, now, false)
			return true
		case o.fate == fateReject:
			g.reject(o, now)
			return true
		}
		g.accept(o, now)
		return false
	case keyspace.StatusPendingUpdate:
		g.updated(o, now)
		return false
	case keyspace.StatusPendingCancel:
		g.cancel(o, now, false)
		return true
	}
	// Accepted or partially filled.
	switch {
	case o.venueCancel:
		g.cancel(o, now, false)
		return true
	case o.modifies > 0 && o.filled == o.modifyAt:
		g.pendingUpdate(o, now)
		return false
	case o.filled == o.cancelAt && o.fate == fateCancel:
		g.pendingCancel(o, now)
		return false
	case o.filled == o.cancelAt && o.fate == fateExpire:
		g.expire(o, now)
		return true
	}
	g.fill(o, now)
	return o.status == keyspace.StatusFilled
}

// orderEvent writes an order event the way its source does: update_order,
// then, for events the execution engine applies, the order snapshot
// (execution/engine.pyx:1617-1620) and a calculated account's state
// (portfolio.pyx:481-586).
func (g *Generator) orderEvent(o *order, payload any, now int64, viaEngine, accountEvent bool) {
	g.emit(Call{Kind: UpdateOrder, ID: o.id, Order: o.args(), Payload: payload})
	if viaEngine {
		g.snapshotOrder(o)
	}
	if accountEvent && g.lc.CalculatedAccounts {
		g.accountCall(UpdateAccount, o.acct, now, false)
	}
}

// snapshotOrder is ExecutionEngine._create_order_state_snapshot with
// snapshot_orders on (engine.pyx:1918-1929).
func (g *Generator) snapshotOrder(o *order) {
	if !g.o.Node.SnapshotOrders {
		return
	}
	g.emit(Call{Kind: SnapshotOrder, ID: o.id, NewKey: !o.snapped, Order: o.args(), Payload: g.orderSnapshot(o)})
	o.snapped = true
}

// emulate is OrderEmulator._handle_submit_order taking the order
// (execution/emulator.pyx:418-436). The market reaches its price a little
// later.
func (g *Generator) emulate(o *order, now int64) {
	o.status = keyspace.StatusEmulated
	g.orderEvent(o, g.emulatedEvent(o, now), now, false, false)
	o.releaseAt = now + int64(20*time.Millisecond) + g.rng.Int64N(int64(480*time.Millisecond))
}

// release is OrderEmulator._fill_market_order (emulator.pyx:686-753): the
// LIMIT order becomes a MARKET order, added again with overwrite=True
// (a second add_order, RPUSH onto its list), then OrderReleased.
func (g *Generator) release(o *order, now int64) {
	in := o.inst
	released := in.mid + sideSign(o.side)*g.rng.Int64N(3)*in.spec.tick
	o.emulated = false
	o.otype, o.price, o.postOnly = "MARKET", 0, false
	o.initID = g.uuid4()
	g.emit(Call{Kind: AddOrder, ID: o.id, Order: o.args(), Payload: g.initialized(o, now)})
	o.status = keyspace.StatusReleased
	g.orderEvent(o, g.releasedEvent(o, released, now), now, false, false)
}

// submit is the execution client's OrderSubmitted.
func (g *Generator) submit(o *order, now int64) {
	o.status, o.submitted = keyspace.StatusSubmitted, true
	g.orderEvent(o, g.submittedEvent(o, now), now, true, false)
}

func (g *Generator) reject(o *order, now int64) {
	o.status = keyspace.StatusRejected
	// OrderRejected moves an account only for STOP_LIMIT orders (portfolio.pyx:519-520).
	g.orderEvent(o, g.rejectedEvent(o, now), now, true, false)
	g.closeOrder(o, now)
}

func (g *Generator) accept(o *order, now int64) {
	o.status = keyspace.StatusAccepted
	o.venueID = strconv.FormatUint(1_000_000_000_000_000_000+g.rng.Uint64N(8_000_000_000_000_000_000), 10)
	g.orderEvent(o, g.acceptedEvent(o, now), now, true, true)
}

// pendingUpdate is Strategy.modify_order (strategy.pyx:1614-1630).
func (g *Generator) pendingUpdate(o *order, now int64) {
	o.prev, o.status = o.status, keyspace.StatusPendingUpdate
	g.orderEvent(o, g.pendingUpdateEvent(o, now), now, false, false)
}

// updated is the venue's OrderUpdated: the order returns to its status
// before the modify (base.pyx:1068-1072) at its new price.
func (g *Generator) updated(o *order, now int64) {
	o.status = o.prev
	o.modifies--
	in := o.inst
	o.price += sideSign(o.side) * (1 + g.rng.Int64N(3)) * in.spec.tick
	o.price = max(o.price, in.spec.tick)
	g.orderEvent(o, g.updatedEvent(o, now), now, true, true)
}

// pendingCancel is Strategy.cancel_order (strategy.pyx:1657-1672).
func (g *Generator) pendingCancel(o *order, now int64) {
	o.prev, o.status = o.status, keyspace.StatusPendingCancel
	g.orderEvent(o, g.pendingCancelEvent(o, now), now, false, false)
}

// cancel writes OrderCanceled. local is the emulator canceling an order it
// holds (emulator.pyx:560-600): no venue order id, no account.
func (g *Generator) cancel(o *order, now int64, local bool) {
	o.emulated = false
	o.status = keyspace.StatusCanceled
	g.orderEvent(o, g.canceledEvent(o, now, local), now, true, !local)
	g.closeOrder(o, now)
}

func (g *Generator) expire(o *order, now int64) {
	o.status = keyspace.StatusExpired
	g.orderEvent(o, g.expiredEvent(o, now), now, true, true)
	g.closeOrder(o, now)
}

// closeOrder releases hedging bookkeeping, fires the list's contingency and
// queues the order for the purge.
func (g *Generator) closeOrder(o *order, now int64) {
	o.tsClosed = now
	if o.hedgeOpen {
		o.strat.opening--
		if o.opened != nil {
			o.opened.ready = true
		}
	}
	if o.hedgeClose != nil && o.status != keyspace.StatusFilled {
		o.hedgeClose.closing = false
	}
	if l := o.list; l != nil {
		switch {
		case l.kind == "OTO" && o == l.orders[0]:
			for _, c := range l.orders[1:] {
				if o.status == keyspace.StatusFilled {
					c.held = false
				} else if !c.status.Closed() {
					c.venueCancel = true
				}
				c.schedule()
			}
		case l.kind == "OCO" && !o.held:
			g.cancelSiblings(o)
		}
	}
	if g.o.PurgeClosed {
		g.closedOrders.push(o)
	}
}

// cancelSiblings is the venue canceling the other orders of o's OCO list.
func (g *Generator) cancelSiblings(o *order) {
	for _, x := range o.list.orders {
		if x != o && x.held && !x.status.Closed() {
			x.venueCancel = true
			x.schedule()
		}
	}
}

// purgeOrder is Cache.purge_order with purge_from_database=true
// (cache.pyx:928-1027, database.pyx:837-851).
func (g *Generator) purgeOrder(o *order) {
	g.emit(Call{Kind: PurgeOrder, ID: o.id, Order: o.args()})
}

func (g *Generator) accountFor(in *instrument, stIdx int) *account {
	v := g.venueIdx[in.spec.venue]
	return g.accounts[v*g.o.Accounts+stIdx%g.o.Accounts]
}

// randSteps draws an order size in steps, skewed to small orders.
func (g *Generator) randSteps(s *instSpec) int64 {
	span := s.maxSteps - s.minSteps + 1
	// The square of a uniform draw favours small sizes, as real flow does.
	u := g.rng.Float64()
	return s.minSteps + int64(u*u*float64(span-1)+0.5)
}

func opposite(units int64) string {
	if units > 0 {
		return "SELL"
	}
	return "BUY"
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// split divides steps into n positive parts (fewer when steps < n).
func split(rng *rand.Rand, steps int64, n int) []int64 {
	if int64(n) > steps {
		n = int(steps)
	}
	parts := make([]int64, 0, n)
	left := steps
	for j := n; j > 1; j-- {
		part := 1 + rng.Int64N(left-int64(j-1))
		if part > left/2+1 {
			part = left/2 + 1
		}
		parts = append(parts, part)
		left -= part
	}
	return append(parts, left)
}

// idFromTime builds Nautilus-style ids: O-20240115-093012-001-001-1.
func idFromTime(prefix string, ns int64, trader, strat string, n int64) string {
	t := time.Unix(0, ns).UTC()
	b := make([]byte, 0, 40)
	b = append(b, prefix...)
	b = t.AppendFormat(b, "20060102-150405")
	b = append(b, '-')
	b = append(b, trader...)
	b = append(b, '-')
	b = append(b, strat...)
	b = append(b, '-')
	b = strconv.AppendInt(b, n, 10)
	return string(b)
}
