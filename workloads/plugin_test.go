package workloads

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// txTest is a miniature trading workload exercising the plug-in interface:
// add_order is a MULTI/EXEC of RPUSH + SADD with an encoded payload,
// read_order an LRANGE whose reply is decoded.
type txTest struct {
	env *Env
}

const (
	kindAdd = iota
	kindRead
)

func init() {
	Register(Definition{Name: "test-tx", Summary: "test only", Encodings: []string{"msgpack", "json"},
		New: func(*Spec) (Workload, error) { return &txTest{}, nil }})
	Register(Definition{Name: "test-oneshot", Summary: "test only", Encodings: []string{"msgpack"},
		New: func(*Spec) (Workload, error) { return &oneShotTest{}, nil }})
}

func (w *txTest) Name() string { return "test-tx" }
func (w *txTest) OpKinds() []OpKind {
	return []OpKind{kindAdd: {"add_order", results.ClassWrite}, kindRead: {"read_order", results.ClassRead}}
}
func (w *txTest) Setup(ctx context.Context, env *Env) error {
	w.env = env
	return env.Client.Set(ctx, env.Prefix+":general:setup", env.Encoding, 0).Err()
}
func (w *txTest) NewWorker(id int) Worker { return &txWorker{w: w, id: id} }

type txWorker struct {
	w  *txTest
	id int
	n  int
}

func (tw *txWorker) Next(ctx context.Context, op *Op) error {
	tw.n++
	key := fmt.Sprintf("%s:orders:O-%d-%d", tw.w.env.Prefix, tw.id, tw.n/2)
	if tw.n%2 == 1 {
		t0 := time.Now()
		payload, err := json.Marshal(map[string]any{"type": "OrderInitialized", "n": tw.n})
		if err != nil {
			return err
		}
		op.Encode = time.Since(t0)
		op.Kind, op.Tx = kindAdd, true
		op.Cmds = append(op.Cmds,
			redis.NewIntCmd(ctx, "rpush", key, payload),
			redis.NewIntCmd(ctx, "sadd", tw.w.env.Prefix+":index:orders", key))
		return nil
	}
	op.Kind = kindRead
	op.Cmds = append(op.Cmds, redis.NewStringSliceCmd(ctx, "lrange", key, 0, -1))
	return nil
}

func (tw *txWorker) Check(op *Op) error {
	if op.Kind != kindRead {
		return nil
	}
	t0 := time.Now()
	for _, s := range op.Cmds[0].(*redis.StringSliceCmd).Val() {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			return fmt.Errorf("%w: %v", ErrDecode, err)
		}
	}
	op.Decode = time.Since(t0)
	return nil
}

type oneShotTest struct{}

func (oneShotTest) Name() string                      { return "test-oneshot" }
func (oneShotTest) OpKinds() []OpKind                 { return []OpKind{{"scan", results.ClassStartup}} }
func (oneShotTest) Setup(context.Context, *Env) error { return nil }
func (oneShotTest) NewWorker(int) Worker              { panic("one-shot workloads have no workers") }
func (oneShotTest) Run(ctx context.Context, env *Env, rec *Recorder) (results.StartupLoad, error) {
	start := time.Now()
	for i := 0; i < 10; i++ {
		t0 := time.Now()
		err := env.Client.Scan(ctx, 0, env.Prefix+":*", 5000).Err()
		rec.Observe(0, t0, err)
	}
	return results.StartupLoad{Style: "sequential", TotalSec: time.Since(start).Seconds(), Commands: 10}, nil
}

func TestPluginTxAndEncodings(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 3)
	ctx := context.Background()
	// A key left by an earlier run must be cleaned away; another
	// trader's keys must not. Both encodings write under one trader key.
	c.Set(ctx, "trader-RBENCH-001:orders:stale", "x", 0)
	c.Set(ctx, "trader-OTHER:orders:keep", "x", 0)
	_ = c.ConfigResetStat(ctx).Err()
	run, err := Run(ctx, Options{Client: c, Spec: Spec{Workload: "test-tx", Connections: 3, Ops: 600,
		Encodings: []string{"msgpack", "json"}}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int64{}
	for _, op := range run.Ops {
		seen[op.Name+"/"+op.Encoding] = op.Count
		switch op.Name {
		case "add_order":
			if op.Encode == nil || op.EncodeHist == "" || op.Decode != nil {
				t.Errorf("%s/%s: encode %v decode %v", op.Name, op.Encoding, op.Encode, op.Decode)
			}
			// RPUSH + SADD inside MULTI/EXEC: well over 100 bytes a call.
			if op.BytesSent < op.Count*100 || op.BytesReceived < op.Count*20 {
				t.Errorf("add_order bytes sent %d received %d for %d ops", op.BytesSent, op.BytesReceived, op.Count)
			}
		case "read_order":
			if op.Decode == nil || op.DecodeHist == "" {
				t.Errorf("read_order/%s has no decode times", op.Encoding)
			}
		}
		if len(op.Series) == 0 || op.ServiceHDR == "" {
			t.Errorf("%s/%s: no series or histogram", op.Name, op.Encoding)
		}
	}
	// Each worker alternates add and read, so the split depends on how the
	// 600 ops fell to the workers; the total per encoding is exact.
	for _, enc := range []string{"msgpack", "json"} {
		if n := seen["add_order/"+enc] + seen["read_order/"+enc]; n != 600 {
			t.Errorf("%s: %d ops, want 600 (%v)", enc, n, seen)
		}
	}
	// A transaction is one op, however many commands it holds.
	if got, want := commandCalls(t, c, "exec"), seen["add_order/msgpack"]+seen["add_order/json"]; got != want {
		t.Errorf("server ran %d EXECs, want one per add_order: %d", got, want)
	}
	if n, _ := c.Exists(ctx, "trader-RBENCH-001:orders:stale").Result(); n != 0 {
		t.Error("the passes did not start on a clean keyspace")
	}
	if n, _ := c.Exists(ctx, "trader-OTHER:orders:keep", "trader-RBENCH-001:general:setup").Result(); n != 2 {
		t.Errorf("%d of 2 keys that must stay exist", n)
	}
	if len(run.Pacing) != 2 || run.Pacing[0].Encoding != "msgpack" || run.Pacing[1].Encoding != "json" || run.Pacing[0].Mode != "closed" {
		t.Errorf("pacing %+v", run.Pacing)
	}
}

func TestPluginOneShot(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 2)
	run, err := Run(context.Background(), Options{Client: c, Spec: Spec{Workload: "test-oneshot", Connections: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Startup) != 1 || run.Startup[0].Encoding != "msgpack" || run.Startup[0].Commands != 10 {
		t.Errorf("startup %+v", run.Startup)
	}
	if len(run.Ops) != 1 || run.Ops[0].Count != 10 || run.Ops[0].Class != results.ClassStartup {
		t.Errorf("ops %+v", run.Ops)
	}
}

func TestOpenLoopPipelinedRate(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 4)
	run, err := Run(context.Background(), Options{Client: c, Spec: Spec{Connections: 4, Pipeline: 5,
		Rate: 1000, Ops: 1000, Keys: 10}})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, op := range run.Ops {
		n += op.Count
	}
	p := run.Pacing[0]
	// 1000 ops at 1000/s: the last is due at 0.999 s.
	if n != 1000 || p.TargetRate < 1000 || p.TargetRate > 1002 {
		t.Errorf("%d ops, target %v", n, p.TargetRate)
	}
	if run.Meta.MeasuredSec < 0.99 || run.Meta.MeasuredSec > 2.5 {
		t.Errorf("measured %.2fs for 1000 ops at 1000/s", run.Meta.MeasuredSec)
	}
	_ = strconv.Itoa
}
