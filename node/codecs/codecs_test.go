package codecs_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/rbench/rbench/node/codecs"
)

type sample struct {
	Type  string         `json:"type" msgpack:"type"`
	Price string         `json:"price" msgpack:"price"`
	Qty   *string        `json:"qty" msgpack:"qty"`
	N     int64          `json:"n" msgpack:"n"`
	Info  map[string]any `json:"info" msgpack:"info"`
}

func TestByName(t *testing.T) {
	tests := []struct {
		name, want string
		err        bool
	}{
		{"msgpack", "msgpack", false},
		{"json", "json", false},
		{" JSON ", "json", false},
		{"MsgPack", "msgpack", false},
		{"yaml", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		c, err := codecs.ByName(tt.name)
		if tt.err {
			if !errors.Is(err, codecs.ErrUnknownCodec) {
				t.Errorf("ByName(%q) err = %v, want ErrUnknownCodec", tt.name, err)
			}
			continue
		}
		if err != nil || c.Name() != tt.want {
			t.Errorf("ByName(%q) = %v, %v; want %s", tt.name, c, err, tt.want)
		}
	}
	if got := codecs.Names(); !reflect.DeepEqual(got, []string{"json", "msgpack"}) {
		t.Errorf("Names() = %v", got)
	}
}

func TestRoundTrip(t *testing.T) {
	q := "0.500"
	in := sample{Type: "X", Price: "2540.25", Qty: &q, N: 1705311012123456789, Info: map[string]any{}}
	for _, name := range codecs.Names() {
		c, _ := codecs.ByName(name)
		b, err := c.Encode(&in)
		if err != nil {
			t.Fatal(err)
		}
		var out sample
		if err := c.Decode(b, &out); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(in, out) {
			t.Errorf("%s: round trip\n got %+v\nwant %+v", name, out, in)
		}
		// AppendEncode keeps what dst held and adds the same bytes Encode gives.
		dst, err := c.AppendEncode([]byte("prefix"), &in)
		if err != nil || !bytes.Equal(dst, append([]byte("prefix"), b...)) {
			t.Errorf("%s: AppendEncode = %q, %v", name, dst, err)
		}
	}
}

// TestMsgpackIsAMap checks msgpack writes a map keyed by the JSON names, not
// an array, so other tools read it by name.
func TestMsgpackIsAMap(t *testing.T) {
	c, _ := codecs.ByName("msgpack")
	b, err := c.Encode(sample{Type: "X", Price: "1.00"})
	if err != nil {
		t.Fatal(err)
	}
	if b[0]&0xf0 != 0x80 { // fixmap
		t.Fatalf("first byte %#x is not a fixmap", b[0])
	}
	var m map[string]any
	if err := c.Decode(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"type", "price", "qty", "n", "info"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing from %v", k, m)
		}
	}
	// Trailing garbage after a complete value is an error, not silently ignored.
	if err := c.Decode(append(b, 0xc0), &m); !errors.Is(err, codecs.ErrDecode) {
		t.Errorf("trailing byte: err = %v", err)
	}
}

func TestJSONIsCompact(t *testing.T) {
	c, _ := codecs.ByName("json")
	b, _ := c.Encode(sample{Type: "EUR/USD&"})
	want := `{"type":"EUR/USD&","price":"","qty":null,"n":0,"info":null}`
	if string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
}

func TestDecodeBadBytes(t *testing.T) {
	bad := [][]byte{nil, {0xc1}, {0x85}, []byte("{"), {0xdf, 0xff, 0xff, 0xff, 0xff}, {0xdb, 0xff, 0xff, 0xff, 0xff}}
	for _, name := range codecs.Names() {
		c, _ := codecs.ByName(name)
		for _, b := range bad {
			var s sample
			if err := c.Decode(b, &s); !errors.Is(err, codecs.ErrDecode) {
				t.Errorf("%s.Decode(%x) err = %v, want ErrDecode", name, b, err)
			}
		}
	}
}

func fuzzDecode(f *testing.F, name string) {
	c, _ := codecs.ByName(name)
	seed, _ := c.Encode(sample{Type: "X", Price: "1.5", N: 7, Info: map[string]any{"a": []any{1, "b"}}})
	f.Add(seed)
	f.Add([]byte{0x80})
	f.Add([]byte(`{"type":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s sample
		errS := c.Decode(data, &s)
		var m map[string]any
		errM := c.Decode(data, &m)
		var a any
		errA := c.Decode(data, &a)
		for _, err := range []error{errS, errM, errA} {
			if err != nil && !errors.Is(err, codecs.ErrUndecodable) {
				t.Fatalf("error not wrapping ErrUndecodable: %v", err)
			}
		}
		// Whatever decodes must encode again.
		if errS == nil {
			if _, err := c.Encode(&s); err != nil {
				t.Fatalf("re-encode: %v", err)
			}
		}
	})
}

// TestHostileBytes: values Redis may hold that once crashed rbench, or
// could, decode to ErrUndecodable without allocating more than a little.
func TestHostileBytes(t *testing.T) {
	crasher := []byte{0xd7, 0xdf, 0xdf, 0xdf, 0xdf, 0xdf, 0xdf, 0x30, 0xc0, 0x30} // issue 15: fatal error: out of memory
	inInfo := append([]byte{0x82, 0xa4, 't', 'y', 'p', 'e', 0xa1, 'X', 0xa4, 'i', 'n', 'f', 'o'}, crasher...)
	deep := append(bytes.Repeat([]byte{0x91}, codecs.MaxDepth+1), 0xc0)
	deepJSON := []byte(strings.Repeat("[", codecs.MaxDepth+1) + strings.Repeat("]", codecs.MaxDepth+1))
	tests := []struct {
		name, codec string
		data        []byte
	}{
		{"ext fixext8 (the issue 15 crasher)", codecs.MsgPack, crasher},
		{"the crasher in a map's info", codecs.MsgPack, inInfo},
		{"map32 of 2^32-1 entries", codecs.MsgPack, []byte{0xdf, 0xff, 0xff, 0xff, 0xff}},
		{"map16 of 3 entries in 4 bytes", codecs.MsgPack, []byte{0xde, 0x00, 0x03, 0xa0, 0x00, 0xa0, 0x00}},
		{"array32 of 2^31 items", codecs.MsgPack, []byte{0xdd, 0x7f, 0xff, 0xff, 0xff, 0x00}},
		{"str32 of 4 GB", codecs.MsgPack, []byte{0xdb, 0xff, 0xff, 0xff, 0xff, 'a'}},
		{"bin32 of 4 GB", codecs.MsgPack, []byte{0xc6, 0xff, 0xff, 0xff, 0xff, 'a'}},
		{"ext32", codecs.MsgPack, []byte{0xc9, 0x00, 0x00, 0x00, 0x01, 0x05, 0x00}},
		{"arrays nested past MaxDepth", codecs.MsgPack, deep},
		{"arrays nested past MaxDepth", codecs.JSON, deepJSON},
		{"more than MaxPayloadBytes", codecs.MsgPack, append([]byte{0xc6, 0x00, 0x20, 0x00, 0x00}, make([]byte, 2<<20)...)},
		{"more than MaxPayloadBytes", codecs.JSON, []byte(`"` + strings.Repeat("x", codecs.MaxPayloadBytes) + `"`)},
	}
	for _, tt := range tests {
		c, _ := codecs.ByName(tt.codec)
		for _, target := range []any{new(sample), new(map[string]any), new(any)} {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := c.Decode(tt.data, target)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, codecs.ErrUndecodable) {
				t.Errorf("%s %s into %T: err = %v, want ErrUndecodable", tt.codec, tt.name, target, err)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
				t.Errorf("%s %s into %T: allocated %d bytes", tt.codec, tt.name, target, grew)
			}
		}
	}
	// Nesting up to MaxDepth is fine.
	ok := append(bytes.Repeat([]byte{0x91}, codecs.MaxDepth), 0xc0)
	m, _ := codecs.ByName(codecs.MsgPack)
	var v any
	if err := m.Decode(ok, &v); err != nil {
		t.Errorf("%d nested arrays: %v", codecs.MaxDepth, err)
	}
}

func FuzzDecodeJSON(f *testing.F)    { fuzzDecode(f, codecs.JSON) }
func FuzzDecodeMsgpack(f *testing.F) { fuzzDecode(f, codecs.MsgPack) }

func ExampleByName() {
	c, err := codecs.ByName("json")
	if err != nil {
		panic(err)
	}
	b, _ := c.Encode(map[string]any{"type": "Currency", "code": "USDT"})
	fmt.Println(string(b))
	_, err = codecs.ByName("xml")
	fmt.Println(err)
	// Output:
	// {"code":"USDT","type":"Currency"}
	// unknown encoding "xml": use one of json, msgpack
}
