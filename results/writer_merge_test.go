package results

import (
	"math"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// writerRun is a run of one node (trader id) whose writer recorded the lag
// values lags (µs) over measured seconds with busy share busy, one series
// second per measured second.
func writerRun(t *testing.T, id string, start time.Time, measured float64, busy float64, lags []int64) *Run {
	t.Helper()
	h := NewHistogram()
	for _, v := range lags {
		if err := h.RecordValue(v); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := EncodeHDR(h)
	if err != nil {
		t.Fatal(err)
	}
	tx := int64(len(lags))
	w := Writer{Encoding: "msgpack", Mode: WriterUnbuffered, Loop: "open", Writers: 2, Calls: tx, Transactions: tx, Commands: tx,
		TransactionsPerSec: float64(tx) / measured, CommandsPerSec: float64(tx) / measured, Busy: busy,
		Lag: Summarize(h), LagHDR: enc, Kinds: []WriterKind{{Name: "add_order", Calls: tx, Transactions: tx, Commands: tx}}}
	for s := 0; s < int(measured); s++ {
		w.Series = append(w.Series, WriterSecond{T: s, Calls: 1, Transactions: 1, Commands: 1, Busy: busy})
	}
	end := start.Add(time.Duration(measured * float64(time.Second)))
	r := NewRun(Meta{Name: "order-flow", RunID: id, Start: start, End: end, MeasuredStart: start, MeasuredEnd: end, MeasuredSec: measured,
		Workload: Workload{Name: "order-flow", Connections: 2, TraderIDs: []string{id}}})
	r.Writer = []Writer{w}
	return r
}

func lagValues(n int, from int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = from + int64(i)
	}
	return out
}

// TestMergeWriterRepeats: repeats of one writer merge their lag
// histograms (the merged p99 is the p99 of every call, not the mean of
// the runs' p99s), add counts, and weigh Busy and the rates by each run's
// measured seconds; the series follow each other.
func TestMergeWriterRepeats(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	a := writerRun(t, "N-1", t0, 10, 0.2, lagValues(1000, 100))                    // 100 tx/s
	b := writerRun(t, "N-1", t0.Add(time.Minute), 30, 0.8, lagValues(6000, 50000)) // 200 tx/s
	m, err := MergeWith(MergeOptions{As: MergeRepeats}, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Writer) != 1 {
		t.Fatalf("%d writer entries, want 1", len(m.Writer))
	}
	w := m.Writer[0]
	all := NewHistogram()
	for _, v := range append(lagValues(1000, 100), lagValues(6000, 50000)...) {
		_ = all.RecordValue(v)
	}
	mean := (a.Writer[0].Lag.P99 + b.Writer[0].Lag.P99) / 2
	tests := []struct {
		name      string
		got, want float64
	}{
		{"calls", float64(w.Calls), 7000},
		{"writers (the same writers, one after another)", float64(w.Writers), 2},
		{"busy (weighted by measured seconds)", w.Busy, (0.2*10 + 0.8*30) / 40},
		{"transactions/s (total over total time)", w.TransactionsPerSec, 7000.0 / 40},
		{"lag p99 (merged histogram)", w.Lag.P99, Summarize(all).P99},
		{"lag count", float64(mustDecode(t, w.LagHDR).TotalCount()), 7000},
		{"series seconds", float64(len(w.Series)), 40},
		{"busy of a second of the second run", w.Series[35].Busy, 0.8},
		{"add_order calls", float64(w.Kinds[0].Calls), 7000},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.want) > 1e-9*math.Max(1, math.Abs(tt.want)) {
			t.Errorf("%s: %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if w.Lag.P99 == mean {
		t.Errorf("lag p99 %v is the mean of the runs' p99s", w.Lag.P99)
	}
}

// TestMergeWriterConcurrent: concurrent generators' writers add up (rates
// and writers), Busy is the mean over every writer, the histograms merge,
// and each run's entry is kept in PerNode under its trader id.
func TestMergeWriterConcurrent(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	a := writerRun(t, "N-1", t0, 10, 0.2, lagValues(1000, 100))
	b := writerRun(t, "N-2", t0, 10, 0.6, lagValues(3000, 9000))
	m, err := MergeWith(MergeOptions{As: MergeConcurrent}, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Writer) != 1 {
		t.Fatalf("%d writer entries, want 1", len(m.Writer))
	}
	w := m.Writer[0]
	if w.Writers != 4 || w.Calls != 4000 || w.TransactionsPerSec != 400 || math.Abs(w.Busy-0.4) > 1e-12 || len(w.Series) != 10 {
		t.Errorf("writers %d calls %d tx/s %v busy %v series %d; want 4, 4000, 400, 0.4, 10", w.Writers, w.Calls, w.TransactionsPerSec, w.Busy, len(w.Series))
	}
	if len(w.PerNode) != 2 || w.PerNode[0].Node != "N-1" || w.PerNode[1].Node != "N-2" || w.Nodes != 2 {
		t.Errorf("per node %d entries (nodes %d)", len(w.PerNode), w.Nodes)
	}
	if got := mustDecode(t, w.LagHDR).TotalCount(); got != 4000 {
		t.Errorf("merged lag holds %d values, want 4000", got)
	}
}

// TestMergeWriterRepeatsOfFleets: repeats of a fleet merge each node's
// entries with that node's, across the repeats.
func TestMergeWriterRepeatsOfFleets(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	fleet := func(start time.Time, n1, n2 int) *Run {
		a := writerRun(t, "N-1", start, 5, 0.1, lagValues(n1, 10))
		b := writerRun(t, "N-2", start, 5, 0.3, lagValues(n2, 20))
		m, err := MergeWith(MergeOptions{As: MergeConcurrent}, a, b)
		if err != nil {
			t.Fatal(err)
		}
		m.Meta.Merge, m.Meta.Sources = "", nil
		return m
	}
	m, err := MergeWith(MergeOptions{As: MergeRepeats}, fleet(t0, 100, 200), fleet(t0.Add(time.Minute), 300, 400))
	if err != nil {
		t.Fatal(err)
	}
	w := m.Writer[0]
	if w.Calls != 1000 || w.Writers != 4 || w.Nodes != 2 || len(w.PerNode) != 2 {
		t.Fatalf("calls %d writers %d nodes %d per node %d; want 1000, 4, 2, 2", w.Calls, w.Writers, w.Nodes, len(w.PerNode))
	}
	for i, want := range []struct {
		node  string
		calls int64
	}{{"N-1", 400}, {"N-2", 600}} {
		if p := w.PerNode[i]; p.Node != want.node || p.Calls != want.calls || len(p.Series) != 10 {
			t.Errorf("per node %d: %s %d calls, %d seconds; want %s %d, 10", i, p.Node, p.Calls, len(p.Series), want.node, want.calls)
		}
	}
}

func mustDecode(t *testing.T, s string) *hdrhistogram.Histogram {
	t.Helper()
	h, err := DecodeHDR(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
