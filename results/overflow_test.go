package results

import (
	"testing"
	"time"
)

// TestOverflowCounted records latencies beyond the histogram's hour: they
// land at the top and are counted as overflow, and every figure they decide
// reads as ">= 1h", never as a plausible value at the top.
func TestOverflowCounted(t *testing.T) {
	h := NewHistogram()
	for i := 0; i < 97; i++ {
		h.RecordValue(ClampUs(500 * time.Microsecond))
	}
	for _, d := range []time.Duration{61 * time.Minute, 2 * time.Hour, 100 * time.Hour} {
		if err := h.RecordValue(ClampUs(d)); err != nil {
			t.Fatalf("record %s: %v", d, err)
		}
	}
	l := Summarize(h)
	if l.Overflow != 3 || l.Count != 100 {
		t.Errorf("overflow %d count %d, want 3 of 100", l.Overflow, l.Count)
	}
	if !Beyond(l.Max) || !Beyond(l.P99) {
		t.Errorf("max %v p99 %v: want both at or beyond the top", l.Max, l.P99)
	}
	if Beyond(l.P90) || l.P90 > 600 {
		t.Errorf("p90 %v: the overflow must not move the body of the distribution", l.P90)
	}
	if got := fmtUs(l.Max); got != BeyondLabel {
		t.Errorf("max shown as %q, want %q", got, BeyondLabel)
	}
	// Through the file format and a merge the overflow survives.
	op, err := OpFromHistograms("set", ClassWrite, "raw", h, nil, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeHDR(op.ResponseHDR)
	if err != nil {
		t.Fatal(err)
	}
	if got := Overflow(back); got != 3 {
		t.Errorf("decoded overflow %d, want 3", got)
	}
	m, err := MergeHDRs(op.ResponseHDR, op.ResponseHDR)
	if err != nil {
		t.Fatal(err)
	}
	if got := Overflow(m); got != 6 {
		t.Errorf("merged overflow %d, want 6", got)
	}
	// An hour of latency is held, not clamped: 59 minutes is its own value.
	h2 := NewHistogram()
	h2.RecordValue(ClampUs(59 * time.Minute))
	if l := Summarize(h2); l.Overflow != 0 || Beyond(l.Max) || l.Max < 59*60e6*0.999 {
		t.Errorf("59 minutes: %+v", l)
	}
}

func TestOverflowNs(t *testing.T) {
	h := NewSendLateHistogram()
	h.RecordValue(ClampNs(100*time.Nanosecond, SendLateMaxNs))
	h.RecordValue(ClampNs(3*time.Hour, SendLateMaxNs))
	l := SummarizeNs(h)
	if l.Overflow != 1 || l.Min > 0.11 || !Beyond(l.Max) {
		t.Errorf("send lateness summary %+v: want min 0.1 us, one overflow at >= 1h", l)
	}
	c := NewCodecHistogram()
	c.RecordValue(ClampNs(2*time.Minute, CodecMaxNs))
	if got := Overflow(c); got != 1 {
		t.Errorf("codec overflow %d, want 1", got)
	}
}

func TestKnownHDRRange(t *testing.T) {
	for _, h := range []interface {
		LowestTrackableValue() int64
		HighestTrackableValue() int64
	}{NewHistogram(), NewCodecHistogram(), NewSendLateHistogram()} {
		if !KnownHDRRange(h.LowestTrackableValue(), h.HighestTrackableValue()) {
			t.Errorf("range %d..%d not known", h.LowestTrackableValue(), h.HighestTrackableValue())
		}
	}
	if !KnownHDRRange(1, 60_000_000) || KnownHDRRange(1, 1<<62) || KnownHDRRange(0, HistMaxUs) {
		t.Error("legacy or foreign ranges misjudged")
	}
}
