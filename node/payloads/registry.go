package payloads

import (
	"errors"
	"fmt"
	"strings"
)

// Kind names a payload type in kebab-case, as the CLI spells it
// ("order-filled", "account-state", "crypto-perpetual").
type Kind struct {
	Name string // kebab-case CLI name
	Type string // the "type" discriminator
	new  func() any
}

// New returns a pointer to a zero value of the kind's struct.
func (k Kind) New() any { return k.new() }

// Kinds lists every payload type in a stable order: order events, account,
// position snapshot, currency, instruments.
var Kinds = []Kind{
	{"order-initialized", TypeOrderInitialized, func() any { return new(OrderInitialized) }},
	{"order-submitted", TypeOrderSubmitted, func() any { return new(OrderSubmitted) }},
	{"order-accepted", TypeOrderAccepted, func() any { return new(OrderAccepted) }},
	{"order-filled", TypeOrderFilled, func() any { return new(OrderFilled) }},
	{"order-canceled", TypeOrderCanceled, func() any { return new(OrderCanceled) }},
	{"order-rejected", TypeOrderRejected, func() any { return new(OrderRejected) }},
	{"account-state", TypeAccountState, func() any { return new(AccountState) }},
	{"position-snapshot", TypePosition, func() any { return new(PositionSnapshot) }},
	{"currency", TypeCurrency, func() any { return new(Currency) }},
	{"currency-pair", TypeCurrencyPair, func() any { return new(CurrencyPair) }},
	{"equity", TypeEquity, func() any { return new(Equity) }},
	{"crypto-perpetual", TypeCryptoPerpetual, func() any { return new(CryptoPerpetual) }},
	{"futures-contract", TypeFuturesContract, func() any { return new(FuturesContract) }},
}

// ErrUnknownType is returned for a kind name or "type" value rbench does not model.
var ErrUnknownType = errors.New("unknown payload type")

// KindByName finds a kind by its kebab-case name or its "type" value.
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

// Decode decodes data with dec into the struct its "type" field names and
// returns a pointer to it (*OrderFilled, *AccountState, ...).
func Decode(dec Decoder, data []byte) (any, error) {
	var head struct {
		Type string `json:"type" msgpack:"type"`
	}
	if err := dec.Decode(data, &head); err != nil {
		return nil, err
	}
	k, err := KindByName(head.Type)
	if err != nil || head.Type == "" {
		return nil, fmt.Errorf("%w: \"type\" is %q", ErrUnknownType, head.Type)
	}
	v := k.New()
	if err := dec.Decode(data, v); err != nil {
		return nil, err
	}
	return v, nil
}

// TypeOf returns the "type" discriminator of a payload value (pointer or not),
// or "" for anything else.
func TypeOf(v any) string {
	switch p := v.(type) {
	case *OrderInitialized:
		return p.Type
	case *OrderSubmitted:
		return p.Type
	case *OrderAccepted:
		return p.Type
	case *OrderFilled:
		return p.Type
	case *OrderCanceled:
		return p.Type
	case *OrderRejected:
		return p.Type
	case *AccountState:
		return p.Type
	case *PositionSnapshot:
		return p.Type
	case *Currency:
		return p.Type
	case *CurrencyPair:
		return p.Type
	case *Equity:
		return p.Type
	case *CryptoPerpetual:
		return p.Type
	case *FuturesContract:
		return p.Type
	}
	return ""
}

// Ptr returns a pointer to s, for the nullable string fields.
func Ptr[T any](v T) *T { return &v }
