package report

// The recovery section: `rbench recover` cycles.

import (
	"fmt"
	"math"

	"github.com/rbench/rbench/results"
)

// verdictCell shows a recovery verdict: PASS, FAIL, or INCOMPLETE (a run
// that could not check what it set out to; one without a verdict too).
func verdictCell(v string) cell {
	switch v {
	case results.RecoveryPass, results.RecoveryFail:
		return verdict(v == results.RecoveryPass)
	}
	return cell{Text: "INCOMPLETE", Class: "invalid"}
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
	wt := table{Head: []string{"run", "cycle", "acknowledged transactions", "in doubt transactions", "writer failures", "verified keys", "lost items", "lost in window", "verdict"}}
	for i, r := range b.runs {
		rec := r.Recovery
		if rec == nil {
			continue
		}
		for _, c := range rec.Cycles {
			load := secs(c.LoadSec)
			if c.LoadSec < 0 {
				load = muted("unknown")
			}
			tt.Rows = append(tt.Rows, []cell{text(b.opts.Names[i]), inum(int64(c.Cycle)), secs(c.StopSec), secs(c.PortOpenSec), secs(c.ReadySec), load, secs(c.StartupSequentialSec), secs(c.StartupConcurrentSec), secs(c.TradingReadySec)})
			v := c.Verdict
			wt.Rows = append(wt.Rows, []cell{text(b.opts.Names[i]), inum(int64(c.Cycle)), inum(c.Acknowledged), inum(c.InDoubt), inum(c.WriteErrors), inum(c.Verified), errCell(c.Lost), inum(c.LostWithinWindow), verdictCell(v)})
		}
	}
	if !b.multi() {
		tt, wt = dropColumn(tt, 0), dropColumn(wt, 0)
	}
	s.Blocks = append(s.Blocks,
		block{Title: "Restart to trading-ready", Chart: chart(unitSec, "seconds", timing), Tables: []table{tt}},
		block{Title: "Verified and lost writes", Note: "The verdict, its reasons and notes are at the top of the page.", Chart: chart(unitCount, "count", writes), Tables: []table{wt}},
	)
	return s
}
