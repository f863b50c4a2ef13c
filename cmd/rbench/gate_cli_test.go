package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/results"
)

// writeRun writes a results file with one write op whose latencies are the
// given microsecond values, each recorded 1000 times (so the p99 has enough
// samples to be judged), and returns its path.
func writeRun(t *testing.T, dir, name string, values ...int64) string {
	t.Helper()
	return writeRunN(t, dir, name, 1000, values...)
}

// writeRunN is writeRun with each value recorded n times.
func writeRunN(t *testing.T, dir, name string, n int64, values ...int64) string {
	t.Helper()
	h := results.NewHistogram()
	for _, v := range values {
		if err := h.RecordValues(v, n); err != nil {
			t.Fatal(err)
		}
	}
	op, err := results.OpFromHistograms("add_order", results.ClassWrite, "msgpack", h, nil, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	r := results.NewRun(results.Meta{RunID: name, Name: "order-flow"})
	r.Ops = []results.Op{op}
	p := filepath.Join(dir, name+".json")
	if err := r.WriteFile(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGateCLI(t *testing.T) {
	dir := t.TempDir()
	run := writeRun(t, dir, "run", 100, 200, 300, 400, 500)
	slow := writeRun(t, dir, "slow", 200, 400, 600, 800, 1000)
	few := writeRunN(t, dir, "few", 1, 100, 200, 300, 400, 500, 600, 700, 800)
	junit := filepath.Join(dir, "gate.xml")
	foreign := filepath.Join(dir, "k6.json")
	os.WriteFile(foreign, []byte(`{"metrics":{}}`), 0o644)
	list := filepath.Join(dir, "gates.txt")
	os.WriteFile(list, []byte("# CI gates\nwrite.p99<10s\nerrors==0\n"), 0o644)

	tests := []struct {
		name string
		args []string
		code int
		out  string // in stdout
		err  string // in stderr
	}{
		{"pass", []string{"gate", "--threshold", "write.p99<10s", run}, 0, "PASS", ""},
		{"fail", []string{"gate", "--threshold", "write.p99<1us", run}, 99, "FAIL", "1 of 1 thresholds failed"},
		{"flags after the file", []string{"gate", run, "--threshold", "write.p99<1us"}, 99, "FAIL", ""},
		{"flags both sides", []string{"gate", "-t", "write.p99<10s", run, "-t", "write.p99<1us"}, 99, "PASS", "1 of 2 thresholds failed"},
		{"thresholds file", []string{"gate", "--thresholds", list, run}, 0, "errors", ""},
		{"missing metric fails", []string{"gate", "-t", "recovery.lost==0", run}, 99, "no recovery section", ""},
		{"markdown", []string{"gate", "--format", "markdown", "-t", "write.p99<10s", run}, 0, "| Metric | Threshold | Actual | Result |", ""},
		{"malformed", []string{"gate", "--threshold", "write.p99<1xs", run}, 2, "", "column 12"},
		{"unreadable", []string{"gate", "--threshold", "write.p99<1ms", filepath.Join(dir, "nope.json")}, 2, "", "no such file"},
		{"foreign", []string{"gate", "--threshold", "write.p99<1ms", foreign}, 2, "", "not an rbench results file"},
		{"nothing to check", []string{"gate", run}, 2, "", "nothing to check"},
		{"baseline inside band", []string{"gate", "--baseline", run, "--max-regression", "10%", run}, 0, "vs baseline", ""},
		{"baseline outside band", []string{"gate", "--baseline", run, slow}, 99, "write.p99 vs baseline", ""},
		{"junit", []string{"gate", "-t", "write.p99<1us", "-t", "write.p50<1s", "--junit", junit, run}, 99, "", ""},
		{"too few samples fail", []string{"gate", "-t", "write.p99<10s", few}, 99, "too few samples", ""},
		{"too few samples skipped", []string{"gate", "--allow-few-samples", "-t", "write.p99<10s", "-t", "write.max<10s", few}, 0, "SKIP", ""},
		{"late.p99 needs a paced run", []string{"gate", "-t", "late.p99<100us", run}, 99, "no send-lateness histogram", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runRbench(t, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errOut, tt.err) {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s\nwant stdout ~ %q, stderr ~ %q", code, tt.code, out, errOut, tt.out, tt.err)
			}
		})
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil || doc.Failures != 1 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 2 {
		t.Fatalf("junit %+v, %v:\n%s", doc, err, data)
	}
}

func TestMergeCLI(t *testing.T) {
	dir := t.TempDir()
	a := writeRun(t, dir, "a", 100, 300, 500)
	b := writeRun(t, dir, "b", 200, 400)
	all := writeRun(t, dir, "all", 100, 200, 300, 400, 500)
	out := filepath.Join(dir, "merged", "m.json")
	stdout, stderr, code := runRbench(t, "merge", a, b, "-o", out)
	if code != 0 {
		t.Fatalf("merge exit %d: %s %s", code, stdout, stderr)
	}
	m, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := results.ReadFile(all)
	if len(m.Ops) != 1 || m.Ops[0].ServiceHDR != want.Ops[0].ServiceHDR || m.Ops[0].Service != want.Ops[0].Service || m.Ops[0].Count != 5000 {
		t.Fatalf("merged op %+v, want %+v", m.Ops, want.Ops)
	}
	if len(m.Meta.Sources) != 2 || m.Meta.Sources[0] != a || m.Meta.Sources[1] != b {
		t.Fatalf("sources %v", m.Meta.Sources)
	}
	if _, _, code := runRbench(t, "merge", a, b); code != 2 {
		t.Fatalf("merge without -o: exit %d, want 2", code)
	}
	if _, _, code := runRbench(t, "merge", a, filepath.Join(dir, "missing.json"), "-o", out); code != 2 {
		t.Fatalf("merge of a missing file: exit %d, want 2", code)
	}
}

func TestCompareCLI(t *testing.T) {
	dir := t.TempDir()
	a := writeRun(t, dir, "a", 100, 200, 300)
	b := writeRun(t, dir, "b", 101, 201, 600)
	out, errOut, code := runRbench(t, "compare", a, b)
	if code != 0 || !strings.Contains(out, "~ noise") || !strings.Contains(out, "worse") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	out, _, code = runRbench(t, "compare", "--format", "markdown", "--noise", "1%", a, b)
	if code != 0 || !strings.HasPrefix(out, "| Scope | Stat |") {
		t.Fatalf("markdown exit %d:\n%s", code, out)
	}
	if _, _, code := runRbench(t, "compare", a); code != 2 {
		t.Fatalf("one file: exit %d, want 2", code)
	}
}

// TestMergeRepeatsCLI: two runs one after the other merge as repeats (the
// mean rate), two at the same time as concurrent generators (the sum), and
// runs of different workloads are refused unless --force.
func TestMergeRepeatsCLI(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)
	write := func(name, workload string, start time.Time, rate float64) string {
		h := results.NewHistogram()
		h.RecordValues(150, int64(rate)*10)
		op, err := results.OpFromHistograms("set", results.ClassWrite, "raw", h, nil, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		r := results.NewRun(results.Meta{RunID: name, Name: workload, Start: start, End: start.Add(10 * time.Second),
			MeasuredStart: start, MeasuredEnd: start.Add(10 * time.Second), MeasuredSec: 10,
			Workload: results.Workload{Name: workload, Connections: 50, Pipeline: 1, DurationSec: 10}})
		r.Ops = []results.Op{op}
		r.Pacing = []results.Pacing{{Encoding: "raw", Mode: "closed", AchievedRate: rate}}
		p := filepath.Join(dir, name+".json")
		if err := r.WriteFile(p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := write("first", "raw", t0, 14410)
	second := write("second", "raw", t0.Add(20*time.Second), 9919)
	beside := write("beside", "raw", t0, 9919)
	flow := write("flow", "order-flow", t0.Add(40*time.Second), 1000)
	out := filepath.Join(dir, "m.json")

	stdout, stderr, code := runRbench(t, "merge", first, second, "-o", out)
	m, err := results.ReadFile(out)
	if code != 0 || err != nil || m.Meta.Merge != results.MergeRepeats || m.Ops[0].Rate != (14410+9919)/2.0 || !strings.Contains(stdout, "as repeats") || !strings.Contains(stdout, "each run: 14410, 9919") {
		t.Fatalf("repeats: exit %d, merge %q rate %v\n%s%s", code, m.Meta.Merge, m.Ops[0].Rate, stdout, stderr)
	}
	stdout, stderr, code = runRbench(t, "merge", first, beside, "-o", out)
	m, err = results.ReadFile(out)
	if code != 0 || err != nil || m.Meta.Merge != results.MergeConcurrent || m.Ops[0].Rate != 14410+9919 || !strings.Contains(stdout, "concurrent") {
		t.Fatalf("concurrent: exit %d, merge %q rate %v\n%s%s", code, m.Meta.Merge, m.Ops[0].Rate, stdout, stderr)
	}
	if _, stderr, code = runRbench(t, "merge", first, flow, "-o", out); code != 2 || !strings.Contains(stderr, "workload raw vs order-flow") || !strings.Contains(stderr, "--force") {
		t.Fatalf("different workloads: exit %d\n%s", code, stderr)
	}
	if _, stderr, code = runRbench(t, "merge", "--force", first, flow, "-o", out); code != 0 || !strings.Contains(stderr, "workload raw vs order-flow") {
		t.Fatalf("--force: exit %d\n%s", code, stderr)
	}
	if _, stderr, code = runRbench(t, "merge", "--as", "sideways", first, second, "-o", out); code != 2 || !strings.Contains(stderr, "--as") {
		t.Fatalf("--as sideways: exit %d\n%s", code, stderr)
	}
	stdout, _, code = runRbench(t, "merge", "--as", "concurrent", first, second, "-o", out)
	if m, _ = results.ReadFile(out); code != 0 || m.Ops[0].Rate != 14410+9919 {
		t.Fatalf("--as concurrent: exit %d rate %v\n%s", code, m.Ops[0].Rate, stdout)
	}
}
