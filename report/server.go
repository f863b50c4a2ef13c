package report

// The server section: what Redis itself saw, and its latency beside the
// client's.

import (
	"math"
	"sort"
	"strings"

	"github.com/rbench/rbench/results"
)

func (b *builder) server() section {
	s := section{ID: "server", Title: "Redis server", Notes: []string{"What Redis itself saw: INFO sampled during the run (seconds before 0 are the warm-up) and its own per-command latency."}}
	type col struct {
		name string
		byT  map[float64]int64
	}
	var cols []col
	var ts []float64
	seen := map[float64]bool{}
	l := b.newLine(axisSeconds, "second", unitBytes, "used_memory", false, heightSeries)
	for i, r := range b.runs {
		if r.Server == nil || len(r.Server.Series) == 0 {
			continue
		}
		c := col{name: b.name(i, "used_memory"), byT: map[float64]int64{}}
		pts := make([]point, len(r.Server.Series))
		for j, ss := range r.Server.Series {
			pts[j] = point{ss.T, float64(ss.UsedMemory)}
			c.byT[ss.T] = ss.UsedMemory
			if !seen[ss.T] {
				seen[ss.T] = true
				ts = append(ts, ss.T)
			}
		}
		l.add(c.name, pts, false)
		cols = append(cols, c)
	}
	if len(cols) > 0 {
		sort.Float64s(ts)
		t := table{Caption: "used_memory, bytes", Head: []string{"second"}, Scroll: true}
		for _, c := range cols {
			t.Head = append(t.Head, c.name)
		}
		for _, sec := range ts {
			row := []cell{num(sec)}
			for _, c := range cols {
				if v, ok := c.byT[sec]; ok {
					row = append(row, inum(v))
				} else {
					row = append(row, muted("-"))
				}
			}
			t.Rows = append(t.Rows, row)
		}
		s.Blocks = append(s.Blocks, block{Title: "Used memory", Chart: b.addLine(l, heightSeries), Tables: []table{t}})
	}

	lt := table{Caption: "server-side latency (LATENCY HISTOGRAM; bucket upper bounds, up to 2x high), µs", Head: []string{"run", "command", "calls", "p50", "p99", "p99.9", "max"}}
	var notes []string
	for i, r := range b.runs {
		if r.Server == nil {
			continue
		}
		for _, sl := range r.Server.Latency {
			lt.Rows = append(lt.Rows, []cell{text(b.opts.Names[i]), text(sl.Command), inum(sl.Calls), num(sl.P50Us), num(sl.P99Us), num(sl.P999Us), num(sl.MaxUs)})
		}
		for _, u := range r.Server.Unavailable {
			notes = append(notes, b.name(i, "unavailable: "+u))
		}
		for _, w := range r.Server.Warnings {
			notes = append(notes, b.name(i, w))
		}
	}
	if len(lt.Rows) > 0 || len(notes) > 0 {
		blk := block{Title: "Server-side latency per command", List: notes}
		if len(lt.Rows) > 0 {
			blk.Tables = []table{lt}
		}
		s.Blocks = append(s.Blocks, blk)
	}
	s.Blocks = append(s.Blocks, b.serverVsClient()...)
	return s
}

// redisCommands are the commands an op's name may start with.
var redisCommands = map[string]bool{
	"set": true, "get": true, "mget": true, "scan": true, "hgetall": true, "lrange": true,
	"rpush": true, "rpushx": true, "sadd": true, "srem": true, "hset": true, "del": true, "incr": true,
}

// serverCommand is the Redis command whose server-side latency matches op's
// client-side one: the op's own name (raw set/get), the command its name
// starts with (startup.lrange_order: lrange), LRANGE for the trading reads,
// GET for get_instrument, and EXEC for the trading writes, each of which
// is one MULTI/EXEC whose queued commands the server runs inside EXEC.
func serverCommand(op results.Op) string {
	name := strings.TrimPrefix(op.Name, "startup.")
	if redisCommands[name] {
		return name
	}
	if first, _, ok := strings.Cut(name, "_"); ok && redisCommands[first] {
		return first
	}
	if strings.HasPrefix(name, "read_") {
		return "lrange"
	}
	if op.Class == results.ClassWrite {
		return "exec"
	}
	return ""
}

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
