// Package payloads holds the objects a trading node stores in its Redis cache,
// field for field as NautilusTrader's to_dict() writes them (see
// ../shared/reference/trading-cache-model.md and docs/payloads.md): snake_case
// keys in upstream's order, prices and quantities as fixed-precision decimal
// strings, money as "0.25402500 USDT", upper-case enums, top-level timestamps
// as nanosecond decimal strings (or ISO-8601), nested timestamps as integers.
//
// Struct field order is the encoded key order under both codecs. Nullable
// fields are pointers or nil slices and encode as null; a field upstream
// leaves out of the map when it has no value is tagged omitempty. Maps whose
// keys are data (info, exec_algorithm_params) are a Record, which keeps its
// keys in order as a Python dict does.
package payloads

import "github.com/rbench/rbench/node/codecs"

// Type names: the upstream class each payload struct models. For events and
// instruments it is also the value of the "type" field; Currency and
// Position payloads have no "type" field, and an order snapshot's "type" is
// the order type ("LIMIT", "MARKET").
const (
	TypeOrderInitialized    = "OrderInitialized"
	TypeOrderDenied         = "OrderDenied"
	TypeOrderEmulated       = "OrderEmulated"
	TypeOrderReleased       = "OrderReleased"
	TypeOrderSubmitted      = "OrderSubmitted"
	TypeOrderAccepted       = "OrderAccepted"
	TypeOrderRejected       = "OrderRejected"
	TypeOrderCanceled       = "OrderCanceled"
	TypeOrderExpired        = "OrderExpired"
	TypeOrderTriggered      = "OrderTriggered"
	TypeOrderPendingUpdate  = "OrderPendingUpdate"
	TypeOrderPendingCancel  = "OrderPendingCancel"
	TypeOrderModifyRejected = "OrderModifyRejected"
	TypeOrderCancelRejected = "OrderCancelRejected"
	TypeOrderUpdated        = "OrderUpdated"
	TypeOrderFilled         = "OrderFilled"
	TypeAccountState        = "AccountState"
	TypeAccountBalance      = "AccountBalance"
	TypeMarginBalance       = "MarginBalance"
	TypeLimitOrder          = "LimitOrder"  // snapshots:orders:{coid} of a LIMIT order
	TypeMarketOrder         = "MarketOrder" // snapshots:orders:{coid} of a MARKET order
	TypePosition            = "Position"    // snapshots:positions:{pid}
	TypeCurrency            = "Currency"
	TypeCurrencyPair        = "CurrencyPair"
	TypeEquity              = "Equity"
	TypeCryptoPerpetual     = "CryptoPerpetual"
	TypeFuturesContract     = "FuturesContract"
)

// ErrUndecodable is wrapped by every error of decoding a value read from
// Redis (malformed bytes, a length that runs past the end, nesting too deep,
// an unknown "type"): callers count it as one undecodable payload. It is
// codecs.ErrDecode, so one errors.Is test covers both packages.
var ErrUndecodable = codecs.ErrUndecodable

// Payload is implemented by every payload struct (pointer receivers).
type Payload interface {
	// PayloadType is the upstream class the struct models (TypeOrderFilled, ...).
	PayloadType() string
}

// Event is a payload that records something that happened: every order
// event and AccountState.
type Event interface {
	Payload
	// EventTimes returns ts_event and ts_init as written (decimal
	// nanoseconds or ISO-8601).
	EventTimes() (tsEvent, tsInit string)
}

// OrderEvent is an element of orders:{client_order_id}.
type OrderEvent interface {
	Event
	// OrderIdentity returns the ids every order event carries.
	OrderIdentity() OrderIdentity
}

// OrderIdentity is the part every order event shares.
type OrderIdentity struct {
	TraderID, StrategyID, InstrumentID, ClientOrderID string
}

// TypeOf returns the payload type of v (TypeOrderFilled, TypePosition, ...),
// or "" when v is not a payload.
func TypeOf(v any) string {
	if p, ok := v.(Payload); ok {
		return p.PayloadType()
	}
	return ""
}

// Ptr returns a pointer to v, for the nullable fields.
func Ptr[T any](v T) *T { return &v }
