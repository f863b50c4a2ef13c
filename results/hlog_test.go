package results_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/rbench/rbench/results"
)

// secondsRun is a run of two op kinds under two encodings with per-second
// response histograms (microseconds, 2 digits as the engine records them),
// one second without replies.
func secondsRun(t *testing.T) *results.Run {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	run := results.NewRun(results.Meta{RunID: "r1", Start: time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC)})
	for _, enc := range []string{"msgpack", "json"} {
		for _, name := range []string{"add_order", "update_order"} {
			op := results.Op{Name: name, Class: results.ClassWrite, Encoding: enc}
			for sec := 0; sec < 5; sec++ {
				s := results.Second{T: sec}
				if sec != 2 {
					h := hdrhistogram.New(results.HistMinUs, results.HistMaxUs, 2)
					n := 200 + rng.IntN(800)
					for i := 0; i < n; i++ {
						_ = h.RecordValue(int64(50 + rng.ExpFloat64()*300))
					}
					s.Count = h.TotalCount()
					s.HDR, _ = results.EncodeHDR(h)
				}
				op.Series = append(op.Series, s)
			}
			run.Ops = append(run.Ops, op)
		}
	}
	return run
}

// readIntervalLog reads a log back with hdrhistogram-go's reader: the
// histograms by tag, in order.
func readIntervalLog(t *testing.T, r io.Reader) map[string][]*hdrhistogram.Histogram {
	t.Helper()
	lr := hdrhistogram.NewHistogramLogReader(r)
	out := map[string][]*hdrhistogram.Histogram{}
	for {
		h, err := lr.NextIntervalHistogram()
		if err != nil {
			t.Fatal(err)
		}
		if h == nil {
			return out
		}
		out[h.Tag()] = append(out[h.Tag()], h)
	}
}

// TestIntervalLogReadsBack writes the interval log and reads it back with
// the same library: one histogram per second per op kind, tagged, whose
// counts are the series' counts, whose values are the series' in
// nanoseconds (p50, p99 and max within the 1% the per-second histograms
// keep), one second apart from the pass's start.
func TestIntervalLogReadsBack(t *testing.T) {
	run := secondsRun(t)
	var buf bytes.Buffer
	if err := results.WriteIntervalLog(&buf, run); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{"#[Histogram log format version 1.3]", "#[StartTime: ", "#[BaseTime: ", "values in nanoseconds", "Tag=add_order@msgpack,"} {
		if !strings.Contains(text, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	got := readIntervalLog(t, &buf)
	if len(got) != len(run.Ops) {
		t.Fatalf("%d tags read back, want %d", len(got), len(run.Ops))
	}
	start := results.PassStart(run, "msgpack")
	for _, op := range run.Ops {
		hs := got[results.IntervalTag(op)]
		if len(hs) != len(op.Series) {
			t.Fatalf("%s: %d intervals, want %d", results.IntervalTag(op), len(hs), len(op.Series))
		}
		for i, s := range op.Series {
			h := hs[i]
			if h.TotalCount() != s.Count {
				t.Errorf("%s second %d: %d values, the series says %d", results.IntervalTag(op), s.T, h.TotalCount(), s.Count)
			}
			if want := start.Add(time.Duration(s.T) * time.Second).UnixMilli(); h.StartTimeMs() != want || h.EndTimeMs() != want+1000 {
				t.Errorf("second %d: interval %d-%d ms, want %d-%d", s.T, h.StartTimeMs(), h.EndTimeMs(), want, want+1000)
			}
			if s.HDR == "" {
				continue
			}
			us, err := results.DecodeHDR(s.HDR)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []float64{50, 99, 100} {
				a, b := float64(us.ValueAtQuantile(q))*1000, float64(h.ValueAtQuantile(q))
				if math.Abs(a-b) > 0.01*a {
					t.Errorf("%s second %d p%v: %v ns read back, the series' %v us", results.IntervalTag(op), s.T, q, b, a/1000)
				}
			}
		}
	}
}

func TestIntervalTag(t *testing.T) {
	if got := results.IntervalTag(results.Op{Name: "a b,c", Encoding: "json"}); got != "a_b_c@json" {
		t.Errorf("%q", got)
	}
	if got := results.IntervalTag(results.Op{Name: "set", Encoding: "raw"}); got != "set@raw" {
		t.Errorf("%q", got)
	}
	bad := results.NewRun(results.Meta{})
	bad.Ops = []results.Op{{Name: "x", Series: []results.Second{{T: 0, Count: 1, HDR: "not a histogram"}}}}
	if err := results.WriteIntervalLog(io.Discard, bad); !errors.Is(err, results.ErrCorrupt) {
		t.Errorf("a corrupt second: %v, want ErrCorrupt", err)
	}
}
