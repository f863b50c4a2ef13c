package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	redisinfo "github.com/rbench/rbench/internal/info"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/results"
)

// externalRun runs `rbench run` against srv (an external target to the
// binary) and returns the results file it wrote.
func externalRun(t *testing.T, srv *localredis.Server, args ...string) (*results.Run, string) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "run.json")
	stdout, stderr, code := execRbench(t, dir, cliEnv(dir, "REDIS_URL="+srv.URL()), append(append([]string{"run"}, args...), "--out", out)...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	run, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return run, stdout
}

func serverCalls(t *testing.T, c redis.UniversalClient, cmd string) int64 {
	t.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	n, _ := redisinfo.CommandCalls(redisinfo.Parse(info), cmd)
	return n
}

// TestRunCLIBufferedOrderFlow is issue 11's "done when": order-flow with
// --buffer-interval 100ms sends one MULTI/EXEC per 100 ms of wall-clock
// time (the server's INFO commandstats counts them: no more than the
// measured time holds, one per flush) and its results show calls per flush.
func TestRunCLIBufferedOrderFlow(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := connect.NewClient(connect.ClientOptions{Addr: srv.Addr()})
	defer c.Close()
	run, stdout := externalRun(t, srv, "--workload", "order-flow", "--buffer-interval", "100ms", "--duration", "2s")
	execs := serverCalls(t, c, "exec")
	if len(run.Writer) != 1 {
		t.Fatalf("%d writer sections", len(run.Writer))
	}
	wr := run.Writer[0]
	most := int64(run.Meta.MeasuredSec/0.1) + 1
	if execs != wr.Transactions || wr.Flushes != execs || execs > most || execs < 5 {
		t.Errorf("server ran %d EXECs, results count %d transactions and %d flushes in %.2fs: want one per 100 ms (at most %d)",
			execs, wr.Transactions, wr.Flushes, run.Meta.MeasuredSec, most)
	}
	if wr.CallsPerFlush == nil || wr.CallsPerFlush.Max < 2 || wr.CallsPerFlushHDR == "" {
		t.Errorf("calls per flush %+v", wr.CallsPerFlush)
	}
	if !strings.Contains(stdout, "writer msgpack: buffered 100.00ms") || !strings.Contains(stdout, "calls/flush") {
		t.Errorf("the table does not show the writer and its calls per flush:\n%s", stdout)
	}
	if run.Meta.Workload.BufferIntervalMS != 100 || run.Meta.Workload.Node == nil || run.Meta.Workload.Node.BufferIntervalMS != 100 {
		t.Errorf("workload %+v node %+v: want the buffer interval recorded", run.Meta.Workload, run.Meta.Workload.Node)
	}
}

// TestRunCLINodeOptions: the node's options given as flags or workload-file
// keys reach the results, and change what is written: no account keys
// without persist_account_events, keys under the instance id, ISO-8601
// timestamps.
func TestRunCLINodeOptions(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := connect.NewClient(connect.ClientOptions{Addr: srv.Addr()})
	defer c.Close()
	ctx := context.Background()
	run, _ := externalRun(t, srv, "--workload", "order-flow", "--ops", "300", "--keep-keys",
		"--persist-account-events=false", "--timestamps-iso8601", "--use-instance-id", "--snapshot-orders",
		"--bulk-read-batch", "7", "--instrument-info", "none", "--buffer-interval", "20ms")
	n := run.Meta.Workload.Node
	if n == nil || n.PersistAccountEvents || !n.TimestampsISO8601 || !n.UseInstanceID || len(n.InstanceID) != 36 ||
		n.BulkReadBatchSize != 7 || n.InstrumentInfo != "none" || n.BufferIntervalMS != 20 || !n.SnapshotOrders || n.SnapshotPositions || n.Flavour != "python" {
		t.Fatalf("node %+v: want the flags' values", n)
	}
	prefix := "trader-RBENCH-001:" + n.InstanceID
	if n.KeyPrefix != prefix {
		t.Errorf("key prefix %q, want %q", n.KeyPrefix, prefix)
	}
	for _, op := range run.Ops {
		if op.Name == "add_account" || op.Name == "update_account" {
			t.Errorf("%d %s calls with persist_account_events=false", op.Count, op.Name)
		}
	}
	l := keyspace.Layout{TraderID: "RBENCH-001", InstanceID: n.InstanceID}
	keys, _, err := c.Scan(ctx, 0, "*", 10000).Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("keys %v, %v", keys, err)
	}
	var order, instrument string
	snapshots := 0
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix+":") {
			t.Errorf("key %s outside %s:", k, prefix)
		}
		if strings.HasPrefix(k, prefix+":accounts:") {
			t.Errorf("account key %s with persist_account_events=false", k)
		}
		if strings.HasPrefix(k, prefix+":snapshots:orders:") {
			snapshots++
		}
		if _, ok := l.IDFromKey(keyspace.Orders, k); ok {
			order = k
		}
		if _, ok := l.IDFromKey(keyspace.Instruments, k); ok {
			instrument = k
		}
	}
	if snapshots == 0 {
		t.Error("no snapshots:orders keys with --snapshot-orders")
	}
	first, err := c.LIndex(ctx, order, 0).Result()
	if err != nil {
		t.Fatal(err)
	}
	codec, err := codecs.ByName(codecs.MsgPack)
	if err != nil {
		t.Fatal(err)
	}
	p, err := payloads.Decode(codec, []byte(first))
	if err != nil {
		t.Fatal(err)
	}
	if oi, ok := p.(*payloads.OrderInitialized); !ok || !strings.HasSuffix(oi.TsEvent, "Z") || !strings.Contains(oi.TsEvent, "T") {
		t.Errorf("%s element 0 is %#v: want OrderInitialized with an ISO-8601 ts_event", order, p)
	}
	// --instrument-info none: info is null (the default writes the venue's
	// record, checked below).
	infoLen := func(key string) int {
		t.Helper()
		v, err := c.Get(ctx, key).Result()
		if err != nil {
			t.Fatalf("GET %s: %v", key, err)
		}
		p, err := payloads.Decode(codec, []byte(v))
		if err != nil {
			t.Fatal(err)
		}
		switch i := p.(type) {
		case *payloads.CryptoPerpetual:
			return len(i.Info)
		case *payloads.CurrencyPair:
			return len(i.Info)
		case *payloads.Equity:
			return len(i.Info)
		case *payloads.FuturesContract:
			return len(i.Info)
		}
		t.Fatalf("%s holds a %T", key, p)
		return 0
	}
	if n := infoLen(instrument); n != 0 {
		t.Errorf("%s: info of %d fields with --instrument-info none", instrument, n)
	}

	// The same options from a workload file; a flag overrides the file.
	dir := t.TempDir()
	file := filepath.Join(dir, "node.yaml")
	if err := os.WriteFile(file, []byte("workload: order-flow\nops: 100\npersist_account_events: false\nuse_instance_id: true\nbuffer_interval: 10ms\nbulk_read_batch_size: 5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run, _ = externalRun(t, srv, "--workload-file", file, "--clean", "--persist-account-events=true", "--keep-keys")
	n = run.Meta.Workload.Node
	if n == nil || !n.PersistAccountEvents || !n.UseInstanceID || n.BufferIntervalMS != 10 || n.BulkReadBatchSize != 5 || n.InstrumentInfo != "venue" {
		t.Fatalf("node %+v: want the file's values, persist_account_events from the flag", n)
	}
	if n := infoLen(instrument); n == 0 {
		t.Errorf("%s: no venue record in info by default", instrument)
	}
}

// TestRunCLINodeOptionErrors: every bad node option is a usage error
// naming it, reported before anything connects.
func TestRunCLINodeOptionErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"--workload", "order-flow", "--instrument-info", "full", "--buffer-interval", "2m"}, []string{`instrument_info "full"`, "buffer_interval 2m0s"}},
		{[]string{"--workload", "raw", "--buffer-interval", "10ms"}, []string{"no cache writer", "populate"}},
		{[]string{"--workload", "order-flow", "--buffer-interval", "10ms", "-P", "4"}, []string{"pipeline 4 with buffer_interval"}},
		{[]string{"--workload", "order-flow", "--snapshot-positions-interval", "-1s", "--bulk-read-batch-size", "-2"}, []string{"snapshot_positions_interval -1s", "bulk_read_batch_size -2"}},
	} {
		_, stderr, code := runRbench(t, append([]string{"run"}, tt.args...)...)
		if code != exitUsage {
			t.Errorf("run %v: exit %d, want %d; stderr %q", tt.args, code, exitUsage, stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("run %v: stderr %q does not name %q", tt.args, stderr, w)
			}
		}
	}
}
