package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/rbench/rbench/results"
)

// builder turns runs into a page: sections of charts and tables. buildPage
// is the index of the sections; each lives in its own file with the helpers
// only it uses. A section appears only when the results carry its data.
type builder struct {
	opts     Options
	runs     []*results.Run
	targetUs float64
	charts   []chartSpec
}

func buildPage(runs []*results.Run, o Options) (*page, error) {
	if len(runs) == 0 {
		return nil, ErrNoRuns
	}
	for i, r := range runs {
		if r == nil {
			return nil, fmt.Errorf("%w: run %d is nil", ErrBadOptions, i+1)
		}
	}
	o, err := o.withDefaults(runs)
	if err != nil {
		return nil, err
	}
	b := &builder{opts: o, runs: runs, targetUs: float64(o.Target) / float64(time.Microsecond)}
	p := &page{Title: o.Title, Subtitle: b.subtitle()}
	for _, s := range []section{
		b.gate(),      // gate.go: rbench gate's checks, when given
		b.summary(),   // summary.go: the verdicts, validity, pacing, errors
		b.latency(),   // latency.go: percentile distributions, per step
		b.timeline(),  // timeline.go: throughput and latency over time
		b.writer(),    // writer.go: the node's writer, lag and queue over time
		b.ceiling(),   // ceiling.go: --find-max, the ceiling per buffer interval
		b.encodings(), // encodings.go: msgpack vs JSON
		b.startup(),   // startup.go: the node's startup load
		b.recovery(),  // recovery.go: restart cycles
		b.server(),    // server.go: what Redis saw
		b.plan(),      // plan.go: the capacity plan
		b.details(),   // details.go: the runs' metadata
	} {
		if len(s.Blocks) > 0 || len(s.Cards) > 0 {
			p.Sections = append(p.Sections, s)
		}
	}
	layout(p)
	p.Charts = b.charts
	return p, nil
}

func (b *builder) subtitle() string {
	if len(b.runs) == 1 {
		r := b.runs[0]
		w := r.Meta.Workload
		var what []string
		if w.Keys > 0 {
			what = append(what, fmtCount(w.Keys)+" keys")
		}
		if len(w.Encodings) > 0 {
			what = append(what, strings.Join(w.Encodings, " and "))
		}
		if len(r.Ops) > 0 {
			loop := "closed loop"
			if w.Rate > 0 {
				loop = "open loop, " + w.Pacer
			}
			switch {
			case w.Connections == 1:
				loop += ", 1 connection"
			case w.Connections > 1:
				loop += fmt.Sprintf(", %d connections", w.Connections)
			}
			what = append(what, loop)
		}
		if r.Meta.MeasuredSec > 0 {
			what = append(what, fmtUs(r.Meta.MeasuredSec*1e6)+" measured")
		}
		start := ""
		if !r.Meta.Start.IsZero() {
			start = r.Meta.Start.UTC().Format(time.RFC3339)
		}
		return joinName(append(append([]string{b.opts.Names[0], w.Name}, what...), start)...)
	}
	return fmt.Sprintf("%d runs overlaid: %s (the first is the baseline)", len(b.runs), strings.Join(b.opts.Names, ", "))
}

// name prefixes a series with its run's name when several runs are overlaid.
func (b *builder) name(run int, parts ...string) string {
	if len(b.runs) > 1 {
		return joinName(append([]string{b.opts.Names[run]}, parts...)...)
	}
	return joinName(parts...)
}

func (b *builder) multi() bool { return len(b.runs) > 1 }

type opKey struct{ name, encoding string }

// opKinds lists op names in order of first appearance over all runs.
func (b *builder) opKinds() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range b.runs {
		for _, op := range r.Ops {
			if !seen[op.Name] {
				seen[op.Name] = true
				out = append(out, op.Name)
			}
		}
	}
	return out
}

func (b *builder) opKeys() []opKey {
	seen := map[opKey]bool{}
	var out []opKey
	for _, r := range b.runs {
		for _, op := range r.Ops {
			k := opKey{op.Name, op.Encoding}
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

func findOp(r *results.Run, k opKey) *results.Op {
	for i := range r.Ops {
		if r.Ops[i].Name == k.name && r.Ops[i].Encoding == k.encoding {
			return &r.Ops[i]
		}
	}
	return nil
}
