package recovery

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
)

func TestScenarioSourceModelledAndReproducible(t *testing.T) {
	codec, err := codecs.ByName(codecs.JSON)
	if err != nil {
		t.Fatal(err)
	}
	dump := func(opts scenario.Options) []byte {
		src := NewScenarioSource(keyspace.Layout{}, codec, opts)
		calls := src.Populate(300)
		for range 500 {
			calls = append(calls, src.Next())
		}
		if src.Err() != nil {
			t.Fatal(src.Err())
		}
		var b bytes.Buffer
		for _, c := range calls {
			if err := Check(c); err != nil {
				t.Fatalf("call %v not modelled: %v", c, err)
			}
			fmt.Fprintf(&b, "%q\n", c)
		}
		return b.Bytes()
	}
	for _, opts := range []scenario.Options{
		{Seed: 7},
		{Seed: 7, PurgeClosed: true, PurgeInterval: time.Second, Node: node.Config{Flavour: node.Python, SnapshotPositions: true, SnapshotOrders: true}},
	} {
		a, b := dump(opts), dump(opts)
		if !bytes.Equal(a, b) {
			t.Errorf("%+v: two sources with the same seed wrote different calls", opts)
		}
	}
}

func TestIsSynthetic(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{DefaultPrefix + "orders:SYN-O-1-5", true},
		{DefaultPrefix + "instruments:SYN-0-1.SIM", true},
		{DefaultPrefix + "orders:O-20240115-093012-001-001-1", false},
		{DefaultPrefix + "instruments:EUR/USD.SIM", false},
		{DefaultPrefix + "index:orders", false},
	}
	for _, tt := range tests {
		if have := IsSynthetic(DefaultPrefix, tt.key); have != tt.want {
			t.Errorf("IsSynthetic(%q) = %v, want %v", tt.key, have, tt.want)
		}
	}
}
