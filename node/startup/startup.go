// Package startup replays what a trading node reads from Redis when it
// starts from the cache (../shared/reference/trading-cache-model.md,
// "Startup load"): the SCANs, MGETs, LRANGEs, GETs and HGETALLs, in the
// node's order, with every payload decoded as the node decodes it. It is
// the one replay rbench has: the startup-load workload, recover and plan
// all call Load, and time each command through Options.Observe.
//
// Each Style is one function beside the others (styles below): Sequential
// is the Python TradingNode, one blocking round trip after another;
// Concurrent keeps Concurrency per-key reads in flight, rbench's stand-in
// for a concurrent loader until the Rust LiveNode's own load is modelled.
package startup

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
)

// Style is how the load is carried out.
type Style string

// Styles.
const (
	// Sequential is the Python node: strictly one command at a time
	// (execution/engine.pyx:774-850, cache/database.pyx:255-755).
	Sequential Style = "sequential"
	// Concurrent reads the per-key lists and instruments of a collection
	// Concurrency at a time, collection after collection.
	Concurrent Style = "concurrent"
)

// styles holds the function of each Style.
var styles = map[Style]func(context.Context, *loader) error{
	Sequential: loadSequential,
	Concurrent: loadConcurrent,
}

// Styles lists the styles in the order the results show them.
var Styles = []Style{Sequential, Concurrent}

// DefaultConcurrency is the Concurrent style's reads in flight.
const DefaultConcurrency = 32

// ErrOptions marks invalid Options.
var ErrOptions = errors.New("startup load options")

// ErrUndecodable marks a payload the node could not decode (node/payloads'
// sentinel); Event.DecodeErr wraps it.
var ErrUndecodable = payloads.ErrUndecodable

// Options configure Load.
type Options struct {
	// TraderKey is the node's trader key, without the trailing ':'
	// (keyspace.Layout.Prefix(): "trader-RBENCH-001").
	// default: none, required
	TraderKey string
	// Style is the way of loading.
	// default: Sequential
	Style Style
	// Concurrency is how many reads the Concurrent style keeps in flight.
	// default: DefaultConcurrency
	Concurrency int
	// BulkReadBatchSize (the node's bulk_read_batch_size) chunks the MGETs
	// of general, currencies and instruments; 0 is one MGET each.
	// default: 0
	BulkReadBatchSize int
	// Codec decodes every payload read, as the node does; nil reads
	// without decoding.
	// default: nil
	Codec codecs.Codec
	// Opaque, when set, names keys whose values are not node payloads
	// (recover's synthetic writers): they are read but not decoded, and a
	// position whose fills are opaque reads one of the instruments found,
	// round-robin, in place of its own (the same round trip and bytes).
	// default: nil (every payload is decoded)
	Opaque func(key string) bool
	// Observe, when set, is called after every command with its timing.
	// It runs on the goroutine of the reader that sent the command:
	// calls with different Event.Reader may run at the same time.
	// default: nil
	Observe func(Event)
}

// Event is one command of the load.
type Event struct {
	// Collection is the collection being loaded ("orders" for the two
	// HGETALLs of the order indexes, which the node reads with its orders).
	Collection string
	// Reader is the reader that sent it: 0 for the sequential style and
	// for the concurrent style's SCAN, MGET and HGETALL; 0 to
	// Concurrency-1 for its per-key reads.
	Reader int
	// Cmd is the command with its reply or error.
	Cmd redis.Cmder
	// Sent is when it was sent; Took is the time to its reply.
	Sent time.Time
	Took time.Duration
	// Bytes counts the reply's keys, values and fields.
	Bytes int64
	// Undecodable counts the reply's payloads that did not decode;
	// DecodeErr is the first one's error (wrapping ErrUndecodable).
	Undecodable int
	DecodeErr   error
}

// Result totals one load.
type Result struct {
	Style Style
	// Keys counts the keys each collection's SCAN found.
	Keys map[string]int64
	// Commands and Bytes total every command and its Event.Bytes.
	Commands int64
	Bytes    int64
	// Undecodable counts payloads that did not decode.
	Undecodable int64
	// Total is the whole load, decoding included.
	Total time.Duration
}

// Load replays one node startup against c and returns its totals. A
// command that fails ends the load with its error (and the totals so far);
// payloads that do not decode are counted, not errors, and the load goes
// on. Payloads are decoded between reads, as the node does, so Total
// includes a Go decode of everything: a lower bound of a node's restart.
func Load(ctx context.Context, c redis.UniversalClient, opts Options) (Result, error) {
	if opts.Style == "" {
		opts.Style = Sequential
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	load, ok := styles[opts.Style]
	var errs []error
	if !ok {
		errs = append(errs, fmt.Errorf("%w: style %q: want %s or %s", ErrOptions, opts.Style, Sequential, Concurrent))
	}
	if opts.TraderKey == "" {
		errs = append(errs, fmt.Errorf("%w: no trader key: set it to the node's (e.g. trader-RBENCH-001)", ErrOptions))
	}
	if opts.BulkReadBatchSize < 0 {
		errs = append(errs, fmt.Errorf("%w: bulk_read_batch_size %d: want 0 (one MGET) or more", ErrOptions, opts.BulkReadBatchSize))
	}
	if err := errors.Join(errs...); err != nil {
		return Result{Style: opts.Style}, err
	}
	l := &loader{c: c, opts: opts, keys: make(map[string]int64)}
	start := time.Now()
	err := load(ctx, l)
	return Result{
		Style:       opts.Style,
		Keys:        l.keys,
		Commands:    l.commands.Load(),
		Bytes:       l.bytes.Load(),
		Undecodable: l.undecodable.Load(),
		Total:       time.Since(start),
	}, err
}

// loader is one load's state.
type loader struct {
	c    redis.UniversalClient
	opts Options
	keys map[string]int64 // written by reader 0 only

	commands, bytes, undecodable atomic.Int64
}

// key is {trader_key}:{rest}.
func (l *loader) key(rest string) string {
	return l.opts.TraderKey + keyspace.Delimiter + rest
}

// observe counts a command and hands it to Options.Observe.
func (l *loader) observe(ev Event) {
	l.commands.Add(1)
	l.bytes.Add(ev.Bytes)
	l.undecodable.Add(int64(ev.Undecodable))
	if l.opts.Observe != nil {
		l.opts.Observe(ev)
	}
}
