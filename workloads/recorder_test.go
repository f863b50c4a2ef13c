package workloads

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/redis/go-redis/v9"
)

// BenchmarkRecord measures the engine's recording cost per operation: both
// histograms, the per-second histogram, counters and lateness, and in open
// loop the sender's own lateness. The budget is 50 ns.
func BenchmarkRecord(b *testing.B) {
	for _, open := range []bool{false, true} {
		b.Run("open="+strconv.FormatBool(open), func(b *testing.B) {
			r := newRecorder(2, open, time.Now(), time.Millisecond)
			op := &Op{}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				// ~1 us per op of simulated time so seconds rotate as in a
				// 1M ops/s run.
				at := time.Duration(i) * time.Microsecond
				r.record(i&1, at, at+time.Duration(i%50)*time.Microsecond, at+time.Duration(100+i%400)*time.Microsecond, op, 40, 300)
				if open {
					r.recordSendLate(time.Duration(i % 3000))
				}
			}
		})
	}
}

// BenchmarkOverheadPerOp is the engine's whole per-op cost outside go-redis:
// raw's Next (which builds the go-redis command), byte estimates, recording.
func BenchmarkOverheadPerOp(b *testing.B) {
	r := newRecorder(2, true, time.Now(), time.Millisecond)
	w := &rawWorker{rawPicker: rawPicker{w: &rawWorkload{spec: &Spec{Keys: 10, ValueSize: 256}, keys: []any{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"}, value: string(make([]byte, 256))}}}
	op := &Op{}
	w.rng = (&Env{Seed: 1}).Rand(1)
	w.w.readRatio = 0.5
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		at := time.Duration(i) * time.Microsecond
		op.Cmds = op.Cmds[:0]
		_ = w.Next(context.Background(), op)
		r.record(op.Kind, at, at, at+100*time.Microsecond, op, requestBytes(op), replyBytes(op))
	}
}

func TestRecordDoesNotAllocate(t *testing.T) {
	r := newRecorder(1, true, time.Now(), time.Millisecond)
	op := &Op{}
	r.record(0, 0, 0, time.Microsecond, op, 1, 1) // first use allocates the kind
	r.recordSendLate(time.Microsecond)            // and the lateness histogram
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		at := time.Duration(i) * time.Microsecond // stays within second 0
		r.record(0, at, at, at+50*time.Microsecond, op, 1, 1)
		r.recordSendLate(time.Duration(i) * time.Nanosecond)
		i++
	})
	if allocs != 0 {
		t.Errorf("record allocates %.1f times per op, want 0", allocs)
	}
}

func TestRecorderSeconds(t *testing.T) {
	r := newRecorder(2, true, time.Now(), time.Millisecond)
	s := time.Second
	r.record(0, 0, 0, 100*time.Microsecond, nil, 0, 0)
	r.record(1, 0, 0, 200*time.Microsecond, nil, 0, 0)
	r.record(0, s, s, s+300*time.Microsecond, nil, 0, 0)         // second 1
	r.recordError(0, 3*s+time.Millisecond, Classify(errTimeout)) // second 3; 2 is empty
	if w := r.watermark.Load(); w != 3 {
		t.Errorf("watermark %d, want 3", w)
	}
	got := r.take()
	if len(got) != 3 {
		t.Fatalf("took %d snapshots, want 3 (second 0 x 2 kinds, second 1)", len(got))
	}
	r.close()
	last := r.take()
	if len(last) != 1 || last[0].sec != 3 || last[0].errors != 1 || last[0].count != 0 {
		t.Errorf("last second %+v", last)
	}
	if r.errs.Timeout != 1 {
		t.Errorf("errors %+v, want one timeout", r.errs)
	}
}

var errTimeout = timeoutErr{}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestClassify(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 1)
	ctx := context.Background()
	c.Set(ctx, "k", "v", 0)
	wrongType := c.LPush(ctx, "k", "x").Err()
	// A port nobody listens on: the throwaway server's port after a restart
	// elsewhere is not guaranteed free, so use a closed listener's port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	refused := connect.NewClient(connect.ClientOptions{Addr: addr, MaxRetries: -1}).Ping(ctx).Err()
	tests := []struct {
		name string
		err  error
		want ErrorClass
	}{
		{"error reply", wrongType, ClassServer},
		{"refused", refused, ClassConnection},
		{"eof", fmt.Errorf("read: %w", io.EOF), ClassConnection},
		{"net timeout", &net.OpError{Op: "read", Err: errTimeout}, ClassTimeout},
		{"deadline", context.DeadlineExceeded, ClassTimeout},
		{"pool timeout", redis.ErrPoolTimeout, ClassTimeout},
		{"decode", fmt.Errorf("order: %w: bad msgpack", ErrDecode), ClassDecode},
		{"other", errors.New("boom"), ClassOther},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("%s: no error to classify", tt.name)
			continue
		}
		if have := Classify(tt.err); have != tt.want {
			t.Errorf("%s: Classify(%v) = %v, want %v", tt.name, tt.err, have, tt.want)
		}
	}
}
