package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rbench/rbench/localredis"
)

// fnd runs the rbench binary built by TestFoundationCLI in an empty
// directory (no ./.env) with a minimal environment plus env.
type fnd struct {
	t   *testing.T
	bin string
	dir string
}

type fndResult struct {
	stdout, stderr string
	code           int
	elapsed        time.Duration
}

func (r fndResult) all() string { return r.stdout + r.stderr }

func (f fnd) command(env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(f.bin, args...)
	cmd.Dir = f.dir
	cmd.Env = cliEnv(f.dir, env...)
	return cmd
}

func (f fnd) run(env []string, args ...string) fndResult {
	f.t.Helper()
	cmd := f.command(env, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	start := time.Now()
	err := cmd.Run()
	r := fndResult{stdout: o.String(), stderr: e.String(), elapsed: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		f.t.Fatal(err)
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
		f.t.Errorf("rbench %s printed a stack trace:\n%s", strings.Join(args, " "), r.stderr)
	}
	return r
}

func processGone(pid int) bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }

var announceRE = regexp.MustCompile(`redis-server at (127\.0\.0\.1:\d+) \(pid (\d+), dir (\S+?),`)

// announced extracts address, pid and dir from a throwaway server's announcement.
func announced(t *testing.T, stderr string) (addr string, pid int, dir string) {
	t.Helper()
	m := announceRE.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no throwaway server announcement in:\n%s", stderr)
	}
	pid, _ = strconv.Atoi(m[2])
	return m[1], pid, m[3]
}

func TestFoundationCLI(t *testing.T) {
	f := fnd{t: t, bin: rbenchBinary(t), dir: t.TempDir()}
	freePort := func(t *testing.T) string {
		p, err := localredis.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(p)
	}

	t.Run("bad port exits 2 naming variable, value and range", func(t *testing.T) {
		f := f
		f.t = t
		r := f.run([]string{"REDIS_PORT=70000"}, "ping")
		if r.code != exitUsage {
			t.Errorf("exit %d, want 2\n%s", r.code, r.all())
		}
		for _, want := range []string{"REDIS_PORT", "70000", "1-65535", "env"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
			}
		}
	})

	t.Run("every problem at once, flags named", func(t *testing.T) {
		f := f
		f.t = t
		r := f.run([]string{"RBENCH_ENCODING=xml"}, "config", "-p", "0", "--db", "-1", "--trader-id", "a:b", "--user", "app")
		if r.code != exitUsage {
			t.Errorf("exit %d, want 2\n%s", r.code, r.all())
		}
		for _, want := range []string{"5 problems", "flag --port", "flag --user", "flag --db", "flag --trader-id", "env RBENCH_ENCODING", "needs a password"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
			}
		}
	})

	t.Run("bad .env line exits 2 with the line", func(t *testing.T) {
		f := f
		f.t = t
		envFile := filepath.Join(t.TempDir(), "bad.env")
		if err := os.WriteFile(envFile, []byte("REDIS_HOST=x\nREDIS_PORT\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		r := f.run(nil, "config", "--env-file", envFile)
		if r.code != exitUsage || !strings.Contains(r.stderr, "bad.env:2") {
			t.Errorf("exit %d, want 2 naming bad.env:2\n%s", r.code, r.all())
		}
		r = f.run(nil, "ping", "--env-file", filepath.Join(t.TempDir(), "missing.env"))
		if r.code != exitUsage || !strings.Contains(r.stderr, "missing.env") {
			t.Errorf("missing --env-file: exit %d, want 2\n%s", r.code, r.all())
		}
	})

	t.Run("unreachable exits 1 within a second naming address and attempts", func(t *testing.T) {
		f := f
		f.t = t
		port := freePort(t)
		r := f.run([]string{"REDIS_HOST=127.0.0.1", "REDIS_PORT=" + port}, "ping", "--retries", "2", "--backoff-min", "100ms")
		if r.code != exitFailure {
			t.Errorf("exit %d, want 1\n%s", r.code, r.all())
		}
		for _, want := range []string{"127.0.0.1:" + port, "3 attempts", "attempt=1", "attempt=2", "delay="} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
			}
		}
	})

	t.Run("--retries 0 tries once", func(t *testing.T) {
		f := f
		f.t = t
		r := f.run([]string{"REDIS_HOST=127.0.0.1", "REDIS_PORT=" + freePort(t)}, "ping", "--retries", "0")
		if r.code != exitFailure || !strings.Contains(r.stderr, "after 1 attempt:") || strings.Contains(r.stderr, "retrying") {
			t.Errorf("exit %d after %v, want 1 after one attempt\n%s", r.code, r.elapsed, r.all())
		}
	})

	t.Run("Ctrl-C stops the retries at once", func(t *testing.T) {
		cmd := f.command([]string{"REDIS_HOST=127.0.0.1", "REDIS_PORT=" + freePort(t)}, "ping", "--backoff-min", "30s")
		var e bytes.Buffer
		cmd.Stderr = &e
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		start := time.Now()
		_ = cmd.Process.Signal(os.Interrupt)
		err := cmd.Wait()
		// The backoff is 30 s: exiting in under half of it proves the
		// signal cut the wait short.
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("exited %v after SIGINT", d)
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitFailure || !strings.Contains(e.String(), "interrupt") {
			t.Errorf("err %v, want exit 1 naming the cancellation\n%s", err, e.String())
		}
	})

	t.Run("password never printed", func(t *testing.T) {
		f := f
		f.t = t
		const pw = "Sup3r-Secret-Pw"
		srv := localredis.ForTest(t, localredis.Options{Password: pw})
		envs := map[string][]string{
			"REDIS_PASSWORD": {"REDIS_HOST=127.0.0.1", "REDIS_PORT=" + strconv.Itoa(srv.Port()), "REDIS_PASSWORD=" + pw},
			"REDISCLI_AUTH":  {"REDIS_HOST=127.0.0.1", "REDIS_PORT=" + strconv.Itoa(srv.Port()), "REDISCLI_AUTH=" + pw},
			"REDIS_URL":      {"REDIS_URL=redis://default:" + pw + "@" + srv.Addr() + "/0"},
		}
		for name, env := range envs {
			for _, args := range [][]string{{"config"}, {"config", "--json"}, {"ping"}, {"ping", "--json"}, {"ping", "--debug"}} {
				r := f.run(env, args...)
				if r.code != 0 {
					t.Errorf("%s: rbench %v exit %d\n%s", name, args, r.code, r.all())
				}
				if strings.Contains(r.all(), pw) {
					t.Errorf("%s: rbench %v printed the password:\n%s", name, args, r.all())
				}
			}
		}
		r := f.run(envs["REDIS_URL"], "config")
		if !strings.Contains(r.stdout, "redis://default:****@") || !strings.Contains(r.stdout, "****") {
			t.Errorf("config does not show the redacted URL:\n%s", r.stdout)
		}
		r = f.run(envs["REDIS_PASSWORD"], "ping", "--json")
		var out map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("ping --json: %v\n%s", err, r.stdout)
		}
		if out["healthy"] != true || out["reply"] != "PONG" || out["aof_enabled"] != true {
			t.Errorf("ping --json: %v", out)
		}

		// A wrong password fails at once, without retries, and is not shown.
		r = f.run([]string{"REDIS_PASSWORD=wrong-Pw-123"}, "ping", "-h", "127.0.0.1", "-p", strconv.Itoa(srv.Port()), "--backoff-min", "30s")
		if r.code != exitFailure || !strings.Contains(r.stderr, "WRONGPASS") || strings.Contains(r.stderr, "retrying") {
			t.Errorf("wrong password: exit %d, want 1 with WRONGPASS and no retry\n%s", r.code, r.all())
		}
		// A retry would first wait the 30 s backoff.
		if r.elapsed > 15*time.Second || strings.Contains(r.all(), "wrong-Pw-123") {
			t.Errorf("wrong password: took %v or printed it\n%s", r.elapsed, r.all())
		}
	})

	t.Run("redis-cli style short flags", func(t *testing.T) {
		f := f
		f.t = t
		const pw = "short-flag-pw"
		srv := localredis.ForTest(t, localredis.Options{Password: pw})
		r := f.run(nil, "ping", "-h", "127.0.0.1", "-p", strconv.Itoa(srv.Port()), "-a", pw, "-n", "3")
		if r.code != 0 || !strings.Contains(r.stdout, "PONG from 127.0.0.1:"+strconv.Itoa(srv.Port())+" (external)") {
			t.Errorf("exit %d\n%s", r.code, r.all())
		}
		r = f.run(nil, "config", "-h", "cache.internal", "-p", "6390", "--json")
		var out struct {
			Target     string `json:"target"`
			Configured bool   `json:"configured"`
			Settings   []struct{ Name, Value, Source, Origin string }
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("%v\n%s", err, r.all())
		}
		if out.Target != "cache.internal:6390" || !out.Configured {
			t.Errorf("config --json: %+v", out)
		}
		for _, s := range out.Settings {
			if s.Name == "REDIS_PORT" && (s.Source != "flag" || s.Origin != "flag --port") {
				t.Errorf("REDIS_PORT source %s origin %s", s.Source, s.Origin)
			}
		}
	})

	t.Run("help and version", func(t *testing.T) {
		f := f
		f.t = t
		for _, cmd := range []string{"config", "ping", "server"} {
			r := f.run(nil, cmd, "--help")
			if r.code != 0 || !strings.Contains(r.stdout, "rbench "+cmd) || !strings.Contains(r.stdout, "Example") {
				t.Errorf("%s --help: exit %d, want usage with an example\n%s", cmd, r.code, r.all())
			}
		}
		r := f.run(nil, "ping", "--help")
		if !strings.Contains(r.stdout, "--host value, -h value") {
			t.Errorf("ping --help does not offer -h for --host:\n%s", r.stdout)
		}
		r = f.run(nil, "--version")
		if r.code != 0 || !strings.Contains(r.stdout, "rbench version") {
			t.Errorf("--version: exit %d\n%s", r.code, r.all())
		}
		r = f.run(nil, "ping", "--no-such-flag")
		if r.code != exitUsage {
			t.Errorf("unknown flag: exit %d, want 2", r.code)
		}
	})

	t.Run("throwaway ping leaves nothing behind", func(t *testing.T) {
		f := f
		f.t = t
		r := f.run(nil, "ping")
		if r.code != 0 || !strings.Contains(r.stdout, "(throwaway)") || !strings.Contains(r.stdout, "AOF on, appendfsync everysec") {
			t.Fatalf("exit %d\n%s", r.code, r.all())
		}
		_, pid, dir := announced(t, r.stderr)
		if !processGone(pid) {
			t.Errorf("redis-server pid %d still running", pid)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("dir %s left behind: %v", dir, err)
		}
	})

	t.Run("server runs until Ctrl-C and leaves nothing behind", func(t *testing.T) {
		cmd := f.command(nil, "server")
		url, stderr := startServerCommand(t, cmd)
		errLine, err := stderr.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the announcement: %v", err)
		}
		addr, pid, dir := announced(t, errLine)
		if url != "redis://"+addr+"/0" {
			t.Errorf("stdout %q, want the server's URL", url)
		}
		r := f.run([]string{"REDIS_URL=" + url}, "ping")
		if r.code != 0 {
			t.Errorf("pinging the server: exit %d\n%s", r.code, r.all())
		}
		if processGone(pid) {
			t.Fatalf("redis-server pid %d not running", pid)
		}
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		rest, _ := io.ReadAll(stderr)
		if err := cmd.Wait(); err != nil {
			t.Errorf("rbench server after SIGINT: %v\n%s", err, rest)
		}
		if !processGone(pid) {
			t.Errorf("redis-server pid %d still running after Ctrl-C", pid)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("dir %s left behind after Ctrl-C: %v", dir, err)
		}
	})
}

// startServerCommand starts cmd, an `rbench server ...`, and returns the
// URL it prints on stdout and its stderr to read on; the process is killed
// when the test ends, whatever the test did with it.
func startServerCommand(t *testing.T, cmd *exec.Cmd) (url string, stderr *bufio.Reader) {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	url, err = bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the URL: %v", err)
	}
	return strings.TrimSpace(url), bufio.NewReader(errPipe)
}
