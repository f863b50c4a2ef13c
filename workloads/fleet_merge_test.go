package workloads

import (
	"slices"
	"testing"
	"time"

	"github.com/rbench/rbench/results"
)

// TestMergeFleetMissingNode: when a node of a fleet returns no results,
// every run that did return keeps its own node's name (the fleet's ids are
// not paired with the runs by position), and the fleet still names all of
// its nodes.
func TestMergeFleetMissingNode(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	run := func(id string, calls int64) *results.Run {
		end := t0.Add(10 * time.Second)
		r := results.NewRun(results.Meta{Name: "order-flow", RunID: "fleet", Start: t0, End: end, MeasuredStart: t0, MeasuredEnd: end, MeasuredSec: 10,
			Workload: results.Workload{Name: "order-flow", Connections: 1, TraderIDs: []string{id}}})
		r.Writer = []results.Writer{{Encoding: "msgpack", Mode: results.WriterUnbuffered, Loop: "open", Writers: 1, Calls: calls, Transactions: calls, Commands: calls}}
		return r
	}
	fleet := []string{"RBENCH-001", "RBENCH-002", "RBENCH-003"}
	// Node 1 returned nothing: the runs are nodes 2 and 3's.
	out, err := mergeFleet([]*results.Run{run("RBENCH-002", 20), run("RBENCH-003", 30)}, fleet[1:], fleet)
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]int64{}
	for _, w := range out.Writer {
		for _, n := range w.PerNode {
			calls[n.Node] = n.Calls
		}
	}
	if calls["RBENCH-002"] != 20 || calls["RBENCH-003"] != 30 || len(calls) != 2 {
		t.Errorf("per-node writer calls = %v, want RBENCH-002:20 RBENCH-003:30", calls)
	}
	if !slices.Equal(out.Meta.Workload.TraderIDs, fleet) || out.Meta.Workload.Nodes != 3 {
		t.Errorf("fleet = %v (%d nodes), want %v (3)", out.Meta.Workload.TraderIDs, out.Meta.Workload.Nodes, fleet)
	}
}
