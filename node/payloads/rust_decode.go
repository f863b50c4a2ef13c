package payloads

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/rbench/rbench/node/codecs"
)

// rustOrderVariants and rustInstrumentVariants are the one keys of an
// OrderEventAny and an InstrumentAny (events/order/any.rs:38-56,
// instruments/any.rs:31-52) that rbench decodes.
var (
	rustOrderVariants = map[string]bool{"Initialized": true, "Denied": true, "Emulated": true, "Released": true,
		"Submitted": true, "Accepted": true, "Rejected": true, "Canceled": true, "Expired": true, "Triggered": true,
		"PendingUpdate": true, "PendingCancel": true, "ModifyRejected": true, "CancelRejected": true,
		"Updated": true, "Filled": true}
	rustInstrumentVariants = map[string]bool{TypeCryptoPerpetual: true, TypeCurrencyPair: true, TypeEquity: true,
		TypeFuturesContract: true}
)

// maxRustKeys bounds the top-level keys SniffRust collects.
const maxRustKeys = 64

// rustHead is what SniffRust reads of a Rust payload.
type rustHead struct {
	str  bool // the value is a string (a Currency)
	keys []string
	typ  string // the "type" value, when there is one
}

func (h *rustHead) has(k string) bool {
	for _, x := range h.keys {
		if x == k {
			return true
		}
	}
	return false
}

// SniffRust tells what a value the Rust node wrote is, from its top-level
// shape, and returns a pointer to a zero value of its type: a string is a
// *RustCurrency; a map of one key that names an OrderEventAny variant a
// *RustOrderEvent, one that names an instrument type a *RustInstrument;
// "type": "OrderFilled" at the top a *RustOrderFilled (an element of a
// position list); account_type an *RustAccountState; opening_order_id a
// *RustPositionSnapshot; init_id a *RustOrderSnapshot. Errors wrap
// ErrUndecodable.
func SniffRust(data []byte) (any, error) {
	if len(data) > codecs.MaxPayloadBytes {
		return nil, fmt.Errorf("%w: %d bytes, more than the %d a payload may have", ErrUndecodable, len(data), codecs.MaxPayloadBytes)
	}
	var h rustHead
	var err error
	if len(data) > 0 && isJSONStart(data[0]) {
		err = h.readJSON(data)
	} else {
		err = h.readMsgpack(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUndecodable, err)
	}
	switch {
	case h.str:
		return new(RustCurrency), nil
	case len(h.keys) == 1 && rustOrderVariants[h.keys[0]]:
		return new(RustOrderEvent), nil
	case len(h.keys) == 1 && rustInstrumentVariants[h.keys[0]]:
		return new(RustInstrument), nil
	case h.typ == TypeOrderFilled:
		return new(RustOrderFilled), nil
	case h.has("account_type"):
		return new(RustAccountState), nil
	case h.has("opening_order_id"):
		return new(RustPositionSnapshot), nil
	case h.has("init_id"):
		return new(RustOrderSnapshot), nil
	}
	return nil, fmt.Errorf("%w: %w: a map with keys %q is no Rust payload rbench knows", ErrUndecodable, ErrUnknownType, h.keys)
}

func isJSONStart(c byte) bool {
	return c == '{' || c == '"' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func (h *rustHead) readJSON(data []byte) error {
	var raw any
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		if err2 := json.Unmarshal(data, &raw); err2 == nil {
			if _, ok := raw.(string); ok {
				h.str = true
				return nil
			}
		}
		return fmt.Errorf("json: %w", err)
	}
	if len(m) > maxRustKeys {
		return fmt.Errorf("json: %d top-level keys, more than any payload has", len(m))
	}
	for k, v := range m {
		h.keys = append(h.keys, k)
		if k == "type" {
			if err := json.Unmarshal(v, &h.typ); err != nil {
				return fmt.Errorf("json: \"type\": %w", err)
			}
		}
	}
	return nil
}

func (h *rustHead) readMsgpack(data []byte) error {
	if len(data) > 0 {
		if c := data[0]; c&0xe0 == 0xa0 || c == 0xd9 || c == 0xda || c == 0xdb {
			r := &mpReader{data: data}
			if _, _, err := r.strBytes(); err != nil {
				return err
			}
			if r.pos != len(data) {
				return r.fail("trailing bytes")
			}
			h.str = true
			return nil
		}
	}
	return decodeFieldsOf(&mpReader{data: data}, func(r *mpReader, k []byte) (bool, error) {
		if len(h.keys) >= maxRustKeys {
			return false, r.fail("more top-level keys than any payload has")
		}
		h.keys = append(h.keys, string(k))
		if string(k) == "type" {
			s, ok, err := r.strBytes()
			if err == nil && !ok {
				err = r.fail(`"type" is nil`)
			}
			h.typ = string(s)
			return true, err
		}
		return false, nil
	})
}

// errVariant is a tagged value with no variant, or several.
var errVariant = errors.New("want exactly one variant")

// DecodeRust decodes data, a value the Rust node wrote, with dec into the
// type SniffRust names and returns a pointer to it. Every error wraps
// ErrUndecodable.
func DecodeRust(dec Decoder, data []byte) (any, error) {
	v, err := SniffRust(data)
	if err != nil {
		return nil, err
	}
	if err := dec.Decode(data, v); err != nil {
		if !errors.Is(err, ErrUndecodable) {
			err = fmt.Errorf("%w: %w", ErrUndecodable, err)
		}
		return nil, err
	}
	switch x := v.(type) {
	case *RustOrderEvent:
		if _, _, ok := x.Variant(); !ok {
			return nil, fmt.Errorf("%w: OrderEventAny: %w", ErrUndecodable, errVariant)
		}
	case *RustInstrument:
		if _, _, ok := x.Variant(); !ok {
			return nil, fmt.Errorf("%w: InstrumentAny: %w", ErrUndecodable, errVariant)
		}
	case *RustCurrency:
		if *x == "" {
			return nil, fmt.Errorf("%w: an empty currency code", ErrUndecodable)
		}
	}
	return v, nil
}
