package report

// The writer section: for every run with results' Writer figures, the
// node's writer over time: its lag (the write calls' response time, per
// second p50 and p99, from the ops' per-second histograms merged) and its
// queue (calls due and not yet taken, each second's deepest), with the
// exact numbers beside each chart.

import (
	"fmt"

	"github.com/rbench/rbench/results"
)

func (b *builder) writer() section {
	s := section{ID: "writer", Title: "The node's writer: lag and queue over time",
		Notes: []string{"Lag is a cache call's time from its intended time to the reply of its last transaction (buffered: its flush's): how far Redis trails the node, what a crash of the node loses. The queue is the calls due and not yet taken by the writer (open loop only). Seconds count from the end of the warm-up."}}
	groups := b.groupSeries(true)
	for i, r := range b.runs {
		for j := range r.Writer {
			w := &r.Writer[j]
			var g *timelineGroup
			for _, x := range groups {
				if x.run == i && x.class == results.ClassWrite && x.encoding == w.Encoding {
					g = x
				}
			}
			s.Blocks = append(s.Blocks, b.writerBlocks(i, w, g)...)
		}
	}
	return s
}

// writerMode describes a writer in a few words.
func writerMode(w *results.Writer) string {
	mode := "unbuffered"
	if w.Mode == results.WriterBuffered {
		mode = "buffered " + fmtUsShort(w.BufferIntervalMS*1000)
	}
	return mode + ", " + w.Loop + " loop"
}

func (b *builder) writerBlocks(run int, w *results.Writer, g *timelineGroup) []block {
	title := b.name(run, "writer", encodingLabel(w.Encoding))
	if w.Node != "" {
		title = b.name(run, "writer", w.Node, encodingLabel(w.Encoding))
	}
	summary := fmt.Sprintf("%s: %s calls, %s transactions (%s/s), busy %s, lag p50 %s p99 %s max %s",
		writerMode(w), fmtCount(w.Calls), fmtCount(w.Transactions), fmtRate(w.TransactionsPerSec), fmtPct(w.Busy),
		fmtUs(w.Lag.P50), fmtUs(w.Lag.P99), fmtUs(w.Lag.Max))
	if w.QueueMax != nil {
		summary += ", queue max " + fmtCount(*w.QueueMax)
	}
	var out []block
	// Lag per second.
	if g != nil {
		l := b.newLine(axisSeconds, "second", unitUs, "lag", true, heightSeries)
		t := table{Caption: "lag per second (all write calls); n/a where the second has too few calls for the percentile", Head: []string{"second", "calls", "p50", "p99", "max"}, Scroll: true}
		var p50, p99, mx []point
		for _, sec := range g.seconds() {
			row := []cell{inum(int64(sec.t)), inum(sec.count)}
			if sec.count == 0 {
				t.Rows = append(t.Rows, append(row, muted("-"), muted("-"), muted("-")))
				continue
			}
			for _, q := range []struct {
				q   float64
				pts *[]point
				alt float64
			}{{0.5, &p50, sec.p50}, {0.99, &p99, sec.p99}} {
				switch {
				case !results.Enough(q.q, sec.count):
					row = append(row, cell{Text: "n/a", Class: "num muted"})
				case sec.h != nil:
					v := float64(sec.h.ValueAtQuantile(q.q * 100))
					*q.pts = append(*q.pts, point{float64(sec.t), v})
					row = append(row, us(v))
				default:
					*q.pts = append(*q.pts, point{float64(sec.t), q.alt})
					row = append(row, us(q.alt))
				}
			}
			m := sec.max
			if sec.h != nil {
				m = float64(sec.h.Max())
			}
			mx = append(mx, point{float64(sec.t), m})
			t.Rows = append(t.Rows, append(row, us(m)))
		}
		note := ""
		for _, sr := range []struct {
			name string
			pts  []point
		}{{"lag p50", p50}, {"lag p99", p99}, {"lag max", mx}} {
			if len(sr.pts) == 0 {
				l.nextColor()
				note = fmt.Sprintf(" A percentile is drawn only in seconds with enough calls for it (p99 needs %s in the second).", fmtCount(results.MinSamples(0.99)))
				continue
			}
			l.add(sr.name, sr.pts)
		}
		l.markTarget(b.targetUs)
		out = append(out, block{Title: "Writer lag over time: " + title, Note: summary + ". The red line is the latency target." + note,
			Chart: b.addLine(l, heightSeries), Tables: []table{t}})
	} else {
		out = append(out, block{Title: "Writer lag: " + title, Note: summary + ". The run has no per-second series of its calls, so the lag over time cannot be drawn."})
	}
	// Queue depth per second.
	if w.QueueMax == nil {
		if w.Mode == results.WriterBuffered {
			out[len(out)-1].Note += " Closed loop: calls are queued as fast as rbench builds them, with no schedule to fall behind, so no queue is reported."
		} else {
			out[len(out)-1].Note += " Closed loop: the writer takes the next call when it is free, so no call ever waits in a queue."
		}
		return out
	}
	l := b.newLine(axisSeconds, "second", unitCount, "calls waiting", false, heightSeries)
	t := table{Caption: "per second: the deepest queue seen (calls due, not yet taken), the writer's busy share and its transactions", Head: []string{"second", "queue max", "busy", "calls", "transactions"}, Scroll: true}
	var pts []point
	for _, s := range w.Series {
		pts = append(pts, point{float64(s.T), float64(s.QueueMax)})
		t.Rows = append(t.Rows, []cell{inum(int64(s.T)), inum(s.QueueMax), {Text: fmtPct(s.Busy), Class: "num"}, inum(s.Calls), inum(s.Transactions)})
	}
	l.add("queue max", pts)
	note := "A queue that keeps growing means the writer cannot keep up at this event rate: the node's memory and its lag grow without bound."
	if w.Mode == results.WriterBuffered {
		note += " Buffered, calls wait for their flush on purpose: a steady queue of about rate x interval is the buffer, not a backlog."
	}
	out = append(out, block{Title: "Writer queue over time: " + title, Note: note, Chart: b.addLine(l, heightSeries), Tables: []table{t}})
	return out
}
