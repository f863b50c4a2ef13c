package workloads

import (
	"context"
	"math/rand/v2"

	"github.com/redis/go-redis/v9"
)

// The mixed workload interleaves the read workload's reads with the
// order-flow workload's writes: each operation is a read with probability
// --read-ratio (default 0.5). With --ops-mix, the weights of its read kinds
// against its write kinds set the ratio and the kinds. Setup populates
// --keys keys (read) and the writers stream shards 1..connections, so they
// add orders beside the dataset rather than touching it.
func init() {
	Register(Definition{
		Name:        "mixed",
		Connections: 4,
		Summary:     "reads and writes of the trading keyspace at --read-ratio (or an --ops-mix of read and write kinds)",
		Encodings:   tradingEncodings,
		New:         newMixed,
		Writer:      true,
	})
}

type mixedWorkload struct {
	spec          *Spec
	params        tradingParams
	readRatio     float64
	reads, writes weighted
	te            *tradingEnv
	ids           datasetIDs
	streams       []*callStream
}

func newMixed(spec *Spec) (Workload, error) {
	p, err := parseTradingParams("mixed", spec.Params, ParamPurge, ParamPurgeInterval, ParamPurgeBuffer)
	if err != nil {
		return nil, err
	}
	w := &mixedWorkload{spec: spec, params: p, readRatio: DefaultReadRatio, reads: defaultReads()}
	if spec.ReadRatio != nil {
		w.readRatio = *spec.ReadRatio
	}
	if spec.OpsMix != "" {
		reads, writes, err := tradingMix("mixed", spec.OpsMix, append(append([]int(nil), readKinds...), writeKinds...))
		if err != nil {
			return nil, err
		}
		if err := rustMixError(spec, "mixed", writes); err != nil {
			return nil, err
		}
		var r, wr float64
		if !reads.empty() {
			r = reads.cum[len(reads.cum)-1]
			w.reads = reads
		}
		if !writes.empty() {
			wr = writes.cum[len(writes.cum)-1]
		}
		w.writes = writes
		w.readRatio = r / (r + wr)
	}
	return w, nil
}

func (w *mixedWorkload) Name() string      { return "mixed" }
func (w *mixedWorkload) OpKinds() []OpKind { return tradingOpKinds() }

func (w *mixedWorkload) Setup(ctx context.Context, env *Env) error {
	te, err := newTradingEnv(env)
	if err != nil {
		return err
	}
	w.te = te
	if _, err := te.loadDataset(ctx, w.spec.Keys, &w.ids); err != nil {
		return err
	}
	w.streams, err = te.writerStreams(ctx, 1, env.Connections, w.params, &w.writes)
	return err
}

func (w *mixedWorkload) NewWorker(id int) Worker {
	rng := w.te.env.Rand(uint64(id))
	return &mixedWorker{w: w, r: w.te.newReader(&w.ids, rng), s: w.streams[id], rng: rng}
}

type mixedWorker struct {
	w   *mixedWorkload
	r   *reader
	s   *callStream
	rng *rand.Rand
}

func (mw *mixedWorker) Next(ctx context.Context, op *Op) error {
	if mw.rng.Float64() < mw.w.readRatio {
		return mw.r.next(ctx, op, &mw.w.reads, mw.rng)
	}
	return mw.s.writeOp(ctx, op, &mw.w.writes, mw.rng)
}

func (mw *mixedWorker) Check(op *Op) error {
	if op.Kind >= kReadOrder {
		return mw.r.check(op)
	}
	return nil
}

// Replay implements Replayer: the Rust node's update_order decode.
func (mw *mixedWorker) Replay(op *Op, read redis.Cmder) error { return mw.s.te.replay(op, read) }
