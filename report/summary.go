package report

// The summary section: targets, errors, warnings, the runs' metadata,
// pacing and, with several runs, baseline vs current.

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/rbench/rbench/results"
)

func (b *builder) summary() section {
	s := section{ID: "summary", Title: "Summary"}
	// Verdicts first: they are what a reader opens the report for.
	s.Blocks = append(s.Blocks, b.targetsBlock(), b.errorsBlock())
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

// classP99 merges the response histograms of every op of a class and
// returns the p99 in microseconds; exact is false when a histogram was
// unreadable and the worst op's stored p99 stood in.
func classP99(r *results.Run, class string) (p99 float64, count int64, exact, ok bool) {
	var merged *hdrhistogram.Histogram
	exact = true
	worst := 0.0
	for _, op := range r.Ops {
		if op.Class != class {
			continue
		}
		ok = true
		count += op.Count
		worst = math.Max(worst, op.Response.P99)
		if !exact {
			continue
		}
		h, err := results.DecodeHDR(op.ResponseHDR)
		if err != nil {
			exact = false
			continue
		}
		if merged == nil {
			merged = results.NewHistogram()
		}
		merged.Merge(h)
	}
	if !ok {
		return 0, 0, false, false
	}
	if exact && merged != nil && merged.TotalCount() > 0 {
		return float64(merged.ValueAtQuantile(99)), count, true, true
	}
	return worst, count, false, true
}

func (b *builder) targetsBlock() block {
	t := table{Head: []string{"run", "class", "ops", "p99 µs", "target µs", "verdict"}}
	for i, r := range b.runs {
		for _, class := range []string{results.ClassWrite, results.ClassRead} {
			p99, count, exact, ok := classP99(r, class)
			if !ok {
				t.Rows = append(t.Rows, []cell{text(b.opts.Names[i]), text(class + "s"), muted("not measured"), muted("-"), num(b.targetUs), muted("-")})
				continue
			}
			label := num(p99)
			if !exact {
				label.Text += " (worst op)"
			}
			t.Rows = append(t.Rows, []cell{text(b.opts.Names[i]), text(class + "s"), inum(count), label, num(b.targetUs), verdict(p99 < b.targetUs)})
		}
	}
	return block{
		Title:  "Targets",
		Note:   fmt.Sprintf("PASS when the p99 response time (measured from the intended send time, so queueing behind a stall counts) of all operations of the class together is under %s.", fmtUs(b.targetUs)),
		Tables: []table{t},
	}
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
	t := table{Head: []string{"run", "encoding", "mode", "pacer", "target ops/s", "achieved ops/s", "late sends", "late after µs", "max late µs"}}
	for i, r := range b.runs {
		for _, p := range r.Pacing {
			t.Rows = append(t.Rows, []cell{text(b.opts.Names[i]), text(p.Encoding), text(p.Mode), text(p.Pacer), num(p.TargetRate), num(p.AchievedRate), inum(p.Late), num(p.LateThresholdUs), num(p.MaxLateUs)})
		}
	}
	return block{Title: "Pacing", Note: "How well each pass kept to its schedule: a late send is one that left later than the threshold after its intended time.", Tables: []table{t}}, len(t.Rows) > 0
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
			row = append(row, num(v))
			if i == 0 {
				base = v
				continue
			}
			if math.IsNaN(base) || base == 0 {
				row = append(row, muted("-"))
				continue
			}
			row = append(row, cell{Text: fmt.Sprintf("%+.1f%%", (v-base)/base*100), Class: "num"})
		}
		t.Rows = append(t.Rows, row)
	}
	return block{Title: "Baseline vs current (p99 response time)", Tables: []table{t}}, len(t.Rows) > 0
}
