// Package ceiling finds the highest event rate a trading node's cache
// writer sustains (rbench run --find-max): a search over paced runs of a
// write workload, each judged on the writer's lag p99 and on whether its
// queue grew, and projects the ceiling to other round-trip times. It only
// reads results: the caller runs each step (Options.Run), so the search is
// the same whatever runs it. The method is documented in docs/writer.md.
package ceiling

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rbench/rbench/results"
)

// Growth rule: a step's queue grows when its Theil-Sen slope over the
// measured window adds more than max(MinGrowthCalls, GrowthShare of the
// calls due in the window). A writer that keeps up has a slope near zero
// whatever its depth (a buffered writer's queue is a saw tooth of about
// rate x interval, whose median slope is zero); one that cannot drains
// (capacity) calls a second of (rate) due, so its queue grows by
// rate - capacity a second: at 120% of its capacity, a sixth of the calls
// due. The median of the pairwise slopes ignores a stall that fills the
// queue once and is drained (a GC pause, a busy machine), which a
// least-squares line or the last sample would count.
const (
	MinGrowthCalls = 20
	GrowthShare    = 0.05
)

// LagBound is the lag p99 a step at this buffer interval must stay under:
// the target when unbuffered; buffered, the target plus twice the
// interval. A buffered call waits for its flush up to an interval plus the
// previous flush (the timer is reset when a flush's reply arrives,
// cache.rs:750-764) and then for its own flush, so its lag is at most
// interval + 2 x flush: under target + 2 x interval while a flush takes no
// longer than about an interval. A 1 ms target alone would fail every
// buffered rate, since the buffer itself adds the interval on purpose.
func LagBound(target, interval time.Duration) time.Duration {
	return target + 2*interval
}

// writerOf returns the run's writer figures of its first encoding pass.
func writerOf(r *results.Run) *results.Writer {
	if r == nil || len(r.Writer) == 0 {
		return nil
	}
	return &r.Writer[0]
}

// Judge measures one step: its run at rate, against the lag bound. A step
// that failed only on rbench's own account (its send lateness over half
// the bound, its CPU or its sender flagged by the validity checks) is
// marked Machine: the search may run it again (Options.Retries).
func Judge(r *results.Run, rate float64, bound time.Duration) (st results.CeilingStep) {
	st = results.CeilingStep{Rate: rate, Pass: true}
	writerFault := false // a failure rbench or the machine does not explain
	fail := func(format string, a ...any) {
		st.Pass = false
		writerFault = true
		st.Reasons = append(st.Reasons, fmt.Sprintf(format, a...))
	}
	machine := func(format string, a ...any) {
		st.Pass = false
		st.Reasons = append(st.Reasons, fmt.Sprintf(format, a...))
	}
	defer func() { st.Machine = !st.Pass && !writerFault }()
	w := writerOf(r)
	if w == nil {
		fail("no writer figures (not a write workload?)")
		return st
	}
	if len(r.Pacing) > 0 {
		p := r.Pacing[0]
		st.AchievedRate = p.AchievedRate
		st.Dropped = p.Dropped
		st.LoadAvg = p.LoadAvg
		if p.SendLate != nil {
			st.SendLateP99Us = p.SendLate.P99
		}
	}
	st.Calls = w.Calls
	st.Lag = w.Lag
	st.LagHDR = w.LagHDR
	st.Busy = w.Busy
	st.TransactionsPSec = w.TransactionsPerSec
	st.CallsPerFlush = w.CallsPerFlush
	if w.QueueMax != nil {
		st.QueueMax = *w.QueueMax
	}
	if w.Calls > 0 {
		rt := float64(w.Transactions + w.Reads)
		st.RoundTripsPerCall = rt / float64(w.Calls)
		for _, k := range w.Kinds {
			if k.Calls > 0 {
				st.MaxRoundTripsPerCall = math.Max(st.MaxRoundTripsPerCall, float64(k.Transactions+k.Reads)/float64(k.Calls))
			}
		}
		if rt > 0 && r.Meta.MeasuredSec > 0 {
			st.ServicePerRoundTripUs = w.Busy * r.Meta.MeasuredSec * float64(max(1, w.Writers)) / rt * 1e6
		}
	}
	boundUs := float64(bound) / float64(time.Microsecond)
	switch n := w.Lag.Count; {
	case n == 0:
		fail("no call completed")
	case !results.Enough(0.99, n):
		fail("too few calls for a p99: %d of the %d needed (lengthen --find-max-step)", n, results.MinSamples(0.99))
	case w.Lag.P99 > boundUs:
		if st.SendLateP99Us > boundUs/2 {
			machine("lag p99 %s over the bound %s (rbench's own send lateness p99 was %s: the machine woke it late)", fmtUs(w.Lag.P99), fmtUs(boundUs), fmtUs(st.SendLateP99Us))
		} else {
			fail("lag p99 %s over the bound %s", fmtUs(w.Lag.P99), fmtUs(boundUs))
		}
	}
	every := time.Duration(w.QueueDepthEveryMS * float64(time.Millisecond))
	depth := w.QueueDepth
	if d := r.Meta.Workload.DurationSec; every > 0 && d > 0 {
		// Only the schedule's window: after it nothing more is due, and
		// the samples of the grace that follows only fall.
		depth = depth[:min(len(depth), int(d/every.Seconds()))]
	}
	st.QueueSamples = len(depth)
	window := r.Meta.MeasuredSec
	if every > 0 && len(depth) >= 3 {
		st.QueueSlope = Slope(depth, every)
		window = math.Min(window, float64(len(depth))*every.Seconds())
		st.QueueGrowth = st.QueueSlope * window
		st.QueueGrowthLimit = math.Max(MinGrowthCalls, GrowthShare*rate*window)
		if st.QueueGrowth > st.QueueGrowthLimit {
			fail("queue grew by %.0f calls over %.1fs (%.0f calls/s; limit %.0f)", st.QueueGrowth, window, st.QueueSlope, st.QueueGrowthLimit)
		}
	} else {
		fail("too few queue samples (%d) to tell whether the queue grew", len(depth))
	}
	buffered := w.Mode == results.WriterBuffered
	if d := r.Meta.Workload.DurationSec; buffered && d > 0 {
		// A buffered run ends with its last interval's calls still queued
		// (dropped, not sent: at most an interval and a flush), which a
		// step of a few seconds would count as a missed rate. Its rate
		// check allows two intervals at the end instead; a writer that
		// cannot keep up shows in its queue and its lag.
		iv := w.BufferIntervalMS / 1e3
		due := rate * math.Max(0, d-2*iv)
		if float64(w.Calls) < results.MinAchievedShare*due {
			hint := ""
			if st.Busy < 0.5 {
				hint = fmt.Sprintf(" (the writer was busy %.0f%%: rbench built the calls too slowly; the writer's own ceiling is higher)", 100*st.Busy)
			}
			fail("rate not reached: %d calls completed of the %.0f due up to two intervals before the end%s", w.Calls, due, hint)
		}
	}
	if r.Validity != nil && !r.Validity.Valid {
		for _, p := range r.Validity.Problems {
			if p.Severity != results.SeverityInvalid {
				continue
			}
			if buffered && (p.Kind == results.ProblemRateNotReached || p.Kind == results.ProblemDropped) {
				continue // judged above
			}
			st.Invalid = append(st.Invalid, p.Kind)
			hint := ""
			if p.Kind == results.ProblemRateNotReached && st.Busy < 0.5 {
				// The writer had time to spare: the calls were not built
				// fast enough (the scenario and its encoding run in the
				// writer's goroutine, as the node's cache calls do).
				hint = fmt.Sprintf(" (the writer was busy %.0f%%: rbench built the calls too slowly; the writer's own ceiling is higher)", 100*st.Busy)
			}
			if slices.Contains([]string{results.ProblemGeneratorCPU, results.ProblemSenderLate}, p.Kind) {
				machine("invalid run: %s", firstSentence(p.Message))
				continue
			}
			fail("invalid run: %s%s", firstSentence(p.Message), hint)
		}
	}
	if len(r.Incomplete) > 0 {
		fail("incomplete: %s", strings.Join(r.Incomplete, "; "))
	}
	return st
}

// GeneratorLimited reports whether a failed step failed because of the
// load generator (its own CPU, send lateness or client-side time), not
// the writer.
func GeneratorLimited(st results.CeilingStep) bool {
	for _, k := range st.Invalid {
		if slices.Contains([]string{results.ProblemGeneratorCPU, results.ProblemGeneratorSlow, results.ProblemSenderLate}, k) {
			return true
		}
	}
	return false
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i]
	}
	return strings.TrimSuffix(s, ".")
}

// Slope is the Theil-Sen estimate of a series' growth per second: the
// median of the slopes between every pair of samples, every apart. More
// than maxSlopeSamples samples are thinned evenly first (the pairs grow
// with the square).
func Slope(samples []int64, every time.Duration) float64 {
	idx := make([]int, len(samples))
	for i := range idx {
		idx[i] = i
	}
	if len(idx) > maxSlopeSamples {
		thin := make([]int, maxSlopeSamples)
		for i := range thin {
			thin[i] = i * (len(samples) - 1) / (maxSlopeSamples - 1)
		}
		idx = thin
	}
	slopes := make([]float64, 0, len(idx)*(len(idx)-1)/2)
	for a := 0; a < len(idx); a++ {
		for b := a + 1; b < len(idx); b++ {
			dt := float64(idx[b]-idx[a]) * every.Seconds()
			slopes = append(slopes, float64(samples[idx[b]]-samples[idx[a]])/dt)
		}
	}
	if len(slopes) == 0 {
		return 0
	}
	slices.Sort(slopes)
	m := len(slopes) / 2
	if len(slopes)%2 == 1 {
		return slopes[m]
	}
	return (slopes[m-1] + slopes[m]) / 2
}

const maxSlopeSamples = 600

// fmtUs formats microseconds readably (us, ms, s).
func fmtUs(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fs", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.2fms", v/1e3)
	default:
		return fmt.Sprintf("%.0fus", v)
	}
}

// fmtRate formats a rate with thousands separators.
func fmtRate(v float64) string {
	n := int64(math.Round(v))
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
