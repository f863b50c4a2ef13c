package report

// The timeline section: throughput and p99 per second.

import (
	"math"
	"sort"

	"github.com/rbench/rbench/results"
)

type seriesRef struct {
	name string
	sec  []results.Second
}

// timeline charts throughput per run and encoding (per-second counts of all
// ops summed) and the p99 per run, class and encoding: recomputed from the
// merged per-second histograms when every op has them, else the worst op's
// p99 of that second.
func (b *builder) timeline() section {
	s := section{ID: "timeline", Title: "Throughput and p99 per second", Notes: []string{"Seconds count from the end of the warm-up. The p99 is of the response time within each second, over all operations of the class."}}
	type group struct {
		run             int
		class, encoding string
		ops             []*results.Op
	}
	var tputGroups, p99Groups []*group
	find := func(gs []*group, run int, class, enc string) ([]*group, *group) {
		for _, g := range gs {
			if g.run == run && g.class == class && g.encoding == enc {
				return gs, g
			}
		}
		g := &group{run: run, class: class, encoding: enc}
		return append(gs, g), g
	}
	for i, r := range b.runs {
		for j := range r.Ops {
			op := &r.Ops[j]
			if len(op.Series) == 0 {
				continue
			}
			var g *group
			tputGroups, g = find(tputGroups, i, "", op.Encoding)
			g.ops = append(g.ops, op)
			p99Groups, g = find(p99Groups, i, op.Class, op.Encoding)
			g.ops = append(g.ops, op)
		}
	}
	if len(tputGroups) == 0 {
		return s
	}

	var tputRefs []seriesRef
	for _, g := range tputGroups {
		byT := map[int]*results.Second{}
		var ts []int
		for _, op := range g.ops {
			for _, sec := range op.Series {
				cur := byT[sec.T]
				if cur == nil {
					cur = &results.Second{T: sec.T}
					byT[sec.T] = cur
					ts = append(ts, sec.T)
				}
				cur.Count += sec.Count
				cur.Errors += sec.Errors
			}
		}
		sort.Ints(ts)
		ref := seriesRef{name: b.name(g.run, g.encoding, "all ops")}
		for _, t := range ts {
			ref.sec = append(ref.sec, *byT[t])
		}
		tputRefs = append(tputRefs, ref)
	}
	tput := b.newLine(axisSeconds, "second", unitOps, "ops/s", false, heightSeries)
	for _, ref := range tputRefs {
		pts := make([]point, len(ref.sec))
		for j, sec := range ref.sec {
			pts[j] = point{float64(sec.T), float64(sec.Count)}
		}
		tput.add(ref.name, pts, false)
	}
	s.Blocks = append(s.Blocks, block{Title: "Throughput", Chart: b.addLine(tput, heightSeries),
		Tables: []table{secondsTable(tputRefs, "successful and failed operations per second", func(sec results.Second) cell { return inum(sec.Count) })}})

	var p99Refs []seriesRef
	approx := false
	for _, g := range p99Groups {
		byT := map[int][]results.Second{}
		var ts []int
		for _, op := range g.ops {
			for _, sec := range op.Series {
				if _, ok := byT[sec.T]; !ok {
					ts = append(ts, sec.T)
				}
				byT[sec.T] = append(byT[sec.T], sec)
			}
		}
		sort.Ints(ts)
		ref := seriesRef{name: b.name(g.run, g.class+"s", g.encoding)}
		for _, t := range ts {
			merged, exact := mergeSeconds(byT[t])
			approx = approx || !exact
			ref.sec = append(ref.sec, merged)
		}
		p99Refs = append(p99Refs, ref)
	}
	p99 := b.newLine(axisSeconds, "second", unitUs, "p99", true, heightSeries)
	for _, ref := range p99Refs {
		var pts []point
		for _, sec := range ref.sec {
			if sec.Count > 0 {
				pts = append(pts, point{float64(sec.T), sec.P99})
			}
		}
		p99.add(ref.name, pts, false)
	}
	p99.markTarget(b.targetUs)
	blk := block{Title: "p99 response time", Chart: b.addLine(p99, heightSeries),
		Tables: []table{secondsTable(p99Refs, "p99 µs", func(sec results.Second) cell {
			if sec.Count == 0 {
				return muted("-")
			}
			return num(sec.P99)
		})}}
	if approx {
		blk.Note = "Some seconds lack per-second histograms: their p99 is the worst single operation's p99, not the class's."
	}
	s.Blocks = append(s.Blocks, blk)
	return s
}

// mergeSeconds combines one second of several ops: counts summed, the p99
// recomputed from the merged histograms when all have one (exact), else the
// largest p99 among them.
func mergeSeconds(secs []results.Second) (results.Second, bool) {
	out := results.Second{T: secs[0].T}
	h := results.NewHistogram()
	exact := true
	for _, sec := range secs {
		out.Count += sec.Count
		out.Errors += sec.Errors
		out.P99 = math.Max(out.P99, sec.P99)
		out.Max = math.Max(out.Max, sec.Max)
		if sec.Count == 0 {
			continue
		}
		if !exact {
			continue
		}
		sh, err := results.DecodeHDR(sec.HDR)
		if err != nil {
			exact = false
			continue
		}
		h.Merge(sh)
	}
	if len(secs) == 1 {
		return out, true
	}
	if exact && h.TotalCount() > 0 {
		out.P99 = float64(h.ValueAtQuantile(99))
		out.P50 = float64(h.ValueAtQuantile(50))
	}
	return out, exact
}

// secondsTable lays per-second values out wide: one row per second, one
// column per series, so the table pastes into a spreadsheet as it is.
func secondsTable(refs []seriesRef, unit string, val func(results.Second) cell) table {
	t := table{Caption: unit, Head: []string{"second"}, Scroll: true}
	var ts []int
	seen := map[int]bool{}
	byT := make([]map[int]results.Second, len(refs))
	for i, ref := range refs {
		t.Head = append(t.Head, ref.name)
		byT[i] = map[int]results.Second{}
		for _, sec := range ref.sec {
			byT[i][sec.T] = sec
			if !seen[sec.T] {
				seen[sec.T] = true
				ts = append(ts, sec.T)
			}
		}
	}
	sort.Ints(ts)
	for _, sec := range ts {
		row := []cell{inum(int64(sec))}
		for i := range refs {
			if v, ok := byT[i][sec]; ok {
				row = append(row, val(v))
			} else {
				row = append(row, muted("-"))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
