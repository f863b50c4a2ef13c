package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/internal/lockedbuf"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
)

// recoverRbench runs the rbench binary (built once, rbenchBinary) in a
// temporary directory with env (and PATH) only, so no .env or REDIS_* of the
// caller leaks in.
func recoverRbench(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	dir := t.TempDir()
	return execRbench(t, dir, cliEnv(dir, env...), args...)
}

func TestRecoverRefusesExternalWithoutRestartCmd(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{})
	pid := srv.Pid()
	_, stderr, code := recoverRbench(t, []string{"REDIS_URL=" + srv.URL()}, "recover", "--cycles", "1", "--keys", "100")
	if code != exitUsage {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
	}
	for _, want := range []string{"--restart-cmd", "did not start", "appendonly yes", "aof-everysec"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("explanation lacks %q:\n%s", want, stderr)
		}
	}
	if srv.Pid() != pid {
		t.Fatalf("the external server's process changed: pid %d, was %d", srv.Pid(), pid)
	}
}

func TestRecoverNoPersistenceExitsOne(t *testing.T) {
	out := filepath.Join(t.TempDir(), "recover.json")
	stdout, stderr, code := recoverRbench(t, nil, "recover", "--cycles", "1", "--keys", "300",
		"--persistence", "none", "--write-during=false", "--out", out)
	if code != exitFailure {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitFailure, stdout, stderr)
	}
	if !strings.Contains(stdout, "not configured to keep the state") || !strings.Contains(stdout, "verdict: fail") {
		t.Errorf("stdout does not explain the loss:\n%s", stdout)
	}
	run, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rec := run.Recovery
	if rec == nil || rec.Lost == 0 || rec.Verdict != "fail" || len(rec.Cycles) != 1 || rec.Persistence != "none" {
		t.Fatalf("recovery section %+v", rec)
	}
	if rec.Cycles[0].Integrity["orders"].MissingKeys == 0 {
		t.Errorf("orders integrity %+v", rec.Cycles[0].Integrity["orders"])
	}
}

// restartOnExit restarts srv (same port and directory) once its process
// exits, as a supervisor would after a restart command killed it.
func restartOnExit(t *testing.T, srv *localredis.Server) {
	t.Helper()
	exited := srv.Exited()
	go func() {
		<-exited
		_ = srv.StartProcess() // a server that cannot start is the test's subject
	}()
}

// readRecovery reads the recovery section of a results file.
func readRecovery(t *testing.T, path string) *results.Recovery {
	t.Helper()
	run, err := results.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if run.Recovery == nil {
		t.Fatal("no recovery section")
	}
	return run.Recovery
}

// gateFails runs the gate on a results file: it must exit 99 and
// say why.
func gateFails(t *testing.T, path, why string) {
	t.Helper()
	out, errOut, code := runRbench(t, "gate", "-t", "recovery.ready<30s", "-t", "recovery.lost==0", path)
	if code != exitThreshold || strings.Count(out, "not complete") != 2 || !strings.Contains(out, why) {
		t.Errorf("gate on an incomplete recovery: exit %d, want %d, both thresholds failing with %q\nstdout:\n%s\nstderr:\n%s", code, exitThreshold, why, out, errOut)
	}
}

// The external path: a restart command that kills the server (a supervisor
// restarts it). Its password-like words appear nowhere rbench writes.
func TestRecoverExternalWithRestartCmd(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.AOFAlways})
	pid := srv.Pid()
	restartOnExit(t, srv)
	out := filepath.Join(t.TempDir(), "recover.json")
	const secret = "hunter2-s3cret"
	cmd := fmt.Sprintf("REDISCLI_AUTH=%s kill -9 %d # --requirepass %s", secret, pid, secret)
	stdout, stderr, code := recoverRbench(t, []string{"REDIS_URL=" + srv.URL()}, "recover", "--cycles", "1", "--keys", "200",
		"--restart-cmd", cmd, "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	rec := readRecovery(t, out)
	if rec.Mode != "cmd" || rec.RestartCmd != "kill [+6 words redacted]" || rec.Persistence != "aof-always" || rec.Server.Source != "config" || rec.Verdict != "pass" {
		t.Fatalf("recovery section %+v", rec)
	}
	c := rec.Cycles[0]
	if c.Verified == 0 || c.DiedBy != "connection" || c.RunIDAfter == c.RunIDBefore || c.RunIDBefore == "" {
		t.Errorf("cycle %+v", c)
	}
	if srv.Pid() == pid {
		t.Errorf("the server was not restarted: pid %d", pid)
	}
	file, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"results": string(file), "stdout": stdout, "stderr": stderr} {
		if strings.Contains(text, secret) || strings.Contains(text, "REDISCLI_AUTH") {
			t.Errorf("the restart command's secret is in the %s:\n%s", name, text)
		}
	}
	rdb := connect.NewClient(connect.ClientOptions{Addr: srv.Addr()})
	defer rdb.Close()
	if keys, err := rdb.Keys(context.Background(), "trader-RBENCH-001:*").Result(); err != nil || len(keys) != 0 {
		t.Errorf("keys left after a passing run: %d (%v)", len(keys), err)
	}
}

// (c) A restart command that restarts nothing used to pass: now the run is
// incomplete (the run_id did not change), exits 1 and fails the gate.
func TestRecoverRestartCmdThatRestartsNothing(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.AOFAlways})
	out := filepath.Join(t.TempDir(), "recover.json")
	stdout, stderr, code := recoverRbench(t, []string{"REDIS_URL=" + srv.URL()}, "recover", "--cycles", "1", "--keys", "200",
		"--restart-cmd", "true", "--out", out)
	if code != exitFailure || !strings.Contains(stdout, "verdict: incomplete") || !strings.Contains(stderr, "same run_id") {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitFailure, stdout, stderr)
	}
	if rec := readRecovery(t, out); rec.Verdict != results.RecoveryIncomplete {
		t.Fatalf("verdict %q %v", rec.Verdict, rec.Reasons)
	}
	gateFails(t, out, "same run_id")
}

// A server that does not come back (its AOF corrupted while it was down)
// leaves partial results, incomplete, exit 1, and a failing gate.
func TestRecoverServerDoesNotComeBack(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.AOFAlways})
	restartOnExit(t, srv)
	out := filepath.Join(t.TempDir(), "recover.json")
	// Corrupt first (a new file in its place), then kill: the supervisor
	// restarts it at once, from the corrupt file.
	corrupt := fmt.Sprintf(`for f in %s/appendonlydir/*.incr.aof; do { printf 'garbage\r\n'; cat "$f"; } > "$f.x" && mv "$f.x" "$f"; done; kill -9 %d`, srv.Dir(), srv.Pid())
	stdout, stderr, code := recoverRbench(t, []string{"REDIS_URL=" + srv.URL()}, "recover", "--cycles", "2", "--keys", "200",
		"--restart-cmd", corrupt, "--restart-timeout", "3s", "--out", out)
	t.Logf("stderr:\n%s", stderr)
	if code != exitFailure || !strings.Contains(stdout, "verdict: incomplete") {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitFailure, stdout, stderr)
	}
	rec := readRecovery(t, out)
	reasons := strings.Join(rec.Reasons, "\n")
	if rec.Verdict != results.RecoveryIncomplete || !strings.Contains(reasons, "cycle 1 of 2 could not be carried out") || !strings.Contains(reasons, "0 of 2 cycles verified") {
		t.Fatalf("verdict %q, reasons:\n%s", rec.Verdict, reasons)
	}
	gateFails(t, out, "could not be carried out")
}

// An interrupted recover (Ctrl-C) writes its partial results, incomplete,
// exits 1, and fails the gate.
func TestRecoverInterrupted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "recover.json")
	cmd := exec.Command(rbenchBinary(t), "recover", "--cycles", "2", "--keys", "300", "--persistence", "aof-everysec", "--out", out)
	cmd.Dir = t.TempDir()
	cmd.Env = cliEnv(cmd.Dir)
	var stdout bytes.Buffer
	stderr := &lockedbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt while the writers run before the first restart.
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(stderr.String(), "populated") && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitFailure {
		t.Fatalf("exit %v, want %d\nstdout:\n%s\nstderr:\n%s", err, exitFailure, stdout.String(), stderr.String())
	}
	rec := readRecovery(t, out)
	if rec.Verdict != results.RecoveryIncomplete || !strings.Contains(strings.Join(rec.Reasons, " "), "interrupted during cycle 1 of 2") {
		t.Fatalf("verdict %q %v", rec.Verdict, rec.Reasons)
	}
	gateFails(t, out, "interrupted during cycle 1 of 2")
}

// TestRecoverRustNode runs recover with run's node flags: --node rust
// with a buffer interval is the LiveNode's writer, and the output and the
// results say which node was modelled.
func TestRecoverRustNode(t *testing.T) {
	out := filepath.Join(t.TempDir(), "recover.json")
	stdout, stderr, code := recoverRbench(t, nil, "recover", "--cycles", "1", "--keys", "500",
		"--persistence", "aof-always", "--node", "rust", "--buffer-interval", "20ms", "--write-rate", "300", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "node rust") || !strings.Contains(stdout, "verdict: pass") {
		t.Errorf("stdout does not name the node or pass:\n%s", stdout)
	}
	run, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if run.Recovery.Node != "rust" || run.Meta.Workload.Node == nil || run.Meta.Workload.Node.Flavour != "rust" || run.Meta.Workload.Node.BufferIntervalMS != 20 {
		t.Errorf("results: recovery node %q, workload node %+v", run.Recovery.Node, run.Meta.Workload.Node)
	}
	if got := run.Meta.Workload.Params["node"]; got != "rust" {
		t.Errorf("params node %v", got)
	}
}

// TestRecoverBadNodeFlags reports every bad node flag at once, before
// anything starts.
func TestRecoverBadNodeFlags(t *testing.T) {
	_, stderr, code := recoverRbench(t, nil, "recover", "--node", "java", "--buffer-interval", "2m", "--instrument-info", "all")
	if code != exitUsage {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
	}
	for _, want := range []string{`node "java"`, "buffer_interval 2m0s", `instrument_info "all"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}
