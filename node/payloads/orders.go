package payloads

// Order events, each as its to_dict() in
// nautilus_trader/model/events/order.pyx writes it (the line of each
// to_dict_c is in docs/payloads.md). Every one is an element of
// orders:{client_order_id}, written by update_order (add_order for
// OrderInitialized).

// OrderOptions is the "options" map of OrderInitialized: {price, display_qty,
// expire_time_ns} for a LIMIT order (model/orders/limit.pyx:174-178) and {}
// for a MARKET order (model/orders/market.pyx:152). Price == nil stands for
// the empty map, so a market order is the zero value.
type OrderOptions struct {
	Price        *string // nil: a MARKET order's {}
	DisplayQty   *string
	ExpireTimeNs int64 // nested, so an integer: 0 = no expiry
}

// OrderInitialized is element 0 of orders:{client_order_id}. Upstream writes
// ts_init before ts_event and both from the event's ts_init.
type OrderInitialized struct {
	Type                string       `json:"type" msgpack:"type"`
	TraderID            string       `json:"trader_id" msgpack:"trader_id"`
	StrategyID          string       `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID        string       `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID       string       `json:"client_order_id" msgpack:"client_order_id"`
	OrderSide           string       `json:"order_side" msgpack:"order_side"`
	OrderType           string       `json:"order_type" msgpack:"order_type"`
	Quantity            string       `json:"quantity" msgpack:"quantity"`
	TimeInForce         string       `json:"time_in_force" msgpack:"time_in_force"`
	PostOnly            bool         `json:"post_only" msgpack:"post_only"`
	ReduceOnly          bool         `json:"reduce_only" msgpack:"reduce_only"`
	QuoteQuantity       bool         `json:"quote_quantity" msgpack:"quote_quantity"`
	Options             OrderOptions `json:"options" msgpack:"options"`
	EmulationTrigger    string       `json:"emulation_trigger" msgpack:"emulation_trigger"`
	TriggerInstrumentID *string      `json:"trigger_instrument_id" msgpack:"trigger_instrument_id"`
	ContingencyType     string       `json:"contingency_type" msgpack:"contingency_type"`
	OrderListID         *string      `json:"order_list_id" msgpack:"order_list_id"`
	LinkedOrderIDs      []string     `json:"linked_order_ids" msgpack:"linked_order_ids"`
	ParentOrderID       *string      `json:"parent_order_id" msgpack:"parent_order_id"`
	ExecAlgorithmID     *string      `json:"exec_algorithm_id" msgpack:"exec_algorithm_id"`
	ExecAlgorithmParams Record       `json:"exec_algorithm_params" msgpack:"exec_algorithm_params"`
	ExecSpawnID         *string      `json:"exec_spawn_id" msgpack:"exec_spawn_id"`
	Tags                []string     `json:"tags" msgpack:"tags"`
	EventID             string       `json:"event_id" msgpack:"event_id"`
	TsInit              string       `json:"ts_init" msgpack:"ts_init"`
	TsEvent             string       `json:"ts_event" msgpack:"ts_event"`
	Reconciliation      bool         `json:"reconciliation" msgpack:"reconciliation"`
}

// OrderDenied is written when the risk engine refuses an order before it
// leaves the node.
type OrderDenied struct {
	Type          string `json:"type" msgpack:"type"`
	TraderID      string `json:"trader_id" msgpack:"trader_id"`
	StrategyID    string `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID  string `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID string `json:"client_order_id" msgpack:"client_order_id"`
	Reason        string `json:"reason" msgpack:"reason"`
	EventID       string `json:"event_id" msgpack:"event_id"`
	TsEvent       string `json:"ts_event" msgpack:"ts_event"`
	TsInit        string `json:"ts_init" msgpack:"ts_init"`
}

// OrderEmulated is written when the order emulator takes an order; both
// timestamps are the event's ts_init upstream.
type OrderEmulated struct {
	Type          string `json:"type" msgpack:"type"`
	TraderID      string `json:"trader_id" msgpack:"trader_id"`
	StrategyID    string `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID  string `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID string `json:"client_order_id" msgpack:"client_order_id"`
	EventID       string `json:"event_id" msgpack:"event_id"`
	TsEvent       string `json:"ts_event" msgpack:"ts_event"`
	TsInit        string `json:"ts_init" msgpack:"ts_init"`
}

// OrderReleased is written when the emulator releases an order to the venue
// at ReleasedPrice; both timestamps are the event's ts_init upstream.
type OrderReleased struct {
	Type          string `json:"type" msgpack:"type"`
	TraderID      string `json:"trader_id" msgpack:"trader_id"`
	StrategyID    string `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID  string `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID string `json:"client_order_id" msgpack:"client_order_id"`
	ReleasedPrice string `json:"released_price" msgpack:"released_price"`
	EventID       string `json:"event_id" msgpack:"event_id"`
	TsEvent       string `json:"ts_event" msgpack:"ts_event"`
	TsInit        string `json:"ts_init" msgpack:"ts_init"`
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

// OrderAccepted is appended when the venue acknowledges the order; unlike
// the events after it, its venue order id and account id are never null.
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

// OrderCanceled is appended when the venue confirms a cancel. The venue
// order id and account id are null for an order that never reached the
// venue (an emulated order canceled locally).
type OrderCanceled struct {
	Type           string  `json:"type" msgpack:"type"`
	TraderID       string  `json:"trader_id" msgpack:"trader_id"`
	StrategyID     string  `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID   string  `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID  string  `json:"client_order_id" msgpack:"client_order_id"`
	VenueOrderID   *string `json:"venue_order_id" msgpack:"venue_order_id"`
	AccountID      *string `json:"account_id" msgpack:"account_id"`
	EventID        string  `json:"event_id" msgpack:"event_id"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	Reconciliation bool    `json:"reconciliation" msgpack:"reconciliation"`
}

// OrderExpired is appended when a GTD order reaches its expire time; the
// same fields as OrderCanceled.
type OrderExpired OrderCanceled

// OrderTriggered is appended when a stop order's trigger price is hit; the
// same fields as OrderCanceled.
type OrderTriggered OrderCanceled

// OrderPendingUpdate is appended when a strategy sends a modify, before the
// venue answers; the same fields as OrderCanceled.
type OrderPendingUpdate OrderCanceled

// OrderPendingCancel is appended when a strategy sends a cancel, before the
// venue answers (trading/strategy.pyx:1648-1672); the same fields as
// OrderCanceled.
type OrderPendingCancel OrderCanceled

// OrderModifyRejected is appended when the venue refuses a modify.
type OrderModifyRejected struct {
	Type           string  `json:"type" msgpack:"type"`
	TraderID       string  `json:"trader_id" msgpack:"trader_id"`
	StrategyID     string  `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID   string  `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID  string  `json:"client_order_id" msgpack:"client_order_id"`
	VenueOrderID   *string `json:"venue_order_id" msgpack:"venue_order_id"`
	AccountID      *string `json:"account_id" msgpack:"account_id"`
	Reason         string  `json:"reason" msgpack:"reason"`
	EventID        string  `json:"event_id" msgpack:"event_id"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	Reconciliation bool    `json:"reconciliation" msgpack:"reconciliation"`
}

// OrderCancelRejected is appended when the venue refuses a cancel; the same
// fields as OrderModifyRejected.
type OrderCancelRejected OrderModifyRejected

// OrderUpdated is appended when the venue confirms a modify: the new
// quantity and, where the order type has them, price and trigger price.
type OrderUpdated struct {
	Type            string  `json:"type" msgpack:"type"`
	TraderID        string  `json:"trader_id" msgpack:"trader_id"`
	StrategyID      string  `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID    string  `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID   string  `json:"client_order_id" msgpack:"client_order_id"`
	VenueOrderID    *string `json:"venue_order_id" msgpack:"venue_order_id"`
	AccountID       *string `json:"account_id" msgpack:"account_id"`
	Quantity        string  `json:"quantity" msgpack:"quantity"`
	Price           *string `json:"price" msgpack:"price"`
	TriggerPrice    *string `json:"trigger_price" msgpack:"trigger_price"`
	EventID         string  `json:"event_id" msgpack:"event_id"`
	TsEvent         string  `json:"ts_event" msgpack:"ts_event"`
	TsInit          string  `json:"ts_init" msgpack:"ts_init"`
	Reconciliation  bool    `json:"reconciliation" msgpack:"reconciliation"`
	IsQuoteQuantity bool    `json:"is_quote_quantity" msgpack:"is_quote_quantity"`
}

// OrderFilled is appended to both orders:{client_order_id} and
// positions:{position_id}. The commission is always a money string
// (str(obj.commission)); info is the venue's fill record, {} by default.
type OrderFilled struct {
	Type           string  `json:"type" msgpack:"type"`
	TraderID       string  `json:"trader_id" msgpack:"trader_id"`
	StrategyID     string  `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID   string  `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID  string  `json:"client_order_id" msgpack:"client_order_id"`
	VenueOrderID   string  `json:"venue_order_id" msgpack:"venue_order_id"`
	AccountID      string  `json:"account_id" msgpack:"account_id"`
	TradeID        string  `json:"trade_id" msgpack:"trade_id"`
	PositionID     *string `json:"position_id" msgpack:"position_id"`
	OrderSide      string  `json:"order_side" msgpack:"order_side"`
	OrderType      string  `json:"order_type" msgpack:"order_type"`
	LastQty        string  `json:"last_qty" msgpack:"last_qty"`
	LastPx         string  `json:"last_px" msgpack:"last_px"`
	Currency       string  `json:"currency" msgpack:"currency"`
	Commission     string  `json:"commission" msgpack:"commission"`
	LiquiditySide  string  `json:"liquidity_side" msgpack:"liquidity_side"`
	EventID        string  `json:"event_id" msgpack:"event_id"`
	TsEvent        string  `json:"ts_event" msgpack:"ts_event"`
	TsInit         string  `json:"ts_init" msgpack:"ts_init"`
	Info           Record  `json:"info" msgpack:"info"`
	Reconciliation bool    `json:"reconciliation" msgpack:"reconciliation"`
}
