package main

import (
	"strings"
	"testing"

	"github.com/rbench/rbench/localredis"
)

// TestFindMaxRefusesBadInputs: every bad --find-max input is named before
// anything connects (exit 2).
func TestFindMaxRefusesBadInputs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--workload", "order-flow", "--buffer-interval", "0,10ms"}, []string{"a list of intervals needs --find-max"}},
		{[]string{"--workload", "order-flow", "--find-max", "--buffer-interval", "0,ten"}, []string{`"ten" not a duration`}},
		{[]string{"--workload", "order-flow", "--project-rtt", "1ms"}, []string{"--project-rtt: only with --find-max"}},
		{[]string{"--workload", "populate", "--find-max"}, []string{"--find-max with --workload populate"}},
		{[]string{"--workload", "raw", "--find-max"}, []string{"--find-max with --workload raw"}},
		{[]string{"--workload", "order-flow", "--find-max", "--rate", "100", "--duration", "5s"}, []string{"--rate with --find-max", "--duration with --find-max"}},
		{[]string{"--workload", "order-flow", "--find-max", "--find-max-repeats", "0", "--find-max-precision", "2", "--find-max-min", "900"},
			[]string{"--find-max-repeats 0", "--find-max-precision 2", "--find-max-min 900"}},
		{[]string{"--workload", "order-flow", "--find-max", "--project-rtt", "1ms,fast"}, []string{`--project-rtt "fast"`}},
		{[]string{"--workload", "order-flow", "--find-max", "--encoding", "msgpack,json"}, []string{"a search judges one encoding's writer"}},
	} {
		dir := t.TempDir()
		_, stderr, code := execRbench(t, dir, cliEnv(dir), append([]string{"run"}, tc.args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", tc.args, code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
	}
}

// TestFindMaxCLI runs a short search at two intervals against a real Redis:
// the progress shows every step, the table both intervals and the
// projection, and the results keep every step and the ceiling section.
func TestFindMaxCLI(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	run, stdout := externalRun(t, srv, "--workload", "order-flow", "--find-max", "--buffer-interval", "0,100ms",
		"--find-max-step", "300ms", "--find-max-warmup", "100ms", "--find-max-repeats", "1",
		"--find-max-start", "1000", "--find-max-min", "1000", "--find-max-max", "2000", "--find-max-precision", "0.5",
		"--project-rtt", "1ms", "--report")
	c := run.Ceiling
	if c == nil || len(c.Searches) != 2 || c.Searches[1].BufferIntervalMS != 100 || len(c.Projections) != 2 || len(c.Assumptions) == 0 {
		t.Fatalf("ceiling section: %+v", c)
	}
	for _, s := range c.Searches {
		if len(s.Steps) == 0 || s.Steps[0].Rate != 1000 || s.Steps[0].Calls < 1000 || s.Steps[0].QueueSamples == 0 {
			t.Errorf("interval %v: steps %+v, want the first at 1000/s with at least 1000 calls and queue samples", s.BufferIntervalMS, s.Steps)
		}
		if s.Confidence == "" || s.LagBoundUs == 0 {
			t.Errorf("interval %v: no confidence or bound: %+v", s.BufferIntervalMS, s)
		}
	}
	for _, w := range []string{"unbuffered", "100.00ms buffer", "crash-loss", "projection", "assumptions of the projection", "report: "} {
		if !strings.Contains(stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, stdout)
		}
	}
}
