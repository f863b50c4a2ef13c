package payloads_test

import (
	"reflect"
	"testing"

	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/payloads"
)

// instruments returns a fresh copy of each instrument example without info.
func instruments(t *testing.T) []any {
	t.Helper()
	var out []any
	for _, k := range []string{"crypto-perpetual", "currency-pair", "equity", "futures-contract"} {
		v, err := payloads.ExampleOf(k, false)
		if err != nil {
			t.Fatal(err)
		}
		c := reflect.New(reflect.TypeOf(v).Elem())
		c.Elem().Set(reflect.ValueOf(v).Elem())
		out = append(out, c.Interface())
	}
	return out
}

func info(v any) payloads.Record {
	return reflect.ValueOf(v).Elem().FieldByName("Info").Interface().(payloads.Record)
}

// TestVenueInfo: the seeded record repeats for a seed, varies across seeds,
// has the shape of the golden-checked example of its venue (same keys at
// every level) and is several KB, as adapters store it.
func TestVenueInfo(t *testing.T) {
	j, _ := codecs.ByName(codecs.JSON)
	golden := map[string]payloads.Record{}
	for _, e := range payloads.Examples(false) {
		if len(e.Name) > 6 && e.Name[len(e.Name)-6:] == "-venue" {
			golden[e.Kind] = info(e.Value)
		}
	}
	for _, inst := range instruments(t) {
		kind := payloads.TypeOf(inst)
		a, err := payloads.VenueInfo(inst, 7)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := payloads.VenueInfo(inst, 7)
		c, _ := payloads.VenueInfo(inst, 8)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: seed 7 gave two records", kind)
		}
		if reflect.DeepEqual(a, c) {
			t.Errorf("%s: seeds 7 and 8 gave the same record", kind)
		}
		var want payloads.Record
		for k, g := range golden {
			if kk, _ := payloads.KindByName(k); kk.Type == kind {
				want = g
			}
		}
		if want == nil {
			t.Fatalf("no venue example for %s", kind)
		}
		if !sameShape(a, want) {
			t.Errorf("%s: the seeded record's keys differ from the golden example's", kind)
		}
		if err := payloads.ApplyInstrumentInfo(inst, payloads.InstrumentInfoVenue, 7); err != nil {
			t.Fatal(err)
		}
		n, _ := j.Encode(inst)
		if len(n) < 2500 || len(n) > 8000 {
			t.Errorf("%s with its venue record is %d B of JSON, want a few KB", kind, len(n))
		}
		if err := payloads.ApplyInstrumentInfo(inst, payloads.InstrumentInfoNone, 7); err != nil || info(inst) != nil {
			t.Errorf("%s: info none left %v, %v", kind, info(inst), err)
		}
	}
	if err := payloads.ApplyInstrumentInfo(&payloads.Currency{}, payloads.InstrumentInfoVenue, 1); err == nil {
		t.Error("a currency took instrument info")
	}
}

func sameShape(a, b any) bool {
	switch x := a.(type) {
	case payloads.Record:
		y, ok := b.(payloads.Record)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i].Key != y[i].Key || !sameShape(x[i].Value, y[i].Value) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameShape(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.TypeOf(a) == reflect.TypeOf(b)
}

func TestParseInstrumentInfo(t *testing.T) {
	for in, want := range map[string]payloads.InstrumentInfo{"": payloads.InstrumentInfoVenue, "venue": payloads.InstrumentInfoVenue, " None ": payloads.InstrumentInfoNone} {
		if got, err := payloads.ParseInstrumentInfo(in); err != nil || got != want {
			t.Errorf("ParseInstrumentInfo(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := payloads.ParseInstrumentInfo("binance"); err == nil {
		t.Error(`ParseInstrumentInfo("binance") succeeded`)
	}
}
