package results

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// relRun is one run of raw with one op kind, measured from start for dur
// seconds at rate ops/s, with a per-second series.
func relRun(t *testing.T, id string, start time.Time, dur int, rate float64) *Run {
	t.Helper()
	h := NewHistogram()
	n := int(rate) * dur
	for i := 0; i < n; i++ {
		h.RecordValue(int64(100 + i%50))
	}
	op, err := OpFromHistograms("set", ClassWrite, "raw", h, nil, time.Duration(dur)*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s < dur; s++ {
		sh := NewHistogram()
		sh.RecordValues(120, int64(rate))
		enc, _ := EncodeHDR(sh)
		op.Series = append(op.Series, Second{T: s, Count: int64(rate), P50: 120, P99: 120, Max: 120, HDR: enc})
	}
	end := start.Add(time.Duration(dur) * time.Second)
	r := NewRun(Meta{RunID: id, Start: start.Add(-time.Second), End: end.Add(time.Second), MeasuredStart: start, MeasuredEnd: end,
		MeasuredSec: float64(dur), Workload: Workload{Name: "raw", Connections: 50, Pipeline: 1, DurationSec: float64(dur), Keys: 10000}})
	r.Ops = []Op{op}
	r.Pacing = []Pacing{{Encoding: "raw", Mode: "closed", AchievedRate: rate}}
	return r
}

func TestMergeRepeatsMeanRate(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)
	a := relRun(t, "a", t0, 10, 14410)
	b := relRun(t, "b", t0.Add(15*time.Second), 10, 9919)
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Meta.Merge != MergeRepeats {
		t.Fatalf("merge %q, want repeats", m.Meta.Merge)
	}
	op := m.Ops[0]
	if want := (14410.0 + 9919) / 2; op.Rate != want {
		t.Errorf("rate %v, want the mean %v (not the sum %v)", op.Rate, want, 14410.0+9919)
	}
	if op.Count != a.Ops[0].Count+b.Ops[0].Count {
		t.Errorf("count %d, want the sum", op.Count)
	}
	if p := m.Pacing[0]; p.AchievedRate != (14410.0+9919)/2 {
		t.Errorf("achieved %v, want the mean", p.AchievedRate)
	}
	if len(m.Repeats) != 2 || m.Repeats[0].Ops[0].Rate != 14410 || m.Repeats[1].Ops[0].Rate != 9919 {
		t.Errorf("repeats %+v: want each run's own rate kept", m.Repeats)
	}
	// The series follow each other, so each second is still one second's load.
	if len(op.Series) != 20 || op.Series[10].T != 10 || op.Series[10].Count != 9919 || op.Series[9].Count != 14410 {
		t.Errorf("series: %d seconds, second 9 %+v, 10 %+v", len(op.Series), op.Series[9], op.Series[10])
	}
	if m.Meta.MeasuredSec != 20 || m.Meta.Workload.Connections != 50 {
		t.Errorf("measured %v connections %d", m.Meta.MeasuredSec, m.Meta.Workload.Connections)
	}
	// Forcing the other reading sums them.
	c, err := MergeWith(MergeOptions{As: MergeConcurrent}, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if c.Ops[0].Rate != 14410+9919 {
		t.Errorf("--as concurrent: rate %v, want the sum", c.Ops[0].Rate)
	}
}

func TestMergeConcurrentSumsRate(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)
	a := relRun(t, "a", t0, 10, 5000)
	b := relRun(t, "b", t0.Add(1*time.Second), 10, 3000)
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Meta.Merge != MergeConcurrent || m.Ops[0].Rate != 8000 || m.Meta.Workload.Connections != 100 || m.Pacing[0].AchievedRate != 8000 {
		t.Errorf("merge %q rate %v connections %d achieved %v: want concurrent, summed", m.Meta.Merge, m.Ops[0].Rate, m.Meta.Workload.Connections, m.Pacing[0].AchievedRate)
	}
	// b started a second later: its second 0 is the merge's second 1.
	op := m.Ops[0]
	if len(op.Series) != 11 || op.Series[0].Count != 5000 || op.Series[1].Count != 8000 || op.Series[10].Count != 3000 {
		t.Errorf("series %d seconds: %d %d ... %d", len(op.Series), op.Series[0].Count, op.Series[1].Count, op.Series[len(op.Series)-1].Count)
	}
	if len(m.Repeats) != 0 {
		t.Errorf("concurrent merge kept repeats %+v", m.Repeats)
	}
}

func TestMergeRefuses(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)
	a := relRun(t, "a", t0, 10, 1000)
	other := relRun(t, "b", t0.Add(20*time.Second), 10, 1000)
	other.Meta.Workload.Name, other.Meta.Workload.Pipeline = "order-flow", 16
	_, err := Merge(a, other)
	if !errors.Is(err, ErrMerge) || !strings.Contains(err.Error(), "workload raw vs order-flow") || !strings.Contains(err.Error(), "pipeline 1 vs 16") || !strings.Contains(err.Error(), "--force") {
		t.Errorf("different workloads: err = %v", err)
	}
	m, err := MergeWith(MergeOptions{Force: true}, a, other)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(m.Warnings, "\n"), "workload raw vs order-flow") {
		t.Errorf("--force: warnings %q do not say what differs", m.Warnings)
	}
	// Overlapping by a third: neither concurrent nor one after the other.
	c := relRun(t, "c", t0.Add(7*time.Second), 10, 1000)
	if _, err := Merge(a, c); !errors.Is(err, ErrMerge) || !strings.Contains(err.Error(), "--as") {
		t.Errorf("partial overlap: err = %v", err)
	}
	// Two concurrent and one after them.
	d := relRun(t, "d", t0, 10, 1000)
	e := relRun(t, "e", t0.Add(30*time.Second), 10, 1000)
	if _, err := Merge(a, d, e); !errors.Is(err, ErrMerge) || !strings.Contains(err.Error(), "merge each group") {
		t.Errorf("mixed: err = %v", err)
	}
	if _, err := MergeWith(MergeOptions{As: "sideways"}, a, d); !errors.Is(err, ErrMerge) {
		t.Errorf("bad --as: err = %v", err)
	}
	// Seeds and trader ids may differ.
	f := relRun(t, "f", t0, 10, 1000)
	f.Meta.Workload.Seed = 99
	f.Meta.Workload.Params = map[string]any{"trader_id": "GEN-2"}
	if _, err := Merge(a, f); err != nil {
		t.Errorf("seed and trader id differ: %v", err)
	}
}
