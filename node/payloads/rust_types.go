package payloads

// The Rust LiveNode's payloads: upstream's serde structs, field for field,
// in the order the node writes them. DatabaseQueries::serialize_payload
// (crates/infrastructure/src/redis/queries.rs:76-100) goes through
// serde_json::to_value, whose maps are BTreeMaps (serde_json is built
// without preserve_order: Cargo.lock lists no indexmap among its
// dependencies), so every map's keys come out sorted, nested ones too, not
// in struct field order. A test checks each struct's fields are sorted.

// RustOrderInitialized is the Rust OrderInitialized
// (crates/model/src/events/order/initialized.rs:44-125).
type RustOrderInitialized struct {
	CausationID         *string  `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID       string   `json:"client_order_id" msgpack:"client_order_id"`
	ContingencyType     *string  `json:"contingency_type" msgpack:"contingency_type"`
	DisplayQty          *string  `json:"display_qty" msgpack:"display_qty"`
	EmulationTrigger    *string  `json:"emulation_trigger" msgpack:"emulation_trigger"`
	EventID             string   `json:"event_id" msgpack:"event_id"`
	ExecAlgorithmID     *string  `json:"exec_algorithm_id" msgpack:"exec_algorithm_id"`
	ExecAlgorithmParams Record   `json:"exec_algorithm_params" msgpack:"exec_algorithm_params"`
	ExecSpawnID         *string  `json:"exec_spawn_id" msgpack:"exec_spawn_id"`
	ExpireTime          *uint64  `json:"expire_time" msgpack:"expire_time"`
	InstrumentID        string   `json:"instrument_id" msgpack:"instrument_id"`
	LimitOffset         *string  `json:"limit_offset" msgpack:"limit_offset"`
	LinkedOrderIDs      []string `json:"linked_order_ids" msgpack:"linked_order_ids"`
	OrderListID         *string  `json:"order_list_id" msgpack:"order_list_id"`
	OrderSide           string   `json:"order_side" msgpack:"order_side"`
	OrderType           string   `json:"order_type" msgpack:"order_type"`
	ParentOrderID       *string  `json:"parent_order_id" msgpack:"parent_order_id"`
	PostOnly            bool     `json:"post_only" msgpack:"post_only"`
	Price               *string  `json:"price" msgpack:"price"`
	Quantity            string   `json:"quantity" msgpack:"quantity"`
	QuoteQuantity       bool     `json:"quote_quantity" msgpack:"quote_quantity"`
	Reconciliation      bool     `json:"reconciliation" msgpack:"reconciliation"`
	ReduceOnly          bool     `json:"reduce_only" msgpack:"reduce_only"`
	StrategyID          string   `json:"strategy_id" msgpack:"strategy_id"`
	Tags                []string `json:"tags" msgpack:"tags"`
	TimeInForce         string   `json:"time_in_force" msgpack:"time_in_force"`
	TraderID            string   `json:"trader_id" msgpack:"trader_id"`
	TrailingOffset      *string  `json:"trailing_offset" msgpack:"trailing_offset"`
	TrailingOffsetType  *string  `json:"trailing_offset_type" msgpack:"trailing_offset_type"`
	TriggerInstrumentID *string  `json:"trigger_instrument_id" msgpack:"trigger_instrument_id"`
	TriggerPrice        *string  `json:"trigger_price" msgpack:"trigger_price"`
	TriggerType         *string  `json:"trigger_type" msgpack:"trigger_type"`
	TsEvent             string   `json:"ts_event" msgpack:"ts_event"`
	TsInit              string   `json:"ts_init" msgpack:"ts_init"`
	Type                string   `json:"type" msgpack:"type"`
}

// RustOrderDenied is the Rust OrderDenied
// (crates/model/src/events/order/denied.rs).
type RustOrderDenied struct {
	CausationID   *string `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID string  `json:"client_order_id" msgpack:"client_order_id"`
	EventID       string  `json:"event_id" msgpack:"event_id"`
	InstrumentID  string  `json:"instrument_id" msgpack:"instrument_id"`
	Reason        string  `json:"reason" msgpack:"reason"`
	StrategyID    string  `json:"strategy_id" msgpack:"strategy_id"`
	TraderID      string  `json:"trader_id" msgpack:"trader_id"`
	TsEvent       string  `json:"ts_event" msgpack:"ts_event"`
	TsInit        string  `json:"ts_init" msgpack:"ts_init"`
	Type          string  `json:"type" msgpack:"type"`
}

// RustOrderEmulated is the Rust OrderEmulated
// (crates/model/src/events/order/emulated.rs).
type RustOrderEmulated struct {
	CausationID   *string `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID string  `json:"client_order_id" msgpack:"client_order_id"`
	EventID       string  `json:"event_id" msgpack:"event_id"`
	InstrumentID  string  `json:"instrument_id" msgpack:"instrument_id"`
	StrategyID    string  `json:"strategy_id" msgpack:"strategy_id"`
	TraderID      string  `json:"trader_id" msgpack:"trader_id"`
	TsEvent       string  `json:"ts_event" msgpack:"ts_event"`
	TsInit        string  `json:"ts_init" msgpack:"ts_init"`
	Type          string  `json:"type" msgpack:"type"`
}

// RustOrderReleased is the Rust OrderReleased
// (crates/model/src/events/order/released.rs).
type RustOrderReleased struct {
	CausationID   *string `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID string  `json:"client_order_id" msgpack:"client_order_id"`
	EventID       string  `json:"event_id" msgpack:"event_id"`
	InstrumentID  string  `json:"instrument_id" msgpack:"instrument_id"`
	ReleasedPrice string  `json:"released_price" msgpack:"released_price"`
	StrategyID    string  `json:"strategy_id" msgpack:"strategy_id"`
	TraderID      string  `json:"trader_id" msgpack:"trader_id"`
	TsEvent       string  `json:"ts_event" msgpack:"ts_event"`
	TsInit        string  `json:"ts_init" msgpack:"ts_init"`
	Type          string  `json:"type" msgpack:"type"`
}

// RustOrderSubmitted is the Rust OrderSubmitted
// (crates/model/src/events/order/submitted.rs).
type RustOrderSubmitted struct {
	AccountID     string  `json:"account_id" msgpack:"account_id"`
	CausationID   *string `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID string  `json:"client_order_id" msgpack:"client_order_id"`
	EventID       string  `json:"event_id" msgpack:"event_id"`
	InstrumentID  string  `json:"instrument_id" msgpack:"instrument_id"`
	StrategyID    string  `json:"strategy_id" msgpack:"strategy_id"`
	TraderID      string  `json:"trader_id" msgpack:"trader_id"`
	TsEvent       string  `json:"ts_event" msgpack:"ts_event"`
	TsInit        string  `json:"ts_init" msgpack:"ts_init"`
	Type          string  `json:"type" msgpack:"type"`
}

// RustOrderAccepted is the Rust OrderAccepted
// (crates/model/src/events/order/accepted.rs).
type RustOrderAccepted struct {
	AccountID      string  `json:"account_id" msgpack:"account_id"`
	CausationID    *string `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID  string  `json:"client_order_id" msgpack:"client_order_id"`
	EventID        string  `json:"event_id" msgpack:"event_id"`
	InstrumentID   string  `json:"instrument_id" msgpack:"instrument_id"`
	Reconciliation bool    `json:"reconciliation" msgpack:"reconciliation"`
	StrategyID     string  `json:"strategy_id" msgpack:"strategy_id"`
	TraderID       string  `json:"trader_id" msgpack:"trader_id"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	Type           string  `json:"type" msgpack:"type"`
	VenueOrderID   string  `json:"venue_order_id" msgpack:"venue_order_id"`
}

// RustOrderRejected is the Rust OrderRejected
// (crates/model/src/events/order/rejected.rs).
type RustOrderRejected struct {
	AccountID      string  `json:"account_id" msgpack:"account_id"`
	CausationID    *string `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID  string  `json:"client_order_id" msgpack:"client_order_id"`
	DuePostOnly    bool    `json:"due_post_only" msgpack:"due_post_only"`
	EventID        string  `json:"event_id" msgpack:"event_id"`
	InstrumentID   string  `json:"instrument_id" msgpack:"instrument_id"`
	Reason         string  `json:"reason" msgpack:"reason"`
	Reconciliation bool    `json:"reconciliation" msgpack:"reconciliation"`
	StrategyID     string  `json:"strategy_id" msgpack:"strategy_id"`
	TraderID       string  `json:"trader_id" msgpack:"trader_id"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	Type           string  `json:"type" msgpack:"type"`
}

// RustOrderCanceled is the Rust OrderCanceled
// (crates/model/src/events/order/canceled.rs (also OrderExpired, OrderTriggered)).
type RustOrderCanceled struct {
	AccountID      *string `json:"account_id" msgpack:"account_id"`
	CausationID    *string `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID  string  `json:"client_order_id" msgpack:"client_order_id"`
	EventID        string  `json:"event_id" msgpack:"event_id"`
	InstrumentID   string  `json:"instrument_id" msgpack:"instrument_id"`
	Reconciliation bool    `json:"reconciliation" msgpack:"reconciliation"`
	StrategyID     string  `json:"strategy_id" msgpack:"strategy_id"`
	TraderID       string  `json:"trader_id" msgpack:"trader_id"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	Type           string  `json:"type" msgpack:"type"`
	VenueOrderID   *string `json:"venue_order_id" msgpack:"venue_order_id"`
}

// RustOrderPendingCancel is the Rust OrderPendingCancel
// (crates/model/src/events/order/pending_cancel.rs (also OrderPendingUpdate)).
type RustOrderPendingCancel struct {
	AccountID      string  `json:"account_id" msgpack:"account_id"`
	CausationID    *string `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID  string  `json:"client_order_id" msgpack:"client_order_id"`
	EventID        string  `json:"event_id" msgpack:"event_id"`
	InstrumentID   string  `json:"instrument_id" msgpack:"instrument_id"`
	Reconciliation bool    `json:"reconciliation" msgpack:"reconciliation"`
	StrategyID     string  `json:"strategy_id" msgpack:"strategy_id"`
	TraderID       string  `json:"trader_id" msgpack:"trader_id"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	Type           string  `json:"type" msgpack:"type"`
	VenueOrderID   *string `json:"venue_order_id" msgpack:"venue_order_id"`
}

// RustOrderModifyRejected is the Rust OrderModifyRejected
// (crates/model/src/events/order/modify_rejected.rs (also OrderCancelRejected)).
type RustOrderModifyRejected struct {
	AccountID      *string `json:"account_id" msgpack:"account_id"`
	CausationID    *string `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID  string  `json:"client_order_id" msgpack:"client_order_id"`
	EventID        string  `json:"event_id" msgpack:"event_id"`
	InstrumentID   string  `json:"instrument_id" msgpack:"instrument_id"`
	Reason         string  `json:"reason" msgpack:"reason"`
	Reconciliation bool    `json:"reconciliation" msgpack:"reconciliation"`
	StrategyID     string  `json:"strategy_id" msgpack:"strategy_id"`
	TraderID       string  `json:"trader_id" msgpack:"trader_id"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	Type           string  `json:"type" msgpack:"type"`
	VenueOrderID   *string `json:"venue_order_id" msgpack:"venue_order_id"`
}

// RustOrderUpdated is the Rust OrderUpdated
// (crates/model/src/events/order/updated.rs).
type RustOrderUpdated struct {
	AccountID       *string `json:"account_id" msgpack:"account_id"`
	CausationID     *string `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID   string  `json:"client_order_id" msgpack:"client_order_id"`
	EventID         string  `json:"event_id" msgpack:"event_id"`
	InstrumentID    string  `json:"instrument_id" msgpack:"instrument_id"`
	IsQuoteQuantity bool    `json:"is_quote_quantity" msgpack:"is_quote_quantity"`
	Price           *string `json:"price" msgpack:"price"`
	ProtectionPrice *string `json:"protection_price" msgpack:"protection_price"`
	Quantity        string  `json:"quantity" msgpack:"quantity"`
	Reconciliation  bool    `json:"reconciliation" msgpack:"reconciliation"`
	StrategyID      string  `json:"strategy_id" msgpack:"strategy_id"`
	TraderID        string  `json:"trader_id" msgpack:"trader_id"`
	TriggerPrice    *string `json:"trigger_price" msgpack:"trigger_price"`
	TsEvent         string  `json:"ts_event" msgpack:"ts_event"`
	TsInit          string  `json:"ts_init" msgpack:"ts_init"`
	Type            string  `json:"type" msgpack:"type"`
	VenueOrderID    *string `json:"venue_order_id" msgpack:"venue_order_id"`
}

// RustOrderFilled is the Rust OrderFilled
// (crates/model/src/events/order/filled.rs).
type RustOrderFilled struct {
	AccountID      string  `json:"account_id" msgpack:"account_id"`
	CausationID    *string `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID  string  `json:"client_order_id" msgpack:"client_order_id"`
	Commission     *string `json:"commission" msgpack:"commission"`
	Currency       string  `json:"currency" msgpack:"currency"`
	EventID        string  `json:"event_id" msgpack:"event_id"`
	InstrumentID   string  `json:"instrument_id" msgpack:"instrument_id"`
	LastPx         string  `json:"last_px" msgpack:"last_px"`
	LastQty        string  `json:"last_qty" msgpack:"last_qty"`
	LiquiditySide  string  `json:"liquidity_side" msgpack:"liquidity_side"`
	OrderSide      string  `json:"order_side" msgpack:"order_side"`
	OrderType      string  `json:"order_type" msgpack:"order_type"`
	PositionID     *string `json:"position_id" msgpack:"position_id"`
	Reconciliation bool    `json:"reconciliation" msgpack:"reconciliation"`
	StrategyID     string  `json:"strategy_id" msgpack:"strategy_id"`
	TradeID        string  `json:"trade_id" msgpack:"trade_id"`
	TraderID       string  `json:"trader_id" msgpack:"trader_id"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	Type           string  `json:"type" msgpack:"type"`
	VenueOrderID   string  `json:"venue_order_id" msgpack:"venue_order_id"`
}

// RustAccountBalance is the Rust AccountBalance
// (crates/model/src/types/balance.rs:32-55).
type RustAccountBalance struct {
	Currency string `json:"currency" msgpack:"currency"`
	Free     string `json:"free" msgpack:"free"`
	Locked   string `json:"locked" msgpack:"locked"`
	Total    string `json:"total" msgpack:"total"`
}

// RustMarginBalance is the Rust MarginBalance
// (crates/model/src/types/balance.rs:205-234).
type RustMarginBalance struct {
	Currency     string  `json:"currency" msgpack:"currency"`
	Initial      string  `json:"initial" msgpack:"initial"`
	InstrumentID *string `json:"instrument_id" msgpack:"instrument_id"`
	Maintenance  string  `json:"maintenance" msgpack:"maintenance"`
}

// RustAccountState is the Rust AccountState
// (crates/model/src/events/account/state.rs (no "type")).
type RustAccountState struct {
	AccountID    string               `json:"account_id" msgpack:"account_id"`
	AccountType  string               `json:"account_type" msgpack:"account_type"`
	Balances     []RustAccountBalance `json:"balances" msgpack:"balances"`
	BaseCurrency *string              `json:"base_currency" msgpack:"base_currency"`
	EventID      string               `json:"event_id" msgpack:"event_id"`
	IsReported   bool                 `json:"is_reported" msgpack:"is_reported"`
	Margins      []RustMarginBalance  `json:"margins" msgpack:"margins"`
	TsEvent      string               `json:"ts_event" msgpack:"ts_event"`
	TsInit       string               `json:"ts_init" msgpack:"ts_init"`
}

// RustCurrencyPair is the Rust CurrencyPair
// (crates/model/src/instruments/currency_pair.rs).
type RustCurrencyPair struct {
	BaseCurrency   string  `json:"base_currency" msgpack:"base_currency"`
	ID             string  `json:"id" msgpack:"id"`
	Info           Record  `json:"info" msgpack:"info"`
	LotSize        *string `json:"lot_size" msgpack:"lot_size"`
	MakerFee       string  `json:"maker_fee" msgpack:"maker_fee"`
	MarginInit     string  `json:"margin_init" msgpack:"margin_init"`
	MarginMaint    string  `json:"margin_maint" msgpack:"margin_maint"`
	MaxNotional    *string `json:"max_notional" msgpack:"max_notional"`
	MaxPrice       *string `json:"max_price" msgpack:"max_price"`
	MaxQuantity    *string `json:"max_quantity" msgpack:"max_quantity"`
	MinNotional    *string `json:"min_notional" msgpack:"min_notional"`
	MinPrice       *string `json:"min_price" msgpack:"min_price"`
	MinQuantity    *string `json:"min_quantity" msgpack:"min_quantity"`
	Multiplier     string  `json:"multiplier" msgpack:"multiplier"`
	PriceIncrement string  `json:"price_increment" msgpack:"price_increment"`
	PricePrecision int     `json:"price_precision" msgpack:"price_precision"`
	QuoteCurrency  string  `json:"quote_currency" msgpack:"quote_currency"`
	RawSymbol      string  `json:"raw_symbol" msgpack:"raw_symbol"`
	SizeIncrement  string  `json:"size_increment" msgpack:"size_increment"`
	SizePrecision  int     `json:"size_precision" msgpack:"size_precision"`
	TakerFee       string  `json:"taker_fee" msgpack:"taker_fee"`
	TickScheme     *string `json:"tick_scheme" msgpack:"tick_scheme"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
}

// RustCryptoPerpetual is the Rust CryptoPerpetual
// (crates/model/src/instruments/crypto_perpetual.rs).
type RustCryptoPerpetual struct {
	BaseCurrency       string  `json:"base_currency" msgpack:"base_currency"`
	ID                 string  `json:"id" msgpack:"id"`
	Info               Record  `json:"info" msgpack:"info"`
	IsInverse          bool    `json:"is_inverse" msgpack:"is_inverse"`
	LotSize            string  `json:"lot_size" msgpack:"lot_size"`
	MakerFee           string  `json:"maker_fee" msgpack:"maker_fee"`
	MarginInit         string  `json:"margin_init" msgpack:"margin_init"`
	MarginMaint        string  `json:"margin_maint" msgpack:"margin_maint"`
	MaxNotional        *string `json:"max_notional" msgpack:"max_notional"`
	MaxPrice           *string `json:"max_price" msgpack:"max_price"`
	MaxQuantity        *string `json:"max_quantity" msgpack:"max_quantity"`
	MinNotional        *string `json:"min_notional" msgpack:"min_notional"`
	MinPrice           *string `json:"min_price" msgpack:"min_price"`
	MinQuantity        *string `json:"min_quantity" msgpack:"min_quantity"`
	Multiplier         string  `json:"multiplier" msgpack:"multiplier"`
	PriceIncrement     string  `json:"price_increment" msgpack:"price_increment"`
	PricePrecision     int     `json:"price_precision" msgpack:"price_precision"`
	QuoteCurrency      string  `json:"quote_currency" msgpack:"quote_currency"`
	RawSymbol          string  `json:"raw_symbol" msgpack:"raw_symbol"`
	SettlementCurrency string  `json:"settlement_currency" msgpack:"settlement_currency"`
	SizeIncrement      string  `json:"size_increment" msgpack:"size_increment"`
	SizePrecision      int     `json:"size_precision" msgpack:"size_precision"`
	TakerFee           string  `json:"taker_fee" msgpack:"taker_fee"`
	TickScheme         *string `json:"tick_scheme" msgpack:"tick_scheme"`
	TsEvent            string  `json:"ts_event" msgpack:"ts_event"`
	TsInit             string  `json:"ts_init" msgpack:"ts_init"`
}

// RustEquity is the Rust Equity
// (crates/model/src/instruments/equity.rs).
type RustEquity struct {
	Currency       string  `json:"currency" msgpack:"currency"`
	ID             string  `json:"id" msgpack:"id"`
	Info           Record  `json:"info" msgpack:"info"`
	ISIN           *string `json:"isin" msgpack:"isin"`
	LotSize        *string `json:"lot_size" msgpack:"lot_size"`
	MakerFee       string  `json:"maker_fee" msgpack:"maker_fee"`
	MarginInit     string  `json:"margin_init" msgpack:"margin_init"`
	MarginMaint    string  `json:"margin_maint" msgpack:"margin_maint"`
	MaxPrice       *string `json:"max_price" msgpack:"max_price"`
	MaxQuantity    *string `json:"max_quantity" msgpack:"max_quantity"`
	MinPrice       *string `json:"min_price" msgpack:"min_price"`
	MinQuantity    *string `json:"min_quantity" msgpack:"min_quantity"`
	PriceIncrement string  `json:"price_increment" msgpack:"price_increment"`
	PricePrecision int     `json:"price_precision" msgpack:"price_precision"`
	RawSymbol      string  `json:"raw_symbol" msgpack:"raw_symbol"`
	TakerFee       string  `json:"taker_fee" msgpack:"taker_fee"`
	TickScheme     *string `json:"tick_scheme" msgpack:"tick_scheme"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
}

// RustFuturesContract is the Rust FuturesContract
// (crates/model/src/instruments/futures_contract.rs).
type RustFuturesContract struct {
	ActivationNs   uint64  `json:"activation_ns" msgpack:"activation_ns"`
	AssetClass     string  `json:"asset_class" msgpack:"asset_class"`
	Currency       string  `json:"currency" msgpack:"currency"`
	Exchange       *string `json:"exchange" msgpack:"exchange"`
	ExpirationNs   uint64  `json:"expiration_ns" msgpack:"expiration_ns"`
	ID             string  `json:"id" msgpack:"id"`
	Info           Record  `json:"info" msgpack:"info"`
	LotSize        string  `json:"lot_size" msgpack:"lot_size"`
	MakerFee       string  `json:"maker_fee" msgpack:"maker_fee"`
	MarginInit     string  `json:"margin_init" msgpack:"margin_init"`
	MarginMaint    string  `json:"margin_maint" msgpack:"margin_maint"`
	MaxPrice       *string `json:"max_price" msgpack:"max_price"`
	MaxQuantity    *string `json:"max_quantity" msgpack:"max_quantity"`
	MinPrice       *string `json:"min_price" msgpack:"min_price"`
	MinQuantity    *string `json:"min_quantity" msgpack:"min_quantity"`
	Multiplier     string  `json:"multiplier" msgpack:"multiplier"`
	PriceIncrement string  `json:"price_increment" msgpack:"price_increment"`
	PricePrecision int     `json:"price_precision" msgpack:"price_precision"`
	RawSymbol      string  `json:"raw_symbol" msgpack:"raw_symbol"`
	SizeIncrement  string  `json:"size_increment" msgpack:"size_increment"`
	SizePrecision  int     `json:"size_precision" msgpack:"size_precision"`
	TakerFee       string  `json:"taker_fee" msgpack:"taker_fee"`
	TickScheme     *string `json:"tick_scheme" msgpack:"tick_scheme"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	Underlying     string  `json:"underlying" msgpack:"underlying"`
}

// RustOrderSnapshot is the Rust OrderSnapshot
// (crates/model/src/events/order/snapshot.rs).
type RustOrderSnapshot struct {
	AccountID           *string  `json:"account_id" msgpack:"account_id"`
	AvgPx               *float64 `json:"avg_px" msgpack:"avg_px"`
	CausationID         *string  `json:"causation_id,omitempty" msgpack:"causation_id,omitempty"`
	ClientOrderID       string   `json:"client_order_id" msgpack:"client_order_id"`
	Commissions         []string `json:"commissions" msgpack:"commissions"`
	ContingencyType     *string  `json:"contingency_type" msgpack:"contingency_type"`
	DisplayQty          *string  `json:"display_qty" msgpack:"display_qty"`
	EmulationTrigger    *string  `json:"emulation_trigger" msgpack:"emulation_trigger"`
	ExecAlgorithmID     *string  `json:"exec_algorithm_id" msgpack:"exec_algorithm_id"`
	ExecAlgorithmParams Record   `json:"exec_algorithm_params" msgpack:"exec_algorithm_params"`
	ExecSpawnID         *string  `json:"exec_spawn_id" msgpack:"exec_spawn_id"`
	ExpireTime          *uint64  `json:"expire_time" msgpack:"expire_time"`
	FilledQty           string   `json:"filled_qty" msgpack:"filled_qty"`
	InitID              string   `json:"init_id" msgpack:"init_id"`
	InstrumentID        string   `json:"instrument_id" msgpack:"instrument_id"`
	IsPostOnly          bool     `json:"is_post_only" msgpack:"is_post_only"`
	IsQuoteQuantity     bool     `json:"is_quote_quantity" msgpack:"is_quote_quantity"`
	IsReduceOnly        bool     `json:"is_reduce_only" msgpack:"is_reduce_only"`
	LastTradeID         *string  `json:"last_trade_id" msgpack:"last_trade_id"`
	LimitOffset         *string  `json:"limit_offset" msgpack:"limit_offset"`
	LinkedOrderIDs      []string `json:"linked_order_ids" msgpack:"linked_order_ids"`
	LiquiditySide       *string  `json:"liquidity_side" msgpack:"liquidity_side"`
	OrderListID         *string  `json:"order_list_id" msgpack:"order_list_id"`
	OrderSide           string   `json:"order_side" msgpack:"order_side"`
	OrderType           string   `json:"order_type" msgpack:"order_type"`
	ParentOrderID       *string  `json:"parent_order_id" msgpack:"parent_order_id"`
	PositionID          *string  `json:"position_id" msgpack:"position_id"`
	Price               *string  `json:"price" msgpack:"price"`
	Quantity            string   `json:"quantity" msgpack:"quantity"`
	Slippage            *float64 `json:"slippage" msgpack:"slippage"`
	Status              string   `json:"status" msgpack:"status"`
	StrategyID          string   `json:"strategy_id" msgpack:"strategy_id"`
	Tags                []string `json:"tags" msgpack:"tags"`
	TimeInForce         string   `json:"time_in_force" msgpack:"time_in_force"`
	TraderID            string   `json:"trader_id" msgpack:"trader_id"`
	TrailingOffset      *string  `json:"trailing_offset" msgpack:"trailing_offset"`
	TrailingOffsetType  *string  `json:"trailing_offset_type" msgpack:"trailing_offset_type"`
	TriggerInstrumentID *string  `json:"trigger_instrument_id" msgpack:"trigger_instrument_id"`
	TriggerPrice        *string  `json:"trigger_price" msgpack:"trigger_price"`
	TriggerType         *string  `json:"trigger_type" msgpack:"trigger_type"`
	TsInit              string   `json:"ts_init" msgpack:"ts_init"`
	TsLast              string   `json:"ts_last" msgpack:"ts_last"`
	VenueOrderID        *string  `json:"venue_order_id" msgpack:"venue_order_id"`
}

// RustPositionSnapshot is the Rust PositionSnapshot
// (crates/model/src/events/position/snapshot.rs).
type RustPositionSnapshot struct {
	AccountID          string   `json:"account_id" msgpack:"account_id"`
	AvgPxClose         *float64 `json:"avg_px_close" msgpack:"avg_px_close"`
	AvgPxOpen          float64  `json:"avg_px_open" msgpack:"avg_px_open"`
	BaseCurrency       *string  `json:"base_currency" msgpack:"base_currency"`
	ClosingOrderID     *string  `json:"closing_order_id" msgpack:"closing_order_id"`
	Commissions        []string `json:"commissions" msgpack:"commissions"`
	DurationNs         *uint64  `json:"duration_ns" msgpack:"duration_ns"`
	Entry              string   `json:"entry" msgpack:"entry"`
	InstrumentID       string   `json:"instrument_id" msgpack:"instrument_id"`
	OpeningOrderID     string   `json:"opening_order_id" msgpack:"opening_order_id"`
	PeakQty            string   `json:"peak_qty" msgpack:"peak_qty"`
	PositionID         string   `json:"position_id" msgpack:"position_id"`
	Quantity           string   `json:"quantity" msgpack:"quantity"`
	QuoteCurrency      string   `json:"quote_currency" msgpack:"quote_currency"`
	RealizedPnl        *string  `json:"realized_pnl" msgpack:"realized_pnl"`
	RealizedReturn     *float64 `json:"realized_return" msgpack:"realized_return"`
	SettlementCurrency string   `json:"settlement_currency" msgpack:"settlement_currency"`
	Side               string   `json:"side" msgpack:"side"`
	SignedQty          float64  `json:"signed_qty" msgpack:"signed_qty"`
	StrategyID         string   `json:"strategy_id" msgpack:"strategy_id"`
	TraderID           string   `json:"trader_id" msgpack:"trader_id"`
	TsClosed           *string  `json:"ts_closed" msgpack:"ts_closed"`
	TsInit             string   `json:"ts_init" msgpack:"ts_init"`
	TsLast             string   `json:"ts_last" msgpack:"ts_last"`
	TsOpened           string   `json:"ts_opened" msgpack:"ts_opened"`
	UnrealizedPnl      *string  `json:"unrealized_pnl" msgpack:"unrealized_pnl"`
}
