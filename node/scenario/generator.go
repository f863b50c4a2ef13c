package scenario

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
)

// leverage is the default account leverage: margins are notional / leverage x margin rate.
const leverage = 10

// Generator streams the calls of one scenario. It is not safe for concurrent use.
type Generator struct {
	o   Options
	rng *rand.Rand

	insts      []*instrument
	strategies []*strategy
	accounts   []*account // venue-major: accounts[v*Accounts+j]
	venueIdx   map[string]int

	setup    []Call // currencies, instruments, accounts, emitted first
	queue    []Call // calls of the current step
	qpos     int
	seq      int64
	clock    int64
	created  int64
	inflight []*order

	tradeID      int64
	closedOrders ring
	closedPos    ring
	traderTag    string
}

type instrument struct {
	spec     instSpec
	id       string
	idx      int
	mid      int64 // price units, on tick
	makerPpm int64 // fee in parts per million
	takerPpm int64
	initPpm  int64 // margin rates in ppm
	maintPpm int64
	payload  any
}

type strategy struct {
	id       string
	tag      string // "001"
	hedging  bool
	orderSeq int64
	posSeq   int64
	netting  []*position // by instrument index, nil until first fill
	hedged   []*position // open hedging positions, oldest first
	opening  int         // hedging opening orders in flight
}

type account struct {
	id      string
	venue   venueSpec
	curPrec int
	total   int64   // currency units
	net     []int64 // signed size units per instrument index
	lastPx  []int64 // price units of the last fill per instrument index
	hasBase bool
}

type position struct {
	id          string
	inst        *instrument
	strat       *strategy
	acct        *account
	units       int64 // signed size units
	peak        int64
	entry       string
	openingID   string
	closingID   string
	tsOpened    int64
	tsLast      int64
	avgOpen     float64 // price units
	closeQty    int64
	closeNotion float64 // sum of price x qty of reducing fills, price units x size units
	realized    int64   // currency units
	commission  int64   // currency units
	open        bool
	closing     bool // a hedging close order is working
	ready       bool // the hedging opening order is done, so the position may be closed
}

type order struct {
	inst       *instrument
	strat      *strategy
	acct       *account
	clientID   string
	venueID    string
	side       string
	otype      string
	price      int64 // limit price, price units; 0 for market
	qty        int64 // size units
	fills      []int64
	filled     int
	cancelAt   int // cancel after this many fills; -1 = never
	reject     bool
	state      int // 0 initialized, 1 submitted, 2 accepted
	posID      string
	hedgeClose *position
	hedgeOpen  bool
	opened     *position // the hedging position this order opened
}

// New returns a generator for opts; zero fields take their defaults (see
// Options). Call opts.Validate first to reject negative values with a message.
func New(opts Options) *Generator {
	o := opts.withDefaults()
	seed := uint64(o.Seed)
	g := &Generator{
		o:        o,
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		clock:    o.StartNs,
		venueIdx: map[string]int{},
	}
	g.traderTag = o.TraderID
	if i := lastDash(o.TraderID); i >= 0 {
		g.traderTag = o.TraderID[i+1:]
	}
	g.closedOrders = newRing(o.PurgeLag)
	g.closedPos = newRing(o.PurgeLag)
	g.tradeID = 3_000_000_000 + g.rng.Int64N(1_000_000_000)
	g.build()
	return g
}

func lastDash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '-' {
			return i
		}
	}
	return -1
}

func ppm(dec string) int64 {
	u, p, err := payloads.ParseFixed(dec)
	if err != nil {
		panic("scenario: bad catalog decimal " + dec)
	}
	for ; p < 6; p++ {
		u *= 10
	}
	for ; p > 6; p-- {
		u /= 10
	}
	return u
}

// build lays out instruments, currencies, strategies and accounts and queues
// their setup calls.
func (g *Generator) build() {
	var venueOrder []string
	seenCur := map[string]bool{}
	var curCalls []Call
	addCur := func(code string) {
		if code == "" || seenCur[code] {
			return
		}
		seenCur[code] = true
		cs := currencies[code]
		curCalls = append(curCalls, Call{Kind: AddCurrency, ID: code, Payload: &payloads.Currency{
			Precision: cs.precision, ISO4217: cs.iso4217, Name: cs.name, CurrencyType: cs.kind}})
	}
	var instCalls []Call
	for i := 0; i < g.o.Instruments; i++ {
		s := specFor(i)
		in := &instrument{spec: s, id: s.id(), idx: i, mid: s.mid,
			makerPpm: ppm(s.maker), takerPpm: ppm(s.taker), initPpm: ppm(s.marginInit), maintPpm: ppm(s.marginMnt)}
		g.insts = append(g.insts, in)
		if _, ok := g.venueIdx[s.venue]; !ok {
			g.venueIdx[s.venue] = len(venueOrder)
			venueOrder = append(venueOrder, s.venue)
		}
		addCur(s.base)
		addCur(s.quote)
		addCur(s.settle)
		addCur(venues[s.venue].currency)
		in.payload = g.instrumentPayload(in)
		instCalls = append(instCalls, Call{Kind: AddInstrument, ID: in.id, Payload: in.payload})
	}
	for i := 0; i < g.o.Strategies; i++ {
		n := g.o.Shard*g.o.Strategies + i // strategy number across shards
		st := &strategy{
			id:      strategyNames[n%len(strategyNames)] + "-" + pad3(n+1),
			tag:     pad3(n + 1),
			hedging: i%3 == 2,
			netting: make([]*position, len(g.insts)),
		}
		g.strategies = append(g.strategies, st)
	}
	var acctCalls []Call
	for _, v := range venueOrder {
		vs := venues[v]
		for j := 0; j < g.o.Accounts; j++ {
			a := &account{
				id: v + "-" + pad3(g.o.Shard*g.o.Accounts+j+1), venue: vs, curPrec: currencies[vs.currency].precision,
				net: make([]int64, len(g.insts)), lastPx: make([]int64, len(g.insts)), hasBase: vs.base,
			}
			a.total = vs.startUnits * pow10(a.curPrec)
			g.accounts = append(g.accounts, a)
			acctCalls = append(acctCalls, Call{Kind: AddAccount, ID: a.id, Payload: g.accountState(a, -1)})
		}
	}
	g.setup = append(append(curCalls, instCalls...), acctCalls...)
	g.queue = g.setup
}

func pad3(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}

func pow10(n int) int64 {
	v := int64(1)
	for ; n > 0; n-- {
		v *= 10
	}
	return v
}

// Next returns the next call, or false when the scenario is over.
func (g *Generator) Next() (Call, bool) {
	for g.qpos >= len(g.queue) {
		g.queue = g.queue[:0]
		g.qpos = 0
		if !g.step() {
			return Call{}, false
		}
	}
	c := g.queue[g.qpos]
	g.queue[g.qpos] = Call{} // drop the payload reference early
	g.qpos++
	c.Seq = g.seq
	g.seq++
	return c, true
}

func (g *Generator) emit(c Call) { g.queue = append(g.queue, c) }

// tick advances the clock by a realistic gap between cache events: mostly
// sub-millisecond, with occasional quiet stretches.
func (g *Generator) tick() int64 {
	gap := 20_000 + g.rng.Int64N(2_000_000)
	if g.rng.IntN(20) == 0 {
		gap += g.rng.Int64N(200_000_000)
	}
	g.clock += gap
	return g.clock
}

func (g *Generator) ts(ns int64) string { return payloads.FormatTimestamp(ns, g.o.TimestampsISO8601) }

// uuid4 draws a random (version 4) UUID from the seeded generator.
func (g *Generator) uuid4() string {
	var b [16]byte
	hi, lo := g.rng.Uint64(), g.rng.Uint64()
	for i := 0; i < 8; i++ {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 36)
	j := 0
	for i, x := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j], out[j+1] = hex[x>>4], hex[x&0x0f]
		j += 2
	}
	return string(out)
}

// step advances the simulation by one order event and queues its calls.
func (g *Generator) step() bool {
	canCreate := g.created < g.o.Orders && len(g.inflight) < g.o.MaxInFlight
	if canCreate && (len(g.inflight) == 0 || g.rng.IntN(3) == 0) {
		g.newOrder()
		return true
	}
	if len(g.inflight) == 0 {
		return false
	}
	i := g.rng.IntN(len(g.inflight))
	if g.advance(g.inflight[i]) {
		last := len(g.inflight) - 1
		// Keep working orders in creation order so the choice above depends
		// only on the seed.
		copy(g.inflight[i:], g.inflight[i+1:])
		g.inflight[last] = nil
		g.inflight = g.inflight[:last]
	}
	return true
}

func (g *Generator) accountFor(in *instrument, st *strategy, stIdx int) *account {
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

func (g *Generator) newOrder() {
	stIdx := g.rng.IntN(len(g.strategies))
	st := g.strategies[stIdx]
	in := g.insts[g.rng.IntN(len(g.insts))]
	// The market moves a few ticks between orders.
	in.mid += (g.rng.Int64N(11) - 5) * in.spec.tick
	if floor := in.spec.mid / 4; in.mid < floor {
		in.mid = floor - floor%in.spec.tick
	}
	now := g.tick()
	st.orderSeq++
	o := &order{inst: in, strat: st, acct: g.accountFor(in, st, stIdx)}
	o.clientID = idFromTime("O-", now, g.traderTag, st.tag, st.orderSeq)
	steps := g.randSteps(&in.spec)
	o.side = "BUY"
	if g.rng.IntN(2) == 0 {
		o.side = "SELL"
	}
	reduceOnly := false
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
			in = target.inst
			o.inst, o.acct = in, target.acct
			target.closing = true
			o.hedgeClose = target
			o.posID = target.id
			o.side = opposite(target.units)
			steps = abs(target.units) / in.spec.step
			reduceOnly = true
		} else {
			o.hedgeOpen = true
			st.opening++
		}
	} else {
		o.posID = in.id + "-" + st.id
		if p := st.netting[in.idx]; p != nil && p.units != 0 && g.rng.IntN(100) < 55 {
			o.side = opposite(p.units)
			if g.rng.IntN(100) < 40 {
				steps = abs(p.units) / in.spec.step
			}
		}
	}
	if steps < 1 {
		steps = 1
	}
	o.qty = steps * in.spec.step
	o.otype = "LIMIT"
	tif := "GTC"
	postOnly := false
	if g.rng.IntN(4) == 0 {
		o.otype, tif = "MARKET", "IOC"
	} else {
		off := g.rng.Int64N(8) * in.spec.tick
		if o.side == "BUY" {
			o.price = in.mid - off
		} else {
			o.price = in.mid + off
		}
		postOnly = st.tag == "003" || g.rng.IntN(5) == 0
	}
	// Lifecycle: 2% rejected; market orders fill; limit orders fill fully
	// (65%), are canceled unfilled (30%) or filled partially then canceled (5%).
	o.cancelAt = -1
	nfill := 1 + g.rng.IntN(4)
	switch r := g.rng.IntN(100); {
	case r < 2:
		o.reject = true
	case o.otype == "MARKET":
		nfill = 1 + g.rng.IntN(2)
	case r < 67:
	case r < 97:
		o.cancelAt = 0
	default:
		if nfill < 2 {
			nfill = 2
		}
		o.cancelAt = 1 + g.rng.IntN(nfill-1)
	}
	if o.cancelAt != 0 && !o.reject {
		o.fills = split(g.rng, steps, nfill)
		for i := range o.fills {
			o.fills[i] *= in.spec.step
		}
	}
	ts := g.ts(now)
	var price *string
	if o.otype == "LIMIT" {
		price = payloads.Ptr(payloads.FormatFixed(o.price, in.spec.pricePrec))
	}
	p := &payloads.OrderInitialized{
		Type: payloads.TypeOrderInitialized, TraderID: g.o.TraderID, StrategyID: st.id, InstrumentID: in.id,
		ClientOrderID: o.clientID, OrderSide: o.side, OrderType: o.otype,
		Quantity: payloads.FormatFixed(o.qty, in.spec.sizePrec), TimeInForce: tif,
		PostOnly: postOnly, ReduceOnly: reduceOnly, QuoteQuantity: false,
		Options:          payloads.OrderOptions{Price: price},
		EmulationTrigger: "NO_TRIGGER", ContingencyType: "NO_CONTINGENCY",
		EventID: g.uuid4(), TsInit: ts, TsEvent: ts,
	}
	g.created++
	g.inflight = append(g.inflight, o)
	g.emit(Call{Kind: AddOrder, ID: o.clientID, Payload: p, Order: keyspace.OrderArgs{
		ClientOrderID: o.clientID, PositionID: o.posID, ClientID: in.spec.venue}})
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

// advance moves o one event forward; it reports whether o is now closed.
func (g *Generator) advance(o *order) bool {
	now := g.tick()
	ts := g.ts(now)
	in, st := o.inst, o.strat
	args := keyspace.OrderArgs{ClientOrderID: o.clientID, PositionID: o.posID, ClientID: in.spec.venue}
	switch o.state {
	case 0:
		o.state = 1
		args.InFlight = true
		g.emit(Call{Kind: UpdateOrder, ID: o.clientID, Order: args, Payload: &payloads.OrderSubmitted{
			Type: payloads.TypeOrderSubmitted, TraderID: g.o.TraderID, StrategyID: st.id, InstrumentID: in.id,
			ClientOrderID: o.clientID, AccountID: o.acct.id, EventID: g.uuid4(), TsEvent: ts, TsInit: ts}})
		return false
	case 1:
		if o.reject {
			args.Closed = true
			g.emit(Call{Kind: UpdateOrder, ID: o.clientID, Order: args, Payload: &payloads.OrderRejected{
				Type: payloads.TypeOrderRejected, TraderID: g.o.TraderID, StrategyID: st.id, InstrumentID: in.id,
				ClientOrderID: o.clientID, AccountID: o.acct.id, Reason: rejectReasons[g.rng.IntN(len(rejectReasons))],
				EventID: g.uuid4(), TsEvent: ts, TsInit: ts}})
			g.closeOrder(o)
			return true
		}
		o.state = 2
		o.venueID = strconv.FormatUint(1_000_000_000_000_000_000+g.rng.Uint64N(8_000_000_000_000_000_000), 10)
		args.Open = true
		g.emit(Call{Kind: UpdateOrder, ID: o.clientID, Order: args, Payload: &payloads.OrderAccepted{
			Type: payloads.TypeOrderAccepted, TraderID: g.o.TraderID, StrategyID: st.id, InstrumentID: in.id,
			ClientOrderID: o.clientID, VenueOrderID: o.venueID, AccountID: o.acct.id,
			EventID: g.uuid4(), TsEvent: ts, TsInit: ts}})
		return false
	}
	if o.filled == o.cancelAt {
		args.Closed = true
		g.emit(Call{Kind: UpdateOrder, ID: o.clientID, Order: args, Payload: &payloads.OrderCanceled{
			Type: payloads.TypeOrderCanceled, TraderID: g.o.TraderID, StrategyID: st.id, InstrumentID: in.id,
			ClientOrderID: o.clientID, VenueOrderID: payloads.Ptr(o.venueID), AccountID: payloads.Ptr(o.acct.id),
			EventID: g.uuid4(), TsEvent: ts, TsInit: ts}})
		g.closeOrder(o)
		return true
	}
	g.fill(o, now, ts)
	if o.filled == len(o.fills) {
		g.closeOrder(o)
		return true
	}
	return false
}

// closeOrder releases hedging bookkeeping and schedules the purge.
func (g *Generator) closeOrder(o *order) {
	if o.hedgeOpen {
		o.strat.opening--
		if o.opened != nil {
			o.opened.ready = true
		}
	}
	if o.hedgeClose != nil {
		o.hedgeClose.closing = false
	}
	if g.o.PurgeClosed {
		if old, ok := g.closedOrders.push(o.clientID); ok {
			g.emit(Call{Kind: PurgeOrder, ID: old, Order: keyspace.OrderArgs{ClientOrderID: old}})
		}
	}
}

func (g *Generator) fill(o *order, now int64, ts string) {
	in, st, a := o.inst, o.strat, o.acct
	qty := o.fills[o.filled]
	o.filled++
	px, liq, fee := o.price, "MAKER", in.makerPpm
	if o.otype == "MARKET" {
		slip := g.rng.Int64N(3) * in.spec.tick
		if o.side == "BUY" {
			px = in.mid + slip
		} else {
			px = in.mid - slip
		}
		liq, fee = "TAKER", in.takerPpm
	}
	if px <= 0 {
		px = in.spec.tick
	}
	cur := venues[in.spec.venue].currency
	comm := scaleMul(qty*px, in.spec.mult*fee, in.spec.sizePrec+in.spec.pricePrec+6-a.curPrec)
	signed := qty
	if o.side == "SELL" {
		signed = -qty
	}

	// Find or open the position.
	var pos *position
	newPos := false
	switch {
	case o.hedgeClose != nil:
		pos = o.hedgeClose
	case st.hedging:
		if o.posID == "" {
			st.posSeq++
			o.posID = idFromTime("P-", now, g.traderTag, st.tag, st.posSeq)
		}
		for _, p := range st.hedged {
			if p.id == o.posID {
				pos = p
			}
		}
		if pos == nil {
			pos = &position{id: o.posID, inst: in, strat: st, acct: a}
			st.hedged = append(st.hedged, pos)
			o.opened = pos
			newPos = true
		}
	default:
		pos = st.netting[in.idx]
		if pos == nil {
			pos = &position{id: o.posID, inst: in, strat: st, acct: a}
			st.netting[in.idx] = pos
		}
		if !pos.open {
			newPos = true
		}
	}
	if newPos {
		*pos = position{id: pos.id, inst: in, strat: st, acct: a, open: true, entry: o.side,
			openingID: o.clientID, tsOpened: now}
	}
	pnl := pos.apply(signed, px, o.clientID, now)
	pos.commission += comm
	pos.realized += pnl - comm
	a.total += pnl - comm
	a.net[in.idx] += signed
	a.lastPx[in.idx] = px
	g.tradeID += 1 + g.rng.Int64N(40)

	posID := pos.id
	fill := &payloads.OrderFilled{
		Type: payloads.TypeOrderFilled, TraderID: g.o.TraderID, StrategyID: st.id, InstrumentID: in.id,
		ClientOrderID: o.clientID, VenueOrderID: o.venueID, AccountID: a.id,
		TradeID: strconv.FormatInt(g.tradeID, 10), PositionID: &posID, OrderSide: o.side, OrderType: o.otype,
		LastQty: payloads.FormatFixed(qty, in.spec.sizePrec), LastPx: payloads.FormatFixed(px, in.spec.pricePrec),
		Currency: cur, Commission: payloads.FormatMoney(comm, a.curPrec, cur), LiquiditySide: liq,
		EventID: g.uuid4(), TsEvent: ts, TsInit: ts, Info: payloads.Record{},
	}
	done := o.filled == len(o.fills)
	g.emit(Call{Kind: UpdateOrder, ID: o.clientID, Payload: fill, Order: keyspace.OrderArgs{
		ClientOrderID: o.clientID, PositionID: pos.id, ClientID: in.spec.venue, Open: !done, Closed: done}})
	closed := pos.units == 0
	kind := UpdatePosition
	if newPos {
		kind = AddPosition
	}
	g.emit(Call{Kind: kind, ID: pos.id, Payload: fill, Position: keyspace.PositionArgs{PositionID: pos.id, Closed: closed}})
	if !g.o.SkipAccountEvents {
		g.emit(Call{Kind: UpdateAccount, ID: a.id, Payload: g.accountState(a, now)})
	}
	if closed {
		pos.open = false
		if g.o.PositionSnapshots {
			g.emit(Call{Kind: SnapshotPosition, ID: pos.id, Position: keyspace.PositionArgs{PositionID: pos.id, Closed: true},
				Payload: g.snapshot(pos, now)})
		}
		if st.hedging {
			for i, p := range st.hedged {
				if p == pos {
					st.hedged = append(st.hedged[:i], st.hedged[i+1:]...)
					break
				}
			}
		}
		if g.o.PurgeClosed {
			if old, ok := g.closedPos.push(pos.id); ok && !g.isOpen(old) {
				g.emit(Call{Kind: PurgePosition, ID: old, Position: keyspace.PositionArgs{PositionID: old, Closed: true}})
			}
		}
	}
}

// isOpen reports whether a netting position id has been reopened since it
// was queued for purging (hedging ids are never reused).
func (g *Generator) isOpen(id string) bool {
	for _, st := range g.strategies {
		if st.hedging {
			continue
		}
		for _, p := range st.netting {
			if p != nil && p.open && p.id == id {
				return true
			}
		}
	}
	return false
}

// apply books a fill and returns the realized PnL in account currency units.
func (p *position) apply(signed, px int64, orderID string, now int64) int64 {
	var pnl int64
	p.tsLast = now
	if p.units == 0 || (p.units > 0) == (signed > 0) {
		// Increasing: the average open price moves.
		total := abs(p.units) + abs(signed)
		p.avgOpen = (p.avgOpen*float64(abs(p.units)) + float64(px)*float64(abs(signed))) / float64(total)
		p.units += signed
	} else {
		closing := min(abs(signed), abs(p.units))
		dir := float64(1)
		if p.units < 0 {
			dir = -1
		}
		move := float64(px) - p.avgOpen
		pnlMajor := dir * move * float64(closing) * float64(p.inst.spec.mult) /
			float64(pow10(p.inst.spec.pricePrec+p.inst.spec.sizePrec))
		pnl = int64(math.Round(pnlMajor * float64(pow10(p.acct.curPrec))))
		p.closeQty += closing
		p.closeNotion += float64(px) * float64(closing)
		p.closingID = orderID
		p.units += signed
		if flipped := abs(signed) - closing; flipped > 0 {
			// The fill reversed the position: what is left opens at this price.
			p.avgOpen = float64(px)
			p.entry = opposite(-signed)
		}
	}
	p.peak = max(p.peak, abs(p.units))
	return pnl
}

// scaleMul returns a*b / 10^shift (a*b*10^-shift when shift < 0), truncated,
// in 128-bit intermediate precision.
func scaleMul(a, b int64, shift int) int64 {
	if a < 0 || b < 0 {
		return -scaleMul(abs(a), abs(b), shift)
	}
	if shift <= 0 {
		return a * b * pow10(-shift)
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	for shift > 0 {
		s := min(shift, 18)
		d := uint64(pow10(s))
		if hi >= d {
			return math.MaxInt64
		}
		q, _ := bits.Div64(hi, lo, d)
		hi, lo = 0, q
		shift -= s
	}
	return int64(lo)
}

// ring remembers the last n closed ids; push returns the id that fell out.
type ring struct {
	ids  []string
	head int
	n    int
}

func newRing(n int) ring { return ring{ids: make([]string, 0, min(n, 1024)), n: n} }

func (r *ring) push(id string) (string, bool) {
	if len(r.ids) < r.n {
		r.ids = append(r.ids, id)
		return "", false
	}
	old := r.ids[r.head]
	r.ids[r.head] = id
	r.head = (r.head + 1) % r.n
	return old, true
}
