package workloads

import (
	"errors"
	"math"
	"testing"
	"time"
)

func TestPacerDue(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name  string
		p     Pacer
		hits  uint64
		want  time.Duration
		rateT time.Duration
		rate  float64
	}{
		{"constant first op at 0", ConstantPacer{Freq: 1000}, 0, 0, 0, 1000},
		{"constant op 10 at 10ms", ConstantPacer{Freq: 1000}, 10, 10 * ms, time.Hour, 1000},
		{"constant 2.5/s", ConstantPacer{Freq: 2.5}, 5, 2 * time.Second, 0, 2.5},
		{"step first step", StepPacer{Rates: []float64{100, 1000}, Step: time.Second}, 50, 500 * ms, 0, 100},
		{"step second step starts after 100 ops", StepPacer{Rates: []float64{100, 1000}, Step: time.Second}, 100, time.Second, time.Second, 1000},
		{"step second step", StepPacer{Rates: []float64{100, 1000}, Step: time.Second}, 600, 1500 * ms, 1500 * ms, 1000},
		{"step last rate is kept", StepPacer{Rates: []float64{100, 1000}, Step: time.Second}, 2100, 3 * time.Second, time.Minute, 1000},
		{"ramp from zero", LinearPacer{Start: 0, End: 1000, Over: time.Second}, 125, 500 * ms, 500 * ms, 500},
		{"ramp end of ramp", LinearPacer{Start: 0, End: 1000, Over: time.Second}, 500, time.Second, time.Second, 1000},
		{"ramp after ramp", LinearPacer{Start: 0, End: 1000, Over: time.Second}, 1500, 2 * time.Second, 3 * time.Second, 1000},
		{"flat ramp", LinearPacer{Start: 100, End: 100, Over: time.Second}, 50, 500 * ms, 0, 100},
		{"falling ramp", LinearPacer{Start: 1000, End: 0.001, Over: time.Second}, 375, 500 * ms, 500 * ms, 500.0005},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have, stop := tt.p.Pace(0, tt.hits)
			if stop {
				t.Fatal("stop")
			}
			if d := have - tt.want; d < -time.Microsecond || d > time.Microsecond {
				t.Errorf("op %d due at %v, want %v", tt.hits, have, tt.want)
			}
			// Pace from a later elapsed is the remaining wait, or 0 when due.
			if w, _ := tt.p.Pace(tt.want/2, tt.hits); tt.want > 0 && absDur(w-tt.want/2) > time.Microsecond {
				t.Errorf("wait at half time %v, want %v", w, tt.want/2)
			}
			if w, _ := tt.p.Pace(tt.want+time.Second, tt.hits); w != 0 {
				t.Errorf("wait when overdue %v, want 0", w)
			}
			if r := tt.p.Rate(tt.rateT); math.Abs(r-tt.rate) > 1e-6 {
				t.Errorf("Rate(%v) = %v, want %v", tt.rateT, r, tt.rate)
			}
		})
	}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// TestPacerMonotonic: every pacer schedules operations in order.
func TestPacerMonotonic(t *testing.T) {
	for _, p := range []Pacer{
		ConstantPacer{Freq: 7},
		StepPacer{Rates: []float64{10, 3, 50}, Step: 2 * time.Second},
		LinearPacer{Start: 5, End: 100, Over: 3 * time.Second},
		LinearPacer{Start: 100, End: 5, Over: 3 * time.Second},
	} {
		prev := time.Duration(-1)
		for n := uint64(0); n < 1000; n++ {
			d, _ := p.Pace(0, n)
			if d < prev {
				t.Fatalf("%v: op %d due at %v, before op %d at %v", p, n, d, n-1, prev)
			}
			prev = d
		}
	}
}

func TestParsePacer(t *testing.T) {
	tests := []struct {
		rate     float64
		schedule string
		want     Pacer
		wantErr  bool
	}{
		{0, "", nil, false},
		{10000, "", ConstantPacer{Freq: 10000}, false},
		{0, "constant:500", ConstantPacer{Freq: 500}, false},
		{0, "step:1000,5000,10000@10s", StepPacer{Rates: []float64{1000, 5000, 10000}, Step: 10 * time.Second}, false},
		{0, " ramp:1000->20000@30s ", LinearPacer{Start: 1000, End: 20000, Over: 30 * time.Second}, false},
		{0, "ramp:0->100@1m", LinearPacer{Start: 0, End: 100, Over: time.Minute}, false},
		{-1, "", nil, true},
		{math.NaN(), "", nil, true},
		{math.Inf(1), "", nil, true},
		{100, "step:1,2@1s", nil, true},
		{0, "step:1,0@1s", nil, true},
		{0, "step:1,2", nil, true},
		{0, "step:1,2@0s", nil, true},
		{0, "step:1,,2@1s", nil, true},
		{0, "ramp:100@1s", nil, true},
		{0, "ramp:100->0@1s", nil, true},
		{0, "sine:1@1s", nil, true},
		{0, "1000", nil, true},
		{0, "constant:x", nil, true},
	}
	for _, tt := range tests {
		have, err := ParsePacer(tt.rate, tt.schedule)
		if tt.wantErr {
			if err == nil || !errors.Is(err, ErrBadRate) {
				t.Errorf("ParsePacer(%v, %q) = %v, %v; want an ErrBadRate", tt.rate, tt.schedule, have, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePacer(%v, %q): %v", tt.rate, tt.schedule, err)
			continue
		}
		if pacerString(have) != pacerString(tt.want) {
			t.Errorf("ParsePacer(%v, %q) = %s, want %s", tt.rate, tt.schedule, pacerString(have), pacerString(tt.want))
		}
	}
}

func FuzzParsePacer(f *testing.F) {
	for _, s := range []string{"step:1000,5000,10000@10s", "ramp:1000->20000@30s", "constant:5", "step:1@1ns", "ramp:0->1e9@1h"} {
		f.Add(0.0, s)
	}
	f.Add(100.0, "")
	f.Fuzz(func(t *testing.T, rate float64, schedule string) {
		p, err := ParsePacer(rate, schedule)
		if err != nil {
			if !errors.Is(err, ErrBadRate) {
				t.Fatalf("error does not wrap ErrBadRate: %v", err)
			}
			return
		}
		if p == nil {
			return
		}
		// A parsed pacer schedules in order and never stops on its own.
		prev := time.Duration(-1)
		for _, n := range []uint64{0, 1, 2, 1000, 1 << 20, 1 << 40} {
			d, stop := p.Pace(0, n)
			if stop || d < prev {
				t.Fatalf("%s: op %d due at %v (stop %v) after %v", pacerString(p), n, d, stop, prev)
			}
			prev = d
		}
		if r := p.Rate(0); r < 0 || math.IsNaN(r) {
			t.Fatalf("%s: rate %v", pacerString(p), r)
		}
	})
}
