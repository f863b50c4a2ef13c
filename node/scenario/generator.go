package scenario

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/rbench/rbench/node/payloads"
)

// leverage is the default account leverage: margins are notional / leverage x margin rate.
const leverage = 10

// Generator streams the calls of one scenario. It is not safe for concurrent use.
type Generator struct {
	o   Options
	lc  Lifecycle
	rng *rand.Rand

	insts      []*instrument
	strategies []*strategy
	accounts   []*account // venue-major: accounts[v*Accounts+j]
	venueIdx   map[string]int

	queue    []Call // calls of the current step (the setup calls first)
	qpos     int
	seq      int64
	clock    int64
	created  int64
	inflight []*order

	tradeID   int64
	traderTag string

	// Timers in scenario time, as the execution engine's clock timers
	// (execution/engine.pyx:666-724); 0 means off.
	nextSnapshot int64
	nextPurge    int64
	// Purge candidates, oldest close first.
	closedOrders fifo[*order]
	blocked      []*order // closed, but a linked order is still open (cache.pyx:857-867)
	closedPos    fifo[posRef]
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
	listSeq  int64
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

// New returns a generator for opts; zero fields take their defaults (see
// Options). Call opts.Validate first to reject bad values with a message.
func New(opts Options) *Generator {
	o := opts.withDefaults()
	seed := uint64(o.Seed)
	g := &Generator{
		o:        o,
		lc:       *o.Lifecycle,
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		clock:    o.StartNs,
		venueIdx: map[string]int{},
	}
	g.traderTag = o.TraderID
	if i := lastDash(o.TraderID); i >= 0 {
		g.traderTag = o.TraderID[i+1:]
	}
	if iv := o.Node.SnapshotPositionsInterval; iv > 0 {
		g.nextSnapshot = o.StartNs + int64(iv)
	}
	if o.PurgeClosed {
		g.nextPurge = o.StartNs + int64(o.PurgeInterval)
	}
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
		curCalls = append(curCalls, Call{Kind: AddCurrency, ID: code, NewKey: true, Payload: currencyPayload(code)})
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
		instCalls = append(instCalls, Call{Kind: AddInstrument, ID: in.id, NewKey: true, Payload: in.payload})
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
	g.queue = append(curCalls, instCalls...)
	for _, v := range venueOrder {
		vs := venues[v]
		for j := 0; j < g.o.Accounts; j++ {
			a := &account{
				id: v + "-" + pad3(g.o.Shard*g.o.Accounts+j+1), venue: vs, curPrec: currencies[vs.currency].precision,
				net: make([]int64, len(g.insts)), lastPx: make([]int64, len(g.insts)), hasBase: vs.base,
			}
			a.total = vs.startUnits * pow10(a.curPrec)
			g.accounts = append(g.accounts, a)
			// The venue reports the account when the node connects; the
			// portfolio adds it (portfolio.pyx:1891-1896).
			g.accountCall(AddAccount, a, g.o.StartNs, true)
		}
	}
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

// gap is a realistic time between cache events: mostly sub-millisecond,
// with occasional quiet stretches.
func (g *Generator) gap() int64 {
	gap := 20_000 + g.rng.Int64N(2_000_000)
	if g.rng.IntN(20) == 0 {
		gap += g.rng.Int64N(200_000_000)
	}
	return gap
}

func (g *Generator) ts(ns int64) string {
	return payloads.FormatTimestamp(ns, g.o.Node.TimestampsISO8601)
}

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

// step advances the simulation by one event (a new order or one order's
// next event), first firing the timers due by then, and queues its calls.
func (g *Generator) step() bool {
	canCreate := g.created < g.o.Orders && len(g.inflight) < g.o.MaxInFlight
	if !canCreate && len(g.inflight) == 0 {
		return false
	}
	now := g.clock + g.gap()
	ready := g.countReady(now)
	if ready == 0 && !canCreate {
		// Every working order rests (a GTD order before its expiry, an
		// emulated order before the market reaches it): time passes.
		now = max(now, g.nextReady())
		ready = g.countReady(now)
	}
	g.fireTimers(now)
	g.clock = now
	if canCreate && (ready == 0 || g.rng.IntN(3) == 0) {
		g.newOrder(now)
		return true
	}
	i := g.readyIndex(g.rng.IntN(ready), now)
	if g.advance(g.inflight[i], now) {
		// Keep working orders in creation order so the choice above depends
		// only on the seed.
		last := len(g.inflight) - 1
		copy(g.inflight[i:], g.inflight[i+1:])
		g.inflight[last] = nil
		g.inflight = g.inflight[:last]
	}
	return true
}

// countReady counts the working orders with an event due by now.
func (g *Generator) countReady(now int64) int {
	n := 0
	for _, o := range g.inflight {
		if o.notBefore <= now {
			n++
		}
	}
	return n
}

// readyIndex returns the index in g.inflight of the k-th ready order.
func (g *Generator) readyIndex(k int, now int64) int {
	for i, o := range g.inflight {
		if o.notBefore <= now {
			if k == 0 {
				return i
			}
			k--
		}
	}
	panic("scenario: no ready order")
}

// nextReady is the earliest time a resting order has an event due.
func (g *Generator) nextReady() int64 {
	t := int64(math.MaxInt64)
	for _, o := range g.inflight {
		t = min(t, o.notBefore)
	}
	if t == math.MaxInt64 {
		panic("scenario: every working order waits on another")
	}
	return t
}

// fireTimers emits what the engine's timers do up to now, in time order;
// at one instant the position snapshot timer fires first, as it is started
// first (execution/engine.pyx:670-709).
func (g *Generator) fireTimers(now int64) {
	for {
		snap := g.nextSnapshot != 0 && g.nextSnapshot <= now
		purge := g.nextPurge != 0 && g.nextPurge <= now
		switch {
		case snap && (!purge || g.nextSnapshot <= g.nextPurge):
			g.snapshotOpenPositions(g.nextSnapshot)
			g.nextSnapshot += int64(g.o.Node.SnapshotPositionsInterval)
		case purge:
			g.purge(g.nextPurge)
			g.nextPurge += int64(g.o.PurgeInterval)
		default:
			return
		}
	}
}

// snapshotOpenPositions is ExecutionEngine._snapshot_open_position_states
// (execution/engine.pyx:1964-1967): a state snapshot of every open position.
func (g *Generator) snapshotOpenPositions(at int64) {
	for _, st := range g.strategies {
		for _, p := range st.netting {
			if p != nil && p.open {
				g.snapshotPosition(p, at)
			}
		}
		for _, p := range st.hedged {
			if p.open {
				g.snapshotPosition(p, at)
			}
		}
	}
}

// purge is the purge timers firing at `at` with purge_from_database=true:
// Cache.purge_closed_orders then Cache.purge_closed_positions
// (execution/engine.pyx:1969-1983, cache.pyx:826-926). Upstream walks a set
// (no order); this walks closes oldest first.
func (g *Generator) purge(at int64) {
	buffer := int64(g.o.PurgeBuffer)
	kept := g.blocked[:0]
	for _, o := range g.blocked {
		if o.linkedOpen() {
			kept = append(kept, o)
		} else {
			g.purgeOrder(o)
		}
	}
	clear(g.blocked[len(kept):])
	g.blocked = kept
	for {
		o, ok := g.closedOrders.peek()
		if !ok || o.tsClosed+buffer > at {
			break
		}
		g.closedOrders.pop()
		if o.linkedOpen() {
			g.blocked = append(g.blocked, o)
			continue
		}
		g.purgeOrder(o)
	}
	for {
		r, ok := g.closedPos.peek()
		if !ok || r.tsClosed+buffer > at {
			break
		}
		g.closedPos.pop()
		if r.p.gen == r.gen && !r.p.open {
			r.p.stored = false
			g.emit(Call{Kind: PurgePosition, ID: r.p.id, Position: keyspacePos(r.p)})
		}
	}
}

// fifo is a queue that reuses its backing array.
type fifo[T any] struct {
	buf  []T
	head int
}

func (q *fifo[T]) push(v T) {
	if q.head > 0 && q.head == len(q.buf) {
		clear(q.buf)
		q.buf, q.head = q.buf[:0], 0
	} else if q.head > 1024 && q.head > len(q.buf)/2 {
		n := copy(q.buf, q.buf[q.head:])
		clear(q.buf[n:])
		q.buf, q.head = q.buf[:n], 0
	}
	q.buf = append(q.buf, v)
}

func (q *fifo[T]) peek() (T, bool) {
	if q.head >= len(q.buf) {
		var zero T
		return zero, false
	}
	return q.buf[q.head], true
}

func (q *fifo[T]) pop() {
	var zero T
	q.buf[q.head] = zero
	q.head++
}
