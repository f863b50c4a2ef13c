package workloads

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// phase is one timed stretch of a pass: the warm-up (not recorded) or the
// measured part.
type phase struct {
	p      *pass
	kinds  []OpKind
	pacer  Pacer
	dur    time.Duration // 0 with ops > 0
	ops    int64         // exact operation count; 0 means run for dur
	record bool
	start  time.Time
	end    time.Time
	// bounded phases stop sending at dur and give in-flight requests
	// replyGrace to answer; a paced phase then drops what was still due.
	// Phases of an exact op count, UntilDone workloads and --drain are
	// not bounded.
	bounded bool
	margin  time.Duration // the senders' active wait (open loop)
	gate    *spinGate     // open loop

	// next is the number of operations claimed so far; workers claim
	// operation numbers (and so schedule slots) from it.
	_    [64]byte
	next atomic.Uint64
	_    [64]byte
	// sent counts operations handed to Redis (live in open loop, summed at
	// the end in closed loop); active sums the senders' active waits.
	sent   atomic.Int64
	active atomic.Int64
	cpu    time.Duration // process CPU over the phase

	mu   sync.Mutex
	recs []*Recorder

	cancel  context.CancelCauseFunc
	collect *collector

	// The node writer's figures (writer.go): writing in a recorded phase
	// of a Writer workload, wq in open loop; writers under mu.
	writing bool
	wq      *writerQueue
	writers []*writerRec
}

// replyGrace is how long a bounded phase waits after its duration for the
// replies to requests already sent; those still unanswered then are
// counted (Pacing.Unanswered), not waited for.
const replyGrace = time.Second

// errGraceOver ends a bounded phase's in-flight requests.
var errGraceOver = errors.New("the phase's duration and reply grace are over")

func newPhase(p *pass, kinds []OpKind, pacer Pacer, dur time.Duration, ops int64, record bool) *phase {
	if ops > 0 {
		dur = 0
	}
	ph := &phase{p: p, kinds: kinds, pacer: pacer, dur: dur, ops: ops, record: record}
	ph.bounded = ops == 0 && dur > 0 && dur < untilDone && !(pacer != nil && p.spec.Drain)
	if pacer != nil {
		ph.margin = p.margin
		ph.gate = newSpinGate()
	}
	return ph
}

func (ph *phase) addRecorder() *Recorder {
	// A buffered writer's calls wait for their flush, so their response
	// time differs from service time in closed loop too.
	r := newRecorder(len(ph.kinds), ph.pacer != nil || ph.buffered(), ph.start, ph.p.opts.LateThreshold)
	ph.mu.Lock()
	ph.recs = append(ph.recs, r)
	ph.mu.Unlock()
	return r
}

func (ph *phase) recorders() []*Recorder {
	ph.mu.Lock()
	defer ph.mu.Unlock()
	return append([]*Recorder(nil), ph.recs...)
}

// run drives workers until the phase ends and returns the measured time:
// from the start to the last reply.
func (ph *phase) run(ctx context.Context, workers []Worker) (time.Duration, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ph.cancel = cancel
	cpu0 := processCPU()
	ph.start = time.Now()
	if ph.bounded {
		// go-redis bounds a read by the context's deadline, so a request
		// still in flight at the end of the grace fails then. A buffered
		// writer's last flush is due up to an interval after the end.
		grace := replyGrace
		if ph.buffered() {
			grace += ph.p.spec.Node.BufferInterval
		}
		var stop context.CancelFunc
		ctx, stop = context.WithDeadlineCause(ctx, ph.start.Add(ph.dur+grace), errGraceOver)
		defer stop()
	}
	recs := make([]*Recorder, len(workers))
	if ph.record {
		for i := range recs {
			recs[i] = ph.addRecorder()
		}
	}
	var stopCollector func()
	if ph.record {
		ph.collect = newCollector(ph, ph.p)
		stopCollector = ph.collect.start(ctx)
	}
	stopWriters := ph.startWriters()
	errs := make([]error, len(workers))
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Add(1)
		go func(i int, w Worker) {
			defer wg.Done()
			if ph.buffered() {
				errs[i] = ph.workBuffered(ctx, i, w, recs[i])
			} else {
				errs[i] = ph.work(ctx, i, w, recs[i])
			}
			if recs[i] != nil {
				recs[i].close()
			}
		}(i, w)
	}
	wg.Wait()
	ph.end = time.Now()
	measured := ph.end.Sub(ph.start)
	stopWriters()
	ph.cpu = processCPU() - cpu0
	if stopCollector != nil {
		stopCollector()
	}
	err := errors.Join(errs...)
	switch cause := context.Cause(ctx); {
	case cause == nil || errors.Is(cause, errGraceOver):
		// Done, or done with requests left unanswered at the grace's end.
	case !errors.Is(cause, context.Canceled):
		err = errors.Join(cause, err)
	case err == nil:
		// The caller cancelled (Ctrl-C): stop with what we have.
		err = ctx.Err()
	}
	return measured, err
}

// fail stops the phase with err as the cause.
func (ph *phase) fail(err error) { ph.cancel(err) }

// worker-local state of the hot loop.
type workerState struct {
	ops    []Op
	proc   processor
	pipe   redis.Pipeliner
	txpipe redis.Pipeliner
	cmds   []redis.Cmder // a batch's commands, reused
	// same sums, per op kind, the operations of one pipelined batch that
	// record identical latencies (see Recorder.recordBatch).
	same []sameLatency
	// pinned is the worker's own pooled connection, from client; nil when
	// it uses the shared pool.
	client *redis.Client
	pinned *redis.Conn
	// wr is the worker's node-writer figures (writer.go), nil until used.
	wr *writerRec
}

type sameLatency struct{ n, bytesSent, bytesRcv int64 }

// processor sends one command: a *redis.Conn or the shared client.
type processor interface {
	Process(ctx context.Context, cmd redis.Cmder) error
}

// newWorkerState pins one pooled connection to the worker when the pool has
// one for each: every command from the shared pool pays a lock and a
// health-check syscall (go-redis peeks at the socket on each checkout),
// about a fifth of the engine's CPU per pipelined batch; a pinned
// connection (redis.Conn) skips both. Each worker still uses its own
// connection, as before. Release returns it to the pool.
func newWorkerState(client redis.UniversalClient, connections, depth, nkinds int, sender bool) (*workerState, func()) {
	st := &workerState{ops: make([]Op, depth)}
	if depth > 1 {
		st.same = make([]sameLatency, nkinds)
	}
	if sender {
		return st, func() {} // it has its own connection
	}
	if c, ok := client.(*redis.Client); ok && c.Options().PoolSize >= connections {
		st.client = c
		st.pin()
		return st, func() { _ = st.pinned.Close() }
	}
	st.proc, st.pipe, st.txpipe = client, client.Pipeline(), client.TxPipeline()
	return st, func() {}
}

func (st *workerState) pin() {
	cn := st.client.Conn()
	st.pinned = cn
	st.proc, st.pipe, st.txpipe = cn, cn.Pipeline(), cn.TxPipeline()
}

// renew replaces the pinned connection after a transport failure (a
// timeout, a reset): go-redis's redis.Conn keeps answering every later
// command with that first failure, so one timeout would fail all the
// worker's remaining operations at once. The shared pool needs nothing:
// it drops a broken connection itself. Error replies leave the connection
// as it is.
func (st *workerState) renew(err error) {
	if st.pinned == nil || err == nil || errors.Is(err, redis.Nil) || Classify(err) == ClassServer {
		return
	}
	_ = st.pinned.Close()
	st.pin()
}

// work is one worker's loop. Per operation it does not allocate, log or
// lock; go-redis's own allocations (the Cmd values a worker builds, one
// command slice per pipelined batch) are the exception.
//
// In open loop each batch waits for its due time with the calibrated
// sender; a worker that is behind sends at once, and in a bounded phase
// stops at the end of the duration, leaving what is still due unsent
// (counted as dropped).
func (ph *phase) work(ctx context.Context, id int, w Worker, rec *Recorder) error {
	depth := ph.p.spec.Pipeline
	nkinds := len(ph.kinds)
	sender, _ := w.(Sender)
	st, release := newWorkerState(ph.p.opts.Client, ph.p.spec.Connections, depth, nkinds, sender != nil)
	defer release()
	var snd *pacedSender
	if ph.pacer != nil {
		snd = newSender(ph.margin, ph.gate)
		defer func() {
			ph.active.Add(int64(snd.active))
			snd.close()
		}()
	}
	var sent int64 // closed loop: summed into ph.sent at the end
	defer func() { ph.sent.Add(sent) }()
	do := func(batch []Op) {
		if ph.pacer != nil {
			ph.sent.Add(int64(len(batch)))
			ph.gate.inflight.Add(1)
			defer ph.gate.inflight.Add(-1)
		} else {
			sent += int64(len(batch))
		}
		if sender != nil {
			ph.send(ctx, st, batch, sender, rec)
		} else {
			ph.execute(ctx, st, batch, w, rec)
		}
	}
	for {
		if ctx.Err() != nil {
			return nil
		}
		if ph.pacer == nil && ph.ops == 0 && time.Since(ph.start) >= ph.dur {
			return nil
		}
		k := uint64(depth)
		n := ph.next.Add(k) - k
		if ph.ops > 0 {
			if n >= uint64(ph.ops) {
				return nil
			}
			k = min(k, uint64(ph.ops)-n)
		}
		batch := st.ops[:k]
		var sendAt time.Duration
		if ph.pacer != nil {
			for j := range batch {
				d, stop := ph.pacer.Pace(0, n+uint64(j))
				if stop || (ph.ops == 0 && d >= ph.dur) {
					batch = batch[:j]
					break
				}
				batch[j].intended = d
			}
			if len(batch) == 0 {
				return nil
			}
			// A pipelined batch leaves when its last operation is due.
			sendAt = batch[len(batch)-1].intended
		}
		for j := range batch {
			op := &batch[j]
			clear(op.Cmds)
			*op = Op{Cmds: op.Cmds[:0], intended: op.intended}
			if err := w.Next(ctx, op); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				if errors.Is(err, ErrDone) {
					// Send what this batch holds so far, then stop.
					if j > 0 {
						do(batch[:j])
					}
					return nil
				}
				err = fmt.Errorf("worker %d: next operation: %w", id, err)
				ph.fail(err)
				return err
			}
			if op.Kind < 0 || op.Kind >= nkinds {
				err := fmt.Errorf("worker %d: op kind %d out of range (the workload declares %d kinds)", id, op.Kind, nkinds)
				ph.fail(err)
				return err
			}
		}
		if ph.pacer != nil {
			now := time.Since(ph.start)
			if ph.bounded && now >= ph.dur {
				return nil // behind at the end: the rest is dropped
			}
			if sendAt > now {
				// On time: wait for the due time, and record how late the
				// wait ended (a backlog's lateness is not the sender's).
				if !snd.waitUntil(ctx, ph.start, sendAt) {
					return nil
				}
				if rec != nil {
					rec.recordSendLate(time.Since(ph.start) - sendAt)
				}
			}
		}
		do(batch)
	}
}

// execute sends a batch and records each operation. Non-transactional
// operations share one round trip; a transaction takes its own (MULTI/EXEC
// blocks are not pipelined with each other).
func (ph *phase) execute(ctx context.Context, st *workerState, batch []Op, w Worker, rec *Recorder) {
	ph.take(st, len(batch))
	hasTx := false
	for j := range batch {
		hasTx = hasTx || batch[j].Tx || batch[j].Writer
	}
	switch {
	case !hasTx && len(batch) == 1 && len(batch[0].Cmds) == 1:
		sent := time.Since(ph.start)
		err := st.proc.Process(ctx, batch[0].Cmds[0])
		done := time.Since(ph.start)
		ph.finish(ctx, &batch[0], sent, done, nil, w, rec, nil)
		st.renew(err)
	case !hasTx:
		// One BatchProcess: go-redis hands the pipeline a fresh command
		// slice after every Exec, so queueing one at a time would regrow it
		// from nothing each batch.
		st.cmds = st.cmds[:0]
		for j := range batch {
			st.cmds = append(st.cmds, batch[j].Cmds...)
		}
		_ = st.pipe.BatchProcess(ctx, st.cmds...)
		clear(st.cmds)
		sent := time.Since(ph.start)
		_, execErr := st.pipe.Exec(ctx)
		done := time.Since(ph.start)
		ph.finishBatch(ctx, st, batch, sent, done, execErr, w, rec)
		st.renew(execErr)
	default:
		for j := range batch {
			op := &batch[j]
			if op.Writer {
				ph.sendCall(ctx, st, op, w, rec)
				continue
			}
			pipe := st.pipe
			if op.Tx {
				pipe = st.txpipe
			}
			for _, c := range op.Cmds {
				_ = pipe.Process(ctx, c)
			}
			sent := time.Since(ph.start)
			_, execErr := pipe.Exec(ctx)
			done := time.Since(ph.start)
			ph.finish(ctx, op, sent, done, execErr, w, rec, nil)
			st.renew(execErr)
		}
	}
}

// send hands a batch to a Sender and records it like execute.
func (ph *phase) send(ctx context.Context, st *workerState, batch []Op, s Sender, rec *Recorder) {
	ph.take(st, len(batch))
	sent := time.Since(ph.start)
	s.Send(ctx, batch)
	done := time.Since(ph.start)
	ph.finishBatch(ctx, st, batch, sent, done, nil, s, rec)
}

// finishBatch checks and records the operations of one round trip. In
// closed loop they all share one latency, recorded once per op kind.
func (ph *phase) finishBatch(ctx context.Context, st *workerState, batch []Op, sent, done time.Duration, execErr error, w Worker, rec *Recorder) {
	same := st.same
	if ph.pacer != nil || rec == nil {
		same = nil // open loop: each op has its own intended time
	}
	for j := range batch {
		ph.finish(ctx, &batch[j], sent, done, execErr, w, rec, same)
	}
	for k := range same {
		if s := &same[k]; s.n > 0 {
			rec.recordBatch(k, sent, done, s.n, s.bytesSent, s.bytesRcv)
			*s = sameLatency{}
		}
	}
}

// finish checks one operation's replies and records it, or, when same is
// not nil and the op has no codec times, adds it to same[op.Kind] for the
// caller to record with the rest of its batch.
func (ph *phase) finish(ctx context.Context, op *Op, sent, done time.Duration, execErr error, w Worker, rec *Recorder, same []sameLatency) {
	intended := sent
	if ph.pacer != nil || ph.buffered() {
		intended = op.intended
	}
	err := op.Err
	if err == nil {
		err = firstErr(op.Cmds)
	}
	if err == nil && execErr != nil && !errors.Is(execErr, redis.Nil) && len(op.Cmds) > 0 {
		err = execErr
	}
	if err == nil {
		err = w.Check(op)
	}
	if err != nil {
		if ctx.Err() != nil {
			return // the phase is stopping; this failure is ours, not Redis's
		}
		class := Classify(err)
		if rec != nil {
			rec.recordError(op.Kind, done, class)
		}
		if class == ClassConnection {
			ph.fail(fmt.Errorf("%w: %w", ErrConnectionLost, err))
		}
		return
	}
	if rec == nil {
		return
	}
	bs, br := op.BytesSent, op.BytesReceived
	if bs == 0 {
		bs = requestBytes(op)
	}
	if br == 0 {
		br = replyBytes(op)
	}
	if same != nil && op.Encode == 0 && op.Decode == 0 {
		s := &same[op.Kind]
		s.n++
		s.bytesSent += bs
		s.bytesRcv += br
		return
	}
	rec.record(op.Kind, intended, sent, done, op, bs, br)
}

func firstErr(cmds []redis.Cmder) error {
	for _, c := range cmds {
		if err := c.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
	}
	return nil
}

// results merges the recorders into per-kind results.
func (ph *phase) results(measured time.Duration) (*passResult, error) {
	recs := ph.recorders()
	res := &passResult{measured: measured, start: ph.start, end: ph.end}
	var errs []error
	var late int64
	var maxLate time.Duration
	var total int64
	for k, kind := range ph.kinds {
		var service, response, enc, dec *hdrhistogram.Histogram
		var count, nerr, bs, br int64
		used := false
		for _, r := range recs {
			kr := r.kinds[k]
			if kr == nil {
				continue
			}
			used = true
			service = mergeInto(service, kr.service, results.NewHistogram)
			if kr.response != nil {
				response = mergeInto(response, kr.response, results.NewHistogram)
			}
			enc = mergeInto(enc, kr.encode, newCodecHistogram)
			dec = mergeInto(dec, kr.decode, newCodecHistogram)
			count += kr.count
			nerr += kr.errors
			bs += kr.bytesSent
			br += kr.bytesRcv
		}
		if !used {
			continue
		}
		op, err := results.OpFromHistograms(kind.Name, kind.Class, ph.p.encoding, service, response, measured)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		op.Errors = nerr
		op.BytesSent = bs
		op.BytesReceived = br
		if enc != nil {
			l := results.SummarizeNs(enc)
			op.Encode = &l
			op.EncodeHist, _ = results.EncodeHDR(enc)
		}
		if dec != nil {
			l := results.SummarizeNs(dec)
			op.Decode = &l
			op.DecodeHist, _ = results.EncodeHDR(dec)
		}
		if ph.collect != nil {
			op.Series = ph.collect.series(k, measured)
		}
		total += count
		res.ops = append(res.ops, op)
	}
	var sendLate *hdrhistogram.Histogram
	var recorded int64
	for _, r := range recs {
		addErrors(&res.errors, r.errs)
		late += r.late
		if r.maxLate > maxLate {
			maxLate = r.maxLate
		}
		sendLate = mergeInto(sendLate, r.sendLate, results.NewSendLateHistogram)
		for _, kr := range r.kinds {
			if kr != nil {
				recorded += kr.count + kr.errors
			}
		}
	}
	pc := &results.Pacing{Encoding: ph.p.encoding, Mode: "closed", Pacer: pacerString(ph.pacer),
		Sent: ph.sent.Load(), Start: ph.start, End: ph.end, Threads: runtime.GOMAXPROCS(0), LoadAvg: loadAverage()}
	if ph.pacer != nil {
		pc.Mode = "open"
		pc.TargetRate = targetRate(ph.pacer, ph.dur, ph.ops, measured)
		pc.Late = late
		pc.LateThresholdUs = float64(ph.p.opts.LateThreshold) / 1e3
		pc.MaxLateUs = float64(maxLate) / 1e3
		pc.Scheduled = scheduled(ph.pacer, ph.dur, ph.ops)
		pc.Dropped = max(0, pc.Scheduled-pc.Sent)
		pc.Drain = ph.p.spec.Drain && ph.ops == 0
		pc.SpinMarginUs = float64(ph.margin) / 1e3
		pc.ActiveWaitOff = ph.gate.backoffs.Load()
		if sendLate != nil {
			l := results.SummarizeNs(sendLate)
			pc.SendLate = &l
			pc.SendLateHDR, _ = results.EncodeHDR(sendLate)
		}
	}
	pc.Unanswered = max(0, pc.Sent-recorded)
	if measured > 0 {
		pc.AchievedRate = float64(total) / measured.Seconds()
		active := time.Duration(ph.active.Load())
		pc.GeneratorCPU = roundTo(max(0, (ph.cpu-active).Seconds()/measured.Seconds()), 3)
		pc.ActiveWait = roundTo(active.Seconds()/measured.Seconds(), 3)
	}
	res.pacing = pc
	res.writer = ph.writerResults(measured, recs)
	return res, errors.Join(errs...)
}

// targetRate is the mean rate the schedule asked for over the phase.
func targetRate(p Pacer, dur time.Duration, ops int64, measured time.Duration) float64 {
	if ops > 0 {
		// The phase scheduled exactly ops operations; the last was due at:
		last, _ := p.Pace(0, uint64(ops-1))
		if last <= 0 {
			return p.Rate(0)
		}
		return float64(ops) / last.Seconds()
	}
	if dur <= 0 {
		dur = measured
	}
	return float64(slotsBefore(p, dur)) / dur.Seconds()
}

// scheduled is the number of operations the phase's schedule made due:
// exactly ops, or the slots before dur.
func scheduled(p Pacer, dur time.Duration, ops int64) int64 {
	if ops > 0 {
		return ops
	}
	return int64(slotsBefore(p, dur))
}

// slotsBefore counts the schedule's slots due before t, by bisection on
// Pace (slot 0 is due at 0).
func slotsBefore(p Pacer, t time.Duration) uint64 {
	if d, stop := p.Pace(0, 0); stop || d >= t {
		return 0
	}
	lo, hi := uint64(0), uint64(1)
	for {
		d, stop := p.Pace(0, hi)
		if stop || d >= t || hi > 1<<50 {
			break
		}
		lo, hi = hi, hi*2
	}
	for lo+1 < hi {
		mid := lo + (hi-lo)/2
		if d, stop := p.Pace(0, mid); !stop && d < t {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

func roundTo(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

func mergeInto(dst, src *hdrhistogram.Histogram, mk func() *hdrhistogram.Histogram) *hdrhistogram.Histogram {
	if src == nil {
		return dst
	}
	if dst == nil {
		dst = mk()
	}
	dst.Merge(src)
	return dst
}
