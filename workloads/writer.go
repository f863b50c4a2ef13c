package workloads

// The node's cache writer (crates/infrastructure/src/redis/cache.rs:18-34,
// 333, 654-773 at 1.231.0). One background task owns the write connection
// and drains an unbounded queue of messages, each one Redis command (one
// _backing.insert/update/delete):
//
//   - unbuffered (buffer_interval_ms unset or 0), each message is drained at
//     once as its own MULTI/EXEC and awaited before the next;
//   - buffered, a wall-clock timer drains everything queued as ONE
//     MULTI/EXEC, and is reset to now+interval after each flush.
//
// In the engine every connection of a Definition.Writer workload is one
// such writer, and an Op with Writer set is one cache call: its Cmds are
// its messages. Unbuffered calls go through phase.work like any operation
// and are sent by sendCall; buffered writers run workBuffered instead of
// work. Both record each call under its own op kind, with its response
// time from its intended time to the reply of its last transaction (its
// flush's, buffered): the writer's lag, what a node loses on a crash. Each
// writer also keeps a writerRec: transactions and commands per call kind,
// the time spent in round trips (busy), and, open loop, the queue of calls
// due but not yet taken; buffered, the calls per flush and each call's
// wait for its flush.
//
// Closed loop, an unbuffered writer takes the next call as soon as the
// last reply arrived: it is always busy and nothing ever waits, so there is
// no queue to report and lag equals service time. A buffered writer in
// closed loop queues calls as fast as rbench builds them, up to
// MaxFlushCalls per flush, and flushes on its timer: each call's intended
// time is when it was queued, so its lag is its wait for the flush plus the
// flush's round trip. That is the most a writer can drain at that interval
// from this client, not a node's event rate: use --rate for that.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// MaxFlushCalls bounds the calls in one buffered MULTI/EXEC. Upstream has
// no bound; rbench needs one so that its memory stays bounded when a
// writer falls far behind (a queued call with its go-redis commands holds
// about 2 KB, so a full buffer is about 4 MB per writer; 2,000 trading
// calls are about 9,000 commands). A node at 100 ms and 5,000 calls/s
// queues 500 per flush. Open loop, a flush with more calls due is split
// into back-to-back MULTI/EXECs of at most this many (results count them
// as split flushes); closed loop, the producer waits for the timer once
// the buffer holds this many.
const MaxFlushCalls = 2_000

// maxBufferedCalls bounds the calls all buffered writers of a run hold at
// once (about 40 MB): with many connections each writer's flush is capped
// at maxBufferedCalls/connections (at least 100) instead of MaxFlushCalls.
const maxBufferedCalls = 20_000

// flushLimit is the phase's cap on calls per MULTI/EXEC.
func (ph *phase) flushLimit() int {
	return min(MaxFlushCalls, max(100, maxBufferedCalls/max(1, ph.p.spec.Connections)))
}

// queueSampleEvery is how often the queue is also sampled apart from the
// writers' own observations, so that a stall (no take at all) shows as a
// growing queue second by second.
const queueSampleEvery = 50 * time.Millisecond

// txBytes are the bytes one MULTI/EXEC adds around its commands:
// *1\r\n$5\r\nMULTI\r\n and *1\r\n$4\r\nEXEC\r\n sent, +OK\r\n received.
const (
	txRequestBytes = 15 + 14
	txReplyBytes   = 5
	queuedBytes    = 9 // +QUEUED\r\n per command
)

// writerRec is one writer's figures. Only its writer goroutine writes it
// during the phase; results reads it after the workers are done.
type writerRec struct {
	kinds   []writerKindRec
	tx      int64 // MULTI/EXECs sent
	cmds    int64 // commands inside them
	reads   int64 // plain reads (the Rust node's update_order LRANGE)
	busy    time.Duration
	secs    []writerSec
	flushes int64
	splits  int64
	// perFlush counts calls per flush; wait is each call's time from its
	// intended time to its flush's send (microseconds). Buffered only.
	perFlush *hdrhistogram.Histogram
	wait     *hdrhistogram.Histogram
	queueMax int64
}

type writerKindRec struct{ calls, tx, cmds, reads int64 }

type writerSec struct {
	calls, tx, cmds, queueMax int64
	busy                      time.Duration
}

func newWriterRec(nkinds int, buffered bool) *writerRec {
	wr := &writerRec{kinds: make([]writerKindRec, nkinds), queueMax: -1}
	if buffered {
		wr.perFlush = results.NewHistogram()
		wr.wait = results.NewHistogram()
	}
	return wr
}

// sec returns the second that contains t, growing secs (once a second).
func (wr *writerRec) sec(t time.Duration) *writerSec {
	s := int(t / time.Second)
	if s < 0 {
		s = 0
	}
	for len(wr.secs) <= s {
		wr.secs = append(wr.secs, writerSec{queueMax: -1})
	}
	return &wr.secs[s]
}

// round adds one round trip (an unbuffered call's transactions, or one
// buffered MULTI/EXEC) from sent to done.
func (wr *writerRec) round(tx, cmds int64, sent, done time.Duration) {
	wr.tx += tx
	wr.cmds += cmds
	wr.busy += done - sent
	s := wr.sec(done)
	s.tx += tx
	s.cmds += cmds
	s.busy += done - sent
}

// call counts one call of kind k: the transactions that were its own
// (unbuffered; none buffered, where a flush carries many kinds) and its
// commands. round counts the writer's totals.
func (wr *writerRec) call(k int, tx, cmds int64, done time.Duration) {
	kr := &wr.kinds[k]
	kr.calls++
	kr.tx += tx
	kr.cmds += cmds
	wr.sec(done).calls++
}

// observe records a queue depth seen at t.
func (wr *writerRec) observe(depth int64, t time.Duration) {
	wr.queueMax = max(wr.queueMax, depth)
	s := wr.sec(t)
	s.queueMax = max(s.queueMax, depth)
}

// writerQueue follows, in open loop, the operations the schedule has made
// due and those the writers have taken: depth = due - taken.
type writerQueue struct {
	pacer  Pacer
	limit  uint64        // --ops: no more are ever due; 0 = none
	dur    time.Duration // slots at or after dur are never due (limit 0)
	cursor atomic.Uint64 // operations known to be due
	taken  atomic.Uint64

	mu      sync.Mutex
	sampled []int64 // the sampler's max depth per second, -1 when none
	// all keeps every sample, queueSampleEvery apart, when the run asked
	// for them (Options.QueueSamples: rbench run --find-max judges a
	// step's queue growth on them; a second's maximum is too coarse for a
	// step of a few seconds).
	keepAll bool
	all     []int64
}

func (q *writerQueue) isDue(i uint64, t time.Duration) bool {
	if q.limit > 0 && i >= q.limit {
		return false
	}
	at, stop := q.pacer.Pace(0, i)
	if stop || (q.limit == 0 && at >= q.dur) {
		return false
	}
	return at <= t
}

// due returns how many operations are due at t. The count only grows, so
// it gallops forward from the last one found: amortised O(1) per call,
// O(log n) after a stall.
func (q *writerQueue) due(t time.Duration) uint64 {
	c := q.cursor.Load()
	if !q.isDue(c, t) {
		return c
	}
	lo, step := c, uint64(1) // lo is due
	for q.isDue(lo+step, t) {
		lo += step
		step *= 2
	}
	hi := lo + step // not due
	for lo+1 < hi {
		if mid := lo + (hi-lo)/2; q.isDue(mid, t) {
			lo = mid
		} else {
			hi = mid
		}
	}
	n := lo + 1
	for {
		cur := q.cursor.Load()
		if cur >= n || q.cursor.CompareAndSwap(cur, n) {
			return max(cur, n)
		}
	}
}

// depth is the number of operations due at t and not yet taken.
func (q *writerQueue) depth(t time.Duration, taken uint64) int64 {
	d := int64(q.due(t)) - int64(taken)
	return max(d, 0)
}

// sample runs until stop is closed, adding the depth every
// queueSampleEvery to the per-second maxima.
func (q *writerQueue) sample(start time.Time, stop <-chan struct{}) {
	t := time.NewTicker(queueSampleEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			at := time.Since(start)
			d := q.depth(at, q.taken.Load())
			s := int(at / time.Second)
			q.mu.Lock()
			for len(q.sampled) <= s {
				q.sampled = append(q.sampled, -1)
			}
			q.sampled[s] = max(q.sampled[s], d)
			if q.keepAll {
				q.all = append(q.all, d)
			}
			q.mu.Unlock()
		}
	}
}

// buffered reports whether the phase runs buffered writers.
func (ph *phase) buffered() bool {
	return ph.p.def.Writer && ph.p.spec.Node.BufferInterval > 0
}

// startWriters prepares the writer figures of a recorded phase of a Writer
// workload and starts the queue sampler (open loop); the returned stop
// ends it.
func (ph *phase) startWriters() (stop func()) {
	if !ph.record || !ph.p.def.Writer {
		return func() {}
	}
	ph.writing = true
	if ph.pacer == nil {
		return func() {}
	}
	ph.wq = &writerQueue{pacer: ph.pacer, limit: uint64(ph.ops), dur: ph.dur, keepAll: ph.p.opts.QueueSamples}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ph.wq.sample(ph.start, quit)
	}()
	return func() {
		close(quit)
		wg.Wait()
	}
}

// writerOf returns the worker's writer figures, made on first use; nil
// outside a recorded phase of a Writer workload.
func (ph *phase) writerOf(st *workerState) *writerRec {
	if st.wr == nil && ph.writing {
		st.wr = newWriterRec(len(ph.kinds), ph.buffered())
		ph.mu.Lock()
		ph.writers = append(ph.writers, st.wr)
		ph.mu.Unlock()
	}
	return st.wr
}

// take counts n operations taken by a writer now and observes the queue.
func (ph *phase) take(st *workerState, n int) {
	if ph.wq == nil {
		return
	}
	wr := ph.writerOf(st)
	taken := ph.wq.taken.Add(uint64(n))
	now := time.Since(ph.start)
	wr.observe(ph.wq.depth(now, taken), now)
}

// sendCall sends one unbuffered cache call: each message its own
// MULTI/EXEC, in order, each awaited before the next, on the worker's
// connection (the Rust node's update_order: its read and two transactions,
// sendSteps). A transport failure (timeout, connection) ends the call
// there, as the rest could not keep its order; an error reply fails the
// call but the writer goes on with its next message, as upstream logs and
// continues (cache.rs:873-875).
func (ph *phase) sendCall(ctx context.Context, st *workerState, op *Op, w Worker, rec *Recorder) {
	wr := ph.writerOf(st)
	sent := time.Since(ph.start)
	s := ph.sendSteps(ctx, st, op, w)
	done := time.Since(ph.start)
	if wr != nil {
		wr.round(s.tx, s.txCmds, sent, done)
		wr.reads += s.reads
		wr.call(op.Kind, s.tx, s.txCmds, done)
		wr.kinds[op.Kind].reads += s.reads
	}
	op.BytesSent = requestBytes(op) + s.tx*txRequestBytes
	op.BytesReceived = replyBytes(op) + s.replyExtra
	ph.finish(ctx, op, sent, done, s.failed, w, rec, nil)
	st.renew(s.transport)
}

// flushBuffer holds a buffered writer's queued calls. ops[:n] are queued;
// ops[n] may hold the next call, built but due after the current flush.
type flushBuffer struct {
	ops     []Op
	n       int
	pending bool // ops[n] holds a built call not yet queued
}

// slot returns ops[n], growing ops.
func (b *flushBuffer) slot() *Op {
	if b.n == len(b.ops) {
		b.ops = append(b.ops, Op{})
	}
	return &b.ops[b.n]
}

// reset empties the buffer, keeping a pending call as ops[0].
func (b *flushBuffer) reset() {
	if b.pending && b.n > 0 {
		b.ops[0], b.ops[b.n] = b.ops[b.n], b.ops[0]
	}
	b.n = 0
}

// workBuffered is one buffered writer (cache.rs:658-691,750-764): calls are
// queued at their intended times (closed loop: as fast as they are built,
// up to flushLimit), and a wall-clock timer, started with the writer
// and reset to now+interval after each flush, sends everything queued as
// one MULTI/EXEC. A timer that finds nothing queued sends nothing. Reads
// (mixed) are not the writer's: they are sent when due, between flushes,
// on the same connection. When the phase ends the last calls go with the
// next flush.
func (ph *phase) workBuffered(ctx context.Context, id int, w Worker, rec *Recorder) error {
	st, release := newWorkerState(ph.p.opts.Client, ph.p.spec.Connections, 1, len(ph.kinds), false)
	defer release()
	wr := ph.writerOf(st)
	interval := ph.p.spec.Node.BufferInterval
	open := ph.pacer != nil
	// The calibrated sender waits for due times and flush timers alike
	// (sender.go); in closed loop it only sleeps, precisely.
	snd := newSender(ph.margin, ph.gate)
	defer func() {
		ph.active.Add(int64(snd.active))
		snd.close()
	}()
	// wait waits for due and records how late the wait ended in open loop,
	// where due is the schedule's (a read's intended time, a flush's timer).
	wait := func(due time.Duration) bool {
		if due <= time.Since(ph.start) {
			return true // behind: not the sender's lateness
		}
		if !snd.waitUntil(ctx, ph.start, due) {
			return false
		}
		if open && rec != nil {
			rec.recordSendLate(time.Since(ph.start) - due)
		}
		return true
	}
	// send counts what it hands to Redis (dropped = scheduled - sent) and,
	// in open loop, holds the senders' active waits off while it waits.
	send := func(n int, f func()) {
		ph.sent.Add(int64(n))
		if ph.gate != nil {
			ph.gate.inflight.Add(1)
			defer ph.gate.inflight.Add(-1)
		}
		f()
	}
	var b flushBuffer
	limit := ph.flushLimit()
	deadline := interval
	ended, split := false, false
	for {
		capped := false
		for !ended {
			if b.n >= limit {
				capped = true
				break
			}
			if !open && time.Since(ph.start) >= deadline {
				break
			}
			op := b.slot()
			if !b.pending {
				ok, err := ph.claim(ctx, id, w, op)
				if err != nil {
					return err
				}
				if !ok {
					ended = true
					break
				}
				b.pending = true
			}
			if open && op.intended > deadline {
				break // for a later flush
			}
			b.pending = false
			if !op.Writer {
				if open && !wait(op.intended) {
					return nil
				}
				send(1, func() { ph.execute(ctx, st, b.ops[b.n:b.n+1], w, rec) })
				continue
			}
			b.n++
		}
		if ctx.Err() != nil {
			return nil
		}
		if open && ph.bounded && time.Since(ph.start) >= ph.dur+interval {
			// Behind at the end (the last flush is due within an interval
			// of it): the calls still queued are dropped, not sent.
			return nil
		}
		if !wait(deadline) {
			return nil
		}
		if b.n > 0 {
			calls := b.ops[:b.n]
			send(len(calls), func() { ph.flush(ctx, st, wr, calls, w, rec, deadline) })
			if wr != nil && split {
				wr.splits++
			}
		}
		b.reset()
		if split = capped && open; split {
			continue // more may be due: send it at once, without a new interval
		}
		if ended && !b.pending {
			return nil
		}
		deadline = time.Since(ph.start) + interval
	}
}

// claim takes the next operation number and builds it into op. ok is false
// when the phase has no more operations for this worker.
func (ph *phase) claim(ctx context.Context, id int, w Worker, op *Op) (ok bool, err error) {
	if ph.pacer == nil && ph.ops == 0 && time.Since(ph.start) >= ph.dur {
		return false, nil
	}
	n := ph.next.Add(1) - 1
	if ph.ops > 0 && n >= uint64(ph.ops) {
		return false, nil
	}
	intended := time.Since(ph.start) // closed loop: queued when built
	if ph.pacer != nil {
		d, stop := ph.pacer.Pace(0, n)
		if stop || (ph.ops == 0 && d >= ph.dur) {
			return false, nil
		}
		intended = d
	}
	clear(op.Cmds)
	*op = Op{Cmds: op.Cmds[:0], intended: intended}
	if err := w.Next(ctx, op); err != nil {
		if ctx.Err() != nil || errors.Is(err, ErrDone) {
			return false, nil
		}
		err = fmt.Errorf("worker %d: next operation: %w", id, err)
		ph.fail(err)
		return false, err
	}
	if op.Kind < 0 || op.Kind >= len(ph.kinds) {
		err := fmt.Errorf("worker %d: op kind %d out of range (the workload declares %d kinds)", id, op.Kind, len(ph.kinds))
		ph.fail(err)
		return false, err
	}
	return true, nil
}

// flush sends calls as one MULTI/EXEC and records each of them: service
// time is the flush's round trip, response time from the call's intended
// time to the flush's reply, lateness the flush's against its timer (due).
func (ph *phase) flush(ctx context.Context, st *workerState, wr *writerRec, calls []Op, w Worker, rec *Recorder, due time.Duration) {
	if hasDirect(calls) {
		ph.flushSplit(ctx, st, wr, calls, w, rec, due)
		return
	}
	st.cmds = st.cmds[:0]
	for i := range calls {
		st.cmds = append(st.cmds, calls[i].Cmds...)
	}
	ncmds := int64(len(st.cmds))
	_ = st.txpipe.BatchProcess(ctx, st.cmds...)
	clear(st.cmds)
	ph.take(st, len(calls))
	sent := time.Since(ph.start)
	_, execErr := st.txpipe.Exec(ctx)
	done := time.Since(ph.start)
	// An error reply belongs to its command, which carries it; anything
	// else (a timeout, a lost connection) failed the whole flush.
	callErr := execErr
	if execErr != nil && (errors.Is(execErr, redis.Nil) || Classify(execErr) == ClassServer) {
		callErr = nil
	}
	if wr != nil {
		wr.round(1, ncmds, sent, done)
		wr.flushes++
		_ = wr.perFlush.RecordValue(int64(len(calls)))
	}
	for i := range calls {
		op := &calls[i]
		op.sendDue = due
		n := int64(len(op.Cmds))
		op.BytesSent = requestBytes(op)
		op.BytesReceived = replyBytes(op) + n*queuedBytes
		if i == 0 {
			op.BytesSent += txRequestBytes
			op.BytesReceived += txReplyBytes + 1 + digits(ncmds) + 2 // EXEC's array header
		}
		if wr != nil {
			wr.call(op.Kind, 0, n, done)
			_ = wr.wait.RecordValue(toUs(sent - op.intended))
		}
		ph.finish(ctx, op, sent, done, callErr, w, rec, nil)
	}
	st.renew(execErr)
}

// writerResults merges the writers' figures of the phase; nil outside a
// Writer workload.
func (ph *phase) writerResults(measured time.Duration, recs []*Recorder) *results.Writer {
	if !ph.writing {
		return nil
	}
	ph.mu.Lock()
	wrs := append([]*writerRec(nil), ph.writers...)
	ph.mu.Unlock()
	out := &results.Writer{
		Encoding: ph.p.encoding,
		Mode:     results.WriterUnbuffered,
		Loop:     "closed",
		Writers:  ph.p.spec.Connections,
	}
	if ph.pacer != nil {
		out.Loop = "open"
	}
	buffered := ph.buffered()
	if buffered {
		out.Mode = results.WriterBuffered
		out.BufferIntervalMS = float64(ph.p.spec.Node.BufferInterval) / float64(time.Millisecond)
		out.MaxFlushCalls = ph.flushLimit()
	}
	kinds := make([]writerKindRec, len(ph.kinds))
	var busy time.Duration
	var tx, cmds int64
	var secs []writerSec
	var perFlush, wait *hdrhistogram.Histogram
	queueMax := int64(-1)
	for _, wr := range wrs {
		for k, kr := range wr.kinds {
			kinds[k].calls += kr.calls
			kinds[k].tx += kr.tx
			kinds[k].cmds += kr.cmds
			kinds[k].reads += kr.reads
		}
		busy += wr.busy
		tx += wr.tx
		cmds += wr.cmds
		out.Reads += wr.reads
		out.Flushes += wr.flushes
		out.SplitFlushes += wr.splits
		perFlush = mergeInto(perFlush, wr.perFlush, results.NewHistogram)
		wait = mergeInto(wait, wr.wait, results.NewHistogram)
		queueMax = max(queueMax, wr.queueMax)
		for len(secs) < len(wr.secs) {
			secs = append(secs, writerSec{queueMax: -1})
		}
		for i, s := range wr.secs {
			d := &secs[i]
			d.calls += s.calls
			d.tx += s.tx
			d.cmds += s.cmds
			d.busy += s.busy
			d.queueMax = max(d.queueMax, s.queueMax)
		}
	}
	if q := ph.wq; q != nil {
		q.mu.Lock()
		for i, v := range q.sampled {
			for len(secs) <= i {
				secs = append(secs, writerSec{queueMax: -1})
			}
			secs[i].queueMax = max(secs[i].queueMax, v)
			queueMax = max(queueMax, v)
		}
		q.mu.Unlock()
		qm := max(queueMax, 0)
		out.QueueMax = &qm
		if q.keepAll {
			out.QueueDepth = append([]int64(nil), q.all...)
			out.QueueDepthEveryMS = float64(queueSampleEvery) / float64(time.Millisecond)
		}
	}
	for k, kr := range kinds {
		if kr.calls == 0 && kr.tx == 0 {
			continue
		}
		out.Kinds = append(out.Kinds, results.WriterKind{Name: ph.kinds[k].Name, Calls: kr.calls, Transactions: kr.tx, Commands: kr.cmds, Reads: kr.reads})
		out.Calls += kr.calls
	}
	out.Transactions, out.Commands = tx, cmds
	if measured > 0 {
		out.TransactionsPerSec = float64(out.Transactions) / measured.Seconds()
		out.CommandsPerSec = float64(out.Commands) / measured.Seconds()
		if n := max(len(wrs), ph.p.spec.Connections); n > 0 {
			out.Busy = busy.Seconds() / measured.Seconds() / float64(n)
		}
	}
	for i, s := range secs {
		ws := results.WriterSecond{T: i, Calls: s.calls, Transactions: s.tx, Commands: s.cmds,
			Busy: s.busy.Seconds() / float64(max(1, ph.p.spec.Connections))}
		if ph.wq != nil && s.queueMax > 0 {
			ws.QueueMax = s.queueMax
		}
		out.Series = append(out.Series, ws)
	}
	// The lag of every write call: their response histograms merged (in
	// closed loop without a buffer, response is service).
	var lag *hdrhistogram.Histogram
	for k, kind := range ph.kinds {
		if kind.Class != results.ClassWrite {
			continue
		}
		for _, r := range recs {
			kr := r.kinds[k]
			if kr == nil {
				continue
			}
			h := kr.response
			if h == nil {
				h = kr.service
			}
			lag = mergeInto(lag, h, results.NewHistogram)
		}
	}
	if lag != nil && lag.TotalCount() > 0 {
		out.Lag = results.Summarize(lag)
		out.LagHDR, _ = results.EncodeHDR(lag)
	}
	if buffered {
		if perFlush != nil && perFlush.TotalCount() > 0 {
			c := countsOf(perFlush)
			out.CallsPerFlush = &c
			out.CallsPerFlushHDR, _ = results.EncodeHDR(perFlush)
		}
		if wait != nil && wait.TotalCount() > 0 {
			l := results.Summarize(wait)
			out.FlushWait = &l
			out.FlushWaitHDR, _ = results.EncodeHDR(wait)
		}
	}
	return out
}

func countsOf(h *hdrhistogram.Histogram) results.Counts {
	return results.Counts{Min: float64(h.Min()), Mean: h.Mean(), P50: float64(h.ValueAtQuantile(50)),
		P90: float64(h.ValueAtQuantile(90)), P99: float64(h.ValueAtQuantile(99)), Max: float64(h.Max())}
}
