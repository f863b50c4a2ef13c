package keyspace_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node/keyspace"
)

// startCluster starts three throwaway primaries joined into one cluster
// (localredis) and returns connect's cluster client for it.
func startCluster(t *testing.T) *redis.ClusterClient {
	t.Helper()
	cl := localredis.ClusterForTest(t, localredis.ClusterOptions{Server: localredis.Options{Persistence: localredis.None}})
	cc := connect.NewClient(connect.FromCluster(cl)).(*redis.ClusterClient)
	t.Cleanup(func() { cc.Close() })
	if err := cc.ForEachShard(context.Background(), func(ctx context.Context, c *redis.Client) error { return c.Ping(ctx).Err() }); err != nil {
		t.Fatal(err)
	}
	return cc
}

// TestScanAndCleanVisitEveryPrimary: on a cluster, Keys finds the keys of
// every primary and CleanPrefix removes them all (one UNLINK per key: a
// multi-key UNLINK may not span slots), and nothing outside the prefix.
func TestScanAndCleanVisitEveryPrimary(t *testing.T) {
	ctx := context.Background()
	cc := startCluster(t)
	const prefix = "trader-RBENCH-001:"
	var mine []string
	for i := range 3000 {
		k := prefix + "orders:O-" + strconv.Itoa(i)
		mine = append(mine, k)
		if err := cc.Set(ctx, k, "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range foreignKeys {
		if err := cc.Set(ctx, k, "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	primaries := 0
	_ = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
		n := c.DBSize(ctx).Val()
		mu.Lock()
		defer mu.Unlock()
		if primaries++; n == 0 {
			t.Errorf("primary %s holds no keys: the test would not show every primary is visited", c.Options().Addr)
		}
		return nil
	})
	if primaries != 3 {
		t.Fatalf("%d primaries, want 3", primaries)
	}

	got, err := keyspace.Keys(ctx, cc, prefix, keyspace.ScanOptions{Dedupe: true})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(mine)
	if !slices.Equal(got, mine) {
		t.Fatalf("Keys found %d keys on the cluster, want %d", len(got), len(mine))
	}
	if k, err := keyspace.FirstKey(ctx, cc, prefix); err != nil || !strings.HasPrefix(k, prefix) {
		t.Errorf("FirstKey = %q, %v", k, err)
	}
	n, err := keyspace.CleanPrefix(ctx, cc, prefix)
	if err != nil || n != int64(len(mine)) {
		t.Fatalf("CleanPrefix removed %d, %v; want %d", n, err, len(mine))
	}
	for _, k := range foreignKeys {
		if cc.Exists(ctx, k).Val() != 1 {
			t.Errorf("foreign key %q removed", k)
		}
	}
	if left, _ := keyspace.Keys(ctx, cc, prefix, keyspace.ScanOptions{}); len(left) != 0 {
		t.Errorf("%d keys left under the prefix: %v", len(left), left[:min(3, len(left))])
	}
}
