package capacity_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/plan/capacity"
	"github.com/rbench/rbench/serverview"
)

// TestModelHonesty fits memory and AOF (as logged and as rewritten) per
// order on small scales (1K-5K orders) against a real server and checks the projection for a four times larger scale (20K) lands
// within 10% of what that scale measures.
func TestModelHonesty(t *testing.T) {
	// Auto-rewrite off: a rewrite in the middle of a scale would shrink the
	// AOF and spoil the measurement (the plan command must do the same).
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.AOFEverysec, Args: []string{"--auto-aof-rewrite-percentage", "0"}})
	ctx := context.Background()
	c := connect.NewClient(connect.ClientOptions{Addr: srv.Addr()})
	t.Cleanup(func() { _ = c.Close() })

	// measure returns used_memory, the AOF bytes logged for the writes, and
	// the AOF's size once rewritten (RDB preamble), all as deltas from an
	// empty, freshly rewritten server.
	measure := func(orders int) (mem, logged, base float64) {
		t.Helper()
		if err := c.FlushAll(ctx).Err(); err != nil { // our own throwaway server
			t.Fatal(err)
		}
		rewrite(ctx, t, c)
		before := info(ctx, t, c)
		writeOrders(ctx, t, c, orders)
		after := info(ctx, t, c)
		rewrite(ctx, t, c)
		rewritten := info(ctx, t, c)
		return float64(after.UsedMemory - before.UsedMemory), float64(after.AOFSize - before.AOFSize), float64(rewritten.AOFBaseSize - before.AOFBaseSize)
	}
	var xs, mems, logs, bases []float64
	for _, n := range []int{1_000, 2_500, 5_000} {
		m, l, b := measure(n)
		xs, mems, logs, bases = append(xs, float64(n)), append(mems, m), append(logs, l), append(bases, b)
	}
	fit := func(ys []float64) capacity.Fit {
		f, _, err := capacity.Best(xs, ys)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	memFit, logFit, baseFit := fit(mems), fit(logs), fit(bases)
	model := capacity.Model{Collections: []capacity.CollectionModel{
		{Collection: "orders", Unit: capacity.UnitOrders, Memory: memFit, AOF: baseFit},
	}}
	pr, _, err := capacity.Project(model, capacity.Profile{Orders: 20_000, NoAccountEvents: true}, capacity.ProjectOptions{MachineMemory: -1})
	if err != nil {
		t.Fatal(err)
	}
	mem, logged, base := measure(20_000)
	for _, c := range []struct {
		name              string
		projected, actual float64
		fit               capacity.Fit
	}{
		{"memory", float64(pr.DatasetBytes), mem, memFit},
		{"aof rewritten", float64(pr.AOFBytes), base, baseFit},
		{"aof logged", logFit.Predict(20_000), logged, logFit},
	} {
		rel := math.Abs(c.projected-c.actual) / c.actual
		t.Logf("%s: projected %.0f, measured %.0f (%.1f%%), fit %+v", c.name, c.projected, c.actual, 100*rel, c.fit)
		if rel > 0.10 {
			t.Errorf("%s projection for 20K orders is %.1f%% off the measurement", c.name, 100*rel)
		}
	}
}

func rewrite(ctx context.Context, t *testing.T, c redis.UniversalClient) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := serverview.RewriteAOF(ctx, c); err != nil {
		t.Fatal(err)
	}
}

func info(ctx context.Context, t *testing.T, c redis.UniversalClient) (sec struct{ UsedMemory, AOFSize, AOFBaseSize int64 }) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := serverview.Settle(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	sec.UsedMemory = s.UsedMemory - s.ClientMemory
	sec.AOFSize, sec.AOFBaseSize = s.AOFSize, s.AOFBaseSize
	return sec
}

// writeOrders writes n order lists of four events of 250-700 bytes and the
// index set, pipelined.
func writeOrders(ctx context.Context, t *testing.T, c redis.UniversalClient, n int) {
	t.Helper()
	r := rand.New(rand.NewPCG(uint64(n), 9))
	buf := make([]byte, 700)
	for i := range buf {
		buf[i] = byte('a' + r.IntN(26))
	}
	p := c.Pipeline()
	for i := range n {
		id := fmt.Sprintf("O-20240115-093012-001-001-%d", i)
		ev := make([]any, 4)
		for j := range ev {
			ev[j] = buf[:250+r.IntN(450)]
		}
		p.RPush(ctx, "trader-H:orders:"+id, ev...)
		p.SAdd(ctx, "trader-H:index:orders", id)
		if p.Len() >= 2000 {
			if _, err := p.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
}
