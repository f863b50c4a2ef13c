// Package plan runs `rbench plan`: it writes the trading node's dataset at a
// few scales on throwaway redis-servers, measures per collection what each
// scale costs (memory, AOF bytes, AOF load time, the node's startup load),
// fits a model to every figure with package capacity and projects it to the
// history an operator expects.
//
// Every scale and encoding gets a fresh server (AOF everysec, automatic
// rewrites off), so one measurement never disturbs the next.
package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/internal/info"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
	"github.com/rbench/rbench/node/startup"
	"github.com/rbench/rbench/plan/capacity"
	"github.com/rbench/rbench/recovery"
	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/serverview"
)

// Figures the plan measures beyond results' Figure* constants. They are
// recorded as points and fitted, shown in the table and the report, but
// not projected.
const (
	// FigureAOFLogged is the AOF as the writes logged it, before a rewrite
	// (every command of every cache call, as the node's one-command
	// transactions reach it: bare), bytes.
	FigureAOFLogged = "aof_logged_bytes"
	// FigureReady is restart (SIGKILL) to PING answering without LOADING,
	// seconds, against AOF bytes.
	FigureReady = "restart_ready_sec"
)

// Total is the collection name of whole-dataset points.
const Total = "total"

// Modelled lists the collections the projection models, in the order the
// tables show them; other collections (currencies, general) are a few
// fixed keys and are folded into the base memory.
var Modelled = []string{keyspace.Orders, keyspace.Index, keyspace.Positions, keyspace.Accounts, keyspace.Instruments}

// Defaults of Options.
var DefaultScales = []int64{10_000, 100_000, 1_000_000}

const (
	DefaultEncoding    = "msgpack"
	DefaultRepeats     = 2
	DefaultSampleKeys  = 200
	DefaultConcurrency = 32
	DefaultBatch       = keyspace.DefaultFillBatch
)

// RepeatUnder is the longest timing Options.Repeats repeats.
const RepeatUnder = 10 * time.Second

// ErrOptions marks invalid Options.
var ErrOptions = errors.New("invalid plan options")

// Options configure Measure and Run.
type Options struct {
	// Scales are the dataset sizes to measure, in keys written (orders,
	// positions, accounts, index sets and hashes), besides the instruments
	// and currencies, which are the same at every scale.
	// default: 10000, 100000, 1000000
	Scales []int64
	// Encodings are measured one after the other, each at every scale.
	// default: msgpack
	Encodings []string
	// TraderID goes into the key prefix trader-{TraderID}: (each scale and
	// encoding has a server of its own, so keys are the node's own).
	// default: RBENCH-001
	TraderID string
	// Seed makes the dataset reproducible.
	// default: 1
	Seed int64
	// Node is the node whose dataset is written and loaded: its flavour's
	// payloads and call sequences (the Python TradingNode's or the Rust
	// LiveNode's serde payloads), its key layout (use_instance_id), what
	// its scenario writes (snapshots, timestamps) and how its startup load
	// decodes and chunks its MGETs. Account events are written whatever
	// PersistAccountEvents says, so that their cost is measured; the
	// profile decides whether the projection holds them.
	// default: node.DefaultConfig()
	Node node.Config
	// Server is the template of each throwaway server; Persistence is
	// always AOF everysec and automatic rewrites are turned off (a rewrite
	// in the middle of a scale would spoil its AOF figure).
	// default: redis-server from PATH with compose/redis.conf
	Server localredis.Options
	// Instruments is how many instruments the dataset holds at every
	// scale (the node trades the same instruments however long its
	// history); give the profile's count so the instruments' cost and the
	// startup load's MGET are measured, not extrapolated.
	// default: 12, the scenario generator's
	Instruments int
	// SampleKeys is how many keys per collection MEMORY USAGE and DUMP
	// measure to share the server's memory and AOF out between collections.
	// default: 200
	SampleKeys int
	// Concurrency sizes the measuring client's pool (the startup loads
	// use one connection: the Python node's one round trip at a time, the
	// Rust LiveNode's pipelines on its one multiplexed connection).
	// default: 32
	Concurrency int
	// Batch is how many commands go in one pipelined round trip while
	// writing the dataset (keyspace.Filler).
	// default: keyspace.DefaultFillBatch
	Batch int
	// Repeats is how many times the restart and each startup load are
	// timed per scale; the fastest counts, since a slower repeat measures
	// the machine's other work, not Redis. A timing that took RepeatUnder
	// or longer is not repeated: it spans a million round trips or more,
	// so a repeat would add minutes for little.
	// default: 2
	Repeats int
	// Log receives a line per step; nil discards.
	// default: nil
	Log io.Writer
}

func (o Options) withDefaults() (Options, error) {
	if len(o.Scales) == 0 {
		o.Scales = DefaultScales
	}
	if len(o.Encodings) == 0 {
		o.Encodings = []string{DefaultEncoding}
	}
	if o.TraderID == "" {
		o.TraderID = keyspace.DefaultTraderID
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.SampleKeys <= 0 {
		o.SampleKeys = DefaultSampleKeys
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	if o.Repeats <= 0 {
		o.Repeats = DefaultRepeats
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Node.Flavour == "" {
		o.Node = node.DefaultConfig()
	}
	if err := o.Node.Validate(); err != nil {
		return o, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	o.Node, _ = o.Node.Effective()
	o.Node.PersistAccountEvents = true // measured; the profile projects them or not
	if o.Instruments < 0 {
		return o, fmt.Errorf("%w: instruments %d: want a count of zero (the default dozen) or more", ErrOptions, o.Instruments)
	}
	o.Scales = slices.Clone(o.Scales)
	slices.Sort(o.Scales)
	o.Scales = slices.Compact(o.Scales)
	for _, s := range o.Scales {
		if s < 100 {
			return o, fmt.Errorf("%w: scale %d: want at least 100 keys per scale (e.g. --scales 10000,100000)", ErrOptions, s)
		}
	}
	for _, e := range o.Encodings {
		if _, err := codecs.ByName(e); err != nil {
			return o, fmt.Errorf("%w: encoding: %w", ErrOptions, err)
		}
	}
	return o, nil
}

// Mix is what one scale's dataset held, counted after it was written.
type Mix struct {
	Encoding string `json:"encoding"`
	Scale    int64  `json:"scale"`
	// Keys counts keys per collection.
	Keys map[string]int64 `json:"keys"`
	// OrderEvents and AccountEvents count list elements over all orders
	// and all accounts.
	OrderEvents   int64 `json:"order_events"`
	AccountEvents int64 `json:"account_events"`
	// InstrumentBytes is the mean encoded size of an instrument, bytes.
	InstrumentBytes float64 `json:"instrument_bytes"`
	// Memory is MEMORY USAGE over a sample of each collection's keys.
	Memory []results.MemoryUsage `json:"memory,omitempty"`
	// BaseMemory is used_memory of the empty server (less client buffers),
	// OtherMemory the share of the dataset in collections not modelled.
	BaseMemory  int64 `json:"base_memory"`
	OtherMemory int64 `json:"other_memory"`
	// KeysLoaded is INFO's rdb_last_load_keys_loaded after the restart.
	KeysLoaded int64 `json:"keys_loaded"`
	// LoadSource says where the AOF load time came from: "log" (the
	// server's own "DB loaded" line) or "ready" (restart to PONG).
	LoadSource string `json:"load_source"`
}

// EventsPerOrder is the mean list length of an order.
func (m Mix) EventsPerOrder() float64 {
	if m.Keys[keyspace.Orders] == 0 {
		return 0
	}
	return float64(m.OrderEvents) / float64(m.Keys[keyspace.Orders])
}

// Units returns the count a collection's model is fitted against, in the
// unit capacity.DefaultUnits gives it.
func (m Mix) Units(collection string) float64 {
	switch capacity.DefaultUnits[collection] {
	case capacity.UnitOrders:
		return float64(m.Keys[keyspace.Orders])
	case capacity.UnitPositions:
		return float64(m.Keys[keyspace.Positions])
	case capacity.UnitInstruments:
		return float64(m.Keys[keyspace.Instruments])
	case capacity.UnitAccountEvents:
		return float64(m.AccountEvents)
	}
	return 0
}

// LoadedKeys is capacity.UnitKeys: orders + positions + instruments + accounts.
func (m Mix) LoadedKeys() float64 {
	return float64(m.Keys[keyspace.Orders] + m.Keys[keyspace.Positions] + m.Keys[keyspace.Instruments] + m.Keys[keyspace.Accounts])
}

// Measure measures every scale under every encoding, each on a fresh
// throwaway server, and returns the points and what each dataset held.
func Measure(ctx context.Context, opts Options) ([]results.PlanPoint, []Mix, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	var points []results.PlanPoint
	var mixes []Mix
	for _, enc := range opts.Encodings {
		for _, scale := range opts.Scales {
			start := time.Now()
			pts, mix, err := measureScale(ctx, opts, enc, scale)
			if err != nil {
				return points, mixes, fmt.Errorf("%s at %d keys: %w", enc, scale, err)
			}
			fmt.Fprintf(opts.Log, "[%s] %d keys measured in %s\n", enc, scale, time.Since(start).Round(time.Millisecond))
			points = append(points, pts...)
			mixes = append(mixes, mix)
		}
	}
	return points, mixes, nil
}

// measureScale writes scale keys under enc on a new server and measures it.
func measureScale(ctx context.Context, opts Options, enc string, scale int64) (pts []results.PlanPoint, mix Mix, err error) {
	so := opts.Server
	so.Persistence = localredis.AOFEverysec
	so.Dir = "" // a fresh directory per scale
	so.Args = append(slices.Clone(so.Args), "--auto-aof-rewrite-percentage", "0")
	srv, err := localredis.Start(ctx, so)
	if err != nil {
		return nil, mix, err
	}
	defer func() {
		if serr := srv.Stop(); serr != nil && err == nil {
			err = fmt.Errorf("stopping the server: %w", serr)
		}
	}()
	log := func(format string, a ...any) {
		fmt.Fprintf(opts.Log, "[%s %d] "+format+"\n", append([]any{enc, scale}, a...)...)
	}
	newClient := func(pool int) redis.UniversalClient {
		o := connect.FromServer(srv)
		o.PoolSize, o.ReadTimeout, o.WriteTimeout = pool, time.Minute, time.Minute
		return connect.NewClient(o)
	}
	c := newClient(opts.Concurrency + 2)
	defer func() { _ = c.Close() }()
	layout := keyspace.LayoutFor(opts.TraderID, opts.Node, opts.Seed)
	prefix := layout.Prefix() + keyspace.Delimiter
	mix = Mix{Encoding: enc, Scale: scale}

	settle := func() (results.ServerSecond, error) {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		return serverview.Settle(sctx, c)
	}
	rewrite := func() error {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		return serverview.RewriteAOF(sctx, c)
	}
	if err := rewrite(); err != nil {
		return nil, mix, err
	}
	before, err := settle()
	if err != nil {
		return nil, mix, err
	}
	mix.BaseMemory = before.UsedMemory - before.ClientMemory

	t0 := time.Now()
	written, err := write(ctx, c, layout, enc, scale, opts)
	if err != nil {
		return nil, mix, fmt.Errorf("writing the dataset: %w", err)
	}
	after, err := settle()
	if err != nil {
		return nil, mix, err
	}
	log("wrote %d keys in %s", written, time.Since(t0).Round(time.Millisecond))

	counts, err := countKeys(ctx, c, prefix, opts.SampleKeys)
	if err != nil {
		return nil, mix, err
	}
	mix.Keys = counts.keys
	mix.OrderEvents, mix.AccountEvents = counts.orderEvents, counts.accountEvents
	mix.InstrumentBytes = counts.instrumentBytes
	mctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	mix.Memory, err = serverview.MeasureMemory(mctx, c, []serverview.MemoryTarget{{Prefix: prefix, Encoding: enc}},
		serverview.Options{MemoryKeysPerCollection: opts.SampleKeys})
	cancel()
	if err != nil {
		return nil, mix, fmt.Errorf("MEMORY USAGE: %w", err)
	}

	if err := rewrite(); err != nil {
		return nil, mix, err
	}
	rewritten, err := settle()
	if err != nil {
		return nil, mix, err
	}

	memDelta := float64(after.UsedMemory - after.ClientMemory - mix.BaseMemory)
	loggedDelta := float64(after.AOFSize - before.AOFSize)
	baseDelta := float64(rewritten.AOFBaseSize - before.AOFBaseSize)
	memShare := shares(mix.Memory, counts, func(u results.MemoryUsage) float64 { return u.MeanBytes })
	aofShare := counts.dumpShares()
	keys := float64(written)
	point := func(coll, fig, style, unit string, x, y float64) {
		pts = append(pts, results.PlanPoint{Scale: scale, Encoding: enc, Collection: coll, Figure: fig, Style: style, XUnit: unit, X: x, Y: y})
	}
	point(Total, results.FigureMemory, "", capacity.UnitKeys, keys, memDelta)
	point(Total, results.FigureAOF, "", capacity.UnitKeys, keys, baseDelta)
	point(Total, FigureAOFLogged, "", capacity.UnitKeys, keys, loggedDelta)
	var other float64
	for coll, sh := range memShare {
		if !slices.Contains(Modelled, coll) {
			other += sh * memDelta
		}
	}
	mix.OtherMemory = int64(math.Round(other))
	for _, coll := range Modelled {
		x := mix.Units(coll)
		if x <= 0 {
			continue
		}
		unit := capacity.DefaultUnits[coll]
		point(coll, results.FigureMemory, "", unit, x, memShare[coll]*memDelta)
		point(coll, results.FigureAOF, "", unit, x, aofShare[coll]*baseDelta)
	}
	log("used_memory +%s, AOF logged %s, rewritten %s", capacity.Bytes(int64(memDelta)), capacity.Bytes(int64(loggedDelta)), capacity.Bytes(int64(baseDelta)))

	// Restart from the rewritten AOF: a crash (SIGKILL), as the recovery
	// cycles do, so nothing is written at shutdown. The fastest of
	// opts.Repeats restarts counts (one, when it took RepeatUnder or more).
	_ = c.Close()
	aofBytes := float64(rewritten.AOFSize)
	load, ready := math.Inf(1), math.Inf(1)
	for i := 0; i < opts.Repeats && (i == 0 || ready < RepeatUnder.Seconds()); i++ {
		tm, err := (&recovery.LocalRestarter{Server: srv, Timeout: 5 * time.Minute}).Restart(ctx)
		if err != nil {
			return nil, mix, fmt.Errorf("restarting: %w", err)
		}
		l, src := tm.Load.Seconds(), tm.LoadSource
		if tm.Load < 0 {
			l, src = tm.Ready.Seconds(), "ready"
		}
		if l < load {
			load, mix.LoadSource = l, src
		}
		ready = min(ready, tm.Ready.Seconds())
	}
	c = newClient(opts.Concurrency + 2)
	if txt, err := c.Info(ctx, "persistence").Result(); err == nil {
		mix.KeysLoaded, _ = info.Int64(info.Parse(txt), "rdb_last_load_keys_loaded")
	}
	point(Total, results.FigureAOFLoad, "", capacity.UnitBytes, aofBytes, load)
	point(Total, FigureReady, "", capacity.UnitBytes, aofBytes, ready)
	log("restart: AOF of %s loaded in %.3fs (%s), ready after %.3fs", capacity.Bytes(int64(aofBytes)), load, mix.LoadSource, ready)

	// The node decodes every payload it loads; so does the replay, so the
	// startup figure is the node's, not Redis's alone.
	codec, err := codecs.ByName(enc)
	if err != nil {
		return nil, mix, err
	}
	for _, style := range startup.Styles {
		best := math.Inf(1)
		var res startup.Result
		for i := 0; i < opts.Repeats && (i == 0 || best < RepeatUnder.Seconds()); i++ {
			res, err = startup.Load(ctx, c, startup.Options{TraderKey: layout.Prefix(), Style: style, Codec: codec,
				Flavour: opts.Node.Flavour, BulkReadBatchSize: opts.Node.BulkReadBatchSize})
			if err != nil {
				return nil, mix, fmt.Errorf("startup load (%s): %w", style, err)
			}
			if res.Undecodable > 0 {
				return nil, mix, fmt.Errorf("startup load (%s): %d payloads rbench wrote do not decode", style, res.Undecodable)
			}
			best = min(best, res.Total.Seconds())
		}
		point(Total, results.FigureLoad, string(style), capacity.UnitKeys, mix.LoadedKeys(), best)
		log("startup load %s: %d commands in %.3fs", style, res.Commands, best)
	}
	return pts, mix, nil
}

// write fills the scenario's cache calls (keyspace.Filler: the node's
// commands in its order, pipelined, which leaves the dataset and the AOF
// the node's one MULTI/EXEC per command would) until scale distinct keys
// besides the instruments and currencies exist. It returns every key
// written.
func write(ctx context.Context, c redis.UniversalClient, layout keyspace.Layout, enc string, scale int64, opts Options) (int64, error) {
	codec, err := codecs.ByName(enc)
	if err != nil {
		return 0, err
	}
	src := recovery.NewScenarioSource(layout, codec, scenario.Options{Seed: opts.Seed, TraderID: opts.TraderID, Instruments: opts.Instruments, Node: opts.Node})
	seen := make(map[string]struct{}, scale)
	// The scale counts the history's keys; the instruments and currencies
	// are the same at every scale and come on top.
	fixed := 0
	isFixed := func(key string) bool {
		coll := serverview.Collection(layout.Prefix()+keyspace.Delimiter, key)
		return coll == keyspace.Instruments || coll == keyspace.Currencies
	}
	f := keyspace.NewFiller(c, keyspace.FillOptions{Batch: opts.Batch})
	var cmds []keyspace.Cmd
	for int64(len(seen)-fixed) < scale {
		call := src.Next()
		if call == nil {
			break
		}
		cmds = cmds[:0]
		for _, cmd := range call {
			cmds = append(cmds, keyspace.Cmd(cmd))
			switch strings.ToUpper(keyspace.Cmd(cmd).Name()) {
			case "DEL", "UNLINK", "SREM", "HDEL", "RPUSHX":
			default:
				key := keyspace.Cmd(cmd).Key()
				if _, ok := seen[key]; !ok {
					seen[key] = struct{}{}
					if isFixed(key) {
						fixed++
					}
				}
			}
		}
		if err := f.Add(ctx, cmds, nil); err != nil {
			return 0, err
		}
	}
	if err := src.Err(); err != nil {
		return 0, err
	}
	if err := f.Flush(ctx); err != nil {
		return 0, err
	}
	return int64(len(seen)), nil
}

// keyCounts is one SCAN over a prefix: keys per collection, list lengths,
// and DUMP sizes of a sample per collection.
type keyCounts struct {
	keys            map[string]int64
	orderEvents     int64
	accountEvents   int64
	instrumentBytes float64
	dumpMean        map[string]float64
}

// dumpShares shares the rewritten AOF (an RDB preamble, whose size per key
// is its DUMP size) between collections by sampled DUMP size x key count.
func (k keyCounts) dumpShares() map[string]float64 {
	est := map[string]float64{}
	var sum float64
	for coll, m := range k.dumpMean {
		est[coll] = m * float64(k.keys[coll])
		sum += est[coll]
	}
	for coll := range est {
		if sum > 0 {
			est[coll] /= sum
		}
	}
	return est
}

// shares shares used_memory between collections by sampled MEMORY USAGE
// x key count: Redis's per-key figures miss allocator rounding and the
// main dictionary's growth, which the measured delta includes, so only
// their proportions are used.
func shares(usage []results.MemoryUsage, k keyCounts, mean func(results.MemoryUsage) float64) map[string]float64 {
	est := map[string]float64{}
	var sum float64
	for _, u := range usage {
		est[u.Collection] = mean(u) * float64(k.keys[u.Collection])
		sum += est[u.Collection]
	}
	for coll := range est {
		if sum > 0 {
			est[coll] /= sum
		}
	}
	return est
}

func countKeys(ctx context.Context, c redis.UniversalClient, prefix string, sample int) (keyCounts, error) {
	k := keyCounts{keys: map[string]int64{}, dumpMean: map[string]float64{}}
	sampled := map[string][]string{}
	var lists []string // orders and accounts keys, for LLEN
	listColl := map[string]string{}
	err := keyspace.Scan(ctx, c, prefix, keyspace.ScanOptions{Dedupe: true}, func(page []string) error {
		for _, key := range page {
			coll := serverview.Collection(prefix, key)
			if coll == "" {
				continue
			}
			k.keys[coll]++
			if len(sampled[coll]) < sample {
				sampled[coll] = append(sampled[coll], key)
			}
			if coll == keyspace.Orders || coll == keyspace.Accounts {
				lists = append(lists, key)
				listColl[key] = coll
			}
		}
		return nil
	})
	if err != nil {
		return k, err
	}
	for len(lists) > 0 {
		n := min(len(lists), 5000)
		chunk := lists[:n]
		lists = lists[n:]
		pipe := c.Pipeline()
		lens := make([]*redis.IntCmd, len(chunk))
		for i, key := range chunk {
			lens[i] = pipe.LLen(ctx, key)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return k, fmt.Errorf("LLEN: %w", err)
		}
		for i, key := range chunk {
			if listColl[key] == keyspace.Orders {
				k.orderEvents += lens[i].Val()
			} else {
				k.accountEvents += lens[i].Val()
			}
		}
	}
	for coll, keys := range sampled {
		pipe := c.Pipeline()
		dumps := make([]*redis.StringCmd, len(keys))
		for i, key := range keys {
			dumps[i] = pipe.Dump(ctx, key)
		}
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return k, fmt.Errorf("DUMP: %w", err)
		}
		var sum, n float64
		for _, d := range dumps {
			if d.Err() == nil {
				sum += float64(len(d.Val()))
				n++
			}
		}
		if n > 0 {
			k.dumpMean[coll] = sum / n
		}
		if coll == keyspace.Instruments {
			vals, err := c.MGet(ctx, keys...).Result()
			if err != nil {
				return k, fmt.Errorf("MGET instruments: %w", err)
			}
			var s, m float64
			for _, v := range vals {
				if str, ok := v.(string); ok {
					s += float64(len(str))
					m++
				}
			}
			if m > 0 {
				k.instrumentBytes = s / m
			}
		}
	}
	return k, nil
}
