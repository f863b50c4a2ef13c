package keyspace_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node/keyspace"
)

// foreignKeys are other traders' keys, and keys that only a glob would take
// for RBENCH-001's: none may ever be read as ours or deleted.
var foreignKeys = []string{
	"trader-OTHER:orders:O-1", "trader-OTHER:index:orders",
	"trader-RBENCH-001x:orders:O-1", "trader-RBENCH-0012:accounts:A",
	"trader-RBENCH-001", "trader-RBENCH-00:x", "trader-RBENCH-002:orders:O-1",
	"trader-*:x", "trader-?:x", "trader-[ab]:y", "trader-a:y", `trader-A\*:w`, "trader-A*", "other",
}

// seedForeign writes every foreign key with a value of each Redis type.
func seedForeign(t *testing.T, c redis.UniversalClient) {
	t.Helper()
	ctx := context.Background()
	for i, k := range foreignKeys {
		var err error
		switch i % 4 {
		case 0:
			err = c.Set(ctx, k, "v-"+k, 0).Err()
		case 1:
			err = c.RPush(ctx, k, "e1", "e2").Err()
		case 2:
			err = c.SAdd(ctx, k, "m1", "m2").Err()
		case 3:
			err = c.HSet(ctx, k, "f", "v").Err()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// dumps returns DUMP of every key on the server.
func dumps(t *testing.T, c redis.UniversalClient) map[string]string {
	t.Helper()
	ctx := context.Background()
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		d, err := c.Dump(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		m[k] = d
	}
	return m
}

func newServer(t *testing.T) redis.UniversalClient {
	t.Helper()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := connect.NewClient(connect.FromServer(srv))
	t.Cleanup(func() { c.Close() })
	return c
}

func setMany(t *testing.T, c redis.UniversalClient, prefix string, n int) []string {
	t.Helper()
	ctx := context.Background()
	keys := make([]string, n)
	p := c.Pipeline()
	for i := range keys {
		keys[i] = prefix + "bulk:" + strconv.Itoa(i)
		p.Set(ctx, keys[i], "v", 0)
	}
	if _, err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestScanExactPrefix(t *testing.T) {
	ctx := context.Background()
	c := newServer(t)
	seedForeign(t, c)
	for _, prefix := range []string{"trader-RBENCH-001:", "trader-*:", "trader-[ab]:", "trader-A*"} {
		t.Run(prefix, func(t *testing.T) {
			mine := setMany(t, c, prefix, 2500)
			for _, k := range foreignKeys {
				if strings.HasPrefix(k, prefix) {
					mine = append(mine, k)
				}
			}
			scans := 0
			got, err := keyspace.Keys(ctx, c, prefix, keyspace.ScanOptions{Count: 1000, Dedupe: true,
				Observe: func(cmd *redis.ScanCmd, sent time.Time) {
					scans++
					if cmd.Args()[2] != "MATCH" || cmd.Args()[3] != keyspace.MatchPrefix(prefix) {
						t.Errorf("SCAN args %v", cmd.Args())
					}
				}})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			slices.Sort(mine)
			if !slices.Equal(got, mine) {
				t.Errorf("Keys(%q): %d keys, want %d; first extra/missing differ: got %q", prefix, len(got), len(mine), got[:min(5, len(got))])
			}
			if scans < 2 {
				t.Errorf("%d SCAN round trips observed for %d keys at COUNT 1000", scans, len(mine))
			}
			if _, err := keyspace.CleanPrefix(ctx, c, prefix); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestScanStopsAndFirstKey(t *testing.T) {
	ctx := context.Background()
	c := newServer(t)
	seedForeign(t, c)
	if k, err := keyspace.FirstKey(ctx, c, "trader-RBENCH-001:"); err != nil || k != "" {
		t.Fatalf("FirstKey on foreign keys only = %q, %v; want none", k, err)
	}
	setMany(t, c, "trader-RBENCH-001:", 3000)
	pages := 0
	err := keyspace.Scan(ctx, c, "trader-RBENCH-001:", keyspace.ScanOptions{Count: 100}, func(keys []string) error {
		pages++
		return keyspace.ErrStopScan
	})
	if err != nil || pages != 1 {
		t.Errorf("ErrStopScan: %d pages, err %v; want 1 page, nil", pages, err)
	}
	boom := errors.New("boom")
	if err := keyspace.Scan(ctx, c, "trader-RBENCH-001:", keyspace.ScanOptions{}, func([]string) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("callback error: %v", err)
	}
	if k, err := keyspace.FirstKey(ctx, c, "trader-RBENCH-001:"); err != nil || k == "" {
		t.Errorf("FirstKey = %q, %v", k, err)
	}
}

func TestCleanPrefixDeletesExactlyItsKeys(t *testing.T) {
	ctx := context.Background()
	c := newServer(t)
	seedForeign(t, c)
	before := dumps(t, c)
	for _, prefix := range []string{"trader-RBENCH-001:", "trader-*:", "trader-?:", "trader-[ab]:", "trader-A*:"} {
		mine := setMany(t, c, prefix, 2100) // several UNLINK pages
		for _, k := range foreignKeys {
			if strings.HasPrefix(k, prefix) {
				mine = append(mine, k) // a literal key under the prefix is its own
			}
		}
		n, err := keyspace.CleanPrefix(ctx, c, prefix)
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(len(mine)) {
			t.Errorf("CleanPrefix(%q) removed %d, want %d", prefix, n, len(mine))
		}
	}
	// trader-*:x, trader-?:x and trader-[ab]:y are literal keys under those
	// prefixes: the cleaner removed them, and nothing else.
	after := dumps(t, c)
	for k, d := range before {
		switch k {
		case "trader-*:x", "trader-?:x", "trader-[ab]:y":
			if _, ok := after[k]; ok {
				t.Errorf("%q survived the clean of its own prefix", k)
			}
			continue
		}
		if after[k] != d {
			t.Errorf("foreign key %q changed or deleted", k)
		}
	}
	if len(after) != len(before)-3 {
		t.Errorf("%d keys left, want %d", len(after), len(before)-3)
	}
	if _, err := keyspace.CleanPrefix(ctx, c, ""); !errors.Is(err, keyspace.ErrEmptyPrefix) {
		t.Errorf("empty prefix: %v", err)
	}
	if len(dumps(t, c)) != len(after) {
		t.Error("the refused empty prefix deleted keys")
	}
}

func ExampleCleanPrefix() {
	ctx := context.Background()
	srv, err := localredis.Start(ctx, localredis.Options{Persistence: localredis.None})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Stop()
	c := connect.NewClient(connect.FromServer(srv))
	defer c.Close()
	c.Set(ctx, "trader-RBENCH-001:orders:O-1", "mine", 0)
	c.Set(ctx, "trader-RBENCH-001x:orders:O-1", "someone else's", 0)
	n, err := keyspace.CleanPrefix(ctx, c, "trader-RBENCH-001:")
	fmt.Println(n, err, c.Exists(ctx, "trader-RBENCH-001x:orders:O-1").Val())
	// Output: 1 <nil> 1
}
