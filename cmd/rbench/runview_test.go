package main

import (
	"path/filepath"
	"testing"

	"github.com/rbench/rbench/results"
)

// TestRunServerView checks that `rbench run` records the server-side view:
// INFO samples over the measured part, the server's latency of the
// workload's commands, and MEMORY USAGE of its keys.
func TestRunServerView(t *testing.T) {
	out := filepath.Join(t.TempDir(), "raw.json")
	stdout, stderr, code := runRbench(t, "run", "--workload", "raw", "--duration", "2s", "-c", "2", "--keys", "100", "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	run, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sv := run.Server
	if sv == nil {
		t.Fatal("results have no server view")
	}
	var measured int
	for _, s := range sv.Series {
		if s.T >= 0 && s.UsedMemory > 0 {
			measured++
		}
	}
	if measured < 2 {
		t.Errorf("%d INFO samples in the measured part of a 2 s run, want at least 2: %+v", measured, sv.Series)
	}
	cmds := map[string]int64{}
	for _, l := range sv.Latency {
		cmds[l.Command] = l.Calls
	}
	if cmds["set"] == 0 || cmds["get"] == 0 {
		t.Errorf("server-side latency %+v lacks the workload's set and get", sv.Latency)
	}
	if len(sv.Memory) == 0 || sv.Memory[0].Encoding != "raw" || sv.Memory[0].Sampled == 0 {
		t.Errorf("memory usage %+v, want the raw keys sampled", sv.Memory)
	}
	if len(sv.Unavailable) > 0 {
		t.Errorf("a throwaway server refused %v", sv.Unavailable)
	}
}
