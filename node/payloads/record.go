package payloads

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/rbench/rbench/node/codecs"
)

// Record is a map whose keys keep their order, as a Python dict does: the
// venue records adapters put in info, exec_algorithm_params. msgspec writes
// a dict in insertion order, which a Go map cannot hold. A nil Record
// encodes as null, an empty one as {}.
//
// Values are nil, bool, string, int, int64, uint64, float64, []string, []any
// and Record; decoding gives nil, bool, string, int64 (uint64 above
// MaxInt64), float64, []any and Record.
type Record []Field

// Field is one key and its value.
type Field struct {
	Key   string
	Value any
}

// Get returns the value of key and whether it is present.
func (r Record) Get(key string) (any, bool) {
	for _, f := range r {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

var errRecordValue = errors.New("record: unsupported value")

// AppendJSON implements codecs.JSONAppender.
func (r *Record) AppendJSON(dst []byte) ([]byte, error) {
	if *r == nil {
		return append(dst, "null"...), nil
	}
	return appendRecordJSON(dst, *r)
}

func appendRecordJSON(dst []byte, r Record) ([]byte, error) {
	dst = append(dst, '{')
	var err error
	for i, f := range r {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = codecs.AppendJSONString(dst, f.Key)
		dst = append(dst, ':')
		if dst, err = appendValueJSON(dst, f.Value); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

func appendValueJSON(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		if x {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case string:
		return codecs.AppendJSONString(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case float64:
		return codecs.AppendJSONFloat(dst, x), nil
	case Record:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return appendRecordJSON(dst, x)
	case []string:
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = codecs.AppendJSONString(dst, s)
		}
		return append(dst, ']'), nil
	case []any:
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		var err error
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendValueJSON(dst, e); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	}
	return dst, fmt.Errorf("%w %T", errRecordValue, v)
}

// AppendMsgpack appends r's msgpack encoding (codecs.MsgpackAppender).
func (r *Record) AppendMsgpack(dst []byte) ([]byte, error) {
	if *r == nil {
		return append(dst, 0xc0), nil
	}
	return appendRecordMsgpack(dst, *r)
}

// MarshalMsgpack implements msgpack.Marshaler for the reflection path.
func (r Record) MarshalMsgpack() ([]byte, error) { return r.AppendMsgpack(nil) }

func appendRecordMsgpack(dst []byte, r Record) ([]byte, error) {
	dst = mpMapLen(dst, len(r))
	var err error
	for _, f := range r {
		dst = mpStr(dst, f.Key)
		if dst, err = appendValueMsgpack(dst, f.Value); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

func appendValueMsgpack(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, 0xc0), nil
	case bool:
		return mpBool(dst, x), nil
	case string:
		return mpStr(dst, x), nil
	case int:
		return mpInt(dst, int64(x)), nil
	case int64:
		return mpInt(dst, x), nil
	case uint64:
		return mpUint(dst, x), nil
	case float64:
		return mpFloat(dst, x), nil
	case Record:
		if x == nil {
			return append(dst, 0xc0), nil
		}
		return appendRecordMsgpack(dst, x)
	case []string:
		if x == nil {
			return append(dst, 0xc0), nil
		}
		dst = mpArrayLen(dst, len(x))
		for _, s := range x {
			dst = mpStr(dst, s)
		}
		return dst, nil
	case []any:
		if x == nil {
			return append(dst, 0xc0), nil
		}
		dst = mpArrayLen(dst, len(x))
		var err error
		for _, e := range x {
			if dst, err = appendValueMsgpack(dst, e); err != nil {
				return dst, err
			}
		}
		return dst, nil
	}
	return dst, fmt.Errorf("%w %T", errRecordValue, v)
}

// UnmarshalMsgpack implements msgpack.Unmarshaler: a map (or nil) read with
// rbench's bounded reader, keys in wire order.
func (r *Record) UnmarshalMsgpack(data []byte) error {
	rd := mpReader{data: data, text: string(data)}
	v, err := rd.value(0)
	if err != nil {
		return err
	}
	if rd.pos != len(data) {
		return rd.fail("trailing bytes")
	}
	if err := r.set(v); err != nil {
		return fmt.Errorf("%w: %w", errMsgpack, err)
	}
	return nil
}

func (r *Record) set(v any) error {
	switch x := v.(type) {
	case nil:
		*r = nil
	case Record:
		*r = x
	default:
		return fmt.Errorf("record: want a map or null, got %T", v)
	}
	return nil
}

// UnmarshalJSON implements json.Unmarshaler, keeping the keys in order.
func (r *Record) UnmarshalJSON(data []byte) error {
	switch string(data) { // the common cases, without a json.Decoder
	case "null":
		*r = nil
		return nil
	case "{}":
		*r = Record{}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := jsonValue(dec, 0)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	return r.set(v)
}

// jsonValue reads one value from dec: objects as Record, numbers as int64
// when they are integers (as msgspec decodes them) and float64 otherwise.
func jsonValue(dec *json.Decoder, depth int) (any, error) {
	if depth > codecs.MaxDepth {
		return nil, fmt.Errorf("json: nested deeper than %d", codecs.MaxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			r := Record{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := jsonValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				r = append(r, Field{k, v})
			}
			_, err := dec.Token()
			return r, err
		case '[':
			a := []any{}
			for dec.More() {
				v, err := jsonValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		return nil, fmt.Errorf("json: unexpected %v", t)
	case json.Number:
		s := string(t)
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
		if u, err := strconv.ParseUint(s, 10, 64); err == nil {
			return u, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, err
		}
		return f, nil
	}
	return tok, nil // string, bool or nil
}

// value reads one value of any type (Record for maps), at most
// codecs.MaxDepth deep; every length is checked against the bytes left.
func (r *mpReader) value(depth int) (any, error) {
	if depth > codecs.MaxDepth {
		return nil, r.fail("nested too deep")
	}
	c, err := r.byte()
	if err != nil {
		return nil, err
	}
	switch {
	case c <= 0x7f:
		return int64(c), nil
	case c >= 0xe0:
		return int64(int8(c)), nil
	case c == 0xc0:
		return nil, nil
	case c == 0xc2:
		return false, nil
	case c == 0xc3:
		return true, nil
	case c&0xe0 == 0xa0 || c == 0xd9 || c == 0xda || c == 0xdb || c == 0xc4 || c == 0xc5 || c == 0xc6:
		r.pos--
		s, _, err := r.strBytes()
		if err != nil {
			return nil, err
		}
		return r.sub(s), nil
	case c&0xf0 == 0x80 || c == 0xde || c == 0xdf:
		r.pos--
		n, err := r.mapLen()
		if err != nil {
			return nil, err
		}
		rec := make(Record, 0, min(n, 64)) // grows with what is there, not with what the header claims
		for range n {
			k, ok, err := r.strBytes()
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, r.fail("nil map key")
			}
			key := r.sub(k)
			v, err := r.value(depth + 1)
			if err != nil {
				return nil, err
			}
			rec = append(rec, Field{key, v})
		}
		return rec, nil
	case c&0xf0 == 0x90 || c == 0xdc || c == 0xdd:
		var n uint64
		switch c {
		case 0xdc:
			n, err = r.n(2)
		case 0xdd:
			n, err = r.n(4)
		default:
			n = uint64(c & 0x0f)
		}
		if err != nil {
			return nil, err
		}
		if n > uint64(len(r.data)-r.pos) {
			return nil, r.fail("array length past the end")
		}
		a := make([]any, 0, min(n, 64))
		for range n {
			v, err := r.value(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		return a, nil
	case c == 0xca:
		u, err := r.n(4)
		return float64(math.Float32frombits(uint32(u))), err
	case c == 0xcb:
		u, err := r.n(8)
		return math.Float64frombits(u), err
	case c == 0xcc, c == 0xcd, c == 0xce, c == 0xcf:
		u, err := r.n(1 << (c - 0xcc))
		if u > math.MaxInt64 {
			return u, err
		}
		return int64(u), err
	case c == 0xd0:
		u, err := r.n(1)
		return int64(int8(u)), err
	case c == 0xd1:
		u, err := r.n(2)
		return int64(int16(u)), err
	case c == 0xd2:
		u, err := r.n(4)
		return int64(int32(u)), err
	case c == 0xd3:
		u, err := r.n(8)
		return int64(u), err
	}
	r.pos--
	return nil, r.fail(fmt.Sprintf("unsupported code %#x", c))
}
