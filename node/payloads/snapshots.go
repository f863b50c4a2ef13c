package payloads

// State snapshots, written only with snapshot_orders / snapshot_positions on.

// LimitOrderSnapshot is an element of snapshots:orders:{client_order_id} for a
// LIMIT order: snapshot_order_state stores order.to_dict()
// (cache/database.pyx:1226-1242; model/orders/limit.pyx:299-343). Its "type"
// is the order type, "LIMIT". expire_time_ns is top-level here, so the
// serializer writes it as a timestamp string (null when the order has no
// expiry); avg_px and slippage are floats, null until the first fill;
// commissions is null until the first fill.
type LimitOrderSnapshot struct {
	TraderID            string   `json:"trader_id" msgpack:"trader_id"`
	StrategyID          string   `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID        string   `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID       string   `json:"client_order_id" msgpack:"client_order_id"`
	VenueOrderID        *string  `json:"venue_order_id" msgpack:"venue_order_id"`
	PositionID          *string  `json:"position_id" msgpack:"position_id"`
	AccountID           *string  `json:"account_id" msgpack:"account_id"`
	LastTradeID         *string  `json:"last_trade_id" msgpack:"last_trade_id"`
	Type                string   `json:"type" msgpack:"type"` // "LIMIT"
	Side                string   `json:"side" msgpack:"side"`
	Quantity            string   `json:"quantity" msgpack:"quantity"`
	Price               string   `json:"price" msgpack:"price"`
	TimeInForce         string   `json:"time_in_force" msgpack:"time_in_force"`
	ExpireTimeNs        *string  `json:"expire_time_ns" msgpack:"expire_time_ns"`
	FilledQty           string   `json:"filled_qty" msgpack:"filled_qty"`
	LiquiditySide       string   `json:"liquidity_side" msgpack:"liquidity_side"`
	AvgPx               *float64 `json:"avg_px" msgpack:"avg_px"`
	Slippage            *float64 `json:"slippage" msgpack:"slippage"`
	Commissions         []string `json:"commissions" msgpack:"commissions"`
	Status              string   `json:"status" msgpack:"status"`
	IsPostOnly          bool     `json:"is_post_only" msgpack:"is_post_only"`
	IsReduceOnly        bool     `json:"is_reduce_only" msgpack:"is_reduce_only"`
	IsQuoteQuantity     bool     `json:"is_quote_quantity" msgpack:"is_quote_quantity"`
	DisplayQty          *string  `json:"display_qty" msgpack:"display_qty"`
	EmulationTrigger    string   `json:"emulation_trigger" msgpack:"emulation_trigger"`
	TriggerInstrumentID *string  `json:"trigger_instrument_id" msgpack:"trigger_instrument_id"`
	ContingencyType     string   `json:"contingency_type" msgpack:"contingency_type"`
	OrderListID         *string  `json:"order_list_id" msgpack:"order_list_id"`
	LinkedOrderIDs      []string `json:"linked_order_ids" msgpack:"linked_order_ids"`
	ParentOrderID       *string  `json:"parent_order_id" msgpack:"parent_order_id"`
	ExecAlgorithmID     *string  `json:"exec_algorithm_id" msgpack:"exec_algorithm_id"`
	ExecAlgorithmParams Record   `json:"exec_algorithm_params" msgpack:"exec_algorithm_params"`
	ExecSpawnID         *string  `json:"exec_spawn_id" msgpack:"exec_spawn_id"`
	Tags                []string `json:"tags" msgpack:"tags"`
	InitID              string   `json:"init_id" msgpack:"init_id"`
	TsInit              string   `json:"ts_init" msgpack:"ts_init"`
	TsLast              string   `json:"ts_last" msgpack:"ts_last"`
}

// MarketOrderSnapshot is an element of snapshots:orders:{client_order_id}
// for a MARKET order (model/orders/market.pyx:221-265): no price, expiry,
// post-only, display quantity or trigger instrument, and emulation_trigger
// before status. Its "type" is "MARKET".
type MarketOrderSnapshot struct {
	TraderID            string   `json:"trader_id" msgpack:"trader_id"`
	StrategyID          string   `json:"strategy_id" msgpack:"strategy_id"`
	InstrumentID        string   `json:"instrument_id" msgpack:"instrument_id"`
	ClientOrderID       string   `json:"client_order_id" msgpack:"client_order_id"`
	VenueOrderID        *string  `json:"venue_order_id" msgpack:"venue_order_id"`
	PositionID          *string  `json:"position_id" msgpack:"position_id"`
	AccountID           *string  `json:"account_id" msgpack:"account_id"`
	LastTradeID         *string  `json:"last_trade_id" msgpack:"last_trade_id"`
	Type                string   `json:"type" msgpack:"type"` // "MARKET"
	Side                string   `json:"side" msgpack:"side"`
	Quantity            string   `json:"quantity" msgpack:"quantity"`
	TimeInForce         string   `json:"time_in_force" msgpack:"time_in_force"`
	IsReduceOnly        bool     `json:"is_reduce_only" msgpack:"is_reduce_only"`
	IsQuoteQuantity     bool     `json:"is_quote_quantity" msgpack:"is_quote_quantity"`
	FilledQty           string   `json:"filled_qty" msgpack:"filled_qty"`
	LiquiditySide       string   `json:"liquidity_side" msgpack:"liquidity_side"`
	AvgPx               *float64 `json:"avg_px" msgpack:"avg_px"`
	Slippage            *float64 `json:"slippage" msgpack:"slippage"`
	Commissions         []string `json:"commissions" msgpack:"commissions"`
	EmulationTrigger    string   `json:"emulation_trigger" msgpack:"emulation_trigger"`
	Status              string   `json:"status" msgpack:"status"`
	ContingencyType     string   `json:"contingency_type" msgpack:"contingency_type"`
	OrderListID         *string  `json:"order_list_id" msgpack:"order_list_id"`
	LinkedOrderIDs      []string `json:"linked_order_ids" msgpack:"linked_order_ids"`
	ParentOrderID       *string  `json:"parent_order_id" msgpack:"parent_order_id"`
	ExecAlgorithmID     *string  `json:"exec_algorithm_id" msgpack:"exec_algorithm_id"`
	ExecAlgorithmParams Record   `json:"exec_algorithm_params" msgpack:"exec_algorithm_params"`
	ExecSpawnID         *string  `json:"exec_spawn_id" msgpack:"exec_spawn_id"`
	Tags                []string `json:"tags" msgpack:"tags"`
	InitID              string   `json:"init_id" msgpack:"init_id"`
	TsInit              string   `json:"ts_init" msgpack:"ts_init"`
	TsLast              string   `json:"ts_last" msgpack:"ts_last"`
}

// PositionSnapshot is an element of snapshots:positions:{position_id}:
// Position.to_dict() (model/position.pyx:197-232), which has no "type", plus
// unrealized_pnl when the node has a quote to price it and ts_snapshot
// (database.pyx:1244-1276). signed_qty, avg_px_open, avg_px_close and
// realized_return are floats; realized_return is rounded to 5 places
// (RoundReturn); ts_closed, duration_ns and avg_px_close are null while they
// are zero; commissions are sorted money strings.
type PositionSnapshot struct {
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
	DurationNs         *int64   `json:"duration_ns" msgpack:"duration_ns"` // not a ts_ key: stays an integer
	AvgPxOpen          float64  `json:"avg_px_open" msgpack:"avg_px_open"`
	AvgPxClose         *float64 `json:"avg_px_close" msgpack:"avg_px_close"`
	QuoteCurrency      string   `json:"quote_currency" msgpack:"quote_currency"`
	BaseCurrency       *string  `json:"base_currency" msgpack:"base_currency"`
	SettlementCurrency string   `json:"settlement_currency" msgpack:"settlement_currency"`
	Commissions        []string `json:"commissions" msgpack:"commissions"`
	RealizedReturn     float64  `json:"realized_return" msgpack:"realized_return"`
	RealizedPnl        string   `json:"realized_pnl" msgpack:"realized_pnl"`
	UnrealizedPnl      *string  `json:"unrealized_pnl,omitempty" msgpack:"unrealized_pnl,omitempty"` // absent, not null, without a quote
	TsSnapshot         string   `json:"ts_snapshot" msgpack:"ts_snapshot"`
}
