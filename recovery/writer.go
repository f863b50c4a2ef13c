package recovery

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/node/keyspace"
)

// sendTimeout bounds one transaction of the live writers: a transaction cut
// by the restart must end (in doubt) rather than hold the writer.
const sendTimeout = 2 * time.Second

// Writer is the node's cache writer (trading-cache-model.md, "The write
// path"): one connection, each message (one Redis command) sent in order.
// Unbuffered, every message is its own MULTI/EXEC and the next waits for
// its reply (cache.rs:667-694,741-745); with a buffer interval, messages
// queue and every interval of wall-clock time the queue goes as one
// MULTI/EXEC, the timer then reset to now+interval (cache.rs:658-691,
// 750-764). Every transaction's outcome goes to the Ledger. A Writer is not
// safe for concurrent use.
type Writer struct {
	rdb      redis.Cmdable
	l        *Ledger
	interval time.Duration
	queue    Call        // buffered: the queued messages' commands
	steps    []queueStep // buffered: how they are sent, when some are direct
	due      time.Time

	calls, failed atomic.Int64
}

// queueStep is a run of queued commands that a buffered flush sends one
// way: queued messages accumulate into one MULTI/EXEC, a direct step (a
// Read or a Tx, the Rust update_order's) goes alone.
type queueStep struct {
	kind keyspace.StepKind
	n    int
}

// SteppedSource is a Source whose calls are not one message per command:
// the Rust LiveNode's (ScenarioSource with a Rust node). The writers send
// its calls with WriteSteps.
type SteppedSource interface {
	Source
	NextSteps() (Call, []keyspace.Step)
}

// Calls counts the cache calls handed to Write so far; it may be read
// while another goroutine writes.
func (w *Writer) Calls() int64 { return w.calls.Load() }

// Failed counts the transactions that were not acknowledged (not sent or
// in doubt).
func (w *Writer) Failed() int64 { return w.failed.Load() }

// NewWriter returns a writer on rdb (one connection: PoolSize 1, no
// retries) recording into l; bufferInterval 0 sends every message as its
// own transaction.
func NewWriter(rdb redis.Cmdable, l *Ledger, bufferInterval time.Duration) *Writer {
	return &Writer{rdb: rdb, l: l, interval: bufferInterval, due: time.Now().Add(bufferInterval)}
}

// Write hands the writer one cache call. Unbuffered, its messages are sent
// now, one transaction each, in order; the first that is not acknowledged
// ends the call (the node would try the rest against the same failing
// server; they are not sent, so the Ledger expects nothing of them). It
// returns whether every message was acknowledged. Buffered, the messages
// join the queue and Write returns true.
func (w *Writer) Write(ctx context.Context, c Call) bool {
	w.calls.Add(1)
	if w.interval > 0 {
		w.queue = append(w.queue, c...)
		w.steps = append(w.steps, queueStep{keyspace.Queued, len(c)})
		return true
	}
	for _, cmd := range c {
		if !w.send(ctx, Call{cmd}) {
			return false
		}
	}
	return true
}

// WriteSteps hands the writer one cache call of a node whose messages are
// not one per command (keyspace.Step): a Queued step is one message (its
// own MULTI/EXEC unbuffered, a part of the next flush's buffered), a Read
// is a plain command whose reply the writer awaits, a Tx a MULTI/EXEC of
// its own (cache.rs:816-829,882-928). Buffered, every step joins the queue
// and the flush sends the direct ones alone, in order (drain_buffer,
// cache.rs:766-862), as the workloads' writer does. The node decodes the
// list its Read returned before the index Tx (Step.Decode); this writer
// does not: what Redis holds is the same, and recovery judges what Redis
// kept, not the writer's CPU. Unbuffered, the first step not acknowledged
// ends the call, as in Write.
func (w *Writer) WriteSteps(ctx context.Context, c Call, steps []keyspace.Step) bool {
	w.calls.Add(1)
	if w.interval > 0 {
		w.queue = append(w.queue, c...)
		for _, st := range steps {
			w.steps = append(w.steps, queueStep{st.Kind, st.N})
		}
		return true
	}
	i := 0
	for _, st := range steps {
		if !w.sendStep(ctx, st.Kind, c[i:i+st.N]) {
			return false
		}
		i += st.N
	}
	return true
}

// sendStep sends one step now: a Read as a plain command (it changes
// nothing, so the Ledger does not see it), anything else as one
// MULTI/EXEC.
func (w *Writer) sendStep(ctx context.Context, kind keyspace.StepKind, cmds Call) bool {
	if kind != keyspace.Read {
		return w.send(ctx, cmds)
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	// A pipeline of the plain commands: one round trip, no MULTI.
	_, err := w.rdb.Pipelined(sctx, func(p redis.Pipeliner) error {
		for _, cmd := range cmds {
			p.Do(sctx, []any(cmd)...)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		w.failed.Add(1)
		return false
	}
	return true
}

// Due is when the next flush is due; zero for an unbuffered writer.
func (w *Writer) Due() time.Time {
	if w.interval <= 0 {
		return time.Time{}
	}
	return w.due
}

// Flush sends the queued messages as one MULTI/EXEC, if there are any, and
// resets the timer to now+interval. It returns whether the queue was
// acknowledged; a failed flush is not retried (the node logs it).
func (w *Writer) Flush(ctx context.Context) bool {
	ok := w.drain(ctx)
	w.queue, w.steps = nil, nil
	w.due = time.Now().Add(w.interval)
	return ok
}

// drain sends the queue: its queued messages as one MULTI/EXEC, split by
// direct steps, each sent alone after what accumulated before it. It stops
// at the first send not acknowledged.
func (w *Writer) drain(ctx context.Context) bool {
	i, from := 0, 0 // w.queue[from:i] has accumulated
	for _, st := range w.steps {
		if st.kind == keyspace.Queued {
			i += st.n
			continue
		}
		if i > from && !w.send(ctx, w.queue[from:i]) {
			return false
		}
		if !w.sendStep(ctx, st.kind, w.queue[i:i+st.n]) {
			return false
		}
		i += st.n
		from = i
	}
	return i == from || w.send(ctx, w.queue[from:i])
}

func (w *Writer) send(ctx context.Context, tx Call) bool {
	// A transaction cut by the writers' own stop must still be judged: its
	// context outlives theirs.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	out, err := Send(sctx, w.rdb, w.l, tx)
	cancel()
	if err != nil || out != Acked {
		w.failed.Add(1)
		return false
	}
	return true
}

// write sends src's order flow, one cache call every interval, through w
// until ctx ends, then flushes what is queued. After a failure (the server
// is down) it pauses briefly; after an outage it does not burst to catch
// up.
func write(ctx context.Context, w *Writer, src Source, interval time.Duration, failures *atomic.Int64) {
	defer func() {
		if w.interval > 0 && !w.Flush(ctx) {
			failures.Add(1)
		}
	}()
	next := time.Now()
	for ctx.Err() == nil {
		wake := next
		if due := w.Due(); !due.IsZero() && due.Before(wake) {
			wake = due
		}
		if d := time.Until(wake); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return
			}
		}
		now := time.Now()
		if due := w.Due(); !due.IsZero() && !now.Before(due) {
			if !w.Flush(ctx) {
				failures.Add(1)
			}
		}
		if now.Before(next) {
			continue
		}
		if now.Sub(next) > 100*time.Millisecond {
			next = now // do not burst to catch up after an outage
		}
		next = next.Add(interval)
		var ok bool
		if ss, stepped := src.(SteppedSource); stepped {
			c, steps := ss.NextSteps()
			if len(c) == 0 {
				return // the source has nothing more to write
			}
			ok = w.WriteSteps(ctx, c, steps)
		} else {
			c := src.Next()
			if len(c) == 0 {
				return // the source has nothing more to write
			}
			ok = w.Write(ctx, c)
		}
		if !ok {
			failures.Add(1)
			select {
			case <-time.After(5 * time.Millisecond):
			case <-ctx.Done():
				return
			}
		}
	}
}
