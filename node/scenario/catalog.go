package scenario

import (
	"strconv"

	"github.com/rbench/rbench/node/payloads"
)

// instSpec is one tradable instrument. Prices are int64 units of
// 10^-pricePrec, quantities int64 units of 10^-sizePrec; tick and step are the
// increments in those units (a tick need not be one unit: ES trades in 0.25).
type instSpec struct {
	kind       string // payload type
	symbol     string // raw symbol
	suffix     string // id = symbol + suffix + "." + venue (e.g. "-PERP")
	venue      string
	base       string // "" when the instrument has no base currency
	quote      string
	settle     string
	pricePrec  int
	tick       int64
	sizePrec   int
	step       int64
	mult       int64
	mid        int64 // starting price, price units
	minSteps   int64 // typical order size range, in steps
	maxSteps   int64
	lot        string
	maxQty     string
	minQty     string
	maxPrice   string
	minPrice   string
	minNotion  string
	marginInit string
	marginMnt  string
	maker      string
	taker      string
	isin       string
	assetClass string
	exchange   string
	underlying string
	expiry     int64 // futures expiration, ns
}

// venueSpec says how a venue's accounts look.
type venueSpec struct {
	accountType string // MARGIN or CASH
	currency    string // the account's (single) balance currency
	base        bool   // whether the account has a base currency
	startUnits  int64  // starting balance, whole currency units
}

var venues = map[string]venueSpec{
	"BINANCE": {"MARGIN", "USDT", false, 1_000_000},
	"SIM":     {"MARGIN", "USD", true, 1_000_000},
	"XNAS":    {"CASH", "USD", true, 5_000_000},
	"GLBX":    {"MARGIN", "USD", true, 2_000_000},
}

// catalog is cycled through: asset classes alternate so even a few instruments
// span venues. Precisions and increments follow the venues' real contracts.
var catalog = []instSpec{
	{kind: payloads.TypeCryptoPerpetual, symbol: "ETHUSDT", suffix: "-PERP", venue: "BINANCE", base: "ETH", quote: "USDT", settle: "USDT",
		pricePrec: 2, tick: 1, sizePrec: 3, step: 1, mult: 1, mid: 254025, minSteps: 1, maxSteps: 5000,
		lot: "1", maxQty: "10000.000", minQty: "0.001", maxPrice: "152588.43", minPrice: "29.91", minNotion: "10.00000000 USDT",
		marginInit: "1.00", marginMnt: "0.35", maker: "0.0002", taker: "0.0004"},
	{kind: payloads.TypeCurrencyPair, symbol: "EUR/USD", venue: "SIM", base: "EUR", quote: "USD",
		pricePrec: 5, tick: 1, sizePrec: 0, step: 1000, mult: 1, mid: 108500, minSteps: 1, maxSteps: 1000,
		lot: "1000", maxQty: "1000000000", minQty: "1000",
		marginInit: "0.03", marginMnt: "0.03", maker: "0.00002", taker: "0.00002"},
	{kind: payloads.TypeEquity, symbol: "AAPL", venue: "XNAS", quote: "USD",
		pricePrec: 2, tick: 1, sizePrec: 0, step: 1, mult: 1, mid: 18550, minSteps: 1, maxSteps: 500,
		lot: "100", isin: "US0378331005",
		marginInit: "0", marginMnt: "0", maker: "0", taker: "0"},
	{kind: payloads.TypeFuturesContract, symbol: "ESZ4", venue: "GLBX", quote: "USD",
		pricePrec: 2, tick: 25, sizePrec: 0, step: 1, mult: 50, mid: 590025, minSteps: 1, maxSteps: 20,
		lot: "1", maxQty: "10000", minQty: "1", maxPrice: "20000.00", minPrice: "1000.00",
		marginInit: "0.10", marginMnt: "0.08", maker: "0.00002", taker: "0.00002",
		assetClass: "INDEX", exchange: "XCME", underlying: "ES", expiry: 1734705000000000000},
	{kind: payloads.TypeCryptoPerpetual, symbol: "BTCUSDT", suffix: "-PERP", venue: "BINANCE", base: "BTC", quote: "USDT", settle: "USDT",
		pricePrec: 1, tick: 1, sizePrec: 3, step: 1, mult: 1, mid: 425001, minSteps: 1, maxSteps: 500,
		lot: "1", maxQty: "1000.000", minQty: "0.001", maxPrice: "809484.0", minPrice: "261.1", minNotion: "100.00000000 USDT",
		marginInit: "1.00", marginMnt: "0.35", maker: "0.0002", taker: "0.0004"},
	{kind: payloads.TypeCurrencyPair, symbol: "GBP/USD", venue: "SIM", base: "GBP", quote: "USD",
		pricePrec: 5, tick: 1, sizePrec: 0, step: 1000, mult: 1, mid: 127050, minSteps: 1, maxSteps: 1000,
		lot: "1000", maxQty: "1000000000", minQty: "1000",
		marginInit: "0.03", marginMnt: "0.03", maker: "0.00002", taker: "0.00002"},
	{kind: payloads.TypeEquity, symbol: "MSFT", venue: "XNAS", quote: "USD",
		pricePrec: 2, tick: 1, sizePrec: 0, step: 1, mult: 1, mid: 37550, minSteps: 1, maxSteps: 300,
		lot: "100", isin: "US5949181045",
		marginInit: "0", marginMnt: "0", maker: "0", taker: "0"},
	{kind: payloads.TypeFuturesContract, symbol: "NQZ4", venue: "GLBX", quote: "USD",
		pricePrec: 2, tick: 25, sizePrec: 0, step: 1, mult: 20, mid: 2050025, minSteps: 1, maxSteps: 10,
		lot: "1", maxQty: "10000", minQty: "1", maxPrice: "50000.00", minPrice: "1000.00",
		marginInit: "0.10", marginMnt: "0.08", maker: "0.00002", taker: "0.00002",
		assetClass: "INDEX", exchange: "XCME", underlying: "NQ", expiry: 1734705000000000000},
	{kind: payloads.TypeCryptoPerpetual, symbol: "SOLUSDT", suffix: "-PERP", venue: "BINANCE", base: "SOL", quote: "USDT", settle: "USDT",
		pricePrec: 3, tick: 10, sizePrec: 0, step: 1, mult: 1, mid: 98450, minSteps: 1, maxSteps: 800,
		lot: "1", maxQty: "1000000", minQty: "1", maxPrice: "6857.000", minPrice: "0.420", minNotion: "5.00000000 USDT",
		marginInit: "1.00", marginMnt: "0.35", maker: "0.0002", taker: "0.0004"},
	{kind: payloads.TypeCurrencyPair, symbol: "AUD/USD", venue: "SIM", base: "AUD", quote: "USD",
		pricePrec: 5, tick: 1, sizePrec: 0, step: 1000, mult: 1, mid: 65500, minSteps: 1, maxSteps: 1000,
		lot: "1000", maxQty: "1000000000", minQty: "1000",
		marginInit: "0.03", marginMnt: "0.03", maker: "0.00002", taker: "0.00002"},
	{kind: payloads.TypeEquity, symbol: "NVDA", venue: "XNAS", quote: "USD",
		pricePrec: 2, tick: 1, sizePrec: 0, step: 1, mult: 1, mid: 49520, minSteps: 1, maxSteps: 400,
		lot: "100", isin: "US67066G1040",
		marginInit: "0", marginMnt: "0", maker: "0", taker: "0"},
	{kind: payloads.TypeFuturesContract, symbol: "6EZ4", venue: "GLBX", quote: "USD",
		pricePrec: 5, tick: 5, sizePrec: 0, step: 1, mult: 125000, mid: 108650, minSteps: 1, maxSteps: 10,
		lot: "1", maxQty: "10000", minQty: "1", maxPrice: "2.00000", minPrice: "0.50000",
		marginInit: "0.10", marginMnt: "0.08", maker: "0.00002", taker: "0.00002",
		assetClass: "FX", exchange: "XCME", underlying: "EUR", expiry: 1734705000000000000},
	{kind: payloads.TypeCryptoPerpetual, symbol: "XRPUSDT", suffix: "-PERP", venue: "BINANCE", base: "XRP", quote: "USDT", settle: "USDT",
		pricePrec: 4, tick: 1, sizePrec: 1, step: 1, mult: 1, mid: 6150, minSteps: 10, maxSteps: 100000,
		lot: "1", maxQty: "10000000.0", minQty: "0.1", maxPrice: "10.0000", minPrice: "0.0001", minNotion: "5.00000000 USDT",
		marginInit: "1.00", marginMnt: "0.35", maker: "0.0002", taker: "0.0004"},
	{kind: payloads.TypeCurrencyPair, symbol: "NZD/USD", venue: "SIM", base: "NZD", quote: "USD",
		pricePrec: 5, tick: 1, sizePrec: 0, step: 1000, mult: 1, mid: 59800, minSteps: 1, maxSteps: 1000,
		lot: "1000", maxQty: "1000000000", minQty: "1000",
		marginInit: "0.03", marginMnt: "0.03", maker: "0.00002", taker: "0.00002"},
	{kind: payloads.TypeEquity, symbol: "AMZN", venue: "XNAS", quote: "USD",
		pricePrec: 2, tick: 1, sizePrec: 0, step: 1, mult: 1, mid: 15390, minSteps: 1, maxSteps: 500,
		lot: "100", isin: "US0231351067",
		marginInit: "0", marginMnt: "0", maker: "0", taker: "0"},
	{kind: payloads.TypeFuturesContract, symbol: "CLZ4", venue: "GLBX", quote: "USD",
		pricePrec: 2, tick: 1, sizePrec: 0, step: 1, mult: 1000, mid: 7250, minSteps: 1, maxSteps: 10,
		lot: "1", maxQty: "10000", minQty: "1", maxPrice: "500.00", minPrice: "1.00",
		marginInit: "0.10", marginMnt: "0.08", maker: "0.00002", taker: "0.00002",
		assetClass: "COMMODITY", exchange: "NYMEX", underlying: "CL", expiry: 1734566400000000000},
}

// specFor returns instrument i: the catalog cycled, with a round number
// appended to the symbol after the first pass ("ETHUSDT2-PERP.BINANCE") so
// ids stay unique for any count.
func specFor(i int) instSpec {
	s := catalog[i%len(catalog)]
	if round := i / len(catalog); round > 0 {
		s.symbol += strconv.Itoa(round + 1)
	}
	return s
}

func (s *instSpec) id() string { return s.symbol + s.suffix + "." + s.venue }

// currencySpec describes a currency for its Currency payload.
type currencySpec struct {
	precision int
	iso4217   int
	name      string
	kind      string
}

var currencies = map[string]currencySpec{
	"USDT": {8, 0, "Tether", "CRYPTO"},
	"ETH":  {8, 0, "Ether", "CRYPTO"},
	"BTC":  {8, 0, "Bitcoin", "CRYPTO"},
	"SOL":  {8, 0, "Solana", "CRYPTO"},
	"XRP":  {8, 0, "XRP", "CRYPTO"},
	"USD":  {2, 840, "United States dollar", "FIAT"},
	"EUR":  {2, 978, "Euro", "FIAT"},
	"GBP":  {2, 826, "British pound", "FIAT"},
	"AUD":  {2, 36, "Australian dollar", "FIAT"},
	"NZD":  {2, 554, "New Zealand dollar", "FIAT"},
}

var strategyNames = []string{"EMACross", "BBandRev", "MktMaker", "Momentum", "PairsArb", "Breakout", "VWAPExec", "TrendFol"}

var rejectReasons = []string{
	"INSUFFICIENT_MARGIN",
	"PRICE_OUT_OF_BAND: price outside the venue's allowed range",
	"POST_ONLY_WOULD_TRADE",
	"MAX_OPEN_ORDERS_EXCEEDED",
}
