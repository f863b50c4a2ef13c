package results

import (
	"fmt"
	"math"
	"slices"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// MergeWriters combines the writer figures of one encoding pass made by
// several nodes at once (a fleet, or concurrent generators) into the
// fleet's: counts and rates add, the lag, calls-per-flush and flush-wait
// histograms merge (percentiles recomputed, never averaged), Busy is the
// mean over every writer (each writer's share of the same window), the
// queue maximum the deepest, and per second the counts add and busy is
// the mean over the writers. The inputs become PerNode, each keeping its
// Node. Entries of different encodings, modes or loops are refused.
func MergeWriters(ws []Writer) (Writer, error) { return mergeWriters(ws, nil, nil) }

// MergeWriterRepeats combines the writer figures of one encoding pass
// made by the same writers one run after another (repeats), run i having
// measured secs[i] seconds: counts add, the histograms merge (never
// averaged), the rates and Busy are the means weighted by the measured
// seconds (total transactions over total time, total round-trip time over
// total time: the share of the whole measured time; plain means when a
// run's seconds are unknown), Writers and Nodes are a run's, the queue
// maximum the deepest, and the per-second series follow each other, run i
// starting at offsets[i] (nil: right after the one before). PerNode, when
// the runs are fleets, holds each node's repeats merged node by node.
func MergeWriterRepeats(ws []Writer, secs []float64, offsets []int) (Writer, error) {
	if secs == nil {
		secs = make([]float64, len(ws))
	}
	if len(secs) != len(ws) || offsets != nil && len(offsets) != len(ws) {
		return Writer{}, fmt.Errorf("%w: %d writer entries, %d durations, %d offsets", ErrMerge, len(ws), len(secs), len(offsets))
	}
	if offsets == nil {
		offsets = make([]int, len(ws))
		next := 0
		for i, w := range ws {
			offsets[i] = next
			if n := len(w.Series); n > 0 {
				next += w.Series[n-1].T + 1
			}
		}
	}
	return mergeWriters(ws, secs, offsets)
}

// mergeWriters is MergeWriters (secs nil: concurrent writers) and
// MergeWriterRepeats (secs and offsets set: one after another).
func mergeWriters(ws []Writer, secs []float64, offsets []int) (Writer, error) {
	if len(ws) == 0 {
		return Writer{}, fmt.Errorf("%w: no writer figures", ErrMerge)
	}
	repeats := secs != nil
	// Weights of the repeats' means: their measured seconds when every
	// one is known, else one each.
	weights := make([]float64, len(ws))
	for i := range ws {
		weights[i] = 1
	}
	if repeats && !slices.ContainsFunc(secs, func(v float64) bool { return !(v > 0) }) {
		copy(weights, secs)
	}
	var weightSum float64
	for _, v := range weights {
		weightSum += v
	}
	first := ws[0]
	out := Writer{Encoding: first.Encoding, Mode: first.Mode, Loop: first.Loop, BufferIntervalMS: first.BufferIntervalMS,
		MaxFlushCalls: first.MaxFlushCalls, Nodes: len(ws)}
	if repeats {
		out.Nodes, out.Node = first.Nodes, first.Node
	}
	var lag, perFlush, wait *hdrhistogram.Histogram
	kinds := map[string]*WriterKind{}
	var kindOrder []string
	secAcc := map[int]*WriterSecond{}
	secWriters := map[int]int{} // concurrent: writers that reported the second
	lastSec := -1
	var busy float64
	var nodeOrder []string
	type entry struct{ run, node int }
	perNode := map[string][]entry{} // repeats of fleets: each node's entries
	for i, w := range ws {
		if w.Encoding != first.Encoding || w.Mode != first.Mode || w.Loop != first.Loop {
			return Writer{}, fmt.Errorf("%w: writer %d is %s %s %s, writer 1 %s %s %s", ErrMerge, i+1, w.Encoding, w.Mode, w.Loop, first.Encoding, first.Mode, first.Loop)
		}
		if repeats {
			out.Writers = max(out.Writers, w.Writers)
			out.TransactionsPerSec += w.TransactionsPerSec * weights[i] / weightSum
			out.CommandsPerSec += w.CommandsPerSec * weights[i] / weightSum
			busy += w.Busy * weights[i] / weightSum
		} else {
			out.Writers += w.Writers
			out.TransactionsPerSec += w.TransactionsPerSec
			out.CommandsPerSec += w.CommandsPerSec
			busy += w.Busy * float64(w.Writers)
		}
		out.Calls += w.Calls
		out.Transactions += w.Transactions
		out.Commands += w.Commands
		out.Reads += w.Reads
		out.Flushes += w.Flushes
		out.SplitFlushes += w.SplitFlushes
		if w.QueueMax != nil {
			q := *w.QueueMax
			if out.QueueMax != nil {
				q = max(q, *out.QueueMax)
			}
			out.QueueMax = &q
		}
		var err error
		if lag, err = mergeEncoded(lag, w.LagHDR, w.Calls > 0 && w.Lag.Max > 0); err != nil {
			return Writer{}, fmt.Errorf("writer %d (%s) lag_hdr: %w", i+1, w.Node, err)
		}
		if perFlush, err = mergeEncoded(perFlush, w.CallsPerFlushHDR, w.CallsPerFlush != nil); err != nil {
			return Writer{}, fmt.Errorf("writer %d (%s) calls_per_flush_hdr: %w", i+1, w.Node, err)
		}
		if wait, err = mergeEncoded(wait, w.FlushWaitHDR, w.FlushWait != nil); err != nil {
			return Writer{}, fmt.Errorf("writer %d (%s) flush_wait_hdr: %w", i+1, w.Node, err)
		}
		for _, k := range w.Kinds {
			a := kinds[k.Name]
			if a == nil {
				a = &WriterKind{Name: k.Name}
				kinds[k.Name] = a
				kindOrder = append(kindOrder, k.Name)
			}
			a.Calls += k.Calls
			a.Transactions += k.Transactions
			a.Commands += k.Commands
			a.Reads += k.Reads
		}
		for _, s := range w.Series {
			t := s.T
			if repeats {
				t += offsets[i]
			}
			a := secAcc[t]
			if a == nil {
				a = &WriterSecond{T: t}
				secAcc[t] = a
			}
			a.Calls += s.Calls
			a.Transactions += s.Transactions
			a.Commands += s.Commands
			a.QueueMax = max(a.QueueMax, s.QueueMax)
			a.Busy += s.Busy * float64(max(1, w.Writers))
			secWriters[t] += max(1, w.Writers)
			lastSec = max(lastSec, t)
		}
		if !repeats {
			out.PerNode = append(out.PerNode, w)
			continue
		}
		for j, n := range w.PerNode {
			if _, ok := perNode[n.Node]; !ok {
				nodeOrder = append(nodeOrder, n.Node)
			}
			perNode[n.Node] = append(perNode[n.Node], entry{i, j})
		}
	}
	if repeats {
		out.Busy = busy
	} else if out.Writers > 0 {
		out.Busy = busy / float64(out.Writers)
	}
	for _, name := range kindOrder {
		out.Kinds = append(out.Kinds, *kinds[name])
	}
	for t := 0; t <= lastSec; t++ {
		s := WriterSecond{T: t}
		if a := secAcc[t]; a != nil {
			s = *a
			// Concurrent: the mean over every writer of the merge (one
			// that reported nothing this second was idle); repeats: over
			// the writers of the run that had this second.
			n := out.Writers
			if repeats {
				n = secWriters[t]
			}
			s.Busy /= float64(max(1, n))
		}
		out.Series = append(out.Series, s)
	}
	for _, node := range nodeOrder {
		var nws []Writer
		var nsecs []float64
		var noffs []int
		for _, e := range perNode[node] {
			nws = append(nws, ws[e.run].PerNode[e.node])
			nsecs = append(nsecs, secs[e.run])
			noffs = append(noffs, offsets[e.run])
		}
		m, err := mergeWriters(nws, nsecs, noffs)
		if err != nil {
			return Writer{}, fmt.Errorf("node %s: %w", node, err)
		}
		out.PerNode = append(out.PerNode, m)
	}
	var err error
	if lag != nil && lag.TotalCount() > 0 {
		out.Lag = Summarize(lag)
		if out.LagHDR, err = EncodeHDR(lag); err != nil {
			return Writer{}, err
		}
	}
	if perFlush != nil && perFlush.TotalCount() > 0 {
		c := Counts{Min: float64(perFlush.Min()), Mean: perFlush.Mean(), P50: float64(perFlush.ValueAtQuantile(50)),
			P90: float64(perFlush.ValueAtQuantile(90)), P99: float64(perFlush.ValueAtQuantile(99)), Max: float64(perFlush.Max())}
		out.CallsPerFlush = &c
		if out.CallsPerFlushHDR, err = EncodeHDR(perFlush); err != nil {
			return Writer{}, err
		}
	}
	if wait != nil && wait.TotalCount() > 0 {
		l := Summarize(wait)
		out.FlushWait = &l
		if out.FlushWaitHDR, err = EncodeHDR(wait); err != nil {
			return Writer{}, err
		}
	}
	out.TransactionsPerSec = math.Round(out.TransactionsPerSec*1000) / 1000
	out.CommandsPerSec = math.Round(out.CommandsPerSec*1000) / 1000
	return out, nil
}

// mergeEncoded adds the encoded histogram s into dst (made on first use).
// A summary without its histogram (want true, s empty) cannot be merged
// losslessly and is refused.
func mergeEncoded(dst *hdrhistogram.Histogram, s string, want bool) (*hdrhistogram.Histogram, error) {
	if s == "" {
		if want {
			return dst, fmt.Errorf("%w: a summary without its histogram", ErrMerge)
		}
		return dst, nil
	}
	if dst == nil {
		dst = NewHistogram()
	}
	return dst, mergeHDR(dst, s)
}
