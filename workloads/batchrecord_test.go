package workloads

import (
	"testing"
	"time"
)

// TestRecordBatchMatchesRecord: recording a pipelined batch once with a
// count leaves the same histograms, counters and per-second figures as
// recording each of its operations.
func TestRecordBatchMatchesRecord(t *testing.T) {
	start := time.Now()
	one := newRecorder(2, false, start, time.Millisecond)
	batch := newRecorder(2, false, start, time.Millisecond)
	cases := []struct {
		kind       int
		sent, done time.Duration
		n          int64
	}{
		{0, 10 * time.Microsecond, 350 * time.Microsecond, 16},
		{1, 10 * time.Microsecond, 350 * time.Microsecond, 3},
		{0, 900 * time.Millisecond, 1100 * time.Millisecond, 7}, // crosses into second 1
		{1, 2 * time.Second, 2*time.Second + 42*time.Millisecond, 1},
	}
	for _, c := range cases {
		for i := int64(0); i < c.n; i++ {
			one.record(c.kind, c.sent, c.sent, c.done, &Op{}, 40, 300)
		}
		batch.recordBatch(c.kind, c.sent, c.done, c.n, 40*c.n, 300*c.n)
	}
	one.close()
	batch.close()
	for k := range 2 {
		a, b := one.kinds[k], batch.kinds[k]
		if a.count != b.count || a.bytesSent != b.bytesSent || a.bytesRcv != b.bytesRcv {
			t.Errorf("kind %d: count/bytes %d/%d/%d, batch %d/%d/%d", k, a.count, a.bytesSent, a.bytesRcv, b.count, b.bytesSent, b.bytesRcv)
		}
		if !a.service.Equals(b.service) {
			t.Errorf("kind %d: service histograms differ", k)
		}
	}
	if one.ops.Load() != batch.ops.Load() {
		t.Errorf("ops %d, batch %d", one.ops.Load(), batch.ops.Load())
	}
	sa, sb := one.take(), batch.take()
	if len(sa) != len(sb) {
		t.Fatalf("%d finished seconds, batch %d", len(sa), len(sb))
	}
	for i := range sa {
		if sa[i].sec != sb[i].sec || sa[i].kind != sb[i].kind || sa[i].count != sb[i].count || !sa[i].hist.Equals(sb[i].hist) {
			t.Errorf("second %d: %+v vs %+v", i, sa[i], sb[i])
		}
	}
}
