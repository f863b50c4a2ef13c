package gate

import "math"

// DefaultConfidence is the confidence a baseline regression must be
// significant at (rbench gate --confidence).
const DefaultConfidence = 0.95

// normalQuantile is the standard normal distribution's quantile function
// (Acklam's rational approximation refined by one Halley step: about 1e-15
// relative error over (0, 1)).
func normalQuantile(p float64) float64 {
	if p <= 0 {
		return math.Inf(-1)
	}
	if p >= 1 {
		return math.Inf(1)
	}
	a := [...]float64{-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00}
	b := [...]float64{-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01}
	c := [...]float64{-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00}
	d := [...]float64{7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00}
	const low = 0.02425
	var x float64
	switch {
	case p < low:
		q := math.Sqrt(-2 * math.Log(p))
		x = (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q + 1)
	case p <= 1-low:
		q := p - 0.5
		r := q * q
		x = (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r + a[5]) * q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r + 1)
	default:
		q := math.Sqrt(-2 * math.Log(1-p))
		x = -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q + 1)
	}
	e := 0.5*math.Erfc(-x/math.Sqrt2) - p
	u := e * math.Sqrt(2*math.Pi) * math.Exp(x*x/2)
	return x - u/(1+x*u/2)
}

// tQuantile is Student's t distribution's quantile function with df
// degrees of freedom. Below 30 degrees of freedom df is rounded down (a
// wider, conservative interval for Welch's fractional ones) and the exact
// integer-df distribution (Abramowitz and Stegun 26.7.3, 26.7.4) inverted by
// bisection; from 30 the Cornish-Fisher expansion (26.7.5), within 0.01%
// there; the normal's beyond 1e6.
func tQuantile(p, df float64) float64 {
	switch {
	case math.IsNaN(df) || df < 1:
		df = 1
	case df > 1e6:
		return normalQuantile(p)
	}
	if df < 30 {
		nu := math.Floor(df)
		if p == 0.5 {
			return 0
		}
		if p < 0.5 {
			return -tQuantile(1-p, nu)
		}
		lo, hi := 0.0, 1.0
		for tCDF(hi, nu) < p && hi < 1e12 {
			hi *= 2
		}
		for i := 0; i < 200 && hi-lo > 1e-12*hi; i++ {
			mid := (lo + hi) / 2
			if tCDF(mid, nu) < p {
				lo = mid
			} else {
				hi = mid
			}
		}
		return (lo + hi) / 2
	}
	x := normalQuantile(p)
	x2 := x * x
	g1 := (x2 + 1) * x / 4
	g2 := ((5*x2+16)*x2 + 3) * x / 96
	g3 := (((3*x2+19)*x2+17)*x2 - 15) * x / 384
	g4 := ((((79*x2+776)*x2+1482)*x2-1920)*x2 - 945) * x / 92160
	return x + g1/df + g2/(df*df) + g3/(df*df*df) + g4/(df*df*df*df)
}

// tCDF is P(T <= t) for t >= 0 and a whole number of degrees of freedom nu.
func tCDF(t, nu float64) float64 {
	th := math.Atan(t / math.Sqrt(nu))
	c2 := math.Cos(th) * math.Cos(th)
	var a float64 // P(|T| < t)
	n := int(nu)
	if n%2 == 1 {
		sum, term := 0.0, 1.0
		if n > 1 {
			sum = 1
			for k := 3; k <= n-2; k += 2 {
				term *= c2 * float64(k-1) / float64(k)
				sum += term
			}
			a = 2 / math.Pi * (th + math.Sin(th)*math.Cos(th)*sum)
		} else {
			a = 2 * th / math.Pi
		}
	} else {
		sum, term := 1.0, 1.0
		for k := 2; k <= n-2; k += 2 {
			term *= c2 * float64(k-1) / float64(k)
			sum += term
		}
		a = math.Sin(th) * sum
	}
	return (1 + a) / 2
}

// welchDF combines two spreads' degrees of freedom (Welch-Satterthwaite):
// a and b are the variances, da and db their degrees of freedom.
func welchDF(a, b, da, db float64) float64 {
	num := (a + b) * (a + b)
	den := 0.0
	if da > 0 {
		den += a * a / da
	}
	if db > 0 {
		den += b * b / db
	}
	if den == 0 {
		return math.Inf(1)
	}
	return num / den
}

// Interval is a change between a baseline figure and the current one, with
// its confidence interval, as fractions (0.1 is +10%).
type Interval struct {
	// Change is current/base - 1.
	Change float64
	// Low and High bound Change at the confidence asked for.
	Low, High float64
	// HalfWidth is (High-Low)/2, the "+- y%" of the output.
	HalfWidth float64
}

// Significant reports whether the interval excludes no change.
func (iv Interval) Significant() bool { return iv.Low > 0 || iv.High < 0 }

// changeInterval is the confidence interval of cur/base - 1 when each has a
// standard error on the log scale (rb, rc) with degrees of freedom (db, dc):
// the log ratio is about normal with variance rb^2 + rc^2,
// and its quantile is Student's t with Welch's degrees of freedom.
func changeInterval(base, cur, rb, rc float64, db, dc int, confidence float64) Interval {
	d := math.Log(cur / base)
	vb, vc := rb*rb, rc*rc
	se := math.Sqrt(vb + vc)
	t := tQuantile((1+confidence)/2, welchDF(vb, vc, float64(db), float64(dc)))
	lo, hi := math.Expm1(d-t*se), math.Expm1(d+t*se)
	return Interval{Change: math.Expm1(d), Low: lo, High: hi, HalfWidth: (hi - lo) / 2}
}
