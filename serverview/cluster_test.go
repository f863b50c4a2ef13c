package serverview_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/serverview"
)

// TestSamplerOnCluster: on a real three-primary cluster the sampler reads
// every primary: the keys and the SET calls of the run add up over the
// three, each of which holds some, and MEMORY USAGE finds keys on all.
func TestSamplerOnCluster(t *testing.T) {
	ctx := context.Background()
	cl := localredis.ClusterForTest(t, localredis.ClusterOptions{Server: localredis.Options{Persistence: localredis.None}})
	cc := connect.NewClient(connect.FromCluster(cl)).(*redis.ClusterClient)
	defer cc.Close()
	if err := cc.ForEachShard(ctx, func(ctx context.Context, c *redis.Client) error { return c.Ping(ctx).Err() }); err != nil {
		t.Fatal(err)
	}
	const prefix = "trader-CL:"
	s := serverview.Start(ctx, cc, serverview.Options{
		Interval: 100 * time.Millisecond,
		Memory:   []serverview.MemoryTarget{{Prefix: prefix, Encoding: "raw"}},
	})
	s.Measure()
	const n = 300
	for i := range n {
		if err := cc.Set(ctx, prefix+"orders:O-"+strconv.Itoa(i), "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(350 * time.Millisecond)
	v := s.Stop()
	if len(v.Nodes) != 3 {
		t.Fatalf("sampled nodes %v, want the 3 primaries", v.Nodes)
	}
	if len(v.Unavailable) != 0 || len(v.Warnings) != 0 {
		t.Errorf("unavailable %q, warnings %q", v.Unavailable, v.Warnings)
	}
	if len(v.Series) < 2 {
		t.Fatalf("%d samples", len(v.Series))
	}
	if last := v.Series[len(v.Series)-1]; last.Keys["db0"] != n || last.ConnectedClients < 3 {
		t.Errorf("last sample: keys %v, clients %d; want %d keys over the primaries", last.Keys, last.ConnectedClients, n)
	}
	var set int64
	for _, l := range v.Latency {
		if l.Command == "set" {
			set = l.Calls
		}
	}
	if set != n {
		t.Errorf("server-side SET calls %d, want %d (summed over the primaries)", set, n)
	}
	var sampled int
	for _, m := range v.Memory {
		sampled += m.Sampled
	}
	if sampled != min(n, serverview.DefaultMemoryKeysPerCollection) {
		t.Errorf("MEMORY USAGE sampled %d keys: %+v", sampled, v.Memory)
	}
	for _, p := range cl.Primaries {
		if k, _ := p.Do(ctx, "DBSIZE"); k == "0" {
			t.Errorf("primary %s holds no keys: the test would not show every primary is read", p.Addr())
		}
	}
}
