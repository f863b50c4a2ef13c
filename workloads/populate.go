package workloads

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
)

// The populate workload writes a dataset of --keys keys the way a trading
// node writes it: currencies, instruments and accounts, then orders through
// their lifecycle with the positions and account states their fills make,
// and the index sets and hashes every call maintains. Each cache call is its
// own MULTI/EXEC (op kinds add_order, update_order, ...), or, with
// --buffer-interval D, the calls whose events fall in the same D window of
// the scenario's clock go out as one MULTI/EXEC (op kind flush), as the
// node's buffer_interval_ms does.
//
// Every connection streams its own scenario shard (its own strategies and
// accounts, so ids never collide; connection 0 also writes the currencies
// and instruments). The streams stop when the keys they created reach
// --keys: currencies + instruments + accounts + orders + positions + the
// index keys (each counted when first written). Memory does not depend on
// --keys.
func init() {
	Register(Definition{
		Name:        "populate",
		Connections: 1,
		Summary:     "write a dataset of --keys keys as the node does (one MULTI/EXEC per cache call, or per --buffer-interval batch); runs until written",
		Encodings:   tradingEncodings,
		New:         newPopulate,
		UntilDone:   true,
	})
}

type populateWorkload struct {
	spec   *Spec
	te     *tradingEnv
	budget *keyBudget

	active    atomic.Int64
	batches   atomic.Int64
	batched   atomic.Int64
	maxBatch  atomic.Int64
	started   time.Time
	reportOne sync.Once
}

func newPopulate(spec *Spec) (Workload, error) {
	if _, err := parseTradingParams("populate", spec.Params); err != nil {
		return nil, err
	}
	if spec.OpsMix != "" {
		return nil, fmt.Errorf("%w: ops_mix %q: populate writes the node's stream of cache calls; use order-flow or mixed for a mix", ErrBadSpec, spec.OpsMix)
	}
	if spec.BufferInterval < 0 {
		return nil, fmt.Errorf("%w: buffer_interval %s: want 0 or a positive duration", ErrBadSpec, time.Duration(spec.BufferInterval))
	}
	return &populateWorkload{spec: spec}, nil
}

func (w *populateWorkload) Name() string      { return "populate" }
func (w *populateWorkload) OpKinds() []OpKind { return tradingOpKinds() }

func (w *populateWorkload) Setup(ctx context.Context, env *Env) error {
	te, err := newTradingEnv(env)
	if err != nil {
		return err
	}
	w.te = te
	w.budget = newKeyBudget(w.spec.Keys, te.layout)
	w.active.Store(int64(env.Connections))
	w.started = time.Now()
	return nil
}

func (w *populateWorkload) NewWorker(id int) Worker {
	return &populateWorker{w: w, s: w.te.newStream(id, w.spec.Keys, tradingParams{}, id > 0), interval: int64(w.spec.BufferInterval)}
}

type populateWorker struct {
	w        *populateWorkload
	s        *callStream
	interval int64 // ns; 0 = a transaction per call
	done     bool  // the stream has no more calls to send
	finished bool
}

// maxBatch bounds a flush: the node's buffer holds what arrives in one
// interval, and a stalled clock must not make one transaction of the run.
const maxBatch = 10_000

func (pw *populateWorker) Next(ctx context.Context, op *Op) error {
	if pw.done {
		return pw.finish()
	}
	op.Tx = true
	if pw.interval <= 0 {
		c, ok := pw.s.next()
		if !ok {
			return pw.finish()
		}
		ok, err := pw.add(ctx, op, &c)
		if err != nil {
			return err
		}
		if !ok {
			return pw.finish()
		}
		op.Kind = callKind(c.Kind)
		return nil
	}
	op.Kind = kFlush
	n := 0
	var window int64
	for n < maxBatch {
		c, ok := pw.s.peek()
		if !ok {
			pw.done = true
			break
		}
		// Calls without an event time (instruments, currencies, purges)
		// join the current window.
		ns, timed := eventNs(c.Payload)
		if timed {
			win := ns / pw.interval
			if n > 0 && win != window {
				break
			}
			window = win
		}
		call, _ := pw.s.next()
		ok, err := pw.add(ctx, op, &call)
		if err != nil {
			return err
		}
		if !ok {
			pw.done = true
			break
		}
		n++
	}
	if n == 0 {
		return pw.finish()
	}
	pw.w.batches.Add(1)
	pw.w.batched.Add(int64(n))
	for {
		m := pw.w.maxBatch.Load()
		if int64(n) <= m || pw.w.maxBatch.CompareAndSwap(m, int64(n)) {
			break
		}
	}
	return nil
}

// add encodes c and appends its commands to op when its keys fit the budget.
func (pw *populateWorker) add(ctx context.Context, op *Op, c *scenario.Call) (bool, error) {
	took, err := pw.s.encode(c)
	if err != nil {
		return false, err
	}
	if !pw.w.budget.take(pw.s.newKeys(c), pw.s.cmds) {
		return false, nil
	}
	op.Encode += took
	pw.s.appendCmds(ctx, op)
	return true, nil
}

// finish ends this worker's stream; the last one reports the dataset.
func (pw *populateWorker) finish() error {
	pw.done = true
	if pw.finished {
		return ErrDone
	}
	pw.finished = true
	if pw.w.active.Add(-1) == 0 {
		pw.w.report()
	}
	return ErrDone
}

func (w *populateWorkload) report() {
	w.reportOne.Do(func() {
		log := w.te.env.Log
		fmt.Fprintf(log, "[%s] populate: %d keys under %s:* in %s\n", w.te.env.Encoding,
			w.budget.created.Load(), w.te.env.Prefix, time.Since(w.started).Round(time.Millisecond))
		if b := w.batches.Load(); b > 0 {
			fmt.Fprintf(log, "[%s] populate: %d flushes (buffer interval %s) of %.1f cache calls on average, at most %d\n",
				w.te.env.Encoding, b, time.Duration(w.spec.BufferInterval), float64(w.batched.Load())/float64(b), w.maxBatch.Load())
		}
	})
}

// Check has nothing to verify: a failed command inside the transaction is
// already an error of the op.
func (pw *populateWorker) Check(*Op) error { return nil }

// layoutOf is for tests: the layout a trading pass writes under.
func layoutOf(traderID, encoding string) keyspace.Layout {
	return keyspace.Layout{TraderID: traderID, InstanceID: encoding}
}
