package report

// The timeline section: throughput per second against the target rate, and
// latency over time (per-second p50, p90, p99 and max, and a heat map of
// the per-second histograms) that shows where a stall happened.

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/rbench/rbench/results"
)

// timelineGroup is the per-second series of the ops of one run, class and
// encoding ("" class: every op, for throughput).
type timelineGroup struct {
	run             int
	class, encoding string
	ops             []*results.Op
}

// groupSeries collects the ops that have per-second series into groups.
func (b *builder) groupSeries(byClass bool) []*timelineGroup {
	var gs []*timelineGroup
	for i, r := range b.runs {
		for j := range r.Ops {
			op := &r.Ops[j]
			if len(op.Series) == 0 || (byClass && op.Class == results.ClassStartup) {
				continue
			}
			class := ""
			if byClass {
				class = op.Class
			}
			idx := slices.IndexFunc(gs, func(g *timelineGroup) bool {
				return g.run == i && g.class == class && g.encoding == op.Encoding
			})
			if idx < 0 {
				gs = append(gs, &timelineGroup{run: i, class: class, encoding: op.Encoding})
				idx = len(gs) - 1
			}
			gs[idx].ops = append(gs[idx].ops, op)
		}
	}
	// Writes before reads within a run and encoding.
	sort.SliceStable(gs, func(a, b int) bool {
		ga, gb := gs[a], gs[b]
		if ga.run != gb.run || ga.encoding != gb.encoding {
			return false
		}
		return ga.class == results.ClassWrite && gb.class != results.ClassWrite
	})
	return gs
}

// second is one second of a group: counts summed and, when every op has a
// histogram for it, the merged histogram.
type second struct {
	t int
	// partial: the run ended inside this second, so its count is no rate.
	partial       bool
	count, errors int64
	h             *hdrhistogram.Histogram // nil when some op lacks one
	// Fallbacks from the stored per-op figures: the largest of each.
	p50, p99, max float64
}

// seconds merges a group's per-second series, in time order.
func (g *timelineGroup) seconds() []second {
	byT := map[int]*second{}
	for _, op := range g.ops {
		for _, sec := range op.Series {
			cur := byT[sec.T]
			if cur == nil {
				cur = &second{t: sec.T, h: results.NewHistogram()}
				byT[sec.T] = cur
			}
			cur.count += sec.Count
			cur.errors += sec.Errors
			cur.partial = cur.partial || sec.Partial
			cur.p50, cur.p99, cur.max = math.Max(cur.p50, sec.P50), math.Max(cur.p99, sec.P99), math.Max(cur.max, sec.Max)
			if sec.Count == 0 || cur.h == nil {
				continue
			}
			h, err := results.DecodeHDR(sec.HDR)
			if err != nil {
				cur.h = nil
				continue
			}
			cur.h.Merge(h)
		}
	}
	out := make([]second, 0, len(byT))
	for _, s := range byT {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].t < out[j].t })
	return out
}

func (b *builder) timeline() section {
	s := section{ID: "timeline", Title: "Throughput and latency over time",
		Notes: []string{"Seconds count from the end of each pass's warm-up; each encoding pass is its own series."}}
	if blk, ok := b.throughputBlock(); ok {
		s.Blocks = append(s.Blocks, blk)
	}
	for _, g := range b.groupSeries(true) {
		s.Blocks = append(s.Blocks, b.latencyOverTime(g)...)
	}
	return s
}

// throughputBlock charts operations per second of every op summed, per run
// and encoding, against the target rate of a paced run.
func (b *builder) throughputBlock() (block, bool) {
	groups := b.groupSeries(false)
	if len(groups) == 0 {
		return block{}, false
	}
	l := b.newLine(axisSeconds, "second", unitOps, "ops/s", false, heightSeries)
	t := table{Caption: "operations per second (failed ones included)", Head: []string{"second"}, Scroll: true}
	var cols []map[int]int64
	var ts []int
	seen := map[int]bool{}
	type target struct {
		sc  schedule
		run int
	}
	var targets []target
	for _, g := range groups {
		name := b.name(g.run, encodingLabel(g.encoding), "all ops")
		if encodingLabel(g.encoding) == "" {
			name = b.name(g.run, "all ops")
		}
		col := map[int]int64{}
		var pts []point
		for _, sec := range g.seconds() {
			if sec.partial {
				continue // a part of a second is not a rate
			}
			pts = append(pts, point{float64(sec.t), float64(sec.count)})
			col[sec.t] = sec.count
			if !seen[sec.t] {
				seen[sec.t] = true
				ts = append(ts, sec.t)
			}
		}
		l.add(name, pts)
		t.Head = append(t.Head, name)
		cols = append(cols, col)
		if sc, ok := parseSchedule(b.runs[g.run].Meta.Workload.Pacer); ok && !slices.ContainsFunc(targets, func(x target) bool { return x.run == g.run }) {
			targets = append(targets, target{sc, g.run})
		}
	}
	sort.Ints(ts)
	// The target rate: one line for a constant rate all runs share, else a
	// series per run that follows its schedule.
	constant := len(targets) > 0
	for _, x := range targets {
		constant = constant && x.sc.kind == "constant" && x.sc.rates[0] == targets[0].sc.rates[0]
	}
	if constant {
		l.rateLine = targets[0].sc.rates[0]
	} else {
		for _, x := range targets {
			var pts []point
			for _, sec := range ts {
				pts = append(pts, point{float64(sec), x.sc.rateAt(float64(sec) + 0.5)})
			}
			l.addStep(b.name(x.run, "target rate"), pts, targetColor)
		}
	}
	for _, sec := range ts {
		row := []cell{inum(int64(sec))}
		for _, col := range cols {
			if v, ok := col[sec]; ok {
				row = append(row, inum(v))
			} else {
				row = append(row, muted("-"))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	blk := block{Title: "Throughput", Chart: b.addLine(l, heightSeries), Tables: []table{t}}
	if len(targets) > 0 {
		blk.Note = "The red line is the target rate the pacer aimed at."
	}
	return blk, true
}

// bandQuantiles are the per-second lines of the latency-over-time chart.
var bandQuantiles = []struct {
	name string
	q    float64
}{{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}}

// latencyOverTime charts one group's per-second p50, p90, p99 and max
// (each percentile only in the seconds that have its samples), and a heat
// map of the per-second histograms.
func (b *builder) latencyOverTime(g *timelineGroup) []block {
	secs := g.seconds()
	title := b.name(g.run, g.class+"s", encodingLabel(g.encoding))
	exact := true
	for _, s := range secs {
		exact = exact && (s.h != nil || s.count == 0)
	}
	l := b.newLine(axisSeconds, "second", unitUs, "response time", true, heightSeries)
	t := table{Caption: "response time per second; n/a where the second has too few samples for the percentile", Head: []string{"second", "count"}, Scroll: true}
	lines := make([][]point, len(bandQuantiles)+1)
	thin := false
	for _, s := range secs {
		row := []cell{inum(int64(s.t)), inum(s.count)}
		if s.count == 0 {
			t.Rows = append(t.Rows, append(row, muted("-"), muted("-"), muted("-"), muted("-")))
			continue
		}
		for k, q := range bandQuantiles {
			var v float64
			switch {
			case !results.Enough(q.q, s.count):
				thin = true
				row = append(row, cell{Text: "n/a", Class: "num muted"})
				continue
			case s.h != nil:
				v = float64(s.h.ValueAtQuantile(q.q * 100))
			case q.q == 0.5:
				v = s.p50
			case q.q == 0.99:
				v = s.p99
			default:
				row = append(row, muted("-"))
				continue
			}
			lines[k] = append(lines[k], point{float64(s.t), v})
			row = append(row, us(v))
		}
		mx := s.max
		if s.h != nil {
			mx = float64(s.h.Max())
		}
		lines[len(bandQuantiles)] = append(lines[len(bandQuantiles)], point{float64(s.t), mx})
		t.Rows = append(t.Rows, append(row, us(mx)))
	}
	t.Head = append(t.Head, "p50", "p90", "p99", "max")
	// A percentile no second had the samples for says nothing: drop it.
	for k := len(bandQuantiles) - 1; k >= 0; k-- {
		if len(lines[k]) == 0 {
			t = dropColumn(t, 2+k)
		}
	}
	for k, q := range bandQuantiles {
		if len(lines[k]) > 0 {
			l.add(q.name, lines[k])
		} else {
			l.nextColor()
		}
	}
	l.add("max", lines[len(bandQuantiles)])
	l.markTarget(b.targetUs)
	blk := block{Title: "Latency over time: " + title, Chart: b.addLine(l, heightSeries), Tables: []table{t}}
	switch {
	case !exact:
		blk.Note = "Some seconds lack per-second histograms: their p50 and p99 are the worst single operation's, not the class's, and p90 is missing."
	case thin:
		blk.Note = fmt.Sprintf("A percentile is drawn only in seconds with enough samples for it (p99 needs %s in the second); max is always drawn.", fmtCount(results.MinSamples(0.99)))
	}
	out := []block{blk}
	if hm, ok := b.heatmapBlock(title, secs); ok {
		out = append(out, hm)
	}
	return out
}

// latencyBands are the heat map's rows: 1, 2 and 5 times each power of ten,
// in µs. A band holds values from its bound up to the next one.
func latencyBands(maxUs float64) []float64 {
	var out []float64
	for p := 1.0; p <= math.Max(maxUs, 1); p *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if v := m * p; v <= maxUs {
				out = append(out, v)
			}
		}
	}
	return out
}

func bandOf(bands []float64, v float64) int {
	i := sort.SearchFloat64s(bands, v)
	if i < len(bands) && bands[i] == v {
		return i
	}
	return max(0, i-1)
}

// heatmapBlock draws the per-second histograms of a group as a heat map:
// one column per second, one row per latency band, the shade by count.
func (b *builder) heatmapBlock(title string, secs []second) (block, bool) {
	var top float64
	lo := math.Inf(1)
	for _, s := range secs {
		if s.h == nil && s.count > 0 {
			return block{}, false
		}
		if s.h != nil && s.h.TotalCount() > 0 {
			top = math.Max(top, float64(s.h.Max()))
			lo = math.Min(lo, float64(s.h.Min()))
		}
	}
	if top == 0 {
		return block{}, false
	}
	bands := latencyBands(top)
	first := bandOf(bands, lo)
	bands = bands[first:]
	yCats := make([]string, len(bands))
	for i, v := range bands {
		yCats[i] = fmtUsShort(v)
	}
	xCats := make([]string, len(secs))
	var cells [][3]int64
	t := table{Caption: "operations per second and latency band (lower bound)", Head: []string{"second"}, Scroll: true}
	for _, c := range yCats {
		t.Head = append(t.Head, strings.ReplaceAll(c, " ", "\u00a0"))
	}
	for x, s := range secs {
		xCats[x] = fmt.Sprint(s.t)
		counts := make([]int64, len(bands))
		if s.h != nil {
			for _, bar := range s.h.Distribution() {
				if bar.Count > 0 {
					counts[bandOf(bands, float64(bar.From))] += bar.Count
				}
			}
		}
		row := []cell{inum(int64(s.t))}
		for y, n := range counts {
			if n > 0 {
				cells = append(cells, [3]int64{int64(x), int64(y), n})
				row = append(row, inum(n))
			} else {
				row = append(row, muted(""))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	hm := b.newHeatmap(xCats, yCats, cells)
	return block{Title: "Latency heat map: " + title, Note: "Each column is one second, each row a latency band; the darker, the more operations (log scale), so a stall shows as a column reaching up.",
		Chart: b.addHeatmap(hm), Tables: []table{t}}, true
}
