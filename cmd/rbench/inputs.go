package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/internal/input"
	"github.com/rbench/rbench/results"
)

// Bounds of the small files commands read: a screen of text, not data.
const (
	maxThresholdsFile = 1 << 20
	maxProfileFile    = 1 << 20
	maxWorkloadFile   = 1 << 20
)

// minFreeBytes is the free space an output directory needs before a run
// starts: results, .hgrm files and a report (which embeds its chart
// library, about 1 MB) fit in it many times over.
const minFreeBytes = 8 << 20

// inputs is the one place a command collects every problem with its
// inputs (flags, environment, files, output paths), so it reports them
// all at once, as `rbench config` does, and exits 2. A command builds one,
// runs every check (each records what is wrong and carries on), then
// returns in.err() before it connects or starts anything.
type inputs struct {
	c        *cli.Context
	problems []string
	// refused names the flags already found bad, so their values are not
	// also judged (and reported again) further down.
	refused map[string]bool
	// stopped is set when a read was cut short by SIGINT or SIGTERM.
	stopped error
	// cfgErr is the configuration's error, reported as it is (the form
	// docs/configuration.md shows) when it is the only problem.
	cfgErr error
}

func newInputs(c *cli.Context) *inputs { return &inputs{c: c, refused: map[string]bool{}} }

// bad records one problem: name the flag, the value and what is allowed.
func (in *inputs) bad(format string, a ...any) {
	in.problems = append(in.problems, fmt.Sprintf(format, a...))
}

// add records err, one problem per joined error and per configuration
// problem; nil adds nothing.
func (in *inputs) add(err error) {
	if err == nil {
		return
	}
	var ve *config.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			in.problems = append(in.problems, p.String())
		}
		return
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			in.add(e)
		}
		return
	}
	var ee *exitError
	if errors.As(err, &ee) {
		in.add(ee.err)
		return
	}
	in.problems = append(in.problems, err.Error())
}

// err is nil, or the usage error (exit 2) listing every problem.
func (in *inputs) err() error {
	if in.stopped != nil {
		return interrupted(in.stopped)
	}
	if len(in.problems) == 0 {
		return nil
	}
	var ve *config.ValidationError
	if errors.As(in.cfgErr, &ve) && len(ve.Problems) == len(in.problems) || in.cfgErr != nil && len(in.problems) == 1 {
		return usageError(in.cfgErr)
	}
	return usageError(&inputError{command: in.c.Command.Name, problems: in.problems})
}

// inputError lists every bad input of a command.
type inputError struct {
	command  string
	problems []string
}

func (e *inputError) Error() string {
	if len(e.problems) == 1 {
		return e.command + ": " + e.problems[0]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: invalid input (%d problems):", e.command, len(e.problems))
	for _, p := range e.problems {
		b.WriteString("\n  - ")
		b.WriteString(p)
	}
	return b.String()
}

// config loads the configuration, recording its problems; nil when it is
// invalid.
func (in *inputs) config() *config.Config {
	cfg, err := loadConfig(in.c)
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			in.cfgErr = ee.err
		}
		in.add(err)
	}
	return cfg
}

// positive checks integer flags that must be at least 1 when set: a Spec or
// an option struct reads 0 as "the default", so an explicit 0 is caught here.
func (in *inputs) positive(names ...string) {
	for _, n := range names {
		if in.c.IsSet(n) && in.c.Int64(n) < 1 {
			in.bad("--%s %d: want a positive number", n, in.c.Int64(n))
			in.refused[n] = true
		}
	}
}

// positiveDuration checks duration flags that must be above 0 (when set,
// or always when their default is).
func (in *inputs) positiveDuration(names ...string) {
	for _, n := range names {
		if d := in.c.Duration(n); d <= 0 && (in.c.IsSet(n) || d < 0) {
			in.bad("--%s %s: want a positive duration such as 10s or 500ms", n, d)
			in.refused[n] = true
		}
	}
}

// nonNegativeDuration checks duration flags that may be 0.
func (in *inputs) nonNegativeDuration(names ...string) {
	for _, n := range names {
		if d := in.c.Duration(n); d < 0 {
			in.bad("--%s %s: want 0 or a positive duration", n, d)
			in.refused[n] = true
		}
	}
}

// oneOf checks a string flag against the allowed values.
func (in *inputs) oneOf(name string, allowed ...string) string {
	v := in.c.String(name)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	in.bad("--%s %q: allowed: %s", name, v, strings.Join(allowed, ", "))
	return ""
}

// list splits a comma-separated flag, refusing empty entries and an empty
// list when the flag was given.
func (in *inputs) list(name string) []string {
	s := in.c.String(name)
	var out []string
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			if strings.TrimSpace(s) == "" {
				in.bad("--%s %q: empty: give at least one value", name, s)
			} else {
				in.bad("--%s %q: an empty entry in the list", name, s)
			}
			return nil
		}
		out = append(out, e)
	}
	return out
}

// readFile reads the file a flag names, bounded by limit (by stat and
// while reading), or records why it cannot.
func (in *inputs) readFile(flag, path string, limit int64) ([]byte, bool) {
	b, err := input.ReadFile(in.c.Context, path, limit)
	if err != nil {
		if ctxErr := in.c.Context.Err(); ctxErr != nil {
			in.stopped = ctxErr
			return nil, false
		}
		in.bad("--%s %s: %s", flag, path, fileProblem(err))
		return nil, false
	}
	return b, true
}

// fileProblem words a file error without repeating the path.
func fileProblem(err error) string {
	var tl *input.TooLargeError
	var pe *fs.PathError
	switch {
	case errors.As(err, &tl):
		if tl.Size >= 0 {
			return fmt.Sprintf("%s, larger than the %s allowed", input.Bytes(tl.Size), input.Bytes(tl.Limit))
		}
		return fmt.Sprintf("holds more than the %s allowed (a device or a stream, not a file?)", input.Bytes(tl.Limit))
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}

// loadResults reads results files (positional arguments or --baseline),
// recording each unreadable one; nil entries stand for those. A Ctrl-C
// while loading returns ctx.Err() at once.
func (in *inputs) loadResults(paths []string) ([]*results.Run, error) {
	runs := make([]*results.Run, len(paths))
	for i, p := range paths {
		r, err := results.Load(in.c.Context, p)
		if err != nil {
			if ctxErr := in.c.Context.Err(); ctxErr != nil {
				return nil, interrupted(ctxErr)
			}
			in.add(err)
			continue
		}
		runs[i] = r
	}
	return runs, nil
}

// interrupted is the error of a command stopped by SIGINT or SIGTERM.
func interrupted(err error) error {
	return failure(fmt.Errorf("interrupted: %w", err))
}

// outputFile checks, before any work, that a file can be written at path:
// it is not a directory or a device, its directory exists (or can be made)
// and is writable, and its filesystem has room.
func (in *inputs) outputFile(flag, path string) {
	if path == "" {
		return
	}
	if fi, err := os.Stat(path); err == nil {
		switch {
		case fi.IsDir():
			in.bad("--%s %s is a directory: give a file name in it", flag, path)
			return
		case !fi.Mode().IsRegular():
			// Results are written beside the target and renamed over it,
			// which would replace a device such as /dev/null.
			in.bad("--%s %s is not a regular file (a device, a pipe or a socket): give a file name", flag, path)
			return
		}
	}
	in.writableDir(flag, path, filepath.Dir(path))
}

// resultsOutput checks where run, plan and recover write their results:
// the file --out, or a new run folder under --results-dir.
func (in *inputs) resultsOutput() {
	if out := in.c.String("out"); out != "" {
		in.outputFile("out", out)
	} else {
		in.outputDir("results-dir", in.c.String("results-dir"))
	}
}

// outputDir checks, before any work, that dir is (or can be made) a
// writable directory with room.
func (in *inputs) outputDir(flag, dir string) {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		in.bad("--%s %s is not a directory", flag, dir)
		return
	}
	in.writableDir(flag, dir, dir)
}

// writableDir probes the nearest existing ancestor of dir: a file can be
// created in it and its filesystem has minFreeBytes free.
func (in *inputs) writableDir(flag, path, dir string) {
	d := dir
	for {
		fi, err := os.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				in.bad("--%s %s: %s is not a directory", flag, path, d)
				return
			}
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			in.bad("--%s %s: %v", flag, path, err)
			return
		}
		d = parent
	}
	f, err := os.CreateTemp(d, ".rbench-probe-*")
	if err != nil {
		in.bad("--%s %s: cannot write in %s: %s", flag, path, d, fileProblem(err))
		return
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	var st syscall.Statfs_t
	if err := syscall.Statfs(d, &st); err == nil {
		if free := int64(st.Bavail) * int64(st.Bsize); free < minFreeBytes {
			in.bad("--%s %s: only %s free on the filesystem of %s; results need at least %s", flag, path, input.Bytes(free), d, input.Bytes(minFreeBytes))
		}
	}
}

// binary checks --redis-server: an executable regular file (or a name
// found on PATH), so a wrong path fails before anything starts.
func (in *inputs) binary(flag string) {
	p := in.c.String(flag)
	if p == "" {
		return
	}
	found, err := exec.LookPath(p)
	if err != nil {
		in.bad("--%s %s: %s", flag, p, fileProblem(err))
		return
	}
	if fi, err := os.Stat(found); err != nil || !fi.Mode().IsRegular() {
		in.bad("--%s %s is not an executable file", flag, p)
	}
}

// connection checks the retry flags every connecting command has.
func (in *inputs) connection() {
	_, err := targetOptions(in.c, nil)
	in.add(err)
	in.binary(flagRedisServer)
}

// interruptible runs f, returning early with an interrupted error when ctx
// ends first (f keeps running until the process exits, which follows).
func interruptible(ctx context.Context, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return interrupted(ctx.Err())
	}
}

// secondsSince is d rounded for messages.
func secondsSince(t time.Time) string { return time.Since(t).Round(time.Second).String() }
