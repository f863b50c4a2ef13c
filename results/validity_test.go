package results

import (
	"strings"
	"testing"
	"time"
)

// judgedOp is an op whose n response times are all us microseconds.
func judgedOp(t *testing.T, name, class, enc string, n int64, us int64, errs int64) Op {
	t.Helper()
	h := NewHistogram()
	if n > 0 {
		h.RecordValues(us, n)
	}
	op, err := OpFromHistograms(name, class, enc, h, nil, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	op.Errors = errs
	return op
}

func TestJudge(t *testing.T) {
	run := NewRun(Meta{})
	run.Ops = []Op{
		judgedOp(t, "add_order", ClassWrite, "msgpack", 5000, 300, 0),
		judgedOp(t, "add_account", ClassWrite, "msgpack", 4, 90_000, 0), // few, slow: merged, not judged alone
		judgedOp(t, "read_order", ClassRead, "msgpack", 8, 200, 0),
		judgedOp(t, "add_order", ClassWrite, "json", 5000, 1500, 0),
		judgedOp(t, "read_order", ClassRead, "json", 2000, 200, 30), // 30 of 2030 failed: > 1%
		judgedOp(t, "startup.get", ClassStartup, "json", 9000, 100, 0),
	}
	got := Judge(run, nil, time.Millisecond)
	want := []struct{ enc, class, verdict string }{
		{"msgpack", ClassWrite, VerdictPass},
		{"msgpack", ClassRead, VerdictTooFew},
		{"json", ClassWrite, VerdictFail},
		{"json", ClassRead, VerdictFail},
	}
	if len(got) != len(want) {
		t.Fatalf("verdicts %+v", got)
	}
	for i, w := range want {
		g := got[i]
		if g.Encoding != w.enc || g.Class != w.class || g.Verdict != w.verdict {
			t.Errorf("verdict %d: %s %s %s (%s), want %s %s %s", i, g.Encoding, g.Class, g.Verdict, g.Reason, w.enc, w.class, w.verdict)
		}
	}
	if v := got[1]; v.ValueUs != 0 || v.Count != 8 || v.MinSamples != 1000 || !strings.Contains(v.Reason, TooFewSamples) {
		t.Errorf("too few: %+v", v)
	}
	if v := got[3]; !Beyond(v.ValueUs) || !strings.Contains(v.Reason, "failed") {
		t.Errorf("failures beyond 1%%: %+v", v)
	}
	// 5 failures in 2005 (under 1%) move the p99 but leave it a latency.
	run.Ops[4].Errors = 5
	if v := Judge(run, nil, time.Millisecond)[3]; v.Verdict != VerdictPass || Beyond(v.ValueUs) {
		t.Errorf("failures under 1%%: %+v", v)
	}
	// An invalid pass makes its encoding's verdicts invalid, not the other's.
	ps := []Problem{{Kind: ProblemRateNotReached, Severity: SeverityInvalid, Encoding: "json", Message: "target rate not reached"}}
	v := Judge(run, ps, time.Millisecond)
	if v[0].Verdict != VerdictPass || v[2].Verdict != VerdictInvalid || v[2].Reason != "target rate not reached" || v[2].ValueUs == 0 {
		t.Errorf("invalid json: %+v / %+v", v[0], v[2])
	}
	if v[1].Verdict != VerdictTooFew {
		t.Errorf("too few stays too few: %+v", v[1])
	}
}

func TestAssess(t *testing.T) {
	run := NewRun(Meta{Host: Host{Cores: 2}, Workload: Workload{Params: map[string]any{"target_p99": "2ms"}}})
	run.Ops = []Op{judgedOp(t, "read_order", ClassRead, "msgpack", 5000, 61_000, 0), judgedOp(t, "add_order", ClassWrite, "json", 5000, 300, 0)}
	late := Latency{P99: 700, Count: 5000}
	run.Pacing = []Pacing{
		{Encoding: "msgpack", Mode: "open", TargetRate: 2000, AchievedRate: 334, Dropped: 25000, GeneratorCPU: 0.97, Threads: 1, LoadAvg: 3.5, SendLate: &late, SpinMarginUs: 1200},
		{Encoding: "json", Mode: "open", TargetRate: 2000, AchievedRate: 1990, Dropped: 3, GeneratorCPU: 0.2, Threads: 1, LoadAvg: 1},
	}
	run.Server = &ServerView{Latency: []ServerLatency{{Command: "lrange", Count: 5000, Calls: 5000, P99Us: 4200}}}
	Assess(run, 0)
	kinds := map[string]string{}
	for _, p := range run.Validity.Problems {
		kinds[p.Kind+"@"+p.Encoding] = p.Message
	}
	for _, k := range []string{"rate_not_reached@msgpack", "generator_cpu@msgpack", "generator_slow@msgpack", "machine_busy@msgpack", "sender_late@msgpack", "dropped@json"} {
		if kinds[k] == "" {
			t.Errorf("no %s problem; have %v", k, kinds)
		}
	}
	if len(kinds) != 6 {
		t.Errorf("problems %v, want exactly the six above", kinds)
	}
	if !strings.Contains(kinds["rate_not_reached@msgpack"], "334 of 2000") || !strings.Contains(kinds["generator_slow@msgpack"], "LRANGE") ||
		!strings.Contains(kinds["sender_late@msgpack"], "rbench's CPU was saturated") {
		t.Errorf("messages do not name the figures and causes: %v", kinds)
	}
	if run.Validity.Valid {
		t.Error("valid, want invalid")
	}
	if v := run.Verdicts; len(v) != 2 || v[0].Verdict != VerdictInvalid || v[1].Verdict != VerdictPass || v[1].TargetUs != 2000 {
		t.Errorf("verdicts %+v: msgpack invalid, json pass against the run's 2ms target", v)
	}
	// A clean run is valid, and Assess replaces what was there.
	run.Pacing = run.Pacing[1:2]
	run.Pacing[0].Dropped = 0
	run.Server = nil
	Assess(run, time.Millisecond)
	if !run.Validity.Valid || len(run.Validity.Problems) != 0 {
		t.Errorf("clean run: %+v", run.Validity)
	}
	if run.Verdicts[0].Verdict != VerdictFail || run.Verdicts[0].TargetUs != 1000 {
		t.Errorf("61ms reads against 1ms: %+v", run.Verdicts[0])
	}
}

// TestAssessServerStall: a client service p99 far above Redis's own for the
// command is the generator's fault only when Redis ran nothing long enough
// to hold it up. Another client's DEBUG SLEEP (or any slow command) makes
// every command wait behind it without showing in that command's own
// LATENCY HISTOGRAM: that is Redis's time, a warning, and the run stays
// valid; a stall too short to explain the gap leaves it invalid.
func TestAssessServerStall(t *testing.T) {
	for _, tc := range []struct {
		name     string
		debugMax float64
		want     string
		valid    bool
	}{
		{"50 ms sleeps explain a 61 ms p99", 65_536, ProblemServerStall, true},
		{"a 1 ms command does not", 1024, ProblemGeneratorSlow, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := NewRun(Meta{Host: Host{Cores: 2}})
			run.Ops = []Op{judgedOp(t, "read_order", ClassRead, "msgpack", 5000, 61_000, 0)}
			run.Pacing = []Pacing{{Encoding: "msgpack", Mode: "closed", Threads: 1, LoadAvg: 1}}
			run.Server = &ServerView{Latency: []ServerLatency{
				{Command: "lrange", Count: 5000, Calls: 5000, P99Us: 40, MaxUs: 128},
				{Command: "debug", Count: 40, Calls: 40, P99Us: 65_536, MaxUs: tc.debugMax},
			}}
			Assess(run, time.Millisecond)
			var kinds []string
			for _, p := range run.Validity.Problems {
				kinds = append(kinds, p.Kind)
				if p.Kind == ProblemServerStall && !strings.Contains(p.Message, "DEBUG") {
					t.Errorf("the stall does not name the command: %s", p.Message)
				}
			}
			if len(kinds) != 1 || kinds[0] != tc.want || run.Validity.Valid != tc.valid {
				t.Errorf("problems %v valid %v, want [%s] valid %v", kinds, run.Validity.Valid, tc.want, tc.valid)
			}
		})
	}
}
