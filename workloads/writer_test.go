package workloads

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/scenario"
	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// writeCommands are the commands a trading node's writer sends.
var writeCommands = []string{"rpush", "rpushx", "sadd", "srem", "hset", "hdel", "del", "set"}

// writerRun runs spec on a fresh throwaway server under MONITOR and returns
// the results, the commands of the measured phase and the server's
// commandstats over exactly that phase (reset when it starts, read when it
// ends).
func writerRun(t *testing.T, spec Spec) (*results.Run, []monLine, map[string]int64) {
	t.Helper()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, max(1, spec.Connections))
	ctl := newClient(t, srv, 1)
	ctx := context.Background()
	stop := monitor(t, srv.Addr())
	stats := map[string]int64{}
	opts := Options{Client: c, Spec: spec, OnMeasure: func(enc string, start bool) {
		if start {
			if err := ctl.ConfigResetStat(ctx).Err(); err != nil {
				t.Error(err)
			}
			echo(t, srv.Addr(), "rbench-start")
			return
		}
		for _, name := range append([]string{"multi", "exec"}, writeCommands...) {
			stats[name] = commandCallsOf(t, ctl, name)
		}
		echo(t, srv.Addr(), "rbench-end")
	}}
	run, err := Run(ctx, opts)
	lines := stop()
	if err != nil {
		t.Fatal(err)
	}
	if n := totalErrors(run.Errors); n > 0 {
		t.Fatalf("%d errors: %+v", n, run.Errors)
	}
	if len(run.Writer) != 1 {
		t.Fatalf("%d writer sections, want 1", len(run.Writer))
	}
	return run, measuredLines(lines, "rbench"), stats
}

func commandCallsOf(t *testing.T, c *redis.Client, cmd string) int64 {
	t.Helper()
	return commandCalls(t, c, cmd)
}

// txBlock is one MULTI ... EXEC of one client as MONITOR saw it.
type txBlock struct {
	client      string
	multi, exec float64
	cmds        []monLine
}

// blocks splits the measured commands into each client's transactions and
// fails on a write outside a transaction or a nested MULTI.
func blocks(t *testing.T, lines []monLine) []txBlock {
	t.Helper()
	open := map[string]*txBlock{}
	var out []txBlock
	for _, l := range lines {
		b := open[l.client]
		switch {
		case l.name == "MULTI":
			if b != nil {
				t.Fatalf("%s: MULTI inside a transaction", l.client)
			}
			open[l.client] = &txBlock{client: l.client, multi: l.at}
		case l.name == "EXEC":
			if b == nil {
				t.Fatalf("%s: EXEC without MULTI", l.client)
			}
			b.exec = l.at
			out = append(out, *b)
			delete(open, l.client)
		case isWrite(l.name):
			if b == nil {
				t.Fatalf("%s: %s %s outside a transaction", l.client, l.name, l.key)
			}
			b.cmds = append(b.cmds, l)
		}
	}
	return out
}

func isWrite(name string) bool {
	for _, w := range writeCommands {
		if strings.EqualFold(w, name) {
			return true
		}
	}
	return false
}

// checkCounts: the transactions and commands the results count are what the
// server ran.
func checkCounts(t *testing.T, wr results.Writer, txs []txBlock, stats map[string]int64) {
	t.Helper()
	var cmds int64
	for _, n := range writeCommands {
		cmds += stats[n]
	}
	var seen int64
	for _, b := range txs {
		seen += int64(len(b.cmds))
	}
	if wr.Transactions == 0 || stats["exec"] != wr.Transactions || stats["multi"] != wr.Transactions || int64(len(txs)) != wr.Transactions {
		t.Errorf("results count %d transactions; the server ran %d EXECs and %d MULTIs, MONITOR saw %d", wr.Transactions, stats["exec"], stats["multi"], len(txs))
	}
	if cmds != wr.Commands || seen != wr.Commands {
		t.Errorf("results count %d commands; commandstats %d, MONITOR %d inside transactions", wr.Commands, cmds, seen)
	}
	var kinds, kindCmds int64
	for _, k := range wr.Kinds {
		kinds += k.Calls
		kindCmds += k.Commands
	}
	if kinds != wr.Calls || kindCmds != wr.Commands {
		t.Errorf("kinds hold %d calls and %d commands, the totals %d and %d", kinds, kindCmds, wr.Calls, wr.Commands)
	}
}

// checkWriterFigures: lag, busy and the loop's queue figures are there.
func checkWriterFigures(t *testing.T, run *results.Run, open bool) {
	t.Helper()
	wr := run.Writer[0]
	if wr.Lag.P50 <= 0 || wr.LagHDR == "" || wr.Busy <= 0 || wr.Busy > 1.05 || wr.TransactionsPerSec <= 0 || len(wr.Series) == 0 {
		t.Errorf("writer figures: lag %+v, busy %.3f, %.0f tx/s, %d seconds", wr.Lag, wr.Busy, wr.TransactionsPerSec, len(wr.Series))
	}
	if want := map[bool]string{true: "open", false: "closed"}[open]; wr.Loop != want {
		t.Errorf("loop %s, want %s", wr.Loop, want)
	}
	if open != (wr.QueueMax != nil) {
		t.Errorf("queue max %v in a %s-loop run: want it exactly in open loop", wr.QueueMax, wr.Loop)
	}
	var writes int64
	for _, op := range run.Ops {
		if op.Class == results.ClassWrite {
			writes += op.Count
		}
	}
	if writes != wr.Calls {
		t.Errorf("%d write ops, the writer %d calls", writes, wr.Calls)
	}
}

// writerCases are a closed and an open-loop run of each write workload,
// short enough for -race.
func writerCases(buffer time.Duration) []struct {
	name string
	spec Spec
} {
	nc := node.DefaultConfig()
	nc.BufferInterval = buffer
	half := 0.5
	closedLen, populateKeys := Spec{Ops: 600}, int64(300)
	if buffer > 0 {
		populateKeys = 3000 // more calls than one flush holds
		// Closed loop a buffered writer is fed as fast as calls are built:
		// run it for a time, so it flushes several times.
		closedLen = Spec{Duration: Duration(12 * buffer)}
	}
	return []struct {
		name string
		spec Spec
	}{
		{"populate/closed", Spec{Workload: "populate", Connections: 1, Keys: populateKeys, Node: nc}},
		{"populate/open", Spec{Workload: "populate", Connections: 1, Keys: 300, Rate: 2000, Node: nc}},
		{"order-flow/closed", Spec{Workload: "order-flow", Connections: 1, Ops: closedLen.Ops, Duration: closedLen.Duration, Node: nc}},
		{"order-flow/open", Spec{Workload: "order-flow", Connections: 1, Rate: 1500, Duration: Duration(time.Second), Node: nc}},
		{"mixed/closed", Spec{Workload: "mixed", Connections: 2, Keys: 300, ReadRatio: &half, Ops: closedLen.Ops, Duration: closedLen.Duration, Node: nc}},
		{"mixed/open", Spec{Workload: "mixed", Connections: 2, Keys: 300, ReadRatio: &half, Rate: 1500, Duration: Duration(time.Second), Node: nc}},
	}
}

// TestWriterUnbufferedMonitor: unbuffered, every write workload sends one
// MULTI/EXEC per Redis command, each awaited before the next
// (cache.rs:741-745,766-773), closed and open loop; order-flow's commands
// are, in order, the scenario stream's.
func TestWriterUnbufferedMonitor(t *testing.T) {
	for _, tc := range writerCases(0) {
		t.Run(tc.name, func(t *testing.T) {
			run, lines, stats := writerRun(t, tc.spec)
			txs := blocks(t, lines)
			for _, b := range txs {
				if len(b.cmds) != 1 {
					t.Fatalf("%s: a transaction of %d commands, want one per command", b.client, len(b.cmds))
				}
			}
			wr := run.Writer[0]
			if wr.Mode != results.WriterUnbuffered || wr.Transactions != wr.Commands {
				t.Errorf("mode %s, %d tx for %d commands", wr.Mode, wr.Transactions, wr.Commands)
			}
			for _, k := range wr.Kinds {
				if k.Transactions != k.Commands {
					t.Errorf("%s: %d tx for %d commands", k.Name, k.Transactions, k.Commands)
				}
			}
			checkCounts(t, wr, txs, stats)
			checkWriterFigures(t, run, tc.spec.Rate > 0)
			if tc.spec.Workload == "order-flow" {
				want := orderFlowCommands(t, int(wr.Calls))
				var got []string
				for _, b := range txs {
					got = append(got, b.cmds[0].name+" "+b.cmds[0].key)
				}
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("the writer's commands differ from the stream's: first of %d got %q, want %q", len(want), first(got, 8), first(want, 8))
				}
			}
		})
	}
}

// TestWriterBufferedMonitor: buffered, every write workload sends one
// MULTI/EXEC per flush of its wall-clock timer, reset after each flush
// (cache.rs:658-691,750-764): consecutive flushes of one writer are at
// least an interval apart on the server's clock, and there are no more of
// them than the measured time allows.
func TestWriterBufferedMonitor(t *testing.T) {
	const interval = 50 * time.Millisecond
	for _, tc := range writerCases(interval) {
		t.Run(tc.name, func(t *testing.T) {
			run, lines, stats := writerRun(t, tc.spec)
			if testing.Verbose() {
				var b strings.Builder
				_, _ = WriteTable(&b, run, 0)
				t.Log("\n" + b.String())
			}
			txs := blocks(t, lines)
			wr := run.Writer[0]
			if wr.Mode != results.WriterBuffered || wr.BufferIntervalMS != 50 || wr.Flushes != wr.Transactions {
				t.Errorf("mode %s at %.0f ms, %d flushes, %d transactions", wr.Mode, wr.BufferIntervalMS, wr.Flushes, wr.Transactions)
			}
			checkCounts(t, wr, txs, stats)
			checkWriterFigures(t, run, tc.spec.Rate > 0)
			last := map[string]float64{}
			perWriter := map[string]int{}
			for _, b := range txs {
				if prev, ok := last[b.client]; ok && wr.SplitFlushes == 0 {
					if gap := time.Duration((b.multi - prev) * 1e9); gap < interval*9/10 {
						t.Errorf("%s: a flush %s after the previous one's EXEC, want at least the interval %s", b.client, gap, interval)
					}
				}
				last[b.client] = b.exec
				perWriter[b.client]++
			}
			most := int(run.Meta.MeasuredSec/interval.Seconds()) + 1
			for client, n := range perWriter {
				if n > most {
					t.Errorf("%s: %d flushes in %.2fs, at most %d fit at %s", client, n, run.Meta.MeasuredSec, most, interval)
				}
			}
			if len(txs) < 2 {
				t.Errorf("%d flushes in %.2fs: want several", len(txs), run.Meta.MeasuredSec)
			}
			if wr.CallsPerFlush == nil || wr.CallsPerFlushHDR == "" || wr.FlushWait == nil || wr.FlushWaitHDR == "" {
				t.Errorf("calls per flush %+v, flush wait %+v: want both, with histograms", wr.CallsPerFlush, wr.FlushWait)
			}
			// A call waits for its flush at most the interval plus the
			// time the previous flush took, and at least nothing.
			if wr.FlushWait != nil && wr.FlushWait.Min < 0 {
				t.Errorf("flush wait %+v", wr.FlushWait)
			}
		})
	}
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

// orderFlowCommands is what order-flow's one writer must send for its
// first n calls, unbuffered: the scenario stream of shard 0 after the setup
// calls Setup writes untimed, each call's commands in the keyspace's order.
func orderFlowCommands(t *testing.T, n int) []string {
	t.Helper()
	codec, err := codecs.ByName("msgpack")
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Seed: DefaultSeed, TraderID: DefaultTraderID, Encoding: "msgpack", Node: node.DefaultConfig(), Layout: layoutOf(DefaultTraderID)}
	te := &tradingEnv{env: env, layout: env.Layout, codec: codec}
	s := te.newStream(0, 0, tradingParams{purgeInterval: scenario.DefaultPurgeInterval}, false)
	for {
		c, ok := s.peek()
		if !ok || c.Kind == scenario.AddOrder {
			break
		}
		s.next()
	}
	var out []string
	for range n {
		c, ok := s.next()
		if !ok {
			break
		}
		for _, cmd := range c.Commands(te.layout, nil) {
			out = append(out, cmd.Name()+" "+cmd.Key())
		}
	}
	return out
}
