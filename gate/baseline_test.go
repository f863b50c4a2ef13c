package gate

import (
	"bytes"
	"encoding/xml"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/results"
)

// seriesRun is a write-only run of seconds seconds at perSec ops/s whose
// latencies are lognormal around medianUs (sigma 0.4) times a factor per
// second, lognormal with sigma jitter: the machine's second-to-second
// noise. seed makes it reproducible.
func seriesRun(t testing.TB, seed uint64, seconds, perSec int, medianUs, jitter float64) *results.Run {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	all := results.NewHistogram()
	o := results.Op{Name: "add_order", Class: results.ClassWrite, Encoding: "msgpack"}
	for s := 0; s < seconds; s++ {
		h := results.NewHistogram()
		f := math.Exp(rng.NormFloat64() * jitter)
		for i := 0; i < perSec; i++ {
			v := int64(medianUs * f * math.Exp(rng.NormFloat64()*0.4))
			h.RecordValue(max(v, 1))
		}
		all.Merge(h)
		enc, err := results.EncodeHDR(h)
		if err != nil {
			t.Fatal(err)
		}
		o.Series = append(o.Series, results.Second{T: s, Count: int64(perSec), HDR: enc})
	}
	op, err := results.OpFromHistograms(o.Name, o.Class, o.Encoding, all, all, time.Duration(seconds)*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	op.Series = o.Series
	r := results.NewRun(results.Meta{RunID: "s"})
	r.Ops = []results.Op{op}
	return r
}

func failedChecks(rep Report) []string {
	var out []string
	for _, r := range rep.Results {
		if !r.Pass {
			out = append(out, r.Metric)
		}
	}
	return out
}

func TestBaselineStatisticalTest(t *testing.T) {
	base := seriesRun(t, 1, 12, 1000, 200, 0.1)
	noisy := seriesRun(t, 10, 12, 1000, 200, 1.0)
	// Each baseline's noise once, as a file carries it.
	for _, r := range []*results.Run{base, noisy} {
		n, err := results.EstimateNoise(r, nil, results.NoiseSeed)
		if err != nil {
			t.Fatal(err)
		}
		r.Noise = n
	}
	tests := []struct {
		name     string
		base     *results.Run
		cur      *results.Run
		wantFail []string
		wantNote string
	}{
		{"identical spec, other seed", base, seriesRun(t, 2, 12, 1000, 200, 0.1), nil, "no significant change"},
		{"2x slower", base, seriesRun(t, 3, 12, 1000, 400, 0.1), []string{"write.p50 vs baseline", "write.p99 vs baseline"}, "regression"},
		{"identical spec on a very noisy machine", noisy, seriesRun(t, 11, 12, 1000, 200, 1.0), nil, ""},
		{"faster", base, seriesRun(t, 5, 12, 1000, 100, 0.1), nil, "significant improvement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := CompareBaselineWith(tt.base, tt.cur, BaselineOptions{MaxRegression: 0.1})
			failed := failedChecks(rep)
			for _, m := range tt.wantFail {
				if !strings.Contains(strings.Join(failed, ","), m) {
					t.Errorf("%s passed, want FAIL; failed %v", m, failed)
				}
			}
			if tt.wantFail == nil && len(failed) > 0 {
				t.Errorf("failed %v, want none", failed)
				for _, r := range rep.Results {
					t.Logf("%s %s %s", r.Metric, r.Actual, r.Note)
				}
			}
			if tt.wantNote != "" && !strings.Contains(rep.Results[0].Note, tt.wantNote) {
				t.Errorf("write.p50 note %q, want %q", rep.Results[0].Note, tt.wantNote)
			}
		})
	}
}

// A change that is significant but whose interval does not lie wholly
// beyond the band passes, and says so.
func TestBaselineSignificantWithinBand(t *testing.T) {
	base := seriesRun(t, 1, 30, 2000, 200, 0.01)
	cur := seriesRun(t, 2, 30, 2000, 212, 0.01) // +6%
	rep := CompareBaselineWith(base, cur, BaselineOptions{MaxRegression: 0.1})
	r := rep.Results[0]
	if !r.Pass || !strings.Contains(r.Note, "significant change") || !strings.Contains(r.Note, "not beyond the 10% band") {
		t.Fatalf("p50 +6%%: pass %v note %q", r.Pass, r.Note)
	}
}

// The noise a file carries is used as it is; one without gets the same
// noise computed when gated (the seed is fixed).
func TestBaselineUsesStoredNoise(t *testing.T) {
	base := seriesRun(t, 1, 12, 1000, 200, 0.1)
	cur := seriesRun(t, 3, 12, 1000, 400, 0.1)
	before := CompareBaselineWith(base, cur, BaselineOptions{MaxRegression: 0.1})
	n, err := results.EstimateNoise(cur, nil, results.NoiseSeed)
	if err != nil || n == nil {
		t.Fatalf("noise %v, %v", n, err)
	}
	cur.Noise = n
	after := CompareBaselineWith(base, cur, BaselineOptions{MaxRegression: 0.1})
	if before.Results[2].Note != after.Results[2].Note {
		t.Fatalf("stored noise judged differently:\n%s\n%s", before.Results[2].Note, after.Results[2].Note)
	}
	// A huge stored spread makes the same 2x change undecidable.
	for i := range cur.Noise.Figures {
		cur.Noise.Figures[i].RelSE = 5
	}
	if rep := CompareBaselineWith(base, cur, BaselineOptions{MaxRegression: 0.1}); !rep.Passed() {
		t.Fatalf("2x within a stored spread of 5 (log) failed: %v", failedChecks(rep))
	}
}

// repeatsSide merges n repeats of seriesRun with the repeats' noise model,
// as rbench run --repeat and rbench merge --as repeats write it; the
// repeat numbered stalled (from 0; -1: none) has every latency x3, a
// machine stall that holds most of the samples above the merged p99.
func repeatsSide(t *testing.T, seed uint64, n int, medianUs float64, stalled int) *results.Run {
	t.Helper()
	var reps []*results.Run
	for i := 0; i < n; i++ {
		m := medianUs
		if i == stalled {
			m *= 3
		}
		reps = append(reps, seriesRun(t, seed+uint64(i), 5, 1000, m, 0.1))
	}
	merged, err := results.MergeWith(results.MergeOptions{As: results.MergeRepeats}, reps...)
	if err != nil {
		t.Fatal(err)
	}
	if merged.Noise, err = results.EstimateNoise(merged, reps, results.NoiseSeed); err != nil || merged.Noise.Method != results.NoiseRepeats {
		t.Fatalf("noise %+v, %v", merged.Noise, err)
	}
	return merged
}

// With repeats on both sides the check compares the typical repeat (the
// geometric means the spread is of), not the merged figures: one stalled
// repeat of ten moves the merged p99 of identical sides by half or more,
// and a real 2x change is still seen through a stalled baseline.
func TestBaselineComparesTypicalRepeats(t *testing.T) {
	base := repeatsSide(t, 100, 10, 200, -1)
	stalled := repeatsSide(t, 200, 10, 200, 3)
	p99 := func(rep Report) Result {
		for _, r := range rep.Results {
			if r.Metric == "write.p99 vs baseline" {
				return r
			}
		}
		t.Fatalf("no write.p99 check in %+v", rep.Results)
		return Result{}
	}
	bv, sv := newView(base), newView(stalled)
	mb, _ := ParseMetric("write.p99")
	b, _ := bv.value(mb)
	c, _ := sv.value(mb)
	if c < 1.5*b {
		t.Fatalf("merged p99 %v against %v: want the stalled repeat to drive the merged p99 up by half or more", c, b)
	}
	r := p99(CompareBaselineWith(base, stalled, BaselineOptions{MaxRegression: 0.1}))
	if !r.Pass || !strings.Contains(r.Note, "compared as the typical repeat") {
		t.Errorf("identical sides, one stalled repeat: pass %v, note %q; want a pass on the typical repeats", r.Pass, r.Note)
	}
	slower := repeatsSide(t, 300, 10, 400, -1)
	r = p99(CompareBaselineWith(stalled, slower, BaselineOptions{MaxRegression: 0.1}))
	if r.Pass || !strings.Contains(r.Note, "regression") {
		t.Errorf("2x slower against a baseline with a stalled repeat: pass %v, note %q; want a regression", r.Pass, r.Note)
	}
}

func TestTQuantile(t *testing.T) {
	for _, tt := range []struct{ p, df, want float64 }{
		{0.975, 1, 12.706}, {0.975, 2, 4.303}, {0.975, 3, 3.182}, {0.975, 5, 2.571}, {0.975, 10, 2.228},
		{0.995, 3, 5.841}, {0.995, 10, 3.169}, {0.975, 30, 2.042}, {0.95, 7, 1.895}, {0.975, math.Inf(1), 1.960},
	} {
		if got := tQuantile(tt.p, tt.df); math.Abs(got-tt.want) > 0.002*tt.want {
			t.Errorf("t(%g, %g) = %.4f, want %.3f", tt.p, tt.df, got, tt.want)
		}
	}
	if got := normalQuantile(0.5); math.Abs(got) > 1e-12 {
		t.Errorf("normal median %g", got)
	}
}

func TestPartialAndInvalidFail(t *testing.T) {
	ths := []Threshold{mustParse(t, "errors==0")}
	run := results.NewRun(results.Meta{})
	run.Validity = &results.Validity{Valid: false, Problems: []results.Problem{
		{Kind: results.ProblemGeneratorCPU, Severity: results.SeverityInvalid, Message: "the load generator was the bottleneck"},
		{Kind: results.ProblemMachineBusy, Severity: results.SeverityWarning, Message: "busy"},
	}}
	rep := Evaluate(run, ths)
	if rep.Passed() || !strings.Contains(rep.Summary(), "the load generator was the bottleneck") || strings.Contains(rep.Summary(), "busy") {
		t.Fatalf("invalid run: %+v %q", rep.Results, rep.Summary())
	}
	rep = EvaluateWith(run, ths, Options{AllowPartial: true})
	if !rep.Passed() || !strings.Contains(rep.Summary(), "judged with --allow-partial") {
		t.Fatalf("--allow-partial: %+v %q", rep.Results, rep.Summary())
	}
	// A recover without a verdict: every threshold fails, and
	// recovery.lost==0 fails even with --allow-partial.
	rec := results.NewRun(results.Meta{})
	rec.Recovery = &results.Recovery{Verdict: "", Cycles: []results.RecoveryCycle{{Cycle: 1}}}
	ths = []Threshold{mustParse(t, "recovery.lost==0"), mustParse(t, "errors==0")}
	if rep := Evaluate(rec, ths); rep.Failed() != 2 {
		t.Fatalf("unjudged recover: %d failed, want 2", rep.Failed())
	}
	if rep := EvaluateWith(rec, ths, Options{AllowPartial: true}); rep.Results[0].Pass || !rep.Results[1].Pass {
		t.Fatalf("unjudged recover with --allow-partial: %+v", rep.Results)
	}
	rec.Recovery.Verdict = results.RecoveryFail
	rec.Recovery.Lost = 3
	if rep := Evaluate(rec, ths[:1]); rep.Passed() {
		t.Fatal("a failed recover that lost 3 writes passes recovery.lost==0")
	}
}

// JUnit test-case names are the same for two builds whose figures differ:
// CI keeps a test's history by its name.
func TestJUnitNamesStable(t *testing.T) {
	names := func(run, base *results.Run) ([]string, []string) {
		ths := []Threshold{mustParse(t, "write.p99<1ms"), mustParse(t, "p(99)<1"), mustParse(t, "errors.rate<0.01")}
		rep := Evaluate(run, ths)
		rep.Results = append(rep.Results, CompareBaseline(base, run, 0.1).Results...)
		var b bytes.Buffer
		if err := rep.WriteJUnit(&b, ""); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Suites []struct {
				Time  string `xml:"time,attr"`
				Cases []struct {
					Name string `xml:"name,attr"`
					Time string `xml:"time,attr"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		var n, times []string
		for _, c := range doc.Suites[0].Cases {
			n = append(n, c.Name)
			times = append(times, c.Time)
		}
		if doc.Suites[0].Time == "" {
			t.Error("testsuite without a time attribute")
		}
		return n, times
	}
	base := seriesRun(t, 1, 10, 1000, 200, 0.1)
	a, ta := names(seriesRun(t, 2, 10, 1000, 210, 0.1), base)
	b, _ := names(seriesRun(t, 3, 10, 1000, 900, 0.3), base)
	if strings.Join(a, "|") != strings.Join(b, "|") {
		t.Fatalf("names differ between builds:\n%v\n%v", a, b)
	}
	for i, n := range a {
		if strings.ContainsAny(n, "0123456789") && !strings.Contains(n, "<") && !strings.Contains(n, "p9") && !strings.Contains(n, "p5") {
			t.Errorf("name %q holds a figure", n)
		}
		if ta[i] == "" {
			t.Errorf("%s: no time attribute", n)
		}
	}
	if a[3] != "write.p50 vs baseline" {
		t.Errorf("baseline name %q", a[3])
	}
}

func TestMarkdownNamesFiles(t *testing.T) {
	rep := Evaluate(testRun(t), []Threshold{mustParse(t, "errors==0")})
	rep.Run, rep.Baseline, rep.ReportFile = "run.json", "main.json", "out/report.html"
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Run: `run.json` · Baseline: `main.json` · Report: `out/report.html`") {
		t.Fatalf("markdown:\n%s", b.String())
	}
}

func TestK6Spellings(t *testing.T) {
	for _, tt := range []struct {
		expr, metric string
		value        float64
		warn         bool
	}{
		{"p(99)<1", "all.p99", 1000, false},
		{"p(99.9) < 2", "all.p99.9", 2000, false},
		{"avg<200", "all.mean", 200_000, false},
		{"med<1", "all.p50", 1000, false},
		{"min<1", "all.min", 1000, false},
		{"max<500", "all.max", 500_000, false},
		{"count>100", "all.count", 100, false},
		{"write.avg<200", "write.mean", 200_000, false},
		{"write.med<1ms", "write.p50", 1000, false},
		{"read.p(95)<300us", "read.p95", 300, false},
		{"op.add_order@json.p(99).service<2", "op.add_order@json.p99.service", 2000, false},
		{"write.p99<1", "write.p99", 1000, false},
		{"errors.rate<0.01", "errors.rate", 0.01, false},
		{"errors.rate<1%", "errors.rate", 0.01, false},
		{"write.errors.rate<0.001", "write.errors.rate", 0.001, false},
		{"rate<0.01", "rate", 0.01, true},
		{"rate>=5000", "rate", 5000, false},
		{"server.exec.p99<1ms", "server.exec.p99", 1000, false},
		{"server.config|get.p(99.9)<1", "server.config|get.p99.9", 1000, false},
		{"server.rpush.count>0", "server.rpush.count", 0, false},
		{"writer.lag.p(99.9)<5ms", "writer.lag.p99.9", 5000, false},
		{"writer.lag.max<1s", "writer.lag.max", 1e6, false},
		{"recovery.load<10s", "recovery.load", 1e7, false},
	} {
		th, err := Parse(tt.expr)
		if err != nil {
			t.Errorf("%q: %v", tt.expr, err)
			continue
		}
		if th.Metric.Name != tt.metric || math.Abs(th.Value-tt.value) > 1e-9*math.Max(1, tt.value) || (th.Warning != "") != tt.warn {
			t.Errorf("%q: %s %g warning %q, want %s %g warn %v", tt.expr, th.Metric.Name, th.Value, th.Warning, tt.metric, tt.value, tt.warn)
		}
		if tt.warn && !strings.Contains(th.Warning, "errors.rate<0.01") {
			t.Errorf("%q: warning %q does not name errors.rate", tt.expr, th.Warning)
		}
	}
}

func TestEvaluateNewMetrics(t *testing.T) {
	run := testRun(t)
	run.Server = &results.ServerView{Latency: []results.ServerLatency{{Command: "exec", Calls: 2000, Count: 2000, MaxUs: 64,
		Buckets: []results.LatencyBucket{{LeUs: 8, Count: 1900}, {LeUs: 16, Count: 90}, {LeUs: 64, Count: 10}}}}}
	w := results.NewHistogram()
	for i := 1; i <= 2000; i++ {
		w.RecordValue(int64(i))
	}
	enc, _ := results.EncodeHDR(w)
	run.Writer = []results.Writer{{Encoding: "msgpack", LagHDR: enc, Lag: results.Summarize(w)}}
	for _, tt := range []struct {
		metric string
		want   float64
	}{
		{"server.exec.p50", 8}, {"server.exec.p99", 16}, {"server.exec.max", 64}, {"server.exec.count", 2000},
		{"writer.lag.p50", 1000}, {"writer.lag.max", 2000},
		{"errors.rate", float64(2*k) / float64(2200*k+2*k)},
	} {
		m, err := ParseMetric(tt.metric)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Value(run, m)
		if err != nil || math.Abs(got-tt.want) > 0.002*tt.want {
			t.Errorf("%s = %g, %v; want %g", tt.metric, got, err, tt.want)
		}
	}
	m, _ := ParseMetric("server.exec.p99.9")
	if _, err := Value(run, m); err == nil || !strings.Contains(err.Error(), results.TooFewSamples) {
		t.Errorf("server.exec.p99.9 on 2000 calls: %v, want too few samples", err)
	}
	m, _ = ParseMetric("server.get.p99")
	if _, err := Value(run, m); err == nil || !strings.Contains(err.Error(), "have exec") {
		t.Errorf("server.get.p99: %v, want the commands it has", err)
	}
}

func TestCompareMatchOp(t *testing.T) {
	mp := results.NewRun(results.Meta{})
	mp.Ops = []results.Op{op(t, "add_order", results.ClassWrite, "msgpack", 1000, repeat(100, 2000), repeat(100, 2000))}
	js := results.NewRun(results.Meta{})
	js.Ops = []results.Op{op(t, "add_order", results.ClassWrite, "json", 1000, repeat(200, 2000), repeat(200, 2000))}
	var scopes []string
	for _, c := range CompareWith(mp, js, CompareOptions{Noise: 0.05, MatchOp: true}) {
		if c.Stat == "p50" {
			scopes = append(scopes, c.Scope+" "+c.Verdict)
		}
	}
	want := "write worse|add_order msgpack→json worse"
	if strings.Join(scopes, "|") != want {
		t.Fatalf("scopes %q, want %q", strings.Join(scopes, "|"), want)
	}
	// Without --match op the two are "only in A" and "only in B".
	var only []string
	for _, c := range Compare(mp, js, 0.05) {
		if c.Stat == "p50" && c.Scope != "write" {
			only = append(only, c.Verdict)
		}
	}
	if strings.Join(only, ",") != OnlyA+","+OnlyB {
		t.Fatalf("without match: %v", only)
	}
}
