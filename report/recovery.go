package report

// The recovery section: `rbench recover` cycles.

import (
	"fmt"
	"math"

	"github.com/rbench/rbench/results"
)

// recoveryPass reads a recovery section's verdict, falling back to "nothing
// lost" for files that predate the verdict field.
func recoveryPass(r *results.Recovery) bool {
	if r.Verdict != "" {
		return r.Verdict == "pass"
	}
	return r.Lost == 0 && r.Corrupt == 0 && r.WrongType == 0
}

func (b *builder) recovery() section {
	s := section{ID: "recovery", Title: "Recovery cycles", Notes: []string{"Each cycle restarts Redis, times it until the trading node could trade again (Redis ready, then the node's startup load) and verifies every acknowledged write. Lost counts writes lost beyond the persistence policy's window."}}
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
		{"acknowledged cache calls", func(c results.RecoveryCycle) float64 { return float64(c.Acknowledged) }},
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
	wt := table{Head: []string{"run", "cycle", "acknowledged calls", "in doubt calls", "verified keys", "lost items", "lost in window", "verdict"}}
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
			cv := verdict(c.Lost == 0)
			if c.Verdict != "" {
				cv = verdict(c.Verdict == "pass")
			}
			wt.Rows = append(wt.Rows, []cell{text(b.opts.Names[i]), inum(int64(c.Cycle)), inum(c.Acknowledged), inum(c.InDoubt), inum(c.Verified), errCell(c.Lost), inum(c.LostWithinWindow), cv})
		}
		vt.Rows = append(vt.Rows, []cell{text(b.opts.Names[i]), text(rec.Persistence), text(rec.Mode), inum(int64(len(rec.Cycles))), errCell(rec.Lost), inum(rec.LostWithinWindow), errCell(rec.Corrupt), errCell(rec.WrongType), verdict(recoveryPass(rec))})
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
