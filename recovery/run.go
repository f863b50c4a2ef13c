package recovery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node/codecs"
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
	// be lost under appendfsync everysec without failing: the one second
	// between fsyncs, plus one second because Redis postpones the AOF write
	// by up to two seconds while the previous fsync is still running.
	DefaultLossWindow = 2 * time.Second
	// aofNoWindow is the window for appendfsync no: Linux writes dirty pages
	// back after about 30 s.
	aofNoWindow = 32 * time.Second
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
	// LossWindow applies to aof-everysec crashes: acknowledged writes lost
	// from within this long before the crash are reported, not failed.
	// default: DefaultLossWindow
	LossWindow time.Duration
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
	// StartupConcurrency is the concurrent startup load's reads in flight.
	// default: 32
	StartupConcurrency int
	// FastPopulate populates an appendfsync-always server under everysec and
	// switches back before the writers start, with one acknowledged write as
	// a barrier: its fsync makes the whole AOF durable, populate included.
	// Only for a throwaway server rbench owns (it runs CONFIG SET).
	// default: false
	FastPopulate bool
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
	return nil
}

// Window is the loss window the policy allows for a restart of mode under
// persistence p: a crash under aof-everysec may lose the last LossWindow of
// writes (appendfsync no: about 30 s); anything else allows no loss.
func (o *Options) Window(p, mode string) time.Duration {
	if mode == ModeGraceful {
		return 0
	}
	switch p {
	case string(localredis.AOFEverysec):
		return o.LossWindow
	case "aof-no":
		return aofNoWindow
	}
	return 0
}

// Run makes opts.Cycles restart cycles and returns the recovery section. The
// error is for cycles that could not be carried out; lost writes are a
// Verdict of "fail", not an error.
func Run(ctx context.Context, opts Options) (*results.Recovery, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	settings := ServerSettings(ctx, opts.Client)
	if opts.Persistence == "" {
		opts.Persistence = PersistenceOf(settings)
	}
	mode := opts.Restarter.Mode()
	window := opts.Window(opts.Persistence, mode)
	rec := &results.Recovery{
		Persistence:   opts.Persistence,
		Mode:          mode,
		Server:        settings,
		Keys:          int64(opts.Keys),
		WriteDuring:   opts.WriteDuring,
		LossWindowSec: window.Seconds(),
	}
	if cr, ok := opts.Restarter.(*CmdRestarter); ok {
		rec.RestartCmd = cr.Command
	}
	switch opts.Persistence {
	case string(localredis.None):
		rec.Notes = append(rec.Notes, "the server keeps nothing on disk (appendonly no, no save points): every restart starts empty, so the node loses its orders, positions and accounts; it is not configured to keep the state")
	case string(localredis.RDB):
		rec.Notes = append(rec.Notes, "the server only takes RDB snapshots (appendonly no): a crash loses every write since the last snapshot; it is not configured to keep the state of a trading node")
	case "aof-no":
		rec.Notes = append(rec.Notes, "appendfsync no: the operating system decides when the AOF reaches the disk (about every 30 s); a host crash can lose that much")
	case string(localredis.AOFEverysec):
		if mode != ModeGraceful {
			rec.Notes = append(rec.Notes, fmt.Sprintf("appendfsync everysec: a crash may lose the writes of the last second; losses acknowledged within %v before the crash are reported, not failed", window))
		}
	}
	for i := 1; i <= opts.Cycles; i++ {
		c, err := runCycle(ctx, &opts, i, window)
		if c != nil {
			rec.Cycles = append(rec.Cycles, *c)
			rec.Lost += c.Lost
			rec.LostWithinWindow += c.LostWithinWindow
			for _, ig := range c.Integrity {
				rec.Corrupt += ig.Corrupt
				rec.WrongType += ig.WrongType
			}
		}
		if err != nil {
			return rec, fmt.Errorf("cycle %d: %w", i, err)
		}
	}
	rec.Verdict = "pass"
	if rec.Lost > 0 {
		rec.Verdict = "fail"
		rec.Reasons = append(rec.Reasons, fmt.Sprintf("%d acknowledged writes lost beyond the %s policy's window (%v)", rec.Lost, opts.Persistence, window))
	}
	if rec.Corrupt > 0 {
		rec.Verdict = "fail"
		rec.Reasons = append(rec.Reasons, fmt.Sprintf("%d payloads differ from what was written", rec.Corrupt))
	}
	if rec.WrongType > 0 {
		rec.Verdict = "fail"
		rec.Reasons = append(rec.Reasons, fmt.Sprintf("%d keys have another Redis type than written", rec.WrongType))
	}
	return rec, nil
}

func clearPrefix(ctx context.Context, rdb redis.UniversalClient, prefix string) error {
	keys, err := scanKeys(ctx, rdb, prefix+"*", 1000)
	if err != nil {
		return err
	}
	for start := 0; start < len(keys); start += 500 {
		if err := rdb.Unlink(ctx, keys[start:min(start+500, len(keys))]...).Err(); err != nil {
			return fmt.Errorf("clearing keys under %s: %w", prefix, err)
		}
	}
	return nil
}

func secs(d time.Duration) float64 { return math.Round(d.Seconds()*1e6) / 1e6 }

func runCycle(ctx context.Context, o *Options, n int, window time.Duration) (*results.RecoveryCycle, error) {
	c := &results.RecoveryCycle{Cycle: n, LoadSec: -1}
	logf := func(format string, args ...any) {
		fmt.Fprintf(o.Log, "cycle %d/%d: %s\n", n, o.Cycles, fmt.Sprintf(format, args...))
	}
	if err := clearPrefix(ctx, o.Client, o.Prefix); err != nil {
		return nil, err
	}
	l := NewLedger()
	clients := make([]redis.UniversalClient, o.Writers)
	sources := make([]Source, o.Writers)
	for w := range clients {
		clients[w] = o.NewClient()
		sources[w] = o.NewSource(o.Prefix, o.Seed+int64(n)*1000, w)
	}
	defer func() {
		for _, cl := range clients {
			_ = cl.Close()
		}
	}()

	// Populate: each writer its share, in pipelined batches of transactions.
	if o.FastPopulate {
		if err := o.Client.ConfigSet(ctx, "appendfsync", "everysec").Err(); err != nil {
			return nil, fmt.Errorf("fast populate: %w", err)
		}
	}
	start := time.Now()
	var errs []error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range clients {
		share := o.Keys / o.Writers
		if w < o.Keys%o.Writers {
			share++
		}
		wg.Go(func() {
			calls := sources[w].Populate(share)
			for i := 0; i < len(calls); i += 200 {
				batch := calls[i:min(i+200, len(calls))]
				if _, err := SendBatch(ctx, clients[w], l, batch); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("populating (writer %d): %w", w, err))
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if o.FastPopulate {
		if err := fsyncBarrier(ctx, o, l, clients[0]); err != nil {
			return nil, err
		}
	}
	c.PopulateSec = secs(time.Since(start))
	populated := l.Stats()
	logf("populated %d keys (%d cache calls) in %.2fs", populated.Keys, populated.Acknowledged, c.PopulateSec)

	// Writers through the restart.
	var writeErrs atomic.Int64
	wctx, stopWriters := context.WithCancel(ctx)
	defer stopWriters()
	if o.WriteDuring {
		interval := time.Duration(float64(time.Second) * float64(o.Writers) / o.WriteRate)
		for w := range clients {
			wg.Go(func() { write(wctx, clients[w], l, sources[w], interval, &writeErrs) })
		}
		select {
		case <-time.After(o.WriteLead):
		case <-ctx.Done():
			return c, ctx.Err()
		}
	}

	logf("restarting (%s)", o.Restarter.Mode())
	tm, err := o.Restarter.Restart(ctx)
	if err == nil && o.WriteDuring {
		// Let the writers reach the restarted server, then stop them.
		time.Sleep(300 * time.Millisecond)
	}
	stopWriters()
	wg.Wait()
	if err != nil {
		return c, fmt.Errorf("restart: %w", err)
	}
	c.StopSec = secs(tm.Stop)
	c.PortOpenSec = secs(tm.PortOpen)
	c.ReadySec = secs(tm.Ready)
	if tm.Load >= 0 {
		c.LoadSec, c.LoadSource = secs(tm.Load), tm.LoadSource
	}
	c.LoadedBytes = tm.LoadBytes
	if err := fillServerFigures(ctx, o.Client, c); err != nil {
		return c, err
	}
	logf("port open %.3fs, ready (PONG) %.3fs, server load %.3fs (%s) of %d bytes, AOF now %d bytes", c.PortOpenSec, c.ReadySec, c.LoadSec, c.LoadSource, c.LoadedBytes, c.AOFSizeBytes)

	for _, style := range []string{StyleSequential, StyleConcurrent} {
		sl, h, err := StartupLoad(ctx, o.Client, StartupOptions{Prefix: o.Prefix, Style: style, Concurrency: o.StartupConcurrency, Encoding: o.Encoding, Codec: o.Codec})
		if err != nil {
			return c, fmt.Errorf("startup load (%s): %w", style, err)
		}
		c.Startup = append(c.Startup, sl)
		op, err := results.OpFromHistograms("startup_"+style, results.ClassStartup, o.Encoding, h, h, time.Duration(sl.TotalSec*float64(time.Second)))
		if err != nil {
			return c, err
		}
		c.StartupOps = append(c.StartupOps, op)
		if style == StyleSequential {
			c.StartupSequentialSec = secs(time.Duration(sl.TotalSec * float64(time.Second)))
		} else {
			c.StartupConcurrentSec = secs(time.Duration(sl.TotalSec * float64(time.Second)))
		}
	}
	c.TradingReadySec = secs(tm.Ready + time.Duration(max(c.StartupSequentialSec, c.StartupConcurrentSec)*float64(time.Second)))
	logf("startup load sequential %.3fs, concurrent %.3fs; restart to trading-ready %.3fs", c.StartupSequentialSec, c.StartupConcurrentSec, c.TradingReadySec)

	if o.BeforeVerify != nil {
		if err := o.BeforeVerify(ctx, n); err != nil {
			return c, err
		}
	}
	v, err := Verify(ctx, o.Client, l, VerifyOptions{Prefix: o.Prefix, Decode: o.Decode})
	if err != nil {
		return c, err
	}
	st := l.Stats()
	c.Acknowledged, c.InDoubt, c.Items = st.Acknowledged, st.InDoubt, st.Items
	c.WritesDuring = st.Acknowledged - populated.Acknowledged
	c.WriteErrors = writeErrs.Load()
	c.Integrity = v.Collections
	c.Examples = v.Examples
	c.Verified = v.Verified
	j := Judge(v, tm.Start, window)
	c.Lost, c.LostWithinWindow, c.LostFollowOn = j.Lost, j.Within, j.FollowOn
	if j.Lost+j.Within > 0 {
		c.LostFirstSec, c.LostLastSec = secs(j.FirstBefore), secs(j.LastBefore)
	}
	c.Verdict = "pass"
	if c.Lost > 0 || v.Corrupt > 0 || v.WrongType > 0 {
		c.Verdict = "fail"
	}
	logf("verified %d keys: lost %d (+%d within the window, +%d follow-on), corrupt %d, wrong type %d, in doubt %d calls, %d write errors during the restart: %s",
		c.Verified, c.Lost, c.LostWithinWindow, c.LostFollowOn, v.Corrupt, v.WrongType, c.InDoubt, writeErrs.Load(), c.Verdict)
	return c, nil
}

// fsyncBarrier restores appendfsync always and sends one acknowledged
// write: under always Redis fsyncs the AOF before acknowledging it, and an
// fsync makes every earlier byte of the file durable too.
func fsyncBarrier(ctx context.Context, o *Options, l *Ledger, rdb redis.UniversalClient) error {
	if err := o.Client.ConfigSet(ctx, "appendfsync", "always").Err(); err != nil {
		return fmt.Errorf("fast populate: restoring appendfsync always: %w", err)
	}
	out, err := Send(ctx, rdb, l, Call{{"SET", o.Prefix + "general:rbench-fsync-barrier", time.Now().UTC().Format(time.RFC3339Nano)}})
	if err != nil || out != Acked {
		return fmt.Errorf("fast populate: the fsync barrier was not acknowledged: %w", err)
	}
	return nil
}

// write sends src's order flow every interval until ctx ends. Failures
// (the server is down) are counted and retried with the next call after a
// short pause; the Ledger knows what each one may have done.
func write(ctx context.Context, rdb redis.UniversalClient, l *Ledger, src Source, interval time.Duration, errs *atomic.Int64) {
	next := time.Now()
	for ctx.Err() == nil {
		if d := time.Until(next); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return
			}
		} else if d < -100*time.Millisecond {
			next = time.Now() // do not burst to catch up after an outage
		}
		next = next.Add(interval)
		// A call cut by our own cancel must still be judged: use a context
		// that outlives the writer's.
		c := src.Next()
		if len(c) == 0 {
			return // the source has nothing more to write
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		out, err := Send(sctx, rdb, l, c)
		cancel()
		if err != nil || out != Acked {
			errs.Add(1)
			select {
			case <-time.After(5 * time.Millisecond):
			case <-ctx.Done():
				return
			}
		}
	}
}
