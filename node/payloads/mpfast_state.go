package payloads

// Hand-written msgpack for OrderInitialized (one per order) and
// AccountState (one per fill), the other payloads a node writes on every
// order; the bytes equal vmihailenco's reflection encoding (a test checks).

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
