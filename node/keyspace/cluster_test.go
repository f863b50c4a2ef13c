package keyspace_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node/keyspace"
)

// startCluster starts three throwaway primaries and joins them into one
// cluster (slots split in three), returning a cluster client.
func startCluster(t *testing.T) *redis.ClusterClient {
	t.Helper()
	ctx := context.Background()
	var addrs []string
	var nodes []redis.UniversalClient
	ranges := [][2]int{{0, 5460}, {5461, 10922}, {10923, 16383}}
	for _, r := range ranges {
		srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None,
			Args: []string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"}})
		c := connect.NewClient(connect.FromServer(srv))
		t.Cleanup(func() { c.Close() })
		if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", r[0], r[1]).Err(); err != nil {
			t.Skipf("CLUSTER ADDSLOTSRANGE (Redis 7 cluster support): %v", err)
		}
		addrs = append(addrs, srv.Addr())
		nodes = append(nodes, c)
	}
	for _, a := range addrs[1:] {
		host, port, _ := strings.Cut(a, ":")
		if err := nodes[0].Do(ctx, "CLUSTER", "MEET", host, port).Err(); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, c := range nodes {
		for {
			info := c.Do(ctx, "CLUSTER", "INFO").String()
			if strings.Contains(info, "cluster_state:ok") && strings.Contains(info, "cluster_known_nodes:3") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cluster did not form: %s", info)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// connect builds single-server clients only (a cluster option comes
	// with issue 16); the test makes its own cluster client.
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, Protocol: 2})
	t.Cleanup(func() { cc.Close() })
	if err := cc.ForEachShard(ctx, func(ctx context.Context, c *redis.Client) error { return c.Ping(ctx).Err() }); err != nil {
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
