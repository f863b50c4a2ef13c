package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/workloads"
)

// testKeysCLI checks `rbench keys` lists exactly the rows a run with the
// given options writes (TestPayloadsCLI runs it with the built binary).
func testKeysCLI(t *testing.T, bin string) {
	keysOf := func(args ...string) keysDoc {
		t.Helper()
		out, errOut, code := runPayloadsCLI(t, bin, append([]string{"keys", "--json"}, args...)...)
		var doc keysDoc
		if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil {
			t.Fatalf("rbench keys %v: exit %d, %v: %s%s", args, code, err, out, errOut)
		}
		return doc
	}
	has := func(d keysDoc, pattern string) bool {
		for _, e := range d.Keys {
			if e.Pattern == pattern {
				return true
			}
		}
		return false
	}
	def := keysOf("--trader-id", "TRADER-001")
	if def.Prefix != "trader-TRADER-001:" || len(def.Load) != len(keyspace.LoadOrder) || def.ScanCount != keyspace.ScanCount {
		t.Errorf("default: %+v", def)
	}
	for _, p := range []string{"orders:{client_order_id}", "positions:{position_id}", "accounts:{account_id}", "instruments:{instrument_id}",
		"currencies:{code}", "index:orders", "index:orders_open", "index:orders_closed", "index:orders_emulated", "index:orders_inflight",
		"index:order_ids", "index:positions", "index:positions_open", "index:positions_closed", "index:order_position"} {
		if !has(def, p) {
			t.Errorf("default run: rbench keys lacks %s", p)
		}
	}
	for _, p := range []string{"snapshots:orders:{client_order_id}", "snapshots:positions:{position_id}", "index:order_client",
		"health:heartbeat", "synthetics:{id}", "general:{key}", "strategies:{strategy_id}:state", "actors:{actor_id}:state"} {
		if has(def, p) {
			t.Errorf("default run: rbench keys lists %s, which the run does not write", p)
		}
	}
	opt := keysOf("--snapshot-orders", "--snapshot-positions-interval", "5s", "--client-ids", "--persist-account-events=false")
	for p, want := range map[string]bool{"snapshots:orders:{client_order_id}": true, "snapshots:positions:{position_id}": true,
		"index:order_client": true, "accounts:{account_id}": false} {
		if has(opt, p) != want {
			t.Errorf("with options: lists %s = %v, want %v", p, !want, want)
		}
	}
	if d := keysOf("--use-instance-id", "--seed", "5"); d.Prefix != "trader-RBENCH-001:"+keyspace.NewInstanceID(5)+":" {
		t.Errorf("--use-instance-id --seed 5: prefix %q", d.Prefix)
	}
	if d := keysOf("--use-instance-id"); d.Prefix != "trader-RBENCH-001:"+keyspace.NewInstanceID(workloads.DefaultSeed)+":" {
		t.Errorf("--use-instance-id: prefix %q, want the run's default seed's", d.Prefix)
	}
	if d := keysOf("--all"); len(d.Keys) != len(keyspace.Table) {
		t.Errorf("--all: %d rows, want %d", len(d.Keys), len(keyspace.Table))
	}
	out, _, code := runPayloadsCLI(t, bin, "keys", "--trader-id", "TRADER-001")
	if code != 0 || !strings.Contains(out, "keys under trader-TRADER-001:") || !strings.Contains(out, "trader-TRADER-001:orders*") {
		t.Errorf("table output (exit %d):\n%s", code, out)
	}
	for _, args := range [][]string{
		{"keys", "--use-instance-id", "--instance-id", "not-a-uuid"},
		{"keys", "--instance-id", "3f2b6c1e-8a4d-4e0f-9b7a-2c5d1e6f8a90"},
		{"keys", "--trader-id", ""},
	} {
		if _, errOut, code := runPayloadsCLI(t, bin, args...); code != 2 || errOut == "" {
			t.Errorf("rbench %v: exit %d, stderr %q; want exit 2 with a message", args, code, errOut)
		}
	}
}
