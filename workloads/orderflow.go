package workloads

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/redis/go-redis/v9"
)

// The order-flow workload is the node's write hot path while it trades: new
// orders, their events (submitted, accepted, filled, canceled, rejected),
// the fills appended to positions, the account states that follow, and with
// --param purge=true the purges of closed orders and positions a node with
// purge_from_database makes, every purge_interval (default 1m) of scenario
// time, of everything closed purge_buffer (default 0) before. Each cache
// call goes through the node's writer (writer.go): one MULTI/EXEC per
// command, or per --buffer-interval. Every connection streams its own
// scenario shard, so ids never
// collide; Setup writes the shards' currencies, instruments and accounts
// untimed. Use --rate for a target rate. --ops-mix with write kinds
// (add_order, update_order, add_position, update_position, update_account,
// purge_order, purge_position) reweighs the calls: see docs/workloads.md.
func init() {
	Register(Definition{
		Name:        "order-flow",
		Connections: 1,
		Summary:     "live trading writes: orders and their events, fills to positions and accounts, optional purge (--param purge=true)",
		Encodings:   tradingEncodings,
		New:         newOrderFlow,
		Writer:      true,
	})
}

type orderFlowWorkload struct {
	spec    *Spec
	params  tradingParams
	writes  weighted
	te      *tradingEnv
	streams []*callStream
}

func newOrderFlow(spec *Spec) (Workload, error) {
	p, err := parseTradingParams("order-flow", spec.Params, ParamPurge, ParamPurgeInterval, ParamPurgeBuffer)
	if err != nil {
		return nil, err
	}
	w := &orderFlowWorkload{spec: spec, params: p}
	if spec.OpsMix != "" {
		if _, w.writes, err = tradingMix("order-flow", spec.OpsMix, writeKinds); err != nil {
			return nil, err
		}
		if err := rustMixError(spec, "order-flow", w.writes); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *orderFlowWorkload) Name() string      { return "order-flow" }
func (w *orderFlowWorkload) OpKinds() []OpKind { return tradingOpKinds() }

func (w *orderFlowWorkload) Setup(ctx context.Context, env *Env) error {
	te, err := newTradingEnv(env)
	if err != nil {
		return err
	}
	w.te = te
	w.streams, err = te.writerStreams(ctx, 0, env.Connections, w.params, &w.writes)
	return err
}

// writerStreams makes n streams of shards first.. first+n-1 and writes their
// setup calls; only shard 0 writes currencies and instruments.
func (te *tradingEnv) writerStreams(ctx context.Context, first, n int, p tradingParams, mix *weighted) ([]*callStream, error) {
	streams := make([]*callStream, n)
	for i := range streams {
		shard := first + i
		s := te.newStream(shard, 0, p, shard > 0)
		s.setMixKinds(mix)
		if err := s.prime(ctx, te.env.Client); err != nil {
			return nil, fmt.Errorf("writing the setup calls of stream %d: %w", shard, err)
		}
		streams[i] = s
	}
	return streams, nil
}

func (w *orderFlowWorkload) NewWorker(id int) Worker {
	return &orderFlowWorker{s: w.streams[id], mix: &w.writes, rng: w.te.env.Rand(uint64(id))}
}

type orderFlowWorker struct {
	s   *callStream
	mix *weighted
	rng *rand.Rand
}

func (ow *orderFlowWorker) Next(ctx context.Context, op *Op) error {
	return ow.s.writeOp(ctx, op, ow.mix, ow.rng)
}

func (ow *orderFlowWorker) Check(*Op) error { return nil }

// Replay implements Replayer: the Rust node's update_order decode.
func (ow *orderFlowWorker) Replay(op *Op, read redis.Cmder) error { return ow.s.te.replay(op, read) }
