package workloads

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/rbench/rbench/localredis"
	"github.com/redis/go-redis/v9"
)

// TestRawReusedCommands checks the go-redis raw worker's command reuse: within a
// pipelined batch every operation keeps the key it was given (no ring slot
// is handed out twice), SETs write the key they name, GETs are sized and
// checked, and a wrong-sized value is reported.
func TestRawReusedCommands(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 4)
	ctx := context.Background()
	const depth, size = 5, 16
	spec := Spec{Workload: "raw", Keys: 50, ValueSize: size, Pipeline: depth, Connections: 1,
		Params: map[string]any{ParamClient: ClientGoRedis}}.WithDefaults()
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

// TestRawDirect checks raw's own client (the default): its SETs land with
// the configured size, its byte counts match go-redis's encoding, and each
// failure is judged per op and in the right class: a wrong-sized value
// (decode), an error reply (server), a killed connection (connection), after
// which the next batch redials.
func TestRawDirect(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 2)
	ctx := context.Background()
	const depth, size = 8, 16
	spec := Spec{Workload: "raw", Keys: 20, ValueSize: size, Pipeline: depth, Connections: 1}.WithDefaults()
	wl, err := newRaw(&spec)
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Client: c, Prefix: "trader-T:raw", Spec: &spec, Seed: 7, Connections: 1, Pipeline: depth, Log: io.Discard}
	if err := wl.Setup(ctx, env); err != nil {
		t.Fatal(err)
	}
	defer wl.(io.Closer).Close()
	w, ok := wl.NewWorker(0).(Sender)
	if !ok {
		t.Fatalf("raw's default worker %T is not a Sender", wl.NewWorker(0))
	}
	raw := wl.(*rawWorkload)
	batch := func() []Op {
		ops := make([]Op, depth)
		for j := range ops {
			if err := w.Next(ctx, &ops[j]); err != nil {
				t.Fatal(err)
			}
		}
		return ops
	}

	var sets, gets int
	for range 20 {
		ops := batch()
		// Shorten the keys the batch SETs, so the SETs must land. A GET of
		// such a key ahead of its SET in the batch then reads "x".
		shortened := map[int64]bool{}
		for j := range ops {
			if ops[j].Kind == rawSet {
				c.Set(ctx, raw.keyString(ops[j].Index), "x", 0)
				shortened[ops[j].Index] = true
			}
		}
		w.Send(ctx, ops)
		for j, op := range ops {
			key := raw.keyString(op.Index)
			if op.Err != nil {
				if op.Kind == rawGet && shortened[op.Index] && errors.Is(op.Err, ErrDecode) {
					continue
				}
				t.Fatalf("op %d (%s %s): %v", j, raw.OpKinds()[op.Kind].Name, key, op.Err)
			}
			switch op.Kind {
			case rawSet:
				sets++
				if v, _ := c.Get(ctx, key).Result(); len(v) != size {
					t.Fatalf("SET %s left %d bytes, want %d", key, len(v), size)
				}
				if op.BytesSent != requestBytes(&Op{Cmds: []redis.Cmder{redis.NewStatusCmd(ctx, "set", key, raw.value)}}) || op.BytesReceived != 5 {
					t.Errorf("SET bytes sent %d received %d", op.BytesSent, op.BytesReceived)
				}
			case rawGet:
				gets++
				if op.BytesSent != requestBytes(&Op{Cmds: []redis.Cmder{redis.NewStringCmd(ctx, "get", key)}}) || op.BytesReceived != bulkLen(size) {
					t.Errorf("GET bytes sent %d received %d, want received %d", op.BytesSent, op.BytesReceived, bulkLen(size))
				}
			}
		}
	}
	if sets == 0 || gets == 0 {
		t.Fatalf("sets %d gets %d: want both kinds", sets, gets)
	}

	// One key of every kind of failure, then a batch of only GETs of them.
	restore := func() {
		for i := int64(0); i < spec.Keys; i++ {
			c.Set(ctx, raw.keyString(i), raw.value, 0)
		}
	}
	short, list := raw.keyString(0), raw.keyString(1)
	c.Set(ctx, short, "short", 0)
	c.Del(ctx, list)
	c.RPush(ctx, list, "x")
	ops := []Op{{Kind: rawGet, Index: 0}, {Kind: rawGet, Index: 1}, {Kind: rawGet, Index: 2}, {Kind: rawSet, Index: 1}}
	w.Send(ctx, ops)
	if !errors.Is(ops[0].Err, ErrDecode) {
		t.Errorf("GET of a 5-byte value: %v, want ErrDecode", ops[0].Err)
	}
	if Classify(ops[1].Err) != ClassServer || !strings.Contains(ops[1].Err.Error(), "WRONGTYPE") {
		t.Errorf("GET of a list: %v (class %s), want a WRONGTYPE server error", ops[1].Err, Classify(ops[1].Err))
	}
	if ops[2].Err != nil || ops[3].Err != nil {
		t.Errorf("ops after the failures: %v, %v; want them unaffected", ops[2].Err, ops[3].Err)
	}
	restore()

	// The server drops the connection: the whole batch fails as a
	// connection error, and the next batch redials.
	if err := c.Do(ctx, "client", "kill", "type", "normal", "skipme", "yes").Err(); err != nil {
		t.Fatal(err)
	}
	ops = batch()
	w.Send(ctx, ops)
	for j := range ops {
		if Classify(ops[j].Err) != ClassConnection {
			t.Fatalf("op %d after CLIENT KILL: %v (class %s), want a connection error", j, ops[j].Err, Classify(ops[j].Err))
		}
	}
	ops = batch()
	w.Send(ctx, ops)
	for j := range ops {
		if ops[j].Err != nil {
			t.Fatalf("op %d after redial: %v", j, ops[j].Err)
		}
	}
}

func TestRawParams(t *testing.T) {
	for _, tc := range []struct {
		params map[string]any
		client string
		err    string
	}{
		{nil, ClientDirect, ""},
		{map[string]any{"client": "go-redis"}, ClientGoRedis, ""},
		{map[string]any{"client": "DIRECT"}, ClientDirect, ""},
		{map[string]any{"client": "hiredis"}, "", `param client "hiredis": want direct or go-redis`},
		{map[string]any{"style": "sequential"}, "", `param style=sequential: workload raw takes client`},
		{map[string]any{"style": "sequential", "client": "hiredis"}, "", "param client \"hiredis\": want direct or go-redis\n" + `bad workload spec: param style=sequential`},
	} {
		spec := Spec{Workload: "raw", Keys: 10, ValueSize: 8, Params: tc.params}.WithDefaults()
		wl, err := newRaw(&spec)
		if tc.err != "" {
			if err == nil || !errors.Is(err, ErrBadSpec) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("params %v: error %v, want ErrBadSpec with %q", tc.params, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("params %v: %v", tc.params, err)
		}
		if got := wl.(*rawWorkload).client; got != tc.client {
			t.Errorf("params %v: client %s, want %s", tc.params, got, tc.client)
		}
	}
}

// The direct client's pre-encoded commands, with a key's digits written in
// place, are the RESP go-redis would send for the same key (bar the
// command's case) at every key width.
func TestRawDirectCommandBytes(t *testing.T) {
	ctx := context.Background()
	for _, keys := range []int64{10, 1_000_000, 123_456_789} {
		w := &rawWorkload{spec: &Spec{Keys: keys}, env: &Env{Prefix: "trader-T:raw"}, value: "v@lue"}
		w.width = max(6, len(strconv.FormatInt(keys-1, 10)))
		w.encodeCommands()
		rw := &rawDirectWorker{rawPicker: rawPicker{w: w}, set: []byte(w.setCmd), get: []byte(w.getCmd)}
		for _, i := range []int64{0, 7, keys / 3, keys - 1} {
			key := w.formatKey(i)
			putIndex(rw.set[w.setDigits:w.setDigits+w.width], i)
			putIndex(rw.get[w.getDigits:w.getDigits+w.width], i)
			wantSet := fmt.Sprintf("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$5\r\nv@lue\r\n", len(key), key)
			wantGet := fmt.Sprintf("*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n", len(key), key)
			if string(rw.set) != wantSet || string(rw.get) != wantGet {
				t.Fatalf("keys %d, index %d: sent %q and %q, want %q and %q", keys, i, rw.set, rw.get, wantSet, wantGet)
			}
			if n := requestBytes(&Op{Cmds: []redis.Cmder{redis.NewStatusCmd(ctx, "set", key, "v@lue")}}); n != int64(len(rw.set)) {
				t.Fatalf("SET is %d bytes, go-redis's estimate %d", len(rw.set), n)
			}
		}
	}
}
