package scenario

import (
	"github.com/rbench/rbench/node/payloads"
)

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

// accountState snapshots an account: one balance in its currency, and for
// margin accounts one margin per instrument with an open net position.
// Balance and margin amounts are plain decimals; the currency is its own field.
// now < 0 means the opening state at StartNs.
func (g *Generator) accountState(a *account, now int64) *payloads.AccountState {
	if now < 0 {
		now = g.o.StartNs
	}
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
		Margins: margins, Reported: true, Info: payloads.Record{},
		EventID: g.uuid4(), TsEvent: ts, TsInit: ts,
	}
}

// snapshot is the position's to_dict() at now.
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
		if d := p.tsLast - p.tsOpened; d > 0 {
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
		RealizedPnl: payloads.FormatMoney(p.realized, prec, cur), UnrealizedPnl: payloads.Ptr(payloads.FormatMoney(0, prec, cur)),
		TsSnapshot: g.ts(now),
	}
}
