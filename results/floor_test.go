package results

import (
	"fmt"
	"math"
	"testing"
)

func TestMinSamples(t *testing.T) {
	tests := []struct {
		q    float64
		want int64
	}{
		{0, 10},
		{-1, 10},
		{0.5, 20},
		{0.9, 100},
		{0.95, 200},
		{0.99, 1000},
		{0.999, 10_000},
		{0.9999, 100_000},
		{0.99999, 1_000_000},
		{0.75, 40},
		{0.995, 2000},
		{0.98, 500},
		{0.97, 334}, // 333.33... rounds up
		{1, math.MaxInt64},
		{1.5, math.MaxInt64},
		{math.NaN(), math.MaxInt64},
	}
	for _, tt := range tests {
		if got := MinSamples(tt.q); got != tt.want {
			t.Errorf("MinSamples(%v) = %d, want %d", tt.q, got, tt.want)
		}
	}
	for _, p := range []struct {
		p    float64
		want int64
	}{{50, 20}, {90, 100}, {99, 1000}, {99.9, 10_000}, {99.99, 100_000}, {100, math.MaxInt64}} {
		if got := MinSamplesPct(p.p); got != p.want {
			t.Errorf("MinSamplesPct(%v) = %d, want %d", p.p, got, p.want)
		}
	}
}

func TestEnough(t *testing.T) {
	tests := []struct {
		q    float64
		n    int64
		want bool
	}{
		{0.99, 999, false},
		{0.99, 1000, true},
		{0.9999, 4, false}, // add_account's 4 samples
		{0.9999, 8, false}, // add_currency's 8
		{0.5, 8, false},    // even the median needs 20
		{0.5, 20, true},
		{0.999, 9_999, false},
		{0.999, 10_000, true},
		{1, math.MaxInt64 - 1, false},
	}
	for _, tt := range tests {
		if got := Enough(tt.q, tt.n); got != tt.want {
			t.Errorf("Enough(%v, %d) = %v, want %v", tt.q, tt.n, got, tt.want)
		}
		if got := EnoughPct(tt.q*100, tt.n); got != tt.want {
			t.Errorf("EnoughPct(%v, %d) = %v, want %v", tt.q*100, tt.n, got, tt.want)
		}
	}
}

func ExampleMinSamples() {
	for _, q := range []float64{0.5, 0.99, 0.999} {
		fmt.Printf("p%g needs %d samples\n", q*100, MinSamples(q))
	}
	fmt.Println(Enough(0.9999, 8))
	// Output:
	// p50 needs 20 samples
	// p99 needs 1000 samples
	// p99.9 needs 10000 samples
	// false
}
