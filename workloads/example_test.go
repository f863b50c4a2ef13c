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
		Ops: []results.Op{
			{Name: "set", Class: results.ClassWrite, Encoding: "raw", Count: 500000, Rate: 50000,
				Response: results.Latency{P50: 420, P99: 2100, P999: 3900, Max: 12000},
				Service:  results.Latency{P50: 400, P99: 900, P999: 1500, Max: 11000}},
			{Name: "get", Class: results.ClassRead, Encoding: "raw", Count: 500000, Rate: 50000,
				Response: results.Latency{P50: 380, P99: 800, P999: 1200, Max: 9000},
				Service:  results.Latency{P50: 370, P99: 780, P999: 1100, Max: 9000}},
		},
		Pacing: []results.Pacing{{Encoding: "raw", Mode: "open", Pacer: "constant 100000/s", TargetRate: 100000,
			AchievedRate: 99998, Late: 12, LateThresholdUs: 1000, MaxLateUs: 2500}},
		Errors: results.ErrorCounts{Timeout: 2},
	}
	queued := int64(4)
	run.Writer = []results.Writer{{Encoding: "msgpack", Mode: results.WriterUnbuffered, Loop: "open", Writers: 1,
		Calls: 3000, Transactions: 14250, Commands: 14250, TransactionsPerSec: 4750, Busy: 0.62,
		Lag: results.Latency{P50: 610, P99: 1900, Max: 4200}, QueueMax: &queued}}
	pass, _ := workloads.WriteTable(os.Stdout, run, time.Millisecond)
	fmt.Println("all pass:", pass)
	// Output:
	// op   encoding  count   ops/s  response p50  p99     p99.9   max      service p50  p99    p99.9   max      errors  p99<1.00ms
	// set  raw       500000  50000  420us         2.10ms  3.90ms  12.00ms  400us        900us  1.50ms  11.00ms  0       FAIL
	// get  raw       500000  50000  380us         800us   1.20ms  9.00ms   370us        780us  1.10ms  9.00ms   0       PASS
	// pacing raw: constant 100000/s, target 100000 ops/s, achieved 99998 ops/s, 12 sends late by more than 1.00ms (worst 2.50ms)
	// writer msgpack: unbuffered, open loop, 3000 calls, 14250 tx (4750/s), 14250 cmds, busy 62%, lag p50 610us p99 1.90ms max 4.20ms, queue max 4
	// ERRORS: 2 operations failed (timeout 2, connection 0, server 0, decode 0, other 0): the figures above exclude them
	// all pass: false
}
