package payloads

// The Rust LiveNode's payloads (rust_types.go) and how rbench makes them
// from the payloads its scenario builds, which are the Python node's.
//
// DatabaseQueries::serialize_payload (queries.rs:76-100) turns a value into
// a serde_json::Value, rewrites every key starting with "ts_" (and
// "expire_time_ns") that holds a non-negative integer, at any depth, into an
// RFC 3339 string with nanoseconds and Z (convert_timestamps,
// queries.rs:978-1005), whatever timestamps_as_iso8601 says, and writes
// that Value with serde_json::to_vec or rmp_serde::to_vec. A Value's maps
// are serialized as maps, so rmp_serde's struct settings (to_vec against
// to_vec_named) play no part: every payload is a msgpack map keyed by
// strings, in sorted key order. What serde writes for the types inside:
//
//   - an order event in an order list is OrderEventAny, externally tagged:
//     {"Filled": {...}} (events/order/any.rs:38-56), and the event itself
//     carries "type": "OrderFilled" (#[serde(tag = "type")]);
//   - a position list holds bare OrderFilled values (cache.rs:1268-1274);
//   - an instrument is InstrumentAny, externally tagged:
//     {"CryptoPerpetual": {...}} (instruments/any.rs:31-52), without a
//     "type" field;
//   - a Currency is its code string (types/currency.rs:320-327), so
//     currencies:{code} holds just "USDT";
//   - Price, Quantity, Money, enums (strum SCREAMING_SNAKE_CASE), UUID4 and
//     identifiers are strings; rust_decimal's Decimal is a string (its serde
//     default; serde-with-float only adds the opt-in
//     rust_decimal::serde::float module); UnixNanos is an integer, so
//     expire_time, activation_ns, expiration_ns and duration_ns stay
//     integers; Option::None is null; Vec is an array, never null;
//   - OrderInitialized is flat: price, trigger_price, expire_time and
//     display_qty are fields of its own, there is no options map.

import (
	"fmt"
	"sort"
	"strconv"
	"time"
)

// RustOrderEvent is OrderEventAny: exactly one field is set, encoded as a
// one-key map {"Accepted": {...}}. OrderExpired and OrderTriggered have
// OrderCanceled's fields, OrderPendingUpdate OrderPendingCancel's and
// OrderCancelRejected OrderModifyRejected's; each carries its own "type".
type RustOrderEvent struct {
	Accepted       *RustOrderAccepted       `json:"Accepted,omitempty" msgpack:"Accepted,omitempty"`
	CancelRejected *RustOrderModifyRejected `json:"CancelRejected,omitempty" msgpack:"CancelRejected,omitempty"`
	Canceled       *RustOrderCanceled       `json:"Canceled,omitempty" msgpack:"Canceled,omitempty"`
	Denied         *RustOrderDenied         `json:"Denied,omitempty" msgpack:"Denied,omitempty"`
	Emulated       *RustOrderEmulated       `json:"Emulated,omitempty" msgpack:"Emulated,omitempty"`
	Expired        *RustOrderCanceled       `json:"Expired,omitempty" msgpack:"Expired,omitempty"`
	Filled         *RustOrderFilled         `json:"Filled,omitempty" msgpack:"Filled,omitempty"`
	Initialized    *RustOrderInitialized    `json:"Initialized,omitempty" msgpack:"Initialized,omitempty"`
	ModifyRejected *RustOrderModifyRejected `json:"ModifyRejected,omitempty" msgpack:"ModifyRejected,omitempty"`
	PendingCancel  *RustOrderPendingCancel  `json:"PendingCancel,omitempty" msgpack:"PendingCancel,omitempty"`
	PendingUpdate  *RustOrderPendingCancel  `json:"PendingUpdate,omitempty" msgpack:"PendingUpdate,omitempty"`
	Rejected       *RustOrderRejected       `json:"Rejected,omitempty" msgpack:"Rejected,omitempty"`
	Released       *RustOrderReleased       `json:"Released,omitempty" msgpack:"Released,omitempty"`
	Submitted      *RustOrderSubmitted      `json:"Submitted,omitempty" msgpack:"Submitted,omitempty"`
	Triggered      *RustOrderCanceled       `json:"Triggered,omitempty" msgpack:"Triggered,omitempty"`
	Updated        *RustOrderUpdated        `json:"Updated,omitempty" msgpack:"Updated,omitempty"`
}

// Variant returns the set variant's name ("Filled") and its event; ok is
// false unless exactly one is set.
func (e *RustOrderEvent) Variant() (name string, event any, ok bool) {
	n := 0
	set := func(v string, p any, isNil bool) {
		if !isNil {
			n++
			name, event = v, p
		}
	}
	set("Accepted", e.Accepted, e.Accepted == nil)
	set("CancelRejected", e.CancelRejected, e.CancelRejected == nil)
	set("Canceled", e.Canceled, e.Canceled == nil)
	set("Denied", e.Denied, e.Denied == nil)
	set("Emulated", e.Emulated, e.Emulated == nil)
	set("Expired", e.Expired, e.Expired == nil)
	set("Filled", e.Filled, e.Filled == nil)
	set("Initialized", e.Initialized, e.Initialized == nil)
	set("ModifyRejected", e.ModifyRejected, e.ModifyRejected == nil)
	set("PendingCancel", e.PendingCancel, e.PendingCancel == nil)
	set("PendingUpdate", e.PendingUpdate, e.PendingUpdate == nil)
	set("Rejected", e.Rejected, e.Rejected == nil)
	set("Released", e.Released, e.Released == nil)
	set("Submitted", e.Submitted, e.Submitted == nil)
	set("Triggered", e.Triggered, e.Triggered == nil)
	set("Updated", e.Updated, e.Updated == nil)
	return name, event, n == 1
}

// PayloadType implements Payload: the event's class ("OrderFilled"), or
// "OrderEventAny" when the variant is not exactly one.
func (e *RustOrderEvent) PayloadType() string {
	if v, _, ok := e.Variant(); ok {
		return "Order" + v
	}
	return "OrderEventAny"
}

// RustInstrument is InstrumentAny for the instrument types rbench writes;
// exactly one field is set.
type RustInstrument struct {
	CryptoPerpetual *RustCryptoPerpetual `json:"CryptoPerpetual,omitempty" msgpack:"CryptoPerpetual,omitempty"`
	CurrencyPair    *RustCurrencyPair    `json:"CurrencyPair,omitempty" msgpack:"CurrencyPair,omitempty"`
	Equity          *RustEquity          `json:"Equity,omitempty" msgpack:"Equity,omitempty"`
	FuturesContract *RustFuturesContract `json:"FuturesContract,omitempty" msgpack:"FuturesContract,omitempty"`
}

// Variant returns the set variant's name and value; ok is false unless
// exactly one is set.
func (i *RustInstrument) Variant() (name string, inst any, ok bool) {
	n := 0
	if i.CryptoPerpetual != nil {
		n, name, inst = n+1, TypeCryptoPerpetual, i.CryptoPerpetual
	}
	if i.CurrencyPair != nil {
		n, name, inst = n+1, TypeCurrencyPair, i.CurrencyPair
	}
	if i.Equity != nil {
		n, name, inst = n+1, TypeEquity, i.Equity
	}
	if i.FuturesContract != nil {
		n, name, inst = n+1, TypeFuturesContract, i.FuturesContract
	}
	return name, inst, n == 1
}

// PayloadType implements Payload.
func (i *RustInstrument) PayloadType() string {
	if v, _, ok := i.Variant(); ok {
		return v
	}
	return "InstrumentAny"
}

// RustCurrency is a currency as the Rust node stores it: its code.
type RustCurrency string

// PayloadType implements Payload.
func (*RustCurrency) PayloadType() string { return TypeCurrency }

// PayloadType implementations of the Rust structs.
func (*RustOrderFilled) PayloadType() string      { return TypeOrderFilled }
func (*RustAccountState) PayloadType() string     { return TypeAccountState }
func (*RustOrderSnapshot) PayloadType() string    { return "OrderSnapshot" }
func (*RustPositionSnapshot) PayloadType() string { return "PositionSnapshot" }

// RustTimestamp is convert_timestamps' form of a time in nanoseconds:
// chrono's to_rfc3339_opts(SecondsFormat::Nanos, true), nine digits and Z
// ("2024-01-15T09:30:12.123456789Z").
func RustTimestamp(ns int64) string {
	return time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.000000000Z")
}

// rustTime converts a Python payload's timestamp (decimal nanoseconds or
// ISO-8601) to the Rust form.
func rustTime(s string) (string, error) {
	ns, err := ParseTimestamp(s)
	if err != nil {
		return "", err
	}
	if ns < 0 {
		return "", fmt.Errorf("%w: timestamp %q before the epoch", ErrFormat, s)
	}
	return RustTimestamp(ns), nil
}

// rustConv collects the first error of a conversion.
type rustConv struct{ err error }

func (c *rustConv) ts(s string) string {
	out, err := rustTime(s)
	if err != nil && c.err == nil {
		c.err = err
	}
	return out
}

func (c *rustConv) tsp(s *string) *string {
	if s == nil {
		return nil
	}
	v := c.ts(*s)
	return &v
}

// none is Option::None for a Python enum's "no value" member: Rust orders
// carry no emulation trigger, contingency or liquidity side rather than
// NO_TRIGGER, NO_CONTINGENCY or NO_LIQUIDITY_SIDE.
func none(s string) *string {
	switch s {
	case "", "NO_TRIGGER", "NO_CONTINGENCY", "NO_LIQUIDITY_SIDE":
		return nil
	}
	return &s
}

// rustExecParams is exec_algorithm_params as a Rust order holds them, an
// IndexMap<Ustr, Ustr> (initialized.rs:117): every value a string, keys
// sorted as serde_json's BTreeMap leaves them.
func rustExecParams(r Record) Record {
	if r == nil {
		return nil
	}
	out := make(Record, len(r))
	for i, f := range r {
		var s string
		switch v := f.Value.(type) {
		case string:
			s = v
		case float64:
			s = strconv.FormatFloat(v, 'f', -1, 64)
		default:
			s = fmt.Sprint(v)
		}
		out[i] = Field{Key: f.Key, Value: s}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// ToRust returns the payload p, one of the Python node's payloads this
// package models, as the Rust node writes the same object: a
// *RustOrderEvent for an order event (the element of an order list), a
// *RustAccountState, a *RustInstrument, a *RustCurrency (id is its code,
// the Python payload carrying none), a *RustOrderSnapshot or a
// *RustPositionSnapshot. A position list holds bare fills: use
// ToRustFill. Values the Python payload lacks take the Rust constructors'
// defaults (a CryptoPerpetual's lot_size 1, crypto_perpetual.rs:181); an
// instrument's info is null, as the Rust adapters store none
// (adapters/binance/src/common/parse.rs:248-275).
func ToRust(p any, id string) (any, error) {
	var c rustConv
	var out any
	switch v := p.(type) {
	case *OrderInitialized:
		out = &RustOrderEvent{Initialized: c.initialized(v)}
	case *OrderDenied:
		out = &RustOrderEvent{Denied: &RustOrderDenied{ClientOrderID: v.ClientOrderID, EventID: v.EventID,
			InstrumentID: v.InstrumentID, Reason: v.Reason, StrategyID: v.StrategyID, TraderID: v.TraderID,
			TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit), Type: TypeOrderDenied}}
	case *OrderEmulated:
		out = &RustOrderEvent{Emulated: &RustOrderEmulated{ClientOrderID: v.ClientOrderID, EventID: v.EventID,
			InstrumentID: v.InstrumentID, StrategyID: v.StrategyID, TraderID: v.TraderID,
			TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit), Type: TypeOrderEmulated}}
	case *OrderReleased:
		out = &RustOrderEvent{Released: &RustOrderReleased{ClientOrderID: v.ClientOrderID, EventID: v.EventID,
			InstrumentID: v.InstrumentID, ReleasedPrice: v.ReleasedPrice, StrategyID: v.StrategyID, TraderID: v.TraderID,
			TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit), Type: TypeOrderReleased}}
	case *OrderSubmitted:
		out = &RustOrderEvent{Submitted: &RustOrderSubmitted{AccountID: v.AccountID, ClientOrderID: v.ClientOrderID,
			EventID: v.EventID, InstrumentID: v.InstrumentID, StrategyID: v.StrategyID, TraderID: v.TraderID,
			TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit), Type: TypeOrderSubmitted}}
	case *OrderAccepted:
		out = &RustOrderEvent{Accepted: &RustOrderAccepted{AccountID: v.AccountID, ClientOrderID: v.ClientOrderID,
			EventID: v.EventID, InstrumentID: v.InstrumentID, Reconciliation: v.Reconciliation, StrategyID: v.StrategyID,
			TraderID: v.TraderID, TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit), Type: TypeOrderAccepted,
			VenueOrderID: v.VenueOrderID}}
	case *OrderRejected:
		out = &RustOrderEvent{Rejected: &RustOrderRejected{AccountID: v.AccountID, ClientOrderID: v.ClientOrderID,
			DuePostOnly: v.DuePostOnly, EventID: v.EventID, InstrumentID: v.InstrumentID, Reason: v.Reason,
			Reconciliation: v.Reconciliation, StrategyID: v.StrategyID, TraderID: v.TraderID,
			TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit), Type: TypeOrderRejected}}
	case *OrderCanceled:
		out = &RustOrderEvent{Canceled: c.canceled((*OrderCanceled)(v), TypeOrderCanceled)}
	case *OrderExpired:
		out = &RustOrderEvent{Expired: c.canceled((*OrderCanceled)(v), TypeOrderExpired)}
	case *OrderTriggered:
		out = &RustOrderEvent{Triggered: c.canceled((*OrderCanceled)(v), TypeOrderTriggered)}
	case *OrderPendingCancel:
		out = &RustOrderEvent{PendingCancel: c.pending((*OrderCanceled)(v), TypeOrderPendingCancel)}
	case *OrderPendingUpdate:
		out = &RustOrderEvent{PendingUpdate: c.pending((*OrderCanceled)(v), TypeOrderPendingUpdate)}
	case *OrderModifyRejected:
		out = &RustOrderEvent{ModifyRejected: c.modifyRejected(v, TypeOrderModifyRejected)}
	case *OrderCancelRejected:
		out = &RustOrderEvent{CancelRejected: c.modifyRejected((*OrderModifyRejected)(v), TypeOrderCancelRejected)}
	case *OrderUpdated:
		out = &RustOrderEvent{Updated: &RustOrderUpdated{AccountID: v.AccountID, ClientOrderID: v.ClientOrderID,
			EventID: v.EventID, InstrumentID: v.InstrumentID, IsQuoteQuantity: v.IsQuoteQuantity, Price: v.Price,
			Quantity: v.Quantity, Reconciliation: v.Reconciliation, StrategyID: v.StrategyID, TraderID: v.TraderID,
			TriggerPrice: v.TriggerPrice, TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit), Type: TypeOrderUpdated,
			VenueOrderID: v.VenueOrderID}}
	case *OrderFilled:
		out = &RustOrderEvent{Filled: c.filled(v)}
	case *AccountState:
		out = c.account(v)
	case *Currency:
		if id == "" {
			return nil, fmt.Errorf("%w: a Rust currency is its code: give it", ErrFormat)
		}
		code := RustCurrency(id)
		out = &code
	case *CurrencyPair:
		out = &RustInstrument{CurrencyPair: &RustCurrencyPair{BaseCurrency: v.BaseCurrency, ID: v.ID,
			LotSize: v.LotSize, MakerFee: v.MakerFee, MarginInit: v.MarginInit, MarginMaint: v.MarginMaint,
			MaxNotional: v.MaxNotional, MaxPrice: v.MaxPrice, MaxQuantity: v.MaxQuantity, MinNotional: v.MinNotional,
			MinPrice: v.MinPrice, MinQuantity: v.MinQuantity, Multiplier: v.Multiplier, PriceIncrement: v.PriceIncrement,
			PricePrecision: v.PricePrecision, QuoteCurrency: v.QuoteCurrency, RawSymbol: v.RawSymbol,
			SizeIncrement: v.SizeIncrement, SizePrecision: v.SizePrecision, TakerFee: v.TakerFee,
			TickScheme: v.TickSchemeName, TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit)}}
	case *CryptoPerpetual:
		lot := "1"
		if v.LotSize != nil {
			lot = *v.LotSize
		}
		out = &RustInstrument{CryptoPerpetual: &RustCryptoPerpetual{BaseCurrency: v.BaseCurrency, ID: v.ID,
			IsInverse: v.IsInverse, LotSize: lot, MakerFee: v.MakerFee, MarginInit: v.MarginInit,
			MarginMaint: v.MarginMaint, MaxNotional: v.MaxNotional, MaxPrice: v.MaxPrice, MaxQuantity: v.MaxQuantity,
			MinNotional: v.MinNotional, MinPrice: v.MinPrice, MinQuantity: v.MinQuantity, Multiplier: v.Multiplier,
			PriceIncrement: v.PriceIncrement, PricePrecision: v.PricePrecision, QuoteCurrency: v.QuoteCurrency,
			RawSymbol: v.RawSymbol, SettlementCurrency: v.SettlementCurrency, SizeIncrement: v.SizeIncrement,
			SizePrecision: v.SizePrecision, TakerFee: v.TakerFee, TickScheme: v.TickSchemeName,
			TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit)}}
	case *Equity:
		out = &RustInstrument{Equity: &RustEquity{Currency: v.Currency, ID: v.ID, ISIN: v.ISIN, LotSize: Ptr(v.LotSize),
			MakerFee: v.MakerFee, MarginInit: v.MarginInit, MarginMaint: v.MarginMaint, MaxPrice: v.MaxPrice,
			MaxQuantity: v.MaxQuantity, MinPrice: v.MinPrice, MinQuantity: v.MinQuantity,
			PriceIncrement: v.PriceIncrement, PricePrecision: v.PricePrecision, RawSymbol: v.RawSymbol,
			TakerFee: v.TakerFee, TickScheme: v.TickSchemeName, TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit)}}
	case *FuturesContract:
		if v.ActivationNs < 0 || v.ExpirationNs < 0 {
			return nil, fmt.Errorf("%w: futures contract %s: activation or expiration before the epoch", ErrFormat, v.ID)
		}
		out = &RustInstrument{FuturesContract: &RustFuturesContract{ActivationNs: uint64(v.ActivationNs),
			AssetClass: v.AssetClass, Currency: v.Currency, Exchange: v.Exchange, ExpirationNs: uint64(v.ExpirationNs),
			ID: v.ID, LotSize: v.LotSize, MakerFee: v.MakerFee, MarginInit: v.MarginInit, MarginMaint: v.MarginMaint,
			MaxPrice: v.MaxPrice, MaxQuantity: v.MaxQuantity, MinPrice: v.MinPrice, MinQuantity: v.MinQuantity,
			Multiplier: v.Multiplier, PriceIncrement: v.PriceIncrement, PricePrecision: v.PricePrecision,
			RawSymbol: v.RawSymbol, SizeIncrement: v.SizeIncrement, SizePrecision: v.SizePrecision,
			TakerFee: v.TakerFee, TickScheme: v.TickSchemeName, TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit),
			Underlying: v.Underlying}}
	case *LimitOrderSnapshot:
		out = c.limitSnapshot(v)
	case *MarketOrderSnapshot:
		out = c.marketSnapshot(v)
	case *PositionSnapshot:
		out = c.positionSnapshot(v)
	default:
		return nil, fmt.Errorf("%w: %T has no Rust form in rbench", ErrUnknownType, p)
	}
	if c.err != nil {
		return nil, c.err
	}
	return out, nil
}

// ToRustFill is an OrderFilled as a position list holds it: the bare
// event, not wrapped in OrderEventAny (cache.rs:1268-1274,1660-1665).
func ToRustFill(f *OrderFilled) (*RustOrderFilled, error) {
	var c rustConv
	out := c.filled(f)
	return out, c.err
}

func (c *rustConv) initialized(v *OrderInitialized) *RustOrderInitialized {
	out := &RustOrderInitialized{ClientOrderID: v.ClientOrderID, ContingencyType: none(v.ContingencyType),
		DisplayQty: v.Options.DisplayQty, EmulationTrigger: none(v.EmulationTrigger), EventID: v.EventID,
		ExecAlgorithmID: v.ExecAlgorithmID, ExecAlgorithmParams: rustExecParams(v.ExecAlgorithmParams),
		ExecSpawnID: v.ExecSpawnID, InstrumentID: v.InstrumentID, LinkedOrderIDs: v.LinkedOrderIDs,
		OrderListID: v.OrderListID, OrderSide: v.OrderSide, OrderType: v.OrderType, ParentOrderID: v.ParentOrderID,
		PostOnly: v.PostOnly, Price: v.Options.Price, Quantity: v.Quantity, QuoteQuantity: v.QuoteQuantity,
		Reconciliation: v.Reconciliation, ReduceOnly: v.ReduceOnly, StrategyID: v.StrategyID, Tags: v.Tags,
		TimeInForce: v.TimeInForce, TraderID: v.TraderID, TriggerInstrumentID: v.TriggerInstrumentID,
		TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit), Type: TypeOrderInitialized}
	if ns := v.Options.ExpireTimeNs; ns > 0 {
		out.ExpireTime = Ptr(uint64(ns))
	}
	return out
}

func (c *rustConv) canceled(v *OrderCanceled, typ string) *RustOrderCanceled {
	return &RustOrderCanceled{AccountID: v.AccountID, ClientOrderID: v.ClientOrderID, EventID: v.EventID,
		InstrumentID: v.InstrumentID, Reconciliation: v.Reconciliation, StrategyID: v.StrategyID,
		TraderID: v.TraderID, TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit), Type: typ, VenueOrderID: v.VenueOrderID}
}

// pending is OrderPendingCancel or OrderPendingUpdate, whose account id is
// never null in Rust.
func (c *rustConv) pending(v *OrderCanceled, typ string) *RustOrderPendingCancel {
	acct := ""
	if v.AccountID != nil {
		acct = *v.AccountID
	}
	return &RustOrderPendingCancel{AccountID: acct, ClientOrderID: v.ClientOrderID, EventID: v.EventID,
		InstrumentID: v.InstrumentID, Reconciliation: v.Reconciliation, StrategyID: v.StrategyID,
		TraderID: v.TraderID, TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit), Type: typ, VenueOrderID: v.VenueOrderID}
}

func (c *rustConv) modifyRejected(v *OrderModifyRejected, typ string) *RustOrderModifyRejected {
	return &RustOrderModifyRejected{AccountID: v.AccountID, ClientOrderID: v.ClientOrderID, EventID: v.EventID,
		InstrumentID: v.InstrumentID, Reason: v.Reason, Reconciliation: v.Reconciliation, StrategyID: v.StrategyID,
		TraderID: v.TraderID, TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit), Type: typ, VenueOrderID: v.VenueOrderID}
}

func (c *rustConv) filled(v *OrderFilled) *RustOrderFilled {
	return &RustOrderFilled{AccountID: v.AccountID, ClientOrderID: v.ClientOrderID, Commission: Ptr(v.Commission),
		Currency: v.Currency, EventID: v.EventID, InstrumentID: v.InstrumentID, LastPx: v.LastPx, LastQty: v.LastQty,
		LiquiditySide: v.LiquiditySide, OrderSide: v.OrderSide, OrderType: v.OrderType, PositionID: v.PositionID,
		Reconciliation: v.Reconciliation, StrategyID: v.StrategyID, TradeID: v.TradeID, TraderID: v.TraderID,
		TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit), Type: TypeOrderFilled, VenueOrderID: v.VenueOrderID}
}

func (c *rustConv) account(v *AccountState) *RustAccountState {
	out := &RustAccountState{AccountID: v.AccountID, AccountType: v.AccountType, BaseCurrency: v.BaseCurrency,
		Balances: make([]RustAccountBalance, len(v.Balances)), Margins: make([]RustMarginBalance, len(v.Margins)),
		EventID: v.EventID, IsReported: v.Reported, TsEvent: c.ts(v.TsEvent), TsInit: c.ts(v.TsInit)}
	for i, b := range v.Balances {
		out.Balances[i] = RustAccountBalance{Currency: b.Currency, Free: b.Free, Locked: b.Locked, Total: b.Total}
	}
	for i, m := range v.Margins {
		out.Margins[i] = RustMarginBalance{Currency: m.Currency, Initial: m.Initial, InstrumentID: m.InstrumentID,
			Maintenance: m.Maintenance}
	}
	return out
}

func (c *rustConv) expire(s *string) *uint64 {
	if s == nil {
		return nil
	}
	ns, err := ParseTimestamp(*s)
	if err != nil || ns < 0 {
		if c.err == nil {
			c.err = fmt.Errorf("%w: expire time %q", ErrFormat, *s)
		}
		return nil
	}
	return Ptr(uint64(ns))
}

// commissions is a Vec<Money>: an array, never null.
func commissions(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (c *rustConv) limitSnapshot(v *LimitOrderSnapshot) *RustOrderSnapshot {
	return &RustOrderSnapshot{AccountID: v.AccountID, AvgPx: v.AvgPx, ClientOrderID: v.ClientOrderID,
		Commissions: commissions(v.Commissions), ContingencyType: none(v.ContingencyType), DisplayQty: v.DisplayQty,
		EmulationTrigger: none(v.EmulationTrigger), ExecAlgorithmID: v.ExecAlgorithmID,
		ExecAlgorithmParams: rustExecParams(v.ExecAlgorithmParams), ExecSpawnID: v.ExecSpawnID,
		ExpireTime: c.expire(v.ExpireTimeNs), FilledQty: v.FilledQty, InitID: v.InitID, InstrumentID: v.InstrumentID,
		IsPostOnly: v.IsPostOnly, IsQuoteQuantity: v.IsQuoteQuantity, IsReduceOnly: v.IsReduceOnly,
		LastTradeID: v.LastTradeID, LinkedOrderIDs: v.LinkedOrderIDs, LiquiditySide: none(v.LiquiditySide),
		OrderListID: v.OrderListID, OrderSide: v.Side, OrderType: v.Type, ParentOrderID: v.ParentOrderID,
		PositionID: v.PositionID, Price: Ptr(v.Price), Quantity: v.Quantity, Slippage: v.Slippage, Status: v.Status,
		StrategyID: v.StrategyID, Tags: v.Tags, TimeInForce: v.TimeInForce, TraderID: v.TraderID,
		TriggerInstrumentID: v.TriggerInstrumentID, TsInit: c.ts(v.TsInit), TsLast: c.ts(v.TsLast),
		VenueOrderID: v.VenueOrderID}
}

func (c *rustConv) marketSnapshot(v *MarketOrderSnapshot) *RustOrderSnapshot {
	return &RustOrderSnapshot{AccountID: v.AccountID, AvgPx: v.AvgPx, ClientOrderID: v.ClientOrderID,
		Commissions: commissions(v.Commissions), ContingencyType: none(v.ContingencyType),
		EmulationTrigger: none(v.EmulationTrigger), ExecAlgorithmID: v.ExecAlgorithmID,
		ExecAlgorithmParams: rustExecParams(v.ExecAlgorithmParams), ExecSpawnID: v.ExecSpawnID, FilledQty: v.FilledQty,
		InitID: v.InitID, InstrumentID: v.InstrumentID, IsQuoteQuantity: v.IsQuoteQuantity,
		IsReduceOnly: v.IsReduceOnly, LastTradeID: v.LastTradeID, LinkedOrderIDs: v.LinkedOrderIDs,
		LiquiditySide: none(v.LiquiditySide), OrderListID: v.OrderListID, OrderSide: v.Side, OrderType: v.Type,
		ParentOrderID: v.ParentOrderID, PositionID: v.PositionID, Quantity: v.Quantity, Slippage: v.Slippage,
		Status: v.Status, StrategyID: v.StrategyID, Tags: v.Tags, TimeInForce: v.TimeInForce, TraderID: v.TraderID,
		TsInit: c.ts(v.TsInit), TsLast: c.ts(v.TsLast), VenueOrderID: v.VenueOrderID}
}

// positionSnapshot: the adapter sets the snapshot's ts_init to the
// snapshot's time (cache.rs:1943-1952); there is no ts_snapshot.
func (c *rustConv) positionSnapshot(v *PositionSnapshot) *RustPositionSnapshot {
	out := &RustPositionSnapshot{AccountID: v.AccountID, AvgPxClose: v.AvgPxClose, AvgPxOpen: v.AvgPxOpen,
		BaseCurrency: v.BaseCurrency, ClosingOrderID: v.ClosingOrderID, Commissions: commissions(v.Commissions),
		Entry: v.Entry, InstrumentID: v.InstrumentID, OpeningOrderID: v.OpeningOrderID, PeakQty: v.PeakQty,
		PositionID: v.PositionID, Quantity: v.Quantity, QuoteCurrency: v.QuoteCurrency,
		RealizedPnl: Ptr(v.RealizedPnl), RealizedReturn: Ptr(v.RealizedReturn),
		SettlementCurrency: v.SettlementCurrency, Side: v.Side, SignedQty: v.SignedQty, StrategyID: v.StrategyID,
		TraderID: v.TraderID, TsClosed: c.tsp(v.TsClosed), TsInit: c.ts(v.TsSnapshot), TsLast: c.ts(v.TsLast),
		TsOpened: c.ts(v.TsOpened), UnrealizedPnl: v.UnrealizedPnl}
	if v.DurationNs != nil && *v.DurationNs >= 0 {
		out.DurationNs = Ptr(uint64(*v.DurationNs))
	}
	return out
}
