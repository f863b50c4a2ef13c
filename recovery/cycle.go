package recovery

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/results"
)

func secs(d time.Duration) float64 { return math.Round(d.Seconds()*1e6) / 1e6 }

// runCycle makes one restart cycle. Until it is verified the cycle's
// verdict is incomplete; on an error it returns the cycle as far as it got,
// with the reason.
func runCycle(ctx context.Context, o *Options, n int, base Promise) (*results.RecoveryCycle, error) {
	c := &results.RecoveryCycle{Cycle: n, LoadSec: -1, Verdict: results.RecoveryIncomplete}
	l := NewLedger()
	stopped := func(err error) (*results.RecoveryCycle, error) {
		// What was written before the cycle stopped, never verified.
		st := l.Stats()
		c.Acknowledged, c.InDoubt, c.Items = st.Acknowledged, st.InDoubt, st.Items
		c.Reasons = append(c.Reasons, err.Error())
		return c, err
	}
	logf := func(format string, args ...any) {
		fmt.Fprintf(o.Log, "cycle %d/%d: %s\n", n, o.Cycles, fmt.Sprintf(format, args...))
	}
	if _, err := keyspace.CleanPrefix(ctx, o.Client, o.Prefix); err != nil {
		return stopped(err)
	}
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

	// Populate: each writer its share, pipelined (Populate).
	if o.FastPopulate {
		if err := o.Client.ConfigSet(ctx, "appendfsync", "everysec").Err(); err != nil {
			return stopped(fmt.Errorf("fast populate: %w", err))
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
			if _, err := Populate(ctx, clients[w], l, sources[w].Populate(share)); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("populating (writer %d): %w", w, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return stopped(err)
	}
	if o.FastPopulate {
		if err := fsyncBarrier(ctx, o, l, clients[0]); err != nil {
			return stopped(err)
		}
	}
	c.PopulateSec = secs(time.Since(start))
	populated := l.Stats()
	logf("populated %d keys (%d transactions) in %.2fs", populated.Keys, populated.Acknowledged, c.PopulateSec)

	// Watch the server from here: its run_id, the counters the promise
	// depends on, and the moment it dies.
	watch, err := startWatch(ctx, o.Client, o.NewClient, o.Prefix+watchKey)
	if err != nil {
		return stopped(err)
	}
	defer watch.stop()
	c.RunIDBefore = watch.first.runID

	// Writers through the restart, each the node's writer on its own
	// connection.
	var failures atomic.Int64
	writers := make([]*Writer, len(clients))
	wctx, stopWriters := context.WithCancel(ctx)
	defer stopWriters()
	writeStart := time.Now()
	if o.WriteDuring {
		interval := time.Duration(float64(time.Second) * float64(o.Writers) / o.WriteRate)
		for w := range clients {
			writers[w] = NewWriter(clients[w], l, o.BufferInterval)
			wg.Go(func() { write(wctx, writers[w], sources[w], interval, &failures) })
		}
		select {
		case <-time.After(o.WriteLead):
		case <-ctx.Done():
			stopWriters()
			wg.Wait()
			return stopped(ctx.Err())
		}
	}
	if o.BeforeRestart != nil {
		if err := o.BeforeRestart(ctx, n); err != nil {
			stopWriters()
			wg.Wait()
			return stopped(err)
		}
	}

	if ctx.Err() != nil {
		stopWriters()
		wg.Wait()
		return stopped(ctx.Err())
	}
	if o.WriteDuring {
		// The rate the writers reached while the server was up.
		var calls int64
		for _, w := range writers {
			calls += w.Calls()
		}
		c.WriteRate = math.Round(float64(calls) / time.Since(writeStart).Seconds())
	}
	// The server's state at the crash: a kill follows at once.
	watch.sampleNow(ctx, o.Client)
	logf("restarting (%s)", o.Restarter.Mode())
	tm, err := o.Restarter.Restart(ctx)
	if err == nil && o.WriteDuring {
		// Let the writers reach the restarted server, then stop them.
		select {
		case <-time.After(300 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	stopWriters()
	wg.Wait()
	for _, w := range writers {
		if w != nil {
			c.CallsDuring += w.Calls()
		}
	}
	if err != nil {
		return stopped(fmt.Errorf("restart: %w", err))
	}
	if ctx.Err() != nil {
		return stopped(ctx.Err())
	}
	c.StopSec = secs(tm.Stop)
	c.PortOpenSec = secs(tm.PortOpen)
	c.ReadySec = secs(tm.Ready)
	if tm.Load >= 0 {
		c.LoadSec, c.LoadSource = secs(tm.Load), tm.LoadSource
	}
	c.LoadedBytes = tm.LoadBytes

	// The crash is when the old server died: its process exited, or the
	// watching connection dropped; never the stop order.
	died, diedBy := tm.Died, "exit"
	if died.IsZero() {
		died, diedBy = watch.died(time.Second), "connection"
	}
	if died.IsZero() {
		// Neither was seen: the latest the old server can have died is
		// when the restarted one answered.
		died, diedBy = tm.Start.Add(tm.Ready), "unobserved"
	}
	c.DiedSec, c.DiedBy = secs(died.Sub(tm.Start)), diedBy
	after, err := readSample(ctx, o.Client)
	if err != nil {
		return stopped(fmt.Errorf("reading the restarted server (its run_id proves the restart): %w", err))
	}
	c.RunIDAfter, c.UptimeAfterSec = after.runID, after.uptime
	if err := proveRestart(watch.first, after, died); err != nil {
		return stopped(err)
	}
	facts := watch.facts(died, o.LossWindow)
	watch.stop()
	promise := base.forCycle(facts, o.LossWindow)
	c.Promise, c.LossWindowSec = promise.Text, promise.Window.Seconds()
	c.AOFDelayedFsyncStart, c.AOFDelayedFsyncEnd, c.RDBLastSaveUnix = facts.delayedFrom, facts.delayedTo, facts.lastSave
	c.AOFPendingFsyncAtCrash, c.AOFBufferAtCrash = facts.pendingFsync, facts.aofBuffer
	if err := fillServerFigures(ctx, o.Client, c); err != nil {
		return stopped(err)
	}
	logf("died %.3fs after the stop order (%s); port open %.3fs, ready (PONG) %.3fs, server load %.3fs (%s) of %d bytes, AOF now %d bytes; run_id %s -> %s, up %ds",
		c.DiedSec, diedBy, c.PortOpenSec, c.ReadySec, c.LoadSec, c.LoadSource, c.LoadedBytes, c.AOFSizeBytes, short(c.RunIDBefore), short(c.RunIDAfter), c.UptimeAfterSec)

	for _, style := range []string{StyleSequential, StyleRust} {
		sl, h, err := StartupLoad(ctx, o.Client, StartupOptions{Prefix: o.Prefix, Style: style, Encoding: o.Encoding, Codec: o.Codec,
			Flavour: o.Node.Flavour, BulkReadBatchSize: o.Node.BulkReadBatchSize})
		if err != nil {
			return stopped(fmt.Errorf("startup load (%s): %w", style, err))
		}
		c.Startup = append(c.Startup, sl)
		op, err := results.OpFromHistograms("startup_"+style, results.ClassStartup, o.Encoding, h, h, time.Duration(sl.TotalSec*float64(time.Second)))
		if err != nil {
			return stopped(err)
		}
		c.StartupOps = append(c.StartupOps, op)
		if style == StyleSequential {
			c.StartupSequentialSec = secs(time.Duration(sl.TotalSec * float64(time.Second)))
		} else {
			c.StartupConcurrentSec = secs(time.Duration(sl.TotalSec * float64(time.Second))) // the Rust LiveNode's load
		}
	}
	c.TradingReadySec = secs(tm.Ready + time.Duration(max(c.StartupSequentialSec, c.StartupConcurrentSec)*float64(time.Second)))
	logf("startup load sequential (Python node) %.3fs, rust (LiveNode) %.3fs; restart to trading-ready %.3fs", c.StartupSequentialSec, c.StartupConcurrentSec, c.TradingReadySec)

	if o.BeforeVerify != nil {
		if err := o.BeforeVerify(ctx, n); err != nil {
			return stopped(err)
		}
	}
	v, err := Verify(ctx, o.Client, l, VerifyOptions{Prefix: o.Prefix, Decode: o.Decode})
	if err != nil {
		return stopped(err)
	}
	st := l.Stats()
	c.Acknowledged, c.InDoubt, c.Items = st.Acknowledged, st.InDoubt, st.Items
	c.WritesDuring = st.Acknowledged - populated.Acknowledged
	c.LostFollowOn = st.FollowOn
	c.WriteErrors = failures.Load()
	c.Integrity = v.Collections
	c.Examples = v.Examples
	c.Verified = v.Verified
	j := Judge(v, died, promise)
	c.Lost, c.LostUnexplained, c.LostWithinWindow = j.Lost, j.Unexplained, j.Excused
	if j.Lost+j.Excused > 0 {
		c.LostFirstSec, c.LostLastSec = secs(j.FirstBefore), secs(j.LastBefore)
	}
	c.Verdict = results.RecoveryPass
	if c.Lost > 0 {
		c.Verdict = results.RecoveryFail
		c.Reasons = append(c.Reasons, lossReasons(c.Lost, c.LostUnexplained, promise)...)
	}
	if v.Corrupt > 0 || v.WrongType > 0 {
		c.Verdict = results.RecoveryFail
		c.Reasons = append(c.Reasons, fmt.Sprintf("%d corrupt payloads, %d keys of the wrong type", v.Corrupt, v.WrongType))
	}
	if o.WriteDuring {
		logf("the writers made %d cache calls (%d transactions), %.0f calls/s of the %.0f asked before the restart", c.CallsDuring, c.WritesDuring, c.WriteRate, o.WriteRate)
	}
	logf("verified %d keys: lost %d (%d unexplained; +%d excused by the promise), %d appends answered 0 after their list was lost, corrupt %d, wrong type %d, in doubt %d transactions, %d writer failures during the restart: %s",
		c.Verified, c.Lost, c.LostUnexplained, c.LostWithinWindow, c.LostFollowOn, v.Corrupt, v.WrongType, c.InDoubt, failures.Load(), c.Verdict)
	return c, nil
}

// short is the start of a run_id, enough to tell two apart in a log line.
func short(id string) string { return id[:min(len(id), 8)] }

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
