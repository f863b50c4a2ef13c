package gate

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rbench/rbench/results"
)

// An incomplete run (interrupted, a scale or cycle missing) fails every
// threshold, even those its partial figures would meet.
func TestIncompleteRunFailsEveryThreshold(t *testing.T) {
	run := results.NewRun(results.Meta{RunID: "x"})
	ths := []Threshold{mustParse(t, "errors==0"), mustParse(t, "recovery.lost==0")}
	if rep := Evaluate(run, ths[:1]); !rep.Passed() {
		t.Fatalf("a complete run without errors fails errors==0: %+v", rep)
	}
	run.Incomplete = []string{"interrupted after 3s"}
	rep := Evaluate(run, ths)
	if rep.Passed() || rep.Failed() != 2 {
		t.Fatalf("incomplete run: %+v, want every threshold failed", rep)
	}
	for _, r := range rep.Results {
		if !strings.Contains(r.Detail, "the run is partial or invalid") {
			t.Errorf("%s: detail %q does not say it was not judged", r.Metric, r.Detail)
		}
	}
	var junit bytes.Buffer
	if err := rep.WriteJUnit(&junit, ""); err != nil || strings.Count(junit.String(), "interrupted after 3s") < 2 {
		t.Errorf("JUnit failures do not say why (%v):\n%s", err, junit.String())
	}
	var b bytes.Buffer
	rep.WriteText(&b)
	if !strings.Contains(b.String(), "the run is incomplete: interrupted after 3s, so none can pass") {
		t.Errorf("text report does not say the run is incomplete:\n%s", b.String())
	}
	if rep := CompareBaseline(run, run, 0.1); rep.Passed() && len(rep.Results) > 0 {
		t.Errorf("baseline comparison passed an incomplete run: %+v", rep)
	}
}

func TestParseListReportsEveryBadLine(t *testing.T) {
	_, err := ParseList(strings.NewReader("write.p99<1ms\nwrite.p99<<1\nerrors==0\nread.p99<\n"), "gates.txt")
	if err == nil || !strings.Contains(err.Error(), "gates.txt:2") || !strings.Contains(err.Error(), "gates.txt:4") {
		t.Errorf("ParseList = %v, want both bad lines named", err)
	}
}

func mustParse(t *testing.T, s string) Threshold {
	t.Helper()
	th, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return th
}
