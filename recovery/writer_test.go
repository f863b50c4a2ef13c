package recovery

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/internal/redismonitor"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
)

// monitored is one command as MONITOR saw it: the client's address and the
// command's name.
type monitored struct{ addr, name string }

// monitor opens a MONITOR connection to srv; the returned function reads
// what the server executed until a client sends ECHO marker, and returns it.
func monitor(t *testing.T, srv *localredis.Server) func(rdb redis.Cmdable) []monitored {
	t.Helper()
	c, err := redismonitor.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return func(rdb redis.Cmdable) []monitored {
		t.Helper()
		const marker = "rbench-monitor-end"
		if err := rdb.Echo(context.Background(), marker).Err(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		var out []monitored
		for {
			l, err := c.Next(deadline)
			if err != nil {
				t.Fatalf("reading MONITOR: %v", err)
			}
			if l.Name() == "ECHO" && len(l.Args) == 2 && l.Args[1] == marker {
				return out
			}
			switch name := l.Name(); name {
			case "HELLO", "CLIENT", "AUTH", "SELECT": // a connection's handshake
			default:
				out = append(out, monitored{l.Client, name})
			}
		}
	}
}

// nodeCalls returns the first n cache calls of the seeded trading node.
func nodeCalls(t *testing.T, n int) []Call {
	t.Helper()
	codec, err := codecs.ByName(codecs.MsgPack)
	if err != nil {
		t.Fatal(err)
	}
	src := NewScenarioSource(keyspace.Layout{}, codec, scenario.Options{Seed: 3})
	calls := make([]Call, n)
	for i := range calls {
		calls[i] = src.Next()
	}
	return calls
}

func writerClient(srv *localredis.Server) redis.UniversalClient {
	return connect.NewClient(connect.ClientOptions{Addr: srv.Addr(), MaxRetries: -1, PoolSize: 1})
}

// Unbuffered, the writer sends what the node sends: one MULTI/EXEC per
// Redis command, in the call's order, on one connection, and the Ledger
// counts one acknowledgement per transaction.
func TestWriterOneTransactionPerCommand(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	seen := monitor(t, srv)
	rdb := writerClient(srv)
	defer rdb.Close()
	l := NewLedger()
	w := NewWriter(rdb, l, 0)
	calls := nodeCalls(t, 40)
	var want []string
	for _, c := range calls {
		if !w.Write(ctx, c) {
			t.Fatalf("call %v not acknowledged", c)
		}
		for _, cmd := range c {
			want = append(want, "MULTI", strings.ToUpper(cmd[0].(string)), "EXEC")
		}
	}
	got := seen(rdb)
	var names []string
	for _, m := range got {
		names = append(names, m.name)
		if m.addr != got[0].addr {
			t.Fatalf("commands from two connections: %s and %s", got[0].addr, m.addr)
		}
	}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("MONITOR saw\n%v\nwant\n%v", names, want)
	}
	if st := l.Stats(); st.Acknowledged != int64(len(want)/3) || w.Calls() != int64(len(calls)) {
		t.Errorf("%d transactions acknowledged, %d calls; want %d, %d", st.Acknowledged, w.Calls(), len(want)/3, len(calls))
	}
	v, err := Verify(ctx, rdb, l, VerifyOptions{Prefix: DefaultPrefix})
	if err != nil {
		t.Fatal(err)
	}
	if v.Lost() != 0 || v.Corrupt != 0 || v.Verified == 0 {
		t.Errorf("verification: lost %d corrupt %d verified %d %v", v.Lost(), v.Corrupt, v.Verified, v.Examples)
	}
}

// Buffered, queued messages go as one MULTI/EXEC at the flush, in order.
func TestWriterBufferedFlush(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	seen := monitor(t, srv)
	rdb := writerClient(srv)
	defer rdb.Close()
	l := NewLedger()
	w := NewWriter(rdb, l, time.Hour)
	calls := nodeCalls(t, 5)
	want := []string{"MULTI"}
	for _, c := range calls {
		w.Write(ctx, c)
		for _, cmd := range c {
			want = append(want, strings.ToUpper(cmd[0].(string)))
		}
	}
	if got := seen(rdb); len(got) != 0 {
		t.Fatalf("sent before the flush: %v", got)
	}
	if !w.Flush(ctx) {
		t.Fatal("flush not acknowledged")
	}
	want = append(want, "EXEC")
	var names []string
	for _, m := range seen(rdb) {
		names = append(names, m.name)
	}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("MONITOR saw\n%v\nwant\n%v", names, want)
	}
	if st := l.Stats(); st.Acknowledged != 1 {
		t.Errorf("%d transactions acknowledged, want 1", st.Acknowledged)
	}
}

// The live write loop with a buffer interval flushes on the wall clock:
// many cache calls per transaction, none left queued at the stop.
func TestWriteLoopBuffered(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	seen := monitor(t, srv)
	rdb := writerClient(srv)
	defer rdb.Close()
	l := NewLedger()
	w := NewWriter(rdb, l, 100*time.Millisecond)
	codec, err := codecs.ByName(codecs.MsgPack)
	if err != nil {
		t.Fatal(err)
	}
	src := NewScenarioSource(keyspace.Layout{}, codec, scenario.Options{Seed: 3})
	ctx, cancel := context.WithTimeout(context.Background(), 450*time.Millisecond)
	defer cancel()
	var failures atomic.Int64
	write(ctx, w, src, 2*time.Millisecond, &failures)
	got := seen(rdb)
	multis, cmds := 0, 0
	for _, m := range got {
		switch m.name {
		case "MULTI":
			multis++
		case "EXEC":
		default:
			cmds++
		}
	}
	st := l.Stats()
	if failures.Load() != 0 || multis == 0 || int64(multis) != st.Acknowledged {
		t.Fatalf("%d failures, %d MULTI seen, %d transactions acknowledged", failures.Load(), multis, st.Acknowledged)
	}
	// A call every 2 ms and a flush every 100 ms: tens of calls per
	// transaction (a ratio, whatever the machine's speed).
	if w.Calls() < 4*int64(multis) {
		t.Errorf("%d calls in %d transactions (%d commands): not batched per interval", w.Calls(), multis, cmds)
	}
	if len(w.queue) != 0 {
		t.Errorf("%d messages left queued at the stop", len(w.queue))
	}
	v, err := Verify(context.Background(), rdb, l, VerifyOptions{Prefix: DefaultPrefix})
	if err != nil {
		t.Fatal(err)
	}
	if v.Lost() != 0 || v.Corrupt != 0 || v.Verified == 0 {
		t.Errorf("lost %d corrupt %d verified %d %v", v.Lost(), v.Corrupt, v.Verified, v.Examples)
	}
}
