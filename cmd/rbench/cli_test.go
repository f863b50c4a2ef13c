package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The CLI tests run the real binary, built once per test binary: a build
// costs tens of seconds on a small machine, so no test builds its own.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// TestMain removes the binary rbenchBinary built, once every test is done.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// rbenchBinary builds the command once and returns its path.
func rbenchBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rbench-cli-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "rbench")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binPath
}

// cliEnv is a minimal environment for the binary: PATH, HOME and TMPDIR plus
// env, so no REDIS_* or .env of the caller leaks into a test.
func cliEnv(home string, env ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + os.TempDir()}, env...)
}

// execRbench runs the binary in dir with the environment env (nil: the
// test's own) and returns its output and exit code. A stack trace on stderr
// fails the test: bad input must get a message, never a panic.
func execRbench(t *testing.T, dir string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(rbenchBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatal(err)
	}
	if strings.Contains(e.String(), "goroutine ") || strings.Contains(e.String(), "panic:") {
		t.Errorf("rbench %s printed a stack trace:\n%s", strings.Join(args, " "), e.String())
	}
	return o.String(), e.String(), code
}

// runRbench runs the binary in a fresh temporary directory, so run folders
// and reports it writes by default never land in the source tree.
func runRbench(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return execRbench(t, t.TempDir(), nil, args...)
}
