package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/rbench/rbench/results"
)

// builder turns runs into a page: sections of charts and tables.
type builder struct {
	opts     Options
	runs     []*results.Run
	targetUs float64
	charts   []chartSpec
}

func buildPage(runs []*results.Run, o Options) (*page, error) {
	if len(runs) == 0 {
		return nil, ErrNoRuns
	}
	for i, r := range runs {
		if r == nil {
			return nil, fmt.Errorf("%w: run %d is nil", ErrBadOptions, i+1)
		}
	}
	o, err := o.withDefaults(runs)
	if err != nil {
		return nil, err
	}
	b := &builder{opts: o, runs: runs, targetUs: float64(o.Target) / float64(time.Microsecond)}
	p := &page{Title: o.Title, Subtitle: b.subtitle()}
	for _, s := range []section{
		b.summary(),
		b.latency(),
		b.timeline(),
		b.encodings(),
		b.startup(),
		b.recovery(),
		b.server(),
		b.plan(),
	} {
		if len(s.Blocks) > 0 {
			p.Sections = append(p.Sections, s)
		}
	}
	p.Charts = b.charts
	return p, nil
}

func (b *builder) subtitle() string {
	if len(b.runs) == 1 {
		r := b.runs[0]
		return joinName(b.opts.Names[0], r.Meta.Workload.Name, r.Meta.Start.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("%d runs overlaid: %s (the first is the baseline)", len(b.runs), strings.Join(b.opts.Names, ", "))
}

// name prefixes a series with its run's name when several runs are overlaid.
func (b *builder) name(run int, parts ...string) string {
	if len(b.runs) > 1 {
		return joinName(append([]string{b.opts.Names[run]}, parts...)...)
	}
	return joinName(parts...)
}

func (b *builder) multi() bool { return len(b.runs) > 1 }

// ---- summary ----

func (b *builder) summary() section {
	s := section{ID: "summary", Title: "Summary"}
	// Verdicts first: they are what a reader opens the report for.
	s.Blocks = append(s.Blocks, b.targetsBlock())
	if blk, ok := b.validityBlock(); ok {
		s.Blocks = append(s.Blocks, blk)
	}
	s.Blocks = append(s.Blocks, b.errorsBlock())
	if blk, ok := b.warningsBlock(); ok {
		s.Blocks = append(s.Blocks, blk)
	}
	s.Blocks = append(s.Blocks, b.runsTable())
	if blk, ok := b.pacingBlock(); ok {
		s.Blocks = append(s.Blocks, blk)
	}
	if blk, ok := b.comparisonBlock(); ok {
		s.Blocks = append(s.Blocks, blk)
	}
	return s
}

func (b *builder) runsTable() block {
	t := table{Head: append([]string{""}, b.opts.Names...)}
	row := func(label string, f func(r *results.Run) string) {
		cells := []cell{text(label)}
		any := false
		for _, r := range b.runs {
			v := f(r)
			any = any || v != ""
			cells = append(cells, text(v))
		}
		if any {
			t.Rows = append(t.Rows, cells)
		}
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	nz := func(v float64) string {
		if v == 0 {
			return ""
		}
		return fmtNum(v)
	}
	row("run id", func(r *results.Run) string { return r.Meta.RunID })
	row("workload", func(r *results.Run) string { return r.Meta.Workload.Name })
	row("start (UTC)", func(r *results.Run) string { return ts(r.Meta.Start) })
	row("end (UTC)", func(r *results.Run) string { return ts(r.Meta.End) })
	row("measured s", func(r *results.Run) string { return nz(r.Meta.MeasuredSec) })
	row("warm-up s", func(r *results.Run) string { return nz(r.Meta.WarmupSec) })
	row("connections", func(r *results.Run) string { return nz(float64(r.Meta.Workload.Connections)) })
	row("pipeline", func(r *results.Run) string { return nz(float64(r.Meta.Workload.Pipeline)) })
	row("target rate ops/s", func(r *results.Run) string {
		if r.Meta.Workload.Rate == 0 {
			return "closed loop"
		}
		return fmtNum(r.Meta.Workload.Rate)
	})
	row("pacer", func(r *results.Run) string { return r.Meta.Workload.Pacer })
	row("keys", func(r *results.Run) string { return nz(float64(r.Meta.Workload.Keys)) })
	row("encodings", func(r *results.Run) string { return strings.Join(r.Meta.Workload.Encodings, ", ") })
	row("read ratio", func(r *results.Run) string { return nz(r.Meta.Workload.ReadRatio) })
	row("distribution", func(r *results.Run) string { return r.Meta.Workload.Distribution })
	row("seed", func(r *results.Run) string { return fmt.Sprint(r.Meta.Workload.Seed) })
	row("redis", func(r *results.Run) string {
		t := r.Meta.Target
		if t.Addr == "" && t.ServerVersion == "" {
			return ""
		}
		kind := "external"
		if t.Throwaway {
			kind = "throwaway"
		}
		return joinName(t.Addr, t.ServerVersion, t.Mode, t.Role, kind)
	})
	row("persistence", func(r *results.Run) string {
		t := r.Meta.Target
		var p []string
		if t.AOFEnabled {
			p = append(p, "AOF appendfsync "+t.Appendfsync)
		}
		if t.Save != "" {
			p = append(p, "RDB save "+t.Save)
		}
		if len(p) == 0 && (t.Addr != "" || t.ServerVersion != "") {
			return "off"
		}
		return strings.Join(p, ", ")
	})
	row("maxmemory", func(r *results.Run) string {
		t := r.Meta.Target
		if t.Maxmemory == 0 && t.MaxmemoryPolicy == "" {
			return ""
		}
		mm := "unlimited"
		if t.Maxmemory > 0 {
			mm = fmtBytes(float64(t.Maxmemory))
		}
		return joinName(mm, t.MaxmemoryPolicy)
	})
	row("load generator", func(r *results.Run) string {
		h := r.Meta.Host
		cores := ""
		if h.Cores > 0 {
			cores = fmt.Sprintf("%d cores", h.Cores)
		}
		return joinName(h.Hostname, h.OS+"/"+h.Arch, h.CPUModel, cores)
	})
	row("rbench", func(r *results.Run) string {
		return joinName(r.Meta.Tool.Version, r.Meta.Tool.Commit, r.Meta.Tool.GoVersion)
	})
	row("merged from", func(r *results.Run) string { return strings.Join(r.Meta.Sources, ", ") })
	return block{Title: "Runs", Tables: []table{t}}
}

func (b *builder) targetsBlock() block {
	t := table{Head: []string{"run", "encoding", "class", "ops", "p99 µs", "target µs", "verdict"}}
	target := time.Duration(b.targetUs * float64(time.Microsecond))
	for i, r := range b.runs {
		var problems []results.Problem
		if r.Validity != nil {
			problems = r.Validity.Problems
		}
		// Decided again here: the report's target may differ from the run's.
		verdicts := results.Judge(r, problems, target)
		if len(verdicts) == 0 {
			t.Rows = append(t.Rows, []cell{text(b.opts.Names[i]), muted("-"), muted("-"), muted("not measured"), muted("-"), num(b.targetUs), muted("-")})
		}
		for _, v := range verdicts {
			fig := muted("n/a")
			if v.ValueUs > 0 {
				fig = usCell(v.ValueUs)
			}
			t.Rows = append(t.Rows, []cell{text(b.opts.Names[i]), text(v.Encoding), text(v.Class + "s"), inum(v.Count), fig, num(b.targetUs), verdictCell(v)})
		}
	}
	return block{
		Title: "Targets",
		Note: fmt.Sprintf("PASS when the p99 response time (measured from the intended send time, so queueing behind a stall counts) of all operations of the class under the encoding together is under %s; failed operations count as slower. "+
			"A p99 needs %d samples: below that the verdict is \"%s\". INVALID: the run did not measure what it set out to (see Validity).",
			fmtUs(b.targetUs), results.MinSamples(results.VerdictQuantile), results.TooFewSamples),
		Tables: []table{t},
	}
}

// verdictCell shows a results.Verdict.
func verdictCell(v results.Verdict) cell {
	switch v.Verdict {
	case results.VerdictPass:
		return verdict(true)
	case results.VerdictFail:
		return verdict(false)
	case results.VerdictInvalid:
		return cell{Text: "INVALID", Class: "fail"}
	}
	return muted(results.TooFewSamples)
}

// validityBlock lists what the validity checks found, invalidating findings
// first.
func (b *builder) validityBlock() (block, bool) {
	var list []string
	for _, sev := range []string{results.SeverityInvalid, results.SeverityWarning} {
		for i, r := range b.runs {
			if r.Validity == nil {
				continue
			}
			for _, p := range r.Validity.Problems {
				if p.Severity != sev {
					continue
				}
				w := strings.ToUpper(p.Severity) + ": " + p.Message
				if b.multi() {
					w = b.opts.Names[i] + ": " + w
				}
				list = append(list, w)
			}
		}
	}
	return block{Title: "Validity", List: list}, len(list) > 0
}

func (b *builder) errorsBlock() block {
	t := table{Head: []string{"run", "timeout", "connection", "server", "decode", "other", "total", "operations"}}
	for i, r := range b.runs {
		e := r.Errors
		total := e.Timeout + e.Connection + e.Server + e.Decode + e.Other
		var ops int64
		for _, op := range r.Ops {
			ops += op.Count
		}
		t.Rows = append(t.Rows, []cell{text(b.opts.Names[i]), inum(e.Timeout), inum(e.Connection), inum(e.Server), inum(e.Decode), inum(e.Other), errCell(total), inum(ops)})
	}
	return block{Title: "Errors by class", Tables: []table{t}}
}

func errCell(n int64) cell {
	if n > 0 {
		return cell{Text: fmtInt(n), Class: "num fail"}
	}
	return inum(n)
}

func (b *builder) pacingBlock() (block, bool) {
	t := table{Head: []string{"run", "encoding", "mode", "pacer", "target ops/s", "achieved ops/s", "dropped", "late sends", "late after µs", "max late µs", "sender late p50 µs", "sender late p99 µs", "sender n"}}
	for i, r := range b.runs {
		for _, p := range r.Pacing {
			l := results.Latency{}
			if p.SendLate != nil {
				l = *p.SendLate
			}
			t.Rows = append(t.Rows, []cell{text(b.opts.Names[i]), text(p.Encoding), text(p.Mode), text(p.Pacer), num(p.TargetRate), num(p.AchievedRate), errCell(p.Dropped),
				inum(p.Late), num(p.LateThresholdUs), num(p.MaxLateUs), floorNum(l.P50, 0.5, l.Count), floorNum(l.P99, 0.99, l.Count), inum(l.Count)})
		}
	}
	return block{Title: "Pacing", Note: "How well each pass kept to its schedule: a late send is one that left later than the threshold after its intended time (a backlog included); dropped operations were due but never sent before the run ended; the sender's own lateness counts only the sends that were not behind.", Tables: []table{t}}, len(t.Rows) > 0
}

func (b *builder) warningsBlock() (block, bool) {
	var list []string
	for i, r := range b.runs {
		for _, w := range r.Warnings {
			if b.multi() {
				w = b.opts.Names[i] + ": " + w
			}
			list = append(list, w)
		}
	}
	return block{Title: "Warnings", List: list}, len(list) > 0
}

// comparisonBlock lists each op's p99 in every run beside the first run's.
func (b *builder) comparisonBlock() (block, bool) {
	if !b.multi() {
		return block{}, false
	}
	head := []string{"op", "encoding"}
	for i, n := range b.opts.Names {
		head = append(head, n+" p99 µs")
		if i > 0 {
			head = append(head, n+" change")
		}
	}
	t := table{Head: head}
	for _, k := range b.opKeys() {
		row := []cell{text(k.name), text(k.encoding)}
		base := math.NaN()
		for i, r := range b.runs {
			op := findOp(r, k)
			if op == nil {
				row = append(row, muted("-"))
				if i > 0 {
					row = append(row, muted("-"))
				}
				continue
			}
			v := op.Response.P99
			if !results.Enough(0.99, op.Count) {
				v = math.NaN() // too few samples: neither shown nor compared
			}
			row = append(row, floorNum(op.Response.P99, 0.99, op.Count))
			if i == 0 {
				base = v
				continue
			}
			if math.IsNaN(base) || math.IsNaN(v) || base == 0 {
				row = append(row, muted("-"))
				continue
			}
			row = append(row, cell{Text: fmt.Sprintf("%+.1f%%", (v-base)/base*100), Class: "num"})
		}
		t.Rows = append(t.Rows, row)
	}
	return block{Title: "Baseline vs current (p99 response time)", Tables: []table{t}}, len(t.Rows) > 0
}

// ---- ops ----

type opKey struct{ name, encoding string }

// opKinds lists op names in order of first appearance over all runs.
func (b *builder) opKinds() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range b.runs {
		for _, op := range r.Ops {
			if !seen[op.Name] {
				seen[op.Name] = true
				out = append(out, op.Name)
			}
		}
	}
	return out
}

func (b *builder) opKeys() []opKey {
	seen := map[opKey]bool{}
	var out []opKey
	for _, r := range b.runs {
		for _, op := range r.Ops {
			k := opKey{op.Name, op.Encoding}
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

func findOp(r *results.Run, k opKey) *results.Op {
	for i := range r.Ops {
		if r.Ops[i].Name == k.name && r.Ops[i].Encoding == k.encoding {
			return &r.Ops[i]
		}
	}
	return nil
}

// ---- latency distribution ----

func (b *builder) latency() section {
	s := section{
		ID:    "latency",
		Title: "Latency percentile distribution",
		Notes: []string{
			"HdrHistogram style: the x axis gives each nine the same width (90%, 99%, 99.9% ...), so the tail is as readable as the median.",
			"Response time (solid) is measured from the intended send time and includes queueing behind a stall (coordinated omission corrected); service time (dashed) from the actual send. In closed loop they are the same histogram, drawn once and labelled \"closed loop\" (\"response = service\" when a paced run never sent late).",
		},
	}
	for _, kind := range b.opKinds() {
		l := b.newLine(axisNines, "percentile", unitUs, "latency", true, heightLatency)
		t := table{Head: []string{"series", "count", "errors", "p50", "p90", "p99", "p99.9", "p99.99", "max"}}
		var fallback []string
		color := -1
		for i, r := range b.runs {
			for _, op := range r.Ops {
				if op.Name != kind {
					continue
				}
				same := op.ServiceHDR == op.ResponseHDR
				respLabel := "response"
				switch {
				case same && r.Meta.Workload.Rate == 0:
					respLabel = "closed loop"
				case same:
					// Open loop yet nothing was ever sent late.
					respLabel = "response = service"
				}
				pts, fb := distribution(op.ResponseHDR, op.Response)
				if fb {
					fallback = append(fallback, b.name(i, op.Encoding))
				}
				color++
				if len(pts) > 0 {
					l.addColored(b.name(i, op.Encoding, respLabel), pts, false, color)
				}
				if !same {
					if pts, _ := distribution(op.ServiceHDR, op.Service); len(pts) > 0 {
						l.addColored(b.name(i, op.Encoding, "service"), pts, true, color)
					}
				}
				t.Rows = append(t.Rows, latencyRow(b.name(i, op.Encoding, respLabel), op.Count, op.Errors, op.Response, b.targetUs))
				if !same {
					t.Rows = append(t.Rows, latencyRow(b.name(i, op.Encoding, "service"), op.Count, op.Errors, op.Service, b.targetUs))
				}
			}
		}
		l.markTarget(b.targetUs)
		blk := block{Title: kind, Chart: b.addLine(l, heightLatency), Tables: []table{t}}
		t.Caption = fmt.Sprintf("latency in µs; p99 in green when under the %s target, red when not; n/a: too few samples for the percentile (p99 needs %d)", fmtUs(b.targetUs), results.MinSamples(0.99))
		blk.Tables[0] = t
		if len(fallback) > 0 {
			blk.Note = "No readable histogram for " + strings.Join(fallback, ", ") + ": drawn from the stored percentiles only."
		}
		s.Blocks = append(s.Blocks, blk)
	}
	return s
}

// latencyRow shows one summary; a percentile below its sample floor reads
// n/a, and the p99 is marked pass or fail against the target only when it
// has enough samples.
func latencyRow(series string, count, errors int64, l results.Latency, targetUs float64) []cell {
	p99 := floorNum(l.P99, 0.99, count)
	switch {
	case !results.Enough(0.99, count):
	case l.P99 < targetUs:
		p99.Class += " pass"
	default:
		p99.Class += " fail"
	}
	return []cell{text(series), inum(count), errCell(errors), floorNum(l.P50, 0.5, count), floorNum(l.P90, 0.9, count), p99,
		floorNum(l.P999, 0.999, count), floorNum(l.P9999, 0.9999, count), usCell(l.Max)}
}

// floorNum is quantile q's latency figure (µs), n/a below its sample floor.
func floorNum(v, q float64, n int64) cell {
	if !results.Enough(q, n) {
		return muted("n/a")
	}
	return usCell(v)
}

// usCell is a latency in µs; at or beyond the histograms' hour it is only
// known to be at least that.
func usCell(v float64) cell {
	if results.Beyond(v) {
		return cell{Text: results.BeyondLabel, Class: "num"}
	}
	return num(v)
}

// ---- per-second series ----

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
				if sec.Partial {
					continue // a part of a second is not a rate
				}
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

// ---- encodings ----

func (b *builder) encodings() section {
	s := section{ID: "encodings", Title: "msgpack vs JSON", Notes: []string{"The same trading objects written in each encoding: what they cost on the wire, in the client, in Redis latency and in Redis memory."}}
	// Payload rows keyed by run and encoding, over the payload types.
	type payloadSeries struct {
		run      int
		encoding string
		byType   map[string]results.PayloadSize
	}
	var types []string
	seenType := map[string]bool{}
	var ps []*payloadSeries
	for i, r := range b.runs {
		idx := map[string]*payloadSeries{}
		for _, p := range r.Payloads {
			if !seenType[p.Type] {
				seenType[p.Type] = true
				types = append(types, p.Type)
			}
			cur := idx[p.Encoding]
			if cur == nil {
				cur = &payloadSeries{run: i, encoding: p.Encoding, byType: map[string]results.PayloadSize{}}
				idx[p.Encoding] = cur
				ps = append(ps, cur)
			}
			cur.byType[p.Type] = p
		}
	}
	if len(ps) > 0 {
		payloadChart := func(title, unit, yName string, metrics []string, get func(results.PayloadSize, string) float64) {
			br := b.newBar(types, unit, yName, heightBar)
			t := table{Caption: yName, Head: []string{"type"}}
			var cols []func(string) cell
			for _, p := range ps {
				for _, m := range metrics {
					name := b.name(p.run, p.encoding, m)
					vals := make([]float64, len(types))
					for j, ty := range types {
						v, ok := p.byType[ty]
						vals[j] = math.NaN()
						if ok {
							vals[j] = get(v, m)
						}
					}
					br.add(name, vals)
					t.Head = append(t.Head, name)
					byType := p.byType
					m := m
					cols = append(cols, func(ty string) cell {
						if v, ok := byType[ty]; ok {
							return num(get(v, m))
						}
						return muted("-")
					})
				}
			}
			for _, ty := range types {
				row := []cell{text(ty)}
				for _, col := range cols {
					row = append(row, col(ty))
				}
				t.Rows = append(t.Rows, row)
			}
			s.Blocks = append(s.Blocks, block{Title: title, Chart: b.addBar(br, heightBar), Tables: []table{t}})
		}
		payloadChart("Payload size per type", unitBytes, "bytes", []string{""}, func(p results.PayloadSize, _ string) float64 { return float64(p.Bytes) })
		payloadChart("Encode and decode cost per type", unitNs, "ns/object", []string{"encode", "decode"}, func(p results.PayloadSize, m string) float64 {
			if m == "encode" {
				return p.EncodeNs
			}
			return p.DecodeNs
		})
		hasMem := false
		for _, p := range ps {
			for _, v := range p.byType {
				hasMem = hasMem || v.MemoryPerKey > 0
			}
		}
		if hasMem {
			payloadChart("Redis memory per key, by payload type", unitBytes, "bytes per key", []string{""}, func(p results.PayloadSize, _ string) float64 {
				if p.MemoryPerKey == 0 {
					return math.NaN()
				}
				return p.MemoryPerKey
			})
		}
	}

	if blk, ok := b.memoryPerKey(); ok {
		s.Blocks = append(s.Blocks, blk)
	}

	// Latency side by side, for op kinds measured in more than one encoding.
	var kinds []string
	for _, kind := range b.opKinds() {
		encs := map[string]bool{}
		for _, r := range b.runs {
			for _, op := range r.Ops {
				if op.Name == kind {
					encs[op.Encoding] = true
				}
			}
		}
		if len(encs) > 1 {
			kinds = append(kinds, kind)
		}
	}
	if len(kinds) > 0 {
		br := b.newBar(kinds, unitUs, "latency µs", heightBar)
		t := table{Caption: "response time, µs", Head: []string{"op"}}
		type col struct {
			run      int
			encoding string
			pct      string
		}
		var cols []col
		seen := map[col]bool{}
		for i, r := range b.runs {
			for _, op := range r.Ops {
				for _, pct := range []string{"p50", "p99"} {
					c := col{i, op.Encoding, pct}
					if !seen[c] {
						seen[c] = true
						cols = append(cols, c)
					}
				}
			}
		}
		value := func(c col, kind string) float64 {
			op := findOp(b.runs[c.run], opKey{kind, c.encoding})
			if op == nil {
				return math.NaN()
			}
			if c.pct == "p50" {
				return op.Response.P50
			}
			return op.Response.P99
		}
		for _, c := range cols {
			vals := make([]float64, len(kinds))
			for j, k := range kinds {
				vals[j] = value(c, k)
			}
			br.add(b.name(c.run, c.encoding, c.pct), vals)
			t.Head = append(t.Head, b.name(c.run, c.encoding, c.pct))
		}
		for _, k := range kinds {
			row := []cell{text(k)}
			for _, c := range cols {
				if v := value(c, k); !math.IsNaN(v) {
					row = append(row, num(v))
				} else {
					row = append(row, muted("-"))
				}
			}
			t.Rows = append(t.Rows, row)
		}
		s.Blocks = append(s.Blocks, block{Title: "Latency per op, side by side", Chart: b.addBar(br, heightBar), Tables: []table{t}})
	}

	// Client-side codec time measured during the run.
	ct := table{Caption: "client-side codec time per operation, µs", Head: []string{"op", "series", "encode p50", "encode p99", "decode p50", "decode p99"}}
	for i, r := range b.runs {
		for _, op := range r.Ops {
			if op.Encode == nil && op.Decode == nil {
				continue
			}
			row := []cell{text(op.Name), text(b.name(i, op.Encoding))}
			for _, l := range []*results.Latency{op.Encode, op.Decode} {
				if l == nil {
					row = append(row, muted("-"), muted("-"))
					continue
				}
				row = append(row, num(l.P50), num(l.P99))
			}
			ct.Rows = append(ct.Rows, row)
		}
	}
	if len(ct.Rows) > 0 && (len(ps) > 0 || len(kinds) > 0) {
		s.Blocks = append(s.Blocks, block{Title: "Codec time during the run", Tables: []table{ct}})
	}
	return s
}

// memoryPerKey charts MEMORY USAGE per collection and encoding, sampled by
// the server view at the end of the run.
func (b *builder) memoryPerKey() (block, bool) {
	var cols []string
	seenCol := map[string]bool{}
	type key struct {
		run      int
		encoding string
	}
	var keys []key
	seenKey := map[key]bool{}
	vals := map[key]map[string]results.MemoryUsage{}
	for i, r := range b.runs {
		if r.Server == nil {
			continue
		}
		for _, m := range r.Server.Memory {
			if !seenCol[m.Collection] {
				seenCol[m.Collection] = true
				cols = append(cols, m.Collection)
			}
			k := key{i, m.Encoding}
			if !seenKey[k] {
				seenKey[k] = true
				keys = append(keys, k)
				vals[k] = map[string]results.MemoryUsage{}
			}
			vals[k][m.Collection] = m
		}
	}
	if len(keys) == 0 {
		return block{}, false
	}
	br := b.newBar(cols, unitBytes, "bytes per key", heightBar)
	t := table{Caption: "MEMORY USAGE per key, bytes (mean over the sampled keys)", Head: []string{"series", "collection", "sampled", "mean", "p50", "max", "total"}}
	for _, k := range keys {
		v := make([]float64, len(cols))
		for j, c := range cols {
			v[j] = math.NaN()
			if m, ok := vals[k][c]; ok {
				v[j] = m.MeanBytes
			}
		}
		br.add(b.name(k.run, k.encoding), v)
		for _, c := range cols {
			if m, ok := vals[k][c]; ok {
				t.Rows = append(t.Rows, []cell{text(b.name(k.run, k.encoding)), text(c), inum(int64(m.Sampled)), num(m.MeanBytes), inum(m.P50Bytes), inum(m.MaxBytes), inum(m.TotalBytes)})
			}
		}
	}
	return block{Title: "Redis memory per key, by collection", Chart: b.addBar(br, heightBar), Tables: []table{t}}, true
}

// ---- startup load ----

func (b *builder) startup() section {
	s := section{ID: "startup", Title: "Startup load", Notes: []string{"The node's startup: loading every cached instrument, account, order and position back from Redis."}}
	var cats []string
	seen := map[string]bool{}
	t := table{Head: []string{"run", "encoding", "style", "total s", "commands", "bytes", "keys"}}
	for i, r := range b.runs {
		for _, st := range r.Startup {
			c := joinName(st.Encoding, st.Style)
			if !seen[c] {
				seen[c] = true
				cats = append(cats, c)
			}
			t.Rows = append(t.Rows, []cell{text(b.opts.Names[i]), text(st.Encoding), text(st.Style), num(st.TotalSec), inum(st.Commands), inum(st.Bytes), text(keysText(st.Keys))})
		}
	}
	if len(cats) == 0 {
		return s
	}
	br := b.newBar(cats, unitSec, "seconds", heightBar)
	for i, r := range b.runs {
		vals := make([]float64, len(cats))
		for j := range vals {
			vals[j] = math.NaN()
		}
		for _, st := range r.Startup {
			for j, c := range cats {
				if c == joinName(st.Encoding, st.Style) {
					vals[j] = st.TotalSec
				}
			}
		}
		br.add(b.name(i, "startup load"), vals)
	}
	s.Blocks = append(s.Blocks, block{Title: "Startup load time", Chart: b.addBar(br, heightBar), Tables: []table{t}})
	return s
}

func keysText(keys map[string]int64) string {
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s=%d", k, keys[k])
	}
	return strings.Join(parts, " ")
}

// ---- recovery ----

// recoveryVerdict shows a recovery verdict: PASS, FAIL, or INCOMPLETE (a
// run that could not check what it set out to; one without a verdict too).
func recoveryVerdict(v string) cell {
	switch v {
	case results.RecoveryPass, results.RecoveryFail:
		return verdict(v == results.RecoveryPass)
	}
	return cell{Text: "INCOMPLETE", Class: "fail"}
}

func (b *builder) recovery() section {
	s := section{ID: "recovery", Title: "Recovery cycles", Notes: []string{"Each cycle restarts Redis, times it until the trading node could trade again (Redis ready, then the node's startup load) and verifies every acknowledged write. Lost counts acknowledged writes lost that Redis's promise for the persistence and the kind of stop does not excuse; a run that could not check it is incomplete."}}
	maxCycles := 0
	for _, r := range b.runs {
		if r.Recovery != nil {
			maxCycles = max(maxCycles, len(r.Recovery.Cycles))
		}
	}
	if maxCycles == 0 {
		return s
	}
	cats := make([]string, maxCycles)
	for i := range cats {
		cats[i] = fmt.Sprintf("cycle %d", i+1)
	}
	type metric struct {
		name string
		get  func(results.RecoveryCycle) float64
	}
	timing := []metric{
		{"port open", func(c results.RecoveryCycle) float64 { return c.PortOpenSec }},
		{"ready", func(c results.RecoveryCycle) float64 { return c.ReadySec }},
		{"startup load sequential", func(c results.RecoveryCycle) float64 { return c.StartupSequentialSec }},
		{"startup load concurrent", func(c results.RecoveryCycle) float64 { return c.StartupConcurrentSec }},
		{"trading ready", func(c results.RecoveryCycle) float64 { return c.TradingReadySec }},
	}
	writes := []metric{
		// Three different things are counted; the names say which, so the
		// bars are not read as parts of one total.
		{"acknowledged transactions", func(c results.RecoveryCycle) float64 { return float64(c.Acknowledged) }},
		{"verified keys", func(c results.RecoveryCycle) float64 { return float64(c.Verified) }},
		{"lost items (keys, events, members)", func(c results.RecoveryCycle) float64 { return float64(c.Lost) }},
	}
	chart := func(unit, yName string, ms []metric) *chartRef {
		br := b.newBar(cats, unit, yName, heightBar)
		for i, r := range b.runs {
			if r.Recovery == nil {
				continue
			}
			for _, m := range ms {
				vals := make([]float64, maxCycles)
				for j := range vals {
					vals[j] = math.NaN()
					if j < len(r.Recovery.Cycles) {
						vals[j] = m.get(r.Recovery.Cycles[j])
					}
				}
				br.add(b.name(i, m.name), vals)
			}
		}
		return b.addBar(br, heightBar)
	}

	tt := table{Caption: "seconds from the stop", Head: []string{"run", "cycle", "stop", "port open", "ready", "redis load", "startup seq", "startup conc", "trading ready"}}
	wt := table{Head: []string{"run", "cycle", "acknowledged transactions", "in doubt transactions", "verified keys", "lost items", "lost in window", "verdict"}}
	vt := table{Head: []string{"run", "persistence", "restart", "cycles", "lost", "lost in window", "corrupt", "wrong type", "verdict"}}
	var notes []string
	for i, r := range b.runs {
		rec := r.Recovery
		if rec == nil {
			continue
		}
		for _, c := range rec.Cycles {
			load := num(c.LoadSec)
			if c.LoadSec < 0 {
				load = muted("unknown")
			}
			tt.Rows = append(tt.Rows, []cell{text(b.opts.Names[i]), inum(int64(c.Cycle)), num(c.StopSec), num(c.PortOpenSec), num(c.ReadySec), load, num(c.StartupSequentialSec), num(c.StartupConcurrentSec), num(c.TradingReadySec)})
			wt.Rows = append(wt.Rows, []cell{text(b.opts.Names[i]), inum(int64(c.Cycle)), inum(c.Acknowledged), inum(c.InDoubt), inum(c.Verified), errCell(c.Lost), inum(c.LostWithinWindow), recoveryVerdict(c.Verdict)})
		}
		vt.Rows = append(vt.Rows, []cell{text(b.opts.Names[i]), text(rec.Persistence), text(rec.Mode), inum(int64(len(rec.Cycles))), errCell(rec.Lost), inum(rec.LostWithinWindow), errCell(rec.Corrupt), errCell(rec.WrongType), recoveryVerdict(rec.Verdict)})
		for _, reason := range rec.Reasons {
			notes = append(notes, b.name(i, reason))
		}
		for _, n := range rec.Notes {
			notes = append(notes, b.name(i, n))
		}
	}
	s.Blocks = append(s.Blocks,
		block{Title: "Restart to trading-ready", Chart: chart(unitSec, "seconds", timing), Tables: []table{tt}},
		block{Title: "Verified and lost writes", Chart: chart(unitCount, "count", writes), Tables: []table{wt, vt}, List: notes},
	)
	return s
}

// ---- server view ----

func (b *builder) server() section {
	s := section{ID: "server", Title: "Redis server", Notes: []string{"What Redis itself saw: INFO sampled during the run (seconds before 0 are the warm-up) and its own per-command latency."}}
	type col struct {
		name string
		byT  map[float64]int64
	}
	var cols []col
	var ts []float64
	seen := map[float64]bool{}
	l := b.newLine(axisSeconds, "second", unitBytes, "used_memory", false, heightSeries)
	for i, r := range b.runs {
		if r.Server == nil || len(r.Server.Series) == 0 {
			continue
		}
		c := col{name: b.name(i, "used_memory"), byT: map[float64]int64{}}
		pts := make([]point, len(r.Server.Series))
		for j, ss := range r.Server.Series {
			pts[j] = point{ss.T, float64(ss.UsedMemory)}
			c.byT[ss.T] = ss.UsedMemory
			if !seen[ss.T] {
				seen[ss.T] = true
				ts = append(ts, ss.T)
			}
		}
		l.add(c.name, pts, false)
		cols = append(cols, c)
	}
	if len(cols) > 0 {
		sort.Float64s(ts)
		t := table{Caption: "used_memory, bytes", Head: []string{"second"}, Scroll: true}
		for _, c := range cols {
			t.Head = append(t.Head, c.name)
		}
		for _, sec := range ts {
			row := []cell{num(sec)}
			for _, c := range cols {
				if v, ok := c.byT[sec]; ok {
					row = append(row, inum(v))
				} else {
					row = append(row, muted("-"))
				}
			}
			t.Rows = append(t.Rows, row)
		}
		s.Blocks = append(s.Blocks, block{Title: "Used memory", Chart: b.addLine(l, heightSeries), Tables: []table{t}})
	}

	lt := table{Caption: "server-side latency (LATENCY HISTOGRAM; bucket upper bounds, up to 2x high), µs", Head: []string{"run", "command", "calls", "p50", "p99", "p99.9", "max"}}
	var notes []string
	for i, r := range b.runs {
		if r.Server == nil {
			continue
		}
		for _, sl := range r.Server.Latency {
			lt.Rows = append(lt.Rows, []cell{text(b.opts.Names[i]), text(sl.Command), inum(sl.Calls), num(sl.P50Us), num(sl.P99Us), num(sl.P999Us), num(sl.MaxUs)})
		}
		for _, u := range r.Server.Unavailable {
			notes = append(notes, b.name(i, "unavailable: "+u))
		}
		for _, w := range r.Server.Warnings {
			notes = append(notes, b.name(i, w))
		}
	}
	if len(lt.Rows) > 0 || len(notes) > 0 {
		blk := block{Title: "Server-side latency per command", List: notes}
		if len(lt.Rows) > 0 {
			blk.Tables = []table{lt}
		}
		s.Blocks = append(s.Blocks, blk)
	}
	s.Blocks = append(s.Blocks, b.serverVsClient()...)
	return s
}

// ---- capacity plan ----

// plan shows `rbench plan` projections: what the expected history needs in
// memory and on disk, per encoding, and the dangers the planner found.
func (b *builder) plan() section {
	s := section{ID: "plan", Title: "Capacity plan", Notes: []string{"Projected from the measured scales to the expected trading history (rbench plan); see the run's plan for the models and their fit."}}
	type proj struct {
		run int
		p   results.PlanProjection
	}
	var ps []proj
	var dangers []string
	for i, r := range b.runs {
		if r.Plan == nil {
			continue
		}
		for _, p := range r.Plan.Projections {
			ps = append(ps, proj{i, p})
		}
		for _, d := range r.Plan.Dangers {
			dangers = append(dangers, b.name(i, d.Kind+": "+d.Message))
		}
	}
	if len(ps) == 0 {
		if len(dangers) > 0 {
			s.Blocks = append(s.Blocks, block{Title: "Dangers", List: dangers})
		}
		return s
	}
	cats := make([]string, len(ps))
	for i, p := range ps {
		cats[i] = b.name(p.run, p.p.Encoding)
	}
	br := b.newBar(cats, unitBytes, "bytes", heightBar)
	for _, m := range []struct {
		name string
		get  func(results.PlanProjection) int64
	}{
		{"dataset (used_memory)", func(p results.PlanProjection) int64 { return p.DatasetBytes }},
		{"RSS", func(p results.PlanProjection) int64 { return p.RSSBytes }},
		{"memory needed (with fork headroom)", func(p results.PlanProjection) int64 { return p.MemoryNeededBytes }},
		{"AOF disk peak", func(p results.PlanProjection) int64 { return p.AOFDiskPeakBytes }},
	} {
		vals := make([]float64, len(ps))
		for i, p := range ps {
			vals[i] = float64(m.get(p.p))
		}
		br.add(m.name, vals)
	}
	t := table{Caption: "bytes and seconds", Head: []string{"series", "orders", "dataset", "RSS", "fork headroom", "memory needed", "AOF", "AOF disk peak", "AOF load s", "ready s", "extrapolation x"}}
	ct := table{Caption: "projected per collection", Head: []string{"series", "collection", "units", "unit", "memory bytes", "AOF bytes"}}
	var notes []string
	for _, p := range ps {
		name := b.name(p.run, p.p.Encoding)
		var ready []string
		styles := make([]string, 0, len(p.p.ReadySec))
		for st := range p.p.ReadySec {
			styles = append(styles, st)
		}
		sort.Strings(styles)
		for _, st := range styles {
			ready = append(ready, st+" "+fmtNum(p.p.ReadySec[st]))
		}
		t.Rows = append(t.Rows, []cell{text(name), inum(p.p.Profile.Orders), inum(p.p.DatasetBytes), inum(p.p.RSSBytes), inum(p.p.ForkHeadroomBytes), inum(p.p.MemoryNeededBytes), inum(p.p.AOFBytes), inum(p.p.AOFDiskPeakBytes), num(p.p.AOFLoadSec), text(strings.Join(ready, ", ")), num(p.p.Extrapolation)})
		for _, c := range p.p.Collections {
			ct.Rows = append(ct.Rows, []cell{text(name), text(c.Collection), num(c.Units), text(c.Unit), inum(c.MemoryBytes), inum(c.AOFBytes)})
		}
		for _, n := range p.p.Notes {
			notes = append(notes, b.name(p.run, p.p.Encoding, n))
		}
	}
	s.Blocks = append(s.Blocks, block{Title: "Projected memory and disk", Chart: b.addBar(br, heightBar), Tables: []table{t, ct}, List: notes})
	s.Blocks = append(s.Blocks, b.planCurves()...)
	if len(dangers) > 0 {
		s.Blocks = append(s.Blocks, block{Title: "Dangers", List: dangers})
	}
	return s
}

// fmtBytes prints a byte count in binary units.
func fmtBytes(v float64) string {
	switch {
	case v >= 1<<30:
		return fmtNum(math.Round(v/(1<<30)*100)/100) + " GiB"
	case v >= 1<<20:
		return fmtNum(math.Round(v/(1<<20)*100)/100) + " MiB"
	case v >= 1<<10:
		return fmtNum(math.Round(v/(1<<10)*100)/100) + " KiB"
	default:
		return fmtNum(v) + " B"
	}
}
