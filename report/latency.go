package report

// The latency section: one percentile distribution per op kind and, for a
// step schedule, one per step.

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
			"Response time is measured from the intended send time and includes queueing behind a stall (coordinated omission corrected); service time, in the paler colour, from the actual send. In closed loop they are the same histogram, drawn once and labelled \"closed loop\" (\"response = service\" when a paced run never sent late).",
			fmt.Sprintf("A percentile is shown only on enough samples (p99 on %s, p99.9 on %s); below that the table says n/a.", fmtCount(results.MinSamples(0.99)), fmtCount(results.MinSamples(0.999))),
		},
	}
	s.Blocks = append(s.Blocks, b.stepBlocks()...)
	for _, kind := range b.opKinds() {
		l := b.newLine(axisNines, "percentile", unitUs, "latency", true, heightLatency)
		var rows []latencyRow
		var fallback []string
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
				c := l.nextColor()
				if len(pts) > 0 {
					l.addColored(b.name(i, op.Encoding, respLabel), pts, c)
				}
				if !same {
					if pts, _ := distribution(op.ServiceHDR, op.Service); len(pts) > 0 {
						l.addColored(b.name(i, op.Encoding, "service"), pts, light[c])
					}
				}
				rows = append(rows, latencyRow{b.name(i, op.Encoding, respLabel), op.Count, op.Errors, op.Response})
				if !same {
					rows = append(rows, latencyRow{b.name(i, op.Encoding, "service"), op.Count, op.Errors, op.Service})
				}
			}
		}
		l.markTarget(b.targetUs)
		blk := block{Title: kind, Chart: b.addLine(l, heightLatency), Tables: []table{b.latencyTable(rows, "response and service time")}}
		if len(fallback) > 0 {
			blk.Note = "No readable histogram for " + strings.Join(fallback, ", ") + ": drawn from the stored percentiles only."
		}
		s.Blocks = append(s.Blocks, blk)
	}
	return s
}

// latencyRow is one series' summary in a latency table.
type latencyRow struct {
	series        string
	count, errors int64
	l             results.Latency
}

// quantiles are the columns of a latency table.
var quantiles = []struct {
	name string
	q    float64
	get  func(results.Latency) float64
}{
	{"p50", 0.5, func(l results.Latency) float64 { return l.P50 }},
	{"p90", 0.9, func(l results.Latency) float64 { return l.P90 }},
	{"p99", 0.99, func(l results.Latency) float64 { return l.P99 }},
	{"p99.9", 0.999, func(l results.Latency) float64 { return l.P999 }},
	{"p99.99", 0.9999, func(l results.Latency) float64 { return l.P9999 }},
}

// latencyTable lays out summaries in readable units. A percentile below its
// sample floor reads n/a, a column no row has enough samples for is left
// out, as is the errors column when nothing failed. The p99 is green under
// the target and red over it, when it has the samples to be judged.
func (b *builder) latencyTable(rows []latencyRow, what string) table {
	var most, errs int64
	for _, r := range rows {
		most, errs = max(most, r.count), errs+r.errors
	}
	t := table{Caption: fmt.Sprintf("%s; the p99 in green under the %s target, red at or over it", what, fmtUsShort(b.targetUs)), Head: []string{"series", "count"}}
	if errs > 0 {
		t.Head = append(t.Head, "errors")
	}
	var cols []int
	for k, q := range quantiles {
		// p50 and p90 always show (n/a when few): a table without them
		// would look empty.
		if q.q <= 0.9 || results.Enough(q.q, most) {
			cols = append(cols, k)
			t.Head = append(t.Head, q.name)
		}
	}
	t.Head = append(t.Head, "max")
	for _, r := range rows {
		row := []cell{text(r.series), inum(r.count)}
		if errs > 0 {
			row = append(row, errCell(r.errors))
		}
		for _, k := range cols {
			q := quantiles[k]
			if !results.Enough(q.q, r.count) {
				row = append(row, cell{Text: "n/a", Class: "num muted", Title: fmt.Sprintf("%s: %s needs %s", results.TooFewSamples, q.name, fmtCount(results.MinSamples(q.q)))})
				continue
			}
			c := us(q.get(r.l))
			if q.q == 0.99 {
				if q.get(r.l) < b.targetUs {
					c.Class += " pass"
				} else {
					c.Class += " fail"
				}
			}
			row = append(row, c)
		}
		t.Rows = append(t.Rows, append(row, us(r.l.Max)))
	}
	return t
}
