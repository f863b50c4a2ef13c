// Package codecs turns payload values into the bytes a trading node stores in
// Redis and back: msgpack (the node's default encoding) and JSON.
//
// Both write what msgspec writes for the node's to_dict maps (see
// docs/payloads.md): maps keyed by the same snake_case strings in the
// struct's field order, integers in their shortest msgpack form, floats as
// float64, compact JSON. Decoding bad bytes returns an error wrapping
// ErrUndecodable; it never panics and never allocates more than the input's
// size warrants (validate.go).
//
// Codecs are safe for concurrent use.
package codecs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/vmihailenco/msgpack/v5"
)

// Codec encodes and decodes payload values.
type Codec interface {
	// Name is the encoding name used in keys, flags and results: "msgpack" or "json".
	Name() string
	// Encode returns v's encoding in a new slice.
	Encode(v any) ([]byte, error)
	// Decode decodes data into v, a non-nil pointer (a payload struct or *map[string]any).
	Decode(data []byte, v any) error
	// AppendEncode appends v's encoding to dst and returns the extended slice, so a
	// caller that reuses dst encodes without allocating a fresh buffer per value.
	AppendEncode(dst []byte, v any) ([]byte, error)
}

// Encoding names.
const (
	MsgPack = "msgpack"
	JSON    = "json"
)

// ErrUnknownCodec is returned by ByName for a name that is not a codec.
var ErrUnknownCodec = errors.New("unknown encoding")

// ErrUndecodable wraps every decoding failure: bytes that are not a value of
// the codec, or not one that fits (validate.go). Callers count it as one
// undecodable payload.
var ErrUndecodable = errors.New("payload does not decode")

// ErrDecode is ErrUndecodable under its older name.
var ErrDecode = ErrUndecodable

var registry = map[string]Codec{
	MsgPack: msgpackCodec{},
	JSON:    jsonCodec{},
}

// ByName returns the codec called name ("msgpack" or "json", case-insensitive).
func ByName(name string) (Codec, error) {
	if c, ok := registry[strings.ToLower(strings.TrimSpace(name))]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("%w %q: use one of %s", ErrUnknownCodec, name, strings.Join(Names(), ", "))
}

// Names lists the codec names in sorted order.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// decodeGuard turns a panic inside a third-party decoder into an error: fuzzing
// must never be able to crash a run that reads foreign data from Redis.
func decodeGuard(name string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w %s: malformed input: %v", ErrDecode, name, r)
	}
}

// wrapDecode wraps a decoder's error in ErrUndecodable, once.
func wrapDecode(codec string, err error) error {
	if errors.Is(err, ErrUndecodable) {
		return err
	}
	return fmt.Errorf("%w %s: %w", ErrUndecodable, codec, err)
}

// jsonCodec writes JSON as msgspec does (jsonenc.go) and reads it with
// encoding/json.
type jsonCodec struct{}

func (jsonCodec) Name() string { return JSON }

func (c jsonCodec) Encode(v any) ([]byte, error) { return c.AppendEncode(nil, v) }

func (jsonCodec) AppendEncode(dst []byte, v any) ([]byte, error) {
	out, err := AppendJSON(dst, v)
	if err != nil {
		return dst, fmt.Errorf("encode json: %w", err)
	}
	return out, nil
}

func (jsonCodec) Decode(data []byte, v any) (err error) {
	defer decodeGuard(JSON, &err)
	if err := checkJSON(data); err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return wrapDecode(JSON, err)
	}
	return nil
}

// msgpackCodec is vmihailenco/msgpack/v5 writing structs as maps keyed by their
// `msgpack` tags (the same names as the `json` tags).
type msgpackCodec struct{}

func (msgpackCodec) Name() string { return MsgPack }

func (c msgpackCodec) Encode(v any) ([]byte, error) { return c.AppendEncode(nil, v) }

type mpEnc struct {
	buf bytes.Buffer
	enc *msgpack.Encoder
}

var mpEncPool = sync.Pool{New: func() any {
	e := &mpEnc{}
	e.enc = msgpack.NewEncoder(&e.buf)
	return e
}}

// resetEncoder sets the options that make vmihailenco write what msgspec
// writes: integers in their shortest form (0 is one byte; msgspec
// mpack_encode_long), sorted keys for Go maps (which have no order).
func resetEncoder(e *mpEnc) {
	e.buf.Reset()
	e.enc.Reset(&e.buf)
	e.enc.UseCompactInts(true)
	e.enc.SetSortMapKeys(true)
}

// MsgpackAppender is implemented by types with a hand-written msgpack
// encoding (the hot payloads); the codec uses it instead of reflection. The
// bytes must equal the reflection encoding (a test checks).
type MsgpackAppender interface {
	AppendMsgpack(dst []byte) ([]byte, error)
}

func (msgpackCodec) AppendEncode(dst []byte, v any) ([]byte, error) {
	if a, ok := v.(MsgpackAppender); ok {
		out, err := a.AppendMsgpack(dst)
		if err != nil {
			return dst, fmt.Errorf("encode msgpack: %w", err)
		}
		return out, nil
	}
	e := mpEncPool.Get().(*mpEnc)
	defer mpEncPool.Put(e)
	resetEncoder(e)
	if err := e.enc.Encode(v); err != nil {
		return dst, fmt.Errorf("encode msgpack: %w", err)
	}
	return append(dst, e.buf.Bytes()...), nil
}

type mpDec struct {
	r   bytes.Reader
	dec *msgpack.Decoder
}

var mpDecPool = sync.Pool{New: func() any {
	d := &mpDec{}
	d.dec = msgpack.NewDecoder(&d.r)
	return d
}}

func (msgpackCodec) Decode(data []byte, v any) (err error) {
	defer decodeGuard(MsgPack, &err)
	if err := checkMsgpack(data); err != nil {
		return err
	}
	if u, ok := v.(msgpack.Unmarshaler); ok {
		if err := u.UnmarshalMsgpack(data); err != nil {
			return wrapDecode(MsgPack, err)
		}
		return nil
	}
	d := mpDecPool.Get().(*mpDec)
	defer mpDecPool.Put(d)
	d.r.Reset(data)
	d.dec.Reset(&d.r)
	if err := d.dec.Decode(v); err != nil {
		return wrapDecode(MsgPack, err)
	}
	if d.r.Len() != 0 {
		return fmt.Errorf("%w msgpack: %d trailing bytes after the value", ErrDecode, d.r.Len())
	}
	return nil
}
