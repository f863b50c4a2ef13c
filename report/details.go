package report

// The run details section: each run's metadata side by side, at the end of
// the page, where it is found when needed and does not push the answer down.

import (
	"fmt"
	"strings"
	"time"

	"github.com/rbench/rbench/results"
)

func (b *builder) details() section {
	return section{ID: "run", Title: "Run details", Blocks: []block{b.runsTable()}}
}

// hasClass reports whether a run measured operations of a class.
func hasClass(r *results.Run, class string) bool {
	for _, op := range r.Ops {
		if op.Class == class {
			return true
		}
	}
	return false
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
	dur := func(sec float64) string {
		if sec == 0 {
			return ""
		}
		return fmtUs(sec * 1e6)
	}
	row("run id", func(r *results.Run) string { return r.Meta.RunID })
	row("workload", func(r *results.Run) string { return r.Meta.Workload.Name })
	row("start (UTC)", func(r *results.Run) string { return ts(r.Meta.Start) })
	row("end (UTC)", func(r *results.Run) string { return ts(r.Meta.End) })
	row("measured", func(r *results.Run) string { return dur(r.Meta.MeasuredSec) })
	row("warm-up", func(r *results.Run) string { return dur(r.Meta.WarmupSec) })
	row("connections", func(r *results.Run) string { return nz(float64(r.Meta.Workload.Connections)) })
	row("pipeline", func(r *results.Run) string { return nz(float64(r.Meta.Workload.Pipeline)) })
	row("pacing", func(r *results.Run) string {
		w := r.Meta.Workload
		switch {
		case len(r.Ops) == 0:
			return ""
		case w.Rate == 0:
			return "closed loop"
		case w.Pacer != "":
			return "open loop, " + w.Pacer
		}
		return "open loop, " + fmtRate(w.Rate) + " ops/s"
	})
	row("keys", func(r *results.Run) string {
		if r.Meta.Workload.Keys == 0 {
			return ""
		}
		return fmtCount(r.Meta.Workload.Keys)
	})
	row("encodings", func(r *results.Run) string { return strings.Join(r.Meta.Workload.Encodings, ", ") })
	row("read ratio", func(r *results.Run) string {
		// Only a run that both reads and writes has a read ratio.
		if !hasClass(r, results.ClassRead) || !hasClass(r, results.ClassWrite) {
			return ""
		}
		return nz(r.Meta.Workload.ReadRatio)
	})
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
