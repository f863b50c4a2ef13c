package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
)

// foreignKeys look like other traders' keys, or like RBENCH-001's to a glob:
// no command may touch them.
var foreignKeys = map[string]string{
	"trader-OTHER:orders:O-1":              "list",
	"trader-OTHER:index:orders":            "set",
	"trader-RBENCH-001x:orders:O-1":        "list",
	"trader-RBENCH-001x:msgpack:orders:O1": "list",
	"trader-RBENCH-0012:accounts:A-1":      "list",
	"trader-RBENCH-001":                    "string",
	"trader-RBENCH-002:orders:O-1":         "list",
	"trader-RBENCH-002:index:order_client": "hash",
	"trader-*:x":                           "string",
	"trader-?:x":                           "string",
	"trader-A*:z":                          "string",
	"trader-AB:z":                          "string",
	"trader-[ab]:y":                        "set",
	"trader-a:y":                           "string",
	"unrelated":                            "string",
}

// ownKey is a key already under RBENCH-001's prefix: without --clean a
// command must refuse to mix with it, with --clean it may delete it.
const ownKey = "trader-RBENCH-001:orders:LEFT-OVER"

// seededServer starts an external server holding the foreign keys and
// ownKey, and returns it with an admin client of one connection.
func seededServer(t *testing.T) (*localredis.Server, redis.UniversalClient) {
	t.Helper()
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.AOFAlways})
	o := connect.FromServer(srv)
	o.PoolSize = 1
	admin := connect.NewClient(o)
	t.Cleanup(func() { admin.Close() })
	for k, typ := range foreignKeys {
		var err error
		switch typ {
		case "string":
			err = admin.Set(ctx, k, "v:"+k, 0).Err()
		case "list":
			err = admin.RPush(ctx, k, "e1", "e2").Err()
		case "set":
			err = admin.SAdd(ctx, k, "m1", "m2").Err()
		case "hash":
			err = admin.HSet(ctx, k, "f", "v").Err()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := admin.RPush(ctx, ownKey, "old").Err(); err != nil {
		t.Fatal(err)
	}
	return srv, admin
}

// snapshot is DUMP of every key on the server.
func snapshot(t *testing.T, c redis.UniversalClient) map[string]string {
	t.Helper()
	ctx := context.Background()
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, k := range keys {
		m[k] = c.Dump(ctx, k).Val()
	}
	return m
}

// connections is how many connections the server has accepted.
func connections(t *testing.T, c redis.UniversalClient) int64 {
	t.Helper()
	for line := range strings.Lines(c.Info(context.Background(), "stats").Val()) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_connections_received:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	t.Fatal("no total_connections_received in INFO stats")
	return 0
}

// checkForeign fails unless every foreign key is byte for byte as seeded.
func checkForeign(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for k := range foreignKeys {
		if d, ok := after[k]; !ok {
			t.Errorf("%s deleted %q", what, k)
		} else if d != before[k] {
			t.Errorf("%s changed %q", what, k)
		}
	}
}

// TestNoCommandTouchesForeignKeys runs recover, run (with and without
// --clean) and plan through the built binary against a server holding other
// traders' keys: each leaves them DUMP-identical, and without --clean the
// key already under its own prefix too.
func TestNoCommandTouchesForeignKeys(t *testing.T) {
	srv, admin := seededServer(t)
	env := []string{"REDIS_URL=" + srv.URL()}
	rb := func(args ...string) (string, int) {
		dir := t.TempDir()
		_, stderr, code := execRbench(t, dir, cliEnv(dir, env...), args...)
		return stderr, code
	}
	seeded := snapshot(t, admin)

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"run raw", []string{"run", "-w", "raw", "--keys", "50", "--duration", "1s", "--quiet", "--out", "r.json"}},
		{"run populate", []string{"run", "-w", "populate", "--keys", "300", "--quiet", "--out", "r.json"}},
		{"recover", []string{"recover", "--restart-cmd", "true", "--cycles", "1", "--keys", "200", "--write-during=false", "--out", "r.json"}},
	} {
		stderr, code := rb(tc.args...)
		if code != exitUsage || !strings.Contains(stderr, "--clean") {
			t.Errorf("%s without --clean over %s: exit %d, want %d naming --clean; stderr:\n%s", tc.name, ownKey, code, exitUsage, stderr)
		}
		after := snapshot(t, admin)
		checkForeign(t, tc.name+" without --clean", seeded, after)
		if after[ownKey] != seeded[ownKey] {
			t.Errorf("%s without --clean touched %s", tc.name, ownKey)
		}
	}

	for i, tc := range []struct {
		name string
		args []string
	}{
		{"run raw --clean", []string{"run", "-w", "raw", "--keys", "50", "--duration", "1s", "--clean", "--quiet", "--out", "r.json"}},
		{"run populate --clean", []string{"run", "-w", "populate", "--keys", "300", "--clean", "--quiet", "--out", "r.json"}},
		{"run read --clean --keep-keys", []string{"run", "-w", "read", "--keys", "300", "--ops", "200", "--clean", "--keep-keys", "--quiet", "--out", "r.json"}},
		{"recover --clean", []string{"recover", "--restart-cmd", "true", "--cycles", "1", "--keys", "200", "--write-during=false", "--clean", "--out", "r.json"}},
		{"plan", []string{"plan", "--scales", "200,400", "--orders", "1000", "--repeats", "1", "--quiet", "--out", "r.json"}},
	} {
		if i > 0 {
			// Put the left-over key back for the next command to clean.
			if err := admin.RPush(context.Background(), ownKey, "old").Err(); err != nil {
				t.Fatal(err)
			}
		}
		stderr, code := rb(tc.args...)
		if code == exitUsage {
			t.Errorf("%s: refused (exit 2):\n%s", tc.name, stderr)
		}
		after := snapshot(t, admin)
		checkForeign(t, tc.name, seeded, after)
		for k := range after {
			if _, foreign := foreignKeys[k]; !foreign && !strings.HasPrefix(k, "trader-RBENCH-001:") {
				t.Errorf("%s left %q, outside its own prefix", tc.name, k)
			}
		}
		if tc.name == "run read --clean --keep-keys" {
			// Keys kept: they are its own, and the next command's --clean
			// removes them.
			continue
		}
		if _, left := after[ownKey]; left && strings.Contains(tc.name, "--clean") {
			t.Errorf("%s left %s", tc.name, ownKey)
		}
	}
}

// TestGlobTraderIDsRefusedBeforeConnecting: a trader id with glob
// characters is refused (exit 2) by every command before it connects: the
// server accepts no connection and every key stays as it was.
func TestGlobTraderIDsRefusedBeforeConnecting(t *testing.T) {
	srv, admin := seededServer(t)
	env := []string{"REDIS_URL=" + srv.URL()}
	seeded := snapshot(t, admin)
	conns := connections(t, admin)
	for _, id := range []string{"*", "?", "A*", "[ab]", "RBENCH-001*"} {
		for _, args := range [][]string{
			{"run", "-w", "raw", "--keys", "50", "--duration", "1s", "--clean", "--out", "r.json"},
			{"run", "-w", "populate", "--keys", "100", "--clean", "--out", "r.json"},
			{"recover", "--restart-cmd", "true", "--cycles", "1", "--keys", "100", "--clean", "--out", "r.json"},
			{"plan", "--scales", "200,400", "--orders", "1000", "--out", "r.json"},
			{"ping"},
		} {
			dir := t.TempDir()
			_, stderr, code := execRbench(t, dir, cliEnv(dir, env...), append(args, "--trader-id", id)...)
			if code != exitUsage || !strings.Contains(stderr, "RBENCH_TRADER_ID="+id) {
				t.Errorf("%s --trader-id %q: exit %d, want %d naming the id; stderr:\n%s", args[0], id, code, exitUsage, stderr)
			}
		}
	}
	// A bad spec under --clean, or a glob id in the workload file, is
	// refused before anything connects too (run --clean used to delete
	// first and validate after).
	dir := t.TempDir()
	file := dir + "/w.yaml"
	if err := os.WriteFile(file, []byte("workload: populate\ntrader_id: \"*\"\nkeys: 100\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "-w", "raw", "--clean", "--distribution", "pareto"}, "distribution"},
		{[]string{"run", "-w", "populate", "--clean", "--rate-schedule", "step:x"}, "step:x"},
		{[]string{"run", "--workload-file", file, "--clean"}, `trader_id "*"`},
	} {
		_, stderr, code := execRbench(t, dir, cliEnv(dir, env...), tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, want %d naming %q; stderr:\n%s", tc.args, code, exitUsage, tc.want, stderr)
		}
	}
	if got := connections(t, admin); got != conns {
		t.Errorf("the server accepted %d connections from refused commands", got-conns)
	}
	after := snapshot(t, admin)
	checkForeign(t, "a refused command", seeded, after)
	if after[ownKey] != seeded[ownKey] {
		t.Errorf("a refused command touched %s", ownKey)
	}
}
