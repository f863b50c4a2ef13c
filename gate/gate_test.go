package gate

import (
	"bytes"
	"encoding/xml"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rbench/rbench/results"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in     string
		metric string
		op     Op
		value  float64
		kind   Kind
	}{
		{"write.p99<1ms", "write.p99", LT, 1000, Duration},
		{"  write.p99 < 1ms  ", "write.p99", LT, 1000, Duration},
		{"write.p99 < 1 ms", "write.p99", LT, 1000, Duration},
		{"errors.pct<1 %", "errors.pct", LT, 1, Percent},
		{"read.p99.9<=2ms", "read.p99.9", LE, 2000, Duration},
		{"all.max<1s", "all.max", LT, 1e6, Duration},
		{"write.p99.99.service<500us", "write.p99.99.service", LT, 500, Duration},
		{"write.p99.response<500µs", "write.p99", LT, 500, Duration},
		{"write.mean>250ns", "write.mean", GT, 0.25, Duration},
		{"write.min>=0.5us", "write.min", GE, 0.5, Duration},
		{"op.add_order.p99<1ms", "op.add_order.p99", LT, 1000, Duration},
		{"op.add_order@json.p50.service<1.5ms", "op.add_order@json.p50.service", LT, 1500, Duration},
		{"write@msgpack.p95<1ms", "write@msgpack.p95", LT, 1000, Duration},
		{"startup.p99<3ms", "startup.p99", LT, 3000, Duration},
		{"errors==0", "errors", EQ, 0, Count},
		{"errors.timeout!=3", "errors.timeout", NE, 3, Count},
		{"errors.pct<0.1%", "errors.pct", LT, 0.1, Percent},
		{"errors.pct<1", "errors.pct", LT, 1, Percent},
		{"rate>=50000", "rate", GE, 50000, Rate},
		{"rate>=5e4", "rate", GE, 50000, Rate},
		{"rate@json>100", "rate@json", GT, 100, Rate},
		{"write.rate>100", "write.rate", GT, 100, Rate},
		{"op.get_instrument.rate>1", "op.get_instrument.rate", GT, 1, Rate},
		{"read.count>=10", "read.count", GE, 10, Count},
		{"write.errors==0", "write.errors", EQ, 0, Count},
		{"recovery.lost==0", "recovery.lost", EQ, 0, Count},
		{"recovery.ready<30s", "recovery.ready", LT, 30e6, Duration},
		{"startup.total<2s", "startup.total", LT, 2e6, Duration},
		{"late<10", "late", LT, 10, Count},
		{"late.max<5ms", "late.max", LT, 5000, Duration},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			th, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if th.Metric.Name != tt.metric || th.Op != tt.op || math.Abs(th.Value-tt.value) > 1e-9 || th.Metric.Kind != tt.kind {
				t.Fatalf("have %s %s %v kind %d, want %s %s %v kind %d", th.Metric.Name, th.Op, th.Value, th.Metric.Kind, tt.metric, tt.op, tt.value, tt.kind)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in  string
		col int
		msg string
	}{
		{"", 1, "empty threshold"},
		{"write.p99", 10, "missing operator"},
		{"write.p99<", 11, "missing value"},
		{"errors.rate<2", 13, "share from 0 to 1"},
		{"errors.rate<1ms", 14, "share from 0 to 1"},
		{"write.p(99<1", 11, "unclosed"},
		{"server.exec.min<1ms", 13, "takes pN"},
		{"write.p99<1xs", 12, `unknown unit "xs"`},
		{"write.p99=1ms", 10, "use =="},
		{"write.p99~1ms", 10, "want an operator"},
		{"wrte.p99<1ms", 1, `unknown metric "wrte.p99"`},
		{"write.p999x<1ms", 11, "bad percentile"},
		{"write.p101<1ms", 8, "outside (0, 100]"},
		{"write.p0<1ms", 8, "outside (0, 100]"},
		{"write.foo<1ms", 7, `unknown statistic "foo"`},
		{"write<1ms", 6, "missing statistic"},
		{"write.<1ms", 7, "missing statistic"},
		{"op..p99<1ms", 4, "empty op name"},
		{"op.add_order@.p99<1ms", 14, "empty encoding"},
		{"op.add_order<1ms", 13, "missing statistic"},
		{"errors.bogus==0", 1, "unknown metric"},
		{"errors==0ms", 10, "a count"},
		{"rate>=50k", 9, "a rate"},
		{"errors.pct<1ms", 13, "percentage"},
		{"write.p99<1ms extra", 15, `unexpected "extra"`},
		{"write.p99<-1ms", 11, "negative"},
		{"write.p99<abc", 11, "want a number"},
		{"write.p99<1.2.3ms", 11, "not a number"},
		{"µ.p99<1ms", 1, "want a metric name"},
		{"write.p99<1ms µ", 15, "unexpected"},
		{"write.p99<1 xs", 13, "unexpected"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("err = %v, want a *SyntaxError", err)
			}
			if se.Col != tt.col || !strings.Contains(se.Msg, tt.msg) {
				t.Fatalf("column %d %q, want column %d %q", se.Col, se.Msg, tt.col, tt.msg)
			}
			// The caret line points at the column.
			lines := strings.Split(err.Error(), "\n")
			if caret := lines[len(lines)-1]; utf8.RuneCountInString(caret) != 2+tt.col || !strings.HasSuffix(caret, "^") {
				t.Fatalf("caret line %q does not point at column %d", caret, tt.col)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"write.p99<1ms", "op.add_order@json.p99.9.service<=2ms", "errors==0", "rate>=5e4", "errors.pct<1%", "recovery.ready<30s", "write.p99<1µs", "x", "<", "write.p1e5<1ms",
		"p(99)<1", "write.avg<200", "med<1", "count>0", "errors.rate<0.01", "rate<0.01", "server.exec.p(99.9)<1", "writer.lag.p99<2ms", "p(", "write.p(99", "server..p99<1", "server.a|b.max<1ms"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("%q: error %v is not a *SyntaxError", s, err)
			}
			if se.Col < 1 || se.Col > utf8.RuneCountInString(s)+1 {
				t.Fatalf("%q: column %d out of range", s, se.Col)
			}
			return
		}
		// A parsed threshold re-parses from its canonical metric name, to
		// the same metric.
		again, err := ParseMetric(th.Metric.Name)
		if err != nil || again.Name != th.Metric.Name || again.Kind != th.Metric.Kind {
			t.Fatalf("%q: canonical %q parses to %+v, %v", s, th.Metric.Name, again, err)
		}
		if th.Warning != "" && th.Metric.Kind != Rate {
			t.Fatalf("%q: warning %q on a %v metric", s, th.Warning, th.Metric.Kind)
		}
		if math.IsNaN(th.Value) || th.Value < 0 {
			t.Fatalf("%q: value %g", s, th.Value)
		}
	})
}

func TestParseList(t *testing.T) {
	in := "# gates for CI\nwrite.p99<1ms\n\n- read.p99.9 < 2ms   # tail\n- \"errors==0\"\n---\n"
	ths, err := ParseList(strings.NewReader(in), "gates.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(ths) != 3 || ths[1].Metric.Name != "read.p99.9" || ths[2].Metric.Name != "errors" {
		t.Fatalf("parsed %+v", ths)
	}
	_, err = ParseList(strings.NewReader("write.p99<1ms\nwrite.p99<1xs\n"), "gates.txt")
	if !errors.Is(err, ErrSyntax) || !strings.HasPrefix(err.Error(), "gates.txt:2: ") {
		t.Fatalf("err = %v, want gates.txt:2 syntax error", err)
	}
}

func repeat(v int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func op(t testing.TB, name, class, enc string, rate float64, service, response []int64) results.Op {
	t.Helper()
	svc, resp := results.NewHistogram(), results.NewHistogram()
	for _, v := range service {
		svc.RecordValue(v)
	}
	for _, v := range response {
		resp.RecordValue(v)
	}
	o, err := results.OpFromHistograms(name, class, enc, svc, resp, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	o.Rate = rate
	return o
}

// k scales the test runs' sample counts above every percentile's floor
// (p99.99 needs 100,000 samples).
const k = 200

// testRun: add_order has 990k fast writes (100 us) and update_order 10k slow
// ones (10 ms), so the merged write p99 is 100 us while the per-op p99s
// average to about 5 ms: a gate that averages would be caught.
func testRun(t testing.TB) *results.Run {
	r := results.NewRun(results.Meta{RunID: "t"})
	r.Ops = []results.Op{
		op(t, "add_order", results.ClassWrite, "msgpack", 990, repeat(100, 990*k), repeat(150, 990*k)),
		op(t, "update_order", results.ClassWrite, "msgpack", 10, repeat(10_000, 10*k), repeat(12_000, 10*k)),
		op(t, "get_instrument", results.ClassRead, "msgpack", 500, repeat(80, 500*k), repeat(90, 500*k)),
		op(t, "add_order", results.ClassWrite, "json", 700, repeat(200, 700*k), repeat(250, 700*k)),
	}
	r.Ops[1].Errors = 2 * k
	r.Errors = results.ErrorCounts{Timeout: 2 * k}
	r.Pacing = []results.Pacing{{Encoding: "msgpack", Late: 4, MaxLateUs: 3000}}
	return r
}

func TestEvaluate(t *testing.T) {
	run := testRun(t)
	tests := []struct {
		expr   string
		pass   bool
		actual string
		detail string
	}{
		{"write.p99<1ms", true, "250us", ""},
		{"write@msgpack.p99<1ms", true, "150us", ""},
		{"write@msgpack.p99.service<101us", true, "100us", ""},
		{"write.max<10ms", false, "12.007ms", ""},
		{"write.p99<200us", false, "250us", ""},
		{"op.update_order.p50.service>=10ms", true, "10.007ms", ""},
		{"op.add_order@json.p50<250us", false, "250us", ""},
		{"read.p99.9<=90us", true, "90us", ""},
		{"all.p50<1ms", true, "150us", ""},
		{"errors==0", false, "400", ""},
		{"errors.timeout==400", true, "400", ""},
		{"errors.pct<1%", true, "0.091%", ""},
		// msgpack totals 1500 ops/s, json 700: the slowest encoding counts.
		{"rate>=1000", false, "700/s", ""},
		{"rate@msgpack>=1000", true, "1500/s", ""},
		{"write@msgpack.rate==1000", true, "1000/s", ""},
		{"write.count==340000", true, "340000", ""},
		{"late<5", true, "4", ""},
		{"late.max<=3ms", true, "3ms", ""},
		{"startup.p99<1ms", false, "-", "no startup ops"},
		{"op.add_ordr.p99<1ms", false, "-", "no add_ordr ops"},
		{"write@xml.p99<1ms", false, "-", "with encoding xml"},
		{"recovery.lost==0", false, "-", "no recovery section"},
		{"recovery.ready<30s", false, "-", "no recovery section"},
		{"startup.total<1s", false, "-", "no startup-load replay"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			th, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			rep := Evaluate(run, []Threshold{th})
			res := rep.Results[0]
			if res.Pass != tt.pass || res.Actual != tt.actual || !strings.Contains(res.Detail, tt.detail) {
				t.Fatalf("have pass=%v actual=%q detail=%q, want %v %q %q", res.Pass, res.Actual, res.Detail, tt.pass, tt.actual, tt.detail)
			}
			if rep.Passed() != tt.pass {
				t.Fatal("Passed() disagrees")
			}
		})
	}
}

func TestEvaluateRecovery(t *testing.T) {
	run := testRun(t)
	run.Recovery = &results.Recovery{Verdict: results.RecoveryFail, Lost: 0, Cycles: []results.RecoveryCycle{{TradingReadySec: 1.5}, {TradingReadySec: 2.25}}}
	run.Startup = []results.StartupLoad{{TotalSec: 0.5}, {TotalSec: 0.75}}
	var ths []Threshold
	run.Recovery.Corrupt, run.Recovery.WrongType = 1, 2
	for _, e := range []string{"recovery.lost==0", "recovery.corrupt==3", "recovery.ready<2.5s", "recovery.ready>=2250ms", "startup.total==750ms"} {
		th, err := Parse(e)
		if err != nil {
			t.Fatal(err)
		}
		ths = append(ths, th)
	}
	rep := Evaluate(run, ths)
	for _, r := range rep.Results {
		if !r.Pass {
			t.Errorf("%s %s: actual %s %s", r.Metric, r.Threshold, r.Actual, r.Detail)
		}
	}
}

// An incomplete recovery (interrupted, the server did not come back) or one
// never judged (verdict "") fails every recovery threshold, however good its
// figures look, and says why.
func TestEvaluateIncompleteRecovery(t *testing.T) {
	for _, verdict := range []string{results.RecoveryIncomplete, ""} {
		run := testRun(t)
		run.Recovery = &results.Recovery{Verdict: verdict, Reasons: []string{"interrupted in cycle 1 of 3"},
			Cycles: []results.RecoveryCycle{{TradingReadySec: 0.01}}}
		var ths []Threshold
		for _, e := range []string{"recovery.lost==0", "recovery.ready<30s", "recovery.corrupt==0"} {
			th, err := Parse(e)
			if err != nil {
				t.Fatal(err)
			}
			ths = append(ths, th)
		}
		rep := Evaluate(run, ths)
		if rep.Failed() != len(ths) {
			t.Errorf("verdict %q: %d of %d thresholds failed", verdict, rep.Failed(), len(ths))
		}
		for _, r := range rep.Results {
			if !strings.Contains(r.Detail, "not complete") || (verdict != "" && !strings.Contains(r.Detail, "interrupted in cycle 1")) {
				t.Errorf("verdict %q: %s detail %q does not say why", verdict, r.Metric, r.Detail)
			}
		}
	}
}

func TestBaseline(t *testing.T) {
	base := testRun(t)
	scaled := func(f float64, rateF float64) *results.Run {
		r := results.NewRun(results.Meta{})
		for _, o := range base.Ops {
			svc, resp := scaleVals(o, f)
			r.Ops = append(r.Ops, op(t, o.Name, o.Class, o.Encoding, o.Rate*rateF, svc, resp))
		}
		return r
	}
	tests := []struct {
		name   string
		cur    *results.Run
		failed []string
	}{
		{"same", scaled(1, 1), nil},
		{"5% slower, inside the band", scaled(1.05, 0.95), nil},
		{"20% slower", scaled(1.2, 1), []string{"write.p50 vs baseline", "write.p99.99 vs baseline", "read.p99 vs baseline"}},
		{"faster and busier", scaled(0.5, 2), nil},
		{"rate down 20%", scaled(1, 0.8), []string{"write.rate vs baseline", "read.rate vs baseline"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := CompareBaseline(base, tt.cur, 0.10)
			if len(rep.Results) != 12 { // (5 percentiles + rate) x (write, read)
				t.Fatalf("%d checks, want 12", len(rep.Results))
			}
			failed := map[string]bool{}
			for _, r := range rep.Results {
				if !r.Pass {
					failed[r.Metric] = true
				}
			}
			if len(tt.failed) == 0 && len(failed) > 0 {
				t.Fatalf("failed %v, want none", failed)
			}
			for _, m := range tt.failed {
				if !failed[m] {
					t.Errorf("%s passed, want FAIL (failed: %v)", m, failed)
				}
			}
		})
	}
	// A class gone from the current run fails.
	cur := scaled(1, 1)
	cur.Ops = cur.Ops[:2]
	rep := CompareBaseline(base, cur, 0.1)
	if rep.Passed() {
		t.Fatal("missing read class passed")
	}
}

func scaleVals(o results.Op, f float64) (svc, resp []int64) {
	// Rebuild from the summary's p50 value: every op holds one value only.
	for i := int64(0); i < o.Count; i++ {
		svc = append(svc, int64(float64(o.Service.Min)*f))
		resp = append(resp, int64(float64(o.Response.Min)*f))
	}
	return svc, resp
}

func TestOutputs(t *testing.T) {
	run := testRun(t)
	var ths []Threshold
	for _, e := range []string{"write.p99<1ms", "errors==0", "recovery.lost==0", "read.p99<1ms"} {
		th, _ := Parse(e)
		ths = append(ths, th)
	}
	rep := Evaluate(run, ths)
	if rep.Failed() != 2 {
		t.Fatalf("failed %d, want 2", rep.Failed())
	}

	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"METRIC", "write.p99", "< 1ms", "250us", "PASS", "FAIL", "no recovery section", "FAIL: 2 of 4 thresholds failed"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}

	var md bytes.Buffer
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(md.String()), "\n")
	// Heading, blank, header, separator, one row per threshold.
	if len(lines) != 4+len(ths) || lines[2] != "| Metric | Threshold | Actual | Result |" || lines[3] != "|---|---|---|---|" {
		t.Fatalf("markdown:\n%s", md.String())
	}
	for _, l := range lines[2:] {
		if strings.Count(strings.ReplaceAll(l, `\|`, ""), "|") != 5 {
			t.Errorf("row %q does not have 4 cells", l)
		}
	}
	if !strings.Contains(lines[4], "| `write.p99` | &lt; 1ms | 250us n=340000 | ✅ PASS |") {
		t.Errorf("first row %q", lines[4])
	}

	var junit bytes.Buffer
	if err := rep.WriteJUnit(&junit, ""); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Failures int      `xml:"failures,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(junit.Bytes(), &doc); err != nil {
		t.Fatalf("junit is not XML: %v\n%s", err, junit.String())
	}
	if doc.Failures != 2 || len(doc.Suites) != 1 || doc.Suites[0].Tests != 4 || len(doc.Suites[0].Cases) != 4 {
		t.Fatalf("junit %+v", doc)
	}
	c := doc.Suites[0].Cases
	if c[0].Name != ths[0].Expr || c[0].Failure != nil || c[1].Failure == nil || !strings.Contains(c[2].Failure.Message, "no recovery section") {
		t.Fatalf("junit cases %+v", c)
	}
}

func TestCompare(t *testing.T) {
	a := testRun(t)
	b := testRun(t)
	// b: add_order@msgpack 3% slower (noise), get_instrument 50% slower,
	// update_order gone, a new op.
	b.Ops[0] = op(t, "add_order", results.ClassWrite, "msgpack", 1000, repeat(103, 990*k), repeat(155, 990*k))
	b.Ops[2] = op(t, "get_instrument", results.ClassRead, "msgpack", 250, repeat(120, 500*k), repeat(135, 500*k))
	b.Ops[1] = op(t, "purge_order", results.ClassWrite, "msgpack", 10, repeat(100, 10*k), repeat(100, 10*k))
	ch := Compare(a, b, 0.05)
	find := func(scope, stat string) Change {
		for _, c := range ch {
			if c.Scope == scope && c.Stat == stat {
				return c
			}
		}
		t.Fatalf("no change for %s %s", scope, stat)
		return Change{}
	}
	tests := []struct {
		scope, stat, verdict string
	}{
		{"add_order@msgpack", "p50", Noise},
		{"add_order@msgpack", "rate", Noise},
		{"get_instrument@msgpack", "p99", Worse},
		{"get_instrument@msgpack", "rate", Worse},
		{"read", "p99", Worse},
		{"update_order@msgpack", "p99", OnlyA},
		{"purge_order@msgpack", "p50", OnlyB},
		{"add_order@json", "p99.99", Noise},
	}
	for _, tt := range tests {
		if c := find(tt.scope, tt.stat); c.Verdict != tt.verdict {
			t.Errorf("%s %s: %s (%+v), want %s", tt.scope, tt.stat, c.Verdict, c, tt.verdict)
		}
	}
	if c := find("get_instrument@msgpack", "p50"); math.Abs(c.DeltaPct-50) > 1 {
		t.Errorf("delta %v, want +50%%", c.DeltaPct)
	}
	var text, md bytes.Buffer
	if err := WriteCompare(&text, ch, "a.json", "b.json"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "~ noise") || !strings.Contains(text.String(), "A: a.json") || !strings.Contains(text.String(), "+50.0%") {
		t.Errorf("compare text:\n%s", text.String())
	}
	if err := WriteCompareMarkdown(&md, ch, "a.json", "b.json"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(md.String()), "\n")
	if len(lines) != len(ch)+2 || !strings.HasPrefix(lines[0], "| Scope | Stat | A: a.json | B: b.json |") {
		t.Errorf("compare markdown:\n%s", md.String())
	}
}

func TestParsePercent(t *testing.T) {
	for in, want := range map[string]float64{"10%": 0.1, "5": 0.05, " 2.5 % ": 0.025, "0%": 0} {
		if got, err := ParsePercent(in); err != nil || math.Abs(got-want) > 1e-12 {
			t.Errorf("ParsePercent(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "-5%", "10ms"} {
		if _, err := ParsePercent(in); err == nil {
			t.Errorf("ParsePercent(%q) accepted", in)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 0.25: "250ns", 812: "812us", 812.5: "812.5us", 1500: "1.5ms", 2.5e6: "2.5s", 1000: "1ms"} {
		if got := FormatDuration(in); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseList(f *testing.F) {
	f.Add("# c\nwrite.p99<1ms\n- \"errors==0\"\n")
	f.Add("- 'x\n---\n-\n")
	f.Fuzz(func(t *testing.T, s string) {
		ths, err := ParseList(strings.NewReader(s), "f")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f:") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for _, th := range ths {
			if th.Op == "" || th.Metric.Name == "" {
				t.Fatalf("incomplete threshold %+v", th)
			}
		}
	})
}

func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"10%", "5", "NaN", "-1", "1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParsePercent(s)
		if err == nil && (v < 0 || v > 10 || math.IsNaN(v)) {
			t.Fatalf("ParsePercent(%q) = %v", s, v)
		}
	})
}

// TestEvaluateWriter: the lag p99 comes from the writer sections' merged
// histograms (990 calls at 200 us under msgpack, 10 at 20 ms under json:
// merged p99 200 us, while the json pass alone would say 20 ms), the queue
// from the deepest open-loop pass, busy from the busiest; a closed-loop run
// has no queue and says so.
func TestEvaluateWriter(t *testing.T) {
	lag := func(v int64, n int) string {
		h := results.NewHistogram()
		_ = h.RecordValues(v, int64(n))
		s, err := results.EncodeHDR(h)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	q3, q7 := int64(3), int64(7)
	run := testRun(t)
	run.Writer = []results.Writer{
		{Encoding: "msgpack", LagHDR: lag(200, 990), QueueMax: &q3, Busy: 0.4},
		{Encoding: "json", LagHDR: lag(20_000, 10), QueueMax: &q7, Busy: 0.9},
	}
	closed := testRun(t)
	closed.Writer = []results.Writer{{Encoding: "msgpack", LagHDR: lag(100, 10), Busy: 1}}
	for _, tt := range []struct {
		run    *results.Run
		expr   string
		pass   bool
		actual string
		detail string
	}{
		{run, "writer.lag.p99<1ms", true, "200us", ""},
		{run, "writer.queue.max<=5", false, "7", ""},
		{run, "writer.busy<80%", false, "90%", ""},
		{closed, "writer.queue.max==0", false, "-", "closed-loop"},
		{testRun(t), "writer.lag.p99<1ms", false, "-", "no writer section"},
	} {
		th, err := Parse(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		res := Evaluate(tt.run, []Threshold{th}).Results[0]
		if res.Pass != tt.pass || res.Actual != tt.actual || !strings.Contains(res.Detail, tt.detail) {
			t.Errorf("%s: pass=%v actual=%q detail=%q, want %v %q %q", tt.expr, res.Pass, res.Actual, res.Detail, tt.pass, tt.actual, tt.detail)
		}
	}
}
