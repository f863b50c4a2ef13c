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
// given microsecond values, and returns its path.
func writeRun(t *testing.T, dir, name string, values ...int64) string {
	t.Helper()
	h := results.NewHistogram()
	for _, v := range values {
		if err := h.RecordValue(v); err != nil {
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
	if len(m.Ops) != 1 || m.Ops[0].ServiceHDR != want.Ops[0].ServiceHDR || m.Ops[0].Service != want.Ops[0].Service || m.Ops[0].Count != 5 {
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
