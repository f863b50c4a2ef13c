package recovery

import (
	"context"
	"testing"

	redisinfo "github.com/rbench/rbench/internal/info"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
)

func TestStartupLoadCommands(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	rdb := newClient(t, srv)
	codec, err := codecs.ByName(codecs.JSON)
	if err != nil {
		t.Fatal(err)
	}
	l := NewLedger()
	src := NewScenarioSource(keyspace.Layout{}, codec, scenario.Options{Seed: 3})
	for _, c := range src.Populate(400) {
		if _, err := Send(ctx, rdb, l, c); err != nil {
			t.Fatal(err)
		}
	}
	count := func(coll string) int64 {
		keys, err := keyspace.Keys(ctx, rdb, DefaultPrefix+coll+":", keyspace.ScanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return int64(len(keys))
	}
	accounts, orders, positions := count("accounts"), count("orders"), count("positions")
	if positions == 0 || orders == 0 {
		t.Fatalf("dataset without positions (%d) or orders (%d)", positions, orders)
	}
	// Sequential: 6 SCANs (one page each), MGET of currencies and of
	// instruments (no general keys), one LRANGE per account, order and
	// position, 2 HGETALL, one GET per position. Rust: 7 SCANs (synthetics
	// too), MGET of currencies, one GET per instrument, the same LRANGEs,
	// HGETALLs and GETs.
	instruments := count("instruments")
	wants := map[string]int64{
		StyleSequential: 6 + 2 + accounts + orders + 2 + 2*positions,
		StyleRust:       7 + 1 + instruments + accounts + orders + 2 + 2*positions,
	}
	for _, style := range []string{StyleSequential, StyleRust} {
		want := wants[style]
		if err := rdb.ConfigResetStat(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		sl, h, err := StartupLoad(ctx, rdb, StartupOptions{Prefix: DefaultPrefix, Style: style, Codec: codec})
		if err != nil {
			t.Fatal(err)
		}
		if sl.Commands != want || h.TotalCount() != want {
			t.Errorf("%s: %d commands (%d recorded), want %d", style, sl.Commands, h.TotalCount(), want)
		}
		if sl.Keys["orders"] != orders || sl.Keys["positions"] != positions || sl.Encoding != codecs.JSON || sl.Bytes == 0 {
			t.Errorf("%s: %+v", style, sl)
		}
		// Each position's GET reads the instrument of its first fill: a hit.
		// The one miss is HGETALL index:order_client, which a node that
		// passes no client ids never writes but always reads.
		stats, err := rdb.Info(ctx, "stats").Result()
		if err != nil {
			t.Fatal(err)
		}
		if m := redisinfo.Parse(stats)["keyspace_misses"]; m != "1" {
			t.Errorf("%s: %s keyspace misses, want 1 (index:order_client)", style, m)
		}
	}
}
