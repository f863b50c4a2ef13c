package serverview_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/serverview"
)

func newClient(t *testing.T, srv *localredis.Server, protocol int) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), Protocol: protocol, PoolSize: 4})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// workload writes what the sampler must see: per prefix, 40 order lists
// (RPUSH x2 each = 80), 25 instruments (SET), 30 GETs and one index set
// (SADD x10).
func workload(ctx context.Context, t *testing.T, c *redis.Client, prefix string) {
	t.Helper()
	for i := range 40 {
		k := fmt.Sprintf("%sorders:O-%d", prefix, i)
		if err := c.RPush(ctx, k, strings.Repeat("e", 100)).Err(); err != nil {
			t.Fatal(err)
		}
		if err := c.RPush(ctx, k, strings.Repeat("f", 100)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 25 {
		if err := c.Set(ctx, fmt.Sprintf("%sinstruments:I-%d", prefix, i), strings.Repeat("i", 500), 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 30 {
		if err := c.Get(ctx, fmt.Sprintf("%sinstruments:I-%d", prefix, i%25)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		if err := c.SAdd(ctx, prefix+"index:orders", fmt.Sprintf("O-%d", i)).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

func latencyOf(v results.ServerView, cmd string) (results.ServerLatency, bool) {
	for _, l := range v.Latency {
		if l.Command == cmd {
			return l, true
		}
	}
	return results.ServerLatency{}, false
}

func TestSamplerAgainstRealServer(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{
		Persistence: localredis.AOFEverysec,
		// Log every command so the slow log of the run is not empty.
		Args: []string{"--slowlog-log-slower-than", "0", "--slowlog-max-len", "100000"},
	})
	for _, protocol := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", protocol), func(t *testing.T) {
			ctx := context.Background()
			c := newClient(t, srv, protocol)
			prefix := fmt.Sprintf("trader-T%d:", protocol)
			// Traffic before Start must not count.
			for range 7 {
				c.Set(ctx, prefix+"before", "x", 0)
			}
			if err := c.Ping(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			began := time.Now()
			s := serverview.Start(ctx, c, serverview.Options{
				Interval: 100 * time.Millisecond,
				Memory:   []serverview.MemoryTarget{{Prefix: prefix, Encoding: "raw"}},
			})
			workload(ctx, t, c, prefix)
			time.Sleep(550 * time.Millisecond)
			v := s.Stop()
			// One sample at the start, then one per 100 ms; the end-of-run
			// queries take a little of the elapsed time.
			ticks := int(time.Since(began) / (100 * time.Millisecond))

			if len(v.Unavailable) != 0 || len(v.Warnings) != 0 {
				t.Fatalf("unavailable %q, warnings %q", v.Unavailable, v.Warnings)
			}
			if len(v.Series) < 5 || len(v.Series) < ticks-2 || len(v.Series) > ticks+1 {
				t.Errorf("series has %d samples over %d intervals of 100 ms", len(v.Series), ticks)
			}
			last := v.Series[len(v.Series)-1]
			if last.UsedMemory <= 0 || last.UsedMemoryRSS <= 0 || last.ConnectedClients < 2 || last.Keys["db0"] < 66 || last.AOFSize <= 0 || last.TotalCommands <= 0 {
				t.Errorf("last sample lacks fields: %+v", last)
			}
			for i := 1; i < len(v.Series); i++ {
				if v.Series[i].T <= v.Series[i-1].T {
					t.Errorf("T not increasing at %d: %v then %v", i, v.Series[i-1].T, v.Series[i].T)
				}
			}

			want := map[string]int64{"rpush": 80, "set": 25, "get": 30, "sadd": 10}
			for cmd, n := range want {
				l, ok := latencyOf(v, cmd)
				if !ok {
					t.Errorf("no server-side latency for %s in %+v", cmd, v.Latency)
					continue
				}
				if l.Calls != n || l.Count != n {
					t.Errorf("%s: calls %d, count %d, want %d (the difference over the run)", cmd, l.Calls, l.Count, n)
				}
				var sum int64
				for _, b := range l.Buckets {
					sum += b.Count
				}
				if sum != n || l.P50Us <= 0 || l.P50Us > l.P99Us || l.P99Us > l.P999Us || l.P999Us > l.MaxUs {
					t.Errorf("%s: buckets sum %d, p50 %v p99 %v p99.9 %v max %v", cmd, sum, l.P50Us, l.P99Us, l.P999Us, l.MaxUs)
				}
			}
			for _, own := range []string{"info", "latency|histogram", "slowlog|get", "scan", "memory|usage"} {
				if _, ok := latencyOf(v, own); ok {
					t.Errorf("the sampler's own %s counted as workload", own)
				}
			}

			var rpushes int
			for _, e := range v.Slowlog {
				if len(e.Args) > 1 && strings.Contains(e.Args[1], "before") {
					t.Errorf("slow log entry %d from before the run kept: %q", e.ID, e.Args)
				}
				if len(e.Args) > 0 && strings.EqualFold(e.Args[0], "rpush") {
					rpushes++
				}
			}
			if rpushes != 80 || v.SlowlogMissed != 0 {
				t.Errorf("slow log has %d RPUSH entries (want 80), missed %d", rpushes, v.SlowlogMissed)
			}

			mem := map[string]results.MemoryUsage{}
			for _, m := range v.Memory {
				mem[m.Collection] = m
			}
			for coll, n := range map[string]int{"orders": 40, "instruments": 25, "index": 1, "before": 1} {
				m, ok := mem[coll]
				if !ok || m.Sampled != n || m.Encoding != "raw" || m.Prefix != prefix {
					t.Errorf("memory of %s: %+v, want %d keys sampled", coll, m, n)
					continue
				}
				if m.MeanBytes <= 0 || float64(m.MaxBytes) < m.MeanBytes || m.P50Bytes > m.MaxBytes {
					t.Errorf("memory of %s inconsistent: %+v", coll, m)
				}
			}
			if mem["instruments"].P50Bytes < 500 {
				t.Errorf("a 500-byte string measured %d bytes", mem["instruments"].P50Bytes)
			}
		})
	}
}

func TestSamplerMeasureExcludesWarmup(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	ctx := context.Background()
	c := newClient(t, srv, 3)
	s := serverview.Start(ctx, c, serverview.Options{Interval: 50 * time.Millisecond, Commands: []string{"INCR"}})
	if list, err := c.ClientList(ctx).Result(); err != nil || !strings.Contains(list, "name=rbench-serverview") {
		t.Errorf("the sampler has no connection of its own: %v\n%s", err, list)
	}
	for range 5 {
		c.Incr(ctx, "warm")
	}
	time.Sleep(120 * time.Millisecond)
	s.Measure()
	for range 3 {
		c.Incr(ctx, "warm")
	}
	time.Sleep(120 * time.Millisecond)
	v := s.Stop()
	if len(v.Latency) != 1 || v.Latency[0].Command != "incr" || v.Latency[0].Count != 3 {
		t.Fatalf("latency after Measure: %+v, want incr x3 only", v.Latency)
	}
	if v.Series[0].T >= 0 || v.Series[len(v.Series)-1].T <= 0 {
		t.Errorf("warm-up samples must have T < 0 and measured ones T > 0: first %v, last %v", v.Series[0].T, v.Series[len(v.Series)-1].T)
	}
	if again := s.Stop(); len(again.Latency) != 1 {
		t.Errorf("second Stop returned %+v", again)
	}
}

func TestSamplerSurvivesRefusedCommands(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{
		Persistence: localredis.None,
		Args: []string{
			"--rename-command", "LATENCY", "",
			"--rename-command", "MEMORY", "",
			"--rename-command", "SLOWLOG", "",
		},
	})
	ctx := context.Background()
	c := newClient(t, srv, 3)
	s := serverview.Start(ctx, c, serverview.Options{
		Interval: 50 * time.Millisecond,
		Memory:   []serverview.MemoryTarget{{Prefix: "trader-R:", Encoding: "json"}},
	})
	workload(ctx, t, c, "trader-R:")
	time.Sleep(200 * time.Millisecond)
	v := s.Stop()

	if len(v.Series) < 3 {
		t.Errorf("INFO sampling stopped: %d samples", len(v.Series))
	}
	if v.Latency != nil || v.Slowlog != nil || v.Memory != nil {
		t.Errorf("refused commands produced data: latency %v slowlog %v memory %v", v.Latency, v.Slowlog, v.Memory)
	}
	t.Logf("unavailable: %q", v.Unavailable)
	if len(v.Unavailable) != 3 {
		t.Fatalf("unavailable = %q, want LATENCY, SLOWLOG and MEMORY once each", v.Unavailable)
	}
	for i, cmd := range []string{"LATENCY", "SLOWLOG", "MEMORY"} {
		if !strings.HasPrefix(v.Unavailable[i], cmd+": ") || !strings.Contains(strings.ToLower(v.Unavailable[i]), "unknown command") {
			t.Errorf("unavailable[%d] = %q, want %s with the server's error", i, v.Unavailable[i], cmd)
		}
	}
	if len(v.Warnings) != 0 {
		t.Errorf("warnings: %q", v.Warnings)
	}
}

func TestMeasureMemoryScanLimits(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	ctx := context.Background()
	c := newClient(t, srv, 3)
	for i := range 50 {
		c.Set(ctx, fmt.Sprintf("trader-[M]:json:orders:%d", i), "v", 0)
		c.Set(ctx, fmt.Sprintf("trader-[M]:msgpack:orders:%d", i), "v", 0)
		c.Set(ctx, fmt.Sprintf("trader-M:json:orders:%d", i), "v", 0) // a glob would match this
	}
	got, err := serverview.MeasureMemory(ctx, c, []serverview.MemoryTarget{
		{Prefix: "trader-[M]:json", Encoding: "json"},
		{Prefix: "trader-[M]:msgpack:", Encoding: "msgpack"},
	}, serverview.Options{MemoryKeysPerCollection: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %+v, want json and msgpack orders", got)
	}
	for _, m := range got {
		if m.Collection != "orders" || m.Sampled != 20 {
			t.Errorf("%+v: want 20 orders sampled", m)
		}
	}
}

func TestSamplerStopAfterCancel(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 3)
	ctx, cancel := context.WithCancel(context.Background())
	s := serverview.Start(ctx, c, serverview.Options{Interval: 50 * time.Millisecond})
	for range 4 {
		c.LPush(context.Background(), "l", "x")
	}
	cancel() // Ctrl-C: the end-of-run view must still be taken
	v := s.Stop()
	if l, ok := latencyOf(v, "lpush"); !ok || l.Count != 4 {
		t.Errorf("after cancel: latency %+v, warnings %q", v.Latency, v.Warnings)
	}
	if len(v.Series) == 0 {
		t.Error("no INFO sample at all")
	}
}

func TestRewriteAOFAndSettle(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.AOFEverysec, Args: []string{"--auto-aof-rewrite-percentage", "0"}})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := newClient(t, srv, 3)
	before, err := serverview.Settle(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	// Values that do not compress, so the rewritten (RDB) AOF keeps them.
	r := rand.New(rand.NewPCG(1, 2))
	p := c.Pipeline()
	for i := range 2000 {
		v := make([]byte, 200)
		for j := range v {
			v[j] = byte(r.Uint32())
		}
		p.Set(ctx, fmt.Sprintf("k%d", i), v, 0)
	}
	if _, err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	logged, err := serverview.Settle(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if grew := logged.AOFSize - before.AOFSize; grew < 2000*200 {
		t.Errorf("AOF grew %d bytes for 400 KB of SETs", grew)
	}
	if err := serverview.RewriteAOF(ctx, c); err != nil {
		t.Fatal(err)
	}
	after, err := serverview.Settle(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if after.AOFBaseSize < 2000*200 || after.AOFBaseSize > logged.AOFSize || after.AOFRewriteInProgress {
		t.Errorf("after the rewrite: base %d bytes (logged %d), in progress %v", after.AOFBaseSize, logged.AOFSize, after.AOFRewriteInProgress)
	}
}
