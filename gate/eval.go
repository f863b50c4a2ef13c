package gate

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/rbench/rbench/results"
)

// ErrNoData means the results do not hold what a metric needs.
var ErrNoData = errors.New("not in the results")

// ErrTooFewSamples means a percentile rests on fewer samples than its floor
// (results.MinSamplesPct): it is not judged.
var ErrTooFewSamples = errors.New(results.TooFewSamples)

// Options configure EvaluateWith.
type Options struct {
	// AllowFewSamples skips, instead of failing, a threshold on a
	// percentile below its sample floor.
	AllowFewSamples bool
	// AllowPartial lets thresholds pass on a partial or invalid run
	// (Partial), which otherwise fails every one; the reasons are still
	// reported.
	AllowPartial bool
}

// Result is the outcome of one check.
type Result struct {
	// Name is the check's stable name, the same from build to build (JUnit
	// test-case names): the expression as written for a threshold
	// ("write.p99<1ms"), "write.p99 vs baseline" for a baseline check.
	Name string
	// Metric is the metric checked, e.g. "write.p99" or, for a baseline
	// comparison, "write.p99 vs baseline".
	Metric string
	// Threshold is the condition, e.g. "< 1ms".
	Threshold string
	// Actual is the measured value formatted with its unit; "-" when missing.
	Actual string
	// Value is the measured value in the metric's unit (microseconds for
	// durations); NaN when missing.
	Value float64
	Pass  bool
	// Samples is the sample count behind a percentile; 0 for other metrics.
	Samples int64
	// Skipped marks a check that was not decided (a percentile below its
	// sample floor with AllowFewSamples, a baseline figure with too few
	// samples); it counts as passed.
	Skipped bool
	// Detail explains a failure that has no value (the metric is missing)
	// or why a run cannot pass (partial, too few samples).
	Detail string
	// Note explains a decided check: a baseline check's change, its
	// confidence interval and verdict ("no significant change (+3.1% ±
	// 8.2%)"). Shown beside the actual value.
	Note string
	// Warning is the threshold's parse warning (a k6 spelling rbench reads
	// differently), repeated in the output.
	Warning string
	// Seconds is how long the check took to evaluate (JUnit's time).
	Seconds float64
}

// Report is the outcome of a gate.
type Report struct {
	Results []Result
	// Incomplete holds the reasons the run (or the baseline) is partial or
	// invalid (Partial); every check on such a run fails unless
	// AllowPartial.
	Incomplete   []string
	AllowPartial bool
	// Run, Baseline and ReportFile name the files judged, for the Markdown
	// summary; Start is when the run was made (JUnit's timestamp). Set by
	// the caller; empty ones are left out.
	Run, Baseline, ReportFile string
	Start                     time.Time
}

// Failed counts the failed checks.
func (r Report) Failed() int {
	n := 0
	for _, x := range r.Results {
		if !x.Pass {
			n++
		}
	}
	return n
}

// Passed reports whether every check passed.
func (r Report) Passed() bool { return r.Failed() == 0 }

// Evaluate is EvaluateWith with the default options.
func Evaluate(run *results.Run, ths []Threshold) Report { return EvaluateWith(run, ths, Options{}) }

// EvaluateWith checks run against each threshold. A metric the run lacks
// fails its threshold with the reason in Detail; a percentile below its
// sample floor fails too ("too few samples"), or is skipped with
// o.AllowFewSamples.
func EvaluateWith(run *results.Run, ths []Threshold, o Options) Report {
	v := newView(run)
	var rep Report
	for _, t := range ths {
		began := time.Now()
		res := Result{Name: t.Expr, Warning: t.Warning, Metric: t.Metric.Name, Threshold: string(t.Op) + " " + format(t.Metric.Kind, t.Value)}
		val, err := v.value(t.Metric)
		switch {
		case errors.Is(err, ErrTooFewSamples):
			res.Actual, res.Value, res.Detail = "n/a", math.NaN(), err.Error()
			res.Pass, res.Skipped = o.AllowFewSamples, o.AllowFewSamples
		case err != nil:
			res.Actual, res.Value, res.Detail = "-", math.NaN(), err.Error()
		default:
			res.Actual, res.Value = format(t.Metric.Kind, val), val
			res.Pass = t.Op.Holds(val, t.Value)
		}
		res.Samples = v.samples(t.Metric)
		res.Seconds = time.Since(began).Seconds()
		rep.Results = append(rep.Results, res)
	}
	failPartial(run, "the run", &rep, o.AllowPartial)
	return rep
}

// Partial lists why run's figures cannot be trusted to pass a threshold:
// the run did not finish (Incomplete: interrupted, a scale, cycle or repeat
// missing), a recovery has no verdict, or the validity checks found the
// run invalid (its load generator was the bottleneck, it missed its target
// rate, a pass stopped early). Empty when the run is whole and valid.
func Partial(run *results.Run) []string {
	var why []string
	for _, w := range run.Incomplete {
		why = append(why, "incomplete: "+w)
	}
	if rec := run.Recovery; rec != nil && !rec.Judged() && len(run.Incomplete) == 0 {
		why = append(why, incompleteRecovery(rec).Error())
	}
	if v := run.Validity; v != nil && !v.Valid {
		for _, p := range v.Problems {
			if p.Severity == results.SeverityInvalid {
				why = append(why, "invalid: "+p.Message)
			}
		}
	}
	return why
}

// failPartial fails every check on a run that is partial or invalid
// (Partial): its figures cover only part of what was asked, or measure
// something else, so no threshold can pass on them (rbench never passes a
// run it could not verify). With allow the checks stand and the reasons are
// only reported. who names the run in the reasons ("the run", "the
// baseline").
func failPartial(run *results.Run, who string, rep *Report, allow bool) {
	why := Partial(run)
	if len(why) == 0 {
		return
	}
	for _, w := range why {
		rep.Incomplete = append(rep.Incomplete, who+" is "+w)
	}
	rep.AllowPartial = allow
	if allow {
		return
	}
	// The reasons are in the summary (and every JUnit failure): a row
	// only says it was not judged.
	msg := who + " is partial or invalid (the summary says why)"
	for i := range rep.Results {
		r := &rep.Results[i]
		r.Pass, r.Skipped = false, false
		if r.Detail == "" {
			r.Detail = msg
		} else {
			r.Detail = msg + "; " + r.Detail
		}
	}
}

// Value returns the value of metric m in run, in the metric's unit
// (microseconds for durations). Errors wrap ErrNoData.
func Value(run *results.Run, m Metric) (float64, error) {
	return newView(run).value(m)
}

// view answers metric queries on one run, merging histograms once.
type view struct {
	run   *results.Run
	hists map[string]*hdrhistogram.Histogram
}

func newView(run *results.Run) *view {
	return &view{run: run, hists: map[string]*hdrhistogram.Histogram{}}
}

func (v *view) ops(m Metric) []results.Op {
	var out []results.Op
	for _, op := range v.run.Ops {
		if m.Encoding != "" && op.Encoding != m.Encoding {
			continue
		}
		switch m.Scope {
		case "op":
			if op.Name != m.Op {
				continue
			}
		case "class":
			if m.Class != "all" && op.Class != m.Class {
				continue
			}
		}
		out = append(out, op)
	}
	return out
}

func describeScope(m Metric) string {
	s := ""
	switch m.Scope {
	case "op":
		s = "no " + m.Op + " ops"
	default:
		if m.Class == "all" {
			s = "no ops"
		} else {
			s = "no " + m.Class + " ops"
		}
	}
	if m.Encoding != "" {
		s += " with encoding " + m.Encoding
	}
	return s
}

func (v *view) value(m Metric) (float64, error) {
	switch m.Scope {
	case "global":
		return v.global(m)
	case "server":
		return serverLatency(v.run, m)
	}
	ops := v.ops(m)
	if len(ops) == 0 {
		return 0, fmt.Errorf("%w: %s (have %s)", ErrNoData, describeScope(m), v.inventory())
	}
	switch m.Stat {
	case "count":
		var n int64
		for _, op := range ops {
			n += op.Count
		}
		return float64(n), nil
	case "errors":
		var n int64
		for _, op := range ops {
			n += op.Errors
		}
		return float64(n), nil
	case "rate":
		return slowestEncodingRate(ops), nil
	case "errors.rate":
		var ok, failed int64
		for _, op := range ops {
			ok += op.Count
			failed += op.Errors
		}
		if ok+failed == 0 {
			return 0, fmt.Errorf("%w: %s: no operations, so no error share", ErrNoData, m.Name)
		}
		return float64(failed) / float64(ok+failed), nil
	}
	h, err := v.histogram(m, ops)
	if err != nil {
		return 0, err
	}
	if h.TotalCount() == 0 {
		return 0, fmt.Errorf("%w: %s recorded no latencies", ErrNoData, m.Name)
	}
	switch m.Stat {
	case "min":
		return float64(h.Min()), nil
	case "mean":
		return h.Mean(), nil
	case "max":
		return float64(h.Max()), nil
	}
	return quantile(h, m, 1)
}

// quantile is h's percentile m.Percentile scaled by scale (1 for
// microseconds, 1e-3 for a nanosecond histogram), or ErrTooFewSamples below
// its floor. p100 is the maximum, observed rather than estimated.
func quantile(h *hdrhistogram.Histogram, m Metric, scale float64) (float64, error) {
	n := h.TotalCount()
	if m.Percentile < 100 && !results.EnoughPct(m.Percentile, n) {
		return 0, fmt.Errorf("%w: %s rests on %d samples, it needs %d (results.MinSamples: 10/(1-q))",
			ErrTooFewSamples, m.Name, n, results.MinSamplesPct(m.Percentile))
	}
	return float64(h.ValueAtQuantile(m.Percentile)) * scale, nil
}

// samples is the sample count behind a percentile metric (0 for others):
// the ops' counts, or the send-lateness histograms'.
func (v *view) samples(m Metric) int64 {
	if m.Percentile == 0 {
		return 0
	}
	var n int64
	switch {
	case m.Scope == "server":
		if v.run.Server != nil {
			for _, l := range v.run.Server.Latency {
				if l.Command == m.Op {
					n = l.Count
				}
			}
		}
		return n
	case strings.HasPrefix(m.Stat, "writer.lag."):
		for _, w := range v.run.Writer {
			n += w.Lag.Count
		}
		return n
	}
	if m.Scope == "global" {
		for _, p := range v.run.Pacing {
			if p.SendLate != nil {
				n += p.SendLate.Count
			}
		}
		return n
	}
	for _, op := range v.ops(m) {
		n += op.Count
	}
	return n
}

// slowestEncodingRate sums rates per encoding and returns the lowest sum:
// encodings are measured one after another, so their rates do not add up.
func slowestEncodingRate(ops []results.Op) float64 {
	per := map[string]float64{}
	for _, op := range ops {
		per[op.Encoding] += op.Rate
	}
	low := math.Inf(1)
	for _, r := range per {
		low = math.Min(low, r)
	}
	return low
}

func (v *view) histogram(m Metric, ops []results.Op) (*hdrhistogram.Histogram, error) {
	key := fmt.Sprintf("%s|%s|%s|%s|%v", m.Scope, m.Class, m.Op, m.Encoding, m.Service)
	if h, ok := v.hists[key]; ok {
		return h, nil
	}
	var enc []string
	for _, op := range ops {
		s := op.ResponseHDR
		if m.Service {
			s = op.ServiceHDR
		}
		if s == "" && op.Count > 0 {
			return nil, fmt.Errorf("%w: op %s (%s) has no histogram to compute %s from", ErrNoData, op.Name, op.Encoding, m.Name)
		}
		enc = append(enc, s)
	}
	h, err := results.MergeHDRs(enc...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.Name, err)
	}
	v.hists[key] = h
	return h, nil
}

// inventory lists the classes and ops a run holds, for "not found" messages.
func (v *view) inventory() string {
	seen := map[string]bool{}
	var names []string
	for _, op := range v.run.Ops {
		n := op.Class + ":" + op.Name + "@" + op.Encoding
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "no ops at all"
	}
	sort.Strings(names)
	if len(names) > 12 {
		names = append(names[:12], "...")
	}
	return strings.Join(names, ", ")
}

func (v *view) global(m Metric) (float64, error) {
	r := v.run
	if strings.HasPrefix(m.Stat, "late.p") {
		return v.sendLate(m)
	}
	switch m.Stat {
	case "errors":
		return float64(totalErrors(r)), nil
	case "errors.timeout":
		return float64(r.Errors.Timeout), nil
	case "errors.connection":
		return float64(r.Errors.Connection), nil
	case "errors.server":
		return float64(r.Errors.Server), nil
	case "errors.decode":
		return float64(r.Errors.Decode), nil
	case "errors.other":
		return float64(r.Errors.Other), nil
	case "errors.pct", "errors.rate":
		var ok int64
		for _, op := range r.Ops {
			ok += op.Count
		}
		e := totalErrors(r)
		if ok+e == 0 {
			return 0, fmt.Errorf("%w: no operations, so no error share", ErrNoData)
		}
		if m.Stat == "errors.rate" {
			return float64(e) / float64(ok+e), nil
		}
		return 100 * float64(e) / float64(ok+e), nil
	case "rate":
		if len(r.Ops) == 0 {
			return 0, fmt.Errorf("%w: no ops", ErrNoData)
		}
		return slowestEncodingRate(r.Ops), nil
	case "late", "late.max":
		if len(r.Pacing) == 0 {
			return 0, fmt.Errorf("%w: no pacing section (a closed-loop run or an old file)", ErrNoData)
		}
		var n int64
		var worst float64
		for _, p := range r.Pacing {
			n += p.Late
			worst = math.Max(worst, p.MaxLateUs)
		}
		if m.Stat == "late" {
			return float64(n), nil
		}
		return worst, nil
	case "startup.total":
		if len(r.Startup) == 0 {
			return 0, fmt.Errorf("%w: no startup-load replay (run the startup-load workload)", ErrNoData)
		}
		var worst float64
		for _, s := range r.Startup {
			worst = math.Max(worst, s.TotalSec)
		}
		return worst * 1e6, nil
	case "writer.queue.max", "writer.busy":
		return writerMetric(r, m)
	case "recovery.lost", "recovery.ready", "recovery.corrupt", "recovery.load":
		if r.Recovery == nil {
			return 0, fmt.Errorf("%w: no recovery section (made by rbench recover)", ErrNoData)
		}
		if !r.Recovery.Judged() {
			// An interrupted recover, a server that did not come back or
			// was never restarted: its figures (lost 0, a quick ready)
			// prove nothing, so no threshold on them may pass.
			return 0, incompleteRecovery(r.Recovery)
		}
		switch m.Stat {
		case "recovery.lost":
			return float64(r.Recovery.Lost), nil
		case "recovery.corrupt":
			return float64(r.Recovery.Corrupt + r.Recovery.WrongType), nil
		}
		if len(r.Recovery.Cycles) == 0 {
			return 0, fmt.Errorf("%w: the recovery section has no cycles", ErrNoData)
		}
		var worst float64
		known := false
		for _, c := range r.Recovery.Cycles {
			if m.Stat == "recovery.load" {
				if c.LoadSec >= 0 {
					worst, known = math.Max(worst, c.LoadSec), true
				}
				continue
			}
			worst, known = math.Max(worst, c.TradingReadySec), true
		}
		if !known {
			return 0, fmt.Errorf("%w: no cycle knows the server's own load time (its log was not readable)", ErrNoData)
		}
		return worst * 1e6, nil
	}
	if strings.HasPrefix(m.Stat, "writer.lag.") {
		return writerMetric(r, m)
	}
	return 0, fmt.Errorf("%w: unknown metric %s", ErrNoData, m.Name)
}

// sendLate is a percentile of the load generator's own send lateness, from
// the pacing sections' histograms (nanoseconds) merged.
func (v *view) sendLate(m Metric) (float64, error) {
	h := results.NewSendLateHistogram()
	found := false
	for _, p := range v.run.Pacing {
		if p.SendLateHDR == "" {
			continue
		}
		found = true
		d, err := results.DecodeHDR(p.SendLateHDR)
		if err != nil {
			return 0, fmt.Errorf("%s: pacing %s: %w", m.Name, p.Encoding, err)
		}
		h.Merge(d)
	}
	if !found {
		return 0, fmt.Errorf("%w: no send-lateness histogram (a closed-loop run, or a file older than it)", ErrNoData)
	}
	return quantile(h, m, 1e-3)
}

// ErrIncomplete means the results come from a run that did not finish what
// it set out to check.
var ErrIncomplete = errors.New("incomplete results")

func incompleteRecovery(rec *results.Recovery) error {
	why := "it has no verdict (never judged)"
	if rec.Verdict != "" {
		why = "its verdict is " + rec.Verdict
	}
	if len(rec.Reasons) > 0 {
		why += ": " + strings.Join(rec.Reasons, "; ")
	}
	return fmt.Errorf("%w: the recovery is not complete, %s", ErrIncomplete, why)
}

// totalErrors is the larger of the per-class error counts and the per-op
// ones: both count the same failures, and either may be unfilled.
func totalErrors(r *results.Run) int64 {
	var ops int64
	for _, op := range r.Ops {
		ops += op.Errors
	}
	return max(r.Errors.Total(), ops)
}

// writerMetric is a figure of the node's writer over every encoding pass:
// the lag p99 of all write calls merged, the deepest queue, the busiest
// pass.
func writerMetric(r *results.Run, m Metric) (float64, error) {
	if len(r.Writer) == 0 {
		return 0, fmt.Errorf("%w: no writer section (made by the write workloads populate, order-flow and mixed)", ErrNoData)
	}
	stat := m.Stat
	if strings.HasPrefix(stat, "writer.lag.") {
		var enc []string
		for _, w := range r.Writer {
			if w.LagHDR != "" {
				enc = append(enc, w.LagHDR)
			}
		}
		if len(enc) == 0 {
			return 0, fmt.Errorf("%w: the writer recorded no lag", ErrNoData)
		}
		h, err := results.MergeHDRs(enc...)
		if err != nil {
			return 0, fmt.Errorf("writer.lag.p99: %w", err)
		}
		if h.TotalCount() == 0 {
			return 0, fmt.Errorf("%w: the writer recorded no lag", ErrNoData)
		}
		switch stat {
		case "writer.lag.min":
			return float64(h.Min()), nil
		case "writer.lag.mean":
			return h.Mean(), nil
		case "writer.lag.max":
			return float64(h.Max()), nil
		}
		// A percentile like any other: not judged below its sample floor.
		return quantile(h, m, 1)
	}
	switch stat {
	case "writer.queue.max":
		worst, seen := int64(0), false
		for _, w := range r.Writer {
			if w.QueueMax != nil {
				worst, seen = max(worst, *w.QueueMax), true
			}
		}
		if !seen {
			return 0, fmt.Errorf("%w: no queue depth: a closed-loop run has no schedule, so nothing waits for the writer (run with --rate)", ErrNoData)
		}
		return float64(worst), nil
	}
	var busy float64
	for _, w := range r.Writer {
		busy = math.Max(busy, w.Busy)
	}
	return 100 * busy, nil
}

// serverLatency is a percentile, the maximum or the count of Redis's own
// latency of one command over the run (LATENCY HISTOGRAM, differenced):
// bucket upper bounds, so a figure may overstate by up to 2x. A percentile
// has the sample floor of any other.
func serverLatency(r *results.Run, m Metric) (float64, error) {
	if r.Server == nil || len(r.Server.Latency) == 0 {
		return 0, fmt.Errorf("%w: no server latency (LATENCY HISTOGRAM needs Redis 7, and the server view must have run)", ErrNoData)
	}
	var cmd *results.ServerLatency
	var have []string
	for i := range r.Server.Latency {
		l := &r.Server.Latency[i]
		have = append(have, l.Command)
		if l.Command == m.Op {
			cmd = l
		}
	}
	if cmd == nil {
		sort.Strings(have)
		if len(have) > 12 {
			have = append(have[:12], "...")
		}
		return 0, fmt.Errorf("%w: the server ran no %s (have %s)", ErrNoData, m.Op, strings.Join(have, ", "))
	}
	switch m.Stat {
	case "count":
		return float64(cmd.Count), nil
	case "max":
		return cmd.MaxUs, nil
	}
	if cmd.Count == 0 || len(cmd.Buckets) == 0 {
		return 0, fmt.Errorf("%w: %s recorded no latencies", ErrNoData, m.Name)
	}
	if m.Percentile < 100 && !results.EnoughPct(m.Percentile, cmd.Count) {
		return 0, fmt.Errorf("%w: %s rests on %d samples, it needs %d (results.MinSamples: 10/(1-q))",
			ErrTooFewSamples, m.Name, cmd.Count, results.MinSamplesPct(m.Percentile))
	}
	want := int64(math.Ceil(m.Percentile / 100 * float64(cmd.Count)))
	var cum int64
	for _, b := range cmd.Buckets {
		cum += b.Count
		if cum >= want {
			return float64(b.LeUs), nil
		}
	}
	return cmd.MaxUs, nil
}
