package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/rbench/rbench/gate"
	"github.com/rbench/rbench/results"
)

// writeRepeatSummary prints, after each repeat's own line, the best and the
// worst repeat and the merged figures, as memtier_benchmark's --run-count
// does (BEST RUN, WORST RUN, AGGREGATED): best is the highest total rate,
// ties (an open-loop run holds its rate) broken by the lower worst op p99.
func writeRepeatSummary(w io.Writer, run *results.Run) {
	if len(run.Repeats) < 2 {
		return
	}
	type ranked struct {
		label      string
		rate, p99  float64
		worstOp    string
		hasLatency bool
	}
	var rs []ranked
	for _, r := range run.Repeats {
		x := ranked{label: r.Source}
		for _, op := range r.Ops {
			x.rate += op.Rate
			if op.Response.P99 > x.p99 && results.Enough(0.99, op.Count) {
				x.p99, x.worstOp, x.hasLatency = op.Response.P99, op.Name+"@"+op.Encoding, true
			}
		}
		rs = append(rs, x)
	}
	sort.SliceStable(rs, func(i, j int) bool {
		// Rates within 0.5% are a tie: the pacer's, not the server's.
		if d := rs[i].rate - rs[j].rate; d > 0.005*rs[j].rate || -d > 0.005*rs[j].rate {
			return d > 0
		}
		return rs[i].p99 < rs[j].p99
	})
	line := func(x ranked) string {
		s := fmt.Sprintf("%s, %.0f ops/s", x.label, x.rate)
		if x.hasLatency {
			s += fmt.Sprintf(", worst op p99 %s (%s)", fmtRepeatUs(x.p99), x.worstOp)
		}
		return s
	}
	fmt.Fprintf(w, "best run: %s\n", line(rs[0]))
	fmt.Fprintf(w, "worst run: %s\n", line(rs[len(rs)-1]))
	var parts []string
	var total float64
	for _, op := range run.Ops {
		total += op.Rate
	}
	parts = append(parts, fmt.Sprintf("%.0f ops/s (the mean)", total))
	for _, class := range []string{results.ClassWrite, results.ClassRead, results.ClassStartup} {
		m, err := gate.ParseMetric(class + ".p99")
		if err != nil {
			continue
		}
		if v, err := gate.Value(run, m); err == nil {
			parts = append(parts, fmt.Sprintf("%s p99 %s", class, fmtRepeatUs(v)))
		}
	}
	fmt.Fprintf(w, "merged (%d runs, histograms merged): %s\n", len(run.Repeats), strings.Join(parts, ", "))
}
