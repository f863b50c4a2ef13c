package report

import (
	"strings"
	"testing"

	"github.com/rbench/rbench/report/internal/fixture"
	"github.com/rbench/rbench/results"
)

// writerRuns is a paced run with the writer's figures and a --find-max
// search at two buffer intervals, for the writer and ceiling goldens.
func writerRuns() []*results.Run {
	r := fixture.Run(fixture.Options{Name: "writer", Seconds: 4, PerSecond: 30})
	r.Recovery, r.Plan, r.Startup, r.Payloads, r.Server = nil, nil, nil, nil, nil
	qm := int64(40)
	r.Writer = []results.Writer{{Encoding: "msgpack", Mode: results.WriterUnbuffered, Loop: "open", Writers: 1,
		Calls: 480, Transactions: 1900, Commands: 1900, TransactionsPerSec: 475, CommandsPerSec: 475, Busy: 0.31,
		Lag: results.Latency{P50: 190, P99: 900, Max: 2100, Count: 480}, QueueMax: &qm,
		Series: []results.WriterSecond{{T: 0, Calls: 120, Transactions: 470, QueueMax: 2, Busy: 0.3}, {T: 1, Calls: 120, Transactions: 480, QueueMax: 3, Busy: 0.31},
			{T: 2, Calls: 120, Transactions: 475, QueueMax: 40, Busy: 0.35}, {T: 3, Calls: 120, Transactions: 475, Busy: 0.3}}},
		{Encoding: "raw", Mode: results.WriterUnbuffered, Loop: "closed", Writers: 1, Calls: 10, Lag: results.Latency{P50: 100, P99: 200, Max: 300, Count: 10}},
		{Encoding: "json", Mode: results.WriterBuffered, BufferIntervalMS: 100, Loop: "closed", Writers: 1, Calls: 400,
			Lag: results.Latency{P50: 60000, P99: 120000, Max: 130000, Count: 400}}}
	step := func(n int, phase string, rate float64, pass bool, why ...string) results.CeilingStep {
		return results.CeilingStep{N: n, Phase: phase, Rate: rate, Repeat: 1, Pass: pass, Reasons: why, AchievedRate: rate, Calls: int64(rate * 3),
			Lag: results.Latency{P50: 200, P99: 800}, QueueGrowth: 2, QueueGrowthLimit: 20, Busy: rate / 5000, LoadAvg: 1.5}
	}
	r.Ceiling = &results.Ceiling{Workload: "order-flow", Node: "python", TargetP99Us: 1000, StepSec: 3, Repeats: 1, Precision: 0.1,
		Searches: []results.CeilingSearch{
			{LagBoundUs: 1000, Found: 1500, Failed: 1600, FailedBecause: []string{"lag p99 1.2ms over the bound 1.00ms"}, Confidence: "1,500/s passed 1 of 1 repeats",
				AtCeiling: &results.CeilingPoint{Rate: 1500, Lag: results.Latency{P50: 210, P99: 850, Max: 1900}, Busy: 0.42, RoundTripsPerCall: 3.8, ServicePerRoundTripUs: 74, CrashLossUs: 850, CrashLossMaxUs: 1900, CallsAtRisk: 1.3},
				Steps:     []results.CeilingStep{step(1, "ramp", 1000, true), step(2, "ramp", 2000, false, "queue grew by 900 calls"), step(3, "bisect", 1500, true), step(4, "bisect", 1600, false, "lag p99 1.2ms over the bound 1.00ms")}},
			{BufferIntervalMS: 100, LagBoundUs: 201000, Found: 16000, Failed: 32000, Confidence: "16,000/s passed 1 of 1 repeats",
				AtCeiling: &results.CeilingPoint{Rate: 16000, Lag: results.Latency{P50: 87000, P99: 190000, Max: 215000}, CallsPerFlush: &results.Counts{P50: 1775}, Busy: 0.19, CrashLossUs: 190000, CrashLossMaxUs: 215000, CallsAtRisk: 3040},
				Steps:     []results.CeilingStep{step(1, "ramp", 8000, true), step(2, "ramp", 16000, true), step(3, "ramp", 32000, false, "invalid run: target rate not reached")}},
		},
		Projections: []results.Projection{{RTTUs: 1000, CallCostUs: 4081, Capacity: 245, Note: "no rate meets the bound 1.00ms"}},
		Assumptions: []string{"each round trip costs the link's RTT plus the service time measured here"}}
	return []*results.Run{r}
}

func TestWriterSections(t *testing.T) {
	withStubLibrary(t)
	doc := render(t, writerRuns(), Options{})
	for _, want := range []string{"Writer lag over time: writer", "Writer queue over time: writer", "no call ever waits in a queue", "no queue is reported",
		"ceiling per buffer interval", "the searches step by step", "projection to other round-trip times", "100 ms buffer"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// No writer figures, no section.
	p, err := buildPage([]*results.Run{shared()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Sections {
		if s.ID == "writer" || s.ID == "ceiling" {
			t.Errorf("section %s without writer figures", s.ID)
		}
	}
}
