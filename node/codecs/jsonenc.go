package codecs

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// The node's JSON is msgspec.json.encode of a dict (serialization/serializer.pyx:112):
// compact, keys in the dict's order, UTF-8 with only '"', '\' and control
// characters escaped (msgspec _core.c escape_table), floats in msgspec's own
// shortest form (ryu.h write_f64: 1.0, 0.0001, 1e16, 1.5e-07 is 1.5e-7),
// non-finite floats as null. encoding/json differs on floats (it writes 1
// for 1.0 and 1e+21) and escapes U+2028 and U+2029, so rbench writes its
// own: a reflection encoder with one cached plan per type.

// JSONAppender is implemented by types that write their own JSON (an
// ordered Record, OrderOptions). The method must have a pointer receiver and
// append exactly one compact JSON value.
type JSONAppender interface {
	AppendJSON(dst []byte) ([]byte, error)
}

// AppendJSON appends v's JSON encoding to dst, as msgspec writes it.
func AppendJSON(dst []byte, v any) ([]byte, error) {
	if a, ok := v.(JSONAppender); ok {
		return a.AppendJSON(dst)
	}
	if v == nil {
		return append(dst, "null"...), nil
	}
	rv := reflect.ValueOf(v)
	return encoderFor(rv.Type())(dst, rv)
}

type encFunc func(dst []byte, v reflect.Value) ([]byte, error)

var (
	encoders     sync.Map // reflect.Type -> encFunc
	appenderType = reflect.TypeFor[JSONAppender]()
)

// errUnsupported is wrapped when a value has no JSON form (a channel, a
// function, a map keyed by something other than strings).
var errUnsupported = errors.New("json: unsupported type")

func encoderFor(t reflect.Type) encFunc {
	if f, ok := encoders.Load(t); ok {
		return f.(encFunc)
	}
	// A recursive type reaches itself while its plan is being built: hand
	// out an indirection that waits for the finished plan.
	var (
		wg sync.WaitGroup
		f  encFunc
	)
	wg.Add(1)
	fi, loaded := encoders.LoadOrStore(t, encFunc(func(dst []byte, v reflect.Value) ([]byte, error) {
		wg.Wait()
		return f(dst, v)
	}))
	if loaded {
		return fi.(encFunc)
	}
	f = newEncoder(t)
	wg.Done()
	encoders.Store(t, f)
	return f
}

func newEncoder(t reflect.Type) encFunc {
	if reflect.PointerTo(t).Implements(appenderType) {
		return appenderEncoder
	}
	if t.Kind() == reflect.Pointer && t.Implements(appenderType) {
		return func(dst []byte, v reflect.Value) ([]byte, error) {
			if v.IsNil() {
				return append(dst, "null"...), nil
			}
			return v.Interface().(JSONAppender).AppendJSON(dst)
		}
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(dst []byte, v reflect.Value) ([]byte, error) {
			if v.Bool() {
				return append(dst, "true"...), nil
			}
			return append(dst, "false"...), nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(dst []byte, v reflect.Value) ([]byte, error) {
			return strconv.AppendInt(dst, v.Int(), 10), nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(dst []byte, v reflect.Value) ([]byte, error) {
			return strconv.AppendUint(dst, v.Uint(), 10), nil
		}
	case reflect.Float32, reflect.Float64:
		return func(dst []byte, v reflect.Value) ([]byte, error) {
			return AppendJSONFloat(dst, v.Float()), nil
		}
	case reflect.String:
		return func(dst []byte, v reflect.Value) ([]byte, error) {
			return AppendJSONString(dst, v.String()), nil
		}
	case reflect.Interface:
		return func(dst []byte, v reflect.Value) ([]byte, error) {
			if v.IsNil() {
				return append(dst, "null"...), nil
			}
			e := v.Elem()
			return encoderFor(e.Type())(dst, e)
		}
	case reflect.Pointer:
		elem := t.Elem()
		return func(dst []byte, v reflect.Value) ([]byte, error) {
			if v.IsNil() {
				return append(dst, "null"...), nil
			}
			return encoderFor(elem)(dst, v.Elem())
		}
	case reflect.Slice, reflect.Array:
		elem := t.Elem()
		nilable := t.Kind() == reflect.Slice
		return func(dst []byte, v reflect.Value) ([]byte, error) {
			if nilable && v.IsNil() {
				return append(dst, "null"...), nil
			}
			enc := encoderFor(elem)
			dst = append(dst, '[')
			var err error
			for i := range v.Len() {
				if i > 0 {
					dst = append(dst, ',')
				}
				if dst, err = enc(dst, v.Index(i)); err != nil {
					return dst, err
				}
			}
			return append(dst, ']'), nil
		}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return unsupported(t)
		}
		elem := t.Elem()
		return func(dst []byte, v reflect.Value) ([]byte, error) {
			if v.IsNil() {
				return append(dst, "null"...), nil
			}
			// A Go map has no order; sorted keys keep the bytes the same run to run.
			keys := v.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int {
				if a.String() < b.String() {
					return -1
				}
				if a.String() > b.String() {
					return 1
				}
				return 0
			})
			enc := encoderFor(elem)
			dst = append(dst, '{')
			var err error
			for i, k := range keys {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = AppendJSONString(dst, k.String())
				dst = append(dst, ':')
				if dst, err = enc(dst, v.MapIndex(k)); err != nil {
					return dst, err
				}
			}
			return append(dst, '}'), nil
		}
	case reflect.Struct:
		return structEncoder(t)
	}
	return unsupported(t)
}

func unsupported(t reflect.Type) encFunc {
	return func(dst []byte, _ reflect.Value) ([]byte, error) {
		return dst, fmt.Errorf("%w %s", errUnsupported, t)
	}
}

// appenderEncoder calls a pointer-receiver AppendJSON; a value that is not
// addressable (a struct passed by value, an element of an interface) is
// copied first.
func appenderEncoder(dst []byte, v reflect.Value) ([]byte, error) {
	if !v.CanAddr() {
		c := reflect.New(v.Type())
		c.Elem().Set(v)
		v = c.Elem()
	}
	return v.Addr().Interface().(JSONAppender).AppendJSON(dst)
}

type field struct {
	index     int
	key       []byte // "name": with its quotes and colon
	omitEmpty bool
	typ       reflect.Type
}

// structEncoder writes the exported fields in declaration order, named by
// their json tags; omitempty leaves out nil pointers, slices, maps and
// interfaces (the keys upstream only adds when it has a value).
func structEncoder(t reflect.Type) encFunc {
	var fields []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, opts, _ := cutComma(sf.Tag.Get("json"))
		if name == "-" && opts == "" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		key := AppendJSONString(nil, name)
		fields = append(fields, field{index: i, key: append(key, ':'), omitEmpty: hasOpt(opts, "omitempty"), typ: sf.Type})
	}
	return func(dst []byte, v reflect.Value) ([]byte, error) {
		dst = append(dst, '{')
		first := true
		var err error
		for i := range fields {
			f := &fields[i]
			fv := v.Field(f.index)
			if f.omitEmpty && isEmpty(fv) {
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = append(dst, f.key...)
			if dst, err = encoderFor(f.typ)(dst, fv); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	}
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Slice, reflect.Map, reflect.String, reflect.Array:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	}
	return false
}

func cutComma(tag string) (name, opts string, found bool) {
	for i := 0; i < len(tag); i++ {
		if tag[i] == ',' {
			return tag[:i], tag[i+1:], true
		}
	}
	return tag, "", false
}

func hasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = cutComma(opts)
		if o == want {
			return true
		}
	}
	return false
}

// AppendJSONString appends s as a JSON string the way msgspec escapes it:
// '"' and '\' with a backslash, \b \t \n \f \r by name, the other control
// characters as \u00XX (lower-case hex), everything else as UTF-8 bytes.
// Invalid UTF-8, which a Python str cannot hold, becomes U+FFFD.
func AppendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\ufffd"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendJSONFloat appends f as msgspec writes a float (ryu.h write_f64): the
// shortest digits that read back as f; plain notation with at least one
// fractional digit from 1e-5 up to 1e16 ("1.0", "0.00001", "2540.25"),
// otherwise d.ddde±n with no '+' and no leading zero in the exponent
// ("1e16", "1.5e-7"); NaN and infinities as null.
func AppendJSONFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], f, 'e', -1, 64) // [-]d[.ddd]e±XX
	if b[0] == '-' {
		dst = append(dst, '-')
		b = b[1:]
	}
	epos := 0
	for epos < len(b) && b[epos] != 'e' {
		epos++
	}
	var digits [24]byte
	n := 0
	for _, c := range b[:epos] {
		if c != '.' {
			digits[n] = c
			n++
		}
	}
	exp, _ := strconv.Atoi(string(b[epos+1:])) // f = d.ddd x 10^exp
	d := digits[:n]
	kk := exp + 1 // position of the decimal point after the first digit
	k := kk - n   // f = digits x 10^k
	switch {
	case k >= 0 && kk <= 16: // XYZ00.0
		dst = append(dst, d...)
		for range k {
			dst = append(dst, '0')
		}
		return append(dst, '.', '0')
	case kk > 0 && kk <= 16: // XY.Z
		dst = append(dst, d[:kk]...)
		dst = append(dst, '.')
		return append(dst, d[kk:]...)
	case kk > -5 && kk <= 0: // 0.0XYZ
		dst = append(dst, '0', '.')
		for range -kk {
			dst = append(dst, '0')
		}
		return append(dst, d...)
	}
	dst = append(dst, d[0])
	if n > 1 {
		dst = append(dst, '.')
		dst = append(dst, d[1:]...)
	}
	dst = append(dst, 'e')
	return strconv.AppendInt(dst, int64(kk-1), 10)
}
