package payloads

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/rbench/rbench/node/codecs"
)

// OrderOptions has its own encoding because its shape depends on the order
// type: {} for a market order, three keys for a limit order.

// AppendJSON implements codecs.JSONAppender.
func (o *OrderOptions) AppendJSON(dst []byte) ([]byte, error) {
	if o.Price == nil {
		return append(dst, '{', '}'), nil
	}
	dst = append(dst, `{"price":`...)
	dst = codecs.AppendJSONString(dst, *o.Price)
	dst = append(dst, `,"display_qty":`...)
	if o.DisplayQty == nil {
		dst = append(dst, "null"...)
	} else {
		dst = codecs.AppendJSONString(dst, *o.DisplayQty)
	}
	dst = append(dst, `,"expire_time_ns":`...)
	dst = strconv.AppendInt(dst, o.ExpireTimeNs, 10)
	return append(dst, '}'), nil
}

// AppendMsgpack appends o's msgpack encoding.
func (o *OrderOptions) AppendMsgpack(dst []byte) ([]byte, error) {
	if o.Price == nil {
		return append(dst, 0x80), nil
	}
	dst = append(dst, 0x83)
	dst = mpStr(mpStr(dst, "price"), *o.Price)
	dst = mpStrPtr(mpStr(dst, "display_qty"), o.DisplayQty)
	return mpInt(mpStr(dst, "expire_time_ns"), o.ExpireTimeNs), nil
}

// MarshalMsgpack implements msgpack.Marshaler for the reflection path.
func (o OrderOptions) MarshalMsgpack() ([]byte, error) { return o.AppendMsgpack(nil) }

// UnmarshalMsgpack implements msgpack.Unmarshaler; unknown keys are skipped.
func (o *OrderOptions) UnmarshalMsgpack(data []byte) error {
	*o = OrderOptions{}
	if len(data) == 1 && data[0] == 0xc0 {
		return nil
	}
	return decodeFields(data, func(r *mpReader, k []byte) (bool, error) {
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

// UnmarshalJSON implements json.Unmarshaler.
func (o *OrderOptions) UnmarshalJSON(data []byte) error {
	var aux struct {
		Price        *string `json:"price"`
		DisplayQty   *string `json:"display_qty"`
		ExpireTimeNs *int64  `json:"expire_time_ns"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return fmt.Errorf("options: %w", err)
	}
	*o = OrderOptions{Price: aux.Price, DisplayQty: aux.DisplayQty}
	if aux.ExpireTimeNs != nil {
		o.ExpireTimeNs = *aux.ExpireTimeNs
	}
	return nil
}
