package gate

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rbench/rbench/results"
)

// fewRun has ops with 4 and 8 samples, the counts of add_account and
// add_currency in a populate run, and a send-lateness histogram of 5000.
func fewRun(t *testing.T) *results.Run {
	r := results.NewRun(results.Meta{RunID: "few"})
	r.Ops = []results.Op{
		op(t, "add_account", results.ClassWrite, "msgpack", 4, repeat(100, 4), repeat(120, 4)),
		op(t, "add_currency", results.ClassWrite, "msgpack", 8, repeat(100, 8), repeat(120, 8)),
		op(t, "add_order", results.ClassWrite, "msgpack", 2000, repeat(100, 2000), repeat(150, 2000)),
	}
	late := results.NewSendLateHistogram()
	late.RecordValues(200, 4950) // 0.2 us
	late.RecordValues(40_000, 50)
	enc, _ := results.EncodeHDR(late)
	r.Pacing = []results.Pacing{{Encoding: "msgpack", Mode: "open", SendLateHDR: enc}}
	return r
}

func TestSampleFloors(t *testing.T) {
	run := fewRun(t)
	tests := []struct {
		expr    string
		pass    bool
		skipped bool // with AllowFewSamples
		actual  string
	}{
		// 8 samples: even the p50 (20) is out of reach, p99.99 hopelessly.
		{"op.add_currency@msgpack.p99.99<1ms", false, true, "n/a"},
		{"op.add_account.p50<1ms", false, true, "n/a"},
		// The maximum is observed, not estimated: no floor.
		{"op.add_account.max<1ms", true, false, "120us"},
		{"op.add_account.p100<1ms", true, false, "120us"},
		{"op.add_account.mean<1ms", true, false, "120us"},
		// 2012 write samples: p99 (1000) yes, p99.9 (10000) no.
		{"write.p99<1ms", true, false, "150us"},
		{"write.p99.9<1ms", false, true, "n/a"},
		// Send lateness: 5000 samples, 1% of them 40 us.
		{"late.p50<1us", true, false, "200ns"},
		{"late.p99.5<100us", true, false, "40.191us"},
		{"late.p99.9<100us", false, true, "n/a"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			th, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			res := Evaluate(run, []Threshold{th}).Results[0]
			if res.Pass != tt.pass || res.Actual != tt.actual || res.Skipped {
				t.Fatalf("have pass=%v actual=%q skipped=%v detail=%q, want %v %q", res.Pass, res.Actual, res.Skipped, res.Detail, tt.pass, tt.actual)
			}
			if res.Actual == "n/a" && !strings.Contains(res.Detail, results.TooFewSamples) {
				t.Errorf("detail %q does not say %q", res.Detail, results.TooFewSamples)
			}
			allow := EvaluateWith(run, []Threshold{th}, Options{AllowFewSamples: true}).Results[0]
			if allow.Skipped != tt.skipped || allow.Pass != (tt.pass || tt.skipped) {
				t.Errorf("--allow-few-samples: pass=%v skipped=%v, want skipped=%v", allow.Pass, allow.Skipped, tt.skipped)
			}
		})
	}
	th, _ := Parse("op.add_currency@msgpack.p99.99<1ms")
	rep := EvaluateWith(run, []Threshold{th}, Options{AllowFewSamples: true})
	var text bytes.Buffer
	rep.WriteText(&text)
	if !strings.Contains(text.String(), "SKIP") || !strings.Contains(text.String(), "1 skipped") || !rep.Passed() {
		t.Errorf("skipped output:\n%s", text.String())
	}
	var junit bytes.Buffer
	rep.WriteJUnit(&junit, "")
	if !strings.Contains(junit.String(), "<skipped message=") || !strings.Contains(junit.String(), `skipped="1"`) {
		t.Errorf("junit:\n%s", junit.String())
	}
	if _, err := Parse("late.p99.service<1ms"); err == nil {
		t.Error("late.p99.service parsed")
	}
}

func TestFloorsInBaselineAndCompare(t *testing.T) {
	a, b := fewRun(t), fewRun(t)
	rep := CompareBaseline(a, b, 0.1)
	var decided, skipped []string
	for _, r := range rep.Results {
		if r.Skipped {
			skipped = append(skipped, r.Metric)
		} else {
			decided = append(decided, r.Metric)
		}
	}
	// 2012 writes: p50, p90, p99 and the rate are compared; p99.9, p99.99 not.
	if strings.Join(decided, ",") != "write.p50 vs baseline,write.p90 vs baseline,write.p99 vs baseline,write.rate vs baseline" ||
		strings.Join(skipped, ",") != "write.p99.9 vs baseline,write.p99.99 vs baseline" {
		t.Errorf("decided %v skipped %v", decided, skipped)
	}
	if !rep.Passed() {
		t.Error("skipped baseline figures failed the gate")
	}
	for _, c := range Compare(a, b, 0.05) {
		if c.Scope == "add_currency@msgpack" && c.Stat != "max" && c.Stat != "rate" {
			if c.Verdict != TooFew || c.cells()[2] != "n/a" {
				t.Errorf("%s %s: verdict %q cells %v, want %q and n/a", c.Scope, c.Stat, c.Verdict, c.cells(), TooFew)
			}
		}
		if c.Scope == "add_order@msgpack" && c.Stat == "p99" && c.Verdict != Noise {
			t.Errorf("add_order p99: %q", c.Verdict)
		}
	}
}
