package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildWithoutChartLibrary builds rbench from a copy of this module's source
// without report/assets/echarts.min.js: what `go install
// github.com/rbench/rbench/cmd/rbench@VERSION` builds, since the library is
// git-ignored and fetched by make. The copy holds the files git knows of
// (tracked, and new files not ignored), as a module zip would.
func buildWithoutChartLibrary(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files (the test copies the module's files as git lists them): %v", err)
	}
	src := filepath.Join(t.TempDir(), "src")
	copied := 0
	for _, name := range strings.Split(string(out), "\x00") {
		if name == "" || name == "report/assets/echarts.min.js" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, name))
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the work tree, not yet committed
		}
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
		copied++
	}
	if _, err := os.Stat(filepath.Join(src, "report", "assets", "echarts.min.js")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the copy holds the chart library (%v)", err)
	}
	bin := filepath.Join(t.TempDir(), "rbench")
	// -trimpath keeps the build cache's entries valid for a copy in another
	// directory, so only the report package and the command recompile.
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/rbench")
	cmd.Dir = src
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the %d copied files: %v\n%s", copied, err, b)
	}
	return bin
}

// TestNoChartLibraryRefusesReportFirst is issue 16's install path: a binary
// without the chart library refuses --report (run, plan) and the report
// command before anything runs (no server started, no results written),
// with the fix in the message; without --report it still runs.
func TestNoChartLibraryRefusesReportFirst(t *testing.T) {
	bin := buildWithoutChartLibrary(t)
	dir := t.TempDir()
	fixture := filepath.Join(dir, "fixture.json")
	writeReportFixture(t, fixture, "set")
	exec1 := func(args ...string) (string, string, int, time.Duration) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = cliEnv(dir)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		start := time.Now()
		err := cmd.Run()
		took := time.Since(start)
		var ee *exec.ExitError
		code := 0
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return o.String(), e.String(), code, took
	}
	for _, tt := range []struct {
		name string
		args []string
		out  string // must not exist afterwards
	}{
		{"run", []string{"run", "--workload", "raw", "--ops", "100", "-c", "1", "--keys", "10", "--report", "--out", filepath.Join(dir, "run.json")}, filepath.Join(dir, "run.json")},
		{"plan", []string{"plan", "--scales", "2000,4000", "--orders", "1000", "--repeats", "1", "--report", "--out", filepath.Join(dir, "plan.json")}, filepath.Join(dir, "plan.json")},
		{"report", []string{"report", fixture, "-o", filepath.Join(dir, "r.html")}, filepath.Join(dir, "r.html")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code, _ := exec1(tt.args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d (bad input)\nstdout:\n%s\nstderr:\n%s", code, exitUsage, stdout, stderr)
			}
			for _, want := range []string{"built without its chart library", "make build", "Dockerfile"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			// Refused before anything started: no throwaway server was
			// announced and nothing was written.
			if strings.Contains(stderr, "throwaway") || strings.Contains(stdout, "response p50") {
				t.Errorf("something ran before the refusal:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
			if _, err := os.Stat(tt.out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s exists after the refusal (%v)", tt.out, err)
			}
		})
	}
	// The same binary without --report runs: only reports need the library.
	out := filepath.Join(dir, "ok.json")
	stdout, stderr, code, _ := exec1("run", "--workload", "raw", "--ops", "100", "-c", "1", "--keys", "10", "--threads", "1", "--out", out)
	if code != 0 {
		t.Fatalf("run without --report: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("run without --report wrote no results: %v", err)
	}
}
