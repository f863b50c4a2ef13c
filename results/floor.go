package results

import "math"

// The sample floor: the one rule for whether a quantile is worth showing or
// judging. A quantile q estimated from n samples rests on the n*(1-q)
// samples above it; with fewer than 10 of them the figure is, in effect, one
// of the few slowest samples, and it moves by whole multiples from run to
// run. So q is shown and judged only when n >= 10/(1-q): p50 needs 20
// samples, p90 100, p99 1,000, p99.9 10,000, p99.99 100,000.
//
// Everything that prints a percentile (the run table, the report) shows it
// as "n/a" below the floor, and everything that decides on one (PASS/FAIL,
// gate thresholds, baseline and compare verdicts) says "too few samples"
// instead of deciding. Min, max and mean are observed, not estimated, and
// have no floor.

// TooFewSamples is how a figure below its sample floor is described where a
// verdict would stand.
const TooFewSamples = "too few samples"

// MinSamples returns the fewest samples that make quantile q (a fraction, 0
// <= q < 1: 0.99 for p99) meaningful: ceil(10/(1-q)). q >= 1 (the maximum
// as a quantile) or NaN never has enough and gives math.MaxInt64; q < 0 is
// treated as 0 (10 samples).
func MinSamples(q float64) int64 {
	if math.IsNaN(q) || q >= 1 {
		return math.MaxInt64
	}
	if q < 0 {
		q = 0
	}
	v := 10 / (1 - q)
	// 1-0.99 is 0.010000000000000009 in binary floating point, so 10/(1-q)
	// lands a hair above 1000: a value within rounding of a whole number is
	// that number, not the next one.
	if r := math.Round(v); math.Abs(v-r) <= 1e-6*v {
		v = r
	}
	v = math.Ceil(v)
	if v >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}

// Enough reports whether n samples reach quantile q's floor (MinSamples).
func Enough(q float64, n int64) bool { return n >= MinSamples(q) }

// MinSamplesPct is MinSamples for a percentile p in 0-100 (99.9 for p99.9),
// the unit gate metrics and hdrhistogram-go's ValueAtQuantile use.
func MinSamplesPct(p float64) int64 { return MinSamples(p / 100) }

// EnoughPct is Enough for a percentile p in 0-100.
func EnoughPct(p float64, n int64) bool { return n >= MinSamplesPct(p) }
