package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node/keyspace"
)

// TestRustNodeCLI: `rbench keys --node rust` and `rbench payloads --node
// rust` show the Rust LiveNode's side.
func TestRustNodeCLI(t *testing.T) {
	bin := buildPayloadsCLI(t)
	t.Run("keys", func(t *testing.T) {
		out, errOut, code := runPayloadsCLI(t, bin, "keys", "--node", "rust", "--persist-account-events=false", "--json")
		var doc keysDoc
		if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil {
			t.Fatalf("exit %d, %v: %s%s", code, err, out, errOut)
		}
		rows := map[string]keyspace.Entry{}
		for _, e := range doc.Keys {
			rows[e.Pattern] = e
		}
		if doc.Node != "rust" || !strings.Contains(rows["orders:{client_order_id}"].Write, "LRANGE 0 -1 then RPUSHX") {
			t.Errorf("orders row %+v of node %q: want the Rust update_order", rows["orders:{client_order_id}"], doc.Node)
		}
		if _, ok := rows["accounts:{account_id}"]; !ok {
			t.Error("accounts missing with --persist-account-events=false: the Rust node writes them whatever it says")
		}
		if rows["instruments:{instrument_id}"].Read != "GET per key" || len(doc.Load) != 1+len(keyspace.RustLoadOrder) || !doc.Load[1].Concurrent {
			t.Errorf("instruments read %q, load %+v: want a GET per key and load_all's collections at once", rows["instruments:{instrument_id}"].Read, doc.Load)
		}
		txt, _, _ := runPayloadsCLI(t, bin, "keys", "--node", "rust")
		if !strings.Contains(txt, "then at once") || !strings.Contains(txt, "synthetics") {
			t.Errorf("table output:\n%s", txt)
		}
		if _, errOut, code := runPayloadsCLI(t, bin, "keys", "--node", "go"); code != 2 || !strings.Contains(errOut, `node "go"`) {
			t.Errorf("--node go: exit %d, %q", code, errOut)
		}
	})
	t.Run("payloads", func(t *testing.T) {
		out, errOut, code := runPayloadsCLI(t, bin, "payloads", "--node", "rust", "--budget", "1ms")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if m := regexp.MustCompile(`(?m)^\s*currency\s+6\s+5\s`).FindString(out); m == "" {
			t.Errorf("no 6-byte JSON / 5-byte msgpack currency (its code, \"USDT\"):\n%s", out)
		}
		out, errOut, code = runPayloadsCLI(t, bin, "payloads", "sample", "order-filled", "--node", "rust", "--encoding", "msgpack")
		if code != 0 || !strings.Contains(out, `"Filled": {`) || !regexp.MustCompile(`"ts_event": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z"`).MatchString(out) {
			t.Errorf("sample (exit %d, %s):\n%s", code, errOut, out)
		}
	})
}

// TestRunNodeRust: `rbench run --node rust` writes the Rust node's
// sequences and records the flavour; a workload file says node: rust.
func TestRunNodeRust(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	run, stdout := externalRun(t, srv, "--workload", "order-flow", "--node", "rust", "--ops", "400")
	if run.Meta.Workload.Node == nil || run.Meta.Workload.Node.Flavour != "rust" || len(run.Writer) != 1 || run.Writer[0].Reads == 0 {
		t.Fatalf("node %+v, writer %+v: want flavour rust and update_order's reads", run.Meta.Workload.Node, run.Writer)
	}
	if !strings.Contains(stdout, " reads") {
		t.Errorf("the table does not show the writer's reads:\n%s", stdout)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "w.yaml")
	if err := os.WriteFile(file, []byte("workload: startup-load\nnode: rust\nkeys: 500\nstyle: rust\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run, _ = externalRun(t, srv, "--workload-file", file)
	if run.Meta.Workload.Node.Flavour != "rust" || len(run.Startup) != 1 || run.Startup[0].Style != "rust" || run.Startup[0].Undecodable != 0 {
		t.Errorf("startup %+v of node %+v", run.Startup, run.Meta.Workload.Node)
	}
}
