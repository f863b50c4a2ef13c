package scenario

import (
	"math"
	"math/bits"
	"strconv"

	"github.com/rbench/rbench/node/keyspace"
)

type position struct {
	id          string
	inst        *instrument
	strat       *strategy
	acct        *account
	gen         int   // counts openings: a netting id is reused
	units       int64 // signed size units
	peak        int64
	entry       string
	openingID   string
	closingID   string
	tsOpened    int64
	tsLast      int64
	tsClosed    int64
	avgOpen     float64 // price units
	closeQty    int64
	closeNotion float64 // sum of price x qty of reducing fills, price units x size units
	realized    int64   // currency units
	commission  int64   // currency units
	open        bool
	closing     bool // hedging: an order closing it is working
	ready       bool // hedging: the order that opened it is done, so it may be closed
	stored      bool // positions:{id} is in Redis (a purge deletes it)
	snapped     bool // snapshots:positions:{id} exists (never deleted)
}

// posRef is a closed position waiting for the purge.
type posRef struct {
	p        *position
	gen      int
	tsClosed int64
}

func keyspacePos(p *position) keyspace.PositionArgs {
	return keyspace.PositionArgs{PositionID: p.id, OpeningOrderID: p.openingID, Closed: !p.open}
}

// fill is the venue's OrderFilled as the execution engine handles it
// (execution/engine.pyx:1245-1360,1598-1700): update_order (and the order
// snapshot; a calculated cash account's state), then the position (open,
// change, flip or close, each with its snapshot and a calculated margin
// account's state), then the OTO children's position index; then the
// venue's own account report for a venue-reported account.
func (g *Generator) fill(o *order, now int64) {
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
	px = max(px, in.spec.tick)
	comm := scaleMul(qty*px, in.spec.mult*fee, in.spec.sizePrec+in.spec.pricePrec+6-a.curPrec)
	signed := qty
	if o.side == "SELL" {
		signed = -qty
	}
	a.net[in.idx] += signed
	a.lastPx[in.idx] = px
	pos := g.positionFor(o, now)
	g.tradeID += 1 + g.rng.Int64N(40)
	trade := strconv.FormatInt(g.tradeID, 10)
	fill := g.filledEvent(o, pos.id, trade, qty, px, comm, liq, now)

	prevQty := o.filledQty
	o.filledQty += qty
	o.avgPx = (o.avgPx*float64(prevQty) + float64(px)*float64(qty)) / float64(o.filledQty)
	o.comm += comm
	o.lastTrade = trade
	o.status = keyspace.StatusPartiallyFilled
	if o.filledQty >= o.qty {
		o.status = keyspace.StatusFilled
	}
	g.emit(Call{Kind: UpdateOrder, ID: o.id, Order: o.args(), Payload: fill.payload})
	g.snapshotOrder(o)
	margin := a.venue.accountType == "MARGIN"
	if g.lc.CalculatedAccounts && !margin {
		// A cash account is updated from the fill itself
		// (engine.pyx:1621-1633, portfolio.pyx:583-585).
		g.accountCall(UpdateAccount, a, now, false)
	}

	g.positionUpdate(pos, o, fill, signed, px, comm, now)

	if l := o.list; l != nil && l.kind == "OTO" && o == l.orders[0] && pos.open {
		for _, c := range l.orders[1:] {
			if c.linkedPos == "" {
				c.linkedPos = pos.id
				if st.hedging {
					c.hedgeClose, pos.closing = pos, true
				}
				g.emit(Call{Kind: IndexOrderPosition, ID: c.id, Order: keyspace.OrderArgs{ClientOrderID: c.id, PositionID: pos.id}})
			}
		}
	}
	if !g.lc.CalculatedAccounts {
		g.accountCall(UpdateAccount, a, now, true)
	}
	if l := o.list; l != nil && l.kind == "OCO" && o.filled == 1 {
		g.cancelSiblings(o)
	}
	if o.status == keyspace.StatusFilled {
		g.closeOrder(o, now)
	}
}

// positionFor is the position a fill of o books to
// (ExecutionEngine._determine_position_id, engine.pyx:1452-1541): the id
// cached for the order (passed to submit_order, indexed by its OTO parent,
// or that of the position its first fill opened), else under HEDGING a new
// id, under NETTING {instrument_id}-{strategy_id}.
func (g *Generator) positionFor(o *order, now int64) *position {
	st, in := o.strat, o.inst
	if st.hedging {
		switch {
		case o.hedgeClose != nil:
			return o.hedgeClose
		case o.opened != nil:
			return o.opened
		}
		st.posSeq++
		p := &position{id: idFromTime("P-", now, g.traderTag, st.tag, st.posSeq), inst: in, strat: st, acct: o.acct}
		o.opened = p
		return p
	}
	p := st.netting[in.idx]
	if p == nil {
		p = &position{id: in.id + "-" + st.id, inst: in, strat: st, acct: o.acct}
		st.netting[in.idx] = p
	}
	return p
}

// positionUpdate is ExecutionEngine._handle_position_update
// (engine.pyx:1689-1699): open (or reopen) the position, flip it, or
// update it.
func (g *Generator) positionUpdate(p *position, o *order, fill *filled, signed, px, comm int64, now int64) {
	switch {
	case !p.open:
		g.openPosition(p, o, fill.payload, signed, px, comm, now)
	case (p.units > 0) != (signed > 0) && abs(signed) > abs(p.units):
		// _flip_position (engine.pyx:1829-1916): the fill is split; the
		// first part closes the position, the rest opens it again under
		// the same netting id (add_position deletes the closed list).
		closing := abs(p.units)
		c1 := int64(math.Round(float64(comm) * float64(closing) / float64(abs(signed))))
		sign := signed / abs(signed)
		g.updatePosition(p, o, fill.split(g, closing, c1, false), sign*closing, px, c1, now)
		rest := abs(signed) - closing
		g.openPosition(p, o, fill.split(g, rest, comm-c1, true), sign*rest, px, comm-c1, now)
	default:
		g.updatePosition(p, o, fill.payload, signed, px, comm, now)
	}
}

// openPosition is ExecutionEngine._open_position (engine.pyx:1737-1768):
// add_position, the position snapshot, then the portfolio's account update.
func (g *Generator) openPosition(p *position, o *order, payload any, signed, px, comm int64, now int64) {
	isNew := !p.stored
	*p = position{id: p.id, inst: p.inst, strat: p.strat, acct: p.acct, gen: p.gen + 1, open: true,
		entry: o.side, openingID: o.id, tsOpened: now, stored: true, snapped: p.snapped}
	if p.strat.hedging {
		p.strat.hedged = append(p.strat.hedged, p)
	}
	g.book(p, signed, px, comm, o.id, now)
	g.emit(Call{Kind: AddPosition, ID: p.id, NewKey: isNew, Position: keyspacePos(p), Payload: payload})
	g.afterPosition(p, now)
}

// updatePosition is ExecutionEngine._update_position (engine.pyx:1786-1820).
func (g *Generator) updatePosition(p *position, o *order, payload any, signed, px, comm int64, now int64) {
	g.book(p, signed, px, comm, o.id, now)
	if p.units == 0 {
		p.open, p.tsClosed = false, now
	}
	g.emit(Call{Kind: UpdatePosition, ID: p.id, Position: keyspacePos(p), Payload: payload})
	g.afterPosition(p, now)
	if !p.open {
		st := p.strat
		if st.hedging {
			for i, x := range st.hedged {
				if x == p {
					st.hedged = append(st.hedged[:i], st.hedged[i+1:]...)
					break
				}
			}
		}
		if g.o.PurgeClosed {
			g.closedPos.push(posRef{p: p, gen: p.gen, tsClosed: now})
		}
	}
}

// afterPosition writes the position's snapshot (snapshot_positions) and a
// calculated margin account's state (portfolio.pyx:695-716).
func (g *Generator) afterPosition(p *position, now int64) {
	if g.o.Node.SnapshotPositions {
		g.snapshotPosition(p, now)
	}
	if g.lc.CalculatedAccounts && p.acct.venue.accountType == "MARGIN" {
		g.accountCall(UpdateAccount, p.acct, now, false)
	}
}

func (g *Generator) snapshotPosition(p *position, now int64) {
	g.emit(Call{Kind: SnapshotPosition, ID: p.id, NewKey: !p.snapped, Position: keyspacePos(p), Payload: g.snapshot(p, now)})
	p.snapped = true
}

// book applies a fill that does not flip the position and moves the
// account's cash by its realized PnL less commission.
func (g *Generator) book(p *position, signed, px, comm int64, orderID string, now int64) {
	pnl := p.apply(signed, px, orderID, now)
	p.commission += comm
	p.realized += pnl - comm
	p.acct.total += pnl - comm
}

// apply books a fill that does not flip the position and returns the
// realized PnL in account currency units.
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
