package report

// The ceiling section (rbench run --find-max): per buffer interval, the
// highest event rate the writer sustained, its lag there, calls per flush
// and the crash-loss window side by side, so that an operator picks
// buffer_interval_ms from one page; then every step of the searches and
// the --project-rtt projections.

import (
	"fmt"
	"strings"

	"github.com/rbench/rbench/results"
)

func intervalName(ms float64) string {
	if ms == 0 {
		return "unbuffered"
	}
	return fmtUsShort(ms*1000) + " buffer"
}

func (b *builder) ceiling() section {
	s := section{ID: "ceiling", Title: "The writer's ceiling per buffer interval"}
	for i, r := range b.runs {
		c := r.Ceiling
		if c == nil || len(c.Searches) == 0 {
			continue
		}
		s.Notes = append(s.Notes, joinName(b.runName(i), fmt.Sprintf("%s (node %s), lag p99 target %s; %s steps, %d repeats each, %s precision.",
			c.Workload, c.Node, fmtUs(c.TargetP99Us), fmtUs(c.StepSec*1e6), c.Repeats, fmtPct(c.Precision))))
		s.Blocks = append(s.Blocks, b.ceilingBlock(i, c), b.stepsBlock(i, c))
		if len(c.Projections) > 0 {
			s.Blocks = append(s.Blocks, b.projectionBlock(i, c))
		}
	}
	return s
}

// ceilingBlock charts the ceiling and the next failed rate per interval,
// with the figures at the ceiling beside it.
func (b *builder) ceilingBlock(run int, c *results.Ceiling) block {
	cats := make([]string, len(c.Searches))
	found := make([]float64, len(c.Searches))
	failed := make([]float64, len(c.Searches))
	sat := make([]float64, len(c.Searches))
	saturation := false
	t := table{Caption: "at each interval's ceiling (its repeats merged); crash-loss window = the lag p99: a call is lost by a crash of the node from its cache call until its MULTI/EXEC's reply",
		Head: []string{"buffer", "ceiling /s", "next failed /s", "lag p50", "lag p99", "lag bound", "calls per flush p50", "busy", "crash-loss p99", "worst", "calls at risk"}}
	for k, s := range c.Searches {
		cats[k] = intervalName(s.BufferIntervalMS)
		found[k], failed[k] = s.Found, s.Failed
		row := []cell{text(cats[k]), rate(s.Found), muted("none")}
		if s.Failed > 0 {
			row[2] = rate(s.Failed)
		}
		if s.Saturation != nil {
			saturation = true
			sat[k] = s.Saturation.Found
		}
		p := s.AtCeiling
		if p == nil {
			row = append(row, muted("-"), muted("-"), us(s.LagBoundUs), muted("-"), muted("-"), muted("-"), muted("-"), muted("-"))
			t.Rows = append(t.Rows, row)
			continue
		}
		flush := muted("1 per command")
		if p.CallsPerFlush != nil {
			flush = num(p.CallsPerFlush.P50)
		}
		row = append(row, us(p.Lag.P50), us(p.Lag.P99), us(s.LagBoundUs), flush, text(fmtPct(p.Busy)),
			us(p.CrashLossUs), us(p.CrashLossMaxUs), num(p.CallsAtRisk))
		t.Rows = append(t.Rows, row)
	}
	br := b.newBar(cats, unitOps, "calls/s", heightBar)
	br.add(b.name(run, "ceiling"), found)
	br.add(b.name(run, "next failed"), failed)
	var conf []string
	for _, s := range c.Searches {
		conf = append(conf, intervalName(s.BufferIntervalMS)+": "+s.Confidence+".")
	}
	tables := []table{t}
	if saturation {
		br.add(b.name(run, "saturation"), sat)
		tables = append(tables, saturationTable(c))
		conf = append(conf, "The saturation is the highest rate at which the writer still keeps up (its queue does not grow), however late: above it the queue, the lag and the crash-loss window grow without bound.")
	}
	return block{Title: joinName(b.runName(run), "ceiling per buffer interval"),
		Note:  "The ceiling is the highest rate whose every repeat passed; the next failed rate bounds it from above. " + strings.Join(conf, " "),
		Chart: b.addBar(br, heightBar), Tables: tables}
}

// saturationTable lists each search's saturation rate and the writer there.
func saturationTable(c *results.Ceiling) table {
	t := table{Caption: "saturation: the highest rate whose queue did not grow, whatever the lag, and the lowest whose queue grew",
		Head: []string{"buffer", "keeps up to /s", "queue grew at /s", "lag p50", "lag p99", "busy", "how sure", "why it failed"}}
	for _, s := range c.Searches {
		sat := s.Saturation
		if sat == nil {
			continue
		}
		row := []cell{text(intervalName(s.BufferIntervalMS)), rate(sat.Found), muted("none")}
		if sat.Failed > 0 {
			row[2] = rate(sat.Failed)
		}
		if p := sat.AtCeiling; p != nil {
			row = append(row, us(p.Lag.P50), us(p.Lag.P99), text(fmtPct(p.Busy)))
		} else {
			row = append(row, muted("-"), muted("-"), muted("-"))
		}
		row = append(row, text(sat.Confidence), text(strings.Join(sat.FailedBecause, "; ")))
		t.Rows = append(t.Rows, row)
	}
	return t
}

// stepsBlock draws every step of every search (rate by step number) and
// lists them with why each failed.
func (b *builder) stepsBlock(run int, c *results.Ceiling) block {
	l := b.newLine(axisSeconds, "step", unitOps, "rate tried", false, heightSeries)
	t := table{Caption: "every step: a rate, one repeat; a rate passes only when all its repeats pass", Scroll: true,
		Head: []string{"buffer", "step", "phase", "rate /s", "repeat", "result", "achieved /s", "lag p50", "lag p99", "queue growth", "limit", "busy", "load", "why it failed"}}
	for _, s := range c.Searches {
		var pts []point
		steps := s.Steps
		if s.Saturation != nil {
			steps = append(append([]results.CeilingStep(nil), steps...), s.Saturation.Steps...)
		}
		for k, st := range steps {
			if k >= len(s.Steps) {
				st.N += len(s.Steps) // the saturation's steps follow the ceiling's
			}
			pts = append(pts, point{float64(st.N), st.Rate})
			phase := st.Phase
			if st.Retried {
				phase += ", again"
			}
			t.Rows = append(t.Rows, []cell{text(intervalName(s.BufferIntervalMS)), inum(int64(st.N)), text(phase), rate(st.Rate), inum(int64(st.Repeat)),
				verdict(st.Pass), rate(st.AchievedRate), us(st.Lag.P50), us(st.Lag.P99), num(st.QueueGrowth), num(st.QueueGrowthLimit),
				text(fmtPct(st.Busy)), num(st.LoadAvg), text(strings.Join(st.Reasons, "; "))})
		}
		l.add(b.name(run, intervalName(s.BufferIntervalMS)), pts)
	}
	return block{Title: joinName(b.runName(run), "the searches step by step"),
		Note:  "Each search ramps up (doubling) to its first failure, then bisects between the highest rate that passed and the lowest that failed. A repeat that failed only on rbench's own account (its send lateness: a busy machine) runs again (\"again\").",
		Chart: b.addLine(l, heightSeries), Tables: []table{t}, Stack: true}
}

func (b *builder) projectionBlock(run int, c *results.Ceiling) block {
	t := table{Caption: "each ceiling projected to another round-trip time (assumptions below)",
		Head: []string{"buffer", "RTT", "call cost", "capacity /s", "ceiling /s", "lag p50", "lag p99", "lag p99 floor", "note"}}
	for _, p := range c.Projections {
		t.Rows = append(t.Rows, []cell{text(intervalName(p.BufferIntervalMS)), us(p.RTTUs), us(p.CallCostUs), rate(p.Capacity), rate(p.Ceiling),
			us(p.LagP50Us), us(p.LagP99Us), us(p.LagFloorP99Us), text(p.Note)})
	}
	return block{Title: joinName(b.runName(run), "projection to other round-trip times"), Tables: []table{t}, List: c.Assumptions}
}
