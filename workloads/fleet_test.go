package workloads

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// keysByPrefix counts the server's keys by their trader key (the part
// before the first ':').
func keysByPrefix(t *testing.T, c *redis.Client) map[string]int {
	t.Helper()
	out := map[string]int{}
	iter := c.Scan(context.Background(), 0, "*", 1000).Iterator()
	for iter.Next(context.Background()) {
		p, _, _ := strings.Cut(iter.Val(), ":")
		out[p]++
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFleetOfFour is issue 16's fleet: four order-flow nodes on one Redis,
// each under its own trader id with its own client, at a per-node rate.
// The results hold the fleet's ops (4 x --ops), one writer entry for the
// fleet and one per node, whose transactions add up to what the server
// counted in the measured phase; every key is under one of the nodes'
// prefixes, and a second run cleans each node's keys as a single node's
// (the key counts come out the same, not doubled).
func TestFleetOfFour(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	ctl := newClient(t, srv, 1)
	ctx := context.Background()
	ids := FleetTraderIDs(DefaultTraderID, 4, 0)
	const ops = 120
	spec := Spec{Workload: "order-flow", Ops: ops, Rate: 400, Encodings: []string{"msgpack"}}
	fleetRun := func() (*results.Run, int64, int) {
		var nodes []FleetNode
		for i, id := range ids {
			nodes = append(nodes, FleetNode{TraderID: id, Client: newClient(t, srv, 1), Index: i})
		}
		var mu sync.Mutex
		var execs int64
		hooks := 0
		run, err := Run(ctx, Options{Spec: spec, Fleet: nodes, OnMeasure: func(enc string, start bool) {
			mu.Lock()
			defer mu.Unlock()
			hooks++
			if start {
				if err := ctl.ConfigResetStat(ctx).Err(); err != nil {
					t.Error(err)
				}
				return
			}
			execs = commandCallsOf(t, ctl, "exec")
		}})
		if err != nil {
			t.Fatal(err)
		}
		return run, execs, hooks
	}
	run, execs, hooks := fleetRun()
	if hooks != 2 {
		t.Errorf("OnMeasure called %d times, want once at the fleet's start and once at its end", hooks)
	}
	if w := run.Meta.Workload; w.Nodes != 4 || !slices.Equal(w.TraderIDs, ids) || w.Rate != 400 || w.Ops != ops {
		t.Errorf("workload nodes %d ids %v rate %v ops %d: want 4 nodes, %v, the per-node rate 400 and ops %d", w.Nodes, w.TraderIDs, w.Rate, w.Ops, ids, ops)
	}
	var total int64
	for _, op := range run.Ops {
		total += op.Count
	}
	if total != 4*ops {
		t.Errorf("the fleet's ops count %d, want 4 x %d", total, ops)
	}
	if len(run.Writer) != 1 {
		t.Fatalf("%d writer entries, want the fleet's one", len(run.Writer))
	}
	fw := run.Writer[0]
	if fw.Nodes != 4 || len(fw.PerNode) != 4 || fw.Writers != 4 || fw.Calls != 4*ops {
		t.Fatalf("fleet writer: nodes %d, per node %d, writers %d, calls %d", fw.Nodes, len(fw.PerNode), fw.Writers, fw.Calls)
	}
	var tx int64
	for i, w := range fw.PerNode {
		if w.Node != ids[i] || w.Calls != ops || w.Lag.Max <= 0 || w.QueueMax == nil {
			t.Errorf("node %d writer: node %q calls %d lag max %v queue %v", i, w.Node, w.Calls, w.Lag.Max, w.QueueMax)
		}
		tx += w.Transactions
	}
	if tx != fw.Transactions || tx != execs {
		t.Errorf("transactions: nodes %d, fleet %d, the server's EXECs in the measured phase %d: want all equal", tx, fw.Transactions, execs)
	}
	lag, err := results.DecodeHDR(fw.LagHDR)
	if err != nil || lag.TotalCount() != 4*ops {
		t.Errorf("fleet lag histogram: %v, %d samples, want every node's %d calls", err, lag.TotalCount(), 4*ops)
	}
	if p := run.Pacing[0]; p.TargetRate < 4*399 || p.TargetRate > 4*420 {
		t.Errorf("fleet target rate %v: want four nodes' 400/s", p.TargetRate)
	}
	first := keysByPrefix(t, ctl)
	for _, id := range ids {
		if first["trader-"+id] == 0 {
			t.Errorf("no keys under trader-%s: (%v)", id, first)
		}
	}
	if len(first) != 4 {
		t.Errorf("keys under %d prefixes, want the 4 nodes': %v", len(first), first)
	}
	fleetRun()
	if again := keysByPrefix(t, ctl); fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("keys after a second run %v, after the first %v: each node's keys are cleaned before its pass", again, first)
	}
	// With CleanAfter, every node's keys are still there when the fleet's
	// measured phase ends (a node waits for the others before it cleans),
	// and gone after.
	var nodes []FleetNode
	for i, id := range ids {
		nodes = append(nodes, FleetNode{TraderID: id, Client: newClient(t, srv, 1), Index: i})
	}
	var atEnd map[string]int
	if _, err := Run(ctx, Options{Spec: spec, Fleet: nodes, CleanAfter: true, OnMeasure: func(enc string, start bool) {
		if !start {
			atEnd = keysByPrefix(t, ctl)
		}
	}}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(atEnd) != fmt.Sprint(first) {
		t.Errorf("keys at the fleet's end %v, want every node's %v", atEnd, first)
	}
	if n := ctl.DBSize(ctx).Val(); n != 0 {
		t.Errorf("%d keys left after a run with CleanAfter", n)
	}
}

// TestFleetRefusals: a fleet of raw nodes, two nodes with one trader id.
func TestFleetRefusals(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 1)
	for _, tt := range []struct {
		spec  Spec
		nodes []FleetNode
		want  string
	}{
		{Spec{Workload: "raw", Ops: 10}, []FleetNode{{"A", c, 0}, {"B", c, 1}}, "models no trading node"},
		{Spec{Workload: "order-flow", Ops: 10}, []FleetNode{{"A", c, 0}, {"A", c, 1}}, "given to two nodes"},
	} {
		_, err := Run(context.Background(), Options{Spec: tt.spec, Fleet: tt.nodes})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.spec.Workload, err, tt.want)
		}
	}
}

// TestRawShardsSplitTheSpec runs the two halves of one raw spec at once, as
// two generators would: each under its own trader id, with every other key
// (the interleaving), half the connections, the ops and the schedule;
// merged they make the whole spec's count, keys and target rate.
func TestRawShardsSplitTheSpec(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	ctl := newClient(t, srv, 1)
	const keys, ops, conns, rate = 11, 600, 4, 3000
	ids := []string{"RBENCH-001", "RBENCH-002"}
	runs := make([]*results.Run, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		spec := Spec{Workload: "raw", Keys: keys, Rate: rate,
			Connections: int(ShardShare(conns, i, 2)), Ops: ShardShare(ops, i, 2),
			Shard: Shard{Index: i, Count: 2, FirstWorker: int(ShardFirst(conns, i, 2))}}
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i], errs[i] = Run(context.Background(), Options{Spec: spec, Fleet: []FleetNode{{ids[i], newClient(t, srv, spec.Connections), 0}}})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("shard %d: %v", i+1, err)
		}
	}
	got := keysByPrefix(t, ctl)
	if got["trader-RBENCH-001"] != 6 || got["trader-RBENCH-002"] != 5 || len(got) != 2 {
		t.Errorf("keys %v: want shard 1 the six even of 0..10, shard 2 the five odd", got)
	}
	for i, id := range ids {
		iter := ctl.Scan(context.Background(), 0, "trader-"+id+":key:*", 100).Iterator()
		for iter.Next(context.Background()) {
			_, num, _ := strings.Cut(iter.Val(), ":key:")
			n, err := strconv.Atoi(num)
			if err != nil || n%2 != i || n >= keys || len(num) != 6 {
				t.Errorf("shard %d wrote key %s", i+1, iter.Val())
			}
		}
		if !strings.HasPrefix(runs[i].Meta.Workload.Pacer, fmt.Sprintf("shard %d/2 of constant", i+1)) {
			t.Errorf("shard %d pacer %q", i+1, runs[i].Meta.Workload.Pacer)
		}
	}
	for i, r := range runs {
		// What rbench run records of each part (cmd/rbench's checkScale).
		r.Meta.Workload.Shard = &results.Shard{Index: i + 1, Count: 2, Connections: conns, Ops: ops, Rate: rate}
	}
	m, err := results.Merge(runs...)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, op := range m.Ops {
		total += op.Count
	}
	if total != ops {
		t.Errorf("merged count %d, want the whole spec's %d", total, ops)
	}
	if target := m.Pacing[0].TargetRate; target < rate*0.99 || target > rate*1.01 {
		t.Errorf("merged target rate %v, want the whole schedule's %v", target, float64(rate))
	}
}

// TestFleetProgressSaysWhichNode: a fleet's one progress line shows its
// first node's figures and says so on every line.
func TestFleetProgressSaysWhichNode(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	ids := FleetTraderIDs(DefaultTraderID, 2, 0)
	var nodes []FleetNode
	for i, id := range ids {
		nodes = append(nodes, FleetNode{TraderID: id, Client: newClient(t, srv, 1), Index: i})
	}
	var progress strings.Builder
	spec := Spec{Workload: "order-flow", Ops: 40, Rate: 200, Encodings: []string{"msgpack"}}
	if _, err := Run(context.Background(), Options{Spec: spec, Fleet: nodes, Progress: &progress}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(progress.String()), "\n")
	want := fmt.Sprintf("[msgpack node %s, 1 of 2 nodes] ", ids[0])
	for _, l := range lines {
		if !strings.HasPrefix(l, want) {
			t.Errorf("progress line %q does not start with %q", l, want)
		}
	}
	if len(lines) == 0 || lines[0] == "" {
		t.Fatal("no progress line")
	}
}
