package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rbench/rbench/results"
)

// TestPlanCLI runs `rbench plan` at two tiny scales and checks the printed
// projection and the results file's plan section.
func TestPlanCLI(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "plan.json")
	stdout, stderr, code := runRbench(t, "plan", "--scales", "2000,4000", "--orders", "100000", "--repeats", "1",
		"--maxmemory", "1gb", "--out", out, "--report")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"R²", "memory needed", "AOF on disk", "restart to trading-ready, sequential",
		"restart to trading-ready, rust", "largest history under maxmemory 1.0 GiB", "for 100000 orders", "results: " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	run, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	p := run.Plan
	if p == nil {
		t.Fatal("results have no plan section")
	}
	if len(p.Scales) != 2 || p.Scales[0] != 2000 || len(p.Encodings) != 1 || p.Encodings[0] != "msgpack" {
		t.Errorf("scales %v encodings %v", p.Scales, p.Encodings)
	}
	if len(p.Points) == 0 || len(p.Fits) == 0 || len(p.Projections) != 1 {
		t.Fatalf("plan has %d points, %d fits, %d projections", len(p.Points), len(p.Fits), len(p.Projections))
	}
	pr := p.Projections[0]
	if pr.Profile.Orders != 100000 || pr.DatasetBytes <= 0 || pr.AOFBytes <= 0 || pr.MaxOrders <= 0 || len(pr.ReadySec) != 2 {
		t.Errorf("projection %+v", pr)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.html")); err != nil {
		t.Errorf("--report: %v", err)
	}
}

func TestPlanCLIUsageErrors(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "p.yaml")
	if err := os.WriteFile(prof, []byte("orders: 1000\nordres_per_day: 5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--scales", "5000"}, "at least two sizes"},
		{[]string{"--scales", "5000,abc", "--orders", "10"}, `"abc"`},
		{[]string{}, "--orders"},
		{[]string{"--orders-per-day", "100"}, "--retention-days"},
		{[]string{"--orders", "10", "--maxmemory", "4 parsecs"}, "maxmemory"},
		{[]string{"--orders", "10", "--memory-share", "150%"}, "memory-share"},
		{[]string{"--profile", prof}, "ordres_per_day"},
		{[]string{"--orders", "10", "--encoding", "xml"}, "xml"},
		{[]string{"--orders", "10", "--node", "java"}, `node "java"`},
		{[]string{"--orders", "10", "--bulk-read-batch-size", "-1"}, "bulk_read_batch_size -1"},
		{[]string{"--orders", "10", "--buffer-interval", "1s"}, "buffer-interval"},
	}
	for _, tt := range tests {
		_, stderr, code := runRbench(t, append([]string{"plan", "--scales", "2000,4000"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("plan %v: exit %d, stderr %q; want exit 2 naming %q", tt.args, code, stderr, tt.want)
		}
	}
}

// TestPlanCLIRustNode plans the Rust LiveNode's dataset with run's node
// flags: the output and the results say which node was measured, and its
// serde payloads decode in both startup loads (an undecodable payload
// fails the plan).
func TestPlanCLIRustNode(t *testing.T) {
	out := filepath.Join(t.TempDir(), "plan.json")
	stdout, stderr, code := runRbench(t, "plan", "--node", "rust", "--scales", "1000,2000", "--orders", "10000", "--repeats", "1", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "node: rust") {
		t.Errorf("stdout does not name the node:\n%s", stdout)
	}
	run, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if run.Plan == nil || run.Plan.Node != "rust" || run.Meta.Workload.Node == nil || run.Meta.Workload.Node.Flavour != "rust" {
		t.Fatalf("results: plan %+v, workload node %+v", run.Plan, run.Meta.Workload.Node)
	}
	if run.Meta.Workload.Node.InstrumentInfo != "none" {
		t.Errorf("instrument info %q: the Rust node's adapters store none", run.Meta.Workload.Node.InstrumentInfo)
	}
}
