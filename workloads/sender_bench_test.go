package workloads

import (
	"context"
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
// with the active wait on ("calibrated") and off ("sleep-only"). It is a
// benchmark, not a test, because the figure depends on the machine being
// quiet: run it alone with make bench-sender and read the load average it
// logs.
func BenchmarkSenderGap(b *testing.B) {
	srv := localredis.ForTest(b, localredis.Options{Persistence: localredis.None})
	for _, c := range []struct {
		name   string
		margin time.Duration
	}{{"calibrated", 0}, {"sleep-only", -1}} {
		b.Run(c.name, func(b *testing.B) {
			prev := runtime.GOMAXPROCS(1)
			defer runtime.GOMAXPROCS(prev)
			client := newClient(b, srv, 1)
			for i := 0; i < b.N; i++ {
				run, err := Run(context.Background(), Options{Client: client, SpinMargin: c.margin,
					Spec: Spec{Workload: "raw", Connections: 1, Rate: 200, Duration: Duration(10 * time.Second), Keys: 1000}})
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
				b.Logf("%s: response p50 %d us - service p50 %d us = %.0f us (goal <= 20 us: %s); send lateness p50 %.1f us p99 %.1f us (n=%d); margin %.0f us; load average %.2f",
					c.name, rh.ValueAtQuantile(50), sh.ValueAtQuantile(50), gap, goal, p.SendLate.P50, p.SendLate.P99, p.SendLate.Count, p.SpinMarginUs, p.LoadAvg)
			}
		})
	}
}
