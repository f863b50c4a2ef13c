package payloads

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Hand-written msgpack for the events a node writes most (order events and
// fills): the reflection path of vmihailenco/msgpack costs several times
// more. The bytes are identical to the reflection encoding (a test checks),
// so readers cannot tell which path wrote them.

// errMsgpack is wrapped by every hand-written decoding error; it is
// ErrUndecodable's, so a caller of UnmarshalMsgpack counts it too.
var errMsgpack = fmt.Errorf("%w: msgpack", ErrUndecodable)

func mpMapLen(b []byte, n int) []byte {
	switch {
	case n <= 15:
		return append(b, 0x80|byte(n))
	case n <= math.MaxUint16:
		return append(b, 0xde, byte(n>>8), byte(n))
	}
	return append(b, 0xdf, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

func mpArrayLen(b []byte, n int) []byte {
	switch {
	case n <= 15:
		return append(b, 0x90|byte(n))
	case n <= math.MaxUint16:
		return append(b, 0xdc, byte(n>>8), byte(n))
	}
	return append(b, 0xdd, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// mpUint writes v in its shortest form, as msgspec does (mpack_encode_long):
// positive fixint below 128, then uint8, uint16, uint32, uint64.
func mpUint(b []byte, v uint64) []byte {
	switch {
	case v < 1<<7:
		return append(b, byte(v))
	case v < 1<<8:
		return append(b, 0xcc, byte(v))
	case v < 1<<16:
		return append(b, 0xcd, byte(v>>8), byte(v))
	case v < 1<<32:
		return append(b, 0xce, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xcf), v)
}

// mpInt writes v in its shortest form: non-negative values as mpUint,
// negative ones as negative fixint from -32, then int8, int16, int32, int64.
func mpInt(b []byte, v int64) []byte {
	switch {
	case v >= 0:
		return mpUint(b, uint64(v))
	case v >= -32:
		return append(b, byte(v))
	case v >= math.MinInt8:
		return append(b, 0xd0, byte(v))
	case v >= math.MinInt16:
		return append(b, 0xd1, byte(v>>8), byte(v))
	case v >= math.MinInt32:
		return append(b, 0xd2, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(v))
}

// mpFloat writes v as float64, as msgspec always does (mpack_encode_float).
func mpFloat(b []byte, v float64) []byte {
	return binary.BigEndian.AppendUint64(append(b, 0xcb), math.Float64bits(v))
}

func mpStr(b []byte, s string) []byte {
	n := len(s)
	switch {
	case n <= 31:
		b = append(b, 0xa0|byte(n))
	case n <= math.MaxUint8:
		b = append(b, 0xd9, byte(n))
	case n <= math.MaxUint16:
		b = append(b, 0xda, byte(n>>8), byte(n))
	default:
		b = append(b, 0xdb, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, s...)
}

func mpStrPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, 0xc0)
	}
	return mpStr(b, *s)
}

func mpBool(b []byte, v bool) []byte {
	if v {
		return append(b, 0xc3)
	}
	return append(b, 0xc2)
}

// mpReader reads one msgpack value at a time from data.
type mpReader struct {
	data []byte
	// text is data as one string: decoded strings are substrings of it, so a
	// payload costs one string allocation instead of one per field.
	text string
	pos  int
}

func (r *mpReader) fail(what string) error {
	return fmt.Errorf("%w: %s at byte %d", errMsgpack, what, r.pos)
}

func (r *mpReader) byte() (byte, error) {
	if r.pos >= len(r.data) {
		return 0, r.fail("unexpected end of input")
	}
	c := r.data[r.pos]
	r.pos++
	return c, nil
}

func (r *mpReader) n(size int) (uint64, error) {
	if len(r.data)-r.pos < size {
		return 0, r.fail("truncated length")
	}
	var v uint64
	switch size {
	case 1:
		v = uint64(r.data[r.pos])
	case 2:
		v = uint64(binary.BigEndian.Uint16(r.data[r.pos:]))
	case 4:
		v = uint64(binary.BigEndian.Uint32(r.data[r.pos:]))
	case 8:
		v = binary.BigEndian.Uint64(r.data[r.pos:])
	}
	r.pos += size
	return v, nil
}

func (r *mpReader) mapLen() (int, error) {
	c, err := r.byte()
	if err != nil {
		return 0, err
	}
	var n uint64
	switch {
	case c&0xf0 == 0x80:
		return int(c & 0x0f), nil
	case c == 0xde:
		n, err = r.n(2)
	case c == 0xdf:
		n, err = r.n(4)
	default:
		r.pos--
		return 0, r.fail(fmt.Sprintf("want a map, got code %#x", c))
	}
	if err == nil && n > uint64(len(r.data)-r.pos)/2 {
		return 0, r.fail("map length past the end")
	}
	return int(n), err
}

// strBytes reads a string (or nil, as ok=false) without copying.
func (r *mpReader) strBytes() (s []byte, ok bool, err error) {
	c, err := r.byte()
	if err != nil {
		return nil, false, err
	}
	var n uint64
	switch {
	case c == 0xc0:
		return nil, false, nil
	case c&0xe0 == 0xa0:
		n = uint64(c & 0x1f)
	case c == 0xd9 || c == 0xc4:
		n, err = r.n(1)
	case c == 0xda || c == 0xc5:
		n, err = r.n(2)
	case c == 0xdb || c == 0xc6:
		n, err = r.n(4)
	default:
		r.pos--
		return nil, false, r.fail(fmt.Sprintf("want a string, got code %#x", c))
	}
	if err != nil {
		return nil, false, err
	}
	if n > uint64(len(r.data)-r.pos) {
		return nil, false, r.fail("string past the end")
	}
	s = r.data[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return s, true, nil
}

// sub returns the decoded string s (a subslice of data) as a substring of text.
func (r *mpReader) sub(s []byte) string {
	end := r.pos
	return r.text[end-len(s) : end]
}

func (r *mpReader) str(dst *string) error {
	s, ok, err := r.strBytes()
	if err == nil {
		*dst = ""
		if ok {
			*dst = r.sub(s)
		}
	}
	return err
}

func (r *mpReader) strPtr(dst **string) error {
	s, ok, err := r.strBytes()
	if err != nil {
		return err
	}
	if !ok {
		*dst = nil
		return nil
	}
	v := r.sub(s)
	*dst = &v
	return nil
}

func (r *mpReader) bool(dst *bool) error {
	c, err := r.byte()
	if err != nil {
		return err
	}
	switch c {
	case 0xc2, 0xc0:
		*dst = false
	case 0xc3:
		*dst = true
	default:
		r.pos--
		return r.fail(fmt.Sprintf("want a bool, got code %#x", c))
	}
	return nil
}

// record reads a map (or nil) into a Record, keys in wire order.
func (r *mpReader) record(dst *Record) error {
	start := r.pos
	v, err := r.value(1)
	if err != nil {
		return err
	}
	if err := dst.set(v); err != nil {
		r.pos = start
		return r.fail(err.Error())
	}
	return nil
}

// int64 reads an integer of any width (or nil, as 0).
func (r *mpReader) int64(dst *int64) error {
	start := r.pos
	v, err := r.value(1)
	if err != nil {
		return err
	}
	switch x := v.(type) {
	case nil:
		*dst = 0
	case int64:
		*dst = x
	default:
		r.pos = start
		return r.fail(fmt.Sprintf("want an integer, got %T", v))
	}
	return nil
}

// skip steps over one complete value of any type.
func (r *mpReader) skip() error {
	pending := 1
	for pending > 0 {
		c, err := r.byte()
		if err != nil {
			return err
		}
		pending--
		var skip uint64
		switch {
		case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		case c&0xf0 == 0x80:
			pending += 2 * int(c&0x0f)
		case c&0xf0 == 0x90:
			pending += int(c & 0x0f)
		case c&0xe0 == 0xa0:
			skip = uint64(c & 0x1f)
		case c == 0xc4 || c == 0xd9:
			skip, err = r.n(1)
		case c == 0xc5 || c == 0xda:
			skip, err = r.n(2)
		case c == 0xc6 || c == 0xdb:
			skip, err = r.n(4)
		case c == 0xc7:
			skip, err = r.n(1)
			skip++
		case c == 0xc8:
			skip, err = r.n(2)
			skip++
		case c == 0xc9:
			skip, err = r.n(4)
			skip++
		case c == 0xca || c == 0xce || c == 0xd2:
			skip = 4
		case c == 0xcb || c == 0xcf || c == 0xd3:
			skip = 8
		case c == 0xcc || c == 0xd0:
			skip = 1
		case c == 0xcd || c == 0xd1:
			skip = 2
		case c >= 0xd4 && c <= 0xd8:
			skip = 1 + 1<<(c-0xd4)
		case c == 0xdc || c == 0xde:
			var n uint64
			n, err = r.n(2)
			if c == 0xde {
				n *= 2
			}
			pending += int(n)
		case c == 0xdd || c == 0xdf:
			var n uint64
			n, err = r.n(4)
			if c == 0xdf {
				n *= 2
			}
			pending += int(n)
		default:
			return r.fail(fmt.Sprintf("invalid code %#x", c))
		}
		if err != nil {
			return err
		}
		if skip > uint64(len(r.data)-r.pos) || pending > len(r.data)-r.pos+1 {
			return r.fail("value past the end")
		}
		r.pos += int(skip)
	}
	return nil
}

// decodeFields reads a map, calling field for each key; field returns false
// for keys it does not know, which are skipped.
func decodeFields(data []byte, field func(r *mpReader, key []byte) (bool, error)) error {
	return decodeFieldsOf(&mpReader{data: data, text: string(data)}, field)
}

// decodeFieldsOf is decodeFields over a prepared reader (Sniff's has no
// text: it decodes no strings, so it need not copy the payload).
func decodeFieldsOf(r *mpReader, field func(r *mpReader, key []byte) (bool, error)) error {
	if err := r.fields(field); err != nil {
		return err
	}
	if r.pos != len(r.data) {
		return r.fail("trailing bytes")
	}
	return nil
}

// fields reads the map at the reader's position, calling field for each
// key; field returns false for keys it does not know, which are skipped.
func (r *mpReader) fields(field func(r *mpReader, key []byte) (bool, error)) error {
	n, err := r.mapLen()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		k, ok, err := r.strBytes()
		if err != nil {
			return err
		}
		if !ok {
			return r.fail("nil map key")
		}
		known, err := field(r, k)
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		if !known {
			if err := r.skip(); err != nil {
				return err
			}
		}
	}
	return nil
}

// arrayLen reads an array header, or nil as -1.
func (r *mpReader) arrayLen() (int, error) {
	c, err := r.byte()
	if err != nil {
		return 0, err
	}
	var n uint64
	switch {
	case c == 0xc0:
		return -1, nil
	case c&0xf0 == 0x90:
		return int(c & 0x0f), nil
	case c == 0xdc:
		n, err = r.n(2)
	case c == 0xdd:
		n, err = r.n(4)
	default:
		r.pos--
		return 0, r.fail(fmt.Sprintf("want an array, got code %#x", c))
	}
	if err == nil && n > uint64(len(r.data)-r.pos) {
		return 0, r.fail("array length past the end")
	}
	return int(n), err
}

// strs reads an array of strings (or nil).
func (r *mpReader) strs(dst *[]string) error {
	n, err := r.arrayLen()
	if err != nil || n < 0 {
		*dst = nil
		return err
	}
	out := make([]string, 0, min(n, 64))
	for range n {
		var s string
		if err := r.str(&s); err != nil {
			return err
		}
		out = append(out, s)
	}
	*dst = out
	return nil
}

// float reads a float (or nil, as 0).
func (r *mpReader) float(dst *float64) error {
	c, err := r.byte()
	if err != nil {
		return err
	}
	switch c {
	case 0xc0:
		*dst = 0
	case 0xcb:
		u, err := r.n(8)
		*dst = math.Float64frombits(u)
		return err
	case 0xca:
		u, err := r.n(4)
		*dst = float64(math.Float32frombits(uint32(u)))
		return err
	default:
		r.pos--
		return r.fail(fmt.Sprintf("want a float, got code %#x", c))
	}
	return nil
}

func mpStrs(b []byte, v []string) []byte {
	if v == nil {
		return append(b, 0xc0)
	}
	b = mpArrayLen(b, len(v))
	for _, s := range v {
		b = mpStr(b, s)
	}
	return b
}
