package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/internal/lockedbuf"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
)

// TestRunCLI runs `rbench run` end to end against the throwaway server it
// starts when no target is configured.
func TestRunCLI(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "raw.json")
	stdout, stderr, code := runRbench(t, "run", "--workload", "raw", "--ops", "2000", "-c", "4", "-P", "2",
		"--keys", "50", "--threads", "1", "--out", out, "--report")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	// Closed loop: response and service time are one set of columns.
	for _, want := range []string{"p50", "response time = service time", "set", "get", "p99<1.00ms", "results: " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	// The table fits 120 columns; progress went to stderr, not the table.
	for _, l := range strings.Split(stdout, "\n") {
		if n := len([]rune(l)); n > 120 {
			t.Errorf("a line of %d columns: %q", n, l)
		}
	}
	if strings.Contains(stdout, "ops/s avg") {
		t.Errorf("the progress line is on stdout:\n%s", stdout)
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
	// The results say which client sent the load and on how many threads.
	if p := run.Meta.Workload.Params; p["client"] != "direct" || p["threads"] != float64(1) {
		t.Errorf("workload params %v: want client direct, threads 1", p)
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
		{[]string{"--param", "client=hiredis"}, `param client "hiredis": want direct or go-redis`},
		{[]string{"--workload", "populate", "--param", "client=direct"}, `param client=direct: workload populate takes`},
	}
	for _, tt := range tests {
		_, stderr, code := runRbench(t, append([]string{"run"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("run %v: exit %d, stderr %q; want exit 2 naming %q", tt.args, code, stderr, tt.want)
		}
	}
}

// With Redis on this machine (here the throwaway server) rbench leaves it a
// core, says so, and records the threads it used. The threads are not a
// workload param: a trading workload, which rejects params it does not
// know, runs with them.
func TestRunCLIThreads(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Fatalf("this test needs 2 or more CPUs, the machine has %d", runtime.NumCPU())
	}
	out := filepath.Join(t.TempDir(), "populate.json")
	stdout, stderr, code := runRbench(t, "run", "--workload", "populate", "--keys", "200", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	want := runtime.NumCPU() - 1
	if note := fmt.Sprintf("rbench uses %d of its %d cores", want, runtime.NumCPU()); !strings.Contains(stderr, note) {
		t.Errorf("stderr lacks %q:\n%s", note, stderr)
	}
	run, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := run.Meta.Workload.Params["threads"]; got != float64(want) {
		t.Errorf("threads param %v, want %d", got, want)
	}
}

// A stalled server: the commands that outlive --response-timeout count as
// timeouts, with either client, and the run exits 1; the run goes on after
// the stall on fresh connections (a pinned go-redis connection that timed
// out once used to fail every later operation of its worker).
func TestRunCLITimeoutsCounted(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None,
		Args: []string{"--enable-debug-command", "yes"}})
	admin := connect.NewClient(connect.ClientOptions{Addr: srv.Addr(), ReadTimeout: 5 * time.Second})
	defer admin.Close()
	for _, client := range []string{"direct", "go-redis"} {
		t.Run(client, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "stalled.json")
			cmd, stdout, stderr := startRun(t, "--host", "127.0.0.1", "--port", strconv.Itoa(srv.Port()),
				"--param", "client="+client, "--response-timeout", "100ms", "-c", "2", "--keys", "50",
				"--duration", "4s", "--quiet", "--out", out)
			if err := admin.Do(context.Background(), "debug", "sleep", "0.15").Err(); err != nil {
				_ = cmd.Process.Kill()
				t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitFailure {
				t.Fatalf("exit: %v, want 1\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
			}
			run, rerr := results.ReadFile(out)
			if rerr != nil {
				t.Fatal(rerr)
			}
			// Each worker loses what it had in flight, no more: a broken
			// connection is replaced, not kept failing.
			if run.Errors.Timeout == 0 || run.Errors.Total() > 20 {
				t.Errorf("errors %+v: want the few timeouts of the stall counted", run.Errors)
			}
		})
	}
}

// TestRunCLIRedisKilled: Redis dies mid-run; rbench stops, still writes the
// partial results, says so, and exits 1.
func TestRunCLIRedisKilled(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	out := filepath.Join(t.TempDir(), "partial.json")
	cmd, stdout, stderr := startRun(t, "--host", "127.0.0.1", "--port", strconv.Itoa(srv.Port()),
		"--retries", "0", "-c", "4", "--keys", "50", "--duration", "30s", "--out", out)
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	err := cmd.Wait()
	t.Logf("rbench exited %s after the kill", time.Since(killed).Round(time.Millisecond))
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitFailure {
		t.Fatalf("exit: %v, want 1\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "connection to redis lost") {
		t.Errorf("stderr does not say Redis was lost:\n%s", stderr.String())
	}
	run, rerr := results.ReadFile(out)
	if rerr != nil {
		t.Fatalf("partial results not written: %v", rerr)
	}
	if len(run.Ops) == 0 || run.Ops[0].Count == 0 || len(run.Warnings) == 0 {
		t.Errorf("partial results: %d ops, warnings %v", len(run.Ops), run.Warnings)
	}
	if run.Meta.MeasuredSec > 15 {
		t.Errorf("the run went on for %.1fs after the kill", run.Meta.MeasuredSec)
	}
}

// startRun starts `rbench run args...` and returns once its measured run is
// a second under way (the binary may take a while to start on a loaded
// machine).
func startRun(t *testing.T, args ...string) (cmd *exec.Cmd, stdout, stderr *lockedbuf.Buffer) {
	t.Helper()
	cmd = exec.Command(rbenchBinary(t), append([]string{"run"}, args...)...)
	stdout, stderr = &lockedbuf.Buffer{}, &lockedbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(stderr.String(), "setup took") && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	return cmd, stdout, stderr
}
