package results

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// The noise model: how far each figure a baseline check compares (a
// class's response-time percentiles and its rate) would move if the same
// run were made again. A regression gate needs it: a fixed band applied to
// a p99 that moves 40% between identical runs on a shared machine turns
// every other build red. The figures come from the run's repeats when it has
// at least NoiseMinRepeats of them (their spread), else from a block
// bootstrap over its per-second histograms: seconds are resampled in
// circular blocks (so a stall that spans seconds stays whole) and the figure
// recomputed from the merged histograms of each resample. The bootstrap is
// seeded, so a file's noise is the same every time it is computed.
// docs/gates.md gives the method and its assumptions.

// Noise methods.
const (
	NoiseRepeats   = "repeats"
	NoiseBootstrap = "block_bootstrap"
)

// Noise model defaults and bounds.
const (
	// NoiseSeed seeds the bootstrap; a file records the seed it used.
	NoiseSeed = 1
	// NoiseResamples is how many bootstrap resamples estimate a figure's
	// spread: 200 puts the standard error's own error near 5%.
	NoiseResamples = 200
	// NoiseMinRepeats: fewer repeats than this give a spread too rough to
	// use (a 95% t interval is 12.7 standard errors wide either way with 2
	// repeats, 3.2 with 4); the bootstrap over the merged seconds, which
	// span every repeat's period (so the repeats' differences enter it), is
	// used instead.
	NoiseMinRepeats = 5
	// NoiseMinSeconds: a bootstrap over fewer whole seconds has no spread
	// worth the name; such a figure gets no noise (the gate says so).
	NoiseMinSeconds = 5
	// maxNoiseFigures bounds the section on read, as every other section.
	maxNoiseFigures   = 1000
	maxNoiseUnits     = 300
	maxNoiseResamples = 100_000
	maxNoiseRelSE     = 100
)

// NoiseStats are the class statistics the noise model covers: the ones a
// baseline check compares.
var NoiseStats = []string{"p50", "p90", "p99", "p99.9", "p99.99", "rate"}

// Noise is the spread of the figures a baseline check compares.
type Noise struct {
	// Method is NoiseRepeats or NoiseBootstrap.
	Method string `json:"method"`
	// Seed and Resamples are the bootstrap's; BlockSec its block length.
	Seed      int64         `json:"seed,omitempty"`
	Resamples int           `json:"resamples,omitempty"`
	BlockSec  int           `json:"block_sec,omitempty"`
	Figures   []NoiseFigure `json:"figures"`
}

// NoiseFigure is one figure's spread.
type NoiseFigure struct {
	// Metric is the gate's name of the figure: write.p99, read.rate.
	Metric string `json:"metric"`
	// Value is the figure (microseconds, or ops/s for a rate) the spread
	// was computed around.
	Value float64 `json:"value"`
	// RelSE is the figure's standard error on a log scale: the standard
	// deviation of ln(figure) from one run (or resample) to the next, about
	// its relative standard error when small (0.05: about 5%). On a log
	// scale a figure that jumps between two modes (a p90 at the edge of a
	// bimodal distribution) gets a wide but finite spread, and a change is
	// a ratio, which is how a gate reads latency.
	RelSE float64 `json:"rel_se"`
	// DF is the degrees of freedom of the spread: repeats - 1, or the
	// bootstrapped seconds - 1; a test uses the t distribution with them.
	DF int `json:"df"`
	// Typical is, for NoiseRepeats, the geometric mean of the repeats'
	// figures: the typical repeat's figure, the quantity RelSE is the
	// standard error of (the mean of ln(figure)). A baseline check of two
	// runs with repeats compares these, not the merged figures: a merged
	// p99 follows its worst repeat (one repeat hit by a machine stall
	// holds most of the samples above it), so its run-to-run spread is
	// far wider than the repeats' mean and no longer the one RelSE gives.
	// Zero for a bootstrap (the run's own figure is the estimate).
	Typical float64 `json:"typical,omitempty"`
}

// Figure returns the spread of metric, or false.
func (n *Noise) Figure(metric string) (NoiseFigure, bool) {
	if n == nil {
		return NoiseFigure{}, false
	}
	for _, f := range n.Figures {
		if f.Metric == metric {
			return f, true
		}
	}
	return NoiseFigure{}, false
}

func validateNoise(p *problems, n *Noise) {
	if n.Method != NoiseRepeats && n.Method != NoiseBootstrap {
		p.add("noise", "method", fmt.Sprintf("%q", n.Method), fmt.Sprintf("%q or %q", NoiseRepeats, NoiseBootstrap))
	}
	if n.Resamples < 0 || n.Resamples > maxNoiseResamples {
		p.add("noise", "resamples", n.Resamples, fmt.Sprintf("0 to %d", maxNoiseResamples))
	}
	if n.BlockSec < 0 || n.BlockSec > 1_000_000 {
		p.add("noise", "block_sec", n.BlockSec, "0 to 1000000 seconds")
	}
	if len(n.Figures) > maxNoiseFigures {
		p.add("noise", "figures", fmt.Sprintf("%d entries", len(n.Figures)), fmt.Sprintf("at most %d", maxNoiseFigures))
		return
	}
	for i, f := range n.Figures {
		where := fmt.Sprintf("noise.figures[%d]", i)
		if f.Metric == "" || len(f.Metric) > 200 {
			p.add(where, "metric", fmt.Sprintf("%q", f.Metric), "a metric name of 1 to 200 bytes")
		}
		p.nonNeg(where, "value", f.Value, maxLatencyUs)
		p.nonNeg(where, "rel_se", f.RelSE, maxNoiseRelSE)
		p.nonNeg(where, "typical", f.Typical, maxLatencyUs)
		if f.DF < 1 || f.DF > 10_000_000 {
			p.add(where, "df", f.DF, "degrees of freedom from 1 to 10000000")
		}
	}
}

// classStat computes one noise statistic of a class from a merged histogram
// (percentiles) or not at all (rate, which EstimateNoise computes itself).
func quantileOf(h *hdrhistogram.Histogram, stat string) (float64, bool) {
	var p float64
	if _, err := fmt.Sscanf(stat, "p%g", &p); err != nil {
		return 0, false
	}
	if !EnoughPct(p, h.TotalCount()) {
		return 0, false
	}
	return float64(h.ValueAtQuantile(p)), true
}

// classRate is the rate a gate reads for a class: the sum of its ops' rates
// per encoding, the slowest encoding's (encodings run one after another).
func classRate(ops []Op) float64 {
	per := map[string]float64{}
	for _, op := range ops {
		per[op.Encoding] += op.Rate
	}
	low := math.Inf(1)
	for _, r := range per {
		low = math.Min(low, r)
	}
	if math.IsInf(low, 1) {
		return 0
	}
	return low
}

func classOps(run *Run, class string) []Op {
	var out []Op
	for _, op := range run.Ops {
		if op.Class == class {
			out = append(out, op)
		}
	}
	return out
}

// noiseClasses are the classes a baseline check compares.
var noiseClasses = []string{ClassWrite, ClassRead, ClassStartup}

// EstimateNoise computes the noise model of run: from runs (its repeats,
// each a whole run) when there are at least NoiseMinRepeats of them, else a
// block bootstrap over run's per-second histograms with seed. It returns nil
// when neither has anything to go on (no series, too few seconds).
func EstimateNoise(run *Run, repeats []*Run, seed int64) (*Noise, error) {
	if len(repeats) < NoiseMinRepeats {
		return bootstrapNoise(run, seed)
	}
	n, err := noiseFromRepeats(run, repeats)
	if err != nil || n != nil {
		return n, err
	}
	// No figure had a spread over every repeat (each below its floor):
	// the merged seconds may still hold one.
	return bootstrapNoise(run, seed)
}

func noiseFromRepeats(run *Run, repeats []*Run) (*Noise, error) {
	n := &Noise{Method: NoiseRepeats}
	for _, class := range noiseClasses {
		if len(classOps(run, class)) == 0 {
			continue
		}
		per := map[string][]float64{}
		for _, r := range repeats {
			ops := classOps(r, class)
			if len(ops) == 0 {
				continue
			}
			per["rate"] = append(per["rate"], classRate(ops))
			var enc []string
			for _, op := range ops {
				enc = append(enc, op.ResponseHDR)
			}
			h, err := MergeHDRs(enc...)
			if err != nil {
				return nil, fmt.Errorf("noise: %s: %w", class, err)
			}
			for _, stat := range NoiseStats[:len(NoiseStats)-1] {
				if v, ok := quantileOf(h, stat); ok {
					per[stat] = append(per[stat], v)
				}
			}
		}
		for _, stat := range NoiseStats {
			vs := per[stat]
			if len(vs) < NoiseMinRepeats || len(vs) < len(repeats) {
				continue // a repeat below the floor: no spread for this figure
			}
			mean, _ := meanSD(vs)
			sd, ok := logSD(vs)
			if mean <= 0 || !ok {
				continue
			}
			// The mean of ln(figure) over N repeats has a standard error
			// of their spread over sqrt(N); its exp is Typical.
			n.Figures = append(n.Figures, NoiseFigure{Metric: class + "." + stat, Value: mean,
				RelSE: math.Min(sd/math.Sqrt(float64(len(vs))), maxNoiseRelSE), DF: len(vs) - 1, Typical: GeoMean(vs)})
		}
	}
	if len(n.Figures) == 0 {
		return nil, nil
	}
	return n, nil
}

func meanSD(vs []float64) (mean, sd float64) {
	for _, v := range vs {
		mean += v
	}
	mean /= float64(len(vs))
	for _, v := range vs {
		sd += (v - mean) * (v - mean)
	}
	if len(vs) > 1 {
		sd = math.Sqrt(sd / float64(len(vs)-1))
	}
	return mean, sd
}

// GeoMean is the geometric mean of positive vs: the typical repeat's
// figure (NoiseFigure.Typical).
func GeoMean(vs []float64) float64 {
	var sum float64
	for _, v := range vs {
		sum += math.Log(v)
	}
	return math.Exp(sum / float64(len(vs)))
}

// logSD is the standard deviation of ln(v) over vs; false when a value is
// not positive.
func logSD(vs []float64) (float64, bool) {
	ls := make([]float64, len(vs))
	for i, v := range vs {
		if !(v > 0) {
			return 0, false
		}
		ls[i] = math.Log(v)
	}
	_, sd := meanSD(ls)
	return sd, true
}

// unit is one second (or, in a long run, a group of seconds) of one
// encoding pass of one class: its merged response-time histogram, and the
// count over its full seconds (a partial second's count is not a rate).
type unit struct {
	h     *hdrhistogram.Histogram
	count int64
	full  map[int]bool
}

// classUnits gathers a class's per-second histograms per encoding, in time
// order: the strata of the bootstrap (each encoding pass keeps its seconds).
// Seconds are grouped by group so that a long run holds at most about
// maxNoiseUnits histograms per pass (each is about 180 KB).
func classUnits(ops []Op) (map[string][]unit, int, error) {
	last := 0
	for _, op := range ops {
		for _, s := range op.Series {
			last = max(last, s.T)
		}
	}
	group := last/maxNoiseUnits + 1
	type key struct {
		enc string
		t   int
	}
	byKey := map[key]*unit{}
	partial := map[key]bool{}
	for _, op := range ops {
		for _, s := range op.Series {
			if s.HDR == "" {
				if s.Count > 0 {
					return nil, group, nil // a file without per-second histograms
				}
				continue
			}
			if s.T < 0 {
				continue
			}
			k := key{op.Encoding, s.T / group}
			u := byKey[k]
			if u == nil {
				u = &unit{h: NewHistogram(), full: map[int]bool{}}
				byKey[k] = u
			}
			if err := mergeHDR(u.h, s.HDR); err != nil {
				return nil, group, fmt.Errorf("op %s (%s) second %d: %w", op.Name, op.Encoding, s.T, err)
			}
			if s.Partial {
				partial[key{op.Encoding, s.T}] = true
			}
			u.full[s.T] = true
			u.count += s.Count
		}
	}
	keys := make([]key, 0, len(byKey))
	for k, u := range byKey {
		keys = append(keys, k)
		for t := range u.full {
			if partial[key{k.enc, t}] {
				delete(u.full, t)
			}
		}
	}
	// Partial seconds' counts leave the rate: take them out again.
	for _, op := range ops {
		for _, s := range op.Series {
			if s.Partial && s.HDR != "" && s.T >= 0 {
				byKey[key{op.Encoding, s.T / group}].count -= s.Count
			}
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].enc != keys[j].enc {
			return keys[i].enc < keys[j].enc
		}
		return keys[i].t < keys[j].t
	})
	out := map[string][]unit{}
	for _, k := range keys {
		out[k.enc] = append(out[k.enc], *byKey[k])
	}
	return out, group, nil
}

// BlockLen is the bootstrap's block length for n seconds: n^(1/3), the
// usual rate for a block bootstrap of a variance, at least 1.
func BlockLen(n int) int { return max(1, int(math.Round(math.Cbrt(float64(n))))) }

func bootstrapNoise(run *Run, seed int64) (*Noise, error) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	n := &Noise{Method: NoiseBootstrap, Seed: seed, Resamples: NoiseResamples}
	for _, class := range noiseClasses {
		ops := classOps(run, class)
		if len(ops) == 0 {
			continue
		}
		strata, group, err := classUnits(ops)
		if err != nil {
			return nil, fmt.Errorf("noise: %s: %w", class, err)
		}
		if len(strata) == 0 {
			continue
		}
		encs := make([]string, 0, len(strata))
		seconds := 0
		for e, us := range strata {
			encs = append(encs, e)
			if seconds == 0 || len(us) < seconds {
				seconds = len(us)
			}
		}
		sort.Strings(encs)
		if seconds*group < NoiseMinSeconds {
			continue
		}
		block := BlockLen(seconds)
		n.BlockSec = max(n.BlockSec, block*group)
		whole := NewHistogram()
		for _, e := range encs {
			for _, u := range strata[e] {
				whole.Merge(u.h)
			}
		}
		point := map[string]float64{"rate": resampleRate(strata, encs, nil)}
		for _, stat := range NoiseStats[:len(NoiseStats)-1] {
			if v, ok := quantileOf(whole, stat); ok {
				point[stat] = v
			}
		}
		draws := map[string][]float64{}
		for b := 0; b < NoiseResamples; b++ {
			pick := map[string][]int{}
			h := NewHistogram()
			for _, e := range encs {
				idx := blockResample(rng, len(strata[e]), block)
				pick[e] = idx
				for _, i := range idx {
					h.Merge(strata[e][i].h)
				}
			}
			draws["rate"] = append(draws["rate"], resampleRate(strata, encs, pick))
			for stat := range point {
				if stat == "rate" {
					continue
				}
				if v, ok := quantileOf(h, stat); ok {
					draws[stat] = append(draws[stat], v)
				}
			}
		}
		for _, stat := range NoiseStats {
			v, ok := point[stat]
			if !ok || v <= 0 || len(draws[stat]) < NoiseResamples/2 {
				continue
			}
			sd, ok := logSD(draws[stat])
			if !ok {
				continue
			}
			n.Figures = append(n.Figures, NoiseFigure{Metric: class + "." + stat, Value: v,
				RelSE: math.Min(sd, maxNoiseRelSE), DF: seconds - 1})
		}
	}
	if len(n.Figures) == 0 {
		return nil, nil
	}
	return n, nil
}

// blockResample draws n indexes of 0..n-1 in circular blocks of length
// block, starting anywhere.
func blockResample(rng *rand.Rand, n, block int) []int {
	out := make([]int, 0, n+block)
	for len(out) < n {
		start := rng.IntN(n)
		for j := 0; j < block && len(out) < n; j++ {
			out = append(out, (start+j)%n)
		}
	}
	return out
}

// resampleRate is the class rate of a resample (pick nil: of all seconds):
// per encoding the mean count of its full seconds, the slowest encoding's.
func resampleRate(strata map[string][]unit, encs []string, pick map[string][]int) float64 {
	low := math.Inf(1)
	for _, e := range encs {
		us := strata[e]
		var sum int64
		var k int
		add := func(u unit) {
			sum += u.count
			k += len(u.full)
		}
		if pick == nil {
			for _, u := range us {
				add(u)
			}
		} else {
			for _, i := range pick[e] {
				add(us[i])
			}
		}
		if k > 0 {
			low = math.Min(low, float64(sum)/float64(k))
		}
	}
	if math.IsInf(low, 1) {
		return 0
	}
	return low
}

// NoiseSummary is a one-line description of a noise model, for messages.
func (n *Noise) Summary() string {
	if n == nil {
		return "no noise model"
	}
	var b strings.Builder
	switch n.Method {
	case NoiseRepeats:
		b.WriteString("spread of the repeats")
	default:
		fmt.Fprintf(&b, "block bootstrap over seconds (blocks of %ds, %d resamples, seed %d)", n.BlockSec, n.Resamples, n.Seed)
	}
	return b.String()
}
