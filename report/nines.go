package report

import (
	"math"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/rbench/rbench/results"
)

// point is one (x, y) chart point.
type point struct{ X, Y float64 }

// ninesStep is the spacing of percentile samples on the nines axis: ten
// samples per nine, as in HdrHistogram's percentile plots.
const ninesStep = 0.1

// ninesX maps a quantile q (0-1) to the nines axis: 0 -> 0, 0.9 -> 1,
// 0.99 -> 2, 0.999 -> 3, so each extra nine gets the same width.
func ninesX(q float64) float64 {
	if q >= 1 {
		return math.Inf(1)
	}
	return -math.Log10(1 - q)
}

// ninesPoints samples h's percentile distribution on the nines axis, from
// the minimum (x = 0) to the maximum, placed at x = log10(count): the
// percentile of the last recorded value. Values are microseconds.
func ninesPoints(h *hdrhistogram.Histogram) []point {
	n := h.TotalCount()
	if n == 0 {
		return nil
	}
	last := math.Log10(float64(n))
	var pts []point
	for k := 0; ; k++ {
		x := float64(k) * ninesStep
		if x >= last-1e-9 {
			break
		}
		q := 1 - math.Pow(10, -x)
		pts = append(pts, point{X: round4(x), Y: float64(h.ValueAtQuantile(q * 100))})
	}
	return append(pts, point{X: round4(last), Y: float64(h.Max())})
}

// summaryPoints places a stored summary on the nines axis, for results whose
// histogram is missing or unreadable.
func summaryPoints(l results.Latency) []point {
	var pts []point
	for _, p := range []struct{ q, v float64 }{
		{0, l.Min}, {0.5, l.P50}, {0.9, l.P90}, {0.99, l.P99}, {0.999, l.P999}, {0.9999, l.P9999},
	} {
		if p.v > 0 {
			pts = append(pts, point{X: round4(ninesX(p.q)), Y: p.v})
		}
	}
	return pts
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// distribution returns the points of one encoded histogram, falling back to
// the summary (and saying so) when the histogram cannot be used.
func distribution(encoded string, summary results.Latency) (pts []point, fromSummary bool) {
	if encoded != "" {
		if h, err := results.DecodeHDR(encoded); err == nil && h.TotalCount() > 0 {
			return ninesPoints(h), false
		}
	}
	return summaryPoints(summary), true
}
