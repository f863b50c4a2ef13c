package report

// A paced run's schedule, read back from the pacer's description, and the
// latency of each step of a step schedule from the per-second histograms.

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/rbench/rbench/results"
)

// schedule is a paced run's target rate over the measured seconds. It is
// parsed from results' pacer string, which workloads writes with its
// pacers' String methods: "constant 1000/s", "step 1000/s,5000/s every
// 10s", "ramp 1000/s->20000/s over 30s".
type schedule struct {
	kind  string    // constant, step or ramp
	rates []float64 // constant: {r}; step: each step's rate; ramp: {from, to}
	span  float64   // seconds: a step's length, or the ramp's
}

func parseSchedule(s string) (schedule, bool) {
	kind, rest, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return schedule{}, false
	}
	rateOf := func(s string) (float64, bool) {
		v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "/s"), 64)
		return v, err == nil && v >= 0 && !math.IsInf(v, 0)
	}
	span := func(s string) (float64, bool) {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		return d.Seconds(), err == nil && d > 0
	}
	switch kind {
	case "constant":
		r, ok := rateOf(rest)
		return schedule{kind: kind, rates: []float64{r}}, ok
	case "step":
		list, every, ok := strings.Cut(rest, " every ")
		sp, ok2 := span(every)
		if !ok || !ok2 {
			return schedule{}, false
		}
		sc := schedule{kind: kind, span: sp}
		for _, f := range strings.Split(list, ",") {
			r, ok := rateOf(f)
			if !ok {
				return schedule{}, false
			}
			sc.rates = append(sc.rates, r)
		}
		return sc, len(sc.rates) > 0
	case "ramp":
		fromTo, over, ok := strings.Cut(rest, " over ")
		from, to, ok2 := strings.Cut(fromTo, "->")
		a, ok3 := rateOf(from)
		z, ok4 := rateOf(to)
		sp, ok5 := span(over)
		return schedule{kind: kind, rates: []float64{a, z}, span: sp}, ok && ok2 && ok3 && ok4 && ok5
	}
	return schedule{}, false
}

// rateAt is the target rate t seconds into the measured phase.
func (s schedule) rateAt(t float64) float64 {
	switch s.kind {
	case "constant":
		return s.rates[0]
	case "step":
		return s.rates[min(len(s.rates)-1, max(0, int(t/s.span)))]
	case "ramp":
		if t >= s.span {
			return s.rates[1]
		}
		return s.rates[0] + (s.rates[1]-s.rates[0])*math.Max(0, t)/s.span
	}
	return 0
}

// stepOf is the step second t falls in: steps after the last keep its rate.
func (s schedule) stepOf(t int) int {
	return min(len(s.rates)-1, max(0, int(float64(t)/s.span)))
}

// stepBlocks draws one latency distribution per step of a step schedule:
// the per-second response-time histograms of each step merged, per run,
// class and encoding.
func (b *builder) stepBlocks() []block {
	type key struct {
		run             int
		class, encoding string
	}
	var out []block
	for i, r := range b.runs {
		sc, ok := parseSchedule(r.Meta.Workload.Pacer)
		if !ok || sc.kind != "step" || len(sc.rates) < 2 {
			continue
		}
		// steps[k][key] is step k's merged histogram of one class and encoding.
		steps := make([]map[key]*hdrhistogram.Histogram, len(sc.rates))
		var order []key
		missing := false
		for _, op := range r.Ops {
			if op.Class == results.ClassStartup {
				continue
			}
			k := key{i, op.Class, op.Encoding}
			for _, sec := range op.Series {
				if sec.Count == 0 {
					continue
				}
				h, err := results.DecodeHDR(sec.HDR)
				if err != nil {
					missing = true
					continue
				}
				st := sc.stepOf(sec.T)
				if steps[st] == nil {
					steps[st] = map[key]*hdrhistogram.Histogram{}
				}
				if steps[st][k] == nil {
					steps[st][k] = results.NewHistogram()
					if !slices.Contains(order, k) {
						order = append(order, k)
					}
				}
				steps[st][k].Merge(h)
			}
		}
		if missing && len(order) == 0 {
			out = append(out, block{Title: joinName(b.runName(i), "latency per step"),
				Note: "This run followed a step schedule (" + r.Meta.Workload.Pacer + "), but its per-second series carry no histograms (ops[].series[].hdr), so the latency of each step cannot be told apart."})
			continue
		}
		for st, byKey := range steps {
			if len(byKey) == 0 {
				continue
			}
			from, to := float64(st)*sc.span, float64(st+1)*sc.span
			window := fmt.Sprintf("seconds %s to %s of the measured phase", fmtNum(from), fmtNum(to))
			if st == len(sc.rates)-1 {
				window = fmt.Sprintf("second %s to the end of the measured phase", fmtNum(from))
			}
			l := b.newLine(axisNines, "percentile", unitUs, "latency", true, heightSeries)
			var rows []latencyRow
			for _, k := range order {
				h := byKey[k]
				if h == nil {
					continue
				}
				name := joinName(k.class+"s", encodingLabel(k.encoding))
				l.add(name, ninesPoints(h))
				rows = append(rows, latencyRow{series: name, count: h.TotalCount(), l: results.Summarize(h)})
			}
			l.markTarget(b.targetUs)
			blk := block{Title: joinName(b.runName(i), fmt.Sprintf("step %d of %d: %s ops/s", st+1, len(sc.rates), fmtRate(sc.rates[st]))),
				Note:  "Response time from " + window + ", all operations of each class merged.",
				Chart: b.addLine(l, heightSeries), Tables: []table{b.latencyTable(rows, "response time")}}
			if missing {
				blk.Note += " Some seconds had no readable histogram and are left out."
			}
			out = append(out, blk)
		}
	}
	return out
}
