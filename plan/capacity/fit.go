// Package capacity fits models to what `rbench plan` measures at a few
// dataset sizes and projects them to the history a trading node will hold:
// memory (with headroom for a fork's copy-on-write), AOF size on disk,
// restart-to-trading-ready time, and the largest history that fits a
// maxmemory. It also names, in words, the settings and sizes that put a live
// node at risk.
//
// The package is pure arithmetic: measuring is the plan command's job.
package capacity

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/rbench/rbench/results"
)

// Fit is a fitted model y = f(x); see results.Fit. Its Predict evaluates it.
type Fit = results.Fit

// Errors of the fitting functions.
var (
	ErrTooFewPoints = errors.New("too few points to fit: need at least two distinct x")
	ErrNotPositive  = errors.New("a power law needs every x and y above zero")
	ErrLengths      = errors.New("x and y have different lengths")
)

// Model choice: a power law replaces the linear fit only when all hold:
//   - at least PowerMinPoints points (two points fit both models exactly);
//   - its unexplained variance (1 - R²) is at most PowerVarianceRatio of the
//     linear fit's;
//   - its largest relative residual is smaller than the linear fit's;
//   - its exponent differs from 1 by at least PowerMinExponentGap (an
//     exponent near 1 is a straight line, and the linear model's intercept
//     captures fixed costs the power law cannot).
//
// Linear is the default because Redis's memory, AOF size and load time grow
// with the number of keys and elements at a constant cost per key, plus a
// fixed base; a power law is kept for what genuinely is not (a hash table's
// rehash steps, a load time dominated by something else).
const (
	PowerMinPoints      = 3
	PowerVarianceRatio  = 0.5
	PowerMinExponentGap = 0.05
)

// Linear fits y = A + B x by ordinary least squares.
func Linear(xs, ys []float64) (Fit, error) {
	if err := check(xs, ys); err != nil {
		return Fit{}, err
	}
	n := float64(len(xs))
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= n
	my /= n
	var sxx, sxy float64
	for i := range xs {
		dx := xs[i] - mx
		sxx += dx * dx
		sxy += dx * (ys[i] - my)
	}
	b := sxy / sxx
	f := Fit{Model: results.ModelLinear, A: my - b*mx, B: b}
	return quality(f, xs, ys), nil
}

// Power fits y = A x^B by least squares on log y against log x. Its R² is
// computed on linear axes, so it compares with Linear's.
func Power(xs, ys []float64) (Fit, error) {
	if err := check(xs, ys); err != nil {
		return Fit{}, err
	}
	lx := make([]float64, len(xs))
	ly := make([]float64, len(ys))
	for i := range xs {
		if xs[i] <= 0 || ys[i] <= 0 {
			return Fit{}, fmt.Errorf("point %d (x %g, y %g): %w", i, xs[i], ys[i], ErrNotPositive)
		}
		lx[i] = math.Log(xs[i])
		ly[i] = math.Log(ys[i])
	}
	l, err := Linear(lx, ly)
	if err != nil {
		return Fit{}, err
	}
	f := Fit{Model: results.ModelPower, A: math.Exp(l.A), B: l.B}
	return quality(f, xs, ys), nil
}

// Best fits both models and returns the one chosen by the rule above, and
// the other one (nil when the power law could not be fitted).
func Best(xs, ys []float64) (chosen Fit, other *Fit, err error) {
	lin, err := Linear(xs, ys)
	if err != nil {
		return Fit{}, nil, err
	}
	pow, err := Power(xs, ys)
	if err != nil {
		return lin, nil, nil
	}
	if powerWins(lin, pow) {
		return pow, &lin, nil
	}
	return lin, &pow, nil
}

func powerWins(lin, pow Fit) bool {
	return pow.N >= PowerMinPoints &&
		1-pow.R2 <= PowerVarianceRatio*(1-lin.R2) &&
		pow.MaxRelResidual < lin.MaxRelResidual &&
		math.Abs(pow.B-1) >= PowerMinExponentGap
}

func check(xs, ys []float64) error {
	if len(xs) != len(ys) {
		return fmt.Errorf("%w: %d x, %d y", ErrLengths, len(xs), len(ys))
	}
	for i := range xs {
		if math.IsNaN(xs[i]) || math.IsInf(xs[i], 0) || math.IsNaN(ys[i]) || math.IsInf(ys[i], 0) {
			return fmt.Errorf("point %d (x %g, y %g) is not a finite number", i, xs[i], ys[i])
		}
	}
	d := slices.Clone(xs)
	slices.Sort(d)
	if len(slices.Compact(d)) < 2 {
		return ErrTooFewPoints
	}
	return nil
}

// quality fills R2, MaxRelResidual, N, MinX and MaxX of f against the points.
func quality(f Fit, xs, ys []float64) Fit {
	f.N = len(xs)
	f.MinX, f.MaxX = slices.Min(xs), slices.Max(xs)
	var my float64
	for _, y := range ys {
		my += y
	}
	my /= float64(len(ys))
	var ssRes, ssTot float64
	for i := range xs {
		r := ys[i] - f.Predict(xs[i])
		ssRes += r * r
		ssTot += (ys[i] - my) * (ys[i] - my)
		rel := math.Abs(r)
		if ys[i] != 0 {
			rel /= math.Abs(ys[i])
		}
		f.MaxRelResidual = max(f.MaxRelResidual, rel)
	}
	switch {
	case ssTot > 0:
		f.R2 = 1 - ssRes/ssTot
	case ssRes <= 1e-18*float64(len(xs)):
		f.R2 = 1 // every y equal and predicted
	}
	return f
}

// FitPoints fits one model per encoding, collection, figure and style of the
// points (x and y as measured), in the order the groups first appear.
// Groups with fewer than two distinct x are left out and named in skipped.
func FitPoints(points []results.PlanPoint) (fits []results.PlanFit, skipped []string) {
	type key struct{ enc, coll, fig, style, unit string }
	var order []key
	groups := map[key][]results.PlanPoint{}
	for _, p := range points {
		k := key{p.Encoding, p.Collection, p.Figure, p.Style, p.XUnit}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], p)
	}
	for _, k := range order {
		var xs, ys []float64
		for _, p := range groups[k] {
			xs = append(xs, p.X)
			ys = append(ys, p.Y)
		}
		f, other, err := Best(xs, ys)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s %s %s %s: %v", k.enc, k.coll, k.fig, k.style, err))
			continue
		}
		fits = append(fits, results.PlanFit{
			Encoding: k.enc, Collection: k.coll, Figure: k.fig, Style: k.style, XUnit: k.unit,
			Fit: f, Other: other,
		})
	}
	return fits, skipped
}
