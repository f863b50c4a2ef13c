package payloads

// Hand-written msgpack for OrderInitialized (one per order), AccountState
// (one per fill) and PositionSnapshot (one per position change with
// snapshots on); the bytes equal vmihailenco's reflection encoding (a test
// checks).

// AppendMsgpack appends o's msgpack encoding.
func (o *OrderInitialized) AppendMsgpack(b []byte) ([]byte, error) {
	b = mpMapLen(b, 27)
	b = mpStr(mpStr(b, "type"), o.Type)
	b = mpStr(mpStr(b, "trader_id"), o.TraderID)
	b = mpStr(mpStr(b, "strategy_id"), o.StrategyID)
	b = mpStr(mpStr(b, "instrument_id"), o.InstrumentID)
	b = mpStr(mpStr(b, "client_order_id"), o.ClientOrderID)
	b = mpStr(mpStr(b, "order_side"), o.OrderSide)
	b = mpStr(mpStr(b, "order_type"), o.OrderType)
	b = mpStr(mpStr(b, "quantity"), o.Quantity)
	b = mpStr(mpStr(b, "time_in_force"), o.TimeInForce)
	b = mpBool(mpStr(b, "post_only"), o.PostOnly)
	b = mpBool(mpStr(b, "reduce_only"), o.ReduceOnly)
	b = mpBool(mpStr(b, "quote_quantity"), o.QuoteQuantity)
	b, _ = o.Options.AppendMsgpack(mpStr(b, "options"))
	b = mpStr(mpStr(b, "emulation_trigger"), o.EmulationTrigger)
	b = mpStrPtr(mpStr(b, "trigger_instrument_id"), o.TriggerInstrumentID)
	b = mpStr(mpStr(b, "contingency_type"), o.ContingencyType)
	b = mpStrPtr(mpStr(b, "order_list_id"), o.OrderListID)
	b = mpStrs(mpStr(b, "linked_order_ids"), o.LinkedOrderIDs)
	b = mpStrPtr(mpStr(b, "parent_order_id"), o.ParentOrderID)
	b = mpStrPtr(mpStr(b, "exec_algorithm_id"), o.ExecAlgorithmID)
	b, err := o.ExecAlgorithmParams.AppendMsgpack(mpStr(b, "exec_algorithm_params"))
	b = mpStrPtr(mpStr(b, "exec_spawn_id"), o.ExecSpawnID)
	b = mpStrs(mpStr(b, "tags"), o.Tags)
	b = mpStr(mpStr(b, "event_id"), o.EventID)
	b = mpStr(mpStr(b, "ts_init"), o.TsInit)
	b = mpStr(mpStr(b, "ts_event"), o.TsEvent)
	return mpBool(mpStr(b, "reconciliation"), o.Reconciliation), err
}

// MarshalMsgpack implements msgpack.Marshaler.
func (o *OrderInitialized) MarshalMsgpack() ([]byte, error) {
	return o.AppendMsgpack(make([]byte, 0, 700))
}

// UnmarshalMsgpack implements msgpack.Unmarshaler; unknown keys are skipped.
func (o *OrderInitialized) UnmarshalMsgpack(data []byte) error {
	*o = OrderInitialized{}
	return decodeFields(data, func(r *mpReader, k []byte) (bool, error) {
		switch string(k) {
		case "type":
			return true, r.str(&o.Type)
		case "trader_id":
			return true, r.str(&o.TraderID)
		case "strategy_id":
			return true, r.str(&o.StrategyID)
		case "instrument_id":
			return true, r.str(&o.InstrumentID)
		case "client_order_id":
			return true, r.str(&o.ClientOrderID)
		case "order_side":
			return true, r.str(&o.OrderSide)
		case "order_type":
			return true, r.str(&o.OrderType)
		case "quantity":
			return true, r.str(&o.Quantity)
		case "time_in_force":
			return true, r.str(&o.TimeInForce)
		case "post_only":
			return true, r.bool(&o.PostOnly)
		case "reduce_only":
			return true, r.bool(&o.ReduceOnly)
		case "quote_quantity":
			return true, r.bool(&o.QuoteQuantity)
		case "options":
			return true, r.options(&o.Options)
		case "emulation_trigger":
			return true, r.str(&o.EmulationTrigger)
		case "trigger_instrument_id":
			return true, r.strPtr(&o.TriggerInstrumentID)
		case "contingency_type":
			return true, r.str(&o.ContingencyType)
		case "order_list_id":
			return true, r.strPtr(&o.OrderListID)
		case "linked_order_ids":
			return true, r.strs(&o.LinkedOrderIDs)
		case "parent_order_id":
			return true, r.strPtr(&o.ParentOrderID)
		case "exec_algorithm_id":
			return true, r.strPtr(&o.ExecAlgorithmID)
		case "exec_algorithm_params":
			return true, r.record(&o.ExecAlgorithmParams)
		case "exec_spawn_id":
			return true, r.strPtr(&o.ExecSpawnID)
		case "tags":
			return true, r.strs(&o.Tags)
		case "event_id":
			return true, r.str(&o.EventID)
		case "ts_init":
			return true, r.str(&o.TsInit)
		case "ts_event":
			return true, r.str(&o.TsEvent)
		case "reconciliation":
			return true, r.bool(&o.Reconciliation)
		}
		return false, nil
	})
}

// options reads OrderInitialized.options in place.
func (r *mpReader) options(o *OrderOptions) error {
	*o = OrderOptions{}
	if r.pos < len(r.data) && r.data[r.pos] == 0xc0 {
		r.pos++
		return nil
	}
	return r.fields(func(r *mpReader, k []byte) (bool, error) {
		switch string(k) {
		case "price":
			return true, r.strPtr(&o.Price)
		case "display_qty":
			return true, r.strPtr(&o.DisplayQty)
		case "expire_time_ns":
			return true, r.int64(&o.ExpireTimeNs)
		}
		return false, nil
	})
}

// AppendMsgpack appends a's msgpack encoding.
func (a *AccountState) AppendMsgpack(b []byte) ([]byte, error) {
	b = mpMapLen(b, 11)
	b = mpStr(mpStr(b, "type"), a.Type)
	b = mpStr(mpStr(b, "account_id"), a.AccountID)
	b = mpStr(mpStr(b, "account_type"), a.AccountType)
	b = mpStrPtr(mpStr(b, "base_currency"), a.BaseCurrency)
	b = mpStr(b, "balances")
	if a.Balances == nil {
		b = append(b, 0xc0)
	} else {
		b = mpArrayLen(b, len(a.Balances))
		for i := range a.Balances {
			x := &a.Balances[i]
			b = append(b, 0x85)
			b = mpStr(mpStr(b, "type"), x.Type)
			b = mpStr(mpStr(b, "total"), x.Total)
			b = mpStr(mpStr(b, "locked"), x.Locked)
			b = mpStr(mpStr(b, "free"), x.Free)
			b = mpStr(mpStr(b, "currency"), x.Currency)
		}
	}
	b = mpStr(b, "margins")
	if a.Margins == nil {
		b = append(b, 0xc0)
	} else {
		b = mpArrayLen(b, len(a.Margins))
		for i := range a.Margins {
			x := &a.Margins[i]
			b = append(b, 0x85)
			b = mpStr(mpStr(b, "type"), x.Type)
			b = mpStr(mpStr(b, "initial"), x.Initial)
			b = mpStr(mpStr(b, "maintenance"), x.Maintenance)
			b = mpStr(mpStr(b, "currency"), x.Currency)
			b = mpStrPtr(mpStr(b, "instrument_id"), x.InstrumentID)
		}
	}
	b = mpBool(mpStr(b, "reported"), a.Reported)
	b, err := a.Info.AppendMsgpack(mpStr(b, "info"))
	b = mpStr(mpStr(b, "event_id"), a.EventID)
	b = mpStr(mpStr(b, "ts_event"), a.TsEvent)
	return mpStr(mpStr(b, "ts_init"), a.TsInit), err
}

// MarshalMsgpack implements msgpack.Marshaler.
func (a *AccountState) MarshalMsgpack() ([]byte, error) { return a.AppendMsgpack(make([]byte, 0, 600)) }

// UnmarshalMsgpack implements msgpack.Unmarshaler; unknown keys are skipped.
func (a *AccountState) UnmarshalMsgpack(data []byte) error {
	*a = AccountState{}
	return decodeFields(data, func(r *mpReader, k []byte) (bool, error) {
		switch string(k) {
		case "type":
			return true, r.str(&a.Type)
		case "account_id":
			return true, r.str(&a.AccountID)
		case "account_type":
			return true, r.str(&a.AccountType)
		case "base_currency":
			return true, r.strPtr(&a.BaseCurrency)
		case "balances":
			return true, r.balances(&a.Balances)
		case "margins":
			return true, r.margins(&a.Margins)
		case "reported":
			return true, r.bool(&a.Reported)
		case "info":
			return true, r.record(&a.Info)
		case "event_id":
			return true, r.str(&a.EventID)
		case "ts_event":
			return true, r.str(&a.TsEvent)
		case "ts_init":
			return true, r.str(&a.TsInit)
		}
		return false, nil
	})
}

func (r *mpReader) balances(dst *[]AccountBalance) error {
	n, err := r.arrayLen()
	if err != nil || n < 0 {
		*dst = nil
		return err
	}
	out := make([]AccountBalance, 0, min(n, 16))
	for range n {
		var x AccountBalance
		err := r.fields(func(r *mpReader, k []byte) (bool, error) {
			switch string(k) {
			case "type":
				return true, r.str(&x.Type)
			case "total":
				return true, r.str(&x.Total)
			case "locked":
				return true, r.str(&x.Locked)
			case "free":
				return true, r.str(&x.Free)
			case "currency":
				return true, r.str(&x.Currency)
			}
			return false, nil
		})
		if err != nil {
			return err
		}
		out = append(out, x)
	}
	*dst = out
	return nil
}

func (r *mpReader) margins(dst *[]MarginBalance) error {
	n, err := r.arrayLen()
	if err != nil || n < 0 {
		*dst = nil
		return err
	}
	out := make([]MarginBalance, 0, min(n, 16))
	for range n {
		var x MarginBalance
		err := r.fields(func(r *mpReader, k []byte) (bool, error) {
			switch string(k) {
			case "type":
				return true, r.str(&x.Type)
			case "initial":
				return true, r.str(&x.Initial)
			case "maintenance":
				return true, r.str(&x.Maintenance)
			case "currency":
				return true, r.str(&x.Currency)
			case "instrument_id":
				return true, r.strPtr(&x.InstrumentID)
			}
			return false, nil
		})
		if err != nil {
			return err
		}
		out = append(out, x)
	}
	*dst = out
	return nil
}

// AppendMsgpack appends p's msgpack encoding; unrealized_pnl is left out
// when nil, as upstream leaves it out without a quote.
func (p *PositionSnapshot) AppendMsgpack(b []byte) ([]byte, error) {
	n := 27
	if p.UnrealizedPnl == nil {
		n--
	}
	b = mpMapLen(b, n)
	b = mpStr(mpStr(b, "position_id"), p.PositionID)
	b = mpStr(mpStr(b, "trader_id"), p.TraderID)
	b = mpStr(mpStr(b, "strategy_id"), p.StrategyID)
	b = mpStr(mpStr(b, "instrument_id"), p.InstrumentID)
	b = mpStr(mpStr(b, "account_id"), p.AccountID)
	b = mpStr(mpStr(b, "opening_order_id"), p.OpeningOrderID)
	b = mpStrPtr(mpStr(b, "closing_order_id"), p.ClosingOrderID)
	b = mpStr(mpStr(b, "entry"), p.Entry)
	b = mpStr(mpStr(b, "side"), p.Side)
	b = mpFloat(mpStr(b, "signed_qty"), p.SignedQty)
	b = mpStr(mpStr(b, "quantity"), p.Quantity)
	b = mpStr(mpStr(b, "peak_qty"), p.PeakQty)
	b = mpStr(mpStr(b, "ts_init"), p.TsInit)
	b = mpStr(mpStr(b, "ts_opened"), p.TsOpened)
	b = mpStr(mpStr(b, "ts_last"), p.TsLast)
	b = mpStrPtr(mpStr(b, "ts_closed"), p.TsClosed)
	b = mpStr(b, "duration_ns")
	if p.DurationNs == nil {
		b = append(b, 0xc0)
	} else {
		b = mpInt(b, *p.DurationNs)
	}
	b = mpFloat(mpStr(b, "avg_px_open"), p.AvgPxOpen)
	b = mpStr(b, "avg_px_close")
	if p.AvgPxClose == nil {
		b = append(b, 0xc0)
	} else {
		b = mpFloat(b, *p.AvgPxClose)
	}
	b = mpStr(mpStr(b, "quote_currency"), p.QuoteCurrency)
	b = mpStrPtr(mpStr(b, "base_currency"), p.BaseCurrency)
	b = mpStr(mpStr(b, "settlement_currency"), p.SettlementCurrency)
	b = mpStrs(mpStr(b, "commissions"), p.Commissions)
	b = mpFloat(mpStr(b, "realized_return"), p.RealizedReturn)
	b = mpStr(mpStr(b, "realized_pnl"), p.RealizedPnl)
	if p.UnrealizedPnl != nil {
		b = mpStr(mpStr(b, "unrealized_pnl"), *p.UnrealizedPnl)
	}
	return mpStr(mpStr(b, "ts_snapshot"), p.TsSnapshot), nil
}

// MarshalMsgpack implements msgpack.Marshaler.
func (p *PositionSnapshot) MarshalMsgpack() ([]byte, error) {
	return p.AppendMsgpack(make([]byte, 0, 700))
}

// UnmarshalMsgpack implements msgpack.Unmarshaler; unknown keys are skipped.
func (p *PositionSnapshot) UnmarshalMsgpack(data []byte) error {
	*p = PositionSnapshot{}
	return decodeFields(data, func(r *mpReader, k []byte) (bool, error) {
		switch string(k) {
		case "position_id":
			return true, r.str(&p.PositionID)
		case "trader_id":
			return true, r.str(&p.TraderID)
		case "strategy_id":
			return true, r.str(&p.StrategyID)
		case "instrument_id":
			return true, r.str(&p.InstrumentID)
		case "account_id":
			return true, r.str(&p.AccountID)
		case "opening_order_id":
			return true, r.str(&p.OpeningOrderID)
		case "closing_order_id":
			return true, r.strPtr(&p.ClosingOrderID)
		case "entry":
			return true, r.str(&p.Entry)
		case "side":
			return true, r.str(&p.Side)
		case "signed_qty":
			return true, r.float(&p.SignedQty)
		case "quantity":
			return true, r.str(&p.Quantity)
		case "peak_qty":
			return true, r.str(&p.PeakQty)
		case "ts_init":
			return true, r.str(&p.TsInit)
		case "ts_opened":
			return true, r.str(&p.TsOpened)
		case "ts_last":
			return true, r.str(&p.TsLast)
		case "ts_closed":
			return true, r.strPtr(&p.TsClosed)
		case "duration_ns":
			return true, r.int64Ptr(&p.DurationNs)
		case "avg_px_open":
			return true, r.float(&p.AvgPxOpen)
		case "avg_px_close":
			return true, r.floatPtr(&p.AvgPxClose)
		case "quote_currency":
			return true, r.str(&p.QuoteCurrency)
		case "base_currency":
			return true, r.strPtr(&p.BaseCurrency)
		case "settlement_currency":
			return true, r.str(&p.SettlementCurrency)
		case "commissions":
			return true, r.strs(&p.Commissions)
		case "realized_return":
			return true, r.float(&p.RealizedReturn)
		case "realized_pnl":
			return true, r.str(&p.RealizedPnl)
		case "unrealized_pnl":
			return true, r.strPtr(&p.UnrealizedPnl)
		case "ts_snapshot":
			return true, r.str(&p.TsSnapshot)
		}
		return false, nil
	})
}

func (r *mpReader) floatPtr(dst **float64) error {
	if r.pos < len(r.data) && r.data[r.pos] == 0xc0 {
		r.pos++
		*dst = nil
		return nil
	}
	var f float64
	if err := r.float(&f); err != nil {
		return err
	}
	*dst = &f
	return nil
}

func (r *mpReader) int64Ptr(dst **int64) error {
	if r.pos < len(r.data) && r.data[r.pos] == 0xc0 {
		r.pos++
		*dst = nil
		return nil
	}
	var v int64
	if err := r.int64(&v); err != nil {
		return err
	}
	*dst = &v
	return nil
}
