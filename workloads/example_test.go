package workloads_test

import (
	"fmt"
	"os"
	"time"

	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/workloads"
)

func ExampleParsePacer() {
	p, _ := workloads.ParsePacer(0, "step:1000,5000@10s")
	first, _ := p.Pace(0, 0)
	// 10 s at 1000/s is 10000 operations; the next one opens the 5000/s step.
	second, _ := p.Pace(0, 10_000)
	third, _ := p.Pace(0, 10_001)
	fmt.Println(first, second, third, p.Rate(12*time.Second))
	// Output: 0s 10s 10.0002s 5000
}

func ExampleWriteTable() {
	run := &results.Run{
		Meta: results.Meta{Host: results.Host{Cores: 2}},
		Ops: []results.Op{
			{Name: "set", Class: results.ClassWrite, Encoding: "raw", Count: 500000, Rate: 50000,
				Response: results.Latency{P50: 420, P99: 2100, P999: 3900, Max: 12000},
				Service:  results.Latency{P50: 400, P99: 900, P999: 1500, Max: 11000}},
			{Name: "get", Class: results.ClassRead, Encoding: "raw", Count: 500000, Rate: 50000, Errors: 2,
				Response: results.Latency{P50: 380, P99: 800, P999: 1200, Max: 9000},
				Service:  results.Latency{P50: 370, P99: 780, P999: 1100, Max: 9000}},
			{Name: "mget", Class: results.ClassRead, Encoding: "raw", Count: 8, Rate: 0.8,
				Response: results.Latency{P50: 500, P99: 700, P999: 700, Max: 700},
				Service:  results.Latency{P50: 480, P99: 690, P999: 690, Max: 690}},
		},
		Pacing: []results.Pacing{{Encoding: "raw", Mode: "open", Pacer: "constant 100000/s", TargetRate: 100000,
			AchievedRate: 99998, Late: 12, LateThresholdUs: 1000, MaxLateUs: 2500, Scheduled: 1000000, Sent: 999990, Dropped: 10,
			SendLate: &results.Latency{P50: 0.1, P99: 24, Max: 850, Count: 990000}, SpinMarginUs: 120}},
		Errors: results.ErrorCounts{Timeout: 2},
	}
	queued := int64(4)
	run.Writer = []results.Writer{{Encoding: "msgpack", Mode: results.WriterUnbuffered, Loop: "open", Writers: 1,
		Calls: 3000, Transactions: 14250, Commands: 14250, TransactionsPerSec: 4750, Busy: 0.62,
		Lag: results.Latency{P50: 610, P99: 1900, Max: 4200, Count: 3000}, QueueMax: &queued}}
	results.Assess(run, time.Millisecond)
	pass, _ := workloads.WriteTable(os.Stdout, run, time.Millisecond)
	fmt.Println("all pass:", pass)
	// Output:
	// op    encoding  count   ops/s  response  p99     p99.9   max      service  p99    p99.9   max      errors  p99<1.00ms
	//                                p50                                p50
	// set   raw       500000  50000  420us     2.10ms  3.90ms  12.00ms  400us    900us  1.50ms  11.00ms  -       FAIL
	// get   raw       500000  50000  380us     800us   1.20ms  9.00ms   370us    780us  1.10ms  9.00ms   2       PASS
	// mget  raw       8       1      n/a       n/a     n/a     700us    n/a      n/a    n/a     690us    -       too few
	// n/a, too few: fewer samples than the percentile needs (p50 20, p99 1000, p99.9 10000); no verdict is drawn from them
	// verdict raw writes: FAIL (p99 2.10ms, target 1.00ms, n=500000): p99 2.10ms is not under the 1.00ms target; from the
	//   stored p99 (no readable histogram)
	// verdict raw reads: PASS (p99 800us < 1.00ms, n=500008)
	// WARNING: raw: 10 operations due were never sent (the run ended with a backlog)
	// WARNING: 2 raw operations failed: the latency figures exclude them, the verdicts count them as slower than the target
	// pacing raw: constant 100000/s, target 100000 ops/s, achieved 99998 ops/s, 999990 of 1000000 due operations sent, 10
	//   dropped; 12 sends late by more than 1.00ms (worst 2.50ms)
	// sender raw: own lateness p50 0.1us, p99 24us, max 850us (n=990000, sends not behind); active wait from 120us before each
	//   due time
	// writer msgpack: unbuffered, open loop, 3000 calls, 14250 tx (4750/s), 14250 cmds, busy 62%, lag p50 610us p99 1.90ms max
	//   4.20ms (n=3000), queue max 4
	// ERRORS: 2 operations failed (timeout 2, connection 0, server 0, decode 0, other 0): the figures above exclude them
	// all pass: false
}
