package report

// The latency section: one percentile distribution per op kind.

import (
	"fmt"
	"strings"

	"github.com/rbench/rbench/results"
)

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
		t.Caption = fmt.Sprintf("latency in µs; p99 in green when under the %s target, red when not", fmtUs(b.targetUs))
		blk.Tables[0] = t
		if len(fallback) > 0 {
			blk.Note = "No readable histogram for " + strings.Join(fallback, ", ") + ": drawn from the stored percentiles only."
		}
		s.Blocks = append(s.Blocks, blk)
	}
	return s
}

// latencyRow shows one summary; the p99 is marked pass or fail against the
// target.
func latencyRow(series string, count, errors int64, l results.Latency, targetUs float64) []cell {
	p99 := num(l.P99)
	if l.P99 < targetUs {
		p99.Class += " pass"
	} else {
		p99.Class += " fail"
	}
	return []cell{text(series), inum(count), errCell(errors), num(l.P50), num(l.P90), p99, num(l.P999), num(l.P9999), num(l.Max)}
}
