package report

// The summary section: the answer first. A banner of verdicts (one card per
// encoding and class, per recovery and per plan projection), then what
// makes a run invalid or a plan dangerous, then pacing and errors when they
// carry information and, with several runs, baseline vs current.

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/rbench/rbench/results"
)

func (b *builder) summary() section {
	s := section{ID: "summary", Title: "Verdict"}
	js := b.judge()
	for i, r := range b.runs {
		for _, j := range js {
			if j.run == i {
				s.Cards = append(s.Cards, b.card(j))
			}
		}
		if r.Recovery != nil && len(r.Recovery.Cycles) > 0 {
			s.Cards = append(s.Cards, b.recoveryCard(i, r.Recovery))
		}
		if r.Plan != nil {
			for _, p := range r.Plan.Projections {
				s.Cards = append(s.Cards, b.planCard(i, p))
			}
		}
		if len(js) == 0 && r.Recovery == nil && r.Plan == nil {
			// A startup-load run: its answer is how long the load took.
			for _, st := range r.Startup {
				s.Cards = append(s.Cards, card{Status: "LOADED", Class: "info", Title: joinName(b.runName(i), "startup load", encodingLabel(st.Encoding), st.Style),
					Figure: fmtUs(st.TotalSec * 1e6), Reason: fmt.Sprintf("%s commands, %s read", fmtCount(st.Commands), fmtBytes(float64(st.Bytes)))})
			}
		}
	}
	if len(s.Cards) > 0 && len(js) > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("A class passes when the p99 response time of all its operations together (their histograms merged; measured from the intended send time, so queueing behind a stall counts; failed operations count as slower) is under %s; a p99 is judged on %s samples or more, and only when the run was valid.",
			fmtUsShort(b.targetUs), fmtCount(results.MinSamples(0.99))))
	}
	if blk, ok := b.dangersBlock(); ok {
		s.Blocks = append(s.Blocks, blk)
	}
	if blk, ok := b.validityBlock(); ok {
		s.Blocks = append(s.Blocks, blk)
	}
	if blk, ok := b.pacingBlock(); ok {
		s.Blocks = append(s.Blocks, blk)
	}
	if blk, ok := b.errorsBlock(); ok {
		s.Blocks = append(s.Blocks, blk)
	}
	if blk, ok := b.comparisonBlock(); ok {
		s.Blocks = append(s.Blocks, blk)
	}
	return s
}

// validityBlock lists what makes a verdict unjudgeable or a figure suspect:
// the validity problems (those that invalidate first), the run's warnings
// and recovery's reasons and notes.
func (b *builder) validityBlock() (block, bool) {
	var list []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			list = append(list, s)
		}
	}
	target := time.Duration(b.targetUs * float64(time.Microsecond))
	for _, sev := range []string{results.SeverityInvalid, results.SeverityWarning} {
		for i, r := range b.runs {
			for _, p := range problemsOf(r, target) {
				if p.Severity == sev {
					add(joinName(b.runName(i), strings.ToUpper(p.Severity)) + ": " + p.Message)
				}
			}
		}
	}
	for i, r := range b.runs {
		prefix := ""
		if b.multi() {
			prefix = b.opts.Names[i] + ": "
		}
		for _, w := range r.Warnings {
			add(prefix + w)
		}
		if rec := r.Recovery; rec != nil {
			for _, why := range rec.Reasons {
				add(prefix + "recovery: " + why)
			}
			for _, n := range rec.Notes {
				add(prefix + "recovery: " + n)
			}
		}
	}
	return block{Title: "Validity and warnings", List: list, Alert: true}, len(list) > 0
}

// errorsBlock counts failed operations by class, only when some failed,
// with the classes that had any.
func (b *builder) errorsBlock() (block, bool) {
	type col struct {
		name string
		get  func(results.ErrorCounts) int64
	}
	all := []col{
		{"timeout", func(e results.ErrorCounts) int64 { return e.Timeout }},
		{"connection", func(e results.ErrorCounts) int64 { return e.Connection }},
		{"server", func(e results.ErrorCounts) int64 { return e.Server }},
		{"decode", func(e results.ErrorCounts) int64 { return e.Decode }},
		{"other", func(e results.ErrorCounts) int64 { return e.Other }},
	}
	var cols []col
	for _, c := range all {
		for _, r := range b.runs {
			if c.get(r.Errors) > 0 {
				cols = append(cols, c)
				break
			}
		}
	}
	if len(cols) == 0 {
		return block{}, false
	}
	t := table{Head: []string{"run"}}
	for _, c := range cols {
		t.Head = append(t.Head, c.name)
	}
	t.Head = append(t.Head, "failed", "succeeded")
	for i, r := range b.runs {
		var ops int64
		for _, op := range r.Ops {
			ops += op.Count
		}
		row := []cell{text(b.opts.Names[i])}
		for _, c := range cols {
			row = append(row, errCell(c.get(r.Errors)))
		}
		t.Rows = append(t.Rows, append(row, errCell(r.Errors.Total()), inum(ops)))
	}
	return block{Title: "Errors by class", Tables: []table{t}}, true
}

// pacingBlock shows how each paced pass kept to its schedule; closed-loop
// passes have no schedule and no row. Dropped operations and the sender's
// own lateness show when the results carry them.
func (b *builder) pacingBlock() (block, bool) {
	var rows []results.Pacing
	var names []string
	dropped, sender := false, false
	for i, r := range b.runs {
		for _, p := range r.Pacing {
			if p.Mode != "open" {
				continue
			}
			rows = append(rows, p)
			names = append(names, joinName(b.runName(i), encodingLabel(p.Encoding)))
			dropped = dropped || p.Dropped > 0
			sender = sender || (p.SendLate != nil && p.SendLate.Count > 0)
		}
	}
	t := table{Head: []string{"series", "pacer", "target ops/s", "achieved ops/s", "achieved"}}
	if dropped {
		t.Head = append(t.Head, "dropped")
	}
	t.Head = append(t.Head, "late sends", "late after", "worst late")
	if sender {
		t.Head = append(t.Head, "sender late p50", "sender late p99")
	}
	for k, p := range rows {
		share := muted("-")
		if p.TargetRate > 0 {
			share = cell{Text: fmtPct(p.AchievedRate / p.TargetRate), Class: "num pass"}
			if p.AchievedRate/p.TargetRate < results.MinAchievedShare {
				share.Class = "num fail"
			}
		}
		row := []cell{text(names[k]), text(p.Pacer), rate(p.TargetRate), rate(p.AchievedRate), share}
		if dropped {
			row = append(row, errCell(p.Dropped))
		}
		row = append(row, inum(p.Late), us(p.LateThresholdUs), us(p.MaxLateUs))
		if sender {
			l := results.Latency{}
			if p.SendLate != nil {
				l = *p.SendLate
			}
			row = append(row, floorUs(0.5, l.Count, l.P50), floorUs(0.99, l.Count, l.P99))
		}
		t.Rows = append(t.Rows, row)
	}
	return block{Title: "Pacing", Note: fmt.Sprintf("How well each paced pass kept to its schedule: a pass is valid when it reached %s of its target rate; a late send left more than the threshold after its intended time (a backlog included); dropped operations were due but never sent before the run ended; the sender's own lateness counts only the sends that were not behind.", fmtPct(results.MinAchievedShare)),
		Tables: []table{t}}, len(t.Rows) > 0
}

// recoveryCard is the verdict of `rbench recover`: nothing lost beyond the
// persistence policy's window, or what was.
func (b *builder) recoveryCard(i int, rec *results.Recovery) card {
	c := card{Title: joinName(b.runName(i), "recovery", rec.Persistence)}
	switch rec.Verdict {
	case results.RecoveryPass:
		c.Status, c.Class = statusPass, "pass"
	case results.RecoveryFail:
		c.Status, c.Class = statusFail, "fail"
	default:
		// Not judged: the run could not check what it set out to.
		c.Status, c.Class = "INCOMPLETE", "invalid"
	}
	c.Figure = "nothing lost"
	if rec.Lost > 0 {
		c.Figure = fmtCount(rec.Lost) + " lost"
	}
	var acked, writeErrs int64
	ready := 0.0
	for _, cy := range rec.Cycles {
		acked += cy.Acknowledged
		writeErrs += cy.WriteErrors
		ready = math.Max(ready, cy.TradingReadySec)
	}
	parts := []string{fmt.Sprintf("%d %s cycles, %s acknowledged transactions", len(rec.Cycles), rec.Mode, fmtCount(acked))}
	if rec.LostWithinWindow > 0 {
		parts = append(parts, fmt.Sprintf("%s lost as the persistence allows", fmtCount(rec.LostWithinWindow)))
	}
	if rec.Corrupt+rec.WrongType > 0 {
		parts = append(parts, fmt.Sprintf("%s corrupt, %s of the wrong type", fmtCount(rec.Corrupt), fmtCount(rec.WrongType)))
	}
	if writeErrs > 0 {
		parts = append(parts, fmt.Sprintf("%s writer failures during the restarts", fmtCount(writeErrs)))
	}
	if ready > 0 {
		parts = append(parts, "trading-ready within "+fmtUs(ready*1e6))
	}
	parts = append(parts, rec.Reasons...)
	c.Reason = strings.Join(parts, "; ")
	return c
}

// planCard is a plan's answer for one encoding: the memory the projected
// history needs and how long a restart takes.
func (b *builder) planCard(i int, p results.PlanProjection) card {
	c := card{Status: "PLAN", Class: "info", Title: joinName(b.runName(i), "plan", encodingLabel(p.Encoding)),
		Figure: "needs " + fmtBytes(float64(p.MemoryNeededBytes))}
	if p.MemoryNeededBytes == 0 {
		c.Figure = "dataset " + fmtBytes(float64(p.DatasetBytes))
	}
	parts := []string{fmt.Sprintf("%s orders: dataset %s", fmtCount(p.Profile.Orders), fmtBytes(float64(p.DatasetBytes)))}
	if p.AOFDiskPeakBytes > 0 {
		parts[0] += ", AOF peak " + fmtBytes(float64(p.AOFDiskPeakBytes)) + " on disk"
	}
	if seq, ok := p.ReadySec["sequential"]; ok {
		r := "restart to trading-ready " + fmtUs(seq*1e6) + " sequential"
		if conc, ok := p.ReadySec["concurrent"]; ok {
			r += ", " + fmtUs(conc*1e6) + " concurrent"
		}
		parts = append(parts, r)
	}
	if p.Maxmemory > 0 {
		parts = append(parts, fmt.Sprintf("maxmemory %s holds %s orders", fmtBytes(float64(p.Maxmemory)), fmtCount(p.MaxOrders)))
		if p.DatasetBytes > p.Maxmemory {
			c.Status, c.Class = "DOES NOT FIT", "fail"
		}
	}
	c.Reason = strings.Join(parts, "; ")
	return c
}

// change is the relative change from base to v: "+12.3%", or "826x" once
// it passes ten times.
func change(v, base float64) cell {
	c := cell{Class: "num", Title: fmt.Sprintf("%+.1f%%", (v-base)/base*100)}
	switch r := v / base; {
	case r >= 10:
		c.Text = fmtRate(r) + "x"
	case r <= 0.1 && r > 0:
		c.Text = "1/" + fmtRate(1/r)
	default:
		c.Text = c.Title
	}
	return c
}

// dangersBlock lists the plan's dangers right under the banner.
func (b *builder) dangersBlock() (block, bool) {
	var list []string
	for i, r := range b.runs {
		if r.Plan == nil {
			continue
		}
		for _, d := range r.Plan.Dangers {
			list = append(list, joinName(b.runName(i), d.Kind)+": "+d.Message)
		}
	}
	return block{Title: "Dangers", List: list, Alert: true}, len(list) > 0
}

// comparisonBlock lists each op's p99 in every run beside the first run's;
// a p99 below its sample floor is shown as n/a and not compared.
func (b *builder) comparisonBlock() (block, bool) {
	if !b.multi() {
		return block{}, false
	}
	head := []string{"op", "encoding"}
	for i, n := range b.opts.Names {
		head = append(head, n+" p99")
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
			if op == nil || !results.Enough(0.99, op.Count) {
				c := muted("-")
				if op != nil {
					c = cell{Text: "n/a", Class: "muted", Title: results.TooFewSamples}
				}
				row = append(row, c)
				if i > 0 {
					row = append(row, muted("-"))
				}
				if i == 0 {
					base = math.NaN()
				}
				continue
			}
			v := op.Response.P99
			row = append(row, us(v))
			if i == 0 {
				base = v
				continue
			}
			if math.IsNaN(base) || base == 0 {
				row = append(row, muted("-"))
				continue
			}
			row = append(row, change(v, base))
		}
		t.Rows = append(t.Rows, row)
	}
	return block{Title: "Baseline vs current (p99 response time)", Tables: []table{t}}, len(t.Rows) > 0
}
