package workloads

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/rbench/rbench/connect"
	redisinfo "github.com/rbench/rbench/internal/info"
	"github.com/rbench/rbench/localredis"
	"github.com/redis/go-redis/v9"
)

func newClient(t testing.TB, srv *localredis.Server, pool int) *redis.Client {
	t.Helper()
	o := connect.FromServer(srv)
	o.PoolSize, o.MaxRetries = pool, -1
	c := connect.NewClient(o).(*redis.Client)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// commandCalls returns INFO commandstats calls for cmd.
func commandCalls(t *testing.T, c redis.UniversalClient, cmd string) int64 {
	t.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	n, _ := redisinfo.CommandCalls(redisinfo.Parse(info), cmd)
	return n
}

func TestOpsExact(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	for _, pipeline := range []int{1, 7} {
		t.Run("pipeline"+strconv.Itoa(pipeline), func(t *testing.T) {
			c := newClient(t, srv, 8)
			ctx := context.Background()
			if err := c.ConfigResetStat(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			ratio := 0.5
			run, err := Run(ctx, Options{Client: c, Spec: Spec{
				Connections: 8, Pipeline: pipeline, Ops: 5003, Keys: 100, ReadRatio: &ratio,
				Warmup: Duration(200 * time.Millisecond),
			}})
			if err != nil {
				t.Fatal(err)
			}
			var counted int64
			for _, op := range run.Ops {
				counted += op.Count
				if op.Encoding != "raw" {
					t.Errorf("op %s encoding %q, want raw", op.Name, op.Encoding)
				}
			}
			if counted != 5003 {
				t.Errorf("histograms hold %d ops, want exactly 5003 (warm-up excluded)", counted)
			}
			// Server side: setup wrote 100 keys; warm-up did some; the
			// measured part exactly 5003 more. So the server saw at least
			// 5103, and the histograms none of the warm-up's.
			sets, gets := commandCalls(t, c, "set"), commandCalls(t, c, "get")
			warm := sets + gets - 100 - 5003
			if warm <= 0 {
				t.Errorf("server saw %d SET + %d GET: the warm-up ran no operations", sets, gets)
			}
			if run.Meta.Workload.Ops != 5003 || run.Meta.Workload.Connections != 8 {
				t.Errorf("workload meta %+v", run.Meta.Workload)
			}
		})
	}
}

// TestOpsExactServerSide checks --ops against the server's own count without
// warm-up.
func TestOpsExactServerSide(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 4)
	ctx := context.Background()
	_ = c.ConfigResetStat(ctx).Err()
	zero := 0.0
	if _, err := Run(ctx, Options{Client: c, Spec: Spec{Connections: 4, Pipeline: 3, Ops: 1001, Keys: 10, ReadRatio: &zero}}); err != nil {
		t.Fatal(err)
	}
	if got := commandCalls(t, c, "set"); got != 10+1001 {
		t.Errorf("server saw %d SETs, want 10 (setup) + 1001", got)
	}
}

func TestKilledMidRun(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 4)
	go func() {
		time.Sleep(700 * time.Millisecond)
		_ = srv.Kill()
	}()
	var progress bytes.Buffer
	run, err := Run(context.Background(), Options{Client: c, Progress: &progress, ProgressEvery: 100 * time.Millisecond,
		Spec: Spec{Connections: 4, Duration: Duration(20 * time.Second), Keys: 100}})
	if !errors.Is(err, ErrConnectionLost) {
		t.Fatalf("err = %v, want ErrConnectionLost", err)
	}
	if run == nil || len(run.Ops) == 0 || run.Ops[0].Count == 0 {
		t.Fatalf("no partial results: %+v", run)
	}
	if run.Meta.MeasuredSec > 10 {
		t.Errorf("run went on for %.1fs after the kill", run.Meta.MeasuredSec)
	}
	if len(run.Warnings) == 0 {
		t.Error("partial run carries no warning")
	}
	t.Logf("progress:\n%s", progress.String())
}

func serverConnections(t *testing.T, c redis.UniversalClient) int64 {
	t.Helper()
	info, err := c.Info(context.Background(), "stats").Result()
	if err != nil {
		t.Fatal(err)
	}
	n, ok := redisinfo.Int64(redisinfo.Parse(info), "total_connections_received")
	if !ok {
		t.Fatal("no total_connections_received in INFO stats")
	}
	return n
}

// TestPoolWarmed: the connections are dialled before anything is timed, and
// none during the run, pipelined or not. raw's direct client opens its own
// six in Setup and the engine warms one go-redis connection for Setup.
func TestPoolWarmed(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	admin := newClient(t, srv, 1)
	for _, client := range []struct {
		name string
		want int64
	}{{ClientGoRedis, 6}, {ClientDirect, 7}} {
		for _, pipeline := range []int{1, 8} {
			c := connect.NewClient(connect.ClientOptions{Addr: srv.Addr(), PoolSize: 6, PipelinePoolSize: -1})
			before := serverConnections(t, admin)
			spec := Spec{Connections: 6, Pipeline: pipeline, Ops: 3000, Keys: 10, Params: map[string]any{ParamClient: client.name}}
			run, err := Run(context.Background(), Options{Client: c, Spec: spec})
			if err != nil {
				t.Fatal(err)
			}
			if got := run.Meta.Workload.Params[ParamClient]; got != client.name {
				t.Errorf("results say client %v, want %s", got, client.name)
			}
			if got := serverConnections(t, admin) - before; got != client.want {
				t.Errorf("client %s, pipeline %d: %d connections dialled, want exactly the %d opened before timing", client.name, pipeline, got, client.want)
			}
			c.Close()
		}
	}
}
