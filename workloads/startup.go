package workloads

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// The startup-load workload replays what a trading node reads when it
// restarts (reference "Startup load"): for each collection in the node's
// order (general, currencies, instruments, accounts, orders, positions)
// SCAN MATCH {trader_key}:{collection}* COUNT 5000 until the cursor is 0;
// MGET of the general, currency and instrument keys, in chunks of
// --param bulk_read_batch=N (0, the default: one MGET of all); LRANGE 0 -1
// of every account, order and position; HGETALL of index:order_position
// and index:order_client after the orders; GET of the instrument of every
// position. Every payload is decoded, as the node does.
//
// Style sequential issues one round trip after another (the Python node);
// style concurrent keeps --param startup_concurrency reads in flight
// (default 32, like recovery's replay; the Rust node's reads are
// concurrent too), collection by collection. --param style=both (default)
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
	styles := []string{w.params.style}
	if w.params.style == "both" {
		styles = []string{"sequential", "concurrent"}
	}
	conc := w.params.startupConcurrency
	var recs []*Recorder
	var loads []results.StartupLoad
	for _, style := range styles {
		l := &loader{te: w.te, client: env.Client, style: style, batch: w.params.bulkReadBatch, rec: rec}
		if style == "concurrent" {
			for len(recs) < conc {
				recs = append(recs, env.NewRecorder())
			}
			l.pool = recs
		}
		sl, err := l.load(ctx)
		fmt.Fprintf(env.Log, "[%s] startup-load %s: %.3fs, %d commands, %d keys\n", env.Encoding, style, sl.TotalSec, sl.Commands, sumKeys(sl.Keys))
		loads = append(loads, sl)
		if err != nil {
			w.more = loads[1:]
			return loads[0], fmt.Errorf("startup load (%s): %w", style, err)
		}
	}
	w.more = loads[1:]
	return loads[0], nil
}

func sumKeys(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// loader is one startup load.
type loader struct {
	te     *tradingEnv
	client redis.UniversalClient
	style  string
	batch  int
	rec    *Recorder   // sequential reads and SCAN/MGET/HGETALL
	pool   []*Recorder // one per concurrent reader

	commands, bytes atomic.Int64
}

func (l *loader) load(ctx context.Context) (results.StartupLoad, error) {
	sl := results.StartupLoad{Encoding: l.te.env.Encoding, Style: l.style, Keys: map[string]int64{}}
	start := time.Now()
	err := l.collections(ctx, sl.Keys)
	sl.TotalSec = time.Since(start).Seconds()
	sl.Commands = l.commands.Load()
	sl.Bytes = l.bytes.Load()
	return sl, err
}

func (l *loader) collections(ctx context.Context, counts map[string]int64) error {
	for _, coll := range keyspace.LoadOrder {
		keys, err := l.scan(ctx, coll)
		if err != nil {
			return err
		}
		counts[coll] = int64(len(keys))
		switch coll {
		case keyspace.General, keyspace.Currencies, keyspace.Instruments:
			err = l.mget(ctx, keys, coll != keyspace.General)
		case keyspace.Accounts:
			err = l.each(ctx, keys, func(ctx context.Context, rec *Recorder, key string) error {
				_, err := l.lrange(ctx, rec, skLrangeAccount, key)
				return err
			})
		case keyspace.Orders:
			err = l.each(ctx, keys, func(ctx context.Context, rec *Recorder, key string) error {
				vals, err := l.lrange(ctx, rec, skLrangeOrder, key)
				if err == nil && len(vals) > 0 {
					if _, ok := vals[0].(*payloads.OrderInitialized); !ok {
						err = fmt.Errorf("%w: %s: element 0 is %s, want OrderInitialized", ErrDecode, key, payloads.TypeOf(vals[0]))
					}
				}
				return err
			})
			if err == nil {
				err = l.hgetall(ctx)
			}
		case keyspace.Positions:
			err = l.each(ctx, keys, l.position)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// observe records one command of kind k sent at sent, and its bytes.
func (l *loader) observe(rec *Recorder, k int, sent time.Time, cmd redis.Cmder, err error) {
	if errors.Is(err, redis.Nil) {
		err = nil
	}
	rec.Observe(k, sent, err)
	op := Op{Cmds: []redis.Cmder{cmd}}
	bs, br := requestBytes(&op), replyBytes(&op)
	rec.AddBytes(k, bs, br)
	l.commands.Add(1)
	l.bytes.Add(br)
}

func (l *loader) scan(ctx context.Context, coll string) ([]string, error) {
	pattern := l.te.layout.ScanPattern(coll)
	var keys []string
	var cursor uint64
	for {
		sent := time.Now()
		cmd := l.client.Scan(ctx, cursor, pattern, keyspace.ScanCount)
		page, next, err := cmd.Result()
		l.observe(l.rec, skScan, sent, cmd, err)
		if err != nil {
			return nil, fmt.Errorf("SCAN %s: %w", pattern, err)
		}
		keys = append(keys, page...)
		if next == 0 {
			return keys, nil
		}
		cursor = next
	}
}

// mget reads keys in chunks of l.batch (all at once when 0), decoding the
// payloads when decode is set (general values are opaque bytes).
func (l *loader) mget(ctx context.Context, keys []string, decode bool) error {
	for len(keys) > 0 {
		n := len(keys)
		if l.batch > 0 && n > l.batch {
			n = l.batch
		}
		chunk := keys[:n]
		keys = keys[n:]
		sent := time.Now()
		cmd := l.client.MGet(ctx, chunk...)
		vals, err := cmd.Result()
		l.observe(l.rec, skMget, sent, cmd, err)
		if err != nil {
			return fmt.Errorf("MGET of %d keys: %w", len(chunk), err)
		}
		if !decode {
			continue
		}
		for i, v := range vals {
			s, ok := v.(string)
			if !ok {
				continue // removed since the SCAN
			}
			if _, err := payloads.Decode(l.te.codec, []byte(s)); err != nil {
				return fmt.Errorf("%w: %s: %w", ErrDecode, chunk[i], err)
			}
		}
	}
	return nil
}

func (l *loader) lrange(ctx context.Context, rec *Recorder, k int, key string) ([]any, error) {
	sent := time.Now()
	cmd := l.client.LRange(ctx, key, 0, -1)
	vals, err := cmd.Result()
	l.observe(rec, k, sent, cmd, err)
	if err != nil {
		return nil, fmt.Errorf("LRANGE %s: %w", key, err)
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		if out[i], err = payloads.Decode(l.te.codec, []byte(v)); err != nil {
			return nil, fmt.Errorf("%w: %s element %d: %w", ErrDecode, key, i, err)
		}
	}
	return out, nil
}

// position loads a position's fills, then its instrument.
func (l *loader) position(ctx context.Context, rec *Recorder, key string) error {
	vals, err := l.lrange(ctx, rec, skLrangePosition, key)
	if err != nil || len(vals) == 0 {
		return err
	}
	fill, ok := vals[0].(*payloads.OrderFilled)
	if !ok {
		return fmt.Errorf("%w: %s: element 0 is %s, want OrderFilled", ErrDecode, key, payloads.TypeOf(vals[0]))
	}
	ikey := l.te.layout.InstrumentKey(fill.InstrumentID)
	sent := time.Now()
	cmd := l.client.Get(ctx, ikey)
	v, err := cmd.Result()
	l.observe(rec, skGetInstrument, sent, cmd, err)
	if err != nil {
		return fmt.Errorf("GET %s: %w", ikey, err)
	}
	if _, err := payloads.Decode(l.te.codec, []byte(v)); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrDecode, ikey, err)
	}
	return nil
}

func (l *loader) hgetall(ctx context.Context) error {
	for _, name := range []string{keyspace.IndexOrderPosition, keyspace.IndexOrderClient} {
		key := l.te.layout.IndexKey(name)
		sent := time.Now()
		cmd := l.client.HGetAll(ctx, key)
		err := cmd.Err()
		l.observe(l.rec, skHgetall, sent, cmd, err)
		if err != nil {
			return fmt.Errorf("HGETALL %s: %w", key, err)
		}
	}
	return nil
}

// each runs read for every key: one after another (sequential), or from
// len(l.pool) goroutines, each with its own recorder (concurrent).
func (l *loader) each(ctx context.Context, keys []string, read func(context.Context, *Recorder, string) error) error {
	if l.pool == nil {
		for _, k := range keys {
			if err := read(ctx, l.rec, k); err != nil {
				return err
			}
		}
		return nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, rec := range l.pool {
		wg.Add(1)
		go func(rec *Recorder) {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(keys)) || ctx.Err() != nil {
					return
				}
				if err := read(ctx, rec, keys[i]); err != nil {
					cancel(err)
					return
				}
			}
		}(rec)
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}
