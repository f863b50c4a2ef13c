package results

import (
	"fmt"
	"math"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// MergeWriters combines the writer figures of one encoding pass made by
// several nodes at once (a fleet) into the fleet's: counts and rates add,
// the lag, calls-per-flush and flush-wait histograms merge (percentiles
// recomputed, never averaged), Busy is the mean over every writer, the
// queue maximum the deepest, and per second the counts add and busy is the
// mean. The inputs become PerNode, each keeping its Node. Entries of
// different encodings, modes or loops are refused.
func MergeWriters(ws []Writer) (Writer, error) {
	if len(ws) == 0 {
		return Writer{}, fmt.Errorf("%w: no writer figures", ErrMerge)
	}
	first := ws[0]
	out := Writer{Encoding: first.Encoding, Mode: first.Mode, Loop: first.Loop, BufferIntervalMS: first.BufferIntervalMS,
		MaxFlushCalls: first.MaxFlushCalls, Nodes: len(ws)}
	var lag, perFlush, wait *hdrhistogram.Histogram
	kinds := map[string]*WriterKind{}
	var kindOrder []string
	secs := map[int]*WriterSecond{}
	lastSec := -1
	var busyWriters float64
	for i, w := range ws {
		if w.Encoding != first.Encoding || w.Mode != first.Mode || w.Loop != first.Loop {
			return Writer{}, fmt.Errorf("%w: writer %d is %s %s %s, writer 1 %s %s %s", ErrMerge, i+1, w.Encoding, w.Mode, w.Loop, first.Encoding, first.Mode, first.Loop)
		}
		out.Writers += w.Writers
		out.Calls += w.Calls
		out.Transactions += w.Transactions
		out.Commands += w.Commands
		out.TransactionsPerSec += w.TransactionsPerSec
		out.CommandsPerSec += w.CommandsPerSec
		out.Flushes += w.Flushes
		out.SplitFlushes += w.SplitFlushes
		busyWriters += w.Busy * float64(w.Writers)
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
		}
		for _, s := range w.Series {
			a := secs[s.T]
			if a == nil {
				a = &WriterSecond{T: s.T}
				secs[s.T] = a
			}
			a.Calls += s.Calls
			a.Transactions += s.Transactions
			a.Commands += s.Commands
			a.QueueMax = max(a.QueueMax, s.QueueMax)
			a.Busy += s.Busy * float64(max(1, w.Writers))
			lastSec = max(lastSec, s.T)
		}
		out.PerNode = append(out.PerNode, w)
	}
	if out.Writers > 0 {
		out.Busy = busyWriters / float64(out.Writers)
	}
	for _, name := range kindOrder {
		out.Kinds = append(out.Kinds, *kinds[name])
	}
	for t := 0; t <= lastSec; t++ {
		s := WriterSecond{T: t}
		if a := secs[t]; a != nil {
			s = *a
			s.Busy /= float64(max(1, out.Writers))
		}
		out.Series = append(out.Series, s)
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
