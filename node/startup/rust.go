package startup

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
)

// The Rust LiveNode's load (ExecutionEngine::load_cache,
// crates/execution/src/engine/mod.rs:946-955): Cache.cache_general, which
// is the adapter's load() (crates/infrastructure/src/redis/cache.rs
// 1342-1380): SCAN {tk}:general:* then one unchunked MGET; then
// Cache.cache_all, the adapter's load_all (cache.rs:1306-1340), which
// try_join!s the loads of currencies, instruments, synthetics, accounts,
// orders and positions (greeks and yield curves read nothing,
// cache/database.rs:153-164), and after them the two index hashes
// (HGETALL index:order_position, index:order_client; common/src/cache/
// mod.rs:2296-2299). Within each collection (queries.rs:286-645) the SCAN
// pages come one after another, then every per-key read is a future in one
// join_all: currencies one unchunked MGET; instruments and synthetics one
// GET per key; accounts and orders one LRANGE 0 -1 per key; positions one
// LRANGE per key, then, once a position's fills are read and decoded, the
// GET of its first fill's instrument. bulk_read_batch_size is not read.
//
// Every future shares the adapter's READ connection, one redis-rs
// ConnectionManager: a multiplexed connection that writes each command as
// soon as a future issues it and hands the replies back in order. rbench
// models it with mux: one connection, on which everything issued while the
// previous round trip was out goes as the next pipeline. The futures of one
// join_all are issued at once, so a collection's per-key reads go as one
// pipeline in key order, interleaved with whatever the other collections
// issue meanwhile. A reply that arrives while redis-rs would already be
// writing the next command waits here for its pipeline's last reply: a
// small lag the real connection does not have.

// rustCollections are load_all's collections in the order its try_join!
// lists them; collection i is reader i+1 (reader 0: general and the index
// hashes, before and after).
var rustCollections = []string{keyspace.Currencies, keyspace.Instruments, keyspace.Synthetics,
	keyspace.Accounts, keyspace.Orders, keyspace.Positions}

// rustReaders is how many readers the Rust style reports events from.
var rustReaders = len(rustCollections) + 1

// muxReq is a batch of commands one future issues together.
type muxReq struct {
	cmds      []redis.Cmder
	sent      time.Time
	took      time.Duration
	done      chan struct{}
	transport error
}

// mux is the LiveNode's multiplexed read connection (see above).
type mux struct {
	pipe func() redis.Pipeliner
	reqs chan *muxReq
	stop chan struct{}
	wg   sync.WaitGroup
	// hold, when positive, makes the next pipeline wait for that many
	// requests: try_join! polls every collection's future before any
	// reply is read, so their first SCANs go out together.
	hold atomic.Int32
}

// newMux pins one connection of c (a *redis.Client; other clients
// pipeline on their pool) and starts its writer.
func newMux(ctx context.Context, c redis.UniversalClient) (*mux, func()) {
	m := &mux{reqs: make(chan *muxReq, 64), stop: make(chan struct{})}
	release := func() {}
	if rc, ok := c.(*redis.Client); ok {
		conn := rc.Conn()
		m.pipe = conn.Pipeline
		release = func() { _ = conn.Close() }
	} else {
		m.pipe = c.Pipeline
	}
	m.wg.Add(1)
	go m.run(ctx)
	return m, func() {
		close(m.stop)
		m.wg.Wait()
		release()
	}
}

// run sends, as one pipeline, every batch issued since the last one went.
func (m *mux) run(ctx context.Context) {
	defer m.wg.Done()
	var batch []*muxReq
	for {
		batch = batch[:0]
		select {
		case r := <-m.reqs:
			batch = append(batch, r)
		case <-m.stop:
			return
		}
		for n := int(m.hold.Swap(0)); len(batch) < n; {
			select {
			case r := <-m.reqs:
				batch = append(batch, r)
			case <-ctx.Done():
				n = 0
			case <-m.stop:
				return
			}
		}
	gather:
		for {
			select {
			case r := <-m.reqs:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		p := m.pipe()
		for _, r := range batch {
			for _, c := range r.cmds {
				_ = p.Process(ctx, c)
			}
		}
		sent := time.Now()
		_, err := p.Exec(ctx)
		took := time.Since(sent)
		if err != nil && (errors.Is(err, redis.Nil) || isReply(err)) {
			err = nil // a command's own reply: it carries it
		}
		for _, r := range batch {
			r.sent, r.took, r.transport = sent, took, err
			close(r.done)
		}
	}
}

// isReply reports whether err is an error reply from Redis (which belongs
// to its command) rather than a failed round trip.
func isReply(err error) bool {
	var re redis.Error
	return errors.As(err, &re)
}

// do issues cmds together and waits for their replies.
func (m *mux) do(ctx context.Context, cmds ...redis.Cmder) (*muxReq, error) {
	r := &muxReq{cmds: cmds, done: make(chan struct{})}
	select {
	case m.reqs <- r:
	case <-ctx.Done():
		return r, ctx.Err()
	}
	// The writer answers every request it took, a cancelled one too
	// (its round trip fails at once): wait, so that the commands are not
	// read while it fills them.
	<-r.done
	return r, r.transport
}

// process sends one command through the mux (keyspace.ScanOptions.Process).
func (m *mux) process(ctx context.Context, c redis.Cmder) error {
	_, err := m.do(ctx, c)
	if err != nil {
		return err
	}
	return c.Err()
}

// loadRust is the Rust LiveNode's load.
func loadRust(ctx context.Context, l *loader) error {
	m, stop := newMux(ctx, l.c)
	defer stop()
	l.process = m.process
	l.instrumentsFound = make(chan struct{})
	// load(): general, SCAN then one MGET (queries.rs:171-192).
	keys, err := l.scan(ctx, keyspace.General, keyspace.General+keyspace.Delimiter)
	if err != nil {
		return err
	}
	if err := l.rustMGet(ctx, m, 0, keyspace.General, keys, nil); err != nil {
		return err
	}
	// load_all: the collections at once; the first error ends the load
	// (try_join!).
	ctx2, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	counts := make([]int64, len(rustCollections))
	m.hold.Store(int32(len(rustCollections)))
	for i, coll := range rustCollections {
		wg.Go(func() {
			n, err := l.rustCollection(ctx2, m, i+1, coll)
			counts[i] = n
			if err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	for i, coll := range rustCollections {
		l.keys[coll] = counts[i]
	}
	if err := context.Cause(ctx2); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Cache.cache_all, after load_all: the two index hashes.
	for _, idx := range []string{keyspace.IndexOrderPosition, keyspace.IndexOrderClient} {
		if err := l.hgetall(ctx, keyspace.Orders, l.key(keyspace.Index+keyspace.Delimiter+idx)); err != nil {
			return err
		}
	}
	return nil
}

// rustCollection loads one collection of load_all as reader r and returns
// how many keys its SCAN found.
func (l *loader) rustCollection(ctx context.Context, m *mux, r int, coll string) (int64, error) {
	keys, err := l.scanAs(ctx, r, coll, coll)
	if err != nil {
		if coll == keyspace.Instruments {
			close(l.instrumentsFound)
		}
		return int64(len(keys)), err
	}
	n := int64(len(keys))
	switch coll {
	case keyspace.Currencies:
		return n, l.rustMGet(ctx, m, r, coll, keys, l.decodeCurrency)
	case keyspace.Instruments:
		l.instrumentKeys = keys
		close(l.instrumentsFound)
		_, err := l.rustGets(ctx, m, r, coll, keys, l.decodeInstrument)
		return n, err
	case keyspace.Synthetics:
		// Synthetic instruments are not modelled: read, not decoded.
		_, err := l.rustGets(ctx, m, r, coll, keys, nil)
		return n, err
	case keyspace.Accounts:
		_, err := l.rustLRanges(ctx, m, r, coll, keys, payloads.TypeAccountState)
		return n, err
	case keyspace.Orders:
		_, err := l.rustLRanges(ctx, m, r, coll, keys, payloads.TypeOrderInitialized)
		return n, err
	}
	// Positions: every position's fills, then the instrument of each
	// whose first fill decoded (load_position, queries.rs:596-645).
	firsts, err := l.rustLRanges(ctx, m, r, coll, keys, payloads.TypeOrderFilled)
	if err != nil {
		return n, err
	}
	var ikeys []string
	var instruments []string
	for i, first := range firsts {
		if id, ok := fillInstrument(first); ok {
			ikeys = append(ikeys, l.key(keyspace.Instruments+keyspace.Delimiter+id))
			continue
		}
		if !l.opaque(keys[i]) {
			continue // empty, or its first fill did not decode: no GET
		}
		// Opaque fills name no instrument: read one of those found,
		// round-robin, for the same round trip and bytes.
		if instruments == nil {
			select {
			case <-l.instrumentsFound:
				instruments = l.instrumentKeys
			case <-ctx.Done():
				return n, ctx.Err()
			}
		}
		if len(instruments) > 0 {
			ikeys = append(ikeys, instruments[i%len(instruments)])
		}
	}
	_, err = l.rustGets(ctx, m, r, coll, ikeys, l.decodeInstrument)
	return n, err
}

// rustMGet reads keys with one unchunked MGET (read_bulk, queries.rs:171-192);
// none when there are no keys.
func (l *loader) rustMGet(ctx context.Context, m *mux, r int, coll string, keys []string, decode func(string, []byte) error) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, 0, len(keys)+1)
	args = append(args, "MGET")
	for _, k := range keys {
		args = append(args, k)
	}
	cmd := redis.NewSliceCmd(ctx, args...)
	req, err := m.do(ctx, cmd)
	ev := Event{Collection: coll, Reader: r, Cmd: cmd, Sent: req.sent, Took: req.took}
	vals, cerr := cmd.Result()
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue
		}
		ev.Bytes += int64(len(s))
		if decode != nil && i < len(keys) {
			ev.count(decode(keys[i], []byte(s)))
		}
	}
	l.observe(ev)
	if err == nil {
		err = cerr
	}
	if err != nil {
		return mgetError(coll, len(keys), err)
	}
	return nil
}

// rustGets reads each key with a GET, all issued at once (join_all), and
// decodes the values with decode (nil: not decoded). A missing key is no
// error: the node logs it and skips it.
func (l *loader) rustGets(ctx context.Context, m *mux, r int, coll string, keys []string, decode func(string, []byte) error) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	cmds := make([]redis.Cmder, len(keys))
	for i, k := range keys {
		cmds[i] = redis.NewStringCmd(ctx, "GET", k)
	}
	req, err := m.do(ctx, cmds...)
	for i, c := range cmds {
		gc := c.(*redis.StringCmd)
		v, cerr := gc.Result()
		ev := Event{Collection: coll, Reader: r, Cmd: c, Sent: req.sent, Took: req.took, Bytes: int64(len(v))}
		if cerr == nil && decode != nil {
			ev.count(decode(keys[i], []byte(v)))
		}
		l.observe(ev)
		if err == nil && cerr != nil && !errors.Is(cerr, redis.Nil) {
			err = cerr
		}
	}
	if err != nil {
		return len(keys), getError(coll, err)
	}
	return len(keys), nil
}

// rustLRanges reads every key's list (LRANGE 0 -1), all issued at once,
// decodes every element, and returns each list's decoded element 0 (nil
// when empty, opaque or undecodable).
func (l *loader) rustLRanges(ctx context.Context, m *mux, r int, coll string, keys []string, want string) ([]any, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	cmds := make([]redis.Cmder, len(keys))
	for i, k := range keys {
		cmds[i] = redis.NewStringSliceCmd(ctx, "LRANGE", k, 0, -1)
	}
	req, err := m.do(ctx, cmds...)
	firsts := make([]any, len(keys))
	for i, c := range cmds {
		ev := Event{Collection: coll, Reader: r, Cmd: c, Sent: req.sent, Took: req.took}
		vals, cerr := c.(*redis.StringSliceCmd).Result()
		firsts[i] = l.decodeList(&ev, keys[i], vals, want)
		l.observe(ev)
		if err == nil && cerr != nil {
			err = cerr
		}
	}
	if err != nil {
		return firsts, lrangeError(coll, err)
	}
	return firsts, nil
}
