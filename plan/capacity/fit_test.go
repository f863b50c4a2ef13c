package capacity_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rbench/rbench/plan/capacity"
	"github.com/rbench/rbench/results"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func TestBest(t *testing.T) {
	scales := []float64{2_000, 5_000, 10_000, 50_000, 100_000}
	gen := func(f func(x float64) float64, noise float64, seed uint64) []float64 {
		r := rand.New(rand.NewPCG(seed, 1))
		ys := make([]float64, len(scales))
		for i, x := range scales {
			ys[i] = f(x) * (1 + noise*(2*r.Float64()-1))
		}
		return ys
	}
	tests := []struct {
		name      string
		ys        []float64
		model     string
		a, b, tol float64
		minR2     float64
	}{
		{"exact linear with base", gen(func(x float64) float64 { return 1_000_000 + 1_700*x }, 0, 1), results.ModelLinear, 1_000_000, 1_700, 1e-9, 0.999999},
		{"exact proportional", gen(func(x float64) float64 { return 0.0002 * x }, 0, 1), results.ModelLinear, 0, 0.0002, 1e-9, 0.999999},
		{"noisy linear 2%", gen(func(x float64) float64 { return 50_000 + 600*x }, 0.02, 7), results.ModelLinear, 50_000, 600, 0.03, 0.99},
		{"exact power 1.5", gen(func(x float64) float64 { return 3 * math.Pow(x, 1.5) }, 0, 1), results.ModelPower, 3, 1.5, 1e-6, 0.999999},
		{"noisy power 0.5", gen(func(x float64) float64 { return 40 * math.Sqrt(x) }, 0.01, 3), results.ModelPower, 40, 0.5, 0.1, 0.99},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, other, err := capacity.Best(scales, tt.ys)
			if err != nil {
				t.Fatal(err)
			}
			if f.Model != tt.model || other == nil || other.Model == f.Model {
				t.Fatalf("chose %s over %v, want %s", f.Model, other, tt.model)
			}
			// The intercept of a noisy fit is judged against the scale of y.
			if !near(f.B, tt.b, tt.tol) || math.Abs(f.A-tt.a) > tt.tol*math.Max(1, tt.ys[len(tt.ys)-1]) {
				t.Errorf("A %g B %g, want %g %g", f.A, f.B, tt.a, tt.b)
			}
			if f.R2 < tt.minR2 || f.N != len(scales) || f.MaxX != 100_000 || f.MinX != 2_000 {
				t.Errorf("R2 %g N %d range %g..%g", f.R2, f.N, f.MinX, f.MaxX)
			}
			for i, x := range scales {
				if rel := math.Abs(f.Predict(x)-tt.ys[i]) / tt.ys[i]; rel > f.MaxRelResidual+1e-12 {
					t.Errorf("residual %g at %g above MaxRelResidual %g", rel, x, f.MaxRelResidual)
				}
			}
		})
	}
}

func TestBestTwoPointsIsLinear(t *testing.T) {
	// Two points fit any power law exactly; the rule must not prefer it.
	f, _, err := capacity.Best([]float64{1, 4}, []float64{1, 8})
	if err != nil || f.Model != results.ModelLinear || f.R2 != 1 {
		t.Errorf("%+v %v", f, err)
	}
}

func TestBestNonPositiveIsLinear(t *testing.T) {
	f, other, err := capacity.Best([]float64{0, 1, 2}, []float64{5, 7, 9})
	if err != nil || f.Model != results.ModelLinear || other != nil || !near(f.Predict(10), 25, 1e-12) {
		t.Errorf("%+v other %v err %v", f, other, err)
	}
}

func TestFitErrors(t *testing.T) {
	tests := []struct {
		name   string
		xs, ys []float64
		want   error
	}{
		{"lengths", []float64{1, 2}, []float64{1}, capacity.ErrLengths},
		{"one x", []float64{3, 3, 3}, []float64{1, 2, 3}, capacity.ErrTooFewPoints},
		{"empty", nil, nil, capacity.ErrTooFewPoints},
	}
	for _, tt := range tests {
		if _, err := capacity.Linear(tt.xs, tt.ys); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := capacity.Linear([]float64{1, math.NaN()}, []float64{1, 2}); err == nil {
		t.Error("NaN accepted")
	}
	if _, err := capacity.Power([]float64{1, 2}, []float64{1, -2}); !errors.Is(err, capacity.ErrNotPositive) {
		t.Errorf("negative y: %v", err)
	}
}

func TestFitPoints(t *testing.T) {
	var pts []results.PlanPoint
	for _, s := range []int64{1000, 2000, 4000} {
		for _, enc := range []string{"json", "msgpack"} {
			per := map[string]float64{"json": 2000, "msgpack": 1700}[enc]
			pts = append(pts, results.PlanPoint{Scale: s, Encoding: enc, Collection: "orders", Figure: results.FigureMemory, XUnit: "orders", X: float64(s), Y: per * float64(s)})
		}
	}
	pts = append(pts, results.PlanPoint{Scale: 1000, Encoding: "json", Collection: "total", Figure: results.FigureAOFLoad, XUnit: "bytes", X: 5, Y: 1})
	fits, skipped := capacity.FitPoints(pts)
	if len(fits) != 2 || len(skipped) != 1 {
		t.Fatalf("fits %+v skipped %q", fits, skipped)
	}
	if fits[0].Encoding != "json" || !near(fits[0].Fit.B, 2000, 1e-9) || fits[1].Encoding != "msgpack" || !near(fits[1].Fit.B, 1700, 1e-9) {
		t.Errorf("fits %+v", fits)
	}
}

func ExampleFit() {
	// Redis memory measured at three scales: 1 MB base plus 1,700 bytes
	// per order.
	orders := []float64{10_000, 100_000, 1_000_000}
	used := []float64{18_000_000, 171_000_000, 1_701_000_000}
	f, _, err := capacity.Best(orders, used)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %.0f + %.0f bytes/order, R2 %.4f, max residual %.1f%%\n", f.Model, f.A, f.B, f.R2, 100*f.MaxRelResidual)
	fmt.Println("5M orders:", capacity.Bytes(int64(f.Predict(5_000_000))))
	// Output:
	// linear: 1000000 + 1700 bytes/order, R2 1.0000, max residual 0.0%
	// 5M orders: 7.9 GiB
}
