package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rbench/rbench/results"
)

// k6 users' spellings work as they expect: p(99)<1 is a p99 under 1 ms over
// every op, write.avg<200 a mean write under 200 ms, and rate<0.01 (an
// error rate in k6) warns naming errors.rate.
func TestGateK6CLI(t *testing.T) {
	dir := t.TempDir()
	run := writeRun(t, dir, "run", 100, 200, 300, 400, 500) // p99 500us, mean 300us
	tests := []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"p(99)<1 passes at 500us", []string{"gate", "-t", "p(99)<1", run}, 0, "all.p99", ""},
		{"p(99)<0.4 fails", []string{"gate", "-t", "p(99)<0.4", run}, 99, "FAIL", ""},
		{"write.avg<200", []string{"gate", "-t", "write.avg<200", run}, 0, "write.mean", ""},
		{"med", []string{"gate", "-t", "med<1", "-t", "write.med<1ms", run}, 0, "PASS: 2 of 2", ""},
		{"errors.rate", []string{"gate", "-t", "errors.rate<0.01", run}, 0, "errors.rate", ""},
		{"rate<0.01 warns", []string{"gate", "-t", "rate<0.01", run}, 99, "", "errors.rate<0.01"},
		{"rbench's grammar still works", []string{"gate", "-t", "write.p99<1ms", "-t", "op.add_order@msgpack.p99.service<1ms", run}, 0, "PASS", ""},
		{"server metric missing fails", []string{"gate", "-t", "server.exec.p99<1ms", run}, 99, "no server latency", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runRbench(t, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errOut, tt.err) {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s\nwant stdout ~ %q, stderr ~ %q", code, tt.code, out, errOut, tt.out, tt.err)
			}
		})
	}
}

// Two builds' JUnit files hold the same test-case names, whatever their
// figures, so CI keeps each check's history; every case has a time.
func TestGateJUnitNamesStableAcrossBuilds(t *testing.T) {
	dir := t.TempDir()
	base := writeRun(t, dir, "main", 100, 200, 300, 400, 500)
	names := func(run string) []string {
		t.Helper()
		junit := filepath.Join(dir, filepath.Base(run)+".xml")
		runRbench(t, "gate", "-t", "write.p99<1ms", "-t", "p(99)<2", "--baseline", base, "--junit", junit, run)
		data, err := os.ReadFile(junit)
		if err != nil {
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
		if err := xml.Unmarshal(data, &doc); err != nil || len(doc.Suites) != 1 || doc.Suites[0].Time == "" {
			t.Fatalf("junit %+v %v:\n%s", doc, err, data)
		}
		var out []string
		for _, c := range doc.Suites[0].Cases {
			if c.Time == "" {
				t.Errorf("%s has no time attribute", c.Name)
			}
			out = append(out, c.Name)
		}
		return out
	}
	a := names(writeRun(t, dir, "build1", 110, 210, 310, 410, 510))
	b := names(writeRun(t, dir, "build2", 300, 600, 900, 1200, 1500))
	if !slices.Equal(a, b) || len(a) < 4 {
		t.Fatalf("test-case names differ between builds:\n%q\n%q", a, b)
	}
	if !slices.Contains(a, "write.p99 vs baseline") || !slices.Contains(a, "p(99)<2") {
		t.Fatalf("names %q", a)
	}
}

// A partial run fails every threshold unless --allow-partial, saying why;
// the Markdown summary names the run, the baseline and the report.
func TestGatePartialAndMarkdownCLI(t *testing.T) {
	dir := t.TempDir()
	h := results.NewHistogram()
	h.RecordValues(100, 2000)
	op, err := results.OpFromHistograms("add_order", results.ClassWrite, "msgpack", h, nil, 1e9)
	if err != nil {
		t.Fatal(err)
	}
	r := results.NewRun(results.Meta{RunID: "cut"})
	r.Ops = []results.Op{op}
	r.Incomplete = []string{"interrupted (SIGINT or SIGTERM) after 2s"}
	cut := filepath.Join(dir, "cut.json")
	if err := r.WriteFile(cut); err != nil {
		t.Fatal(err)
	}
	out, _, code := runRbench(t, "gate", "-t", "write.p99<1s", cut)
	if code != 99 || !strings.Contains(out, "interrupted") || !strings.Contains(out, "--allow-partial") {
		t.Fatalf("partial run: exit %d\n%s", code, out)
	}
	if out, _, code := runRbench(t, "gate", "--allow-partial", "-t", "write.p99<1s", cut); code != 0 || !strings.Contains(out, "judged with --allow-partial") {
		t.Fatalf("--allow-partial: exit %d\n%s", code, out)
	}
	base := writeRun(t, dir, "main", 100)
	os.WriteFile(filepath.Join(dir, "report.html"), []byte("<html>"), 0o644)
	out, _, _ = runRbench(t, "gate", "--format", "markdown", "--baseline", base, "-t", "errors==0", base)
	for _, want := range []string{"Run: `" + base + "`", "Baseline: `" + base + "`", "Report: `" + filepath.Join(dir, "report.html") + "`"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

// rbench report --thresholds draws the gate's verdicts at the top.
func TestReportThresholdsCLI(t *testing.T) {
	dir := t.TempDir()
	run := writeRun(t, dir, "run", 100, 200)
	list := filepath.Join(dir, "gates.txt")
	os.WriteFile(list, []byte("write.p99<1ms\np(99)<0.1\n"), 0o644)
	out := filepath.Join(dir, "report.html")
	if _, errOut, code := runRbench(t, "report", "--thresholds", list, "-o", out, run); code != 0 {
		t.Skipf("report: exit %d: %s", code, errOut) // a build without the chart library
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	html := string(data)
	gateAt, summaryAt := strings.Index(html, `<section id="gate">`), strings.Index(html, `<section id="summary">`)
	if gateAt < 0 || gateAt > summaryAt {
		t.Fatalf("the gate section is not first (%d, summary %d)", gateAt, summaryAt)
	}
	for _, want := range []string{"write.p99&lt;1ms", "p(99)&lt;0.1", "1 of 2 passed"} {
		if !strings.Contains(html[gateAt:summaryAt], want) {
			t.Errorf("gate section lacks %q", want)
		}
	}
	if _, errOut, code := runRbench(t, "report", "-t", "write.p99<1xs", "-o", out, run); code != 2 || !strings.Contains(errOut, "column 12") {
		t.Errorf("malformed threshold: exit %d %s", code, errOut)
	}
}

// compare --match op sets a msgpack run's calls against a JSON run's.
func TestCompareMatchOpCLI(t *testing.T) {
	dir := t.TempDir()
	mk := func(name, enc string, us int64) string {
		h := results.NewHistogram()
		h.RecordValues(us, 2000)
		op, err := results.OpFromHistograms("add_order", results.ClassWrite, enc, h, nil, 1e9)
		if err != nil {
			t.Fatal(err)
		}
		r := results.NewRun(results.Meta{RunID: name})
		r.Ops = []results.Op{op}
		p := filepath.Join(dir, name+".json")
		if err := r.WriteFile(p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := mk("msgpack", "msgpack", 100), mk("json", "json", 200)
	out, _, code := runRbench(t, "compare", "--match", "op", a, b)
	if code != 0 || !strings.Contains(out, "add_order msgpack→json") || strings.Contains(out, "only in") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if _, errOut, code := runRbench(t, "compare", "--match", "kind", a, b); code != 2 || !strings.Contains(errOut, "--match") {
		t.Fatalf("bad --match: exit %d %s", code, errOut)
	}
}
