package payloads_test

import (
	"bytes"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/payloads"
)

// The Rust goldens are what the Rust LiveNode writes for the examples'
// objects, made by testdata/upstream_rust.py (run by
// upstream_goldens.py) from its own model of serde, convert_timestamps and
// serde_json's sorted maps, never from rbench's output.

// rustCurrencyCodes are the codes of the currency examples, which the
// Python payload does not carry (its key does).
var rustCurrencyCodes = map[string]string{"currency": "USDT", "currency-fiat": "USD"}

// rustExamples are the examples in their Rust form, by golden name: every
// example, and the fill as a position list holds it.
func rustExamples(t *testing.T) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, e := range payloads.Examples(false) {
		v, err := payloads.ToRust(e.Value, rustCurrencyCodes[e.Name])
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		out[e.Name] = v
		if f, ok := e.Value.(*payloads.OrderFilled); ok {
			if out[e.Name+"-position"], err = payloads.ToRustFill(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

// TestRustGoldens: every example's Rust form encodes byte for byte as the
// Rust node writes it, under both codecs, decodes back to the same value
// and re-encodes to the same bytes.
func TestRustGoldens(t *testing.T) {
	if *update {
		runGoldenScript(t)
	}
	examples := rustExamples(t)
	for _, c := range allCodecs(t) {
		want := readGoldens(t, "upstream_rust", c.Name())
		for name, v := range examples {
			w, ok := want[name]
			if !ok {
				t.Errorf("%s has no golden in upstream_rust.%s.golden", name, c.Name())
				continue
			}
			got, err := c.Encode(v)
			if err != nil {
				t.Errorf("%s %s: %v", name, c.Name(), err)
				continue
			}
			if !bytes.Equal(got, w) {
				t.Errorf("%s %s differs from the Rust node's:\n%s", name, c.Name(), diffBytes(c.Name(), got, w))
			}
			back, err := payloads.DecodeRust(c, w)
			if err != nil {
				t.Errorf("%s %s: decode: %v", name, c.Name(), err)
				continue
			}
			if !reflect.DeepEqual(back, v) {
				t.Errorf("%s %s: decoded\n %+v\nwant %+v", name, c.Name(), back, v)
			}
			if again, err := c.Encode(back); err != nil || !bytes.Equal(again, w) {
				t.Errorf("%s %s: re-encoded %v:\n%s", name, c.Name(), err, diffBytes(c.Name(), again, w))
			}
		}
		for name := range want {
			if _, ok := examples[name]; !ok {
				t.Errorf("upstream_rust.%s.golden has %s, which the examples lack", c.Name(), name)
			}
		}
	}
}

// TestRustFieldsSorted: every Rust struct's fields are in the order
// serde_json's BTreeMap writes them, which the codecs follow.
func TestRustFieldsSorted(t *testing.T) {
	for _, v := range []any{payloads.RustOrderInitialized{}, payloads.RustOrderDenied{}, payloads.RustOrderEmulated{},
		payloads.RustOrderReleased{}, payloads.RustOrderSubmitted{}, payloads.RustOrderAccepted{},
		payloads.RustOrderRejected{}, payloads.RustOrderCanceled{}, payloads.RustOrderPendingCancel{},
		payloads.RustOrderModifyRejected{}, payloads.RustOrderUpdated{}, payloads.RustOrderFilled{},
		payloads.RustAccountBalance{}, payloads.RustMarginBalance{}, payloads.RustAccountState{},
		payloads.RustCurrencyPair{}, payloads.RustCryptoPerpetual{}, payloads.RustEquity{},
		payloads.RustFuturesContract{}, payloads.RustOrderSnapshot{}, payloads.RustPositionSnapshot{}} {
		rt := reflect.TypeOf(v)
		var keys []string
		for i := range rt.NumField() {
			k, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			if mk, _, _ := strings.Cut(rt.Field(i).Tag.Get("msgpack"), ","); mk != k {
				t.Errorf("%s.%s: json key %q, msgpack key %q", rt.Name(), rt.Field(i).Name, k, mk)
			}
			keys = append(keys, k)
		}
		if !sort.StringsAreSorted(keys) {
			t.Errorf("%s: keys %q are not sorted", rt.Name(), keys)
		}
	}
}

// TestRustTimestamps: convert_timestamps' form, nine digits and Z.
func TestRustTimestamps(t *testing.T) {
	for ns, want := range map[int64]string{
		0:                   "1970-01-01T00:00:00.000000000Z",
		1705311012000000000: "2024-01-15T09:30:12.000000000Z",
		1705311012123456789: "2024-01-15T09:30:12.123456789Z",
	} {
		if got := payloads.RustTimestamp(ns); got != want {
			t.Errorf("%d: %s, want %s", ns, got, want)
		}
	}
}

// TestDecodeRustRefuses: values that are no Rust payload, or an
// OrderEventAny with two variants, are undecodable.
func TestDecodeRustRefuses(t *testing.T) {
	jc, _ := codecs.ByName(codecs.JSON)
	for _, in := range []string{``, `{}`, `[]`, `5`, `""`, `{"Filled":{},"Accepted":{}}`, `{"Nope":{}}`,
		`{"type":"OrderAccepted"}`, `"` + strings.Repeat("x", 2<<20) + `"`} {
		if _, err := payloads.DecodeRust(jc, []byte(in)); !errors.Is(err, payloads.ErrUndecodable) {
			t.Errorf("%.40q: %v, want ErrUndecodable", in, err)
		}
	}
}

func FuzzDecodeRustJSON(f *testing.F)    { fuzzDecodeRust(f, codecs.JSON) }
func FuzzDecodeRustMsgpack(f *testing.F) { fuzzDecodeRust(f, codecs.MsgPack) }

// fuzzDecodeRust: DecodeRust never panics, every error wraps
// ErrUndecodable, and what decodes re-encodes to a fixed point.
func fuzzDecodeRust(f *testing.F, name string) {
	c, _ := codecs.ByName(name)
	var seeds [][]byte
	for _, e := range payloads.Examples(false) {
		v, err := payloads.ToRust(e.Value, "USDT")
		if err != nil {
			f.Fatal(err)
		}
		b, _ := c.Encode(v)
		seeds = append(seeds, b)
	}
	fuzzDecoder(f, c, seeds, func(data []byte) (any, error) { return payloads.DecodeRust(c, data) })
}
