package payloads_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/payloads"
	"github.com/vmihailenco/msgpack/v5"
)

// Whatever Redis returns is input. Every decoder of what Redis returns is
// fuzzed here: payloads.Decode under both codecs (type sniffing, the
// hand-written fast path, reflection), the fast path alone (callers of
// UnmarshalMsgpack skip the codec's pre-check), Sniff, Record and
// OrderOptions. Each must return an error wrapping ErrUndecodable, never
// panic, and never allocate more than the input warrants (the seeds in
// testdata/fuzz include the 10 bytes that made rbench die of "out of
// memory", issue 15). make test runs the seeds; a long run:
//
//	go test ./node/payloads -run '^$' -fuzz '^FuzzFastPath$' -fuzztime 60s

func FuzzDecodeJSON(f *testing.F)    { fuzzDecode(f, codecs.JSON) }
func FuzzDecodeMsgpack(f *testing.F) { fuzzDecode(f, codecs.MsgPack) }

func fuzzDecode(f *testing.F, name string) {
	c, _ := codecs.ByName(name)
	var seeds [][]byte
	for _, e := range payloads.Examples(false) {
		b, _ := c.Encode(e.Value)
		seeds = append(seeds, b)
	}
	fuzzDecoder(f, c, seeds, func(data []byte) (any, error) { return payloads.Decode(c, data) })
}

// fuzzDecoder: decode never panics, every error wraps ErrUndecodable, and
// a payload that decodes encodes again to a fixed point: it decodes to a
// value that encodes to the same bytes (bytes, not values: NaN != NaN, and
// JSON writes NaN as null). Decode and DecodeRust are fuzzed with it.
func fuzzDecoder(f *testing.F, c codecs.Codec, seeds [][]byte, decode func([]byte) (any, error)) {
	for _, b := range seeds {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := decode(data)
		if err != nil {
			if !errors.Is(err, payloads.ErrUndecodable) {
				t.Fatalf("error does not wrap ErrUndecodable: %v", err)
			}
			return
		}
		b, err := c.Encode(v)
		if err != nil {
			t.Fatalf("re-encode %T: %v", v, err)
		}
		v2, err := decode(b)
		if err != nil {
			t.Fatalf("re-decode %T: %v\n%q", v, err, b)
		}
		if b2, err := c.Encode(v2); err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("%T is not stable (%v):\n%q\n%q", v, err, b, b2)
		}
	})
}

// fastPath lists the types with a hand-written UnmarshalMsgpack.
func fastPath() []func() msgpack.Unmarshaler {
	return []func() msgpack.Unmarshaler{
		func() msgpack.Unmarshaler { return new(payloads.OrderFilled) },
		func() msgpack.Unmarshaler { return new(payloads.OrderSubmitted) },
		func() msgpack.Unmarshaler { return new(payloads.OrderAccepted) },
		func() msgpack.Unmarshaler { return new(payloads.OrderCanceled) },
		func() msgpack.Unmarshaler { return new(payloads.OrderExpired) },
		func() msgpack.Unmarshaler { return new(payloads.OrderTriggered) },
		func() msgpack.Unmarshaler { return new(payloads.OrderPendingUpdate) },
		func() msgpack.Unmarshaler { return new(payloads.OrderPendingCancel) },
		func() msgpack.Unmarshaler { return new(payloads.OrderInitialized) },
		func() msgpack.Unmarshaler { return new(payloads.AccountState) },
		func() msgpack.Unmarshaler { return new(payloads.PositionSnapshot) },
		func() msgpack.Unmarshaler { return new(payloads.Record) },
		func() msgpack.Unmarshaler { return new(payloads.OrderOptions) },
	}
}

// FuzzFastPath feeds the hand-written decoders directly, without the
// codec's pre-check.
func FuzzFastPath(f *testing.F) {
	m, _ := codecs.ByName(codecs.MsgPack)
	for _, e := range payloads.Examples(false) {
		b, _ := m.Encode(e.Value)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mk := range fastPath() {
			v := mk()
			err := v.UnmarshalMsgpack(data)
			if err != nil {
				if !errors.Is(err, payloads.ErrUndecodable) {
					t.Fatalf("%T: error does not wrap ErrUndecodable: %v", v, err)
				}
				continue
			}
			b, err := m.Encode(v)
			if err != nil {
				t.Fatalf("%T: re-encode: %v", v, err)
			}
			w := reflect.New(reflect.TypeOf(v).Elem()).Interface().(msgpack.Unmarshaler)
			if err := w.UnmarshalMsgpack(b); err != nil {
				t.Fatalf("%T: re-decode: %v", v, err)
			}
			if b2, err := m.Encode(w); err != nil || !bytes.Equal(b, b2) {
				t.Fatalf("%T is not stable (%v):\n%x\n%x", v, err, b, b2)
			}
		}
	})
}

// FuzzSniff: telling a payload's type never panics, and a kind it names
// is one of Kinds.
func FuzzSniff(f *testing.F) {
	for _, c := range []string{codecs.JSON, codecs.MsgPack} {
		codec, _ := codecs.ByName(c)
		for _, e := range payloads.Examples(false) {
			b, _ := codec.Encode(e.Value)
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := payloads.Sniff(data)
		if err != nil {
			if !errors.Is(err, payloads.ErrUndecodable) {
				t.Fatalf("error does not wrap ErrUndecodable: %v", err)
			}
			return
		}
		if _, err := payloads.KindByName(k.Name); err != nil {
			t.Fatalf("Sniff named %+v: %v", k, err)
		}
	})
}

// FuzzRecordJSON: an ordered record read from JSON writes back the same
// keys in the same order.
func FuzzRecordJSON(f *testing.F) {
	j, _ := codecs.ByName(codecs.JSON)
	for _, e := range payloads.Examples(false) {
		b, _ := j.Encode(e.Value)
		f.Add(b)
	}
	f.Add([]byte(`{"a":[1,2.5,"x",{"b":null}],"c":-9223372036854775808,"d":18446744073709551615,"e":1e400}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r payloads.Record
		if err := j.Decode(data, &r); err != nil {
			if !errors.Is(err, payloads.ErrUndecodable) {
				t.Fatalf("error does not wrap ErrUndecodable: %v", err)
			}
			return
		}
		b, err := j.Encode(&r)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		var r2 payloads.Record
		if err := j.Decode(b, &r2); err != nil {
			t.Fatalf("re-decode %s: %v", b, err)
		}
		if b2, _ := j.Encode(&r2); string(b2) != string(b) {
			t.Fatalf("not stable:\n%s\n%s", b, b2)
		}
	})
}
