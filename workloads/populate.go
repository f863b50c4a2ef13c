package workloads

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
	"github.com/redis/go-redis/v9"
)

// The populate workload writes a dataset of --keys keys the way a trading
// node writes it: currencies, instruments and accounts, then orders through
// their lifecycle with the positions and account states their fills make,
// and the index sets and hashes every call maintains. Each cache call is
// one op of its kind (add_order, update_order, ...) sent by the node's
// writer (writer.go): unbuffered, one MULTI/EXEC per command; with
// --buffer-interval D, one MULTI/EXEC of everything queued every D of wall
// time, as the node's buffer_interval_ms does.
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
		Summary:     "write a dataset of --keys keys as the node does (one MULTI/EXEC per command, or per --buffer-interval); runs until written",
		Encodings:   tradingEncodings,
		New:         newPopulate,
		UntilDone:   true,
		Writer:      true,
	})
}

type populateWorkload struct {
	spec   *Spec
	te     *tradingEnv
	budget *keyBudget

	active    atomic.Int64
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
	return &populateWorker{w: w, s: w.te.newStream(id, w.spec.Keys, tradingParams{}, id > 0)}
}

type populateWorker struct {
	w        *populateWorkload
	s        *callStream
	finished bool
}

func (pw *populateWorker) Next(ctx context.Context, op *Op) error {
	if pw.finished {
		return ErrDone
	}
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
	op.Writer = true
	return nil
}

// add encodes c and appends its commands to op when its keys fit the budget.
func (pw *populateWorker) add(ctx context.Context, op *Op, c *scenario.Call) (bool, error) {
	took, err := pw.s.encode(c)
	if err != nil {
		return false, err
	}
	if !pw.w.budget.take(pw.s.newKeys(c), pw.s.seq.Cmds) {
		return false, nil
	}
	op.Encode += took
	pw.s.appendCmds(ctx, op)
	return true, nil
}

// finish ends this worker's stream; the last one reports the dataset.
func (pw *populateWorker) finish() error {
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
		fmt.Fprintf(w.te.env.Log, "[%s] populate: %d keys under %s:* in %s\n", w.te.env.Encoding,
			w.budget.created.Load(), w.te.env.Prefix, time.Since(w.started).Round(time.Millisecond))
	})
}

// Check has nothing to verify: a failed command inside the transaction is
// already an error of the op.
func (pw *populateWorker) Check(*Op) error { return nil }

// layoutOf is for tests: the layout a trading pass writes under by default.
func layoutOf(traderID string) keyspace.Layout {
	return keyspace.Layout{TraderID: traderID}
}

// Replay implements Replayer: the Rust node's update_order decode.
func (pw *populateWorker) Replay(op *Op, read redis.Cmder) error { return pw.s.te.replay(op, read) }
