package workloads

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// The read workload reads as the node and its tools do: LRANGE 0 -1 of
// orders and positions (read_order, read_position), GET of instruments
// (get_instrument) and LRANGE 0 -1 of accounts (read_account), weighted
// 5:2:2:1 unless --ops-mix names these kinds. Setup populates --keys keys
// first (untimed; the engine starts every pass on a clean keyspace). Keys
// are picked uniformly or, with --distribution zipfian, with s = ZipfS
// (1.1) over each collection in the order it was written. Every payload of
// a reply is decoded; the decode time is recorded apart.
func init() {
	Register(Definition{
		Name:        "read",
		Connections: 4,
		Summary:     "reads of a populated keyspace: LRANGE of orders, positions and accounts, GET of instruments (uniform or zipfian)",
		Encodings:   tradingEncodings,
		New:         newRead,
	})
}

type readWorkload struct {
	spec  *Spec
	reads weighted
	te    *tradingEnv
	ids   datasetIDs
}

func newRead(spec *Spec) (Workload, error) {
	if _, err := parseTradingParams("read", spec.Params); err != nil {
		return nil, err
	}
	w := &readWorkload{spec: spec, reads: defaultReads()}
	if spec.OpsMix != "" {
		var err error
		if w.reads, _, err = tradingMix("read", spec.OpsMix, readKinds); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *readWorkload) Name() string      { return "read" }
func (w *readWorkload) OpKinds() []OpKind { return tradingOpKinds() }

func (w *readWorkload) Setup(ctx context.Context, env *Env) error {
	te, err := newTradingEnv(env)
	if err != nil {
		return err
	}
	w.te = te
	_, err = te.loadDataset(ctx, w.spec.Keys, &w.ids)
	return err
}

func (w *readWorkload) NewWorker(id int) Worker {
	rng := w.te.env.Rand(uint64(id))
	return &readWorker{r: w.te.newReader(&w.ids, rng), mix: &w.reads, rng: rng}
}

type readWorker struct {
	r   *reader
	mix *weighted
	rng *rand.Rand
}

func (rw *readWorker) Next(ctx context.Context, op *Op) error {
	return rw.r.next(ctx, op, rw.mix, rw.rng)
}

func (rw *readWorker) Check(op *Op) error { return rw.r.check(op) }

// next fills op with a read of a kind the mix picks; a kind whose
// collection is empty (a tiny dataset without positions) falls back to
// orders, then instruments.
func (r *reader) next(ctx context.Context, op *Op, mix *weighted, rng *rand.Rand) error {
	if r.fill(ctx, op, mix.pick(rng)) || r.fill(ctx, op, kReadOrder) || r.fill(ctx, op, kGetInstrument) {
		return nil
	}
	return fmt.Errorf("the dataset holds no orders or instruments to read: raise --keys")
}
