package payloads_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/node/scenario"
	"github.com/vmihailenco/msgpack/v5"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func allCodecs(t testing.TB) []codecs.Codec {
	var cs []codecs.Codec
	for _, n := range codecs.Names() {
		c, err := codecs.ByName(n)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	return cs
}

func sample(t testing.TB, kind string, seed int64) any {
	t.Helper()
	v, err := scenario.Sample(kind, scenario.Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRoundTrip is the property decode(encode(x)) == x, over every payload
// of a generated history and every example, under both codecs and both
// timestamp modes.
func TestRoundTrip(t *testing.T) {
	seen := map[string]int{}
	check := func(t *testing.T, v any) {
		typ := payloads.TypeOf(v)
		seen[typ]++
		for _, codec := range allCodecs(t) {
			b, err := codec.Encode(v)
			if err != nil {
				t.Fatalf("%s encode %s: %v", codec.Name(), typ, err)
			}
			got, err := payloads.Decode(codec, b)
			if err != nil {
				t.Fatalf("%s decode %s: %v", codec.Name(), typ, err)
			}
			if !reflect.DeepEqual(got, v) {
				t.Fatalf("%s round trip of %s differs:\n got %+v\nwant %+v", codec.Name(), typ, got, v)
			}
		}
	}
	for _, iso := range []bool{false, true} {
		cfg := node.DefaultConfig()
		cfg.SnapshotPositions, cfg.SnapshotOrders, cfg.TimestampsISO8601 = true, true, iso
		g := scenario.New(scenario.Options{Seed: 11, Orders: 400, Node: cfg})
		for c := range g.All() {
			if c.Payload != nil {
				check(t, c.Payload)
			}
		}
		for _, e := range payloads.Examples(iso) {
			check(t, e.Value)
		}
	}
	for _, k := range payloads.Kinds {
		if seen[k.Type] == 0 {
			t.Errorf("no %s checked", k.Type)
		}
	}
}

// TestSameKeysBothCodecs checks msgpack and JSON carry the same key names in
// the same order (struct order), so tools can read either.
func TestSameKeysBothCodecs(t *testing.T) {
	j, _ := codecs.ByName(codecs.JSON)
	m, _ := codecs.ByName(codecs.MsgPack)
	for _, e := range payloads.Examples(false) {
		jb, _ := j.Encode(e.Value)
		mb, _ := m.Encode(e.Value)
		var jm, mm map[string]any
		if err := j.Decode(jb, &jm); err != nil {
			t.Fatal(err)
		}
		if err := m.Decode(mb, &mm); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(keys(jm), keys(mm)) {
			t.Errorf("%s: json keys %v, msgpack keys %v", e.Name, keys(jm), keys(mm))
		}
		k, _ := payloads.KindByName(e.Kind)
		if jm["type"] != nil && (jm["type"] != k.Wire || mm["type"] != k.Wire) {
			t.Errorf("%s: type %v / %v, want %q", e.Name, jm["type"], mm["type"], k.Wire)
		}
	}
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sortStrings(ks)
	return ks
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Reference sizes (compact JSON / msgpack bytes) from
// ../shared/reference/trading-cache-model.md.
var referenceSizes = map[string][2]int{
	"order-initialized": {769, 624},
	"order-submitted":   {308, 273},
	"order-accepted":    {369, 323},
	"order-filled":      {604, 521},
	"account-state":     {618, 510},
	"crypto-perpetual":  {626, 513},
	"currency-pair":     {511, 403},
	"equity":            {363, 274},
	"futures-contract":  {572, 438},
	"position-snapshot": {739, 642},
}

func TestSizesNearReference(t *testing.T) {
	j, _ := codecs.ByName(codecs.JSON)
	m, _ := codecs.ByName(codecs.MsgPack)
	for kind, ref := range referenceSizes {
		for _, seed := range []int64{1, 7, 42} {
			v := sample(t, kind, seed)
			jb, _ := j.Encode(v)
			mb, _ := m.Encode(v)
			for i, n := range []int{len(jb), len(mb)} {
				if d := float64(n-ref[i]) / float64(ref[i]); d > 0.15 || d < -0.15 {
					t.Errorf("%s seed %d: %s size %d is %+.0f%% off the reference %d", kind, seed, []string{"json", "msgpack"}[i], n, d*100, ref[i])
				}
			}
		}
	}
}

// TestReferenceFields checks each sample carries exactly the reference
// example's keys, in its order.
func TestReferenceFields(t *testing.T) {
	ref := map[string]string{
		"order-initialized": `{"type":"OrderInitialized","trader_id":"TRADER-001","strategy_id":"EMACross-001","instrument_id":"ETHUSDT-PERP.BINANCE","client_order_id":"O-20240115-093012-001-001-1","order_side":"BUY","order_type":"LIMIT","quantity":"0.500","time_in_force":"GTC","post_only":false,"reduce_only":false,"quote_quantity":false,"options":{"price":"2540.25","display_qty":null,"expire_time_ns":0},"emulation_trigger":"NO_TRIGGER","trigger_instrument_id":null,"contingency_type":"NO_CONTINGENCY","order_list_id":null,"linked_order_ids":null,"parent_order_id":null,"exec_algorithm_id":null,"exec_algorithm_params":null,"exec_spawn_id":null,"tags":null,"event_id":"8f1c0f6e-3b1a-4c55-9a57-2f0d8e6b7c21","ts_init":"1705311012123456789","ts_event":"1705311012123456789","reconciliation":false}`,
		"order-filled":      `{"type":"OrderFilled","trader_id":"TRADER-001","strategy_id":"EMACross-001","instrument_id":"ETHUSDT-PERP.BINANCE","client_order_id":"O-20240115-093012-001-001-1","venue_order_id":"8389765701234567890","account_id":"BINANCE-001","trade_id":"3141592653","position_id":"ETHUSDT-PERP.BINANCE-EMACross-001","order_side":"BUY","order_type":"LIMIT","last_qty":"0.500","last_px":"2540.25","currency":"USDT","commission":"0.25402500 USDT","liquidity_side":"MAKER","event_id":"5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d","ts_event":"1705311013001234567","ts_init":"1705311013001234567","info":{},"reconciliation":false}`,
		"account-state":     `{"type":"AccountState","account_id":"BINANCE-001","account_type":"MARGIN","base_currency":null,"balances":[{"type":"AccountBalance","total":"10000.00000000","locked":"127.01250000","free":"9872.98750000","currency":"USDT"}],"margins":[{"type":"MarginBalance","initial":"127.01250000","maintenance":"44.45437500","currency":"USDT","instrument_id":"ETHUSDT-PERP.BINANCE"}],"reported":true,"info":{},"event_id":"1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b","ts_event":"1705311013001234567","ts_init":"1705311013001234567"}`,
		"crypto-perpetual":  `{"type":"CryptoPerpetual","id":"ETHUSDT-PERP.BINANCE","raw_symbol":"ETHUSDT","base_currency":"ETH","quote_currency":"USDT","settlement_currency":"USDT","is_inverse":false,"price_precision":2,"price_increment":"0.01","size_precision":3,"size_increment":"0.001","multiplier":"1","lot_size":"1","max_quantity":"10000.000","min_quantity":"0.001","max_notional":null,"min_notional":"10.00000000 USDT","max_price":"152588.43","min_price":"29.91","margin_init":"1.00","margin_maint":"0.35","maker_fee":"0.0002","taker_fee":"0.0004","ts_event":"1646199312128000000","ts_init":"1646199342953849862","tick_scheme_name":null,"info":null}`,
	}
	j, _ := codecs.ByName(codecs.JSON)
	for kind, want := range ref {
		b, _ := j.Encode(sample(t, kind, 7))
		if got, want := orderedKeys(t, b), orderedKeys(t, []byte(want)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s keys:\n got %v\nwant %v", kind, got, want)
		}
	}
}

// orderedKeys lists an object's top-level keys in document order.
func orderedKeys(t *testing.T, b []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var ks []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		ks = append(ks, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return ks
}

func TestDecodeUnknownType(t *testing.T) {
	j, _ := codecs.ByName(codecs.JSON)
	for _, in := range []string{`{"type":"Bar"}`, `{}`, `{"type":7}`, `[]`} {
		if _, err := payloads.Decode(j, []byte(in)); err == nil {
			t.Errorf("Decode(%s) succeeded", in)
		}
	}
	if _, err := payloads.Decode(j, []byte(`{"type":"Bar"}`)); !errors.Is(err, payloads.ErrUnknownType) {
		t.Errorf("err = %v, want ErrUnknownType", err)
	}
	if _, err := payloads.KindByName("order-filed"); !errors.Is(err, payloads.ErrUnknownType) || !strings.Contains(err.Error(), "order-filled") {
		t.Errorf("KindByName typo: %v", err)
	}
}

func ExampleDecode() {
	c, _ := codecs.ByName("json")
	v, err := payloads.Decode(c, []byte(`{"precision":8,"iso4217":0,"name":"Tether","currency_type":"CRYPTO"}`))
	if err != nil {
		panic(err)
	}
	cur := v.(*payloads.Currency)
	fmt.Println(cur.Name, cur.Precision, cur.CurrencyType)
	// Output: Tether 8 CRYPTO
}

func ExampleFormatMoney() {
	fmt.Println(payloads.FormatMoney(25402500, 8, "USDT"))
	fmt.Println(payloads.FormatFixed(254025, 2), payloads.FormatTimestamp(1705311012123456789, true))
	// Output:
	// 0.25402500 USDT
	// 2540.25 2024-01-15T09:30:12.123456789Z
}

// Plain copies of the hand-encoded types: no methods, so msgpack uses reflection.
type (
	plainFilled        payloads.OrderFilled
	plainSubmitted     payloads.OrderSubmitted
	plainAccepted      payloads.OrderAccepted
	plainCanceled      payloads.OrderCanceled
	plainExpired       payloads.OrderExpired
	plainTriggered     payloads.OrderTriggered
	plainPendingUpdate payloads.OrderPendingUpdate
	plainPendingCancel payloads.OrderPendingCancel
	plainInitialized   payloads.OrderInitialized
	plainAccountState  payloads.AccountState
)

// plainOf returns v as its plain copy, or nil for a type without a fast path.
func plainOf(v any) any {
	switch p := v.(type) {
	case *payloads.OrderFilled:
		return (*plainFilled)(p)
	case *payloads.OrderSubmitted:
		return (*plainSubmitted)(p)
	case *payloads.OrderAccepted:
		return (*plainAccepted)(p)
	case *payloads.OrderCanceled:
		return (*plainCanceled)(p)
	case *payloads.OrderExpired:
		return (*plainExpired)(p)
	case *payloads.OrderTriggered:
		return (*plainTriggered)(p)
	case *payloads.OrderPendingUpdate:
		return (*plainPendingUpdate)(p)
	case *payloads.OrderPendingCancel:
		return (*plainPendingCancel)(p)
	case *payloads.OrderInitialized:
		return (*plainInitialized)(p)
	case *payloads.AccountState:
		return (*plainAccountState)(p)
	}
	return nil
}

// TestHandWrittenMsgpackMatchesReflection checks the fast paths write the
// exact bytes the reflection encoder writes, and read them back the same.
func TestHandWrittenMsgpackMatchesReflection(t *testing.T) {
	m, _ := codecs.ByName(codecs.MsgPack)
	n := 0
	var all []any
	for c := range scenario.New(scenario.Options{Seed: 4, Orders: 200}).All() {
		all = append(all, c.Payload)
	}
	for _, e := range payloads.Examples(false) {
		all = append(all, e.Value)
	}
	for _, v := range all {
		plain := plainOf(v)
		if plain == nil {
			continue
		}
		n++
		fast, err := m.Encode(v)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := reflectMsgpack(plain)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast, slow) {
			t.Fatalf("%T: hand-written %x\nreflection %x", v, fast, slow)
		}
		// The reflection decoder reads the hand-written bytes back identically.
		back := reflect.New(reflect.TypeOf(plain).Elem()).Interface()
		if err := msgpack.Unmarshal(fast, back); err != nil || !reflect.DeepEqual(back, plain) {
			t.Fatalf("%T: reflection decode %+v, %v", v, back, err)
		}
	}
	if n < 500 {
		t.Fatalf("only %d hand-encoded payloads checked", n)
	}
	// Unknown keys are skipped and missing ones stay zero, as with reflection.
	extra, _ := msgpack.Marshal(map[string]any{"type": "OrderFilled", "zzz": []any{1, map[string]any{"a": 2.5}}, "last_px": "1.5"})
	var f payloads.OrderFilled
	if err := m.Decode(extra, &f); err != nil || f.LastPx != "1.5" || f.Type != "OrderFilled" || f.Info != nil {
		t.Errorf("decode with unknown keys: %+v, %v", f, err)
	}
	if err := m.Decode([]byte{0x81, 0xa4, 't', 'y', 'p', 'e', 0x01}, &f); err == nil {
		t.Error("an integer type field decoded without error")
	}
}

// reflectMsgpack encodes v with vmihailenco's reflection path and the
// codec's options (compact integers, sorted map keys).
func reflectMsgpack(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.UseCompactInts(true)
	enc.SetSortMapKeys(true)
	err := enc.Encode(v)
	return buf.Bytes(), err
}
