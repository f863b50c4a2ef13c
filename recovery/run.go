package recovery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/results"
)

// Defaults for Options.
const (
	DefaultPrefix    = "trader-RBENCH-001:"
	DefaultKeys      = 10000
	DefaultCycles    = 3
	DefaultWriters   = 4
	DefaultWriteRate = 1000
	DefaultWriteLead = time.Second
	// DefaultLossWindow is how long before a crash an acknowledged write may
	// be lost where Redis allows a loss under appendfsync everysec: Redis
	// postpones the AOF write by up to two seconds while the previous fsync
	// is still running, and a host crash loses the second between fsyncs.
	DefaultLossWindow = 2 * time.Second
	// watchKey, under the prefix, is the key the watching connection
	// blocks on (BLPOP creates nothing, and nothing writes it).
	watchKey = "rbench-recover-watch"
)

// Options configure Run.
type Options struct {
	// Client reads: clearing the prefix, INFO, the startup load and the
	// verification. It must reach the server again after each restart.
	// default: none, required
	Client redis.UniversalClient
	// NewClient makes one writer connection. Writers must not retry
	// (go-redis MaxRetries -1): a transaction retried after a dropped
	// connection could be applied twice.
	// default: none, required
	NewClient func() redis.UniversalClient
	// Restarter restarts the server each cycle.
	// default: none, required
	Restarter Restarter
	// Persistence is the policy losses are judged by: aof-always,
	// aof-everysec, rdb, none, aof-no or unknown.
	// default: what the server's settings amount to (PersistenceOf)
	Persistence string
	// Prefix is the trader key with a trailing ':'. Keys under it are
	// deleted before each cycle.
	// default: DefaultPrefix
	Prefix string
	// Keys is roughly how many keys each cycle populates.
	// default: DefaultKeys
	Keys int
	// Cycles is how many restarts to make.
	// default: DefaultCycles
	Cycles int
	// WriteDuring keeps writers sending the order flow through each restart.
	// default: false (the CLI's --write-during defaults to on)
	WriteDuring bool
	// Writers is how many writer connections populate and write during the
	// restart.
	// default: DefaultWriters
	Writers int
	// WriteRate is the order-flow calls per second over all writers while
	// the restart happens.
	// default: DefaultWriteRate
	WriteRate float64
	// WriteLead is how long the writers run before the restart.
	// default: DefaultWriteLead
	WriteLead time.Duration
	// LossWindow is how long before a crash an acknowledged write may be
	// Redis's permitted loss, where Redis permits one: a process kill under
	// aof-everysec in a cycle where INFO shows Redis postponed writes
	// (aof_delayed_fsync moved, or a fsync pending with writes in the AOF
	// buffer just before the crash), or a host crash (CmdRestarter.HostCrash) under aof-everysec. Losses within it
	// are reported, not failed; anywhere else no loss is excused.
	// default: DefaultLossWindow
	LossWindow time.Duration
	// Node is the node modelled: its flavour decides how the startup loads
	// decode what they read, its bulk_read_batch_size how they chunk their
	// MGETs (the sources, made by NewSource, write as it writes). Its
	// BufferInterval is not read: BufferInterval is.
	// default: node.DefaultConfig()
	Node node.Config
	// BufferInterval batches the live writers' messages as the node's
	// buffer_interval_ms does: one MULTI/EXEC of everything queued per
	// interval of wall-clock time. 0 sends every message (one Redis
	// command) as its own MULTI/EXEC, the node's default.
	// default: 0
	BufferInterval time.Duration
	// Seed makes the written data reproducible.
	// default: 0
	Seed int64
	// NewSource returns writer number writer's Source.
	// default: NewSynthetic
	NewSource func(prefix string, seed int64, writer int) Source
	// Decode, when set, checks every payload read back (VerifyOptions.Decode).
	// default: nil
	Decode func(key, collection string, payload []byte) error
	// Encoding labels the startup-load results.
	// default: Codec's name, or "raw"
	Encoding string
	// Codec, when set, decodes payloads during the startup load, as the
	// node does (the verification decodes with Decode).
	// default: nil
	Codec codecs.Codec
	// FastPopulate populates an appendfsync-always server under everysec and
	// switches back before the writers start, with one acknowledged write as
	// a barrier: its fsync makes the whole AOF durable, populate included.
	// Only for a throwaway server rbench owns (it runs CONFIG SET).
	// default: false
	FastPopulate bool
	// CleanAfterPass removes the keys under Prefix once every cycle passed
	// (keyspace.CleanPrefix); a failed or incomplete run's keys stay for
	// inspection.
	// default: false
	CleanAfterPass bool
	// BeforeRestart, when set, runs once the writers have run for
	// WriteLead, just before the restart of each cycle (tests remove data
	// from another client here).
	// default: nil
	BeforeRestart func(ctx context.Context, cycle int) error
	// BeforeVerify, when set, runs after the startup load and before the
	// verification of each cycle (tests damage the keyspace here).
	// default: nil
	BeforeVerify func(ctx context.Context, cycle int) error
	// Log receives one progress line per step.
	// default: io.Discard
	Log io.Writer
}

// ErrOptions is wrapped by Run's errors about missing or bad options.
var ErrOptions = errors.New("recovery options")

func (o *Options) defaults() error {
	if o.Client == nil || o.NewClient == nil || o.Restarter == nil {
		return fmt.Errorf("%w: Client, NewClient and Restarter are required", ErrOptions)
	}
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.Keys <= 0 {
		o.Keys = DefaultKeys
	}
	if o.Cycles <= 0 {
		o.Cycles = DefaultCycles
	}
	if o.Writers <= 0 {
		o.Writers = DefaultWriters
	}
	if o.WriteRate <= 0 {
		o.WriteRate = DefaultWriteRate
	}
	if o.WriteLead <= 0 {
		o.WriteLead = DefaultWriteLead
	}
	if o.LossWindow <= 0 {
		o.LossWindow = DefaultLossWindow
	}
	if o.NewSource == nil {
		o.NewSource = func(prefix string, seed int64, w int) Source { return NewSynthetic(prefix, seed, w) }
	}
	if o.Encoding == "" {
		o.Encoding = "raw"
		if o.Codec != nil {
			o.Encoding = o.Codec.Name()
		}
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Node.Flavour == "" {
		o.Node = node.DefaultConfig()
	}
	o.Node, _ = o.Node.Effective() // the Rust LiveNode's startup load does not chunk its MGETs
	return nil
}

// stopKind is the kind of stop r makes, for the promise it is judged by: a
// restart command may kill or shut down, so it is judged as a kill (the
// weaker promise) unless it declares a host crash.
func stopKind(r Restarter) string {
	switch r := r.(type) {
	case *CmdRestarter:
		if r.HostCrash {
			return StopHostCrash
		}
		return StopKill
	}
	if r.Mode() == ModeGraceful {
		return StopShutdown
	}
	return StopKill
}

// Run makes opts.Cycles restart cycles and returns the recovery section,
// with a verdict: pass (nothing lost that Redis's promise for the
// persistence and the kind of stop does not allow, nothing damaged), fail,
// or incomplete. A run that cannot finish (interrupted, a restart that
// fails or restarts nothing, the server not coming back) returns what it
// has, verdict incomplete with its reasons, and the error. Lost writes are
// a verdict of fail, not an error.
func Run(ctx context.Context, opts Options) (*results.Recovery, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	settings := ServerSettings(ctx, opts.Client)
	if opts.Persistence == "" {
		opts.Persistence = PersistenceOf(settings)
	}
	mode := opts.Restarter.Mode()
	stop := stopKind(opts.Restarter)
	promise := BasePromise(opts.Persistence, stop, opts.LossWindow)
	rec := &results.Recovery{
		Persistence:       opts.Persistence,
		Mode:              mode,
		Node:              string(opts.Node.Flavour),
		Server:            settings,
		Keys:              int64(opts.Keys),
		WriteDuring:       opts.WriteDuring,
		Promise:           promise.Text,
		CyclesPlanned:     opts.Cycles,
		BufferIntervalSec: opts.BufferInterval.Seconds(),
		Verdict:           results.RecoveryIncomplete,
	}
	if promise.Window > 0 || (opts.Persistence == string(localredis.AOFEverysec) && stop == StopKill) {
		rec.LossWindowSec = max(promise.Window, opts.LossWindow).Seconds()
	}
	if cr, ok := opts.Restarter.(*CmdRestarter); ok {
		rec.RestartCmd = RedactCommand(cr.Command)
		rec.HostCrash = cr.HostCrash
	}
	switch opts.Persistence {
	case string(localredis.None):
		rec.Notes = append(rec.Notes, "the server keeps nothing on disk (appendonly no, no save points): every restart starts empty, so the node loses its orders, positions and accounts; it is not configured to keep the state")
	case string(localredis.RDB):
		rec.Notes = append(rec.Notes, "the server only takes RDB snapshots (appendonly no): a crash loses every write since the last snapshot; it is not configured to keep the state of a trading node")
	case "aof-no":
		rec.Notes = append(rec.Notes, "appendfsync no: the operating system decides when the AOF reaches the disk (about every 30 s); a host crash can lose that much")
	case string(localredis.AOFEverysec):
		if stop == StopKill {
			rec.Notes = append(rec.Notes, "appendfsync everysec: a process kill loses nothing (the page cache survives it) but the writes Redis postponed while a slow fsync ran; a host crash or power loss, which a kill does not test, may lose about the last second")
		}
	}
	for i := 1; i <= opts.Cycles; i++ {
		c, err := runCycle(ctx, &opts, i, promise)
		if c != nil {
			rec.Cycles = append(rec.Cycles, *c)
			rec.Lost += c.Lost
			rec.LostUnexplained += c.LostUnexplained
			rec.LostWithinWindow += c.LostWithinWindow
			for _, ig := range c.Integrity {
				rec.Corrupt += ig.Corrupt
				rec.WrongType += ig.WrongType
			}
		}
		if err != nil {
			why := fmt.Sprintf("cycle %d of %d could not be carried out: %v", i, opts.Cycles, err)
			if ctx.Err() != nil {
				why = fmt.Sprintf("interrupted during cycle %d of %d (%v)", i, opts.Cycles, context.Cause(ctx))
			}
			judged := 0
			for _, c := range rec.Cycles {
				if c.Verdict == results.RecoveryPass || c.Verdict == results.RecoveryFail {
					judged++
				}
			}
			rec.Reasons = append(rec.Reasons, why, fmt.Sprintf("%d of %d cycles verified", judged, opts.Cycles))
			return rec, fmt.Errorf("cycle %d: %w", i, err)
		}
	}
	if opts.WriteDuring {
		// A writer that could not keep the rate says so: each transaction
		// waits for its reply (and, under aof-always, for an fsync).
		slowest := math.Inf(1)
		for _, c := range rec.Cycles {
			slowest = min(slowest, c.WriteRate)
		}
		if slowest < 0.9*opts.WriteRate {
			rec.Notes = append(rec.Notes, fmt.Sprintf("the writers reached %.0f cache calls/s of the %.0f asked (--write-rate) before a restart: each of a call's transactions waits for its reply, as the node's writer does", slowest, opts.WriteRate))
		}
	}
	rec.Verdict = results.RecoveryPass
	if rec.Lost > 0 {
		rec.Verdict = results.RecoveryFail
		rec.Reasons = append(rec.Reasons, lossReasons(rec.Lost, rec.LostUnexplained, promise)...)
	}
	if rec.Corrupt > 0 {
		rec.Verdict = results.RecoveryFail
		rec.Reasons = append(rec.Reasons, fmt.Sprintf("%d payloads differ from what was written", rec.Corrupt))
	}
	if rec.WrongType > 0 {
		rec.Verdict = results.RecoveryFail
		rec.Reasons = append(rec.Reasons, fmt.Sprintf("%d keys have another Redis type than written", rec.WrongType))
	}
	if opts.CleanAfterPass && rec.Verdict == results.RecoveryPass {
		if _, err := keyspace.CleanPrefix(ctx, opts.Client, opts.Prefix); err != nil {
			rec.Notes = append(rec.Notes, "removing the keys under "+opts.Prefix+" after the run: "+err.Error())
		}
	}
	return rec, nil
}

// lossReasons says why lost items fail: what the promise does not allow and
// nothing in the policy explains, and what the policy loses by design.
func lossReasons(lost, unexplained int64, p Promise) []string {
	var out []string
	if unexplained > 0 {
		out = append(out, fmt.Sprintf("%d acknowledged items lost that Redis does not lose (%s, %s): something other than its persistence removed them (another client, eviction, a failover, a damaged file)",
			unexplained, p.Persistence, p.Stop))
	}
	if d := lost - unexplained; d > 0 {
		out = append(out, fmt.Sprintf("%d acknowledged items lost by design: %s does not keep them through a %s; the server is not configured to keep a trading node's state",
			d, p.Persistence, p.Stop))
	}
	return out
}
