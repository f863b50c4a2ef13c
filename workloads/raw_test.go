package workloads

import (
	"context"
	"errors"
	"testing"

	"github.com/rbench/rbench/localredis"
	"github.com/redis/go-redis/v9"
)

// TestRawReusedCommands checks the raw worker's command reuse: within a
// pipelined batch every operation keeps the key it was given (no ring slot
// is handed out twice), SETs write the key they name, GETs are sized and
// checked, and a wrong-sized value is reported.
func TestRawReusedCommands(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 4)
	ctx := context.Background()
	const depth, size = 5, 16
	spec := Spec{Workload: "raw", Keys: 50, ValueSize: size, Pipeline: depth, Connections: 1}.WithDefaults()
	wl, err := newRaw(&spec)
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Client: c, Prefix: "trader-T:raw", Spec: &spec, Seed: 7, Connections: 1, Pipeline: depth}
	if err := wl.Setup(ctx, env); err != nil {
		t.Fatal(err)
	}
	w := wl.NewWorker(0)
	ops := make([]Op, depth)
	var sets, gets int
	for batch := 0; batch < 40; batch++ {
		keys := make([]string, depth)
		pipe := c.Pipeline()
		for j := range ops {
			ops[j] = Op{}
			if err := w.Next(ctx, &ops[j]); err != nil {
				t.Fatal(err)
			}
			keys[j] = ops[j].Cmds[0].Args()[1].(string)
		}
		for j := range ops {
			if got := ops[j].Cmds[0].Args()[1].(string); got != keys[j] {
				t.Fatalf("batch %d op %d: key changed from %s to %s while the batch was built", batch, j, keys[j], got)
			}
			_ = pipe.Process(ctx, ops[j].Cmds[0])
		}
		// Overwrite the keys the batch SETs (and does not GET) so the SETs
		// must land.
		got := map[string]bool{}
		for j := range ops {
			if ops[j].Kind == rawGet {
				got[keys[j]] = true
			}
		}
		for j := range ops {
			if ops[j].Kind == rawSet && !got[keys[j]] {
				c.Set(ctx, keys[j], "x", 0)
			}
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for j := range ops {
			if err := w.Check(&ops[j]); err != nil {
				t.Fatalf("batch %d op %d: %v", batch, j, err)
			}
			switch ops[j].Kind {
			case rawSet:
				sets++
				v, _ := c.Get(ctx, keys[j]).Result()
				if len(v) != size {
					t.Fatalf("SET %s left %d bytes, want %d", keys[j], len(v), size)
				}
				if ops[j].BytesSent != requestBytes(&Op{Cmds: []redis.Cmder{redis.NewStatusCmd(ctx, "set", keys[j], v)}}) {
					t.Errorf("SET BytesSent %d", ops[j].BytesSent)
				}
			case rawGet:
				gets++
				if ops[j].BytesReceived != bulkLen(size) {
					t.Errorf("GET BytesReceived %d, want %d", ops[j].BytesReceived, bulkLen(size))
				}
			}
		}
	}
	if sets == 0 || gets == 0 {
		t.Fatalf("sets %d gets %d: want both kinds", sets, gets)
	}

	// A value of the wrong size fails Check.
	for {
		var op Op
		if err := w.Next(ctx, &op); err != nil {
			t.Fatal(err)
		}
		if op.Kind != rawGet {
			continue
		}
		c.Set(ctx, op.Cmds[0].Args()[1].(string), "short", 0)
		_ = c.Process(ctx, op.Cmds[0])
		if err := w.Check(&op); !errors.Is(err, ErrDecode) {
			t.Fatalf("Check of a 5-byte value: %v, want ErrDecode", err)
		}
		break
	}
}
