package workloads

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
)

// BenchmarkSenderGap is the calibrated sender's acceptance figure: an
// open-loop raw run at 200 ops/s from one connection, one thread
// (GOMAXPROCS 1, as rbench run beside a local Redis on two cores), against
// an idle throwaway server for 10 s. Response p50 minus service p50 is what
// the load generator added by sending late; the goal is at most 20 us. It
// reports that gap, the sender's own lateness and the calibrated margin,
// with the active wait on ("calibrated") and off ("sleep-only"). The c8
// cases run 8 connections at 4000 ops/s, where requests are in flight while
// others wait for their due time: the service p99 shows that the active wait
// does not starve their replies. It is a benchmark, not a test, because the
// figures depend on the machine being quiet: run it alone with
// make bench-sender and read the load average it logs.
//
// RBENCH_SENDER_DURATION (a Go duration, default 10s) shortens the runs, and
// -count interleaves the cases, for comparisons on a machine whose load
// drifts.
func BenchmarkSenderGap(b *testing.B) {
	dur := 10 * time.Second
	if s := os.Getenv("RBENCH_SENDER_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			b.Fatalf("RBENCH_SENDER_DURATION %q: %v", s, err)
		}
		dur = d
	}
	srv := localredis.ForTest(b, localredis.Options{Persistence: localredis.None})
	for _, c := range []struct {
		name   string
		conns  int
		rate   float64
		margin time.Duration
	}{{"c1/calibrated", 1, 200, 0}, {"c1/sleep-only", 1, 200, -1}, {"c8/calibrated", 8, 4000, 0}, {"c8/sleep-only", 8, 4000, -1}} {
		b.Run(c.name, func(b *testing.B) {
			prev := runtime.GOMAXPROCS(1)
			defer runtime.GOMAXPROCS(prev)
			client := newClient(b, srv, c.conns)
			for i := 0; i < b.N; i++ {
				run, err := Run(context.Background(), Options{Client: client, SpinMargin: c.margin,
					Spec: Spec{Workload: "raw", Connections: c.conns, Rate: c.rate, Duration: Duration(dur), Keys: 1000}})
				if err != nil {
					b.Fatal(err)
				}
				var resp, svc []string
				for _, op := range run.Ops {
					resp, svc = append(resp, op.ResponseHDR), append(svc, op.ServiceHDR)
				}
				rh, err1 := results.MergeHDRs(resp...)
				sh, err2 := results.MergeHDRs(svc...)
				if err1 != nil || err2 != nil {
					b.Fatal(err1, err2)
				}
				gap := float64(rh.ValueAtQuantile(50) - sh.ValueAtQuantile(50))
				p := run.Pacing[0]
				b.ReportMetric(gap, "gap-us")
				b.ReportMetric(float64(sh.ValueAtQuantile(99)), "service-p99-us")
				b.ReportMetric(p.SpinMarginUs, "margin-us")
				if p.SendLate != nil {
					b.ReportMetric(p.SendLate.P50, "late-p50-us")
					b.ReportMetric(p.SendLate.P99, "late-p99-us")
				}
				b.ReportMetric(p.GeneratorCPU+p.ActiveWait, "cpu-cores")
				goal := "met"
				if gap > 20 {
					goal = "NOT met"
				}
				b.Logf("%s: response p50 %d us - service p50 %d us = %.0f us (goal <= 20 us: %s); service p99 %d us; send lateness p50 %.1f us p99 %.1f us (n=%d); margin %.0f us; load average %.2f",
					c.name, rh.ValueAtQuantile(50), sh.ValueAtQuantile(50), gap, goal, sh.ValueAtQuantile(99), p.SendLate.P50, p.SendLate.P99, p.SendLate.Count, p.SpinMarginUs, p.LoadAvg)
			}
		})
	}
}
