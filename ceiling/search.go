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
// figures read as measured, not computed.
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
	s := &res.Search
	var found, failed float64
	var failedWhy []string
	// try runs every repeat of rate; the first failing repeat ends it.
	try := func(rate float64, phase string) (bool, error) {
		var runs []*results.Run
		for k := 1; k <= o.Repeats; k++ {
			var r *results.Run
			var st results.CeilingStep
			for attempt := 0; ; attempt++ {
				var err error
				r, err = o.Run(ctx, rate, k)
				if err != nil {
					return false, fmt.Errorf("step %d (%s/s, repeat %d): %w", len(s.Steps)+1, fmtRate(rate), k, err)
				}
				st = Judge(r, rate, bound)
				st.N, st.Phase, st.Repeat, st.Retried = len(s.Steps)+1, phase, k, attempt > 0
				s.Steps = append(s.Steps, st)
				o.progress(st, o.Repeats, found, failed)
				if st.Pass || !st.Machine || attempt >= o.Retries {
					break
				}
			}
			if !st.Pass {
				if failed == 0 || rate <= failed {
					failed, failedWhy = rate, st.Reasons
				}
				return false, nil
			}
			runs = append(runs, r)
		}
		if rate > found {
			found, res.Runs = rate, runs
		}
		return true, nil
	}
	rate := round(o.Start, 2)
	for {
		ok, err := try(rate, "ramp")
		if err != nil {
			return res, err
		}
		if !ok || rate >= o.Max {
			break
		}
		rate = math.Min(round(rate*2, 2), o.Max)
	}
	if found == 0 {
		for rate = round(failed/2, 2); rate >= o.Min; rate = round(rate/2, 2) {
			ok, err := try(rate, "ramp")
			if err != nil {
				return res, err
			}
			if ok {
				break
			}
		}
	}
	for found > 0 && failed > 0 && (failed-found)/found > o.Precision {
		mid := round((found+failed)/2, 3)
		if mid <= found || mid >= failed {
			break
		}
		if _, err := try(mid, "bisect"); err != nil {
			return res, err
		}
	}
	s.Found, s.Failed, s.FailedBecause = found, failed, failedWhy
	s.Confidence = confidence(o, found, failed)
	if found > 0 {
		s.AtCeiling = atCeiling(found, s.Steps)
	}
	o.summary(*s)
	return res, nil
}

func confidence(o Options, found, failed float64) string {
	switch {
	case found == 0 && failed > 0:
		return fmt.Sprintf("no rate passed: the lowest tried, %s/s, failed", fmtRate(failed))
	case failed == 0:
		return fmt.Sprintf("%s/s passed %d of %d repeats and no rate failed up to the search's highest (%s/s): the ceiling is at least that", fmtRate(found), o.Repeats, o.Repeats, fmtRate(o.Max))
	default:
		return fmt.Sprintf("%s/s passed %d of %d repeats; %s/s failed one (%.0f%% higher): the ceiling lies between them", fmtRate(found), o.Repeats, o.Repeats, fmtRate(failed), 100*(failed-found)/found)
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

func (o Options) progress(st results.CeilingStep, repeats int, found, failed float64) {
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
		o.Label, st.N, st.Phase, fmtRate(st.Rate), st.Repeat, repeats, word, fmtUs(st.Lag.P50), fmtUs(st.Lag.P99),
		st.QueueGrowth, st.QueueGrowthLimit, 100*st.Busy, fmtRate(st.AchievedRate), fmtUs(st.SendLateP99Us), st.LoadAvg, bracket)
	for _, r := range st.Reasons {
		fmt.Fprintf(o.Progress, "    %s\n", r)
	}
}

func (o Options) summary(s results.CeilingSearch) {
	if o.Progress == nil {
		return
	}
	fmt.Fprintf(o.Progress, "find-max %s: ceiling %s/s, next failed %s; %s\n", o.Label, fmtRate(s.Found), failedText(s), s.Confidence)
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
	return []string{
		fmt.Sprintf("each step runs the workload paced at one rate (calls/s) on a clean keyspace; a rate runs %d times and passes only if every repeat passes", o.Repeats),
		fmt.Sprintf("a repeat passes when at least %d calls completed (the p99 floor), its lag p99 is under the bound (the target unbuffered; target + 2 x interval buffered), the queue did not grow (Theil-Sen slope of the 50 ms queue samples x the window under max(%d calls, %.0f%% of the calls due)), nothing was dropped and the run is valid (rate reached, generator not the bottleneck)", results.MinSamples(0.99), MinGrowthCalls, 100*GrowthShare),
		fmt.Sprintf("ramp: from %s/s, doubling until a rate fails (at most %s/s); if the first fails, halving down to %s/s until one passes", fmtRate(o.Start), fmtRate(o.Max), fmtRate(o.Min)),
		fmt.Sprintf("bisection between the highest rate that passed and the lowest that failed, until they are within %.0f%%", 100*o.Precision),
		fmt.Sprintf("a repeat that failed only on rbench's own account (its send lateness over half the bound, its CPU: a busy machine, not the writer) runs again, up to %d times, before it counts", o.Retries),
	}
}
