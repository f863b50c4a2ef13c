package payloads

// The hand-written encoders of the hot event types follow. Each writes the
// map in struct field order; each decoder skips keys it does not know and
// leaves missing ones zero, as the reflection decoder does.

// AppendMsgpack appends f's msgpack encoding (a map, keys in field order).
func (f *OrderFilled) AppendMsgpack(b []byte) ([]byte, error) {
	b = mpMapLen(b, 21)
	b = mpStr(mpStr(b, "type"), f.Type)
	b = mpStr(mpStr(b, "trader_id"), f.TraderID)
	b = mpStr(mpStr(b, "strategy_id"), f.StrategyID)
	b = mpStr(mpStr(b, "instrument_id"), f.InstrumentID)
	b = mpStr(mpStr(b, "client_order_id"), f.ClientOrderID)
	b = mpStr(mpStr(b, "venue_order_id"), f.VenueOrderID)
	b = mpStr(mpStr(b, "account_id"), f.AccountID)
	b = mpStr(mpStr(b, "trade_id"), f.TradeID)
	b = mpStrPtr(mpStr(b, "position_id"), f.PositionID)
	b = mpStr(mpStr(b, "order_side"), f.OrderSide)
	b = mpStr(mpStr(b, "order_type"), f.OrderType)
	b = mpStr(mpStr(b, "last_qty"), f.LastQty)
	b = mpStr(mpStr(b, "last_px"), f.LastPx)
	b = mpStr(mpStr(b, "currency"), f.Currency)
	b = mpStr(mpStr(b, "commission"), f.Commission)
	b = mpStr(mpStr(b, "liquidity_side"), f.LiquiditySide)
	b = mpStr(mpStr(b, "event_id"), f.EventID)
	b = mpStr(mpStr(b, "ts_event"), f.TsEvent)
	b = mpStr(mpStr(b, "ts_init"), f.TsInit)
	b, err := f.Info.AppendMsgpack(mpStr(b, "info"))
	return mpBool(mpStr(b, "reconciliation"), f.Reconciliation), err
}

// MarshalMsgpack implements msgpack.Marshaler.
func (f *OrderFilled) MarshalMsgpack() ([]byte, error) { return f.AppendMsgpack(make([]byte, 0, 600)) }

// UnmarshalMsgpack implements msgpack.Unmarshaler; unknown keys are skipped.
func (f *OrderFilled) UnmarshalMsgpack(data []byte) error {
	*f = OrderFilled{}
	return decodeFields(data, func(r *mpReader, k []byte) (bool, error) {
		switch string(k) { // no allocation in a switch
		case "type":
			return true, r.str(&f.Type)
		case "trader_id":
			return true, r.str(&f.TraderID)
		case "strategy_id":
			return true, r.str(&f.StrategyID)
		case "instrument_id":
			return true, r.str(&f.InstrumentID)
		case "client_order_id":
			return true, r.str(&f.ClientOrderID)
		case "venue_order_id":
			return true, r.str(&f.VenueOrderID)
		case "account_id":
			return true, r.str(&f.AccountID)
		case "trade_id":
			return true, r.str(&f.TradeID)
		case "position_id":
			return true, r.strPtr(&f.PositionID)
		case "order_side":
			return true, r.str(&f.OrderSide)
		case "order_type":
			return true, r.str(&f.OrderType)
		case "last_qty":
			return true, r.str(&f.LastQty)
		case "last_px":
			return true, r.str(&f.LastPx)
		case "currency":
			return true, r.str(&f.Currency)
		case "commission":
			return true, r.str(&f.Commission)
		case "liquidity_side":
			return true, r.str(&f.LiquiditySide)
		case "event_id":
			return true, r.str(&f.EventID)
		case "ts_event":
			return true, r.str(&f.TsEvent)
		case "ts_init":
			return true, r.str(&f.TsInit)
		case "info":
			return true, r.record(&f.Info)
		case "reconciliation":
			return true, r.bool(&f.Reconciliation)
		}
		return false, nil
	})
}

// AppendMsgpack appends s's msgpack encoding.
func (s *OrderSubmitted) AppendMsgpack(b []byte) ([]byte, error) {
	b = mpMapLen(b, 9)
	b = mpStr(mpStr(b, "type"), s.Type)
	b = mpStr(mpStr(b, "trader_id"), s.TraderID)
	b = mpStr(mpStr(b, "strategy_id"), s.StrategyID)
	b = mpStr(mpStr(b, "instrument_id"), s.InstrumentID)
	b = mpStr(mpStr(b, "client_order_id"), s.ClientOrderID)
	b = mpStr(mpStr(b, "account_id"), s.AccountID)
	b = mpStr(mpStr(b, "event_id"), s.EventID)
	b = mpStr(mpStr(b, "ts_event"), s.TsEvent)
	return mpStr(mpStr(b, "ts_init"), s.TsInit), nil
}

// MarshalMsgpack implements msgpack.Marshaler.
func (s *OrderSubmitted) MarshalMsgpack() ([]byte, error) {
	return s.AppendMsgpack(make([]byte, 0, 300))
}

// UnmarshalMsgpack implements msgpack.Unmarshaler; unknown keys are skipped.
func (s *OrderSubmitted) UnmarshalMsgpack(data []byte) error {
	*s = OrderSubmitted{}
	return decodeFields(data, func(r *mpReader, k []byte) (bool, error) {
		switch string(k) {
		case "type":
			return true, r.str(&s.Type)
		case "trader_id":
			return true, r.str(&s.TraderID)
		case "strategy_id":
			return true, r.str(&s.StrategyID)
		case "instrument_id":
			return true, r.str(&s.InstrumentID)
		case "client_order_id":
			return true, r.str(&s.ClientOrderID)
		case "account_id":
			return true, r.str(&s.AccountID)
		case "event_id":
			return true, r.str(&s.EventID)
		case "ts_event":
			return true, r.str(&s.TsEvent)
		case "ts_init":
			return true, r.str(&s.TsInit)
		}
		return false, nil
	})
}

// AppendMsgpack appends a's msgpack encoding.
func (a *OrderAccepted) AppendMsgpack(b []byte) ([]byte, error) {
	b = mpMapLen(b, 11)
	b = mpStr(mpStr(b, "type"), a.Type)
	b = mpStr(mpStr(b, "trader_id"), a.TraderID)
	b = mpStr(mpStr(b, "strategy_id"), a.StrategyID)
	b = mpStr(mpStr(b, "instrument_id"), a.InstrumentID)
	b = mpStr(mpStr(b, "client_order_id"), a.ClientOrderID)
	b = mpStr(mpStr(b, "venue_order_id"), a.VenueOrderID)
	b = mpStr(mpStr(b, "account_id"), a.AccountID)
	b = mpStr(mpStr(b, "event_id"), a.EventID)
	b = mpStr(mpStr(b, "ts_event"), a.TsEvent)
	b = mpStr(mpStr(b, "ts_init"), a.TsInit)
	return mpBool(mpStr(b, "reconciliation"), a.Reconciliation), nil
}

// MarshalMsgpack implements msgpack.Marshaler.
func (a *OrderAccepted) MarshalMsgpack() ([]byte, error) {
	return a.AppendMsgpack(make([]byte, 0, 350))
}

// UnmarshalMsgpack implements msgpack.Unmarshaler; unknown keys are skipped.
func (a *OrderAccepted) UnmarshalMsgpack(data []byte) error {
	*a = OrderAccepted{}
	return decodeFields(data, func(r *mpReader, k []byte) (bool, error) {
		switch string(k) {
		case "type":
			return true, r.str(&a.Type)
		case "trader_id":
			return true, r.str(&a.TraderID)
		case "strategy_id":
			return true, r.str(&a.StrategyID)
		case "instrument_id":
			return true, r.str(&a.InstrumentID)
		case "client_order_id":
			return true, r.str(&a.ClientOrderID)
		case "venue_order_id":
			return true, r.str(&a.VenueOrderID)
		case "account_id":
			return true, r.str(&a.AccountID)
		case "event_id":
			return true, r.str(&a.EventID)
		case "ts_event":
			return true, r.str(&a.TsEvent)
		case "ts_init":
			return true, r.str(&a.TsInit)
		case "reconciliation":
			return true, r.bool(&a.Reconciliation)
		}
		return false, nil
	})
}

// orderAck is the layout OrderCanceled shares with OrderExpired,
// OrderTriggered, OrderPendingUpdate and OrderPendingCancel.
type orderAck = OrderCanceled

func appendAck(b []byte, a *orderAck) []byte {
	b = mpMapLen(b, 11)
	b = mpStr(mpStr(b, "type"), a.Type)
	b = mpStr(mpStr(b, "trader_id"), a.TraderID)
	b = mpStr(mpStr(b, "strategy_id"), a.StrategyID)
	b = mpStr(mpStr(b, "instrument_id"), a.InstrumentID)
	b = mpStr(mpStr(b, "client_order_id"), a.ClientOrderID)
	b = mpStrPtr(mpStr(b, "venue_order_id"), a.VenueOrderID)
	b = mpStrPtr(mpStr(b, "account_id"), a.AccountID)
	b = mpStr(mpStr(b, "event_id"), a.EventID)
	b = mpStr(mpStr(b, "ts_event"), a.TsEvent)
	b = mpStr(mpStr(b, "ts_init"), a.TsInit)
	return mpBool(mpStr(b, "reconciliation"), a.Reconciliation)
}

func decodeAck(data []byte, a *orderAck) error {
	*a = orderAck{}
	return decodeFields(data, func(r *mpReader, k []byte) (bool, error) {
		switch string(k) {
		case "type":
			return true, r.str(&a.Type)
		case "trader_id":
			return true, r.str(&a.TraderID)
		case "strategy_id":
			return true, r.str(&a.StrategyID)
		case "instrument_id":
			return true, r.str(&a.InstrumentID)
		case "client_order_id":
			return true, r.str(&a.ClientOrderID)
		case "venue_order_id":
			return true, r.strPtr(&a.VenueOrderID)
		case "account_id":
			return true, r.strPtr(&a.AccountID)
		case "event_id":
			return true, r.str(&a.EventID)
		case "ts_event":
			return true, r.str(&a.TsEvent)
		case "ts_init":
			return true, r.str(&a.TsInit)
		case "reconciliation":
			return true, r.bool(&a.Reconciliation)
		}
		return false, nil
	})
}

// AppendMsgpack appends c's msgpack encoding.
func (c *OrderCanceled) AppendMsgpack(b []byte) ([]byte, error) { return appendAck(b, c), nil }

// MarshalMsgpack implements msgpack.Marshaler.
func (c *OrderCanceled) MarshalMsgpack() ([]byte, error) {
	return c.AppendMsgpack(make([]byte, 0, 350))
}

// UnmarshalMsgpack implements msgpack.Unmarshaler; unknown keys are skipped.
func (c *OrderCanceled) UnmarshalMsgpack(data []byte) error { return decodeAck(data, c) }

// AppendMsgpack appends e's msgpack encoding.
func (e *OrderExpired) AppendMsgpack(b []byte) ([]byte, error) {
	return appendAck(b, (*orderAck)(e)), nil
}

// MarshalMsgpack implements msgpack.Marshaler.
func (e *OrderExpired) MarshalMsgpack() ([]byte, error) { return e.AppendMsgpack(make([]byte, 0, 350)) }

// UnmarshalMsgpack implements msgpack.Unmarshaler; unknown keys are skipped.
func (e *OrderExpired) UnmarshalMsgpack(data []byte) error { return decodeAck(data, (*orderAck)(e)) }

// AppendMsgpack appends t's msgpack encoding.
func (t *OrderTriggered) AppendMsgpack(b []byte) ([]byte, error) {
	return appendAck(b, (*orderAck)(t)), nil
}

// MarshalMsgpack implements msgpack.Marshaler.
func (t *OrderTriggered) MarshalMsgpack() ([]byte, error) {
	return t.AppendMsgpack(make([]byte, 0, 350))
}

// UnmarshalMsgpack implements msgpack.Unmarshaler; unknown keys are skipped.
func (t *OrderTriggered) UnmarshalMsgpack(data []byte) error { return decodeAck(data, (*orderAck)(t)) }

// AppendMsgpack appends p's msgpack encoding.
func (p *OrderPendingUpdate) AppendMsgpack(b []byte) ([]byte, error) {
	return appendAck(b, (*orderAck)(p)), nil
}

// MarshalMsgpack implements msgpack.Marshaler.
func (p *OrderPendingUpdate) MarshalMsgpack() ([]byte, error) {
	return p.AppendMsgpack(make([]byte, 0, 350))
}

// UnmarshalMsgpack implements msgpack.Unmarshaler; unknown keys are skipped.
func (p *OrderPendingUpdate) UnmarshalMsgpack(data []byte) error {
	return decodeAck(data, (*orderAck)(p))
}

// AppendMsgpack appends p's msgpack encoding.
func (p *OrderPendingCancel) AppendMsgpack(b []byte) ([]byte, error) {
	return appendAck(b, (*orderAck)(p)), nil
}

// MarshalMsgpack implements msgpack.Marshaler.
func (p *OrderPendingCancel) MarshalMsgpack() ([]byte, error) {
	return p.AppendMsgpack(make([]byte, 0, 350))
}

// UnmarshalMsgpack implements msgpack.Unmarshaler; unknown keys are skipped.
func (p *OrderPendingCancel) UnmarshalMsgpack(data []byte) error {
	return decodeAck(data, (*orderAck)(p))
}
