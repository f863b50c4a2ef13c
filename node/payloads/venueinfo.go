package payloads

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// An exchange adapter stores the venue's raw symbol record in an
// instrument's info, which makes instruments:{id} several KB instead of a
// few hundred bytes. rbench writes the record the adapter would:
//
//   - a CryptoPerpetual carries Binance USD-M futures' exchangeInfo symbol,
//     _symbol_info_to_dict(BinanceFuturesSymbolInfo)
//     (adapters/binance/futures/providers.py:58-82,447): msgspec's asdict,
//     so every field of the struct and of each of its filters, None
//     included (futures/schemas/market.py:53-81,
//     common/schemas/market.py:81-116);
//   - an Equity, a CurrencyPair and a FuturesContract carry Interactive
//     Brokers' contract details, contract_details_to_dict
//     (adapters/interactive_brokers/parsing/instruments.py:394,1000-1013):
//     every IBContractDetails field with the IBContract nested, secIdList as
//     {tag: value}, Decimals as strings, enums as their values (the fund
//     enums' values are pairs) (interactive_brokers/common.py:69-145,
//     212-292).
//
// The values are plausible and seeded: the instrument's own ticks, sizes
// and limits, plus ids, dates and venue lists drawn from the seed.

// InstrumentInfo says what an instrument's info field carries.
type InstrumentInfo string

// Instrument info modes.
const (
	// InstrumentInfoVenue is the venue's raw symbol record, as adapters
	// store it (the default).
	InstrumentInfoVenue InstrumentInfo = "venue"
	// InstrumentInfoNone is null, as an instrument built by hand has.
	InstrumentInfoNone InstrumentInfo = "none"
)

// ParseInstrumentInfo reads "venue" or "none" ("" is venue).
func ParseInstrumentInfo(s string) (InstrumentInfo, error) {
	switch InstrumentInfo(strings.ToLower(strings.TrimSpace(s))) {
	case "", InstrumentInfoVenue:
		return InstrumentInfoVenue, nil
	case InstrumentInfoNone:
		return InstrumentInfoNone, nil
	}
	return "", fmt.Errorf("instrument info %q: want venue (the venue's symbol record, as adapters store it) or none (null)", s)
}

// ApplyInstrumentInfo sets the Info of inst (a *CryptoPerpetual,
// *CurrencyPair, *Equity or *FuturesContract) as mode says: the seeded
// venue record, or nil.
func ApplyInstrumentInfo(inst any, mode InstrumentInfo, seed int64) error {
	var info Record
	if mode != InstrumentInfoNone {
		var err error
		if info, err = VenueInfo(inst, seed); err != nil {
			return err
		}
	}
	switch p := inst.(type) {
	case *CryptoPerpetual:
		p.Info = info
	case *CurrencyPair:
		p.Info = info
	case *Equity:
		p.Info = info
	case *FuturesContract:
		p.Info = info
	default:
		return fmt.Errorf("instrument info: %T is not an instrument", inst)
	}
	return nil
}

// VenueInfo returns the venue record an adapter would store in inst's info,
// drawn from seed and the instrument id: the same inputs give the same
// record.
func VenueInfo(inst any, seed int64) (Record, error) {
	h := fnv.New64a()
	switch p := inst.(type) {
	case *CryptoPerpetual:
		h.Write([]byte(p.ID))
		return binanceSymbolOf(p, rand.New(rand.NewPCG(uint64(seed), h.Sum64()))).record(), nil
	case *Equity:
		h.Write([]byte(p.ID))
		return ibEquity(p, rand.New(rand.NewPCG(uint64(seed), h.Sum64()))).record(), nil
	case *CurrencyPair:
		h.Write([]byte(p.ID))
		return ibForex(p, rand.New(rand.NewPCG(uint64(seed), h.Sum64()))).record(), nil
	case *FuturesContract:
		h.Write([]byte(p.ID))
		return ibFuture(p, rand.New(rand.NewPCG(uint64(seed), h.Sum64()))).record(), nil
	}
	return nil, fmt.Errorf("instrument info: %T is not an instrument", inst)
}

// binanceSymbol holds the values of a BinanceFuturesSymbolInfo that vary.
type binanceSymbol struct {
	symbol, baseAsset, quoteAsset, marginAsset string
	pricePrecision, quantityPrecision          int64
	onboardDate                                int64
	maintMarginPercent, requiredMarginPercent  string
	underlyingSubType                          string
	liquidationFee, marketTakeBound            string
	tickSize, minPrice, maxPrice               string
	stepSize, minQty, maxQty                   string
	marketMinQty, marketMaxQty                 string
	maxNumOrders, maxNumAlgoOrders             int64
	notional                                   string
}

// binanceFilterKeys are BinanceSymbolFilter's fields in declaration order
// (common/schemas/market.py:86-116); asdict writes every one.
var binanceFilterKeys = []string{"filterType", "minPrice", "maxPrice", "tickSize", "multiplierUp",
	"multiplierDown", "multiplierDecimal", "avgPriceMins", "minQty", "maxQty", "stepSize", "limit",
	"maxNumOrders", "notional", "minNotional", "maxNumAlgoOrders", "bidMultiplierUp", "bidMultiplierDown",
	"askMultiplierUp", "askMultiplierDown", "applyMinToMarket", "maxNotional", "applyMaxToMarket",
	"maxNumIcebergOrders", "maxPosition", "minTrailingAboveDelta", "maxTrailingAboveDelta",
	"minTrailingBelowDelta", "maxTrailingBelowDelta"}

func binanceFilter(filterType string, set ...Field) Record {
	r := make(Record, len(binanceFilterKeys))
	for i, k := range binanceFilterKeys {
		r[i] = Field{Key: k}
	}
	r[0].Value = filterType
	for _, f := range set {
		for i := range r {
			if r[i].Key == f.Key {
				r[i].Value = f.Value
			}
		}
	}
	return r
}

// record is _symbol_info_to_dict's result: BinanceFuturesSymbolInfo's
// fields in declaration order (futures/schemas/market.py:58-81).
func (s binanceSymbol) record() Record {
	return Record{
		{"symbol", s.symbol},
		{"pair", s.symbol},
		{"contractType", "PERPETUAL"},
		{"deliveryDate", int64(4133404800000)}, // what Binance sends for perpetuals (2100-12-25)
		{"onboardDate", s.onboardDate},
		{"status", "TRADING"},
		{"maintMarginPercent", s.maintMarginPercent},
		{"requiredMarginPercent", s.requiredMarginPercent},
		{"baseAsset", s.baseAsset},
		{"quoteAsset", s.quoteAsset},
		{"marginAsset", s.marginAsset},
		{"pricePrecision", s.pricePrecision},
		{"quantityPrecision", s.quantityPrecision},
		{"baseAssetPrecision", int64(8)},
		{"quotePrecision", int64(8)},
		{"underlyingType", "COIN"},
		{"underlyingSubType", []any{s.underlyingSubType}},
		{"settlePlan", int64(0)},
		{"triggerProtect", "0.0500"},
		{"liquidationFee", s.liquidationFee},
		{"marketTakeBound", s.marketTakeBound},
		{"filters", []any{
			binanceFilter("PRICE_FILTER", Field{"minPrice", s.minPrice}, Field{"maxPrice", s.maxPrice}, Field{"tickSize", s.tickSize}),
			binanceFilter("LOT_SIZE", Field{"minQty", s.minQty}, Field{"maxQty", s.maxQty}, Field{"stepSize", s.stepSize}),
			binanceFilter("MARKET_LOT_SIZE", Field{"minQty", s.marketMinQty}, Field{"maxQty", s.marketMaxQty}, Field{"stepSize", s.stepSize}),
			binanceFilter("MAX_NUM_ORDERS", Field{"limit", s.maxNumOrders}),
			binanceFilter("MAX_NUM_ALGO_ORDERS", Field{"limit", s.maxNumAlgoOrders}),
			binanceFilter("MIN_NOTIONAL", Field{"notional", s.notional}),
			binanceFilter("PERCENT_PRICE", Field{"multiplierUp", "1.0500"}, Field{"multiplierDown", "0.9500"}, Field{"multiplierDecimal", "4"}),
		}},
		{"orderTypes", []any{"LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"}},
		{"timeInForce", []any{"GTC", "IOC", "FOK", "GTX", "GTD"}},
	}
}

// binanceSymbolOf draws a Binance record for p: its own ticks and limits
// as Binance writes them (no trailing zeros), the rest from rng.
func binanceSymbolOf(p *CryptoPerpetual, rng *rand.Rand) binanceSymbol {
	notional := "5"
	if p.MinNotional != nil {
		notional, _, _ = strings.Cut(*p.MinNotional, " ")
	}
	maxQty := deref(p.MaxQuantity, "1000000")
	tiers := [][2]string{{"0.4000", "0.8000"}, {"1.0000", "2.0000"}, {"2.5000", "5.0000"}}
	tier := tiers[rng.IntN(len(tiers))]
	return binanceSymbol{
		symbol: p.RawSymbol, baseAsset: p.BaseCurrency, quoteAsset: p.QuoteCurrency, marginAsset: p.SettlementCurrency,
		pricePrecision: int64(p.PricePrecision), quantityPrecision: int64(p.SizePrecision),
		onboardDate:        1569398400000 + rng.Int64N(4*365)*86_400_000, // 2019-09-25 and the four years after
		maintMarginPercent: tier[0], requiredMarginPercent: tier[1],
		underlyingSubType: []string{"Layer-1", "PoW", "DeFi", "Layer-2", "Payment"}[rng.IntN(5)],
		liquidationFee:    []string{"0.012500", "0.015000", "0.020000"}[rng.IntN(3)],
		marketTakeBound:   []string{"0.05", "0.10", "0.30"}[rng.IntN(3)],
		tickSize:          binanceDecimal(p.PriceIncrement),
		minPrice:          binanceDecimal(deref(p.MinPrice, p.PriceIncrement)),
		maxPrice:          binanceDecimal(deref(p.MaxPrice, "1000000")),
		stepSize:          binanceDecimal(p.SizeIncrement),
		minQty:            binanceDecimal(deref(p.MinQuantity, p.SizeIncrement)),
		maxQty:            binanceDecimal(maxQty),
		marketMinQty:      binanceDecimal(deref(p.MinQuantity, p.SizeIncrement)),
		marketMaxQty:      binanceDecimal(scaleDecimal(maxQty, []int64{10, 20, 50}[rng.IntN(3)])),
		maxNumOrders:      200, maxNumAlgoOrders: 10,
		notional: binanceDecimal(notional),
	}
}

// ibDetails holds the values of an IBContractDetails (and its IBContract)
// that vary; every other field keeps its default.
type ibDetails struct {
	secType                                                   string
	conID                                                     int64
	exchange, primaryExchange, symbol, localSymbol, currency  string
	tradingClass, lastTradeDateOrContractMonth, lastTradeDate string
	multiplier                                                string
	marketName                                                string
	minTick                                                   float64
	orderTypes, validExchanges                                string
	underConID                                                int64
	longName, contractMonth, industry, category, subcategory  string
	timeZoneID, tradingHours, liquidHours                     string
	aggGroup                                                  int64
	underSymbol, underSecType, marketRuleIDs                  string
	isin                                                      string // "" leaves secIdList None
	realExpirationDate, lastTradeTime, stockType              string
	minSize, sizeIncrement, suggestedSizeIncrement            string
}

// unsetDecimal is str(ibapi.const.UNSET_DECIMAL), Decimal(2**127 - 1).
const unsetDecimal = "170141183460469231731687303715884105727"

// record is contract_details_to_dict's result: IBContractDetails' fields in
// declaration order, the contract first (common.py:212-292).
func (d ibDetails) record() Record {
	var secIDList any
	if d.isin != "" {
		secIDList = Record{{"ISIN", d.isin}}
	}
	none := []any{"None", "None"} // FundDistributionPolicyIndicator.NoneItem.value, FundAssetType.NoneItem.value
	return Record{
		{"contract", d.contract()},
		{"marketName", d.marketName},
		{"minTick", d.minTick},
		{"orderTypes", d.orderTypes},
		{"validExchanges", d.validExchanges},
		{"priceMagnifier", int64(1)},
		{"underConId", d.underConID},
		{"longName", d.longName},
		{"contractMonth", d.contractMonth},
		{"industry", d.industry},
		{"category", d.category},
		{"subcategory", d.subcategory},
		{"timeZoneId", d.timeZoneID},
		{"tradingHours", d.tradingHours},
		{"liquidHours", d.liquidHours},
		{"evRule", ""},
		{"evMultiplier", int64(0)},
		{"mdSizeMultiplier", int64(1)},
		{"aggGroup", d.aggGroup},
		{"underSymbol", d.underSymbol},
		{"underSecType", d.underSecType},
		{"marketRuleIds", d.marketRuleIDs},
		{"secIdList", secIDList},
		{"realExpirationDate", d.realExpirationDate},
		{"lastTradeTime", d.lastTradeTime},
		{"stockType", d.stockType},
		{"minSize", d.minSize},
		{"sizeIncrement", d.sizeIncrement},
		{"suggestedSizeIncrement", d.suggestedSizeIncrement},
		{"minAlgoSize", unsetDecimal},
		{"lastPricePrecision", unsetDecimal},
		{"lastSizePrecision", unsetDecimal},
		{"cusip", ""},
		{"ratings", ""},
		{"descAppend", ""},
		{"bondType", ""},
		{"couponType", ""},
		{"callable", false},
		{"putable", false},
		{"coupon", int64(0)},
		{"convertible", false},
		{"maturity", ""},
		{"issueDate", ""},
		{"nextOptionDate", ""},
		{"nextOptionType", ""},
		{"nextOptionPartial", false},
		{"notes", ""},
		{"fundName", ""},
		{"fundFamily", ""},
		{"fundType", ""},
		{"fundFrontLoad", ""},
		{"fundBackLoad", ""},
		{"fundBackLoadTimeInterval", ""},
		{"fundManagementFee", ""},
		{"fundClosed", false},
		{"fundClosedForNewInvestors", false},
		{"fundClosedForNewMoney", false},
		{"fundNotifyAmount", ""},
		{"fundMinimumInitialPurchase", ""},
		{"fundSubsequentMinimumPurchase", ""},
		{"fundBlueSkyStates", ""},
		{"fundBlueSkyTerritories", ""},
		{"fundDistributionPolicyIndicator", none},
		{"fundAssetType", none},
		{"ineligibilityReasonList", nil},
		{"eventContract1", ""},
		{"eventContractDescription1", ""},
		{"eventContractDescription2", ""},
	}
}

// contract is IBContract.dict(): its fields in declaration order
// (common.py:101-145). strike is UNSET_DOUBLE (sys.float_info.max): IB
// sends 0.0 and __post_init__ replaces it.
func (d ibDetails) contract() Record {
	return Record{
		{"secType", d.secType},
		{"conId", d.conID},
		{"exchange", d.exchange},
		{"primaryExchange", d.primaryExchange},
		{"symbol", d.symbol},
		{"localSymbol", d.localSymbol},
		{"currency", d.currency},
		{"tradingClass", d.tradingClass},
		{"lastTradeDateOrContractMonth", d.lastTradeDateOrContractMonth},
		{"lastTradeDate", d.lastTradeDate},
		{"multiplier", d.multiplier},
		{"strike", math.MaxFloat64},
		{"right", ""},
		{"includeExpired", false},
		{"secIdType", ""},
		{"secId", ""},
		{"description", ""},
		{"issuerId", ""},
		{"comboLegsDescrip", ""},
		{"comboLegs", nil},
		{"deltaNeutralContract", nil},
		{"build_futures_chain", nil},
		{"build_options_chain", nil},
		{"options_chain_exchange", nil},
		{"min_expiry_days", nil},
		{"max_expiry_days", nil},
	}
}

// IB's order types and exchanges for each security type, as TWS lists them.
const (
	ibStockOrderTypes = "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AON,AVGCOST,BASKET,BENCHPX,CASHQTY,COND,CONDORDER,DARKONLY,DARKPOLL,DAY,DEACT,DEACTDIS,DEACTEOD,DIS,DUR,GAT,GTC,GTD,GTT,HID,IBKRATS,ICE,IMB,IOC,LIT,LMT,LOC,MIDPX,MIT,MKT,MOC,MTL,NGCOMB,NODARK,NONALGO,OCA,OPG,OPGREROUT,PEGBENCH,PEGMID,POSTATS,POSTONLY,PREOPGRTH,PRICECHK,REL,REL2MID,RELPCTOFS,RPI,RTH,SCALE,SCALEODD,SCALERST,SIZECHK,SMARTSTG,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,SWEEP,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF"
	ibStockExchanges  = "SMART,AMEX,NYSE,CBOE,PHLX,ISE,CHX,ARCA,NASDAQ,DRCTEDGE,BEX,BATS,EDGEA,BYX,IEX,EDGX,FOXRIVER,PEARL,NYSENAT,LTSE,MEMX,IBEOS,OVERNIGHT,TPLUS0,PSX"
	ibForexOrderTypes = "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,CASHQTY,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,NONALGO,OCA,REL,RELPCTOFS,SCALE,SCALERST,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF"
	ibFutureOrdTypes  = "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,BENCHPX,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,GAT,GTC,GTD,GTT,HID,ICE,IOC,LIT,LMT,LTH,MIT,MKT,MTL,NGCOMB,NONALGO,OCA,PEGBENCH,SCALE,SCALERST,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF"
)

func ibEquity(p *Equity, rng *rand.Rand) ibDetails {
	day := tsDay(p.TsEvent)
	names := map[string]string{"AAPL": "APPLE INC", "MSFT": "MICROSOFT CORP", "NVDA": "NVIDIA CORP", "AMZN": "AMAZON.COM INC"}
	long := names[p.RawSymbol]
	if long == "" {
		long = p.RawSymbol + " INC"
	}
	rule := []string{"26", "557", "1730"}[rng.IntN(3)]
	return ibDetails{
		secType: "STK", conID: 100_000 + rng.Int64N(800_000_000), exchange: "SMART", primaryExchange: "NASDAQ",
		symbol: p.RawSymbol, localSymbol: p.RawSymbol, currency: p.Currency, tradingClass: "NMS",
		marketName: "NMS", minTick: tickFloat(p.PriceIncrement), orderTypes: ibStockOrderTypes, validExchanges: ibStockExchanges,
		longName: long, industry: "Technology", category: []string{"Computers", "Semiconductors", "Software", "Internet"}[rng.IntN(4)],
		subcategory: "Computers", timeZoneID: "US/Eastern",
		tradingHours: ibHours(day, "0400", "2000", false), liquidHours: ibHours(day, "0930", "1600", false),
		aggGroup: 1, marketRuleIDs: strings.TrimSuffix(strings.Repeat(rule+",", 25), ","), isin: deref(p.ISIN, ""),
		stockType: "COMMON", minSize: "0.0001", sizeIncrement: "0.0001", suggestedSizeIncrement: "100",
	}
}

func ibForex(p *CurrencyPair, rng *rand.Rand) ibDetails {
	day := tsDay(p.TsEvent)
	local := p.BaseCurrency + "." + p.QuoteCurrency
	names := map[string]string{"EUR": "European Monetary Union Euro", "GBP": "British pound", "AUD": "Australian dollar", "NZD": "New Zealand dollar"}
	long := names[p.BaseCurrency]
	if long == "" {
		long = p.BaseCurrency
	}
	return ibDetails{
		secType: "CASH", conID: 12_000_000 + rng.Int64N(100_000_000), exchange: "IDEALPRO",
		symbol: p.BaseCurrency, localSymbol: local, currency: p.QuoteCurrency, tradingClass: local,
		marketName: local, minTick: tickFloat(p.PriceIncrement), orderTypes: ibForexOrderTypes,
		validExchanges: "IDEALPRO", longName: long + " " + p.QuoteCurrency, timeZoneID: "US/Eastern",
		tradingHours: ibHours(day, "1715", "1700", true), liquidHours: ibHours(day, "1715", "1700", true),
		aggGroup: 4, marketRuleIDs: "239", minSize: "1", sizeIncrement: "1", suggestedSizeIncrement: "1",
	}
}

func ibFuture(p *FuturesContract, rng *rand.Rand) ibDetails {
	day := tsDay(p.TsEvent)
	expiry := time.Unix(0, p.ExpirationNs).UTC().Format("20060102")
	exchange := deref(p.Exchange, "CME")
	switch exchange {
	case "XCME":
		exchange = "CME"
	case "XNYM":
		exchange = "NYMEX"
	}
	long := map[string]string{"ES": "E-mini S&P 500", "NQ": "E-mini NASDAQ 100", "EUR": "European Monetary Union Euro", "CL": "Light Sweet Crude Oil"}[p.Underlying]
	if long == "" {
		long = p.Underlying
	}
	return ibDetails{
		secType: "FUT", conID: 495_000_000 + rng.Int64N(100_000_000), exchange: exchange,
		symbol: p.Underlying, localSymbol: p.RawSymbol, currency: p.Currency, tradingClass: p.Underlying,
		lastTradeDateOrContractMonth: expiry, lastTradeDate: expiry, multiplier: p.Multiplier,
		marketName: p.Underlying, minTick: tickFloat(p.PriceIncrement), orderTypes: ibFutureOrdTypes,
		validExchanges: exchange + ",QBALGO", underConID: 11_000_000 + rng.Int64N(2_000_000), longName: long,
		contractMonth: expiry[:6], timeZoneID: "US/Central",
		tradingHours: ibHours(day, "1700", "1600", true), liquidHours: ibHours(day, "0830", "1600", false),
		aggGroup: 2147483647, underSymbol: p.Underlying, underSecType: "IND",
		marketRuleIDs:      []string{"67", "32", "1209"}[rng.IntN(3)] + ",67",
		realExpirationDate: expiry, lastTradeTime: "08:30:00",
		minSize: "1", sizeIncrement: "1", suggestedSizeIncrement: "1",
	}
}

// ibHours writes a week of IB trading hours from day on: "YYYYMMDD:open-
// YYYYMMDD:close" per weekday, "YYYYMMDD:CLOSED" on weekends; overnight
// sessions open the evening before.
func ibHours(day time.Time, open, close string, overnight bool) string {
	var b strings.Builder
	for i := range 7 {
		d := day.AddDate(0, 0, i)
		if i > 0 {
			b.WriteByte(';')
		}
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			b.WriteString(d.Format("20060102") + ":CLOSED")
			continue
		}
		from := d
		if overnight {
			from = d.AddDate(0, 0, -1)
		}
		b.WriteString(from.Format("20060102") + ":" + open + "-" + d.Format("20060102") + ":" + close)
	}
	return b.String()
}

// tsDay is the UTC day of a top-level timestamp string (either form).
func tsDay(ts string) time.Time {
	ns, err := ParseTimestamp(ts)
	if err != nil {
		ns = 0
	}
	t := time.Unix(0, ns).UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// binanceDecimal writes a decimal as Binance's API does: no trailing zeros
// after the point ("10000.000" is "10000", "0.010" is "0.01").
func binanceDecimal(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// scaleDecimal divides a decimal string by n, keeping its precision.
func scaleDecimal(s string, n int64) string {
	u, prec, err := ParseFixed(s)
	if err != nil || n <= 0 {
		return s
	}
	return FormatFixed(u/n, prec)
}

// tickFloat is a price increment as the float IB sends (minTick).
func tickFloat(s string) float64 {
	u, prec, err := ParseFixed(s)
	if err != nil {
		return 0
	}
	return float64(u) / math.Pow10(prec)
}

func deref(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}
