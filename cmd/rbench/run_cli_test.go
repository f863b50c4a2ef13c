package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rbench/rbench/results"
)

// TestRunCLI runs `rbench run` end to end against the throwaway server it
// starts when no target is configured.
func TestRunCLI(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "raw.json")
	stdout, stderr, code := runRbench(t, "run", "--workload", "raw", "--ops", "2000", "-c", "4", "-P", "2",
		"--keys", "50", "--out", out, "--report")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"response p50", "set", "get", "PASS", "results: " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	run, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, op := range run.Ops {
		n += op.Count
	}
	if n != 2000 {
		t.Errorf("results hold %d ops, want 2000", n)
	}
	if run.Meta.Workload.Name != "raw" || run.Meta.Tool.GoVersion == "" || run.Meta.Target.ServerVersion == "" {
		t.Errorf("meta %+v", run.Meta)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.html")); err != nil {
		t.Errorf("--report: %v", err)
	}
}

func TestRunCLIUsageErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mix.yaml")
	if err := os.WriteFile(file, []byte("workload: raw\nconections: 4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--rate-schedule", "wobble:1@1s"}, "wobble"},
		{[]string{"--workload-file", file}, `unknown key "conections"`},
		{[]string{"--encoding", "msgpack,json"}, "raw"},
		{[]string{"--workload", "nope"}, `workload "nope"`},
		{[]string{"--connections", "0"}, "connections 0"},
		{[]string{"--param", "novalue"}, "KEY=VALUE"},
	}
	for _, tt := range tests {
		_, stderr, code := runRbench(t, append([]string{"run"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("run %v: exit %d, stderr %q; want exit 2 naming %q", tt.args, code, stderr, tt.want)
		}
	}
}
