package scenario

import (
	"math"

	"github.com/rbench/rbench/node/payloads"
)

// The payloads of the stream, built from the simulation's state. Field
// values follow upstream's to_dict (docs/payloads.md); this file only fills
// them in.

func currencyPayload(code string) *payloads.Currency {
	cs := currencies[code]
	return &payloads.Currency{Precision: cs.precision, ISO4217: cs.iso4217, Name: cs.name, CurrencyType: cs.kind}
}

// instrumentPayload builds the instrument's cache value.
func (g *Generator) instrumentPayload(in *instrument) any {
	s := &in.spec
	tsEvent := g.ts(g.o.StartNs - 86_400_000_000_000*7 - g.rng.Int64N(86_400_000_000_000))
	tsInit := g.ts(g.o.StartNs)
	priceInc := payloads.FormatFixed(s.tick, s.pricePrec)
	sizeInc := payloads.FormatFixed(s.step, s.sizePrec)
	if s.kind == payloads.TypeCurrencyPair {
		// FX sizes are whole units traded in lots; the increment itself is one unit.
		sizeInc = payloads.FormatFixed(1, s.sizePrec)
	}
	opt := func(v string) *string {
		if v == "" {
			return nil
		}
		return payloads.Ptr(v)
	}
	switch s.kind {
	case payloads.TypeCryptoPerpetual:
		return &payloads.CryptoPerpetual{Type: s.kind, ID: in.id, RawSymbol: s.symbol, BaseCurrency: s.base,
			QuoteCurrency: s.quote, SettlementCurrency: s.settle, IsInverse: false,
			PricePrecision: s.pricePrec, PriceIncrement: priceInc, SizePrecision: s.sizePrec, SizeIncrement: sizeInc,
			Multiplier: "1", LotSize: opt(s.lot), MaxQuantity: opt(s.maxQty), MinQuantity: opt(s.minQty),
			MinNotional: opt(s.minNotion), MaxPrice: opt(s.maxPrice), MinPrice: opt(s.minPrice),
			MarginInit: s.marginInit, MarginMaint: s.marginMnt, MakerFee: s.maker, TakerFee: s.taker,
			TsEvent: tsEvent, TsInit: tsInit}
	case payloads.TypeCurrencyPair:
		return &payloads.CurrencyPair{Type: s.kind, ID: in.id, RawSymbol: s.symbol, BaseCurrency: s.base,
			QuoteCurrency: s.quote, PricePrecision: s.pricePrec, PriceIncrement: priceInc,
			SizePrecision: s.sizePrec, SizeIncrement: sizeInc, Multiplier: "1", LotSize: opt(s.lot),
			MaxQuantity: opt(s.maxQty), MinQuantity: opt(s.minQty), MinNotional: opt(s.minNotion),
			MaxPrice: opt(s.maxPrice), MinPrice: opt(s.minPrice),
			MarginInit: s.marginInit, MarginMaint: s.marginMnt, MakerFee: s.maker, TakerFee: s.taker,
			TsEvent: tsEvent, TsInit: tsInit}
	case payloads.TypeEquity:
		return &payloads.Equity{Type: s.kind, ID: in.id, RawSymbol: s.symbol, Currency: s.quote,
			PricePrecision: s.pricePrec, PriceIncrement: priceInc, LotSize: s.lot, ISIN: opt(s.isin),
			MarginInit: s.marginInit, MarginMaint: s.marginMnt, MakerFee: s.maker, TakerFee: s.taker,
			MaxQuantity: opt(s.maxQty), MinQuantity: opt(s.minQty), MaxPrice: opt(s.maxPrice), MinPrice: opt(s.minPrice),
			TsEvent: tsEvent, TsInit: tsInit}
	default:
		return &payloads.FuturesContract{Type: s.kind, ID: in.id, RawSymbol: s.symbol, AssetClass: s.assetClass,
			Exchange: opt(s.exchange), Underlying: s.underlying, Currency: s.quote,
			ActivationNs: s.expiry - 90*86_400_000_000_000, ExpirationNs: s.expiry,
			PricePrecision: s.pricePrec, PriceIncrement: priceInc, SizePrecision: s.sizePrec, SizeIncrement: sizeInc,
			Multiplier: payloads.FormatFixed(s.mult, 0), LotSize: s.lot,
			MaxQuantity: opt(s.maxQty), MinQuantity: opt(s.minQty), MaxPrice: opt(s.maxPrice), MinPrice: opt(s.minPrice),
			MarginInit: s.marginInit, MarginMaint: s.marginMnt, MakerFee: s.maker, TakerFee: s.taker,
			TsEvent: tsEvent, TsInit: tsInit}
	}
}

// accountCall writes the account's state as kind (AddAccount or
// UpdateAccount). The event id is drawn even with persist_account_events
// off, so that the rest of the stream does not depend on the option.
func (g *Generator) accountCall(kind Kind, a *account, now int64, reported bool) {
	id := g.uuid4()
	if !g.o.Node.PersistAccountEvents {
		return // cache.pyx:2107,2588
	}
	g.emit(Call{Kind: kind, ID: a.id, NewKey: kind == AddAccount, Payload: g.accountState(a, now, id, reported)})
}

// accountState snapshots an account: one balance in its currency, and for
// margin accounts one margin per instrument with an open net position.
// Balance and margin amounts are plain decimals; the currency is its own field.
func (g *Generator) accountState(a *account, now int64, eventID string, reported bool) *payloads.AccountState {
	cur := a.venue.currency
	ts := g.ts(now)
	margins := []payloads.MarginBalance{} // a list, [] for a cash account (account.pyx:166)
	var locked int64
	if a.venue.accountType == "MARGIN" {
		for i, units := range a.net {
			if units == 0 {
				continue
			}
			in := g.insts[i]
			notional := abs(units) * a.lastPx[i] // size units x price units
			shift := in.spec.sizePrec + in.spec.pricePrec + 6 - a.curPrec
			initial := scaleMul(notional, in.spec.mult*in.initPpm, shift) / leverage
			maint := scaleMul(notional, in.spec.mult*in.maintPpm, shift) / leverage
			locked += initial
			margins = append(margins, payloads.MarginBalance{Type: payloads.TypeMarginBalance,
				Initial: payloads.FormatFixed(initial, a.curPrec), Maintenance: payloads.FormatFixed(maint, a.curPrec),
				Currency: cur, InstrumentID: payloads.Ptr(in.id)})
		}
	}
	var base *string
	if a.hasBase {
		base = payloads.Ptr(cur)
	}
	return &payloads.AccountState{
		Type: payloads.TypeAccountState, AccountID: a.id, AccountType: a.venue.accountType, BaseCurrency: base,
		Balances: []payloads.AccountBalance{{Type: payloads.TypeAccountBalance,
			Total: payloads.FormatFixed(a.total, a.curPrec), Locked: payloads.FormatFixed(locked, a.curPrec),
			Free: payloads.FormatFixed(a.total-locked, a.curPrec), Currency: cur}},
		Margins: margins, Reported: reported, Info: payloads.Record{},
		EventID: eventID, TsEvent: ts, TsInit: ts,
	}
}

func (o *order) identity(g *Generator) (trader, strategy, instrument, client string) {
	return g.o.TraderID, o.strat.id, o.inst.id, o.id
}

func (o *order) venueIDPtr() *string {
	if o.venueID == "" {
		return nil
	}
	return payloads.Ptr(o.venueID)
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return payloads.Ptr(s)
}

// initialized is the order's OrderInitialized (model/orders/limit.pyx:174-193,
// market.pyx:152).
func (g *Generator) initialized(o *order, now int64) *payloads.OrderInitialized {
	in := o.inst
	var opts payloads.OrderOptions
	if o.otype == "LIMIT" {
		opts = payloads.OrderOptions{Price: payloads.Ptr(payloads.FormatFixed(o.price, in.spec.pricePrec)),
			ExpireTimeNs: o.expireNs}
	}
	trigger, contingency := "NO_TRIGGER", "NO_CONTINGENCY"
	if o.emulated {
		trigger = "BID_ASK"
	}
	p := &payloads.OrderInitialized{
		Type: payloads.TypeOrderInitialized, TraderID: g.o.TraderID, StrategyID: o.strat.id, InstrumentID: in.id,
		ClientOrderID: o.id, OrderSide: o.side, OrderType: o.otype,
		Quantity: payloads.FormatFixed(o.qty, in.spec.sizePrec), TimeInForce: o.tif,
		PostOnly: o.postOnly, ReduceOnly: o.reduce, QuoteQuantity: false, Options: opts,
		EmulationTrigger: trigger, ContingencyType: contingency,
		EventID: o.initID, TsInit: g.ts(now), TsEvent: g.ts(now),
	}
	if l := o.list; l != nil {
		p.OrderListID = payloads.Ptr(l.id)
		switch {
		case l.kind == "OCO":
			p.ContingencyType = "OCO"
			for _, x := range l.orders {
				if x != o {
					p.LinkedOrderIDs = append(p.LinkedOrderIDs, x.id)
				}
			}
		case o == l.orders[0]:
			p.ContingencyType = "OTO"
			for _, x := range l.orders[1:] {
				p.LinkedOrderIDs = append(p.LinkedOrderIDs, x.id)
			}
		default:
			p.ParentOrderID = payloads.Ptr(l.orders[0].id)
		}
	}
	return p
}

func (g *Generator) emulatedEvent(o *order, now int64) *payloads.OrderEmulated {
	tr, st, in, id := o.identity(g)
	ts := g.ts(now)
	return &payloads.OrderEmulated{Type: payloads.TypeOrderEmulated, TraderID: tr, StrategyID: st,
		InstrumentID: in, ClientOrderID: id, EventID: g.uuid4(), TsEvent: ts, TsInit: ts}
}

func (g *Generator) releasedEvent(o *order, px int64, now int64) *payloads.OrderReleased {
	tr, st, in, id := o.identity(g)
	ts := g.ts(now)
	return &payloads.OrderReleased{Type: payloads.TypeOrderReleased, TraderID: tr, StrategyID: st,
		InstrumentID: in, ClientOrderID: id, ReleasedPrice: payloads.FormatFixed(px, o.inst.spec.pricePrec),
		EventID: g.uuid4(), TsEvent: ts, TsInit: ts}
}

func (g *Generator) submittedEvent(o *order, now int64) *payloads.OrderSubmitted {
	tr, st, in, id := o.identity(g)
	ts := g.ts(now)
	return &payloads.OrderSubmitted{Type: payloads.TypeOrderSubmitted, TraderID: tr, StrategyID: st,
		InstrumentID: in, ClientOrderID: id, AccountID: o.acct.id, EventID: g.uuid4(), TsEvent: ts, TsInit: ts}
}

func (g *Generator) rejectedEvent(o *order, now int64) *payloads.OrderRejected {
	tr, st, in, id := o.identity(g)
	ts := g.ts(now)
	return &payloads.OrderRejected{Type: payloads.TypeOrderRejected, TraderID: tr, StrategyID: st,
		InstrumentID: in, ClientOrderID: id, AccountID: o.acct.id,
		Reason: rejectReasons[g.rng.IntN(len(rejectReasons))], EventID: g.uuid4(), TsEvent: ts, TsInit: ts}
}

func (g *Generator) acceptedEvent(o *order, now int64) *payloads.OrderAccepted {
	tr, st, in, id := o.identity(g)
	ts := g.ts(now)
	return &payloads.OrderAccepted{Type: payloads.TypeOrderAccepted, TraderID: tr, StrategyID: st,
		InstrumentID: in, ClientOrderID: id, VenueOrderID: o.venueID, AccountID: o.acct.id,
		EventID: g.uuid4(), TsEvent: ts, TsInit: ts}
}

// venueEvent is the shape OrderCanceled, OrderExpired, OrderPendingUpdate
// and OrderPendingCancel share.
func (g *Generator) venueEvent(typ string, o *order, now int64, local bool) payloads.OrderCanceled {
	tr, st, in, id := o.identity(g)
	ts := g.ts(now)
	e := payloads.OrderCanceled{Type: typ, TraderID: tr, StrategyID: st, InstrumentID: in, ClientOrderID: id,
		VenueOrderID: o.venueIDPtr(), AccountID: payloads.Ptr(o.acct.id), EventID: g.uuid4(), TsEvent: ts, TsInit: ts}
	if local {
		e.VenueOrderID, e.AccountID = nil, nil
	}
	return e
}

func (g *Generator) canceledEvent(o *order, now int64, local bool) *payloads.OrderCanceled {
	e := g.venueEvent(payloads.TypeOrderCanceled, o, now, local)
	return &e
}

func (g *Generator) expiredEvent(o *order, now int64) *payloads.OrderExpired {
	e := payloads.OrderExpired(g.venueEvent(payloads.TypeOrderExpired, o, now, false))
	return &e
}

func (g *Generator) pendingCancelEvent(o *order, now int64) *payloads.OrderPendingCancel {
	e := payloads.OrderPendingCancel(g.venueEvent(payloads.TypeOrderPendingCancel, o, now, false))
	return &e
}

func (g *Generator) pendingUpdateEvent(o *order, now int64) *payloads.OrderPendingUpdate {
	e := payloads.OrderPendingUpdate(g.venueEvent(payloads.TypeOrderPendingUpdate, o, now, false))
	return &e
}

func (g *Generator) updatedEvent(o *order, now int64) *payloads.OrderUpdated {
	tr, st, in, id := o.identity(g)
	ts := g.ts(now)
	return &payloads.OrderUpdated{Type: payloads.TypeOrderUpdated, TraderID: tr, StrategyID: st,
		InstrumentID: in, ClientOrderID: id, VenueOrderID: o.venueIDPtr(), AccountID: payloads.Ptr(o.acct.id),
		Quantity: payloads.FormatFixed(o.qty, o.inst.spec.sizePrec),
		Price:    payloads.Ptr(payloads.FormatFixed(o.price, o.inst.spec.pricePrec)),
		EventID:  g.uuid4(), TsEvent: ts, TsInit: ts}
}

// filled is a fill's payload with what a flip needs to split it.
type filled struct {
	payload *payloads.OrderFilled
	o       *order
}

func (g *Generator) filledEvent(o *order, posID, trade string, qty, px, comm int64, liq string, now int64) *filled {
	tr, st, in, id := o.identity(g)
	ts := g.ts(now)
	cur := venues[o.inst.spec.venue].currency
	return &filled{o: o, payload: &payloads.OrderFilled{Type: payloads.TypeOrderFilled, TraderID: tr,
		StrategyID: st, InstrumentID: in, ClientOrderID: id, VenueOrderID: o.venueID, AccountID: o.acct.id,
		TradeID: trade, PositionID: payloads.Ptr(posID), OrderSide: o.side, OrderType: o.otype,
		LastQty: payloads.FormatFixed(qty, o.inst.spec.sizePrec), LastPx: payloads.FormatFixed(px, o.inst.spec.pricePrec),
		Currency: cur, Commission: payloads.FormatMoney(comm, o.acct.curPrec, cur), LiquiditySide: liq,
		EventID: g.uuid4(), TsEvent: ts, TsInit: ts, Info: payloads.Record{}}}
}

// split is one part of a flipping fill (engine.pyx:1843-1912): the same
// fill with qty and comm; the second part has a new event id.
func (f *filled) split(g *Generator, qty, comm int64, newEventID bool) *payloads.OrderFilled {
	p := *f.payload
	cur := p.Currency
	p.LastQty = payloads.FormatFixed(qty, f.o.inst.spec.sizePrec)
	p.Commission = payloads.FormatMoney(comm, f.o.acct.curPrec, cur)
	if newEventID {
		p.EventID = g.uuid4()
	}
	return &p
}

// orderSnapshot is the order's to_dict() after its latest event
// (model/orders/limit.pyx:299-343, market.pyx:221-265).
func (g *Generator) orderSnapshot(o *order) any {
	in := o.inst
	var avg *float64
	var comms []string
	var trade *string
	if o.filledQty > 0 {
		v := o.avgPx / float64(pow10(in.spec.pricePrec))
		avg = &v
		comms = []string{payloads.FormatMoney(o.comm, o.acct.curPrec, venues[in.spec.venue].currency)}
		trade = payloads.Ptr(o.lastTrade)
	}
	var posID *string
	if o.filledQty > 0 {
		posID = optString(o.filledPos())
	}
	liq := "NO_LIQUIDITY_SIDE"
	if o.filledQty > 0 {
		liq = "MAKER"
		if o.otype == "MARKET" {
			liq = "TAKER"
		}
	}
	trigger := "NO_TRIGGER"
	if o.emulated {
		trigger = "BID_ASK"
	}
	init := g.initialized(o, o.tsInit)
	var acct *string
	if o.submitted {
		acct = payloads.Ptr(o.acct.id)
	}
	if o.otype == "MARKET" {
		return &payloads.MarketOrderSnapshot{TraderID: g.o.TraderID, StrategyID: o.strat.id, InstrumentID: in.id,
			ClientOrderID: o.id, VenueOrderID: o.venueIDPtr(), PositionID: posID, AccountID: acct, LastTradeID: trade,
			Type: "MARKET", Side: o.side, Quantity: init.Quantity, TimeInForce: o.tif, IsReduceOnly: o.reduce,
			FilledQty: payloads.FormatFixed(o.filledQty, in.spec.sizePrec), LiquiditySide: liq, AvgPx: avg,
			Commissions: comms, EmulationTrigger: trigger, Status: o.status.String(),
			ContingencyType: init.ContingencyType, OrderListID: init.OrderListID, LinkedOrderIDs: init.LinkedOrderIDs,
			ParentOrderID: init.ParentOrderID, InitID: o.initID, TsInit: g.ts(o.tsInit), TsLast: g.ts(o.tsLast)}
	}
	var expire *string
	if o.expireNs > 0 {
		expire = payloads.Ptr(g.ts(o.expireNs))
	}
	return &payloads.LimitOrderSnapshot{TraderID: g.o.TraderID, StrategyID: o.strat.id, InstrumentID: in.id,
		ClientOrderID: o.id, VenueOrderID: o.venueIDPtr(), PositionID: posID, AccountID: acct, LastTradeID: trade,
		Type: "LIMIT", Side: o.side, Quantity: init.Quantity, Price: *init.Options.Price, TimeInForce: o.tif,
		ExpireTimeNs: expire, FilledQty: payloads.FormatFixed(o.filledQty, in.spec.sizePrec), LiquiditySide: liq,
		AvgPx: avg, Commissions: comms, Status: o.status.String(), IsPostOnly: o.postOnly, IsReduceOnly: o.reduce,
		EmulationTrigger: trigger, ContingencyType: init.ContingencyType, OrderListID: init.OrderListID,
		LinkedOrderIDs: init.LinkedOrderIDs, ParentOrderID: init.ParentOrderID, InitID: o.initID,
		TsInit: g.ts(o.tsInit), TsLast: g.ts(o.tsLast)}
}

// filledPos is the position id of o's fills.
func (o *order) filledPos() string {
	switch {
	case o.hedgeClose != nil:
		return o.hedgeClose.id
	case o.opened != nil:
		return o.opened.id
	case !o.strat.hedging:
		return o.inst.id + "-" + o.strat.id
	}
	return ""
}

// snapshot is the position's state snapshot at now (database.pyx:1244-1276,
// model/position.pyx:197-232) with unrealized_pnl priced at the quote a
// trading node holds (cache.pyx:1511-1528): the ask for a long, the bid for
// a short (a tick off the mid here), zero when flat.
func (g *Generator) snapshot(p *position, now int64) *payloads.PositionSnapshot {
	s := &p.inst.spec
	cur := venues[s.venue].currency
	prec := p.acct.curPrec
	side := "FLAT"
	switch {
	case p.units > 0:
		side = "LONG"
	case p.units < 0:
		side = "SHORT"
	}
	scale := float64(pow10(s.pricePrec))
	var avgClose *float64
	var ret float64
	if p.closeQty > 0 {
		v := p.closeNotion / float64(p.closeQty) / scale
		avgClose = &v
		open := p.avgOpen / scale
		if open != 0 {
			ret = (v - open) / open
			if p.entry == "SELL" {
				ret = -ret
			}
		}
	}
	var closingID, tsClosed *string
	var duration *int64
	if p.units == 0 {
		if p.closingID != "" {
			closingID = payloads.Ptr(p.closingID)
		}
		tsClosed = payloads.Ptr(g.ts(p.tsLast))
		if d := p.tsLast - p.tsOpened; d != 0 {
			duration = &d
		}
	}
	var base *string
	if s.base != "" {
		base = payloads.Ptr(s.base)
	}
	settle := s.settle
	if settle == "" {
		settle = cur
	}
	return &payloads.PositionSnapshot{
		PositionID: p.id, TraderID: g.o.TraderID, StrategyID: p.strat.id,
		InstrumentID: p.inst.id, AccountID: p.acct.id, OpeningOrderID: p.openingID, ClosingOrderID: closingID,
		Entry: p.entry, Side: side, SignedQty: float64(p.units) / float64(pow10(s.sizePrec)),
		Quantity: payloads.FormatFixed(abs(p.units), s.sizePrec), PeakQty: payloads.FormatFixed(p.peak, s.sizePrec),
		TsInit: g.ts(p.tsOpened), TsOpened: g.ts(p.tsOpened), TsLast: g.ts(p.tsLast), TsClosed: tsClosed,
		DurationNs: duration, AvgPxOpen: p.avgOpen / scale, AvgPxClose: avgClose,
		QuoteCurrency: s.quote, BaseCurrency: base, SettlementCurrency: settle,
		Commissions: []string{payloads.FormatMoney(p.commission, prec, cur)}, RealizedReturn: payloads.RoundReturn(ret),
		RealizedPnl: payloads.FormatMoney(p.realized, prec, cur), UnrealizedPnl: payloads.Ptr(payloads.FormatMoney(g.unrealized(p), prec, cur)),
		TsSnapshot: g.ts(now),
	}
}

// unrealized is Position.unrealized_pnl at the quote, in account currency units.
func (g *Generator) unrealized(p *position) int64 {
	if p.units == 0 {
		return 0
	}
	s := &p.inst.spec
	last := float64(p.inst.mid + sideSign(opposite(-p.units))*s.tick) // long: ask, short: bid
	pnl := (last - p.avgOpen) * float64(p.units) * float64(s.mult) / float64(pow10(s.pricePrec+s.sizePrec))
	return int64(math.Round(pnl * float64(pow10(p.acct.curPrec))))
}
