package scenario

import (
	"reflect"
	"testing"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/keyspace"
)

// TestAppendSeq: the Python node's calls are AppendCommands' commands, one
// queued message each; the Rust node's purges send nothing, its add_order,
// update_order and add_position are keyspace's Rust sequences, the rest
// the Python commands.
func TestAppendSeq(t *testing.T) {
	l := keyspace.Layout{TraderID: "T"}
	rust := node.DefaultConfig()
	rust.Flavour = node.Rust
	g := New(Options{Seed: 2, Orders: 60, PurgeClosed: true, PurgeInterval: MinTimerInterval, Node: rust})
	seen := map[Kind]bool{}
	for c := range g.All() {
		seen[c.Kind] = true
		py := c.AppendSeq(keyspace.Seq{}, l, node.Python, []byte("p"))
		if !reflect.DeepEqual(py.Cmds, c.Commands(l, []byte("p"))) || len(py.Steps) != len(py.Cmds) {
			t.Fatalf("%s: the Python sequence is not its commands one message each", c.Kind)
		}
		rs := c.AppendSeq(keyspace.Seq{}, l, node.Rust, []byte("p"))
		var want keyspace.Seq
		switch c.Kind {
		case PurgeOrder, PurgePosition:
		case AddOrder:
			want = l.RustAddOrder(c.Order, []byte("p"))
		case UpdateOrder:
			want = l.RustUpdateOrder(c.Order, []byte("p"))
		case AddPosition:
			want = l.RustAddPosition(c.Position, []byte("p"))
		default:
			want = py
		}
		if !reflect.DeepEqual(rs.Cmds, want.Cmds) || !reflect.DeepEqual(rs.Steps, want.Steps) {
			t.Fatalf("%s: Rust sequence %+v, want %+v", c.Kind, rs, want)
		}
	}
	for _, k := range []Kind{PurgeOrder, PurgePosition, AddOrder, UpdateOrder, AddPosition, UpdateAccount} {
		if !seen[k] {
			t.Errorf("no %s in the stream", k)
		}
	}
}

// TestRustWritesAccounts: the Rust node does not read
// persist_account_events; its stream has the account states.
func TestRustWritesAccounts(t *testing.T) {
	cfg := node.DefaultConfig()
	cfg.Flavour, cfg.PersistAccountEvents = node.Rust, false
	n := 0
	for c := range New(Options{Seed: 1, Orders: 20, Node: cfg}).All() {
		if c.Kind == AddAccount || c.Kind == UpdateAccount {
			n++
		}
	}
	if n == 0 {
		t.Error("a Rust node with persist_account_events=false wrote no account state")
	}
}
