package workloads

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
	"github.com/rbench/rbench/results"
)

// The Rust LiveNode's writer as MONITOR sees it, against a table written by
// hand from upstream (NautilusTrader 1.231.0, a95c8042b0), not from
// node/keyspace: the cache's calls (crates/common/src/cache/mod.rs:
// add_order 4079-4208, add_position_id 4231-4245, add_position 4337-4385,
// update_order/refresh_order 4521-4626, purge_order 3141-3268, which
// touches no database) and the adapter's (crates/infrastructure/src/redis/
// cache.rs: drain_buffer 766-862, update_order_event_log 882-928,
// replace_list 983-1005, update_order_indexes 1092-1170, add_order
// 1619-1649, add_position 1660-1683, update_position 1905-1936), with the
// Rust order's predicates (crates/model/src/orders/mod.rs:450-493). Every
// queued message is its own MULTI/EXEC unbuffered; replace_list is one
// message of two commands; update_order is a plain LRANGE, then RPUSHX in a
// MULTI/EXEC of its own, then the order's indexes in another.

// rustWireOf is what the Rust node's writer sends for call c, unbuffered:
// "MULTI", "EXEC", "LRANGE orders:O-1", "SADD index:orders O-1" (the key
// after the trader key; the member or field of SADD, SREM and HSET).
func rustWireOf(c scenario.Call) []string {
	var out []string
	tx := func(cmds ...string) {
		out = append(out, "MULTI")
		out = append(out, cmds...)
		out = append(out, "EXEC")
	}
	each := func(cmds ...string) {
		for _, c := range cmds {
			tx(c)
		}
	}
	in := func(s string, set ...string) bool {
		for _, x := range set {
			if s == x {
				return true
			}
		}
		return false
	}
	o, p := c.Order, c.Position
	id := o.ClientOrderID
	switch c.Kind {
	case scenario.AddCurrency:
		each("SET currencies:" + c.ID)
	case scenario.AddInstrument:
		each("SET instruments:" + c.ID)
	case scenario.AddAccount:
		each("RPUSH accounts:" + c.ID)
	case scenario.UpdateAccount:
		each("RPUSHX accounts:" + c.ID)
	case scenario.AddOrder:
		if o.PositionID != "" {
			each("HSET index:order_position " + id)
		}
		tx("DEL orders:"+id, "RPUSH orders:"+id)
		each("SADD index:orders " + id)
		if o.Emulated {
			each("SADD index:orders_emulated " + id)
		}
		if o.ClientID != "" {
			each("HSET index:order_client " + id)
		}
	case scenario.UpdateOrder:
		st := o.Status.String()
		inflight := !o.Emulated && in(st, "SUBMITTED", "PENDING_CANCEL", "PENDING_UPDATE")
		open := !o.Emulated && in(st, "ACCEPTED", "TRIGGERED", "PENDING_CANCEL", "PENDING_UPDATE", "PARTIALLY_FILLED")
		closed := in(st, "DENIED", "REJECTED", "CANCELED", "EXPIRED", "FILLED")
		idx := []string{"SADD index:orders " + id}
		if o.HasVenueOrderID {
			idx = append(idx, "SADD index:order_ids "+id)
		}
		if inflight {
			idx = append(idx, "SADD index:orders_inflight "+id)
		} else {
			idx = append(idx, "SREM index:orders_inflight "+id)
		}
		switch {
		case open:
			idx = append(idx, "SREM index:orders_closed "+id, "SADD index:orders_open "+id)
		case closed:
			idx = append(idx, "SREM index:orders_open "+id, "SADD index:orders_closed "+id)
		}
		if o.Emulated && !closed {
			idx = append(idx, "SADD index:orders_emulated "+id)
		} else {
			idx = append(idx, "SREM index:orders_emulated "+id)
		}
		out = append(out, "LRANGE orders:"+id)
		tx("RPUSHX orders:" + id)
		tx(idx...)
	case scenario.AddPosition:
		each("HSET index:order_position " + p.OpeningOrderID)
		tx("DEL positions:"+p.PositionID, "RPUSH positions:"+p.PositionID)
		each("SADD index:positions "+p.PositionID, "SADD index:positions_open "+p.PositionID,
			"SREM index:positions_closed "+p.PositionID)
	case scenario.UpdatePosition:
		each("RPUSHX positions:" + p.PositionID)
		if p.Closed {
			each("SADD index:positions_closed "+p.PositionID, "SREM index:positions_open "+p.PositionID)
		} else {
			each("SADD index:positions_open "+p.PositionID, "SREM index:positions_closed "+p.PositionID)
		}
	case scenario.SnapshotOrder:
		each("RPUSH snapshots:orders:" + c.ID)
	case scenario.SnapshotPosition:
		each("RPUSH snapshots:positions:" + c.ID)
	case scenario.IndexOrderPosition:
		each("HSET index:order_position " + id)
	case scenario.PurgeOrder, scenario.PurgePosition:
		// Nothing: the Rust node purges its memory only.
	}
	return out
}

// wireLines renders MONITOR's lines of the writer's commands as rustWireOf
// does.
func wireLines(lines []monLine, prefix string) []string {
	var out []string
	for _, l := range lines {
		key := strings.TrimPrefix(l.key, prefix+":")
		switch {
		case l.name == "MULTI" || l.name == "EXEC":
			out = append(out, l.name)
		case l.name == "LRANGE":
			out = append(out, "LRANGE "+key)
		case l.name == "SADD" || l.name == "SREM" || l.name == "HSET" || l.name == "HDEL":
			out = append(out, l.name+" "+key+" "+l.arg)
		case isWrite(l.name):
			out = append(out, l.name+" "+key)
		}
	}
	return out
}

// rustStream is the scenario stream a trading workload's writer 0 sends
// under node config nc, with the workload's parameters p: shard 0, the
// Rust node's purges left out.
func rustStream(t *testing.T, nc node.Config, orders int64, p tradingParams) *callStream {
	t.Helper()
	codec, err := codecs.ByName(codecs.MsgPack)
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Seed: DefaultSeed, TraderID: DefaultTraderID, Encoding: codecs.MsgPack, Node: nc, Layout: layoutOf(DefaultTraderID)}
	te := &tradingEnv{env: env, layout: env.Layout, codec: codec, rust: true}
	return te.newStream(0, orders, p, false)
}

// expectedWire is what the writer sends for the stream's next n calls,
// and the call kinds among them.
func expectedWire(s *callStream, n int) ([]string, map[scenario.Kind]int) {
	var out []string
	kinds := map[scenario.Kind]int{}
	for range n {
		c, ok := s.next()
		if !ok {
			break
		}
		kinds[c.Kind]++
		out = append(out, rustWireOf(c)...)
	}
	return out, kinds
}

func rustNode() node.Config {
	nc := node.DefaultConfig()
	nc.Flavour = node.Rust
	nc.InstrumentInfo = node.InfoNone
	return nc
}

// firstDiff reports where got and want first differ.
func firstDiff(t *testing.T, got, want []string) {
	t.Helper()
	for i := 0; i < len(got) || i < len(want); i++ {
		if i >= len(got) || i >= len(want) || got[i] != want[i] {
			lo := max(0, i-6)
			t.Errorf("the Rust writer's wire differs from upstream's at line %d of %d (want %d):\n got %q\nwant %q",
				i, len(got), len(want), got[lo:min(len(got), i+6)], want[lo:min(len(want), i+6)])
			return
		}
	}
}

// TestRustWriterMonitor: unbuffered, the Rust writer's every call kind is
// upstream's sequence, line for line; the results count its transactions,
// commands and reads as the server ran them.
func TestRustWriterMonitor(t *testing.T) {
	nc := rustNode()
	nc.SnapshotOrders, nc.SnapshotPositions = true, true
	spec := Spec{Workload: "populate", Connections: 1, Keys: 2500, Node: nc}
	run, lines, stats := writerRun(t, spec)
	wr := run.Writer[0]
	if run.Meta.Workload.Node == nil || run.Meta.Workload.Node.Flavour != "rust" {
		t.Errorf("results record the node %+v, want flavour rust", run.Meta.Workload.Node)
	}
	got := wireLines(lines, run.Meta.Workload.Node.KeyPrefix)
	want, kinds := expectedWire(rustStream(t, nc, spec.Keys, tradingParams{}), int(wr.Calls))
	firstDiff(t, got, want)
	for _, k := range scenario.Kinds() {
		if k != scenario.PurgeOrder && k != scenario.PurgePosition && kinds[k] == 0 {
			t.Errorf("no %s call in %d: the run covers every call kind but purges", k, wr.Calls)
		}
	}
	txs := blocks(t, lines)
	checkCounts(t, wr, txs, stats)
	reads := int64(0)
	for _, g := range got {
		if strings.HasPrefix(g, "LRANGE ") {
			reads++
		}
	}
	if reads == 0 || wr.Reads != reads || int64(kinds[scenario.UpdateOrder]) != reads {
		t.Errorf("%d LRANGEs on the wire, %d update_order calls, the results count %d reads", reads, kinds[scenario.UpdateOrder], wr.Reads)
	}
	for _, k := range wr.Kinds {
		if k.Name == "update_order" && (k.Reads != k.Calls || k.Transactions != 2*k.Calls) {
			t.Errorf("update_order: %d calls, %d reads, %d transactions: want a read and two transactions each", k.Calls, k.Reads, k.Transactions)
		}
	}
}

// TestRustWriterPurgesSendNothing: with purges on, the Rust writer sends
// what the stream without its purges sends: nothing of them reaches Redis.
func TestRustWriterPurgesSendNothing(t *testing.T) {
	nc := rustNode()
	p := tradingParams{purge: true, purgeInterval: 50 * time.Millisecond}
	spec := Spec{Workload: "order-flow", Connections: 1, Ops: 1500, Node: nc,
		Params: map[string]any{ParamPurge: true, ParamPurgeInterval: "50ms"}}
	run, lines, _ := writerRun(t, spec)
	s := rustStream(t, nc, 0, p)
	for {
		c, ok := s.peek()
		if !ok || c.Kind == scenario.AddOrder {
			break
		}
		s.next()
	}
	want, _ := expectedWire(s, int(run.Writer[0].Calls))
	firstDiff(t, wireLines(lines, run.Meta.Workload.Node.KeyPrefix), want)
	// The Python stream of the same options does purge.
	py := scenario.New(scenario.Options{Seed: s.te.streamSeed(0), Orders: 1500, PurgeClosed: true, PurgeInterval: p.purgeInterval})
	purges := 0
	for c := range py.All() {
		if c.Kind == scenario.PurgeOrder {
			purges++
		}
	}
	if purges == 0 {
		t.Fatal("the scenario purged nothing: the test shows nothing")
	}
	warned := false
	for _, w := range run.Warnings {
		warned = warned || strings.Contains(w, "purge")
	}
	if !warned {
		t.Errorf("no warning that purges send nothing: %q", run.Warnings)
	}
}

// TestRustWriterBufferedMonitor: buffered, the Rust writer queues every
// message but update_order, which it sends on the spot whatever the buffer
// (cache.rs:816-829): it first sends what it has queued, then its LRANGE,
// RPUSHX and index transactions. Everything else is coalesced into the
// flush's transactions.
func TestRustWriterBufferedMonitor(t *testing.T) {
	nc := rustNode()
	nc.BufferInterval = 50 * time.Millisecond
	spec := Spec{Workload: "populate", Connections: 1, Keys: 1500, Rate: 1500, Node: nc}
	run, lines, stats := writerRun(t, spec)
	wr := run.Writer[0]
	got := wireLines(lines, run.Meta.Workload.Node.KeyPrefix)
	want, kinds := expectedWire(rustStream(t, nc, spec.Keys, tradingParams{}), int(wr.Calls))
	flat := func(w []string) []string {
		var out []string
		for _, x := range w {
			if x != "MULTI" && x != "EXEC" {
				out = append(out, x)
			}
		}
		return out
	}
	firstDiff(t, flat(got), flat(want))
	// Each update_order: LRANGE, MULTI RPUSHX EXEC, MULTI SADD index:orders
	// ... EXEC, nothing else in its transactions.
	coalesced := 0
	for i := 0; i < len(got); i++ {
		if got[i] == "MULTI" {
			n := 0
			for j := i + 1; j < len(got) && got[j] != "EXEC"; j++ {
				n++
			}
			if n > 1 && !strings.HasPrefix(got[i+1], "SADD index:orders ") {
				coalesced++
			}
		}
		if !strings.HasPrefix(got[i], "LRANGE ") {
			continue
		}
		key := strings.TrimPrefix(got[i], "LRANGE ")
		id := strings.TrimPrefix(key, "orders:")
		if i+5 >= len(got) || got[i+1] != "MULTI" || got[i+2] != "RPUSHX "+key || got[i+3] != "EXEC" ||
			got[i+4] != "MULTI" || got[i+5] != "SADD index:orders "+id {
			t.Fatalf("update_order at line %d: %q, want LRANGE, MULTI RPUSHX EXEC, MULTI SADD index:orders ...", i, got[i:min(len(got), i+6)])
		}
		for j := i + 6; j < len(got) && got[j] != "EXEC"; j++ {
			if !strings.HasSuffix(got[j], " "+id) || !strings.Contains(got[j], " index:orders") && !strings.Contains(got[j], " index:order_ids") {
				t.Fatalf("update_order %s's index transaction holds %q", id, got[j])
			}
		}
	}
	if coalesced == 0 {
		t.Errorf("no transaction of several queued messages in %d flushes: the buffer coalesced nothing", wr.Flushes)
	}
	txs := blocks(t, lines)
	checkCounts(t, wr, txs, stats)
	if wr.Mode != results.WriterBuffered || wr.Reads != int64(kinds[scenario.UpdateOrder]) || wr.Flushes == 0 || wr.Transactions <= wr.Flushes {
		t.Errorf("mode %s, %d reads for %d update_orders, %d flushes, %d transactions: want a drain split into several transactions",
			wr.Mode, wr.Reads, kinds[scenario.UpdateOrder], wr.Flushes, wr.Transactions)
	}
}

// TestStartupLoadRust: --node rust writes the Rust node's payloads and the
// startup load decodes every one of them, in the Rust LiveNode's load and
// in the Python node's access pattern; the results record the flavour.
func TestStartupLoadRust(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 2)
	for _, enc := range []string{codecs.MsgPack, codecs.JSON} {
		run := runSpec(t, c, Spec{Workload: "startup-load", Connections: 2, Keys: 1500, Encodings: []string{enc}, Node: rustNode()})
		if run.Meta.Workload.Node == nil || run.Meta.Workload.Node.Flavour != "rust" {
			t.Errorf("%s: node %+v, want flavour rust", enc, run.Meta.Workload.Node)
		}
		if len(run.Startup) != 2 || run.Startup[1].Style != "rust" {
			t.Fatalf("%s: startup loads %+v", enc, run.Startup)
		}
		for _, sl := range run.Startup {
			if sl.Undecodable != 0 || sl.Keys["orders"] == 0 || sl.Keys["positions"] == 0 {
				t.Errorf("%s %s: %d undecodable, keys %v", enc, sl.Style, sl.Undecodable, sl.Keys)
			}
		}
	}
	if _, err := Run(context.Background(), Options{Client: c, Spec: Spec{Workload: "startup-load", Connections: 2, Node: rustNode(),
		Params: map[string]any{"style": "rust", "bulk_read_batch": 5}}}); err == nil || !strings.Contains(err.Error(), "unchunked") {
		t.Errorf("bulk_read_batch with the rust style: %v", err)
	}
}

// TestStepsValid: steps that do not cover a call's commands fail the call.
func TestStepsValid(t *testing.T) {
	ctx := context.Background()
	op := &Op{Cmds: []redis.Cmder{redis.NewCmd(ctx, "SET", "k", "v"), redis.NewCmd(ctx, "SET", "k", "v")}}
	for _, steps := range [][]keyspace.Step{
		{{Kind: keyspace.Queued, N: 1}},
		{{Kind: keyspace.Queued, N: 3}},
		{{Kind: keyspace.Read, N: 2}},
		{{Kind: keyspace.Queued, N: 0}, {Kind: keyspace.Tx, N: 2}},
	} {
		op.Steps = steps
		if stepsValid(op) == nil {
			t.Errorf("steps %+v accepted for 2 commands", steps)
		}
	}
	op.Steps = []keyspace.Step{{Kind: keyspace.Read, N: 1}, {Kind: keyspace.Tx, N: 1, Decode: true}}
	if err := stepsValid(op); err != nil {
		t.Error(err)
	}
	op.Steps = nil
	if err := stepsValid(op); err != nil || len(opSteps(op)) != 2 {
		t.Errorf("nil steps: %v, %d steps", err, len(opSteps(op)))
	}
}

// TestReadAndMixedRust: read and mixed under --node rust read back the Rust
// node's payloads (a decode failure would count as an error) under both
// codecs, and mixed's writers send the Rust sequences.
func TestReadAndMixedRust(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 2)
	half := 0.5
	for _, spec := range []Spec{
		{Workload: "read", Connections: 2, Keys: 1500, Ops: 1500, Encodings: []string{codecs.MsgPack, codecs.JSON}, Node: rustNode()},
		{Workload: "mixed", Connections: 2, Keys: 1500, Ops: 1500, ReadRatio: &half, Encodings: []string{codecs.MsgPack, codecs.JSON}, Node: rustNode()},
	} {
		run := runSpec(t, c, spec)
		reads := int64(0)
		for _, op := range run.Ops {
			if op.Class == results.ClassRead {
				reads += op.Count
			}
		}
		if reads == 0 {
			t.Errorf("%s: no reads", spec.Workload)
		}
		if spec.Workload == "mixed" && (len(run.Writer) != 2 || run.Writer[0].Reads == 0) {
			t.Errorf("mixed: writer sections %+v, want update_order's reads", run.Writer)
		}
	}
}
