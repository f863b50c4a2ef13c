package ceiling_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/ceiling"
	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/workloads"
)

// stepper runs order-flow steps against srv, each at least 1.2x the calls
// the p99 floor needs.
func stepper(t *testing.T, srv *localredis.Server, interval time.Duration) ceiling.StepFunc {
	return stepperFor(t, srv, interval, 1500*time.Millisecond, 200*time.Millisecond)
}

// stepperFor is stepper with each step's measured length (at least) and
// warm-up, as rbench run --find-max-step and --find-max-warmup set them.
func stepperFor(t *testing.T, srv *localredis.Server, interval, step, warmup time.Duration) ceiling.StepFunc {
	o := connect.FromServer(srv)
	o.PoolSize, o.MaxRetries = 1, -1
	c := connect.NewClient(o).(*redis.Client)
	t.Cleanup(func() { _ = c.Close() })
	return func(ctx context.Context, rate float64, _ int) (*results.Run, error) {
		need := time.Duration(float64(results.MinSamples(0.99)) * 1.2 / rate * float64(time.Second))
		spec := workloads.Spec{Workload: "order-flow", Connections: 1, Rate: rate,
			Duration: workloads.Duration(max(step, need)), Warmup: workloads.Duration(warmup)}
		spec.Node = node.DefaultConfig()
		spec.Node.BufferInterval = interval
		r, err := workloads.Run(ctx, workloads.Options{Client: c, Spec: spec, QueueSamples: true, CleanAfter: true})
		if r != nil {
			results.Assess(r, time.Millisecond)
		}
		return r, err
	}
}

// TestBufferRaisesTheCeiling: on a real Redis the search finds a higher
// ceiling with a 100 ms buffer than unbuffered (one MULTI/EXEC per
// interval against one per command), and a run far beyond the writer's
// capacity is judged a growing queue. Only the ordering is asserted: the
// figures depend on the machine.
func TestBufferRaisesTheCeiling(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a search of about 20 s")
	}
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	ctx := context.Background()
	found := map[time.Duration]float64{}
	for _, iv := range []time.Duration{0, 100 * time.Millisecond} {
		// A lag target of 20 ms, not 1: the ordering is the point, and on a
		// busy machine a 1 ms p99 fails at any rate. Each search reaches
		// past one unbuffered writer's capacity (a few thousand calls a
		// second here), so the unbuffered search must fail somewhere.
		res, err := ceiling.Search(ctx, ceiling.Options{Run: stepper(t, srv, iv), Interval: iv, Target: 20 * time.Millisecond,
			Start: 500, Min: 500, Max: 32000, Repeats: 1, Retries: 2, Precision: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range res.Search.Steps {
			t.Logf("interval %v: %.0f/s pass %v lag p99 %.0fus queue %+.0f %v", iv, st.Rate, st.Pass, st.Lag.P99, st.QueueGrowth, st.Reasons)
		}
		found[iv] = res.Search.Found
	}
	if !(found[100*time.Millisecond] > found[0]) || found[100*time.Millisecond] == 0 {
		t.Errorf("ceiling at 100ms %v/s, unbuffered %v/s: want the buffered one higher", found[100*time.Millisecond], found[0])
	}
	// Overdriven: far more calls a second than one writer sends
	// unbuffered (each call is four round trips).
	r, err := stepper(t, srv, 0)(ctx, 50_000, 1)
	if err != nil {
		t.Fatal(err)
	}
	st := ceiling.Judge(r, 50_000, time.Millisecond)
	if st.Pass || !strings.Contains(strings.Join(st.Reasons, "; "), "queue grew") || st.QueueGrowth <= st.QueueGrowthLimit {
		t.Errorf("overdriven at 50,000/s: pass %v, queue growth %.0f (limit %.0f), reasons %q: want a growing queue", st.Pass, st.QueueGrowth, st.QueueGrowthLimit, st.Reasons)
	}
}
