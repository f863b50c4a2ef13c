package ceiling

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/rbench/rbench/results"
)

// Defaults of Options.
const (
	DefaultStart     = 500
	DefaultMin       = 50
	DefaultMax       = 200_000
	DefaultPrecision = 0.1
	DefaultRepeats   = 2
)

// StepFunc runs one step: the write workload paced at rate (calls/s), the
// repeat-th time at that rate. It returns the step's results, or an error
// that ends the search (Redis lost, interrupted).
type StepFunc func(ctx context.Context, rate float64, repeat int) (*results.Run, error)

// Options configures one search.
type Options struct {
	// Run runs a step. Required.
	Run StepFunc
	// Interval is the buffer interval searched (0: unbuffered); it sets the
	// lag bound (LagBound) and labels the progress.
	Interval time.Duration
	// Target is the lag p99 target (--target-p99). default: 1ms
	Target time.Duration
	// Start is the first rate of the ramp, which doubles it until a step
	// fails; Min the lowest rate tried when Start already fails (the ramp
	// then halves); Max the highest rate tried. defaults: DefaultStart,
	// DefaultMin, DefaultMax
	Start, Min, Max float64
	// Precision ends the bisection once (failed - found) / found is at most
	// this. default: DefaultPrecision (10%)
	Precision float64
	// Repeats is how many times each candidate rate runs; a rate passes
	// only when every repeat passes (the first failure ends it).
	// default: DefaultRepeats
	Repeats int
	// Retries is how many times a repeat that failed only on rbench's own
	// account (CeilingStep.Machine: the machine woke the sender late, the
	// generator ran out of CPU) is run again before it counts as failed.
	// default: 0 (none); rbench run --find-max-retries (1)
	Retries int
	// Saturation also searches, above the ceiling, for the saturation
	// rate: the highest at which the writer keeps up at all (its queue
	// does not grow), whatever its lag (Search). Where the lag bound sets
	// the ceiling (a tight target on a fast link), the writer has
	// throughput to spare there, and the rate at which its queue grows
	// without bound, the node's hard limit, lies higher. default: false;
	// rbench run --find-max-saturation (true)
	Saturation bool
	// Progress receives one line per step and one per result. default: nil
	Progress io.Writer
	// Label prefixes the progress lines, e.g. "buffer 10ms".
	Label string
}

func (o Options) withDefaults() Options {
	if o.Target <= 0 {
		o.Target = time.Millisecond
	}
	if o.Start <= 0 {
		o.Start = DefaultStart
	}
	if o.Min <= 0 {
		o.Min = DefaultMin
	}
	if o.Max <= 0 {
		o.Max = DefaultMax
	}
	if o.Precision <= 0 {
		o.Precision = DefaultPrecision
	}
	if o.Repeats <= 0 {
		o.Repeats = DefaultRepeats
	}
	return o
}

// ErrNoRun means Options.Run is nil.
var ErrNoRun = errors.New("ceiling: Options.Run is nil")

// Result is one search: its record and the runs of the ceiling's repeats
// (for the results file's sections; nil when no rate passed).
type Result struct {
	Search results.CeilingSearch
	Runs   []*results.Run
}

// Search finds the highest rate at which every repeat of a step passes
// Judge: an exponential ramp from Start (doubling, at most Max) up to the
// first failure (or, when Start fails, halving down to Min until one
// passes), then a bisection between the highest rate that passed and the
// lowest that failed until they are within Precision. Rates are rounded to
// two significant digits on the ramp and three in the bisection, so the
// figures read as measured, not computed. With o.Saturation it then finds
// the saturation rate above the ceiling (saturate).
func Search(ctx context.Context, o Options) (Result, error) {
	if o.Run == nil {
		return Result{}, ErrNoRun
	}
	o = o.withDefaults()
	bound := LagBound(o.Target, o.Interval)
	res := Result{Search: results.CeilingSearch{
		BufferIntervalMS: float64(o.Interval) / float64(time.Millisecond),
		LagBoundUs:       float64(bound) / float64(time.Microsecond),
	}}
	b := &bracket{o: o, bound: bound, label: o.Label}
	err := b.search(ctx, o.Start, "")
	s := &res.Search
	s.Steps, res.Runs = b.steps, b.runs
	s.Found, s.Failed, s.FailedBecause = b.found, b.failed, b.failedWhy
	s.Confidence = confidence(o, b.found, b.failed, "the ceiling")
	if b.found > 0 {
		s.AtCeiling = atCeiling(b.found, s.Steps)
	}
	o.summary(*s, "ceiling")
	if err != nil || !o.Saturation {
		return res, err
	}
	s.Saturation, err = saturate(ctx, o, *s, Growing(b.failedStep))
	return res, err
}

// noLagBound judges a saturation step on its queue alone.
const noLagBound = time.Duration(math.MaxInt64)

// saturate finds the saturation rate above the lag ceiling s: the highest
// rate at which the writer keeps up at all (its queue does not grow, the
// run is valid), whatever its lag, and the lowest at which its queue grew.
// When the ceiling's own next failed rate already grew its queue
// (growingAtFailed), the ceiling is the saturation and no step runs: the
// lag bound and the writer's throughput give out together. Otherwise a
// ramp from the failed rate, doubling, then a bisection, as Search, judged
// without the lag bound. Where no rate failed the lag search up to Max,
// there is nothing above to search.
func saturate(ctx context.Context, o Options, s results.CeilingSearch, growingAtFailed bool) (*results.CeilingSearch, error) {
	sat := &results.CeilingSearch{BufferIntervalMS: s.BufferIntervalMS}
	switch {
	case s.Failed == 0:
		sat.Found = s.Found
		sat.Confidence = fmt.Sprintf("not searched: no rate failed the lag bound up to the search's highest (%s/s), so the writer keeps up at least that far", fmtRate(o.Max))
		sat.AtCeiling = s.AtCeiling
		o.summary(*sat, "saturation")
		return sat, nil
	case growingAtFailed:
		sat.Found, sat.Failed, sat.FailedBecause = s.Found, s.Failed, s.FailedBecause
		sat.Confidence = fmt.Sprintf("the ceiling's next failed rate (%s/s) already grew the queue: the writer saturates between %s/s and %s/s, where the lag bound gives out too", fmtRate(s.Failed), fmtRate(s.Found), fmtRate(s.Failed))
		sat.AtCeiling = s.AtCeiling
		o.summary(*sat, "saturation")
		return sat, nil
	}
	b := &bracket{o: o, bound: noLagBound, label: o.Label + " saturation", found: s.Found}
	// The ceiling passed every check a saturation step makes, and more:
	// it bounds the saturation from below without running again.
	err := b.search(ctx, s.Failed, "saturate ")
	sat.Steps = b.steps
	sat.Found, sat.Failed, sat.FailedBecause = b.found, b.failed, b.failedWhy
	sat.Confidence = confidence(o, b.found, b.failed, "the saturation")
	if st := b.failedStep; b.failed > 0 && !Growing(st) && (GeneratorLimited(st) || st.Busy < 0.5) {
		// It failed with a flat queue while the writer had time to spare:
		// rbench could not make the rate (its CPU, its sender, calls built
		// too slowly), so the writer's saturation is only known to lie
		// above the rate found. (A busy writer that missed the rate without
		// a slope is the writer: the calls it never took are its queue.)
		sat.Confidence += fmt.Sprintf(" (but at %s/s the writer was busy %.0f%% and its queue did not grow: rbench could not make the rate, so the saturation is higher still)", fmtRate(b.failed), 100*st.Busy)
		sat.NotWriter = true
	}
	if p := atCeiling(b.found, sat.Steps); p != nil {
		sat.AtCeiling = p
	} else if b.found == s.Found {
		sat.AtCeiling = s.AtCeiling
	}
	o.summary(*sat, "saturation")
	return sat, err
}

// bracket is one search's state: the steps run, the highest rate that
// passed every repeat and the lowest at which one failed.
type bracket struct {
	o      Options
	bound  time.Duration
	label  string
	steps  []results.CeilingStep
	found  float64
	failed float64
	// failedWhy is why failed failed, failedStep its failing repeat.
	failedWhy  []string
	failedStep results.CeilingStep
	runs       []*results.Run
}

// try runs every repeat of rate; the first failing repeat ends it.
func (b *bracket) try(ctx context.Context, rate float64, phase string) (bool, error) {
	o := b.o
	var runs []*results.Run
	for k := 1; k <= o.Repeats; k++ {
		var r *results.Run
		var st results.CeilingStep
		for attempt := 0; ; attempt++ {
			var err error
			r, err = o.Run(ctx, rate, k)
			if err != nil {
				return false, fmt.Errorf("step %d (%s/s, repeat %d): %w", len(b.steps)+1, fmtRate(rate), k, err)
			}
			st = Judge(r, rate, b.bound)
			st.N, st.Phase, st.Repeat, st.Retried = len(b.steps)+1, phase, k, attempt > 0
			b.steps = append(b.steps, st)
			o.progress(b.label, st, o.Repeats, b.found, b.failed)
			if st.Pass || !st.Machine || attempt >= o.Retries {
				break
			}
		}
		if !st.Pass {
			if b.failed == 0 || rate <= b.failed {
				b.failed, b.failedWhy, b.failedStep = rate, st.Reasons, st
			}
			return false, nil
		}
		runs = append(runs, r)
	}
	if rate > b.found {
		b.found, b.runs = rate, runs
	}
	return true, nil
}

// search ramps from start and bisects (see Search); phase prefixes the
// steps' phases.
func (b *bracket) search(ctx context.Context, start float64, phase string) error {
	o := b.o
	rate := round(start, 2)
	for {
		ok, err := b.try(ctx, rate, phase+"ramp")
		if err != nil {
			return err
		}
		if !ok || rate >= o.Max {
			break
		}
		rate = math.Min(round(rate*2, 2), o.Max)
	}
	if b.found == 0 {
		for rate = round(b.failed/2, 2); rate >= o.Min; rate = round(rate/2, 2) {
			ok, err := b.try(ctx, rate, phase+"ramp")
			if err != nil {
				return err
			}
			if ok {
				break
			}
		}
	}
	for b.found > 0 && b.failed > 0 && (b.failed-b.found)/b.found > o.Precision {
		mid := round((b.found+b.failed)/2, 3)
		if mid <= b.found || mid >= b.failed {
			break
		}
		if _, err := b.try(ctx, mid, phase+"bisect"); err != nil {
			return err
		}
	}
	return nil
}

// Growing reports whether a step's queue grew (beyond its limit).
func Growing(st results.CeilingStep) bool {
	return st.QueueSamples >= 3 && st.QueueGrowth > st.QueueGrowthLimit
}

// confidence says how a search's figure (name: "the ceiling") is bounded.
func confidence(o Options, found, failed float64, name string) string {
	switch {
	case found == 0 && failed > 0:
		return fmt.Sprintf("no rate passed: the lowest tried, %s/s, failed", fmtRate(failed))
	case failed == 0:
		return fmt.Sprintf("%s/s passed %d of %d repeats and no rate failed up to the search's highest (%s/s): %s is at least that", fmtRate(found), o.Repeats, o.Repeats, fmtRate(o.Max), name)
	default:
		return fmt.Sprintf("%s/s passed %d of %d repeats; %s/s failed one (%.0f%% higher): %s lies between them", fmtRate(found), o.Repeats, o.Repeats, fmtRate(failed), 100*(failed-found)/found, name)
	}
}

// atCeiling merges the passing steps at rate (its repeats).
func atCeiling(rate float64, steps []results.CeilingStep) *results.CeilingPoint {
	p := &results.CeilingPoint{Rate: rate}
	var lag *hdrhistogram.Histogram
	var n float64
	for _, st := range steps {
		if st.Rate != rate || !st.Pass {
			continue
		}
		n++
		p.Busy += st.Busy
		p.RoundTripsPerCall += st.RoundTripsPerCall
		p.MaxRoundTripsPerCall = math.Max(p.MaxRoundTripsPerCall, st.MaxRoundTripsPerCall)
		p.ServicePerRoundTripUs += st.ServicePerRoundTripUs
		if st.CallsPerFlush != nil {
			if p.CallsPerFlush == nil {
				c := *st.CallsPerFlush
				p.CallsPerFlush = &c
			} else {
				// Repeats of one rate: the median of their medians is not
				// kept; the wider of each figure is (a conservative summary).
				c := p.CallsPerFlush
				c.P50, c.P99, c.Max = math.Max(c.P50, st.CallsPerFlush.P50), math.Max(c.P99, st.CallsPerFlush.P99), math.Max(c.Max, st.CallsPerFlush.Max)
			}
		}
		if h, err := results.DecodeHDR(st.LagHDR); err == nil && h != nil {
			if lag == nil {
				lag = results.NewHistogram()
			}
			lag.Merge(h)
		} else if lag == nil {
			p.Lag = st.Lag
		}
	}
	if n == 0 {
		return nil
	}
	p.Busy /= n
	p.RoundTripsPerCall /= n
	p.ServicePerRoundTripUs /= n
	if lag != nil && lag.TotalCount() > 0 {
		p.Lag = results.Summarize(lag)
	}
	p.CrashLossUs = p.Lag.P99
	p.CrashLossMaxUs = p.Lag.Max
	p.CallsAtRisk = rate * p.Lag.P99 / 1e6
	return p
}

// round rounds v to d significant digits.
func round(v float64, d int) float64 {
	if v <= 0 {
		return 0
	}
	p := math.Pow(10, float64(d)-math.Ceil(math.Log10(v)))
	return math.Round(v*p) / p
}

func (o Options) progress(label string, st results.CeilingStep, repeats int, found, failed float64) {
	if o.Progress == nil {
		return
	}
	word := "PASS"
	if !st.Pass {
		word = "FAIL"
	}
	bracket := "["
	if found > 0 {
		bracket += fmtRate(found)
	} else {
		bracket += "-"
	}
	bracket += ", "
	if failed > 0 {
		bracket += fmtRate(failed)
	} else {
		bracket += "-"
	}
	bracket += "]"
	if st.Retried {
		word += " (retry)"
	}
	fmt.Fprintf(o.Progress, "find-max %s step %d %-6s %8s/s repeat %d/%d: %s lag p50 %s p99 %s, queue %+.0f (limit %.0f), busy %.0f%%, achieved %s/s, send late p99 %s, load %.1f, bracket %s\n",
		label, st.N, st.Phase, fmtRate(st.Rate), st.Repeat, repeats, word, fmtUs(st.Lag.P50), fmtUs(st.Lag.P99),
		st.QueueGrowth, st.QueueGrowthLimit, 100*st.Busy, fmtRate(st.AchievedRate), fmtUs(st.SendLateP99Us), st.LoadAvg, bracket)
	for _, r := range st.Reasons {
		fmt.Fprintf(o.Progress, "    %s\n", r)
	}
}

func (o Options) summary(s results.CeilingSearch, what string) {
	if o.Progress == nil {
		return
	}
	fmt.Fprintf(o.Progress, "find-max %s: %s %s/s, next failed %s; %s\n", o.Label, what, fmtRate(s.Found), failedText(s), s.Confidence)
}

func failedText(s results.CeilingSearch) string {
	if s.Failed == 0 {
		return "none"
	}
	return fmtRate(s.Failed) + "/s"
}

// Method describes the search o runs, in words, for the output and the
// results file.
func Method(o Options) []string {
	o = o.withDefaults()
	m := []string{
		fmt.Sprintf("each step runs the workload paced at one rate (calls/s) on a clean keyspace; a rate runs %d times and passes only if every repeat passes", o.Repeats),
		fmt.Sprintf("a repeat passes when at least %d calls completed (the p99 floor), its lag p99 is under the bound (the target unbuffered; target + 2 x interval buffered), the queue did not grow (Theil-Sen slope of the 50 ms queue samples x the window under max(%d calls, %.0f%% of the calls due)), nothing was dropped and the run is valid (rate reached, generator not the bottleneck)", results.MinSamples(0.99), MinGrowthCalls, 100*GrowthShare),
		fmt.Sprintf("ramp: from %s/s, doubling until a rate fails (at most %s/s); if the first fails, halving down to %s/s until one passes", fmtRate(o.Start), fmtRate(o.Max), fmtRate(o.Min)),
		fmt.Sprintf("bisection between the highest rate that passed and the lowest that failed, until they are within %.0f%%", 100*o.Precision),
		fmt.Sprintf("a repeat that failed only on rbench's own account (its send lateness over half the bound, its CPU: a busy machine, not the writer) runs again, up to %d times, before it counts", o.Retries),
	}
	if o.Saturation {
		m = append(m, "saturation: above the ceiling, the same ramp (from the ceiling's next failed rate) and bisection judged without the lag bound, finds the highest rate at which the queue still does not grow (the writer keeps up, however late) and the lowest at which it grew; when the ceiling's next failed rate already grew the queue, that bracket is the saturation and no step runs")
	}
	return m
}
