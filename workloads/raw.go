package workloads

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// The raw workload: plain SET and GET of fixed-size values over a keyspace
// of --keys keys, the unit redis-benchmark and memtier_benchmark measure, so
// rbench's figures can be held against theirs. Keys are
// {prefix}:key:{index}, e.g. trader-RBENCH-001:raw:key:000123; Setup writes
// every key once so GETs hit.
func init() {
	Register(Definition{
		Name:    "raw",
		Summary: "plain SET/GET of --value-size byte values over --keys keys (compare with redis-benchmark, memtier)",
		New:     newRaw,
	})
}

// Raw op kinds.
const (
	rawSet = iota
	rawGet
)

// maxPreformattedKeys bounds the keys raw formats once at setup (about
// 60 bytes each, so at most ~8 MB); larger keyspaces format each key as
// it is used (one small allocation per op), keeping RSS low at 10M keys.
const maxPreformattedKeys = 1 << 17

type rawWorkload struct {
	spec      *Spec
	readRatio float64
	env       *Env
	keys      []any // preformatted keys, nil for large keyspaces
	width     int
	value     any
	// Request sizes in bytes: every key has the same width, so a SET and
	// a GET always have the same size.
	setBytes, getBytes int64
}

func newRaw(spec *Spec) (Workload, error) {
	w := &rawWorkload{spec: spec, readRatio: DefaultReadRatio}
	if spec.ReadRatio != nil {
		w.readRatio = *spec.ReadRatio
	}
	if spec.OpsMix != "" {
		mix, err := ParseMix(spec.OpsMix)
		if err != nil {
			return nil, err
		}
		var set, get float64
		for _, m := range mix {
			switch m.Name {
			case "set":
				set = m.Weight
			case "get":
				get = m.Weight
			default:
				return nil, fmt.Errorf("%w: ops_mix %q: raw has op kinds set and get, not %q", ErrBadSpec, spec.OpsMix, m.Name)
			}
		}
		w.readRatio = get / (set + get)
	}
	if spec.ValueSize < 1 {
		return nil, fmt.Errorf("%w: value_size %d: raw needs at least 1 byte", ErrBadSpec, spec.ValueSize)
	}
	return w, nil
}

func (w *rawWorkload) Name() string { return "raw" }

func (w *rawWorkload) OpKinds() []OpKind {
	return []OpKind{rawSet: {"set", results.ClassWrite}, rawGet: {"get", results.ClassRead}}
}

func (w *rawWorkload) key(i int64) any {
	if w.keys != nil {
		return w.keys[i]
	}
	return w.formatKey(i)
}

func (w *rawWorkload) formatKey(i int64) string {
	b := make([]byte, 0, len(w.env.Prefix)+5+w.width)
	b = append(b, w.env.Prefix...)
	b = append(b, ":key:"...)
	s := strconv.FormatInt(i, 10)
	for pad := w.width - len(s); pad > 0; pad-- {
		b = append(b, '0')
	}
	return string(append(b, s...))
}

// Setup writes every key once, in pipelines of 1000 SETs.
func (w *rawWorkload) Setup(ctx context.Context, env *Env) error {
	w.env = env
	w.width = max(6, len(strconv.FormatInt(w.spec.Keys-1, 10)))
	if w.spec.Keys <= maxPreformattedKeys {
		w.keys = make([]any, w.spec.Keys)
		for i := range w.keys {
			w.keys[i] = w.formatKey(int64(i))
		}
	}
	// The value is random bytes from the seed: reproducible, and not a run
	// of one byte that compression anywhere on the path would flatter.
	rng := env.Rand(1 << 40)
	v := make([]byte, w.spec.ValueSize)
	for i := range v {
		v[i] = byte('a' + rng.IntN(26))
	}
	w.value = string(v)
	w.setBytes = requestBytes(&Op{Cmds: []redis.Cmder{redis.NewStatusCmd(ctx, "set", w.key(0), w.value)}})
	w.getBytes = requestBytes(&Op{Cmds: []redis.Cmder{redis.NewStringCmd(ctx, "get", w.key(0))}})
	pipe := env.Client.Pipeline()
	for i := int64(0); i < w.spec.Keys; i++ {
		pipe.Process(ctx, redis.NewStatusCmd(ctx, "set", w.key(i), w.value))
		if pipe.Len() == 1000 || i == w.spec.Keys-1 {
			if _, err := pipe.Exec(ctx); err != nil {
				return fmt.Errorf("loading %d raw keys: %w", w.spec.Keys, err)
			}
		}
	}
	return nil
}

func (w *rawWorkload) NewWorker(id int) Worker {
	rw := &rawWorker{w: w, rng: w.env.Rand(uint64(id))}
	if w.spec.Distribution == "zipfian" && w.spec.Keys > 1 {
		rw.zipf = rand.NewZipf(rw.rng, 1.1, 1, uint64(w.spec.Keys-1))
	}
	return rw
}

// rawWorker reuses its go-redis commands instead of allocating two objects
// per operation (a third of the engine's CPU went to building commands and
// collecting them). The engine sends a batch's operations, checks them and
// is done with their commands before it asks for the next batch, and a
// batch holds at most Env.Pipeline operations, so a ring of that many
// commands per kind never hands out a command still in flight. Each ring
// slot owns its argument slice: the command holds that very slice (args...
// passes it, not a copy), so setting the key there changes what is sent.
type rawWorker struct {
	w    *rawWorkload
	rng  *rand.Rand
	zipf *rand.Zipf

	ctx     context.Context // the commands' context: rebuilt when it changes (warm-up, measured phase)
	sets    []*redis.StatusCmd
	setArgs [][]any // "set", key, value
	gets    []*redis.ZeroCopyStringCmd
	getArgs [][]any // "get", key
	nset    int
	nget    int
}

// build makes the command rings for ctx.
func (rw *rawWorker) build(ctx context.Context) {
	depth := 1
	if rw.w.env != nil {
		depth = max(1, rw.w.env.Pipeline)
	}
	rw.ctx = ctx
	rw.sets, rw.setArgs = make([]*redis.StatusCmd, depth), make([][]any, depth)
	rw.gets, rw.getArgs = make([]*redis.ZeroCopyStringCmd, depth), make([][]any, depth)
	for i := 0; i < depth; i++ {
		rw.setArgs[i] = []any{"set", nil, rw.w.value}
		rw.sets[i] = redis.NewStatusCmd(ctx, rw.setArgs[i]...)
		rw.getArgs[i] = []any{"get", nil}
		// GET reads into the command's own buffer instead of allocating a
		// string per reply. Room for twice the expected size (plus CRLF,
		// go-redis's fast path) so a wrong-sized value still arrives and
		// Check reports it; a value larger than that fails the command.
		rw.gets[i] = redis.NewZeroCopyStringCmd(ctx, make([]byte, 2*rw.w.spec.ValueSize+2), rw.getArgs[i]...)
	}
}

func (rw *rawWorker) Next(ctx context.Context, op *Op) error {
	if ctx != rw.ctx {
		rw.build(ctx)
	}
	var i int64
	if rw.zipf != nil {
		i = int64(rw.zipf.Uint64())
	} else {
		i = rw.rng.Int64N(rw.w.spec.Keys)
	}
	key := rw.w.key(i)
	if rw.rng.Float64() < rw.w.readRatio {
		slot := rw.nget
		rw.nget = (rw.nget + 1) % len(rw.gets)
		rw.getArgs[slot][1] = key
		c := rw.gets[slot]
		c.SetErr(nil)
		c.SetVal(0)
		op.Kind = rawGet
		op.Cmds = append(op.Cmds, c)
		op.BytesSent = rw.w.getBytes
	} else {
		slot := rw.nset
		rw.nset = (rw.nset + 1) % len(rw.sets)
		rw.setArgs[slot][1] = key
		c := rw.sets[slot]
		c.SetErr(nil)
		c.SetVal("")
		op.Kind = rawSet
		op.Cmds = append(op.Cmds, c)
		op.BytesSent = rw.w.setBytes
	}
	return nil
}

// Check verifies a GET returned a value of the configured size: a short
// value means another writer touched rbench's keys. It also sizes the
// reply, which the engine cannot for a zero-copy GET.
func (rw *rawWorker) Check(op *Op) error {
	if op.Kind != rawGet {
		return nil
	}
	c := op.Cmds[0].(*redis.ZeroCopyStringCmd)
	if c.Err() != nil {
		op.BytesReceived = 5 // $-1 (a miss)
		return nil
	}
	n := c.Val()
	op.BytesReceived = bulkLen(int64(n))
	if n != rw.w.spec.ValueSize {
		return fmt.Errorf("%w: GET %v returned %d bytes, want %d", ErrDecode, c.Args()[1], n, rw.w.spec.ValueSize)
	}
	return nil
}
