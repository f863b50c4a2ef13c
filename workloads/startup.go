package workloads

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/node/startup"
	"github.com/rbench/rbench/results"
)

// The startup-load workload replays what a trading node reads when it
// restarts, with node/startup's replay (reference "Startup load"): for
// each collection in the node's order (general, currencies, instruments,
// accounts, orders, positions) SCAN MATCH {trader_key}:{collection}* COUNT
// 5000 until the cursor is 0; MGET of the general, currency and instrument
// keys, in chunks of --param bulk_read_batch=N (0, the default: one MGET
// of all); LRANGE 0 -1 of every account, order and position; HGETALL of
// index:order_position and index:order_client after the orders; GET of the
// instrument of every position. Every payload is decoded, as the node
// does; one that does not decode counts as a decode error of its command.
//
// Style sequential issues one round trip after another (the Python node);
// style concurrent keeps --param startup_concurrency reads in flight
// (default 32), collection by collection. --param style=both (default)
// runs sequential, then concurrent. Setup populates --keys keys first: the
// engine starts every pass on a clean keyspace, so one command measures a
// restart of a node with that dataset.
func init() {
	Register(Definition{
		Name:      "startup-load",
		Summary:   "replay a node restart (SCAN, MGET, LRANGE, GET, HGETALL) over a --keys dataset, sequential and concurrent (--param style=)",
		Encodings: tradingEncodings,
		New:       newStartupLoad,
	})
}

// Startup op kinds.
const (
	skScan = iota
	skMget
	skLrangeOrder
	skLrangePosition
	skLrangeAccount
	skGetInstrument
	skHgetall
)

type startupWorkload struct {
	spec   *Spec
	params tradingParams
	te     *tradingEnv
	more   []results.StartupLoad
}

func newStartupLoad(spec *Spec) (Workload, error) {
	p, err := parseTradingParams("startup-load", spec.Params, ParamStyle, ParamBulkReadBatch, ParamStartupConcurrency)
	if err != nil {
		return nil, err
	}
	if spec.OpsMix != "" {
		return nil, fmt.Errorf("%w: ops_mix %q: startup-load replays a fixed plan; it takes no mix", ErrBadSpec, spec.OpsMix)
	}
	if _, set := spec.Params[ParamBulkReadBatch]; !set {
		p.bulkReadBatch = spec.Node.BulkReadBatchSize // bulk_read_batch_size
	}
	return &startupWorkload{spec: spec, params: p}, nil
}

func (w *startupWorkload) Name() string { return "startup-load" }

func (w *startupWorkload) OpKinds() []OpKind {
	c := results.ClassStartup
	return []OpKind{
		skScan: {"startup.scan", c}, skMget: {"startup.mget", c},
		skLrangeOrder: {"startup.lrange_order", c}, skLrangePosition: {"startup.lrange_position", c},
		skLrangeAccount: {"startup.lrange_account", c}, skGetInstrument: {"startup.get_instrument", c},
		skHgetall: {"startup.hgetall", c},
	}
}

func (w *startupWorkload) Setup(ctx context.Context, env *Env) error {
	te, err := newTradingEnv(env)
	if err != nil {
		return err
	}
	w.te = te
	_, err = te.loadDataset(ctx, w.spec.Keys, nil)
	return err
}

// NewWorker is never called: startup-load is a OneShot.
func (w *startupWorkload) NewWorker(int) Worker { panic("startup-load is a one-shot workload") }

// MoreStartupLoads returns the second style's load with style both.
func (w *startupWorkload) MoreStartupLoads() []results.StartupLoad { return w.more }

// Run loads the keyspace once per style and returns the first style's
// result; the second (style both) follows through MoreStartupLoads.
func (w *startupWorkload) Run(ctx context.Context, env *Env, rec *Recorder) (results.StartupLoad, error) {
	styles := []startup.Style{startup.Style(w.params.style)}
	if w.params.style == "both" {
		styles = startup.Styles
	}
	recs := []*Recorder{rec}
	var loads []results.StartupLoad
	for _, style := range styles {
		if style == startup.Concurrent {
			// One recorder per reader: a Recorder belongs to one
			// goroutine. Reader 0 shares the main one (its SCANs and
			// MGETs never overlap its per-key reads).
			for len(recs) < w.params.startupConcurrency {
				recs = append(recs, env.NewRecorder())
			}
		}
		res, err := startup.Load(ctx, env.Client, startup.Options{
			TraderKey:         w.te.layout.Prefix(),
			Style:             style,
			Concurrency:       w.params.startupConcurrency,
			BulkReadBatchSize: w.params.bulkReadBatch,
			Codec:             w.te.codec,
			Observe:           func(ev startup.Event) { observeStartup(recs[ev.Reader], ev) },
		})
		sl := startupResult(env.Encoding, res)
		undecodable := ""
		if res.Undecodable > 0 {
			undecodable = fmt.Sprintf(", %d payloads that do not decode", res.Undecodable)
		}
		fmt.Fprintf(env.Log, "[%s] startup-load %s: %.3fs, %d commands, %d keys%s\n",
			env.Encoding, style, sl.TotalSec, sl.Commands, sumKeys(sl.Keys), undecodable)
		loads = append(loads, sl)
		if err != nil {
			w.more = loads[1:]
			return loads[0], fmt.Errorf("startup load (%s): %w", style, err)
		}
	}
	w.more = loads[1:]
	return loads[0], nil
}

// startupResult is a node/startup load as the results file records it.
func startupResult(encoding string, r startup.Result) results.StartupLoad {
	return results.StartupLoad{
		Encoding: encoding, Style: string(r.Style), TotalSec: r.Total.Seconds(),
		Keys: r.Keys, Commands: r.Commands, Bytes: r.Bytes, Undecodable: r.Undecodable,
	}
}

func sumKeys(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// observeStartup records one command of the load as its op kind: its
// round trip, its bytes, and a decode error when a payload in its reply
// did not decode.
func observeStartup(rec *Recorder, ev startup.Event) {
	k := startupKind(ev)
	err := ev.Cmd.Err()
	if errors.Is(err, redis.Nil) {
		err = nil
	}
	if err == nil && ev.DecodeErr != nil {
		err = fmt.Errorf("%w: %w", ErrDecode, ev.DecodeErr)
	}
	// The load calls Observe once the reply is decoded: date the send
	// back from now by the round trip so the recorded service time is the
	// round trip alone, not the decode after it.
	rec.Observe(k, time.Now().Add(-ev.Took), err)
	op := Op{Cmds: []redis.Cmder{ev.Cmd}}
	rec.AddBytes(k, requestBytes(&op), replyBytes(&op))
}

func startupKind(ev startup.Event) int {
	switch ev.Cmd.Name() {
	case "scan":
		return skScan
	case "mget":
		return skMget
	case "get":
		return skGetInstrument
	case "hgetall":
		return skHgetall
	}
	switch ev.Collection {
	case "orders":
		return skLrangeOrder
	case "positions":
		return skLrangePosition
	}
	return skLrangeAccount
}
