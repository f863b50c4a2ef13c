package report

import (
	"math"

	"github.com/rbench/rbench/results"
)

// serverCommand is the Redis command whose server-side latency matches op's
// client-side one (results.ServerCommand owns the rule).
func serverCommand(op results.Op) string { return results.ServerCommand(op) }

// serverVsClient puts the server-side latency of each command beside the
// client-side service time of the ops that send it, and the server's
// commands per second over the run.
func (b *builder) serverVsClient() []block {
	var out []block
	t := table{Caption: "p50 and p99, µs: client service time (send to reply) against the server's own time for the same command; the gap is network, kernel, client and queueing",
		Head: []string{"run", "op", "encoding", "command", "client p50", "server p50", "gap p50", "client p99", "server p99", "gap p99"}}
	// One pass pairs each op with its server command; the chart is filled
	// from the pairs afterwards, once the categories are known.
	type pair struct {
		run, cat int
		op       results.Op
		server   results.ServerLatency
	}
	var pairs []pair
	var cats []string
	index := map[string]int{}
	for i, r := range b.runs {
		if r.Server == nil || len(r.Server.Latency) == 0 {
			continue
		}
		lat := map[string]results.ServerLatency{}
		for _, l := range r.Server.Latency {
			lat[l.Command] = l
		}
		for _, op := range r.Ops {
			cmd := serverCommand(op)
			sl, ok := lat[cmd]
			if !ok || op.Count == 0 {
				continue
			}
			t.Rows = append(t.Rows, []cell{text(b.opts.Names[i]), text(op.Name), text(op.Encoding), text(cmd),
				num(op.Service.P50), num(sl.P50Us), num(op.Service.P50 - sl.P50Us),
				num(op.Service.P99), num(sl.P99Us), num(op.Service.P99 - sl.P99Us)})
			cat := joinName(op.Name, op.Encoding) + " / " + cmd
			if _, ok := index[cat]; !ok {
				index[cat] = len(cats)
				cats = append(cats, cat)
			}
			pairs = append(pairs, pair{run: i, cat: index[cat], op: op, server: sl})
		}
	}
	if len(cats) > 0 {
		type vals struct{ cp50, sp50, cp99, sp99 []float64 }
		series := make([]vals, len(b.runs))
		for i := range series {
			for _, s := range []*[]float64{&series[i].cp50, &series[i].sp50, &series[i].cp99, &series[i].sp99} {
				*s = make([]float64, len(cats))
				for j := range *s {
					(*s)[j] = math.NaN()
				}
			}
		}
		for _, p := range pairs {
			v, j := &series[p.run], p.cat
			v.cp50[j], v.sp50[j] = p.op.Service.P50, p.server.P50Us
			v.cp99[j], v.sp99[j] = p.op.Service.P99, p.server.P99Us
		}
		br := b.newBar(cats, unitUs, "latency µs", heightBar)
		for i, r := range b.runs {
			if r.Server == nil || len(r.Server.Latency) == 0 {
				continue
			}
			br.add(b.name(i, "client p50"), series[i].cp50)
			br.add(b.name(i, "server p50"), series[i].sp50)
			br.add(b.name(i, "client p99"), series[i].cp99)
			br.add(b.name(i, "server p99"), series[i].sp99)
		}
		out = append(out, block{Title: "Server-side and client-side latency of the same command",
			Note:  "Server figures are LATENCY HISTOGRAM bucket upper bounds (powers of two, up to 2x high) over every encoding of the run; a trading write is one MULTI/EXEC, whose commands the server runs inside EXEC.",
			Chart: b.addBar(br, heightBar), Tables: []table{t}})
	}

	l := b.newLine(axisSeconds, "second", unitOps, "commands/s", false, heightSeries)
	ot := table{Caption: "commands per second the server processed (total_commands_processed difference) and its instantaneous_ops_per_sec", Head: []string{"run", "second", "commands/s", "instantaneous ops/s", "used_memory"}, Scroll: true}
	for i, r := range b.runs {
		if r.Server == nil || len(r.Server.Series) < 2 {
			continue
		}
		var cmds, inst []point
		for j, ss := range r.Server.Series {
			inst = append(inst, point{ss.T, float64(ss.OpsPerSec)})
			if j > 0 { // the first sample has nothing to difference against
				cmds = append(cmds, point{ss.T, ss.CommandsPerSec})
			}
			ot.Rows = append(ot.Rows, []cell{text(b.opts.Names[i]), num(ss.T), num(ss.CommandsPerSec), inum(ss.OpsPerSec), inum(ss.UsedMemory)})
		}
		l.addColored(b.name(i, "commands/s"), cmds, false, i)
		l.addColored(b.name(i, "instantaneous ops/s"), inst, true, i)
	}
	if len(ot.Rows) > 0 {
		out = append(out, block{Title: "Server commands per second", Chart: b.addLine(l, heightSeries), Tables: []table{ot}})
	}
	return out
}
