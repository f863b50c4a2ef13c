// Package report renders rbench results as one self-contained HTML file: the
// chart library (Apache ECharts, embedded at build time), the styles, the
// chart data and the tables of exact numbers are all inside the file, so it
// opens offline and can be mailed or attached to a CI job as it is.
//
// Charts are built with go-echarts; their options are serialised as JSON into
// a <script type="application/json"> element and handed to ECharts by a small
// static script, so no string from a results file is ever executed as code.
package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rbench/rbench/results"
)

// Defaults used when the matching Options field is zero.
const (
	DefaultTarget = time.Millisecond
	DefaultTitle  = "rbench report"
)

var (
	// ErrNoChartLibrary means the build did not embed the chart library; run
	// `make assets` and rebuild.
	ErrNoChartLibrary = errors.New("report: chart library missing")
	// ErrNoRuns means Render was given no results.
	ErrNoRuns = errors.New("report: no results to report")
	// ErrBadOptions means an Options field is invalid; the message names it.
	ErrBadOptions = errors.New("report: bad options")
)

// Options configures a report.
type Options struct {
	// Names labels each run in legends and tables, one per run, in order.
	// default: each run's Meta.Name, else its RunID, else "run N"; duplicates
	// get a "#N" suffix. NamesFromPaths gives the file-based names the CLI uses.
	Names []string
	// Target is the p99 latency that reads and writes must stay under to
	// PASS; it is also drawn on every latency chart.
	// default: DefaultTarget (1 ms)
	Target time.Duration
	// Title heads the page and names the browser tab.
	// default: DefaultTitle
	Title string
	// Gate, when set, draws rbench gate's checks at the top of the report
	// (rbench report --thresholds).
	// default: none
	Gate *Gate
}

// Render writes the HTML report of runs to w. When several runs are given
// they are overlaid (for example baseline then current), each series named
// after its run. It fails with ErrNoChartLibrary when the build lacks the
// embedded chart library.
func Render(w io.Writer, runs []*results.Run, opts Options) error {
	lib, err := chartLibrary()
	if err != nil {
		return err
	}
	if err := checkInlineScript(chartLibraryPath, lib); err != nil {
		return err
	}
	p, err := buildPage(runs, opts)
	if err != nil {
		return err
	}
	return writePage(w, p, lib)
}

// WriteFile renders the report into path atomically: a reader sees either
// the previous file or the complete new one, never a partial report.
func WriteFile(path string, runs []*results.Run, opts Options) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err = Render(f, runs, opts); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	return nil
}

// NamesFromPaths names runs after their files: the base name without a
// .json extension, or the last two path elements when base names collide
// (rbench writes run-*/results.json), with a "#N" suffix as a last resort.
func NamesFromPaths(paths []string) []string {
	short := func(p string) string {
		return strings.TrimSuffix(filepath.Base(p), ".json")
	}
	names := make([]string, len(paths))
	count := map[string]int{}
	for i, p := range paths {
		names[i] = short(p)
		count[names[i]]++
	}
	for i, p := range paths {
		if count[names[i]] > 1 {
			names[i] = filepath.ToSlash(filepath.Join(filepath.Base(filepath.Dir(p)), short(p)))
		}
	}
	return uniqueNames(names)
}

// uniqueNames suffixes repeated names with "#N" so legends stay unambiguous.
func uniqueNames(names []string) []string {
	out := make([]string, len(names))
	seen := map[string]int{}
	for i, n := range names {
		seen[n]++
		out[i] = n
		if seen[n] > 1 {
			out[i] = fmt.Sprintf("%s#%d", n, seen[n])
		}
	}
	return out
}

func (o Options) withDefaults(runs []*results.Run) (Options, error) {
	if len(o.Names) != 0 && len(o.Names) != len(runs) {
		return o, fmt.Errorf("%w: Names has %d entries for %d runs; give one name per run or none", ErrBadOptions, len(o.Names), len(runs))
	}
	if o.Target < 0 {
		return o, fmt.Errorf("%w: Target %v is negative; give a positive latency such as 1ms", ErrBadOptions, o.Target)
	}
	if o.Target == 0 {
		o.Target = DefaultTarget
	}
	if o.Title == "" {
		o.Title = DefaultTitle
	}
	names := make([]string, len(runs))
	for i, r := range runs {
		switch {
		case len(o.Names) > 0 && o.Names[i] != "":
			names[i] = o.Names[i]
		case r.Meta.Name != "":
			names[i] = r.Meta.Name
		case r.Meta.RunID != "":
			names[i] = r.Meta.RunID
		default:
			names[i] = fmt.Sprintf("run %d", i+1)
		}
	}
	o.Names = uniqueNames(names)
	return o, nil
}
