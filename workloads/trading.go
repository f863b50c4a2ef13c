package workloads

// Shared parts of the trading-node workloads (populate, order-flow, read,
// mixed, startup-load): op kinds, workload parameters, the per-connection
// stream of cache calls, the key budget of a dataset, and the reads.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/node/scenario"
	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// tradingEncodings are the payload encodings of the trading workloads; the
// first is the default, as upstream.
var tradingEncodings = []string{codecs.MsgPack, codecs.JSON}

// Op kinds shared by the streaming trading workloads. The first thirteen
// are the cache calls in scenario.Kind order (kind k is op kind k-1).
const (
	kAddCurrency = iota
	kAddInstrument
	kAddAccount
	kUpdateAccount
	kAddOrder
	kUpdateOrder
	kAddPosition
	kUpdatePosition
	kSnapshotPosition
	kPurgeOrder
	kPurgePosition
	kSnapshotOrder
	kIndexOrderPosition
	kReadOrder
	kReadPosition
	kGetInstrument
	kReadAccount
	nTradingKinds
)

// tradingOpKinds is the op kind table of populate, order-flow, read and
// mixed; kinds a run never performs do not appear in its results.
func tradingOpKinds() []OpKind {
	ks := make([]OpKind, nTradingKinds)
	for _, k := range scenario.Kinds() {
		ks[callKind(k)] = OpKind{k.String(), results.ClassWrite}
	}
	ks[kReadOrder] = OpKind{"read_order", results.ClassRead}
	ks[kReadPosition] = OpKind{"read_position", results.ClassRead}
	ks[kGetInstrument] = OpKind{"get_instrument", results.ClassRead}
	ks[kReadAccount] = OpKind{"read_account", results.ClassRead}
	return ks
}

func callKind(k scenario.Kind) int { return int(k) - 1 }

// Workload parameters (Spec.Params, `--param key=value`, or the same keys at
// the top of a workload file).
const (
	ParamPurge         = "purge"           // order-flow, mixed: purge closed orders and positions
	ParamPurgeInterval = "purge_interval"  // scenario time between purges; default 1m
	ParamPurgeBuffer   = "purge_buffer"    // scenario time an order or position stays closed before a purge; default 0
	ParamStyle         = "style"           // startup-load: sequential (the Python node), rust (the LiveNode) or both
	ParamBulkReadBatch = "bulk_read_batch" // startup-load: MGET chunk size of the sequential style; 0 = one MGET
	// ParamStartupConcurrency is refused with the reason: it set the
	// reads in flight of rbench's old "concurrent" style, which no node
	// has; the Rust LiveNode's load pipelines every read of a collection.
	ParamStartupConcurrency = "startup_concurrency"
)

// tradingParams are the parsed trading parameters.
type tradingParams struct {
	purge         bool
	purgeInterval time.Duration
	purgeBuffer   time.Duration
	style         string
	bulkReadBatch int
}

// Defaults of the trading parameters.
const (
	DefaultStartupStyle = "both"
)

// parseTradingParams reads spec.Params for workload, accepting only the
// names in allowed ('-' and '_' alike). Every bad parameter is reported at
// once (errors.Join, in name order), each naming the parameter, its value
// and the fix; each wraps ErrBadSpec.
func parseTradingParams(workload string, params map[string]any, allowed ...string) (tradingParams, error) {
	p := tradingParams{purgeInterval: scenario.DefaultPurgeInterval, style: DefaultStartupStyle}
	var errs []error
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, raw := range names {
		v := params[raw]
		name := strings.ReplaceAll(raw, "-", "_")
		ok := false
		for _, a := range allowed {
			ok = ok || a == name
		}
		if !ok {
			want := "no params: drop it"
			if len(allowed) > 0 {
				want = strings.Join(allowed, ", ") + ": drop it or spell one of them"
			}
			errs = append(errs, fmt.Errorf("%w: param %s=%v: workload %s takes %s", ErrBadSpec, raw, v, workload, want))
			continue
		}
		var err error
		switch name {
		case ParamPurge:
			p.purge, err = paramBool(raw, v)
		case ParamPurgeInterval:
			p.purgeInterval, err = paramDuration(raw, v, time.Millisecond)
		case ParamPurgeBuffer:
			p.purgeBuffer, err = paramDuration(raw, v, 0)
		case ParamBulkReadBatch:
			p.bulkReadBatch, err = paramInt(raw, v, 0, 100_000_000)
		case ParamStartupConcurrency:
			err = fmt.Errorf("%w: param %s: the startup styles are the nodes' own loads: the Python node reads one command at a time and the Rust LiveNode pipelines every read of a collection on one connection, so there is no concurrency to set; drop it (style=rust is the LiveNode's load)", ErrBadSpec, raw)
		case ParamStyle:
			s := strings.ToLower(fmt.Sprint(v))
			switch s {
			case "sequential", "rust", "both":
			case "concurrent":
				err = fmt.Errorf("%w: param %s %q: rbench's old concurrent style (32 reads in flight) is no node's load and is gone; use rust (the Rust LiveNode's: every collection at once, every read pipelined), sequential (the Python node's) or both", ErrBadSpec, raw, v)
			default:
				err = fmt.Errorf("%w: param %s %q: want sequential (the Python node's load), rust (the Rust LiveNode's) or both", ErrBadSpec, raw, v)
			}
			p.style = s
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return p, errors.Join(errs...)
}

func paramBool(name string, v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		if b, err := strconv.ParseBool(x); err == nil {
			return b, nil
		}
	}
	return false, fmt.Errorf("%w: param %s %q: want true or false", ErrBadSpec, name, fmt.Sprint(v))
}

// paramDuration reads a duration ("500ms", "1m") of at least lo, at most a day.
func paramDuration(name string, v any, lo time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(fmt.Sprint(v)))
	if err != nil || d < lo || d > 24*time.Hour {
		return 0, fmt.Errorf("%w: param %s %q: want a duration from %s to 24h, such as 1m", ErrBadSpec, name, fmt.Sprint(v), lo)
	}
	return d, nil
}

func paramInt(name string, v any, lo, hi int) (int, error) {
	var n int64
	var err error
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	case float64:
		n = int64(x)
		if float64(n) != x {
			err = fmt.Errorf("not whole")
		}
	case string:
		n, err = strconv.ParseInt(strings.TrimSpace(x), 10, 64)
	default:
		err = fmt.Errorf("not a number")
	}
	if err != nil || n < int64(lo) || n > int64(hi) {
		return 0, fmt.Errorf("%w: param %s %q: want a whole number from %d to %d", ErrBadSpec, name, fmt.Sprint(v), lo, hi)
	}
	return int(n), nil
}

// tradingEnv is what every trading workload derives from its Env.
type tradingEnv struct {
	env    *Env
	layout keyspace.Layout
	codec  codecs.Codec
	rust   bool // the Rust LiveNode's payloads and call sequences
}

// decode decodes a value read back from Redis as the node's flavour wrote
// it; every error wraps payloads.ErrUndecodable.
func (te *tradingEnv) decode(data []byte) (any, error) {
	if te.rust {
		return payloads.DecodeRust(te.codec, data)
	}
	return payloads.Decode(te.codec, data)
}

// isInitialized reports whether a decoded order-list element is the
// order's OrderInitialized.
func isInitialized(v any) bool {
	switch x := v.(type) {
	case *payloads.OrderInitialized:
		return true
	case *payloads.RustOrderEvent:
		return x.Initialized != nil
	}
	return false
}

// replay is what a Rust node's writer does between update_order's append
// and its index transaction (cache.rs:900-919): decode every event of the
// list it read and the event it appended, and rebuild the order from them,
// which needs OrderInitialized first (OrderAny::from_events). rbench
// decodes with its own decoder: the time is Go's, a stand-in for serde's.
func (te *tradingEnv) replay(op *Op, read redis.Cmder) error {
	rc, ok := read.(*redis.StringSliceCmd)
	if !ok {
		return fmt.Errorf("%w: update_order read a %T, want a list", ErrDecode, read)
	}
	for i, v := range rc.Val() {
		p, err := te.decode([]byte(v))
		if err != nil {
			return fmt.Errorf("%w: update_order replay of %v element %d: %w", ErrDecode, rc.Args()[1], i, err)
		}
		if i == 0 && !isInitialized(p) {
			return fmt.Errorf("%w: update_order replay of %v: element 0 is %s, want OrderInitialized", ErrDecode, rc.Args()[1], payloads.TypeOf(p))
		}
	}
	for _, c := range op.Cmds {
		if args := c.Args(); len(args) == 3 && c.Name() == "rpushx" {
			if b, ok := args[2].([]byte); ok {
				if _, err := te.decode(b); err != nil {
					return fmt.Errorf("%w: update_order replay of the appended event: %w", ErrDecode, err)
				}
			}
		}
	}
	return nil
}

func newTradingEnv(env *Env) (*tradingEnv, error) {
	codec, err := codecs.ByName(env.Encoding)
	if err != nil {
		return nil, fmt.Errorf("%w: encoding %q: %w", ErrBadSpec, env.Encoding, err)
	}
	// The engine's prefix is the node's trader key, trader-{id} (plus the
	// instance id with use_instance_id): keys as a default node writes them.
	l := env.Layout
	if l.Prefix() != env.Prefix {
		return nil, fmt.Errorf("trading workloads: engine prefix %q is not the layout's %q", env.Prefix, l.Prefix())
	}
	return &tradingEnv{env: env, layout: l, codec: codec, rust: env.Node.Flavour == node.Rust}, nil
}

// streamSeed is the scenario seed of shard (a connection's stream): distinct
// per shard, reproducible from the run's seed.
func (te *tradingEnv) streamSeed(shard int) int64 {
	return int64(te.env.Rand(1<<32+uint64(shard)).Uint64() >> 1)
}

// callStream is one connection's stream of cache calls, a scenario shard of
// its own so its order, position and account ids are its own.
type callStream struct {
	te         *tradingEnv
	gen        *scenario.Generator
	skipShared bool // another shard writes currencies and instruments
	pending    *scenario.Call
	pendBuf    scenario.Call
	seq        keyspace.Seq // the last encoded call's commands and steps
	lastNs     int64

	queues  [scenario.LastKind + 1]callQueue // write mixes only
	wantMix [scenario.LastKind + 1]bool
}

func (te *tradingEnv) newStream(shard int, orders int64, p tradingParams, skipShared bool) *callStream {
	if orders <= 0 {
		orders = math.MaxInt64
	}
	g := scenario.New(scenario.Options{
		Seed: te.streamSeed(shard), TraderID: te.env.TraderID, Orders: orders,
		Shard: shard, PurgeClosed: p.purge, PurgeInterval: p.purgeInterval, PurgeBuffer: p.purgeBuffer,
		Node: te.env.Node,
	})
	return &callStream{te: te, gen: g, skipShared: skipShared}
}

// peek returns the next call without consuming it.
func (s *callStream) peek() (*scenario.Call, bool) {
	if s.pending != nil {
		return s.pending, true
	}
	for {
		c, ok := s.gen.Next()
		if !ok {
			return nil, false
		}
		if s.skipShared && (c.Kind == scenario.AddCurrency || c.Kind == scenario.AddInstrument) {
			continue
		}
		if s.te.rust && !keyspace.RustPurges && (c.Kind == scenario.PurgeOrder || c.Kind == scenario.PurgePosition) {
			continue // the Rust node's purges send nothing to Redis
		}
		s.pendBuf = c
		s.pending = &s.pendBuf
		return s.pending, true
	}
}

// next consumes and returns the next call.
func (s *callStream) next() (scenario.Call, bool) {
	c, ok := s.peek()
	if !ok {
		return scenario.Call{}, false
	}
	s.pending = nil
	return *c, true
}

// newKeys is how many keys other than index keys c creates.
func (s *callStream) newKeys(c *scenario.Call) int64 {
	if c.NewKey {
		return 1
	}
	return 0
}

// encode encodes c's payload (nil for purges) and leaves the call's
// commands and steps in s.seq, valid until the next encode.
func (s *callStream) encode(c *scenario.Call) (time.Duration, error) {
	var payload []byte
	var took time.Duration
	// The instrument's info as --instrument-info says: the venue's record
	// (the default, as exchange adapters store it) or null.
	if err := c.ApplyInstrumentInfo(s.te.env.Node, s.te.env.Seed); err != nil {
		return 0, err
	}
	if c.Payload != nil {
		t0 := time.Now()
		b, err := c.EncodePayload(s.te.codec, s.te.env.Node.Flavour)
		took = time.Since(t0)
		if err != nil {
			return took, fmt.Errorf("encoding %s %s: %w", c.Kind, c.ID, err)
		}
		payload = b
	}
	if ns, ok := eventNs(c.Payload); ok {
		s.lastNs = ns
	}
	s.seq = c.AppendSeq(s.seq.Reset(), s.te.layout, s.te.env.Node.Flavour, payload)
	return took, nil
}

// appendCmds adds s.seq to op as go-redis commands, and its steps when
// they are not one message per command (the Python node's).
func (s *callStream) appendCmds(ctx context.Context, op *Op) {
	for _, c := range s.seq.Cmds {
		if c.Name() == "LRANGE" {
			op.Cmds = append(op.Cmds, redis.NewStringSliceCmd(ctx, c...))
			continue
		}
		op.Cmds = append(op.Cmds, redis.NewCmd(ctx, c...))
	}
	for _, st := range s.seq.Steps {
		if st.Kind != keyspace.Queued || st.N != 1 {
			op.Steps = append(op.Steps[:0], s.seq.Steps...)
			break
		}
	}
}

// writes is s.seq's commands without its reads: what an untimed load
// sends, without MULTI/EXEC (the stored data is the same).
func (s *callStream) writes() []keyspace.Cmd {
	reads := 0
	for _, st := range s.seq.Steps {
		if st.Kind == keyspace.Read {
			reads += st.N
		}
	}
	if reads == 0 {
		return s.seq.Cmds
	}
	out := make([]keyspace.Cmd, 0, len(s.seq.Cmds)-reads)
	i := 0
	for _, st := range s.seq.Steps {
		if st.Kind != keyspace.Read {
			out = append(out, s.seq.Cmds[i:i+st.N]...)
		}
		i += st.N
	}
	return out
}

// pipeWrites queues s.seq's writes on pipe, untimed and without
// MULTI/EXEC; reads are left out.
func (s *callStream) pipeWrites(ctx context.Context, pipe redis.Pipeliner) {
	for _, cmd := range s.writes() {
		pipe.Do(ctx, cmd...)
	}
}

// prime writes the stream's setup calls (currencies, instruments, accounts)
// untimed, up to its first order.
func (s *callStream) prime(ctx context.Context, c redis.UniversalClient) error {
	pipe := c.Pipeline()
	for {
		call, ok := s.peek()
		if !ok || call.Kind == scenario.AddOrder {
			break
		}
		cl, _ := s.next()
		if _, err := s.encode(&cl); err != nil {
			return err
		}
		s.pipeWrites(ctx, pipe)
	}
	if pipe.Len() == 0 {
		return nil
	}
	_, err := pipe.Exec(ctx)
	return err
}

// nextOfKind returns the next call of kind k for a write mix. Calls of other
// kinds the mix names wait in bounded queues; others are skipped.
func (s *callStream) nextOfKind(k scenario.Kind) (scenario.Call, error) {
	if c, ok := s.queues[k].pop(); ok {
		return c, nil
	}
	for range maxMixScan {
		c, ok := s.next()
		if !ok {
			return c, fmt.Errorf("scenario stream ended")
		}
		if c.Kind == k {
			return c, nil
		}
		if s.wantMix[c.Kind] {
			s.queues[c.Kind].push(c)
		}
	}
	return scenario.Call{}, fmt.Errorf("%w: ops mix: no %s in %d cache calls of the stream (purge_* needs --param purge=true)", ErrBadSpec, k, maxMixScan)
}

// maxMixScan bounds the search for a call of one kind.
const maxMixScan = 200_000

// callQueue is a bounded FIFO of calls; when full the oldest is dropped, so
// a kind the stream makes more often than the mix asks cannot grow it.
type callQueue struct {
	buf  []scenario.Call
	head int
}

const maxQueuedCalls = 1024

func (q *callQueue) push(c scenario.Call) {
	if len(q.buf)-q.head >= maxQueuedCalls {
		q.buf[q.head] = scenario.Call{}
		q.head++
	}
	if q.head > maxQueuedCalls {
		n := copy(q.buf, q.buf[q.head:])
		clear(q.buf[n:])
		q.buf, q.head = q.buf[:n], 0
	}
	q.buf = append(q.buf, c)
}

func (q *callQueue) pop() (scenario.Call, bool) {
	if q.head >= len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
		return scenario.Call{}, false
	}
	c := q.buf[q.head]
	q.buf[q.head] = scenario.Call{}
	q.head++
	return c, true
}

// eventNs is the event time of a payload that carries one (order events,
// account states), in nanoseconds.
func eventNs(p any) (int64, bool) {
	var ts string
	switch v := p.(type) {
	case *payloads.OrderInitialized:
		ts = v.TsEvent
	case *payloads.OrderSubmitted:
		ts = v.TsEvent
	case *payloads.OrderAccepted:
		ts = v.TsEvent
	case *payloads.OrderCanceled:
		ts = v.TsEvent
	case *payloads.OrderRejected:
		ts = v.TsEvent
	case *payloads.OrderFilled:
		ts = v.TsEvent
	case *payloads.AccountState:
		ts = v.TsEvent
	default:
		return 0, false
	}
	ns, err := payloads.ParseTimestamp(ts)
	return ns, err == nil
}

// keyBudget counts the keys a dataset creates across its streams and stops
// them at the target: entity keys (currencies, instruments, accounts,
// orders, positions) and index keys, each index key once, when first
// written.
type keyBudget struct {
	target    int64
	created   atomic.Int64
	indexBits atomic.Uint32
	indexBit  map[string]uint32
	exhausted atomic.Bool
}

var indexNames = []string{
	keyspace.IndexOrders, keyspace.IndexOrdersOpen, keyspace.IndexOrdersClosed, keyspace.IndexOrdersEmulated,
	keyspace.IndexOrdersInflight, keyspace.IndexOrderIDs, keyspace.IndexPositions, keyspace.IndexPositionsOpen,
	keyspace.IndexPositionsClosed, keyspace.IndexOrderPosition, keyspace.IndexOrderClient,
}

func newKeyBudget(target int64, l keyspace.Layout) *keyBudget {
	b := &keyBudget{target: target, indexBit: map[string]uint32{}}
	for i, n := range indexNames {
		b.indexBit[l.IndexKey(n)] = 1 << i
	}
	return b
}

// take claims the keys cmds create (newEntity plus index keys not written
// before) and reports whether they fit; after the first refusal every call
// that creates a key is refused.
func (b *keyBudget) take(newEntity int64, cmds []keyspace.Cmd) bool {
	var want uint32
	for _, c := range cmds {
		if n := c.Name(); n == "SADD" || n == "HSET" {
			want |= b.indexBit[c.Key()]
		}
	}
	for {
		fresh := want &^ b.indexBits.Load()
		need := newEntity + int64(bits.OnesCount32(fresh))
		if need == 0 {
			return true
		}
		if b.exhausted.Load() {
			return false
		}
		cur := b.created.Load()
		if cur+need > b.target {
			b.exhausted.Store(true)
			return false
		}
		if b.created.CompareAndSwap(cur, cur+need) {
			// Another stream may have written one of these index keys first.
			if dup := b.indexBits.Or(fresh) & fresh; dup != 0 {
				b.created.Add(-int64(bits.OnesCount32(dup)))
			}
			return true
		}
	}
}

// datasetIDs collects the ids a dataset wrote, for the reads. Each
// collection keeps at most maxReadKeys keys (the first written).
type datasetIDs struct {
	orders, positions, accounts, instruments []string
}

// maxReadKeys bounds the keys read and mixed remember per collection.
const maxReadKeys = 1_000_000

func (d *datasetIDs) add(l keyspace.Layout, c *scenario.Call, isNew bool) {
	if !isNew {
		return
	}
	add := func(dst *[]string, key string) {
		if len(*dst) < maxReadKeys {
			*dst = append(*dst, key)
		}
	}
	switch c.Kind {
	case scenario.AddOrder:
		add(&d.orders, l.OrderKey(c.ID))
	case scenario.AddPosition:
		add(&d.positions, l.PositionKey(c.ID))
	case scenario.AddAccount:
		add(&d.accounts, l.AccountKey(c.ID))
	case scenario.AddInstrument:
		add(&d.instruments, l.InstrumentKey(c.ID))
	}
}

// loadDataset writes a dataset of about keys keys from one stream (shard
// 0) without timing it, through keyspace's Filler (pipelined bare
// commands: the same dataset and AOF as the node's), for the workloads that
// read a populated keyspace. ids, when not nil, collects the keys written.
func (te *tradingEnv) loadDataset(ctx context.Context, keys int64, ids *datasetIDs) (int64, error) {
	s := te.newStream(0, keys, tradingParams{}, false)
	budget := newKeyBudget(keys, te.layout)
	f := keyspace.NewFiller(te.env.Client, keyspace.FillOptions{})
	for {
		c, ok := s.next()
		if !ok {
			break
		}
		if _, err := s.encode(&c); err != nil {
			return 0, err
		}
		n := s.newKeys(&c)
		if !budget.take(n, s.seq.Cmds) {
			break
		}
		if ids != nil {
			ids.add(te.layout, &c, n > 0)
		}
		// The Filler holds each command's arguments until they are sent:
		// encode reuses s.seq itself, but every Cmd and payload is new.
		if err := f.Add(ctx, s.writes(), nil); err != nil {
			return 0, fmt.Errorf("loading the dataset: %w", err)
		}
	}
	if err := f.Flush(ctx); err != nil {
		return 0, fmt.Errorf("loading the dataset: %w", err)
	}
	created := budget.created.Load()
	fmt.Fprintf(te.env.Log, "[%s] dataset: %d keys under %s:*\n", te.env.Encoding, created, te.env.Prefix)
	return created, nil
}

// reader picks keys to read and checks their replies. One per worker.
type reader struct {
	te    *tradingEnv
	ids   *datasetIDs
	rng   *rand.Rand
	zipfs [4]*rand.Zipf
}

// ZipfS is the s parameter of --distribution zipfian (v = 1): key i of n
// is read with probability proportional to 1/(1+i)^1.1, as in raw.
const ZipfS = 1.1

func (te *tradingEnv) newReader(ids *datasetIDs, rng *rand.Rand) *reader {
	r := &reader{te: te, ids: ids, rng: rng}
	if te.env.Spec.Distribution == "zipfian" {
		for i, keys := range [][]string{ids.orders, ids.positions, ids.instruments, ids.accounts} {
			if len(keys) > 1 {
				r.zipfs[i] = rand.NewZipf(rng, ZipfS, 1, uint64(len(keys)-1))
			}
		}
	}
	return r
}

func (r *reader) pick(keys []string, z *rand.Zipf) string {
	if z != nil {
		return keys[z.Uint64()]
	}
	return keys[r.rng.IntN(len(keys))]
}

// fill builds a read of op kind k; it returns false when the dataset holds
// no key of that collection.
func (r *reader) fill(ctx context.Context, op *Op, k int) bool {
	var keys []string
	var z *rand.Zipf
	switch k {
	case kReadOrder:
		keys, z = r.ids.orders, r.zipfs[0]
	case kReadPosition:
		keys, z = r.ids.positions, r.zipfs[1]
	case kGetInstrument:
		keys, z = r.ids.instruments, r.zipfs[2]
	case kReadAccount:
		keys, z = r.ids.accounts, r.zipfs[3]
	}
	if len(keys) == 0 {
		return false
	}
	key := r.pick(keys, z)
	op.Kind = k
	if k == kGetInstrument {
		op.Cmds = append(op.Cmds, redis.NewStringCmd(ctx, "get", key))
	} else {
		op.Cmds = append(op.Cmds, redis.NewStringSliceCmd(ctx, "lrange", key, 0, -1))
	}
	return true
}

// check decodes a read's reply, timing the decode into op.Decode: every
// element of a list, the instrument of a GET. An order list must start with
// OrderInitialized.
func (r *reader) check(op *Op) error {
	t0 := time.Now()
	defer func() { op.Decode = time.Since(t0) }()
	switch c := op.Cmds[0].(type) {
	case *redis.StringCmd:
		if c.Err() != nil { // redis.Nil: a miss
			return fmt.Errorf("%w: GET %v: no such key", ErrDecode, c.Args()[1])
		}
		_, err := r.te.decode([]byte(c.Val()))
		if err != nil {
			return fmt.Errorf("%w: GET %v: %w", ErrDecode, c.Args()[1], err)
		}
	case *redis.StringSliceCmd:
		vals := c.Val()
		if len(vals) == 0 {
			return fmt.Errorf("%w: LRANGE %v: empty or missing list", ErrDecode, c.Args()[1])
		}
		for i, v := range vals {
			p, err := r.te.decode([]byte(v))
			if err != nil {
				return fmt.Errorf("%w: LRANGE %v element %d: %w", ErrDecode, c.Args()[1], i, err)
			}
			if i == 0 && op.Kind == kReadOrder && !isInitialized(p) {
				return fmt.Errorf("%w: LRANGE %v: element 0 is %s, want OrderInitialized", ErrDecode, c.Args()[1], payloads.TypeOf(p))
			}
		}
	}
	return nil
}

// weighted picks op kinds by weight.
type weighted struct {
	kinds []int
	cum   []float64
}

func (w *weighted) add(kind int, weight float64) {
	if weight <= 0 {
		return
	}
	total := weight
	if n := len(w.cum); n > 0 {
		total += w.cum[n-1]
	}
	w.kinds = append(w.kinds, kind)
	w.cum = append(w.cum, total)
}

func (w *weighted) empty() bool { return len(w.kinds) == 0 }

func (w *weighted) pick(rng *rand.Rand) int {
	x := rng.Float64() * w.cum[len(w.cum)-1]
	for i, c := range w.cum {
		if x < c {
			return w.kinds[i]
		}
	}
	return w.kinds[len(w.kinds)-1]
}

// tradingMix parses spec.OpsMix for a workload that accepts the op kinds
// allowed (by name): the read and write picks, each possibly empty.
func tradingMix(workload, mix string, allowed []int) (reads, writes weighted, err error) {
	entries, err := ParseMix(mix)
	if err != nil {
		return reads, writes, err
	}
	kinds := tradingOpKinds()
	for _, e := range entries {
		found := -1
		for _, a := range allowed {
			if kinds[a].Name == e.Name {
				found = a
			}
		}
		if found < 0 {
			names := make([]string, len(allowed))
			for i, a := range allowed {
				names[i] = kinds[a].Name
			}
			return reads, writes, fmt.Errorf("%w: ops_mix %q: %s has op kinds %s, not %q", ErrBadSpec, mix, workload, strings.Join(names, ", "), e.Name)
		}
		if kinds[found].Class == results.ClassRead {
			reads.add(found, e.Weight)
		} else {
			writes.add(found, e.Weight)
		}
	}
	return reads, writes, nil
}

// rustMixError refuses a write mix that names a purge under the Rust
// node, whose purges send nothing to Redis (keyspace.RustPurges).
func rustMixError(spec *Spec, workload string, writes weighted) error {
	if spec.Node.Flavour != node.Rust || keyspace.RustPurges {
		return nil
	}
	for _, k := range writes.kinds {
		if k == kPurgeOrder || k == kPurgePosition {
			return fmt.Errorf("%w: ops_mix %q: %s names %s, but the Rust LiveNode's purges send nothing to Redis (they clear its memory only); drop it with --node rust", ErrBadSpec, spec.OpsMix, workload, tradingOpKinds()[k].Name)
		}
	}
	return nil
}

// readKinds and writeKinds are the op kinds a mix may name.
var (
	readKinds  = []int{kReadOrder, kReadPosition, kGetInstrument, kReadAccount}
	writeKinds = []int{kAddOrder, kUpdateOrder, kAddPosition, kUpdatePosition, kUpdateAccount, kPurgeOrder, kPurgePosition}
)

// defaultReads is the read mix of read and mixed without --ops-mix: orders
// most, as the node's tools do, accounts least (their lists are long).
func defaultReads() weighted {
	var w weighted
	w.add(kReadOrder, 5)
	w.add(kReadPosition, 2)
	w.add(kGetInstrument, 2)
	w.add(kReadAccount, 1)
	return w
}

// writeOp fills op with the stream's next cache call, or with the next call
// of the kind a write mix picks, for the node's writer: each command one
// message (Op.Writer).
func (s *callStream) writeOp(ctx context.Context, op *Op, mix *weighted, rng *rand.Rand) error {
	var c scenario.Call
	if mix == nil || mix.empty() {
		var ok bool
		if c, ok = s.next(); !ok {
			return fmt.Errorf("scenario stream ended")
		}
	} else {
		var err error
		if c, err = s.nextOfKind(scenario.Kind(mix.pick(rng) + 1)); err != nil {
			return err
		}
	}
	took, err := s.encode(&c)
	if err != nil {
		return err
	}
	op.Kind = callKind(c.Kind)
	op.Writer = true
	op.Encode = took
	s.appendCmds(ctx, op)
	return nil
}

// setMixKinds tells the stream which kinds a write mix names.
func (s *callStream) setMixKinds(w *weighted) {
	for _, k := range w.kinds {
		s.wantMix[k+1] = true
	}
}
