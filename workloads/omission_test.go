package workloads

import (
	"context"
	"testing"
	"time"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
)

// TestCoordinatedOmission stalls the server for 500 ms in the middle of a
// 1000 ops/s run. About 500 operations (12% of the run) were due during the stall; measured
// from their intended send times a good share of them waited hundreds of
// milliseconds, so the corrected p99 must show the stall, while the service
// time (send to reply) of most operations stays small.
func TestCoordinatedOmission(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None,
		Args: []string{"--enable-debug-command", "yes"}})
	c := newClient(t, srv, 10)
	staller := connect.NewClient(connect.ClientOptions{Addr: srv.Addr()})
	defer staller.Close()
	ctx := context.Background()
	if err := staller.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	stalled := make(chan error, 1)
	go func() {
		time.Sleep(2 * time.Second)
		stalled <- staller.Do(ctx, "debug", "sleep", "0.5").Err()
	}()
	run, err := Run(ctx, Options{Client: c, Spec: Spec{
		Connections: 10, Rate: 1000, Duration: Duration(4 * time.Second), Keys: 1000,
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-stalled; err != nil {
		t.Fatalf("DEBUG SLEEP: %v", err)
	}
	var total int64
	for _, op := range run.Ops {
		total += op.Count
		t.Logf("%s: count %d response p50 %.0fus p99 %.0fus max %.0fus; service p50 %.0fus p99 %.0fus",
			op.Name, op.Count, op.Response.P50, op.Response.P99, op.Response.Max, op.Service.P50, op.Service.P99)
		if op.Response.P99 < 200_000 {
			t.Errorf("%s: corrected p99 %.0fus does not show the 500 ms stall", op.Name, op.Response.P99)
		}
		if op.Response.Max < 400_000 {
			t.Errorf("%s: corrected max %.0fus, want about 500 ms", op.Name, op.Response.Max)
		}
		if op.Service.P50 >= 1000 {
			t.Errorf("%s: service p50 %.0fus, want under 1 ms", op.Name, op.Service.P50)
		}
		if op.Service.P99 >= op.Response.P99 {
			t.Errorf("%s: service p99 %.0fus not below corrected p99 %.0fus", op.Name, op.Service.P99, op.Response.P99)
		}
		// The series shows the stall: some second's max is hundreds of ms.
		worst := 0.0
		for _, s := range op.Series {
			worst = max(worst, s.Max)
		}
		if worst < 200_000 {
			t.Errorf("%s: no second of the series shows the stall (worst max %.0fus)", op.Name, worst)
		}
		if n := len(op.Series); n < 4 || n > 5 {
			t.Errorf("%s: %d seconds in the series, want 4 (or 5 with a straggler)", op.Name, n)
		}
	}
	if total < 3950 || total > 4000 {
		t.Errorf("%d operations, want the schedule's 4000", total)
	}
	if len(run.Pacing) != 1 {
		t.Fatalf("pacing %+v", run.Pacing)
	}
	p := run.Pacing[0]
	t.Logf("pacing %+v", p)
	if p.Mode != "open" || p.TargetRate != 1000 {
		t.Errorf("pacing mode %s target %v, want open 1000", p.Mode, p.TargetRate)
	}
	// During the stall all 10 workers are blocked, so the sends due then
	// leave late, the last ones by about 500 ms.
	if p.Late < 100 || p.MaxLateUs < 300_000 {
		t.Errorf("late %d max %.0fus: the stall should make hundreds of sends late by up to ~500 ms", p.Late, p.MaxLateUs)
	}
}
