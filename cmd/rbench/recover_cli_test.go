package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

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

func TestRecoverExternalWithRestartCmd(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.AOFAlways})
	pid := srv.Pid()
	out := filepath.Join(t.TempDir(), "recover.json")
	// "true" restarts nothing: this checks the external path (settings read
	// from the server, the command run, readiness, verification, clean-up).
	stdout, stderr, code := recoverRbench(t, []string{"REDIS_URL=" + srv.URL()}, "recover", "--cycles", "1", "--keys", "200",
		"--restart-cmd", "true", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	run, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rec := run.Recovery
	if rec == nil || rec.Mode != "cmd" || rec.RestartCmd != "true" || rec.Persistence != "aof-always" || rec.Server.Source != "config" || rec.Verdict != "pass" {
		t.Fatalf("recovery section %+v", rec)
	}
	if rec.Cycles[0].Verified == 0 {
		t.Errorf("nothing verified: %+v", rec.Cycles[0])
	}
	if srv.Pid() != pid {
		t.Errorf("the external server's process changed: pid %d, was %d", srv.Pid(), pid)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	if keys, err := rdb.Keys(context.Background(), "trader-RBENCH-001:*").Result(); err != nil || len(keys) != 0 {
		t.Errorf("keys left after a passing run: %d (%v)", len(keys), err)
	}
}
