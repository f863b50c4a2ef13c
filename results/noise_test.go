package results

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// noiseRun is a write-only run of seconds seconds, perSec ops/s, latencies
// lognormal around medianUs times a factor per second (sigma jitter).
func noiseRun(t testing.TB, seed uint64, seconds, perSec int, medianUs, jitter float64) *Run {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 3))
	all := NewHistogram()
	var series []Second
	for s := 0; s < seconds; s++ {
		h := NewHistogram()
		f := math.Exp(rng.NormFloat64() * jitter)
		for i := 0; i < perSec; i++ {
			h.RecordValue(max(1, int64(medianUs*f*math.Exp(rng.NormFloat64()*0.3))))
		}
		all.Merge(h)
		enc, err := EncodeHDR(h)
		if err != nil {
			t.Fatal(err)
		}
		series = append(series, Second{T: s, Count: int64(perSec), HDR: enc})
	}
	op, err := OpFromHistograms("add_order", ClassWrite, "msgpack", all, all, time.Duration(seconds)*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	op.Series = series
	r := NewRun(Meta{RunID: "n"})
	r.Ops = []Op{op}
	return r
}

func TestEstimateNoiseBootstrap(t *testing.T) {
	quiet := noiseRun(t, 1, 20, 2000, 200, 0.02)
	noisy := noiseRun(t, 1, 20, 2000, 200, 0.5)
	nq, err := EstimateNoise(quiet, nil, NoiseSeed)
	if err != nil || nq == nil || nq.Method != NoiseBootstrap || nq.Seed != NoiseSeed || nq.Resamples != NoiseResamples {
		t.Fatalf("noise %+v, %v", nq, err)
	}
	nn, _ := EstimateNoise(noisy, nil, NoiseSeed)
	for _, stat := range []string{"write.p50", "write.p99", "write.rate"} {
		q, ok1 := nq.Figure(stat)
		n, ok2 := nn.Figure(stat)
		if !ok1 || !ok2 {
			t.Fatalf("%s missing: %+v %+v", stat, nq, nn)
		}
		if q.DF != 19 {
			t.Errorf("%s df %d, want 19 (20 seconds)", stat, q.DF)
		}
		if stat != "write.rate" && !(n.RelSE > 3*q.RelSE) {
			t.Errorf("%s: noisy spread %g not well above quiet %g", stat, n.RelSE, q.RelSE)
		}
	}
	if _, ok := nq.Figure("write.p99.99"); ok {
		t.Error("p99.99 on 40,000 samples has a spread: it is below its floor")
	}
	// Seeded: the same file gives the same noise, byte for byte.
	again, _ := EstimateNoise(quiet, nil, NoiseSeed)
	if !reflect.DeepEqual(nq, again) {
		t.Fatal("EstimateNoise is not reproducible")
	}
	// A run too short, or without per-second histograms, has none.
	if n, err := EstimateNoise(noiseRun(t, 1, 3, 2000, 200, 0.1), nil, NoiseSeed); n != nil || err != nil {
		t.Errorf("3 seconds: %+v, %v; want none", n, err)
	}
	bare := noiseRun(t, 1, 20, 2000, 200, 0.1)
	for i := range bare.Ops[0].Series {
		bare.Ops[0].Series[i].HDR = ""
	}
	if n, err := EstimateNoise(bare, nil, NoiseSeed); n != nil || err != nil {
		t.Errorf("no per-second histograms: %+v, %v; want none", n, err)
	}
}

func TestEstimateNoiseRepeats(t *testing.T) {
	var reps []*Run
	for i := 0; i < NoiseMinRepeats; i++ {
		reps = append(reps, noiseRun(t, uint64(i+1), 10, 2000, 200*(1+0.1*float64(i)), 0.05))
	}
	m, err := MergeWith(MergeOptions{As: MergeRepeats}, reps...)
	if err != nil {
		t.Fatal(err)
	}
	n, err := EstimateNoise(m, reps, NoiseSeed)
	if err != nil || n == nil || n.Method != NoiseRepeats {
		t.Fatalf("noise %+v, %v", n, err)
	}
	f, ok := n.Figure("write.p50")
	if !ok || f.DF != NoiseMinRepeats-1 {
		t.Fatalf("p50 %+v", f)
	}
	// Medians 200..280 us: their log spread over sqrt(5) repeats.
	if f.RelSE < 0.03 || f.RelSE > 0.1 {
		t.Errorf("p50 spread %g, want about 0.06", f.RelSE)
	}
	// Typical is the geometric mean of the repeats' own p50s, the quantity
	// the spread is of: (200 x 220 x 240 x 260 x 280)^(1/5) = 238.8 us,
	// give or take each repeat's sampling.
	if f.Typical < 0.97*238.8 || f.Typical > 1.03*238.8 {
		t.Errorf("p50 typical %g, want about 238.8 (the geometric mean of 200..280)", f.Typical)
	}
	// Fewer repeats: the bootstrap over their merged seconds.
	m2, _ := MergeWith(MergeOptions{As: MergeRepeats}, reps[:2]...)
	if n, _ := EstimateNoise(m2, reps[:2], NoiseSeed); n == nil || n.Method != NoiseBootstrap {
		t.Errorf("2 repeats: %+v, want the bootstrap", n)
	}
}

// A file carries its noise and reads it back; an old one without the
// section still loads; a damaged section is refused naming the field.
func TestNoiseSectionOnDisk(t *testing.T) {
	r := noiseRun(t, 1, 10, 2000, 200, 0.1)
	var old bytes.Buffer
	if err := r.Encode(&old); err != nil {
		t.Fatal(err)
	}
	if back, err := Decode(bytes.NewReader(old.Bytes())); err != nil || back.Noise != nil {
		t.Fatalf("old file: %v, noise %v", err, back.Noise)
	}
	n, err := EstimateNoise(r, nil, NoiseSeed)
	if err != nil || n == nil {
		t.Fatal(n, err)
	}
	r.Noise = n
	var b bytes.Buffer
	if err := r.Encode(&b); err != nil {
		t.Fatal(err)
	}
	back, err := Decode(bytes.NewReader(b.Bytes()))
	if err != nil || !reflect.DeepEqual(back.Noise, n) {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, back.Noise, n)
	}
	for _, tt := range []struct {
		mut  func(*Noise)
		want string
	}{
		{func(n *Noise) { n.Method = "guess" }, "noise method"},
		{func(n *Noise) { n.Figures[0].RelSE = math.Inf(1) }, "rel_se"},
		{func(n *Noise) { n.Figures[0].RelSE = -1 }, "rel_se"},
		{func(n *Noise) { n.Figures[0].DF = 0 }, "df"},
		{func(n *Noise) { n.Figures[0].Metric = "" }, "metric"},
		{func(n *Noise) { n.Figures = make([]NoiseFigure, maxNoiseFigures+1) }, "at most 1000"},
		{func(n *Noise) { n.Resamples = -3 }, "resamples"},
	} {
		c := *n
		c.Figures = append([]NoiseFigure(nil), n.Figures...)
		tt.mut(&c)
		bad := *r
		bad.Noise = &c
		err := bad.Validate()
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v", tt.want, err)
		}
	}
}

func BenchmarkEstimateNoise(b *testing.B) {
	r := noiseRun(b, 1, 60, 1000, 200, 0.2)
	for b.Loop() {
		if _, err := EstimateNoise(r, nil, NoiseSeed); err != nil {
			b.Fatal(err)
		}
	}
}
