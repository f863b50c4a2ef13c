// Package payloads holds the objects a trading node stores in its Redis cache,
// field for field as NautilusTrader's to_dict() writes them (see
// ../shared/reference/trading-cache-model.md): snake_case keys in reference
// order, a "type" discriminator, prices and quantities as fixed-precision
// decimal strings, money as "0.25402500 USDT", upper-case enums, top-level
// timestamps as nanosecond decimal strings (or ISO-8601 with nanoseconds),
// nested timestamps as integers.
//
// Struct field order is the encoded key order under both codecs. Nullable
// fields are pointers or nil maps/slices and encode as null.
package payloads

// Type discriminators (the "type" field).
const (
	TypeOrderInitialized = "OrderInitialized"
	TypeOrderSubmitted   = "OrderSubmitted"
	TypeOrderAccepted    = "OrderAccepted"
	TypeOrderFilled      = "OrderFilled"
	TypeOrderCanceled    = "OrderCanceled"
	TypeOrderRejected    = "OrderRejected"
	TypeAccountState     = "AccountState"
	TypePosition         = "Position"
	TypeCurrency         = "Currency"
	TypeCurrencyPair     = "CurrencyPair"
	TypeEquity           = "Equity"
	TypeCryptoPerpetual  = "CryptoPerpetual"
	TypeFuturesContract  = "FuturesContract"
	TypeAccountBalance   = "AccountBalance"
	TypeMarginBalance    = "MarginBalance"
)

// OrderOptions is the "options" map of OrderInitialized: the order-type
// specific fields. Price is nil for market orders.
type OrderOptions struct {
	Price        *string `json:"price" msgpack:"price"`
	DisplayQty   *string `json:"display_qty" msgpack:"display_qty"`
	ExpireTimeNs int64   `json:"expire_time_ns" msgpack:"expire_time_ns"` // nested: integer ns, 0 = no expiry
}

// OrderInitialized is element 0 of orders:{client_order_id}.
type OrderInitialized struct {
	Type                string            `json:"type" msgpack:"type"`
	TraderID            string            `json:"trader_id" msgpack:"trader_id"`
	StrategyID          string            `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID        string            `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID       string            `json:"client_order_id" msgpack:"client_order_id"`
	OrderSide           string            `json:"order_side" msgpack:"order_side"`
	OrderType           string            `json:"order_type" msgpack:"order_type"`
	Quantity            string            `json:"quantity" msgpack:"quantity"`
	TimeInForce         string            `json:"time_in_force" msgpack:"time_in_force"`
	PostOnly            bool              `json:"post_only" msgpack:"post_only"`
	ReduceOnly          bool              `json:"reduce_only" msgpack:"reduce_only"`
	QuoteQuantity       bool              `json:"quote_quantity" msgpack:"quote_quantity"`
	Options             OrderOptions      `json:"options" msgpack:"options"`
	EmulationTrigger    string            `json:"emulation_trigger" msgpack:"emulation_trigger"`
	TriggerInstrumentID *string           `json:"trigger_instrument_id" msgpack:"trigger_instrument_id"`
	ContingencyType     string            `json:"contingency_type" msgpack:"contingency_type"`
	OrderListID         *string           `json:"order_list_id" msgpack:"order_list_id"`
	LinkedOrderIDs      []string          `json:"linked_order_ids" msgpack:"linked_order_ids"`
	ParentOrderID       *string           `json:"parent_order_id" msgpack:"parent_order_id"`
	ExecAlgorithmID     *string           `json:"exec_algorithm_id" msgpack:"exec_algorithm_id"`
	ExecAlgorithmParams map[string]string `json:"exec_algorithm_params" msgpack:"exec_algorithm_params"`
	ExecSpawnID         *string           `json:"exec_spawn_id" msgpack:"exec_spawn_id"`
	Tags                []string          `json:"tags" msgpack:"tags"`
	EventID             string            `json:"event_id" msgpack:"event_id"`
	TsInit              string            `json:"ts_init" msgpack:"ts_init"`
	TsEvent             string            `json:"ts_event" msgpack:"ts_event"`
	Reconciliation      bool              `json:"reconciliation" msgpack:"reconciliation"`
}

// OrderSubmitted is appended when the order leaves for the venue.
type OrderSubmitted struct {
	Type          string `json:"type" msgpack:"type"`
	TraderID      string `json:"trader_id" msgpack:"trader_id"`
	StrategyID    string `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID  string `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID string `json:"client_order_id" msgpack:"client_order_id"`
	AccountID     string `json:"account_id" msgpack:"account_id"`
	EventID       string `json:"event_id" msgpack:"event_id"`
	TsEvent       string `json:"ts_event" msgpack:"ts_event"`
	TsInit        string `json:"ts_init" msgpack:"ts_init"`
}

// OrderAccepted is appended when the venue acknowledges the order.
type OrderAccepted struct {
	Type           string `json:"type" msgpack:"type"`
	TraderID       string `json:"trader_id" msgpack:"trader_id"`
	StrategyID     string `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID   string `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID  string `json:"client_order_id" msgpack:"client_order_id"`
	VenueOrderID   string `json:"venue_order_id" msgpack:"venue_order_id"`
	AccountID      string `json:"account_id" msgpack:"account_id"`
	EventID        string `json:"event_id" msgpack:"event_id"`
	TsEvent        string `json:"ts_event" msgpack:"ts_event"`
	TsInit         string `json:"ts_init" msgpack:"ts_init"`
	Reconciliation bool   `json:"reconciliation" msgpack:"reconciliation"`
}

// OrderCanceled has the same fields as OrderAccepted.
type OrderCanceled struct {
	Type           string `json:"type" msgpack:"type"`
	TraderID       string `json:"trader_id" msgpack:"trader_id"`
	StrategyID     string `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID   string `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID  string `json:"client_order_id" msgpack:"client_order_id"`
	VenueOrderID   string `json:"venue_order_id" msgpack:"venue_order_id"`
	AccountID      string `json:"account_id" msgpack:"account_id"`
	EventID        string `json:"event_id" msgpack:"event_id"`
	TsEvent        string `json:"ts_event" msgpack:"ts_event"`
	TsInit         string `json:"ts_init" msgpack:"ts_init"`
	Reconciliation bool   `json:"reconciliation" msgpack:"reconciliation"`
}

// OrderRejected is appended when the venue refuses the order; it has no venue order id.
type OrderRejected struct {
	Type           string `json:"type" msgpack:"type"`
	TraderID       string `json:"trader_id" msgpack:"trader_id"`
	StrategyID     string `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID   string `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID  string `json:"client_order_id" msgpack:"client_order_id"`
	AccountID      string `json:"account_id" msgpack:"account_id"`
	Reason         string `json:"reason" msgpack:"reason"`
	EventID        string `json:"event_id" msgpack:"event_id"`
	TsEvent        string `json:"ts_event" msgpack:"ts_event"`
	TsInit         string `json:"ts_init" msgpack:"ts_init"`
	Reconciliation bool   `json:"reconciliation" msgpack:"reconciliation"`
	DuePostOnly    bool   `json:"due_post_only" msgpack:"due_post_only"`
}

// OrderFilled is appended to both orders:{client_order_id} and positions:{position_id}.
type OrderFilled struct {
	Type           string         `json:"type" msgpack:"type"`
	TraderID       string         `json:"trader_id" msgpack:"trader_id"`
	StrategyID     string         `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID   string         `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID  string         `json:"client_order_id" msgpack:"client_order_id"`
	VenueOrderID   string         `json:"venue_order_id" msgpack:"venue_order_id"`
	AccountID      string         `json:"account_id" msgpack:"account_id"`
	TradeID        string         `json:"trade_id" msgpack:"trade_id"`
	PositionID     *string        `json:"position_id" msgpack:"position_id"`
	OrderSide      string         `json:"order_side" msgpack:"order_side"`
	OrderType      string         `json:"order_type" msgpack:"order_type"`
	LastQty        string         `json:"last_qty" msgpack:"last_qty"`
	LastPx         string         `json:"last_px" msgpack:"last_px"`
	Currency       string         `json:"currency" msgpack:"currency"`
	Commission     *string        `json:"commission" msgpack:"commission"`
	LiquiditySide  string         `json:"liquidity_side" msgpack:"liquidity_side"`
	EventID        string         `json:"event_id" msgpack:"event_id"`
	TsEvent        string         `json:"ts_event" msgpack:"ts_event"`
	TsInit         string         `json:"ts_init" msgpack:"ts_init"`
	Info           map[string]any `json:"info" msgpack:"info"`
	Reconciliation bool           `json:"reconciliation" msgpack:"reconciliation"`
}

// AccountBalance is one entry of AccountState.balances (money strings).
type AccountBalance struct {
	Type     string `json:"type" msgpack:"type"`
	Total    string `json:"total" msgpack:"total"`
	Locked   string `json:"locked" msgpack:"locked"`
	Free     string `json:"free" msgpack:"free"`
	Currency string `json:"currency" msgpack:"currency"`
}

// MarginBalance is one entry of AccountState.margins.
type MarginBalance struct {
	Type         string `json:"type" msgpack:"type"`
	Initial      string `json:"initial" msgpack:"initial"`
	Maintenance  string `json:"maintenance" msgpack:"maintenance"`
	Currency     string `json:"currency" msgpack:"currency"`
	InstrumentID string `json:"instrument_id" msgpack:"instrument_id"`
}

// AccountState is one element of accounts:{account_id}.
type AccountState struct {
	Type         string           `json:"type" msgpack:"type"`
	AccountID    string           `json:"account_id" msgpack:"account_id"`
	AccountType  string           `json:"account_type" msgpack:"account_type"`
	BaseCurrency *string          `json:"base_currency" msgpack:"base_currency"`
	Balances     []AccountBalance `json:"balances" msgpack:"balances"`
	Margins      []MarginBalance  `json:"margins" msgpack:"margins"`
	Reported     bool             `json:"reported" msgpack:"reported"`
	Info         map[string]any   `json:"info" msgpack:"info"`
	EventID      string           `json:"event_id" msgpack:"event_id"`
	TsEvent      string           `json:"ts_event" msgpack:"ts_event"`
	TsInit       string           `json:"ts_init" msgpack:"ts_init"`
}

// PositionSnapshot is an element of snapshots:positions:{position_id}.
// SignedQty, AvgPxOpen, AvgPxClose and RealizedReturn are floats, as upstream.
type PositionSnapshot struct {
	Type               string   `json:"type" msgpack:"type"`
	PositionID         string   `json:"position_id" msgpack:"position_id"`
	TraderID           string   `json:"trader_id" msgpack:"trader_id"`
	StrategyID         string   `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID       string   `json:"instrument_id" msgpack:"instrument_id"`
	AccountID          string   `json:"account_id" msgpack:"account_id"`
	OpeningOrderID     string   `json:"opening_order_id" msgpack:"opening_order_id"`
	ClosingOrderID     *string  `json:"closing_order_id" msgpack:"closing_order_id"`
	Entry              string   `json:"entry" msgpack:"entry"`
	Side               string   `json:"side" msgpack:"side"`
	SignedQty          float64  `json:"signed_qty" msgpack:"signed_qty"`
	Quantity           string   `json:"quantity" msgpack:"quantity"`
	PeakQty            string   `json:"peak_qty" msgpack:"peak_qty"`
	TsInit             string   `json:"ts_init" msgpack:"ts_init"`
	TsOpened           string   `json:"ts_opened" msgpack:"ts_opened"`
	TsLast             string   `json:"ts_last" msgpack:"ts_last"`
	TsClosed           *string  `json:"ts_closed" msgpack:"ts_closed"`
	DurationNs         int64    `json:"duration_ns" msgpack:"duration_ns"`
	AvgPxOpen          float64  `json:"avg_px_open" msgpack:"avg_px_open"`
	AvgPxClose         *float64 `json:"avg_px_close" msgpack:"avg_px_close"`
	QuoteCurrency      string   `json:"quote_currency" msgpack:"quote_currency"`
	BaseCurrency       *string  `json:"base_currency" msgpack:"base_currency"`
	SettlementCurrency string   `json:"settlement_currency" msgpack:"settlement_currency"`
	Commissions        []string `json:"commissions" msgpack:"commissions"`
	RealizedReturn     float64  `json:"realized_return" msgpack:"realized_return"`
	RealizedPnl        string   `json:"realized_pnl" msgpack:"realized_pnl"`
	UnrealizedPnl      string   `json:"unrealized_pnl" msgpack:"unrealized_pnl"`
	TsSnapshot         string   `json:"ts_snapshot" msgpack:"ts_snapshot"`
}

// Currency is the value of currencies:{code}.
type Currency struct {
	Type         string `json:"type" msgpack:"type"`
	Code         string `json:"code" msgpack:"code"`
	Precision    int    `json:"precision" msgpack:"precision"`
	ISO4217      int    `json:"iso4217" msgpack:"iso4217"`
	Name         string `json:"name" msgpack:"name"`
	CurrencyType string `json:"currency_type" msgpack:"currency_type"`
}

// CurrencyPair is a spot FX or crypto pair (value of instruments:{id}).
type CurrencyPair struct {
	Type           string         `json:"type" msgpack:"type"`
	ID             string         `json:"id" msgpack:"id"`
	RawSymbol      string         `json:"raw_symbol" msgpack:"raw_symbol"`
	BaseCurrency   string         `json:"base_currency" msgpack:"base_currency"`
	QuoteCurrency  string         `json:"quote_currency" msgpack:"quote_currency"`
	PricePrecision int            `json:"price_precision" msgpack:"price_precision"`
	PriceIncrement string         `json:"price_increment" msgpack:"price_increment"`
	SizePrecision  int            `json:"size_precision" msgpack:"size_precision"`
	SizeIncrement  string         `json:"size_increment" msgpack:"size_increment"`
	Multiplier     string         `json:"multiplier" msgpack:"multiplier"`
	LotSize        *string        `json:"lot_size" msgpack:"lot_size"`
	MaxQuantity    *string        `json:"max_quantity" msgpack:"max_quantity"`
	MinQuantity    *string        `json:"min_quantity" msgpack:"min_quantity"`
	MaxNotional    *string        `json:"max_notional" msgpack:"max_notional"`
	MinNotional    *string        `json:"min_notional" msgpack:"min_notional"`
	MaxPrice       *string        `json:"max_price" msgpack:"max_price"`
	MinPrice       *string        `json:"min_price" msgpack:"min_price"`
	MarginInit     string         `json:"margin_init" msgpack:"margin_init"`
	MarginMaint    string         `json:"margin_maint" msgpack:"margin_maint"`
	MakerFee       string         `json:"maker_fee" msgpack:"maker_fee"`
	TakerFee       string         `json:"taker_fee" msgpack:"taker_fee"`
	TsEvent        string         `json:"ts_event" msgpack:"ts_event"`
	TsInit         string         `json:"ts_init" msgpack:"ts_init"`
	TickSchemeName *string        `json:"tick_scheme_name" msgpack:"tick_scheme_name"`
	Info           map[string]any `json:"info" msgpack:"info"`
}

// CryptoPerpetual is a perpetual swap (value of instruments:{id}).
type CryptoPerpetual struct {
	Type               string         `json:"type" msgpack:"type"`
	ID                 string         `json:"id" msgpack:"id"`
	RawSymbol          string         `json:"raw_symbol" msgpack:"raw_symbol"`
	BaseCurrency       string         `json:"base_currency" msgpack:"base_currency"`
	QuoteCurrency      string         `json:"quote_currency" msgpack:"quote_currency"`
	SettlementCurrency string         `json:"settlement_currency" msgpack:"settlement_currency"`
	IsInverse          bool           `json:"is_inverse" msgpack:"is_inverse"`
	PricePrecision     int            `json:"price_precision" msgpack:"price_precision"`
	PriceIncrement     string         `json:"price_increment" msgpack:"price_increment"`
	SizePrecision      int            `json:"size_precision" msgpack:"size_precision"`
	SizeIncrement      string         `json:"size_increment" msgpack:"size_increment"`
	Multiplier         string         `json:"multiplier" msgpack:"multiplier"`
	LotSize            *string        `json:"lot_size" msgpack:"lot_size"`
	MaxQuantity        *string        `json:"max_quantity" msgpack:"max_quantity"`
	MinQuantity        *string        `json:"min_quantity" msgpack:"min_quantity"`
	MaxNotional        *string        `json:"max_notional" msgpack:"max_notional"`
	MinNotional        *string        `json:"min_notional" msgpack:"min_notional"`
	MaxPrice           *string        `json:"max_price" msgpack:"max_price"`
	MinPrice           *string        `json:"min_price" msgpack:"min_price"`
	MarginInit         string         `json:"margin_init" msgpack:"margin_init"`
	MarginMaint        string         `json:"margin_maint" msgpack:"margin_maint"`
	MakerFee           string         `json:"maker_fee" msgpack:"maker_fee"`
	TakerFee           string         `json:"taker_fee" msgpack:"taker_fee"`
	TsEvent            string         `json:"ts_event" msgpack:"ts_event"`
	TsInit             string         `json:"ts_init" msgpack:"ts_init"`
	TickSchemeName     *string        `json:"tick_scheme_name" msgpack:"tick_scheme_name"`
	Info               map[string]any `json:"info" msgpack:"info"`
}

// Equity is a listed stock (value of instruments:{id}); its quantities are whole shares.
type Equity struct {
	Type           string         `json:"type" msgpack:"type"`
	ID             string         `json:"id" msgpack:"id"`
	RawSymbol      string         `json:"raw_symbol" msgpack:"raw_symbol"`
	Currency       string         `json:"currency" msgpack:"currency"`
	PricePrecision int            `json:"price_precision" msgpack:"price_precision"`
	PriceIncrement string         `json:"price_increment" msgpack:"price_increment"`
	LotSize        *string        `json:"lot_size" msgpack:"lot_size"`
	ISIN           *string        `json:"isin" msgpack:"isin"`
	MarginInit     string         `json:"margin_init" msgpack:"margin_init"`
	MarginMaint    string         `json:"margin_maint" msgpack:"margin_maint"`
	MakerFee       string         `json:"maker_fee" msgpack:"maker_fee"`
	TakerFee       string         `json:"taker_fee" msgpack:"taker_fee"`
	MaxQuantity    *string        `json:"max_quantity" msgpack:"max_quantity"`
	MinQuantity    *string        `json:"min_quantity" msgpack:"min_quantity"`
	MaxPrice       *string        `json:"max_price" msgpack:"max_price"`
	MinPrice       *string        `json:"min_price" msgpack:"min_price"`
	TsEvent        string         `json:"ts_event" msgpack:"ts_event"`
	TsInit         string         `json:"ts_init" msgpack:"ts_init"`
	TickSchemeName *string        `json:"tick_scheme_name" msgpack:"tick_scheme_name"`
	Info           map[string]any `json:"info" msgpack:"info"`
}

// FuturesContract is a dated future (value of instruments:{id}). ActivationNs
// and ExpirationNs are nested integer nanoseconds.
type FuturesContract struct {
	Type           string         `json:"type" msgpack:"type"`
	ID             string         `json:"id" msgpack:"id"`
	RawSymbol      string         `json:"raw_symbol" msgpack:"raw_symbol"`
	AssetClass     string         `json:"asset_class" msgpack:"asset_class"`
	Exchange       *string        `json:"exchange" msgpack:"exchange"`
	Underlying     string         `json:"underlying" msgpack:"underlying"`
	Currency       string         `json:"currency" msgpack:"currency"`
	ActivationNs   int64          `json:"activation_ns" msgpack:"activation_ns"`
	ExpirationNs   int64          `json:"expiration_ns" msgpack:"expiration_ns"`
	PricePrecision int            `json:"price_precision" msgpack:"price_precision"`
	PriceIncrement string         `json:"price_increment" msgpack:"price_increment"`
	SizePrecision  int            `json:"size_precision" msgpack:"size_precision"`
	SizeIncrement  string         `json:"size_increment" msgpack:"size_increment"`
	Multiplier     string         `json:"multiplier" msgpack:"multiplier"`
	LotSize        string         `json:"lot_size" msgpack:"lot_size"`
	MaxQuantity    *string        `json:"max_quantity" msgpack:"max_quantity"`
	MinQuantity    *string        `json:"min_quantity" msgpack:"min_quantity"`
	MaxPrice       *string        `json:"max_price" msgpack:"max_price"`
	MinPrice       *string        `json:"min_price" msgpack:"min_price"`
	MarginInit     string         `json:"margin_init" msgpack:"margin_init"`
	MarginMaint    string         `json:"margin_maint" msgpack:"margin_maint"`
	MakerFee       string         `json:"maker_fee" msgpack:"maker_fee"`
	TakerFee       string         `json:"taker_fee" msgpack:"taker_fee"`
	TsEvent        string         `json:"ts_event" msgpack:"ts_event"`
	TsInit         string         `json:"ts_init" msgpack:"ts_init"`
	TickSchemeName *string        `json:"tick_scheme_name" msgpack:"tick_scheme_name"`
	Info           map[string]any `json:"info" msgpack:"info"`
}
