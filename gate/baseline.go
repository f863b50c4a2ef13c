package gate

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/rbench/rbench/results"
)

// baselineStats are the class statistics a baseline comparison checks.
var baselineStats = []string{"p50", "p90", "p99", "p99.9", "p99.99"}

// TestFloorFactor: a baseline check tests a percentile (against the noise
// of both runs) only when it rests
// on TestFloorFactor times its sample floor (results.MinSamples): 100
// samples above it rather than 10. The noise of a percentile with fewer
// comes from a handful of samples, and a bootstrap of so few extreme ones
// understates it (the bootstrap is not consistent for extreme order
// statistics); such a check reads SKIP, as one below the floor does.
const TestFloorFactor = 10

// testFloor is ErrTooFewSamples when a percentile has fewer than
// TestFloorFactor times its floor of samples.
func testFloor(m Metric, n int64) error {
	if m.Percentile == 0 {
		return nil
	}
	need := TestFloorFactor * results.MinSamplesPct(m.Percentile)
	if n >= need {
		return nil
	}
	return fmt.Errorf("%w to test against a baseline: %s rests on %d samples, a baseline check needs %d (%dx results.MinSamples: 100 above it, so its noise is known)",
		ErrTooFewSamples, m.Name, n, need, TestFloorFactor)
}

// BaselineOptions configure CompareBaselineWith.
type BaselineOptions struct {
	// MaxRegression is the band (a fraction: 0.1 is 10%) a regression's
	// whole confidence interval must lie beyond to fail.
	MaxRegression float64
	// Confidence is the confidence of the interval (0.95).
	// default: DefaultConfidence
	Confidence float64
	// AllowPartial lets the checks stand on a partial or invalid run or
	// baseline (Partial), which otherwise fail them all.
	AllowPartial bool
}

// CompareBaseline is CompareBaselineWith at DefaultConfidence.
func CompareBaseline(base, cur *results.Run, maxRegression float64) Report {
	return CompareBaselineWith(base, cur, BaselineOptions{MaxRegression: maxRegression})
}

// noiseOf is a run's noise model: the one its file carries, else one
// computed now with results.NoiseSeed (the same a run writes), so old files
// are judged the same way; nil when the run has nothing to compute it from.
func noiseOf(run *results.Run) (*results.Noise, error) {
	if run.Noise != nil {
		return run.Noise, nil
	}
	return results.EstimateNoise(run, nil, results.NoiseSeed)
}

// CompareBaselineWith checks cur against base as a statistical test: for
// every class the baseline measured (write, read, startup), each
// response-time percentile p50 to p99.99 and the class rate. The change
// cur/base - 1 gets a confidence interval from both runs' noise models
// (results.Noise: the spread of their repeats, or a block bootstrap over
// their seconds), and a check fails only when the regression is
// significant AND its whole interval lies beyond the band: latency up by
// more than o.MaxRegression, the rate down by more. A figure either run has
// no noise for is held to the fixed band, saying so. A percentile below its
// sample floor in either run is skipped ("too few samples"), a class
// missing from cur fails, and a partial or invalid run or baseline fails
// every check unless o.AllowPartial. docs/gates.md gives the method.
func CompareBaselineWith(base, cur *results.Run, o BaselineOptions) Report {
	if o.Confidence <= 0 || o.Confidence >= 1 {
		o.Confidence = DefaultConfidence
	}
	bv, cv := newView(base), newView(cur)
	bn, bErr := noiseOf(base)
	cn, cErr := noiseOf(cur)
	var rep Report
	type pending struct {
		at     int
		m      Metric
		b, c   float64
		nb, nc *results.NoiseFigure
	}
	var todo []pending
	band := fmtPct(o.MaxRegression * 100)
	conf := fmtPct(o.Confidence * 100)
	for _, class := range []string{results.ClassWrite, results.ClassRead, results.ClassStartup} {
		probe := Metric{Scope: "class", Class: class}
		if len(bv.ops(probe)) == 0 {
			continue
		}
		for _, stat := range append(append([]string(nil), baselineStats...), "rate") {
			m, err := ParseMetric(class + "." + stat)
			if err != nil {
				panic(err) // the names above are fixed and valid
			}
			began := time.Now()
			name := m.Name + " vs baseline"
			res := Result{Name: name, Metric: name, Value: math.NaN(), Actual: "-"}
			if m.Kind == Rate {
				res.Threshold = fmt.Sprintf("not below -%s at %s", band, conf)
			} else {
				res.Threshold = fmt.Sprintf("not beyond +%s at %s", band, conf)
			}
			b, err := bv.value(m)
			tested := bn != nil && cn != nil && bErr == nil && cErr == nil
			if err == nil && tested {
				err = testFloor(m, bv.samples(m))
			}
			if errors.Is(err, ErrTooFewSamples) {
				res.Actual, res.Pass, res.Skipped = "n/a", true, true
				res.Detail = "baseline: " + err.Error()
				rep.Results = append(rep.Results, res)
				continue
			}
			if err != nil || b <= 0 {
				// Nothing to compare against (empty histogram, zero rate).
				continue
			}
			c, err := cv.value(m)
			if err == nil && tested {
				err = testFloor(m, cv.samples(m))
			}
			if errors.Is(err, ErrTooFewSamples) {
				res.Actual, res.Pass, res.Skipped, res.Detail = "n/a", true, true, err.Error()
				rep.Results = append(rep.Results, res)
				continue
			}
			if err != nil {
				res.Detail = err.Error()
				rep.Results = append(rep.Results, res)
				continue
			}
			res.Value = c
			res.Samples = cv.samples(m)
			res.Seconds = time.Since(began).Seconds()
			todo = append(todo, pending{len(rep.Results), m, b, c, noiseFigure(bn, bErr, m.Name), noiseFigure(cn, cErr, m.Name)})
			rep.Results = append(rep.Results, res)
		}
	}
	// The confidence is the whole gate's: with k figures tested, each is
	// tested at 1 - (1-confidence)/k (Bonferroni), so that the chance of
	// any false alarm among them stays within 1 - confidence.
	each := o
	if k := len(todo); k > 1 {
		each.Confidence = 1 - (1-o.Confidence)/float64(k)
	}
	for _, p := range todo {
		judgeBaseline(&rep.Results[p.at], p.m, p.b, p.c, each, p.nb, p.nc)
	}
	failPartial(base, "the baseline", &rep, o.AllowPartial)
	failPartial(cur, "the run", &rep, o.AllowPartial)
	return rep
}

func noiseFigure(n *results.Noise, err error, metric string) *results.NoiseFigure {
	if err != nil {
		return nil
	}
	f, ok := n.Figure(metric)
	if !ok {
		return nil
	}
	return &f
}

// judgeBaseline decides one baseline check from the baseline value b, the
// current c and their noise (nil: none).
func judgeBaseline(res *Result, m Metric, b, c float64, o BaselineOptions, nb, nc *results.NoiseFigure) {
	bandPct := fmtPct(o.MaxRegression * 100)
	delta := c/b - 1
	if c <= 0 {
		delta = -1
	}
	if nb == nil || nc == nil || c <= 0 {
		// No spread to test with: the fixed band, as before the noise
		// model, and say why.
		which := "the current run"
		if nb == nil {
			which = "the baseline"
		}
		res.Actual = format(m.Kind, c)
		if m.Kind == Rate {
			res.Pass = delta >= -o.MaxRegression
		} else {
			res.Pass = delta <= o.MaxRegression
		}
		res.Note = fmt.Sprintf("%s from baseline %s; %s has no noise model for %s (no per-second histograms, or too few seconds), so the fixed %s band decides",
			signedPct(100*delta), format(m.Kind, b), which, m.Name, bandPct)
		return
	}
	// With repeats the spread is that of the typical repeat's figure (the
	// geometric mean), so that is what is compared; a run without repeats
	// is its own figure.
	tb, tc, basis := b, c, ""
	if nb.Typical > 0 {
		tb = nb.Typical
	}
	if nc.Typical > 0 {
		tc = nc.Typical
	}
	if nb.Typical > 0 || nc.Typical > 0 {
		basis = fmt.Sprintf("; compared as the typical repeat (geometric mean of the repeats' %s: baseline %s, run %s)", m.Stat, format(m.Kind, tb), format(m.Kind, tc))
	}
	iv := changeInterval(tb, tc, nb.RelSE, nc.RelSE, nb.DF, nc.DF, o.Confidence)
	res.Actual = format(m.Kind, c)
	change := fmt.Sprintf("%s ± %s", signedPct(100*iv.Change), fmtPct1(100*iv.HalfWidth))
	worse := iv.Low > 0 // latency up, significantly
	beyond := iv.Low > o.MaxRegression
	if m.Kind == Rate {
		worse, beyond = iv.High < 0, iv.High < -o.MaxRegression
	}
	better := !worse && iv.Significant()
	ci := fmt.Sprintf("%s to %s at %s", signedPct(100*iv.Low), signedPct(100*iv.High), fmtPct(o.Confidence*100))
	if o.Confidence >= 0.9995 {
		ci = fmt.Sprintf("%s to %s at %.3g%%", signedPct(100*iv.Low), signedPct(100*iv.High), o.Confidence*100)
	}
	res.Pass = !beyond
	switch {
	case beyond:
		res.Note = fmt.Sprintf("regression (%s) beyond the %s band: interval %s, baseline %s", change, bandPct, ci, format(m.Kind, b))
	case worse:
		res.Note = fmt.Sprintf("significant change (%s), not beyond the %s band: interval %s, baseline %s", change, bandPct, ci, format(m.Kind, b))
	case better:
		res.Note = fmt.Sprintf("significant improvement (%s): baseline %s", change, format(m.Kind, b))
	default:
		res.Note = fmt.Sprintf("no significant change (%s): baseline %s", change, format(m.Kind, b))
	}
	res.Note += basis
}

func fmtPct1(p float64) string { return fmt.Sprintf("%.1f%%", p) }
