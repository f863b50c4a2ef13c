package main

// rbench run --find-max: the search for the highest event rate the node's
// writer sustains (package ceiling), per --buffer-interval, with
// --project-rtt projections. run.go calls into it from two marked blocks
// (checkRun and runAction); everything else is here.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/ceiling"
	"github.com/rbench/rbench/report"
	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/workloads"
)

const findMaxCategory = "Find max (the writer's highest sustainable event rate)"

// Defaults of the search flags.
const (
	defaultFindMaxStep   = 3 * time.Second
	defaultFindMaxWarmup = 500 * time.Millisecond
)

func findMaxFlags() []cli.Flag {
	cat := findMaxCategory
	return []cli.Flag{
		&cli.BoolFlag{Name: "find-max", Usage: "order-flow, mixed: search for the highest event rate at which the writer's lag p99 stays under --target-p99 (buffered: plus twice the interval) and its queue does not grow; one search per --buffer-interval (docs/writer.md)", Category: cat},
		&cli.DurationFlag{Name: "find-max-step", Value: defaultFindMaxStep, Usage: "measured length of each step (longer where the rate needs it for 1000 calls, the p99 floor)", Category: cat},
		&cli.DurationFlag{Name: "find-max-warmup", Value: defaultFindMaxWarmup, Usage: "unrecorded warm-up before each step (--warmup overrides it)", Category: cat},
		&cli.IntFlag{Name: "find-max-repeats", Value: ceiling.DefaultRepeats, Usage: "runs of each candidate rate; a rate passes only when all pass", Category: cat},
		&cli.IntFlag{Name: "find-max-retries", Value: 1, Usage: "runs again a repeat that failed only on rbench's own account (its send lateness, its CPU: a busy machine), up to `N` times", Category: cat},
		&cli.Float64Flag{Name: "find-max-start", Value: ceiling.DefaultStart, Usage: "the ramp's first rate (calls/s); it doubles until a step fails, then bisects", Category: cat},
		&cli.Float64Flag{Name: "find-max-max", Value: ceiling.DefaultMax, Usage: "the highest rate tried (calls/s)", Category: cat},
		&cli.Float64Flag{Name: "find-max-min", Value: ceiling.DefaultMin, Usage: "the lowest rate tried when the first fails (the ramp halves down to it)", Category: cat},
		&cli.Float64Flag{Name: "find-max-precision", Value: ceiling.DefaultPrecision, Usage: "stop bisecting when (failed - found) / found is at most this", Category: cat},
		&cli.BoolFlag{Name: "find-max-saturation", Value: true, Usage: "also search above each ceiling for the saturation rate: the highest at which the writer's queue does not grow, whatever its lag (the node's hard limit; =false to skip)", Category: cat},
		&cli.StringFlag{Name: "project-rtt", Usage: "with --find-max: project each ceiling and its lag to these round-trip times, e.g. 200us,1ms (assumptions printed)", Category: cat},
	}
}

func findMaxSet(c *cli.Context) bool { return c.Bool("find-max") }

// findMaxInput is a checked --find-max.
type findMaxInput struct {
	intervals []time.Duration
	rtts      []time.Duration
	step      time.Duration
	warmup    time.Duration
	opts      ceiling.Options
}

// checkFindMax checks the search's inputs; nil without --find-max.
func checkFindMax(in *inputs, spec workloads.Spec, def workloads.Definition) *findMaxInput {
	c := in.c
	if !findMaxSet(c) {
		for _, n := range []string{"project-rtt", "find-max-step", "find-max-warmup", "find-max-repeats", "find-max-retries", "find-max-start", "find-max-max", "find-max-min", "find-max-precision", "find-max-saturation"} {
			if c.IsSet(n) {
				in.bad("--%s: only with --find-max", n)
			}
		}
		return nil
	}
	fm := &findMaxInput{step: c.Duration("find-max-step"), warmup: c.Duration("find-max-warmup")}
	if c.IsSet("warmup") {
		fm.warmup = c.Duration("warmup")
	}
	if def.Name != "" && (!def.Writer || def.Name == "populate") {
		in.bad("--find-max with --workload %s: the search paces the node's writer for a step's duration; use order-flow (the write hot path) or mixed (populate stops when its --keys are written)", def.Name)
	}
	for _, n := range []string{"rate", "rate-schedule", "ops", "duration", "repeat", "run-count", "nodes", "shard", "start-at", "pipeline", "drain"} {
		if c.IsSet(n) {
			in.bad("--%s with --find-max: the search sets the rate and the steps itself (--find-max-step, --find-max-repeats); drop --%s", n, n)
		}
	}
	if len(spec.Encodings) > 1 {
		in.bad("--encoding %s with --find-max: a search judges one encoding's writer; give one, e.g. --encoding %s", strings.Join(spec.Encodings, ","), spec.Encodings[0])
	}
	if fm.step < 100*time.Millisecond || fm.step > time.Hour {
		in.bad("--find-max-step %v: want 100ms to 1h (3s is the default)", fm.step)
	}
	if fm.warmup < 0 {
		in.bad("--find-max-warmup %v: want 0 or a positive duration", fm.warmup)
	}
	o := ceiling.Options{Repeats: c.Int("find-max-repeats"), Retries: c.Int("find-max-retries"), Start: c.Float64("find-max-start"), Max: c.Float64("find-max-max"),
		Precision: c.Float64("find-max-precision"), Target: time.Duration(spec.WithDefaults().TargetP99), Saturation: c.Bool("find-max-saturation")}
	if o.Retries < 0 || o.Retries > 10 {
		in.bad("--find-max-retries %d: want 0 to 10", o.Retries)
	}
	if o.Repeats < 1 || o.Repeats > 100 {
		in.bad("--find-max-repeats %d: want 1 to 100", o.Repeats)
	}
	if !(o.Start > 0) || math.IsInf(o.Start, 0) {
		in.bad("--find-max-start %v: want a positive rate in calls/s", o.Start)
	}
	if !(o.Max >= o.Start) || math.IsInf(o.Max, 0) {
		in.bad("--find-max-max %v: want a rate at least --find-max-start (%v)", o.Max, o.Start)
	}
	o.Min = c.Float64("find-max-min")
	if !(o.Min > 0) || o.Min > o.Start {
		in.bad("--find-max-min %v: want a positive rate at most --find-max-start (%v)", o.Min, o.Start)
	}
	if !(o.Precision > 0 && o.Precision < 1) {
		in.bad("--find-max-precision %v: want a share between 0 and 1, e.g. 0.1 for 10%%", o.Precision)
	}
	fm.opts = o
	fm.intervals = []time.Duration{spec.Node.BufferInterval}
	if c.IsSet("buffer-interval") {
		if list, err := bufferIntervals(c); err == nil {
			fm.intervals = list
		}
	}
	if c.IsSet("project-rtt") {
		for _, e := range in.list("project-rtt") {
			d, err := time.ParseDuration(e)
			if err != nil || d < 0 || d > time.Minute {
				in.bad("--project-rtt %q: want round-trip times of 0 to 1m, e.g. 200us,1ms", e)
				continue
			}
			fm.rtts = append(fm.rtts, d)
		}
	}
	return fm
}

// findMax runs one search per buffer interval with the run's options and
// writes the side-by-side table, the results and the report.
func findMax(c *cli.Context, fm *findMaxInput, base workloads.Options, start time.Time) error {
	ctx := c.Context
	progress := c.App.ErrWriter
	if c.Bool("quiet") {
		progress = io.Discard
	}
	spec := base.Spec
	target := time.Duration(spec.WithDefaults().TargetP99)
	ce := &results.Ceiling{
		Workload: spec.Workload, Node: string(spec.WithDefaults().Node.Flavour), TargetP99Us: float64(target) / 1e3,
		StepSec: fm.step.Seconds(), WarmupSec: fm.warmup.Seconds(), Repeats: fm.opts.Repeats, Precision: fm.opts.Precision,
		Method: ceiling.Method(fm.opts),
	}
	for _, m := range ce.Method {
		fmt.Fprintf(progress, "find-max: %s\n", m)
	}
	var first []*results.Run
	var last *results.Run
	var searchErr error
	for _, iv := range fm.intervals {
		o := fm.opts
		o.Interval = iv
		o.Progress = progress
		o.Label = "[" + intervalLabel(iv) + "]"
		o.Run = func(ctx context.Context, rate float64, repeat int) (*results.Run, error) {
			opts := base
			opts.Spec = spec
			opts.Spec.Rate, opts.Spec.RateSchedule, opts.Spec.Ops = rate, "", 0
			// Long enough for the p99's floor of calls at this rate.
			need := time.Duration(float64(results.MinSamples(0.99)) * 1.2 / rate * float64(time.Second))
			opts.Spec.Duration = workloads.Duration(max(fm.step, need))
			opts.Spec.Warmup = workloads.Duration(fm.warmup)
			opts.Spec.Node.BufferInterval = iv
			opts.Progress = nil
			opts.Log = io.Discard
			opts.QueueSamples = true
			r, err := workloads.Run(ctx, opts)
			if r != nil {
				results.Assess(r, target)
				last = r
			}
			if err == nil && ctx.Err() != nil {
				err = ctx.Err()
			}
			return r, err
		}
		res, err := ceiling.Search(ctx, o)
		ce.Searches = append(ce.Searches, res.Search)
		if first == nil && len(res.Runs) > 0 {
			first = res.Runs
		}
		if err != nil {
			searchErr = err
			break
		}
	}
	for _, rtt := range fm.rtts {
		for _, s := range ce.Searches {
			ce.Projections = append(ce.Projections, ceiling.Project(s, rtt))
		}
	}
	if len(fm.rtts) > 0 {
		ce.Assumptions = ceiling.Assumptions
	}
	run, err := ceilingRun(first, last)
	if err != nil {
		return failure(errors.Join(searchErr, err))
	}
	if run == nil {
		return failure(errors.Join(searchErr, errors.New("--find-max: no step ran")))
	}
	run.Ceiling = ce
	run.Meta.Name = "find-max " + spec.Workload
	if searchErr != nil {
		run.Incomplete = append(run.Incomplete, fmt.Sprintf("the search stopped: %v", searchErr))
	}
	out := c.App.Writer
	if err := ceiling.WriteTable(out, ce); err != nil {
		return failure(err)
	}
	path, werr := writeRunResults(c, run, start)
	if werr != nil {
		return failure(errors.Join(searchErr, fmt.Errorf("writing results: %w", werr)))
	}
	fmt.Fprintf(out, "results: %s (every step under ceiling.searches[].steps; the other sections are the writer at the first interval's ceiling)\n", path)
	if c.Bool("report") {
		rp := filepath.Join(filepath.Dir(path), "report.html")
		if err := report.WriteFile(rp, []*results.Run{run}, report.Options{Target: target}); err != nil {
			return failure(errors.Join(searchErr, fmt.Errorf("writing the report: %w", err)))
		}
		fmt.Fprintf(out, "report: %s\n", rp)
	}
	if searchErr != nil {
		return failure(searchErr)
	}
	return nil
}

// ceilingRun is the results file's run: the first search's ceiling, its
// repeats merged, or the last step run when no rate passed.
func ceilingRun(runs []*results.Run, last *results.Run) (*results.Run, error) {
	switch len(runs) {
	case 0:
		return last, nil
	case 1:
		return runs[0], nil
	}
	labels := make([]string, len(runs))
	for i := range runs {
		labels[i] = fmt.Sprintf("repeat %d", i+1)
	}
	m, err := results.MergeWith(results.MergeOptions{As: results.MergeRepeats, Sources: labels}, runs...)
	if err != nil {
		return nil, fmt.Errorf("merging the ceiling's repeats: %w", err)
	}
	return m, nil
}

func intervalLabel(d time.Duration) string {
	if d == 0 {
		return "unbuffered"
	}
	return "buffer " + d.String()
}
