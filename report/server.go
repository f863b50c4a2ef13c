package report

// The server section: what Redis itself saw (memory and commands over the
// run, with warm-ups and passes marked; memory per key by collection; its
// own per-command latency) and its latency beside the client's.

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/rbench/rbench/results"
)

func (b *builder) server() section {
	s := section{ID: "server", Title: "Redis server", Notes: []string{"What Redis itself saw: INFO sampled once a second over the whole run (seconds from the first sample, warm-ups shaded, each encoding pass its own series), MEMORY USAGE of the keys and its own per-command latency (LATENCY HISTOGRAM)."}}
	for i, r := range b.runs {
		if r.Server != nil && len(r.Server.Nodes) > 0 {
			s.Notes = append(s.Notes, b.name(i, fmt.Sprintf("a Redis Cluster of %d primaries (%s), each sampled on its own: memory, commands, keys and latency buckets are their sums. NautilusTrader 1.231 has no cluster mode: these figures answer what a cluster would give.", len(r.Server.Nodes), strings.Join(r.Server.Nodes, ", "))))
		}
	}
	s.Blocks = append(s.Blocks, b.serverSeries("Used memory", unitBytes, "used_memory", func(ss results.ServerSecond, _ int) (float64, bool) {
		return float64(ss.UsedMemory), true
	})...)
	s.Blocks = append(s.Blocks, b.serverSeries("Server commands per second", unitOps, "commands/s", func(ss results.ServerSecond, j int) (float64, bool) {
		// The first sample has nothing to difference against.
		return ss.CommandsPerSec, j > 0
	})...)
	if blk, ok := b.memoryPerKey(); ok {
		s.Blocks = append(s.Blocks, blk)
	}
	lt := table{Caption: "server-side latency (LATENCY HISTOGRAM; bucket upper bounds, up to 2x high)", Head: []string{"series", "command", "calls", "p50", "p99", "p99.9", "max"}}
	var notes []string
	for i, r := range b.runs {
		if r.Server == nil {
			continue
		}
		for _, sl := range r.Server.Latency {
			lt.Rows = append(lt.Rows, []cell{text(b.runName(i)), text(sl.Command), inum(sl.Calls), floorUs(0.5, sl.Count, sl.P50Us), floorUs(0.99, sl.Count, sl.P99Us), floorUs(0.999, sl.Count, sl.P999Us), us(sl.MaxUs)})
		}
		for _, u := range r.Server.Unavailable {
			notes = append(notes, b.name(i, "unavailable: "+u))
		}
		for _, w := range r.Server.Warnings {
			notes = append(notes, b.name(i, w))
		}
	}
	if !b.multi() {
		lt = dropColumn(lt, 0)
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

// floorUs is a latency cell, n/a below the quantile's sample floor.
func floorUs(q float64, n int64, v float64) cell {
	if !results.Enough(q, n) {
		return cell{Text: "n/a", Class: "num muted", Title: results.TooFewSamples}
	}
	return us(v)
}

// dropColumn removes column i of a table.
func dropColumn(t table, i int) table {
	t.Head = append(t.Head[:i:i], t.Head[i+1:]...)
	for k, r := range t.Rows {
		t.Rows[k] = append(r[:i:i], r[i+1:]...)
	}
	return t
}

// serverClock places a run's INFO samples on the chart's axis: seconds from
// the earliest sample or warm-up (so the axis starts at 0), with the
// passes' warm-ups and measured phases.
type serverClock struct {
	origin float64 // T of x = 0
	passes []results.ServerPass
	warmup float64
}

func newServerClock(r *results.Run) serverClock {
	sv := r.Server
	c := serverClock{passes: sv.Passes, warmup: r.Meta.WarmupSec}
	if len(c.passes) == 0 && len(r.Meta.Workload.Encodings) <= 1 {
		// Files before passes were recorded: a single pass starts at T = 0.
		c.passes = []results.ServerPass{{Encoding: firstOr(r.Meta.Workload.Encodings, ""), StartSec: 0, EndSec: r.Meta.MeasuredSec}}
	}
	c.origin = sv.Series[0].T
	for _, p := range c.passes {
		c.origin = math.Min(c.origin, p.StartSec-c.warmup)
	}
	return c
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}

func (c serverClock) x(t float64) float64 { return math.Round((t-c.origin)*100) / 100 }

// pass is the index of the pass a sample belongs to: the first pass that
// has not ended by t (setup, clean-up and warm-up belong to the pass they
// prepare), or the last.
func (c serverClock) pass(t float64) int {
	for i, p := range c.passes {
		if t <= p.EndSec {
			return i
		}
	}
	return len(c.passes) - 1
}

// marks shades each pass's warm-up and measured phase on a chart.
func (c serverClock) marks(l *line) {
	for _, p := range c.passes {
		if c.warmup > 0 {
			l.xAreas = append(l.xAreas, xArea{From: c.x(p.StartSec - c.warmup), To: c.x(p.StartSec), Label: "warm-up", Warmup: true})
		}
		if p.EndSec > p.StartSec {
			l.xAreas = append(l.xAreas, xArea{From: c.x(p.StartSec), To: c.x(p.EndSec), Label: encodingLabel(p.Encoding)})
		}
	}
}

// serverSeries charts one INFO figure over each run, one series per
// encoding pass, with the table of every sample.
func (b *builder) serverSeries(title, unit, yName string, get func(results.ServerSecond, int) (float64, bool)) []block {
	l := b.newLine(axisSeconds, "second", unit, yName, false, heightSeries)
	t := table{Caption: yName + " per INFO sample", Head: []string{"second"}, Scroll: true}
	if b.multi() {
		t.Head = append([]string{"run"}, t.Head...)
	}
	t.Head = append(t.Head, "pass", yName)
	drawn := 0
	for i, r := range b.runs {
		if r.Server == nil || len(r.Server.Series) == 0 {
			continue
		}
		c := newServerClock(r)
		if drawn == 0 {
			c.marks(l)
		}
		drawn++
		parts := make([][]point, max(1, len(c.passes)))
		for j, ss := range r.Server.Series {
			v, ok := get(ss, j)
			if !ok {
				continue
			}
			k := max(0, c.pass(ss.T))
			pt := point{c.x(ss.T), v}
			parts[k] = append(parts[k], pt)
			row := []cell{num(math.Round(c.x(ss.T)))}
			if b.multi() {
				row = append([]cell{text(b.opts.Names[i])}, row...)
			}
			pass := ""
			if k < len(c.passes) {
				pass = encodingLabel(c.passes[k].Encoding)
			}
			val := rate(v)
			if unit == unitBytes {
				val = bytesCell(v)
			}
			t.Rows = append(t.Rows, append(row, text(pass), val))
		}
		for k, pts := range parts {
			if len(pts) == 0 {
				continue
			}
			if k > 0 && len(parts[k-1]) > 0 {
				// Join the passes' lines where one hands over to the next.
				pts = append([]point{parts[k-1][len(parts[k-1])-1]}, pts...)
			}
			name := yName
			if k < len(c.passes) && len(c.passes) > 1 {
				name = joinName(yName, encodingLabel(c.passes[k].Encoding)+" pass")
			}
			l.add(b.name(i, name), pts)
		}
	}
	if drawn == 0 {
		return nil
	}
	blk := block{Title: title, Chart: b.addLine(l, heightSeries), Tables: []table{t}}
	if drawn > 1 {
		blk.Note = "The shaded passes and warm-ups are the first run's."
	}
	return []block{blk}
}

// memoryPerKey charts MEMORY USAGE per collection and encoding, sampled by
// the server view at the end of each pass. When one collection is ten times
// another (the accounts' event lists) the axis is logarithmic, so the small
// ones do not flatten to nothing.
func (b *builder) memoryPerKey() (block, bool) {
	var cols []string
	seenCol := map[string]bool{}
	type key struct {
		run      int
		encoding string
	}
	var keys []key
	seenKey := map[key]bool{}
	vals := map[key]map[string]results.MemoryUsage{}
	for i, r := range b.runs {
		if r.Server == nil {
			continue
		}
		for _, m := range r.Server.Memory {
			if !seenCol[m.Collection] {
				seenCol[m.Collection] = true
				cols = append(cols, m.Collection)
			}
			k := key{i, m.Encoding}
			if !seenKey[k] {
				seenKey[k] = true
				keys = append(keys, k)
				vals[k] = map[string]results.MemoryUsage{}
			}
			vals[k][m.Collection] = m
		}
	}
	if len(keys) == 0 {
		return block{}, false
	}
	br := b.newBar(cols, unitBytes, "bytes per key", heightBar)
	t := table{Caption: "MEMORY USAGE per key (mean over the sampled keys)", Head: []string{"series", "collection", "sampled", "mean", "p50", "max", "total"}}
	lo, hi := math.Inf(1), 0.0
	for _, k := range keys {
		v := make([]float64, len(cols))
		for j, c := range cols {
			v[j] = math.NaN()
			if m, ok := vals[k][c]; ok {
				v[j] = m.MeanBytes
				if m.MeanBytes > 0 {
					lo, hi = math.Min(lo, m.MeanBytes), math.Max(hi, m.MeanBytes)
				}
			}
		}
		name := b.name(k.run, encodingLabel(k.encoding))
		if name == "" {
			name = "mean"
		}
		br.add(name, v)
		for _, c := range cols {
			if m, ok := vals[k][c]; ok {
				t.Rows = append(t.Rows, []cell{text(name), text(c), inum(int64(m.Sampled)), bytesCell(m.MeanBytes), bytesCell(float64(m.P50Bytes)), bytesCell(float64(m.MaxBytes)), bytesCell(float64(m.TotalBytes))})
			}
		}
	}
	blk := block{Title: "Redis memory per key, by collection"}
	if hi > 10*lo {
		br.logY = true
		blk.Note = "Logarithmic axis: the largest collection is " + fmtNum(math.Round(hi/lo)) + " times the smallest."
	}
	blk.Chart, blk.Tables = b.addBar(br, heightBar), []table{t}
	return blk, true
}

// serverCommand is the Redis command whose server-side latency matches op's
// client-side one (results.ServerCommand owns the rule).
func serverCommand(op results.Op) string { return results.ServerCommand(op) }

// serverVsClient puts the server-side latency of each command beside the
// client-side service time of the ops that send it: the chart per command
// and encoding (the ops' service histograms merged), the table per op.
func (b *builder) serverVsClient() []block {
	t := table{Caption: "p50 and p99: client service time (send to reply) against the server's own time for the same command; the gap is network, kernel, client and queueing",
		Head: []string{"series", "op", "command", "client p50", "server p50", "gap p50", "client p99", "server p99", "gap p99"}}
	type group struct {
		run            int
		cat            string
		client         *hdrhistogram.Histogram
		exact          bool
		server         results.ServerLatency
		clientFallback results.Latency
	}
	var groups []*group
	index := map[string]*group{}
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
			gap := func(q float64, client, server float64) cell {
				if !results.Enough(q, op.Count) || !results.Enough(q, sl.Count) {
					return cell{Text: "n/a", Class: "num muted", Title: results.TooFewSamples}
				}
				return us(client - server)
			}
			t.Rows = append(t.Rows, []cell{text(b.name(i, encodingLabel(op.Encoding))), text(op.Name), text(cmd),
				floorUs(0.5, op.Count, op.Service.P50), floorUs(0.5, sl.Count, sl.P50Us), gap(0.5, op.Service.P50, sl.P50Us),
				floorUs(0.99, op.Count, op.Service.P99), floorUs(0.99, sl.Count, sl.P99Us), gap(0.99, op.Service.P99, sl.P99Us)})
			cat := joinName(b.runName(i), cmd, encodingLabel(op.Encoding))
			g := index[cat]
			if g == nil {
				g = &group{run: i, cat: cat, client: results.NewHistogram(), exact: true, server: sl}
				index[cat] = g
				groups = append(groups, g)
			}
			if h, err := results.DecodeHDR(op.ServiceHDR); err == nil && g.exact {
				g.client.Merge(h)
			} else {
				g.exact = false
				g.clientFallback.P50 = math.Max(g.clientFallback.P50, op.Service.P50)
				g.clientFallback.P99 = math.Max(g.clientFallback.P99, op.Service.P99)
			}
		}
	}
	if len(groups) == 0 {
		return nil
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].run < groups[j].run })
	cats := make([]string, len(groups))
	series := [4][]float64{}
	for k := range series {
		series[k] = make([]float64, len(groups))
	}
	for j, g := range groups {
		cats[j] = g.cat
		cp50, cp99, n := g.clientFallback.P50, g.clientFallback.P99, int64(math.MaxInt64)
		if g.exact {
			cp50, cp99, n = float64(g.client.ValueAtQuantile(50)), float64(g.client.ValueAtQuantile(99)), g.client.TotalCount()
		}
		series[0][j], series[1][j] = cp50, g.server.P50Us
		series[2][j], series[3][j] = math.NaN(), math.NaN()
		if results.Enough(0.99, n) {
			series[2][j] = cp99
		}
		if results.Enough(0.99, g.server.Count) {
			series[3][j] = g.server.P99Us
		}
	}
	br := b.newBar(cats, unitUs, "latency", heightBar)
	for k, name := range []string{"client p50", "server p50", "client p99", "server p99"} {
		br.add(name, series[k])
	}
	return []block{{Title: "Server-side and client-side latency of the same command",
		Note:  fmt.Sprintf("Per command and encoding: the client's service time of every op that sends the command, merged, beside the server's figure (LATENCY HISTOGRAM bucket upper bounds, powers of two, up to 2x high, over every encoding of the run). A trading write is one MULTI/EXEC, whose commands the server runs inside EXEC. A p99 on fewer than %s samples is left out.", fmtCount(results.MinSamples(0.99))),
		Chart: b.addBar(br, heightBar), Tables: []table{t}}}
}
