package payloads

// The Payload, Event and OrderEvent methods of every payload struct, in the
// order of Kinds.

// PayloadType implements Payload.
func (*OrderInitialized) PayloadType() string { return TypeOrderInitialized }

// EventTimes implements Event.
func (e *OrderInitialized) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderInitialized) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderDenied) PayloadType() string { return TypeOrderDenied }

// EventTimes implements Event.
func (e *OrderDenied) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderDenied) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderEmulated) PayloadType() string { return TypeOrderEmulated }

// EventTimes implements Event.
func (e *OrderEmulated) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderEmulated) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderReleased) PayloadType() string { return TypeOrderReleased }

// EventTimes implements Event.
func (e *OrderReleased) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderReleased) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderSubmitted) PayloadType() string { return TypeOrderSubmitted }

// EventTimes implements Event.
func (e *OrderSubmitted) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderSubmitted) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderAccepted) PayloadType() string { return TypeOrderAccepted }

// EventTimes implements Event.
func (e *OrderAccepted) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderAccepted) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderRejected) PayloadType() string { return TypeOrderRejected }

// EventTimes implements Event.
func (e *OrderRejected) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderRejected) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderCanceled) PayloadType() string { return TypeOrderCanceled }

// EventTimes implements Event.
func (e *OrderCanceled) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderCanceled) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderExpired) PayloadType() string { return TypeOrderExpired }

// EventTimes implements Event.
func (e *OrderExpired) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderExpired) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderTriggered) PayloadType() string { return TypeOrderTriggered }

// EventTimes implements Event.
func (e *OrderTriggered) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderTriggered) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderPendingUpdate) PayloadType() string { return TypeOrderPendingUpdate }

// EventTimes implements Event.
func (e *OrderPendingUpdate) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderPendingUpdate) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderPendingCancel) PayloadType() string { return TypeOrderPendingCancel }

// EventTimes implements Event.
func (e *OrderPendingCancel) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderPendingCancel) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderModifyRejected) PayloadType() string { return TypeOrderModifyRejected }

// EventTimes implements Event.
func (e *OrderModifyRejected) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderModifyRejected) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderCancelRejected) PayloadType() string { return TypeOrderCancelRejected }

// EventTimes implements Event.
func (e *OrderCancelRejected) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderCancelRejected) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderUpdated) PayloadType() string { return TypeOrderUpdated }

// EventTimes implements Event.
func (e *OrderUpdated) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderUpdated) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*OrderFilled) PayloadType() string { return TypeOrderFilled }

// EventTimes implements Event.
func (e *OrderFilled) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// OrderIdentity implements OrderEvent.
func (e *OrderFilled) OrderIdentity() OrderIdentity {
	return OrderIdentity{e.TraderID, e.StrategyID, e.InstrumentID, e.ClientOrderID}
}

// PayloadType implements Payload.
func (*AccountState) PayloadType() string { return TypeAccountState }

// EventTimes implements Event.
func (e *AccountState) EventTimes() (tsEvent, tsInit string) { return e.TsEvent, e.TsInit }

// PayloadType implements Payload.
func (*LimitOrderSnapshot) PayloadType() string { return TypeLimitOrder }

// PayloadType implements Payload.
func (*MarketOrderSnapshot) PayloadType() string { return TypeMarketOrder }

// PayloadType implements Payload.
func (*PositionSnapshot) PayloadType() string { return TypePosition }

// PayloadType implements Payload.
func (*Currency) PayloadType() string { return TypeCurrency }

// PayloadType implements Payload.
func (*CurrencyPair) PayloadType() string { return TypeCurrencyPair }

// PayloadType implements Payload.
func (*CryptoPerpetual) PayloadType() string { return TypeCryptoPerpetual }

// PayloadType implements Payload.
func (*Equity) PayloadType() string { return TypeEquity }

// PayloadType implements Payload.
func (*FuturesContract) PayloadType() string { return TypeFuturesContract }
