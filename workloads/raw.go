package workloads

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/rbench/rbench/internal/resp"
	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// The raw workload: plain SET and GET of fixed-size values over a keyspace
// of --keys keys, the unit redis-benchmark and memtier_benchmark measure, so
// rbench's figures can be held against theirs. Keys are
// {prefix}:key:{index}, e.g. trader-RBENCH-001:raw:key:000123; Setup writes
// every key once so GETs hit.
//
// By default raw sends its commands over its own connections with
// internal/resp, not go-redis: the point of raw is to load Redis as hard as
// redis-benchmark does from the same CPU, and go-redis spends about twice
// its CPU per pipelined command. --param client=go-redis sends them through
// go-redis like every other workload (and shows what the library costs);
// cluster and failover targets always use go-redis.
func init() {
	Register(Definition{
		Name:    "raw",
		Summary: "plain SET/GET of --value-size byte values over --keys keys (compare with redis-benchmark -r KEYS, memtier); --param client=go-redis",
		New:     newRaw,
	})
}

// ParamClient selects raw's client: ClientDirect or ClientGoRedis.
const ParamClient = "client"

// Raw's clients.
const (
	ClientDirect  = "direct"   // rbench's own RESP2 connections (internal/resp)
	ClientGoRedis = "go-redis" // go-redis pipelines, as the other workloads
)

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
	ks        rawKeys // key numbers, patterns, value sizes, shard
	readRatio float64
	client    string // ClientDirect or ClientGoRedis
	env       *Env
	keys      []any // preformatted keys, nil for large keyspaces
	width     int
	value     any
	valueStr  string // value's bytes, sizeMax long; a key's value is its first size(n)
	// Request sizes in bytes: every key has the same width, so a SET and
	// a GET always have the same size (a SET's varies with a size range).
	setBytes, getBytes int64

	// The direct client: one connection per worker, opened by Setup, and
	// a SET and a GET encoded once; each worker copies them and writes a
	// key's index into the digits at setDigits and getDigits. Looking keys
	// up in a table instead cost a tenth of the CPU in cache misses.
	dial                 resp.Options
	conns                []*resp.Conn
	setCmd, getCmd       string // *3\r\n$3\r\nSET\r\n$32\r\n{prefix}:key:000000\r\n$256\r\n{value}\r\n
	setDigits, getDigits int
	setKeyEnd            int // setCmd up to the value's header
}

func newRaw(spec *Spec) (Workload, error) {
	w := &rawWorkload{spec: spec, readRatio: DefaultReadRatio, client: ClientDirect}
	if spec.ReadRatio != nil {
		w.readRatio = *spec.ReadRatio
	}
	// Every bad parameter at once, in name order.
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(spec.Params)) {
		v := spec.Params[name]
		switch strings.ReplaceAll(name, "-", "_") {
		case ParamClient:
		case ParamKeyPattern, ParamKeyMinimum, ParamKeyStddev, ParamKeyMedian, ParamValueSizeMax:
			continue // parseRawKeys
		default:
			errs = append(errs, fmt.Errorf("%w: param %s=%v: workload raw takes %s: drop it or spell one of them", ErrBadSpec, name, v,
				strings.Join([]string{ParamClient, ParamKeyPattern, ParamKeyMinimum, ParamKeyMedian, ParamKeyStddev, ParamValueSizeMax}, ", ")))
			continue
		}
		switch c := strings.ToLower(fmt.Sprint(v)); c {
		case ClientDirect, ClientGoRedis:
			w.client = c
		default:
			errs = append(errs, fmt.Errorf("%w: param %s %q: want %s or %s", ErrBadSpec, name, v, ClientDirect, ClientGoRedis))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
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
	keys, errs := parseRawKeys(spec)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	w.ks = keys
	return w, nil
}

func (w *rawWorkload) Name() string { return "raw" }

func (w *rawWorkload) OpKinds() []OpKind {
	return []OpKind{rawSet: {"set", results.ClassWrite}, rawGet: {"get", results.ClassRead}}
}

// key is local key r's name (see rawkeys.go).
func (w *rawWorkload) key(r int64) any {
	if w.keys != nil {
		return w.keys[r]
	}
	return w.formatKey(w.ks.number(r))
}

// keyString is the name of key number n, for the direct client's messages.
func (w *rawWorkload) keyString(n int64) string { return w.formatKey(n) }

// formatKey names key number i.
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
	w.width = w.ks.width
	if w.ks.owned <= maxPreformattedKeys {
		w.keys = make([]any, w.ks.owned)
		for r := range w.keys {
			w.keys[r] = w.formatKey(w.ks.number(int64(r)))
		}
	}
	// The value is random bytes from the seed: reproducible, and not a run
	// of one byte that compression anywhere on the path would flatter.
	rng := env.Rand(1 << 40)
	v := make([]byte, w.ks.sizeMax)
	for i := range v {
		v[i] = byte('a' + rng.IntN(26))
	}
	w.valueStr = string(v)
	w.value = w.valueStr[:w.ks.sizeMin]
	w.setBytes = requestBytes(&Op{Cmds: []redis.Cmder{redis.NewStatusCmd(ctx, "set", w.key(0), w.value)}})
	w.getBytes = requestBytes(&Op{Cmds: []redis.Cmder{redis.NewStringCmd(ctx, "get", w.key(0))}})
	pipe := env.Client.Pipeline()
	owned := w.ks.owned
	for r := int64(0); r < owned; r++ {
		pipe.Process(ctx, redis.NewStatusCmd(ctx, "set", w.key(r), w.valueOf(w.ks.number(r))))
		if pipe.Len() == 1000 || r == owned-1 {
			if _, err := pipe.Exec(ctx); err != nil {
				return fmt.Errorf("loading %d raw keys: %w", owned, err)
			}
		}
	}
	if w.client == ClientDirect && !w.OwnsConnections(env.Client) {
		if c, ok := env.Client.(*redis.Client); ok && c.Options().Protocol == 3 {
			fmt.Fprintln(env.Log, "[raw] sending through go-redis: the direct client speaks RESP2 only, and --resp 3 asks for RESP3")
		} else {
			fmt.Fprintf(env.Log, "[raw] sending through go-redis: the direct client serves a single server, not a %T\n", env.Client)
		}
		w.client = ClientGoRedis
	}
	if w.client == ClientDirect {
		return w.openDirect(ctx, env.Client.(*redis.Client).Options(), env.Connections)
	}
	return nil
}

// OwnsConnections reports whether the workers use the direct client, which
// serves a single server (a *redis.Client), not a cluster or failover one.
//
// It speaks RESP2 only: a RESP3 client (--resp 3) sends through go-redis.
// TLS it has, through go-redis's dialer.
func (w *rawWorkload) OwnsConnections(client redis.UniversalClient) bool {
	c, single := client.(*redis.Client)
	return w.client == ClientDirect && single && c.Options().Protocol != 3
}

// openDirect opens the direct client's connections with go-redis's own
// dialer (TLS, unix sockets) and credentials.
func (w *rawWorkload) openDirect(ctx context.Context, o *redis.Options, n int) error {
	w.dial = resp.Options{
		Dial: o.Dialer, Network: o.Network, Addr: o.Addr,
		Username: o.Username, Password: o.Password, DB: o.DB,
		Timeout: max(o.ReadTimeout, o.WriteTimeout, 0),
	}
	w.encodeCommands()
	w.conns = make([]*resp.Conn, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range w.conns {
		wg.Go(func() { w.conns[i], errs[i] = resp.Dial(ctx, w.dial) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("opening %d raw connections: %w", n, err)
	}
	return nil
}

// valueOf is key number n's value.
func (w *rawWorkload) valueOf(n int64) string { return w.valueStr[:w.ks.size(n)] }

// setBytesOf is the size of a SET of key number n.
func (w *rawWorkload) setBytesOf(n int64) int64 {
	if !w.ks.sized() {
		return w.setBytes
	}
	return w.setBytes - int64(w.ks.sizeMin) + int64(w.ks.size(n)) -
		int64(len(strconv.Itoa(w.ks.sizeMin))) + int64(len(strconv.Itoa(w.ks.size(n))))
}

// encodeCommands encodes the direct client's SET and GET once.
func (w *rawWorkload) encodeCommands() {
	key := w.formatKey(0)
	value := w.value.(string)
	setHead := "*3\r\n$3\r\nSET\r\n$" + strconv.Itoa(len(key)) + "\r\n"
	getHead := "*2\r\n$3\r\nGET\r\n$" + strconv.Itoa(len(key)) + "\r\n"
	w.setCmd = setHead + key + "\r\n$" + strconv.Itoa(len(value)) + "\r\n" + value + "\r\n"
	w.getCmd = getHead + key + "\r\n"
	w.setDigits = len(setHead) + len(key) - w.width
	w.getDigits = len(getHead) + len(key) - w.width
	w.setKeyEnd = len(setHead) + len(key) + 2
}

// Close closes the direct client's connections.
func (w *rawWorkload) Close() error {
	var errs []error
	for i, c := range w.conns {
		if c != nil {
			errs = append(errs, c.Close())
			w.conns[i] = nil
		}
	}
	return errors.Join(errs...)
}

func (w *rawWorkload) NewWorker(id int) Worker {
	// A shard's workers draw the whole spec's streams (Spec.Shard).
	rng := w.env.Rand(uint64(w.ks.firstWorker + id))
	p := rawPicker{w: w, rng: rng, keys: newKeyPicker(&w.ks, rng, id, w.env.Connections)}
	if w.client == ClientDirect {
		return &rawDirectWorker{rawPicker: p, id: id, set: []byte(w.setCmd), get: []byte(w.getCmd)}
	}
	return &rawWorker{rawPicker: p}
}

// rawPicker chooses each operation's key and kind from the worker's seed.
type rawPicker struct {
	w    *rawWorkload
	rng  *rand.Rand
	keys keyPicker
}

// pick returns a local key (see rawkeys.go) and whether the op is a GET.
func (p *rawPicker) pick() (r int64, get bool) {
	get = p.rng.Float64() < p.w.readRatio
	kind := 0
	if get {
		kind = 1
	}
	return p.keys.pick(kind), get
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
	rawPicker

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
		size := rw.w.ks.sizeMax
		rw.sets[i] = redis.NewStatusCmd(ctx, rw.setArgs[i]...)
		rw.getArgs[i] = []any{"get", nil}
		// GET reads into the command's own buffer instead of allocating a
		// string per reply. Room for twice the expected size (plus CRLF,
		// go-redis's fast path) so a wrong-sized value still arrives and
		// Check reports it; a value larger than that fails the command.
		rw.gets[i] = redis.NewZeroCopyStringCmd(ctx, make([]byte, 2*size+2), rw.getArgs[i]...)
	}
}

func (rw *rawWorker) Next(ctx context.Context, op *Op) error {
	if ctx != rw.ctx {
		rw.build(ctx)
	}
	r, get := rw.pick()
	key := rw.w.key(r)
	op.Index = rw.w.ks.number(r)
	if get {
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
		if rw.w.ks.sized() {
			rw.setArgs[slot][2] = rw.w.valueOf(op.Index) // boxing it allocates: size ranges only
		}
		c := rw.sets[slot]
		c.SetErr(nil)
		c.SetVal("")
		op.Kind = rawSet
		op.Cmds = append(op.Cmds, c)
		op.BytesSent = rw.w.setBytesOf(op.Index)
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
	if want := rw.w.ks.size(op.Index); n != want {
		return fmt.Errorf("%w: GET %v returned %d bytes, want %d", ErrDecode, c.Args()[1], n, want)
	}
	return nil
}

// rawDirectWorker sends its batches over its own connection (a Sender).
type rawDirectWorker struct {
	rawPicker
	id       int    // its connection is w.conns[id], nil after a failure until the next batch redials
	set, get []byte // the workload's setCmd and getCmd, this worker's copies
}

// putIndex writes i into digits, zero-padded as formatKey does.
func putIndex(digits []byte, i int64) {
	for k := len(digits) - 1; k >= 0; k-- {
		digits[k] = byte('0' + i%10)
		i /= 10
	}
}

func (rw *rawDirectWorker) Next(_ context.Context, op *Op) error {
	r, get := rw.pick()
	op.Index = rw.w.ks.number(r)
	if get {
		op.Kind, op.BytesSent = rawGet, rw.w.getBytes
	} else {
		op.Kind, op.BytesSent = rawSet, rw.w.setBytesOf(op.Index)
	}
	return nil
}

// Send writes the batch in one flush and reads its replies. A blocked read
// ends at the response timeout or when ctx ends (the phase's grace
// deadline, a cancellation), as go-redis's does.
func (rw *rawDirectWorker) Send(ctx context.Context, batch []Op) {
	w := rw.w
	c := w.conns[rw.id]
	if c == nil {
		var err error
		if c, err = resp.Dial(ctx, w.dial); err != nil {
			failFrom(batch, 0, err)
			return
		}
		w.conns[rw.id] = c
	}
	for j := range batch {
		op := &batch[j]
		if op.Kind == rawGet {
			putIndex(rw.get[w.getDigits:w.getDigits+w.width], op.Index)
			c.WriteRaw(rw.get)
		} else {
			putIndex(rw.set[w.setDigits:w.setDigits+w.width], op.Index)
			if w.ks.sized() {
				c.WriteRaw(rw.set[:w.setKeyEnd])
				c.WriteBulk(w.valueOf(op.Index))
			} else {
				c.WriteRaw(rw.set)
			}
		}
	}
	if err := c.Flush(ctx); err != nil {
		rw.broken(c, batch, 0, err)
		return
	}
	for j := range batch {
		r, err := c.Read(ctx)
		if err != nil {
			rw.broken(c, batch, j, err)
			return
		}
		rw.reply(&batch[j], r)
	}
}

// reply judges one reply: +OK for a SET, a bulk string of --value-size
// bytes (or a miss) for a GET.
func (rw *rawDirectWorker) reply(op *Op, r resp.Reply) {
	switch {
	case r.Kind == resp.ErrorReply:
		op.Err = resp.Error(r.Data)
		op.BytesReceived = int64(len(r.Data)) + 3
	case op.Kind == rawGet && r.Kind == resp.BulkString:
		if r.N < 0 {
			op.BytesReceived = 5 // $-1 (a miss), not an error, as with go-redis
			return
		}
		op.BytesReceived = bulkLen(r.N)
		if want := rw.w.ks.size(op.Index); r.N != int64(want) {
			op.Err = fmt.Errorf("%w: GET %v returned %d bytes, want %d", ErrDecode, rw.w.keyString(op.Index), r.N, want)
		}
	case op.Kind == rawSet && r.Kind == resp.SimpleString && string(r.Data) == "OK":
		op.BytesReceived = 5
	default:
		op.Err = fmt.Errorf("%w: %s %v: unexpected %q reply", ErrDecode, rw.w.OpKinds()[op.Kind].Name, rw.w.keyString(op.Index), rune(r.Kind))
	}
}

// broken drops the connection after a transport failure: replies still
// in flight would be read as answers to the next batch. The ops from j on
// get err; the next batch redials.
func (rw *rawDirectWorker) broken(c *resp.Conn, batch []Op, j int, err error) {
	_ = c.Close()
	rw.w.conns[rw.id] = nil
	failFrom(batch, j, err)
}

func failFrom(batch []Op, j int, err error) {
	for k := j; k < len(batch); k++ {
		batch[k].Err = err
	}
}

// Check has nothing left to do: Send judged every reply.
func (rw *rawDirectWorker) Check(*Op) error { return nil }
