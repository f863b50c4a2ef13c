package keyspace_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/keyspace"
)

// What the Rust LiveNode's writer sends on the wire per cache call,
// unbuffered, written by hand from upstream (NautilusTrader 1.231.0,
// a95c8042b0), not from this package: crates/common/src/cache/mod.rs
// (Cache.add_order 4079-4208, add_position_id 4231-4245, add_position
// 4337-4385, update_order and refresh_order 4521-4626) and
// crates/infrastructure/src/redis/cache.rs (drain_buffer 766-862,
// update_order_event_log 882-928, replace_list 983-1005,
// update_order_indexes 1092-1170, add_order 1619-1649, add_position
// 1660-1683, index_order_position 1851-1863, update_order 1890-1902), and
// the Rust order's predicates (crates/model/src/orders/mod.rs:450-493:
// never open or in flight while emulated). MULTI and EXEC are written out:
// each queued message is its own transaction unbuffered; update_order's
// LRANGE is a plain read, then two transactions of their own.
var rustWire = []struct {
	variant string
	want    []string
}{
	{"add_order", []string{
		"MULTI", "DEL orders:{coid}", "RPUSH orders:{coid} <payload>", "EXEC",
		"MULTI", "SADD index:orders {coid}", "EXEC"}},
	{"add_order +position_id +client_id +emulated", []string{
		"MULTI", "HSET index:order_position {coid} {pid}", "EXEC", // Cache.add_position_id, first
		"MULTI", "DEL orders:{coid}", "RPUSH orders:{coid} <payload>", "EXEC",
		"MULTI", "SADD index:orders {coid}", "EXEC",
		"MULTI", "SADD index:orders_emulated {coid}", "EXEC",
		"MULTI", "HSET index:order_client {coid} {cid}", "EXEC"}},
	{"update_order OrderSubmitted", []string{
		"LRANGE orders:{coid} 0 -1",
		"MULTI", "RPUSHX orders:{coid} <payload>", "EXEC",
		"MULTI", "SADD index:orders {coid}", "SADD index:orders_inflight {coid}",
		"SREM index:orders_emulated {coid}", "EXEC"}},
	{"update_order OrderAccepted", []string{
		"LRANGE orders:{coid} 0 -1",
		"MULTI", "RPUSHX orders:{coid} <payload>", "EXEC",
		"MULTI", "SADD index:orders {coid}", "SADD index:order_ids {coid}", "SREM index:orders_inflight {coid}",
		"SREM index:orders_closed {coid}", "SADD index:orders_open {coid}", "SREM index:orders_emulated {coid}", "EXEC"}},
	{"update_order OrderPendingCancel", []string{
		"LRANGE orders:{coid} 0 -1",
		"MULTI", "RPUSHX orders:{coid} <payload>", "EXEC",
		"MULTI", "SADD index:orders {coid}", "SADD index:order_ids {coid}", "SADD index:orders_inflight {coid}",
		"SREM index:orders_closed {coid}", "SADD index:orders_open {coid}", "SREM index:orders_emulated {coid}", "EXEC"}},
	{"update_order OrderFilled", []string{
		"LRANGE orders:{coid} 0 -1",
		"MULTI", "RPUSHX orders:{coid} <payload>", "EXEC",
		"MULTI", "SADD index:orders {coid}", "SADD index:order_ids {coid}", "SREM index:orders_inflight {coid}",
		"SREM index:orders_open {coid}", "SADD index:orders_closed {coid}", "SREM index:orders_emulated {coid}", "EXEC"}},
	{"update_order OrderRejected", []string{
		"LRANGE orders:{coid} 0 -1",
		"MULTI", "RPUSHX orders:{coid} <payload>", "EXEC",
		"MULTI", "SADD index:orders {coid}", "SREM index:orders_inflight {coid}",
		"SREM index:orders_open {coid}", "SADD index:orders_closed {coid}", "SREM index:orders_emulated {coid}", "EXEC"}},
	{"update_order OrderEmulated", []string{ // emulated: neither open nor in flight, not closed
		"LRANGE orders:{coid} 0 -1",
		"MULTI", "RPUSHX orders:{coid} <payload>", "EXEC",
		"MULTI", "SADD index:orders {coid}", "SREM index:orders_inflight {coid}",
		"SADD index:orders_emulated {coid}", "EXEC"}},
	{"update_order OrderCanceled emulated", []string{ // canceled by the emulator: closed, so SREM
		"LRANGE orders:{coid} 0 -1",
		"MULTI", "RPUSHX orders:{coid} <payload>", "EXEC",
		"MULTI", "SADD index:orders {coid}", "SREM index:orders_inflight {coid}",
		"SREM index:orders_open {coid}", "SADD index:orders_closed {coid}", "SREM index:orders_emulated {coid}", "EXEC"}},
	{"add_position", []string{
		"MULTI", "HSET index:order_position {open} {pid}", "EXEC",
		"MULTI", "DEL positions:{pid}", "RPUSH positions:{pid} <payload>", "EXEC",
		"MULTI", "SADD index:positions {pid}", "EXEC",
		"MULTI", "SADD index:positions_open {pid}", "EXEC",
		"MULTI", "SREM index:positions_closed {pid}", "EXEC"}},
}

// wire renders a Seq as an unbuffered writer sends it.
func wire(l keyspace.Layout, s keyspace.Seq, payload []byte) []string {
	var out []string
	i := 0
	for _, st := range s.Steps {
		cmds := relative(l, s.Cmds[i:i+st.N], payload)
		i += st.N
		if st.Kind == keyspace.Read {
			out = append(out, cmds...)
			continue
		}
		out = append(out, "MULTI")
		out = append(out, cmds...)
		out = append(out, "EXEC")
	}
	return out
}

func TestRustSequencesAgainstTable(t *testing.T) {
	l := keyspace.Layout{TraderID: "T"}
	p := []byte(`{"Accepted":{}}`)
	o := func(st keyspace.OrderStatus, venue bool) keyspace.OrderArgs {
		return keyspace.OrderArgs{ClientOrderID: "O-1", Status: st, HasVenueOrderID: venue}
	}
	emulated := o(keyspace.StatusEmulated, false)
	emulated.Emulated = true
	canceledEmulated := o(keyspace.StatusCanceled, false)
	canceledEmulated.Emulated = true
	got := map[string]keyspace.Seq{
		"add_order": l.RustAddOrder(keyspace.OrderArgs{ClientOrderID: "O-1"}, p),
		"add_order +position_id +client_id +emulated": l.RustAddOrder(keyspace.OrderArgs{ClientOrderID: "O-1",
			PositionID: "P-1", ClientID: "BINANCE", Emulated: true}, p),
		"update_order OrderSubmitted":         l.RustUpdateOrder(o(keyspace.StatusSubmitted, false), p),
		"update_order OrderAccepted":          l.RustUpdateOrder(o(keyspace.StatusAccepted, true), p),
		"update_order OrderPendingCancel":     l.RustUpdateOrder(o(keyspace.StatusPendingCancel, true), p),
		"update_order OrderFilled":            l.RustUpdateOrder(o(keyspace.StatusFilled, true), p),
		"update_order OrderRejected":          l.RustUpdateOrder(o(keyspace.StatusRejected, false), p),
		"update_order OrderEmulated":          l.RustUpdateOrder(emulated, p),
		"update_order OrderCanceled emulated": l.RustUpdateOrder(canceledEmulated, p),
		"add_position":                        l.RustAddPosition(keyspace.PositionArgs{PositionID: "P-1", OpeningOrderID: "O-0"}, p),
	}
	ids := map[string]string{"coid": "O-1", "pid": "P-1", "cid": "BINANCE", "open": "O-0"}
	if len(got) != len(rustWire) {
		t.Fatalf("%d builder calls for %d rows", len(got), len(rustWire))
	}
	for _, row := range rustWire {
		s, ok := got[row.variant]
		if !ok {
			t.Errorf("%s: no builder call", row.variant)
			continue
		}
		want := make([]string, len(row.want))
		for i, w := range row.want {
			for k, v := range ids {
				w = strings.ReplaceAll(w, "{"+k+"}", v)
			}
			want[i] = w
		}
		if g := wire(l, s, p); !reflect.DeepEqual(g, want) {
			t.Errorf("%s:\n got %q\nwant %q", row.variant, g, want)
		}
		n := 0
		for _, st := range s.Steps {
			n += st.N
		}
		if n != len(s.Cmds) {
			t.Errorf("%s: steps cover %d of %d commands", row.variant, n, len(s.Cmds))
		}
	}
	// update_order: the index transaction comes after the node's decode.
	s := l.RustUpdateOrder(o(keyspace.StatusAccepted, true), p)
	if len(s.Steps) != 3 || s.Steps[0].Kind != keyspace.Read || s.Steps[1].Decode || !s.Steps[2].Decode {
		t.Errorf("update_order steps %+v: want a read, a transaction, then a transaction after the decode", s.Steps)
	}
	if s.Transactions() != 2 {
		t.Errorf("update_order: %d transactions, want 2", s.Transactions())
	}
}

// TestAppendMessages: a Python call is one queued message per command.
func TestAppendMessages(t *testing.T) {
	l := keyspace.Layout{}
	cmds := l.AddOrder(keyspace.OrderArgs{ClientOrderID: "O-1", Emulated: true}, []byte("p"))
	s := keyspace.Seq{}.AppendMessages(cmds...)
	if len(s.Steps) != len(cmds) || s.Transactions() != len(cmds) {
		t.Fatalf("%d steps, %d transactions for %d commands", len(s.Steps), s.Transactions(), len(cmds))
	}
	for _, st := range s.Steps {
		if st.Kind != keyspace.Queued || st.N != 1 || st.Decode {
			t.Errorf("step %+v: want one queued command", st)
		}
	}
	if r := s.Reset(); len(r.Cmds) != 0 || len(r.Steps) != 0 || cap(r.Cmds) == 0 {
		t.Errorf("Reset: %+v", r)
	}
}

// TestRustDocMatchesTable keeps the Rust table of docs/redis-keys.md in
// step with TableFor(node.Rust).
func TestRustDocMatchesTable(t *testing.T) {
	data, err := os.ReadFile("../../docs/redis-keys.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []keyspace.Entry
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "| key (Rust LiveNode) after") {
			in = true
			continue
		}
		if !in || strings.HasPrefix(line, "|---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 6 {
			t.Fatalf("doc row %q has %d cells, want 6", line, len(cells))
		}
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		rows = append(rows, keyspace.Entry{Pattern: cells[0], Type: cells[1], Write: cells[2], Read: cells[3], Value: cells[4], When: cells[5]})
	}
	if !reflect.DeepEqual(rows, keyspace.TableFor(node.Rust)) {
		t.Errorf("docs/redis-keys.md's Rust table differs from keyspace.TableFor(node.Rust); regenerate it with\n  go run ./node/keyspace/internal/gendoc -rust")
	}
}
