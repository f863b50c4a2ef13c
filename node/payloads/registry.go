package payloads

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Kind names a payload type.
type Kind struct {
	// Name is the kebab-case CLI name ("order-filled").
	Name string
	// Type is the upstream class (TypeOrderFilled), what TypeOf returns.
	Type string
	// Wire is the value of the payload's "type" field: the class for events
	// and instruments, the order type for an order snapshot ("LIMIT"), ""
	// for payloads with no "type" (Currency, Position).
	Wire string
	new  func() any
}

// New returns a pointer to a zero value of the kind's struct.
func (k Kind) New() any { return k.new() }

// Kinds lists every payload type in a stable order: order events in
// upstream's declaration order, account, snapshots, currency, instruments.
var Kinds = []Kind{
	{"order-initialized", TypeOrderInitialized, TypeOrderInitialized, func() any { return new(OrderInitialized) }},
	{"order-denied", TypeOrderDenied, TypeOrderDenied, func() any { return new(OrderDenied) }},
	{"order-emulated", TypeOrderEmulated, TypeOrderEmulated, func() any { return new(OrderEmulated) }},
	{"order-released", TypeOrderReleased, TypeOrderReleased, func() any { return new(OrderReleased) }},
	{"order-submitted", TypeOrderSubmitted, TypeOrderSubmitted, func() any { return new(OrderSubmitted) }},
	{"order-accepted", TypeOrderAccepted, TypeOrderAccepted, func() any { return new(OrderAccepted) }},
	{"order-rejected", TypeOrderRejected, TypeOrderRejected, func() any { return new(OrderRejected) }},
	{"order-canceled", TypeOrderCanceled, TypeOrderCanceled, func() any { return new(OrderCanceled) }},
	{"order-expired", TypeOrderExpired, TypeOrderExpired, func() any { return new(OrderExpired) }},
	{"order-triggered", TypeOrderTriggered, TypeOrderTriggered, func() any { return new(OrderTriggered) }},
	{"order-pending-update", TypeOrderPendingUpdate, TypeOrderPendingUpdate, func() any { return new(OrderPendingUpdate) }},
	{"order-pending-cancel", TypeOrderPendingCancel, TypeOrderPendingCancel, func() any { return new(OrderPendingCancel) }},
	{"order-modify-rejected", TypeOrderModifyRejected, TypeOrderModifyRejected, func() any { return new(OrderModifyRejected) }},
	{"order-cancel-rejected", TypeOrderCancelRejected, TypeOrderCancelRejected, func() any { return new(OrderCancelRejected) }},
	{"order-updated", TypeOrderUpdated, TypeOrderUpdated, func() any { return new(OrderUpdated) }},
	{"order-filled", TypeOrderFilled, TypeOrderFilled, func() any { return new(OrderFilled) }},
	{"account-state", TypeAccountState, TypeAccountState, func() any { return new(AccountState) }},
	{"limit-order-snapshot", TypeLimitOrder, "LIMIT", func() any { return new(LimitOrderSnapshot) }},
	{"market-order-snapshot", TypeMarketOrder, "MARKET", func() any { return new(MarketOrderSnapshot) }},
	{"position-snapshot", TypePosition, "", func() any { return new(PositionSnapshot) }},
	{"currency", TypeCurrency, "", func() any { return new(Currency) }},
	{"currency-pair", TypeCurrencyPair, TypeCurrencyPair, func() any { return new(CurrencyPair) }},
	{"equity", TypeEquity, TypeEquity, func() any { return new(Equity) }},
	{"crypto-perpetual", TypeCryptoPerpetual, TypeCryptoPerpetual, func() any { return new(CryptoPerpetual) }},
	{"futures-contract", TypeFuturesContract, TypeFuturesContract, func() any { return new(FuturesContract) }},
}

// ErrUnknownType is returned for a kind name or "type" value rbench does not model.
var ErrUnknownType = errors.New("unknown payload type")

// KindByName finds a kind by its kebab-case name or its class name.
func KindByName(name string) (Kind, error) {
	for _, k := range Kinds {
		if strings.EqualFold(name, k.Name) || name == k.Type {
			return k, nil
		}
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = k.Name
	}
	return Kind{}, fmt.Errorf("%w %q: use one of %s", ErrUnknownType, name, strings.Join(names, ", "))
}

// Decoder is the decoding half of a codecs.Codec.
type Decoder interface {
	Decode(data []byte, v any) error
}

// Decode decodes data with dec into the struct its kind (Sniff) names and
// returns a pointer to it (*OrderFilled, *Currency, ...). Every error wraps
// ErrUndecodable.
func Decode(dec Decoder, data []byte) (any, error) {
	k, err := Sniff(data)
	if err != nil {
		return nil, err
	}
	v := k.New()
	if err := dec.Decode(data, v); err != nil {
		if !errors.Is(err, ErrUndecodable) {
			err = fmt.Errorf("%w: %w", ErrUndecodable, err)
		}
		return nil, err
	}
	return v, nil
}

// Sniff tells which payload type an encoded value (msgpack or JSON, told
// apart by the first byte) is, reading only its top-level keys: the "type"
// value when there is one, else position_id (a position snapshot) or
// currency_type (a currency). Errors wrap ErrUndecodable, and ErrUnknownType
// when the value is a map of no known type.
func Sniff(data []byte) (Kind, error) {
	var h head
	var err error
	if len(data) > 0 && (data[0] == '{' || data[0] == ' ' || data[0] == '\t' || data[0] == '\n' || data[0] == '\r') {
		err = h.readJSON(data)
	} else {
		err = h.readMsgpack(data)
	}
	if err != nil {
		return Kind{}, fmt.Errorf("%w: %w", ErrUndecodable, err)
	}
	switch {
	case h.hasType:
		for _, k := range Kinds {
			if k.Wire != "" && k.Wire == h.typ {
				return k, nil
			}
		}
		return Kind{}, fmt.Errorf("%w: %w: \"type\" is %q", ErrUndecodable, ErrUnknownType, h.typ)
	case h.position:
		return kindOf(TypePosition), nil
	case h.currency:
		return kindOf(TypeCurrency), nil
	}
	return Kind{}, fmt.Errorf("%w: %w: no \"type\", position_id or currency_type key", ErrUndecodable, ErrUnknownType)
}

func kindOf(typ string) Kind {
	for _, k := range Kinds {
		if k.Type == typ {
			return k
		}
	}
	panic("payloads: no kind " + typ)
}

// head is what Sniff reads of a payload.
type head struct {
	typ                         string
	hasType, position, currency bool
}

func (h *head) readJSON(data []byte) error {
	var raw struct {
		Type         *string         `json:"type"`
		PositionID   json.RawMessage `json:"position_id"`
		CurrencyType json.RawMessage `json:"currency_type"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("json: %w", err)
	}
	if raw.Type != nil {
		h.typ, h.hasType = *raw.Type, true
	}
	h.position, h.currency = raw.PositionID != nil, raw.CurrencyType != nil
	return nil
}

func (h *head) readMsgpack(data []byte) error {
	return decodeFieldsOf(&mpReader{data: data}, func(r *mpReader, k []byte) (bool, error) {
		switch string(k) {
		case "type":
			s, ok, err := r.strBytes()
			if err == nil && !ok {
				err = r.fail(`"type" is nil`)
			}
			h.typ, h.hasType = string(s), true
			return true, err
		case "position_id":
			h.position = true
		case "currency_type":
			h.currency = true
		}
		return false, nil
	})
}
