package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/results"
)

// writeReportFixture writes a small valid results file with one op per class.
func writeReportFixture(t *testing.T, path, opName string) {
	t.Helper()
	run := results.NewRun(results.Meta{Name: "fixture", Start: time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC), MeasuredSec: 1})
	for _, c := range []struct{ name, class string }{{opName, results.ClassWrite}, {"get_instrument", results.ClassRead}} {
		h := results.NewHistogram()
		for v := int64(100); v < 600; v++ {
			_ = h.RecordValue(v)
		}
		op, err := results.OpFromHistograms(c.name, c.class, "msgpack", h, h, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		run.Ops = append(run.Ops, op)
	}
	if err := run.WriteFile(path); err != nil {
		t.Fatal(err)
	}
}

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "baseline.json")
	cur := filepath.Join(dir, "current.json")
	writeReportFixture(t, base, "add_order")
	writeReportFixture(t, cur, "<script>alert(1)</script>")
	out := filepath.Join(dir, "out.html")

	stdout, stderr, code := runRbench(t, "report", base, cur, "-o", out, "--target", "2ms")
	if code != exitOK {
		if strings.Contains(stderr, "make assets") {
			t.Fatalf("the binary was built without the chart library: run `make assets` first\n%s", stderr)
		}
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, out) {
		t.Errorf("stdout %q does not name the report", stdout)
	}
	doc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!DOCTYPE html>", "baseline · msgpack", "current · msgpack", "&lt;script&gt;alert(1)&lt;/script&gt;", "target 2 ms"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("report lacks %q", want)
		}
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no files", []string{"report"}, "no result files"},
		{"missing file", []string{"report", filepath.Join(dir, "nope.json"), "-o", out}, "nope.json"},
		{"names count", []string{"report", base, cur, "--name", "only-one", "-o", out}, "1 --name values for 2 result files"},
		{"bad target", []string{"report", base, "--target", "-1ms", "-o", out}, "--target"},
		{"not results", []string{"report", out, "-o", filepath.Join(dir, "x.html")}, "out.html"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runRbench(t, tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d (stderr %q)", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
		})
	}
}
