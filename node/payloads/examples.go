package payloads

import "fmt"

// Example is one fixed payload: the values of the reference's examples
// (../shared/reference/trading-cache-model.md), built field by field. The
// golden files in testdata/ hold what upstream's to_dict plus msgspec
// writes for the same values, modelled independently of this package
// (testdata/upstream_goldens.py); rbench payloads prints an example for a
// type the scenario does not produce.
type Example struct {
	// Name is the kind name, with a suffix for a variant
	// ("order-initialized-market", "position-snapshot-open").
	Name string
	// Kind is the payload's kind name.
	Kind string
	// Value is a pointer to the payload struct.
	Value any
}

// Fixed ids and times of the examples.
const (
	exTrader     = "TRADER-001"
	exStrategy   = "EMACross-001"
	exInstrument = "ETHUSDT-PERP.BINANCE"
	exOrder      = "O-20240115-093012-001-001-1"
	exVenueOrder = "8389765701234567890"
	exAccount    = "BINANCE-001"
	exPosition   = "ETHUSDT-PERP.BINANCE-EMACross-001"
	exT0         = 1705311012123456789 // 2024-01-15T09:30:12.123456789Z
	exT1         = 1705311013001234567
)

// Examples returns every example in a stable order: one per kind (in the
// order of Kinds) and the variants that exercise a different shape (a
// market order's options, an open position's nulls, integers of every
// width). iso writes the top-level timestamps as ISO-8601.
func Examples(iso bool) []Example {
	ts := func(ns int64) string { return FormatTimestamp(ns, iso) }
	ex := []Example{
		{"order-initialized", "order-initialized", &OrderInitialized{
			Type: TypeOrderInitialized, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: exOrder, OrderSide: "BUY", OrderType: "LIMIT", Quantity: "0.500", TimeInForce: "GTC",
			Options:          OrderOptions{Price: Ptr("2540.25")},
			EmulationTrigger: "NO_TRIGGER", ContingencyType: "NO_CONTINGENCY",
			EventID: "8f1c0f6e-3b1a-4c55-9a57-2f0d8e6b7c21", TsInit: ts(exT0), TsEvent: ts(exT0)}},
		{"order-initialized-market", "order-initialized", &OrderInitialized{
			Type: TypeOrderInitialized, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: "O-20240115-093012-001-001-2", OrderSide: "SELL", OrderType: "MARKET", Quantity: "1.250",
			TimeInForce: "IOC", ReduceOnly: true, EmulationTrigger: "NO_TRIGGER", ContingencyType: "NO_CONTINGENCY",
			Tags: []string{"EXIT", "stop—loss"}, EventID: "0b7e9c2a-4d1f-4e6a-8b3c-5d2e1f0a9b8c",
			TsInit: ts(exT0 + 250_000), TsEvent: ts(exT0 + 250_000)}},
		{"order-initialized-gtd", "order-initialized", &OrderInitialized{
			Type: TypeOrderInitialized, TraderID: exTrader, StrategyID: "MktMaker-003", InstrumentID: exInstrument,
			ClientOrderID: "O-20240115-093012-001-003-7", OrderSide: "SELL", OrderType: "LIMIT", Quantity: "2.000",
			TimeInForce: "GTD", PostOnly: true,
			Options:          OrderOptions{Price: Ptr("2541.00"), DisplayQty: Ptr("0.500"), ExpireTimeNs: 1705311072123456789},
			EmulationTrigger: "NO_TRIGGER", ContingencyType: "OUO", OrderListID: Ptr("OL-20240115-001"),
			LinkedOrderIDs:      []string{"O-20240115-093012-001-003-8"},
			ExecAlgorithmID:     Ptr("TWAP"),
			ExecAlgorithmParams: Record{{"horizon_secs", int64(60)}, {"interval_secs", 2.5}},
			EventID:             "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f", TsInit: ts(exT0 + 1_000), TsEvent: ts(exT0 + 1_000)}},
		{"order-denied", "order-denied", &OrderDenied{
			Type: TypeOrderDenied, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: "O-20240115-093012-001-001-3",
			Reason:        "NOTIONAL_EXCEEDS_MAX_PER_ORDER: max_notional=50000.00 USDT < notional=50805.00 USDT",
			EventID:       "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70", TsEvent: ts(exT0 + 40_000), TsInit: ts(exT0 + 40_000)}},
		{"order-emulated", "order-emulated", &OrderEmulated{
			Type: TypeOrderEmulated, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: "O-20240115-093012-001-001-4", EventID: "e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7081",
			TsEvent: ts(exT0 + 60_000), TsInit: ts(exT0 + 60_000)}},
		{"order-released", "order-released", &OrderReleased{
			Type: TypeOrderReleased, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: "O-20240115-093012-001-001-4", ReleasedPrice: "2541.10",
			EventID: "f6a7b8c9-d0e1-4f2a-9b3c-4d5e6f708192", TsEvent: ts(exT1 + 5_000_000), TsInit: ts(exT1 + 5_000_000)}},
		{"order-submitted", "order-submitted", &OrderSubmitted{
			Type: TypeOrderSubmitted, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: exOrder, AccountID: exAccount, EventID: "2c9e7a41-6d3b-4f8e-a1c5-9b0d7e3f6a28",
			TsEvent: ts(exT0 + 87_000), TsInit: ts(exT0 + 87_000)}},
		{"order-accepted", "order-accepted", &OrderAccepted{
			Type: TypeOrderAccepted, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: exOrder, VenueOrderID: exVenueOrder, AccountID: exAccount,
			EventID: "7d1e4b92-3a6c-4e5f-b8d0-2f9a1c7e4b63", TsEvent: ts(exT0 + 4_210_000), TsInit: ts(exT0 + 4_388_211)}},
		{"order-rejected", "order-rejected", &OrderRejected{
			Type: TypeOrderRejected, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: "O-20240115-093012-001-001-5", AccountID: exAccount,
			Reason:  `{"code":-5022,"msg":"Due to the order could not be executed as maker, the Post Only order will be rejected."}`,
			EventID: "a7b8c9d0-e1f2-4a3b-8c4d-5e6f708192a3", TsEvent: ts(exT0 + 3_900_000), TsInit: ts(exT0 + 4_012_345),
			DuePostOnly: true}},
		{"order-canceled", "order-canceled", &OrderCanceled{
			Type: TypeOrderCanceled, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: exOrder, VenueOrderID: Ptr(exVenueOrder), AccountID: Ptr(exAccount),
			EventID: "b8c9d0e1-f2a3-4b4c-9d5e-6f708192a3b4", TsEvent: ts(exT1 + 61_000_000), TsInit: ts(exT1 + 61_204_118)}},
		{"order-canceled-local", "order-canceled", &OrderCanceled{
			Type: TypeOrderCanceled, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: "O-20240115-093012-001-001-4",
			EventID:       "c9d0e1f2-a3b4-4c5d-8e6f-708192a3b4c5", TsEvent: ts(exT1 + 1_000), TsInit: ts(exT1 + 1_000)}},
		{"order-expired", "order-expired", &OrderExpired{
			Type: TypeOrderExpired, TraderID: exTrader, StrategyID: "MktMaker-003", InstrumentID: exInstrument,
			ClientOrderID: "O-20240115-093012-001-003-7", VenueOrderID: Ptr("8389765701234567901"), AccountID: Ptr(exAccount),
			EventID: "d0e1f2a3-b4c5-4d6e-9f70-8192a3b4c5d6", TsEvent: ts(1705311072123456789), TsInit: ts(1705311072125001002)}},
		{"order-triggered", "order-triggered", &OrderTriggered{
			Type: TypeOrderTriggered, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: "O-20240115-093012-001-001-6", VenueOrderID: Ptr("8389765701234567912"), AccountID: Ptr(exAccount),
			EventID: "e1f2a3b4-c5d6-4e7f-8a81-92a3b4c5d6e7", TsEvent: ts(exT1 + 9_000_000), TsInit: ts(exT1 + 9_350_000)}},
		{"order-pending-update", "order-pending-update", &OrderPendingUpdate{
			Type: TypeOrderPendingUpdate, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: exOrder, VenueOrderID: Ptr(exVenueOrder), AccountID: Ptr(exAccount),
			EventID: "f2a3b4c5-d6e7-4f80-9b92-a3b4c5d6e7f8", TsEvent: ts(exT0 + 500_000_000), TsInit: ts(exT0 + 500_000_000)}},
		{"order-pending-cancel", "order-pending-cancel", &OrderPendingCancel{
			Type: TypeOrderPendingCancel, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: exOrder, VenueOrderID: Ptr(exVenueOrder), AccountID: Ptr(exAccount),
			EventID: "a3b4c5d6-e7f8-4091-8ca3-b4c5d6e7f809", TsEvent: ts(exT1 + 60_000_000), TsInit: ts(exT1 + 60_000_000)}},
		{"order-modify-rejected", "order-modify-rejected", &OrderModifyRejected{
			Type: TypeOrderModifyRejected, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: exOrder, VenueOrderID: Ptr(exVenueOrder), AccountID: Ptr(exAccount),
			Reason:  "modify rejected:\n\tprice & quantity unchanged",
			EventID: "b4c5d6e7-f809-41a2-9db4-c5d6e7f8091a", TsEvent: ts(exT0 + 700_000_000), TsInit: ts(exT0 + 700_120_000)}},
		{"order-cancel-rejected", "order-cancel-rejected", &OrderCancelRejected{
			Type: TypeOrderCancelRejected, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: "O-20240115-093012-001-001-9", AccountID: Ptr(exAccount),
			Reason:  `{"code":-2011,"msg":"Unknown order sent."}`,
			EventID: "c5d6e7f8-091a-42b3-8ec5-d6e7f8091a2b", TsEvent: ts(exT1 + 80_000_000), TsInit: ts(exT1 + 80_250_000)}},
		{"order-updated", "order-updated", &OrderUpdated{
			Type: TypeOrderUpdated, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: exOrder, VenueOrderID: Ptr(exVenueOrder), AccountID: Ptr(exAccount),
			Quantity: "0.750", Price: Ptr("2539.80"),
			EventID: "d6e7f809-1a2b-43c4-9fd6-e7f8091a2b3c", TsEvent: ts(exT0 + 520_000_000), TsInit: ts(exT0 + 520_431_000)}},
		{"order-filled", "order-filled", &OrderFilled{
			Type: TypeOrderFilled, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			ClientOrderID: exOrder, VenueOrderID: exVenueOrder, AccountID: exAccount, TradeID: "3141592653",
			PositionID: Ptr(exPosition), OrderSide: "BUY", OrderType: "LIMIT", LastQty: "0.500", LastPx: "2540.25",
			Currency: "USDT", Commission: "0.25402500 USDT", LiquiditySide: "MAKER",
			EventID: "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d", TsEvent: ts(exT1), TsInit: ts(exT1), Info: Record{}}},
		{"account-state", "account-state", &AccountState{
			Type: TypeAccountState, AccountID: exAccount, AccountType: "MARGIN",
			Balances: []AccountBalance{{Type: TypeAccountBalance, Total: "10000.00000000", Locked: "257.53750000",
				Free: "9742.46250000", Currency: "USDT"}},
			Margins: []MarginBalance{
				{Type: TypeMarginBalance, Initial: "127.01250000", Maintenance: "44.45437500", Currency: "USDT", InstrumentID: Ptr(exInstrument)},
				{Type: TypeMarginBalance, Initial: "130.52500000", Maintenance: "45.68375000", Currency: "USDT", InstrumentID: Ptr("BTCUSDT-PERP.BINANCE")},
			},
			Reported: true, Info: Record{}, EventID: "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", TsEvent: ts(exT1), TsInit: ts(exT1)}},
		{"account-state-cash", "account-state", &AccountState{
			Type: TypeAccountState, AccountID: "IB-U1234567", AccountType: "CASH", BaseCurrency: Ptr("USD"),
			Balances: []AccountBalance{
				{Type: TypeAccountBalance, Total: "250000.00", Locked: "18550.00", Free: "231450.00", Currency: "USD"},
				{Type: TypeAccountBalance, Total: "1200.00", Locked: "0.00", Free: "1200.00", Currency: "EUR"},
			},
			Margins: []MarginBalance{}, Reported: true, Info: Record{},
			EventID: "2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6071", TsEvent: ts(1705311012000000000), TsInit: ts(1705311012000450000)}},
		{"limit-order-snapshot", "limit-order-snapshot", &LimitOrderSnapshot{
			TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument, ClientOrderID: exOrder,
			VenueOrderID: Ptr(exVenueOrder), PositionID: Ptr(exPosition), AccountID: Ptr(exAccount), LastTradeID: Ptr("3141592653"),
			Type: "LIMIT", Side: "BUY", Quantity: "0.500", Price: "2540.25", TimeInForce: "GTC",
			FilledQty: "0.200", LiquiditySide: "MAKER", AvgPx: Ptr(2540.25), Slippage: Ptr(0.0),
			Commissions: []string{"0.10161000 USDT"}, Status: "PARTIALLY_FILLED", EmulationTrigger: "NO_TRIGGER",
			ContingencyType: "NO_CONTINGENCY", InitID: "8f1c0f6e-3b1a-4c55-9a57-2f0d8e6b7c21",
			TsInit: ts(exT0), TsLast: ts(exT1)}},
		{"limit-order-snapshot-gtd", "limit-order-snapshot", &LimitOrderSnapshot{
			TraderID: exTrader, StrategyID: "MktMaker-003", InstrumentID: exInstrument, ClientOrderID: "O-20240115-093012-001-003-7",
			Type: "LIMIT", Side: "SELL", Quantity: "2.000", Price: "2541.00", TimeInForce: "GTD",
			ExpireTimeNs: Ptr(ts(1705311072123456789)), FilledQty: "0.000", LiquiditySide: "NO_LIQUIDITY_SIDE",
			Status: "INITIALIZED", IsPostOnly: true, DisplayQty: Ptr("0.500"), EmulationTrigger: "NO_TRIGGER",
			ContingencyType: "OUO", OrderListID: Ptr("OL-20240115-001"), LinkedOrderIDs: []string{"O-20240115-093012-001-003-8"},
			ExecAlgorithmID: Ptr("TWAP"), ExecAlgorithmParams: Record{{"horizon_secs", int64(60)}, {"interval_secs", 2.5}},
			InitID: "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f", TsInit: ts(exT0 + 1_000), TsLast: ts(exT0 + 1_000)}},
		{"market-order-snapshot", "market-order-snapshot", &MarketOrderSnapshot{
			TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument, ClientOrderID: "O-20240115-093012-001-001-2",
			VenueOrderID: Ptr("8389765701234567899"), PositionID: Ptr(exPosition), AccountID: Ptr(exAccount),
			LastTradeID: Ptr("3141592655"), Type: "MARKET", Side: "SELL", Quantity: "1.250", TimeInForce: "IOC",
			IsReduceOnly: true, FilledQty: "1.250", LiquiditySide: "TAKER", AvgPx: Ptr(2539.9584), Slippage: Ptr(-0.00012),
			Commissions: []string{"1.26997920 USDT"}, EmulationTrigger: "NO_TRIGGER", Status: "FILLED",
			ContingencyType: "NO_CONTINGENCY", Tags: []string{"EXIT", "stop—loss"},
			InitID: "0b7e9c2a-4d1f-4e6a-8b3c-5d2e1f0a9b8c", TsInit: ts(exT0 + 250_000), TsLast: ts(exT1 + 2_000_000)}},
		{"position-snapshot", "position-snapshot", &PositionSnapshot{
			PositionID: exPosition, TraderID: exTrader, StrategyID: exStrategy, InstrumentID: exInstrument,
			AccountID: exAccount, OpeningOrderID: exOrder, ClosingOrderID: Ptr("O-20240115-093012-001-001-2"),
			Entry: "BUY", Side: "FLAT", SignedQty: 0.0, Quantity: "0.000", PeakQty: "1.250",
			TsInit: ts(exT1), TsOpened: ts(exT1), TsLast: ts(1705311014003456000), TsClosed: Ptr(ts(1705311014003456000)),
			DurationNs: Ptr(int64(1705311014003456000 - exT1)), AvgPxOpen: 2540.1784, AvgPxClose: Ptr(2539.9584),
			QuoteCurrency: "USDT", BaseCurrency: Ptr("ETH"), SettlementCurrency: "USDT",
			Commissions: []string{"1.52398920 USDT"}, RealizedReturn: RoundReturn(-8.66082213e-05),
			RealizedPnl: "-1.79898920 USDT", UnrealizedPnl: Ptr("0.00000000 USDT"), TsSnapshot: ts(1705311015000000000)}},
		{"position-snapshot-open", "position-snapshot", &PositionSnapshot{
			PositionID: "P-20240115-093012-001-003-1", TraderID: exTrader, StrategyID: "MktMaker-003",
			InstrumentID: "BTCUSDT-PERP.BINANCE", AccountID: exAccount, OpeningOrderID: "O-20240115-093012-001-003-2",
			Entry: "SELL", Side: "SHORT", SignedQty: -0.03, Quantity: "0.030", PeakQty: "0.030",
			TsInit: ts(exT1), TsOpened: ts(exT1), TsLast: ts(exT1), AvgPxOpen: 42500.1,
			QuoteCurrency: "USDT", BaseCurrency: Ptr("BTC"), SettlementCurrency: "USDT",
			Commissions: []string{"0.51000120 USDT"}, RealizedReturn: 0.0, RealizedPnl: "-0.51000120 USDT",
			TsSnapshot: ts(exT1)}},
		{"currency", "currency", &Currency{Precision: 8, ISO4217: 0, Name: "Tether", CurrencyType: "CRYPTO"}},
		{"currency-fiat", "currency", &Currency{Precision: 2, ISO4217: 840, Name: "United States dollar", CurrencyType: "FIAT"}},
		{"currency-pair", "currency-pair", &CurrencyPair{
			Type: TypeCurrencyPair, ID: "EUR/USD.IDEALPRO", RawSymbol: "EUR.USD", BaseCurrency: "EUR", QuoteCurrency: "USD",
			PricePrecision: 5, PriceIncrement: "0.00005", SizePrecision: 0, SizeIncrement: "1", Multiplier: "1",
			LotSize: Ptr("1000"), MaxQuantity: Ptr("1000000000"), MinQuantity: Ptr("1"),
			MarginInit: "0.03", MarginMaint: "0.03", MakerFee: "0.00002", TakerFee: "0.00002",
			TsEvent: ts(1705310000000000000), TsInit: ts(1705310000000000000)}},
		{"equity", "equity", &Equity{
			Type: TypeEquity, ID: "AAPL.NASDAQ", RawSymbol: "AAPL", Currency: "USD", PricePrecision: 2, PriceIncrement: "0.01",
			LotSize: "100", ISIN: Ptr("US0378331005"), MarginInit: "0", MarginMaint: "0", MakerFee: "0", TakerFee: "0",
			TsEvent: ts(1705310000123456000), TsInit: ts(1705310000123456000)}},
		{"crypto-perpetual", "crypto-perpetual", &CryptoPerpetual{
			Type: TypeCryptoPerpetual, ID: exInstrument, RawSymbol: "ETHUSDT", BaseCurrency: "ETH", QuoteCurrency: "USDT",
			SettlementCurrency: "USDT", PricePrecision: 2, PriceIncrement: "0.01", SizePrecision: 3, SizeIncrement: "0.001",
			Multiplier: "1", LotSize: Ptr("1"), MaxQuantity: Ptr("10000.000"), MinQuantity: Ptr("0.001"),
			MinNotional: Ptr("10.00000000 USDT"), MaxPrice: Ptr("152588.43"), MinPrice: Ptr("29.91"),
			MarginInit: "1.00", MarginMaint: "0.35", MakerFee: "0.0002", TakerFee: "0.0004",
			TsEvent: ts(1646199312128000000), TsInit: ts(1646199342953849862)}},
		{"futures-contract", "futures-contract", &FuturesContract{
			Type: TypeFuturesContract, ID: "ESZ4.XCME", RawSymbol: "ESZ4", AssetClass: "INDEX", Currency: "USD",
			PricePrecision: 2, PriceIncrement: "0.25", SizePrecision: 0, SizeIncrement: "1", Multiplier: "50",
			MaxQuantity: Ptr("10000"), MinQuantity: Ptr("1"), LotSize: "1", Underlying: "ES",
			ActivationNs: 1726839000000000000, ExpirationNs: 1734705000000000000,
			MarginInit: "0.10", MarginMaint: "0.08", MakerFee: "0", TakerFee: "0",
			TsEvent: ts(1705310000000000000), TsInit: ts(1705310000000000000), Exchange: Ptr("XCME")}},
	}
	return append(ex, venueExamples(ts)...)
}

// venueExamples are instruments carrying the venue record an adapter
// stores in info (venueinfo.go), with fixed values.
func venueExamples(ts func(int64) string) []Example {
	perp := &CryptoPerpetual{
		Type: TypeCryptoPerpetual, ID: exInstrument, RawSymbol: "ETHUSDT", BaseCurrency: "ETH", QuoteCurrency: "USDT",
		SettlementCurrency: "USDT", PricePrecision: 2, PriceIncrement: "0.01", SizePrecision: 3, SizeIncrement: "0.001",
		Multiplier: "1", MaxQuantity: Ptr("10000.000"), MinQuantity: Ptr("0.001"),
		MinNotional: Ptr("20.00000000 USDT"), MaxPrice: Ptr("306177.00"), MinPrice: Ptr("39.86"),
		MarginInit: "1", MarginMaint: "1", MakerFee: "0.000200", TakerFee: "0.000500",
		TsEvent: ts(1705310000000000000), TsInit: ts(1705310000000000000)}
	perp.Info = binanceSymbol{
		symbol: "ETHUSDT", baseAsset: "ETH", quoteAsset: "USDT", marginAsset: "USDT",
		pricePrecision: 2, quantityPrecision: 3, onboardDate: 1569398400000,
		maintMarginPercent: "2.5000", requiredMarginPercent: "5.0000", underlyingSubType: "Layer-1",
		liquidationFee: "0.015000", marketTakeBound: "0.05",
		tickSize: "0.01", minPrice: "39.86", maxPrice: "306177", stepSize: "0.001", minQty: "0.001", maxQty: "10000",
		marketMinQty: "0.001", marketMaxQty: "2000", maxNumOrders: 200, maxNumAlgoOrders: 10, notional: "20",
	}.record()
	eq := &Equity{
		Type: TypeEquity, ID: "AAPL.NASDAQ", RawSymbol: "AAPL", Currency: "USD", PricePrecision: 2, PriceIncrement: "0.01",
		LotSize: "100", ISIN: Ptr("US0378331005"), MarginInit: "0", MarginMaint: "0", MakerFee: "0", TakerFee: "0",
		TsEvent: ts(1705310000123456000), TsInit: ts(1705310000123456000)}
	eq.Info = ibDetails{
		secType: "STK", conID: 265598, exchange: "SMART", primaryExchange: "NASDAQ", symbol: "AAPL", localSymbol: "AAPL",
		currency: "USD", tradingClass: "NMS", marketName: "NMS", minTick: 0.01, orderTypes: ibStockOrderTypes,
		validExchanges: ibStockExchanges, longName: "APPLE INC", industry: "Technology", category: "Computers",
		subcategory: "Computers", timeZoneID: "US/Eastern",
		tradingHours: "20240115:0400-20240115:2000;20240116:0400-20240116:2000;20240117:0400-20240117:2000;20240118:0400-20240118:2000;20240119:0400-20240119:2000;20240120:CLOSED;20240121:CLOSED",
		liquidHours:  "20240115:0930-20240115:1600;20240116:0930-20240116:1600;20240117:0930-20240117:1600;20240118:0930-20240118:1600;20240119:0930-20240119:1600;20240120:CLOSED;20240121:CLOSED",
		aggGroup:     1, marketRuleIDs: "26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26",
		isin: "US0378331005", stockType: "COMMON", minSize: "0.0001", sizeIncrement: "0.0001", suggestedSizeIncrement: "100",
	}.record()
	fx := &CurrencyPair{
		Type: TypeCurrencyPair, ID: "EUR/USD.IDEALPRO", RawSymbol: "EUR.USD", BaseCurrency: "EUR", QuoteCurrency: "USD",
		PricePrecision: 5, PriceIncrement: "0.00005", SizePrecision: 0, SizeIncrement: "1", Multiplier: "1",
		LotSize: Ptr("1000"), MaxQuantity: Ptr("1000000000"), MinQuantity: Ptr("1"),
		MarginInit: "0.03", MarginMaint: "0.03", MakerFee: "0.00002", TakerFee: "0.00002",
		TsEvent: ts(1705310000000000000), TsInit: ts(1705310000000000000)}
	fx.Info = ibDetails{
		secType: "CASH", conID: 12087792, exchange: "IDEALPRO", symbol: "EUR", localSymbol: "EUR.USD", currency: "USD",
		tradingClass: "EUR.USD", marketName: "EUR.USD", minTick: 0.00005, orderTypes: ibForexOrderTypes,
		validExchanges: "IDEALPRO", longName: "European Monetary Union Euro USD", timeZoneID: "US/Eastern",
		tradingHours: "20240114:1715-20240115:1700;20240115:1715-20240116:1700;20240116:1715-20240117:1700;20240117:1715-20240118:1700;20240118:1715-20240119:1700;20240120:CLOSED;20240121:CLOSED",
		liquidHours:  "20240114:1715-20240115:1700;20240115:1715-20240116:1700;20240116:1715-20240117:1700;20240117:1715-20240118:1700;20240118:1715-20240119:1700;20240120:CLOSED;20240121:CLOSED",
		aggGroup:     4, marketRuleIDs: "239", minSize: "1", sizeIncrement: "1", suggestedSizeIncrement: "1",
	}.record()
	fut := &FuturesContract{
		Type: TypeFuturesContract, ID: "ESZ4.XCME", RawSymbol: "ESZ4", AssetClass: "INDEX", Currency: "USD",
		PricePrecision: 2, PriceIncrement: "0.25", SizePrecision: 0, SizeIncrement: "1", Multiplier: "50",
		LotSize: "1", Underlying: "ES", ActivationNs: 1726839000000000000, ExpirationNs: 1734705000000000000,
		MarginInit: "0", MarginMaint: "0", MakerFee: "0", TakerFee: "0",
		TsEvent: ts(1705310000000000000), TsInit: ts(1705310000000000000), Exchange: Ptr("XCME")}
	fut.Info = ibDetails{
		secType: "FUT", conID: 551601561, exchange: "CME", symbol: "ES", localSymbol: "ESZ4", currency: "USD",
		tradingClass: "ES", lastTradeDateOrContractMonth: "20241220", lastTradeDate: "20241220", multiplier: "50",
		marketName: "ES", minTick: 0.25, orderTypes: ibFutureOrdTypes, validExchanges: "CME,QBALGO", underConID: 11004968,
		longName: "E-mini S&P 500", contractMonth: "202412", timeZoneID: "US/Central",
		tradingHours: "20240114:1700-20240115:1600;20240115:1700-20240116:1600;20240116:1700-20240117:1600;20240117:1700-20240118:1600;20240118:1700-20240119:1600;20240120:CLOSED;20240121:CLOSED",
		liquidHours:  "20240115:0830-20240115:1600;20240116:0830-20240116:1600;20240117:0830-20240117:1600;20240118:0830-20240118:1600;20240119:0830-20240119:1600;20240120:CLOSED;20240121:CLOSED",
		aggGroup:     2147483647, underSymbol: "ES", underSecType: "IND", marketRuleIDs: "67,67",
		realExpirationDate: "20241220", lastTradeTime: "08:30:00", minSize: "1", sizeIncrement: "1", suggestedSizeIncrement: "1",
	}.record()
	return []Example{
		{"crypto-perpetual-venue", "crypto-perpetual", perp},
		{"equity-venue", "equity", eq},
		{"currency-pair-venue", "currency-pair", fx},
		{"futures-contract-venue", "futures-contract", fut},
	}
}

// ExampleOf returns the first example of kind (a Kinds name).
func ExampleOf(kind string, iso bool) (any, error) {
	k, err := KindByName(kind)
	if err != nil {
		return nil, err
	}
	for _, e := range Examples(iso) {
		if e.Kind == k.Name {
			return e.Value, nil
		}
	}
	return nil, fmt.Errorf("payloads: no example of %s", k.Name)
}
