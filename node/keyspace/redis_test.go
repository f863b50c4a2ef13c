package keyspace_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/internal/redismonitor"
	"github.com/rbench/rbench/internal/resp"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/node/scenario"
)

// writer is a node's cache writer reduced to what the test needs: one
// connection, every message its own MULTI/EXEC, each awaited before the
// next (crates/infrastructure/src/redis/cache.rs:667-694,741-773).
type writer struct {
	c     *resp.Conn
	local string // the connection's address as MONITOR shows it
}

func dialWriter(t *testing.T, addr string) *writer {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &writer{c: resp.NewConn(nc, 0, 10*time.Second), local: nc.LocalAddr().String()}
}

func (w *writer) writeCmd(args []any) {
	w.c.WriteArrayHeader(len(args))
	for _, a := range args {
		switch v := a.(type) {
		case string:
			w.c.WriteBulk(v)
		case []byte:
			w.c.WriteBulk(string(v))
		default:
			w.c.WriteBulk(fmt.Sprint(v))
		}
	}
}

// send writes cmd as MULTI, cmd, EXEC and checks the three replies.
func (w *writer) send(cmd keyspace.Cmd) error {
	w.writeCmd([]any{"MULTI"})
	w.writeCmd(cmd)
	w.writeCmd([]any{"EXEC"})
	if err := w.c.Flush(context.Background()); err != nil {
		return err
	}
	for i, want := range []string{"OK", "QUEUED"} {
		r, err := w.c.Read(context.Background())
		if err != nil {
			return err
		}
		if r.Kind != resp.SimpleString || string(r.Data) != want {
			return fmt.Errorf("reply %d to %v: %c %q, want %s", i, cmd.Name(), r.Kind, r.Data, want)
		}
	}
	r, err := w.c.Read(context.Background())
	if err != nil {
		return err
	}
	if r.Kind != resp.Array || r.N != 1 {
		return fmt.Errorf("EXEC of %s: %c %d %q, want a one-element array", cmd.Name(), r.Kind, r.N, r.Data)
	}
	if r, err = w.c.Read(context.Background()); err != nil {
		return err
	}
	if r.Kind == resp.ErrorReply {
		return fmt.Errorf("%s %s: %s", cmd.Name(), cmd.Key(), r.Data)
	}
	return nil
}

// monitor collects the MONITOR lines of one client until a marker.
type monitor struct {
	mu    sync.Mutex
	lines [][]string
	done  chan struct{}
	err   error
}

func startMonitor(t *testing.T, addr, client, marker string) *monitor {
	t.Helper()
	c, err := redismonitor.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	m := &monitor{done: make(chan struct{})}
	go func() {
		defer close(m.done)
		for {
			l, err := c.Next(time.Time{})
			if err != nil {
				m.err = err
				return
			}
			if l.Client != client {
				continue
			}
			if len(l.Args) == 2 && l.Name() == "ECHO" && l.Args[1] == marker {
				return
			}
			m.mu.Lock()
			m.lines = append(m.lines, l.Args)
			m.mu.Unlock()
		}
	}()
	return m
}

// tracker follows a stream through its payloads alone, to name each call's
// variant in the hand-written table without asking the generator.
type tracker struct {
	qty, filled map[string]int64 // per client order id, size units at the quantity's precision
	venue       map[string]bool  // client order id -> has a venue order id
	posQty      map[string]int64 // position id -> signed size units
}

func newTracker() *tracker {
	return &tracker{qty: map[string]int64{}, filled: map[string]int64{}, venue: map[string]bool{}, posQty: map[string]int64{}}
}

func units(t *testing.T, s string) int64 {
	t.Helper()
	u, _, err := payloads.ParseFixed(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// variant names c's row of sequences and the ids to fill in.
func (tr *tracker) variant(t *testing.T, c *scenario.Call) (string, map[string]string) {
	t.Helper()
	ids := map[string]string{"coid": c.ID, "pid": c.ID, "aid": c.ID, "iid": c.ID, "code": c.ID}
	switch c.Kind {
	case scenario.AddOrder:
		init := c.Payload.(*payloads.OrderInitialized)
		tr.qty[c.ID] = units(t, init.Quantity)
		v := "add_order"
		if c.Order.PositionID != "" {
			v += " +position_id"
			ids["pid"] = c.Order.PositionID
		}
		if init.EmulationTrigger != "NO_TRIGGER" {
			v += " +emulated"
		}
		if c.Order.ClientID != "" {
			v += " +client_id"
			ids["cid"] = c.Order.ClientID
		}
		return v, ids
	case scenario.UpdateOrder:
		typ := payloads.TypeOf(c.Payload)
		v := "update_order " + typ
		switch p := c.Payload.(type) {
		case *payloads.OrderAccepted:
			tr.venue[c.ID] = true
		case *payloads.OrderFilled:
			tr.venue[c.ID] = true
			tr.filled[c.ID] += units(t, p.LastQty)
			if tr.filled[c.ID] < tr.qty[c.ID] {
				v += " partial"
			}
		case *payloads.OrderCanceled:
			if !tr.venue[c.ID] {
				v += " -venue_order_id"
			}
		}
		return v, ids
	case scenario.AddPosition, scenario.UpdatePosition:
		f := c.Payload.(*payloads.OrderFilled)
		q := units(t, f.LastQty)
		if f.OrderSide == "SELL" {
			q = -q
		}
		if c.Kind == scenario.AddPosition {
			tr.posQty[c.ID] = q
			ids["open"] = f.ClientOrderID
			return "add_position", ids
		}
		tr.posQty[c.ID] += q
		if tr.posQty[c.ID] == 0 {
			return "update_position closed", ids
		}
		return "update_position", ids
	case scenario.IndexOrderPosition:
		ids["coid"], ids["pid"] = c.Order.ClientOrderID, c.Order.PositionID
	}
	return c.Kind.String(), ids
}

// TestMonitorSequences sends seeded scenarios to a throwaway redis-server
// as the node sends them, one MULTI/EXEC per message, reads the server's
// MONITOR stream and checks every transaction, in order, against the
// hand-written sequences: one command per transaction, the command, its key
// and arguments, payload bytes included. Every row of the table must occur.
func TestMonitorSequences(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{})
	heavy := scenario.Lifecycle{Modify: 0.3, GTD: 0.3, Emulated: 0.15, Lists: 0.2, CalculatedAccounts: true}
	clients := heavy
	clients.ClientIDs, clients.CalculatedAccounts = true, false
	cfg := node.DefaultConfig()
	cfg.SnapshotOrders, cfg.SnapshotPositions, cfg.SnapshotPositionsInterval = true, true, 500*time.Millisecond
	cfg.UseInstanceID = true
	runs := []struct {
		enc  string
		opts scenario.Options
	}{
		{codecs.MsgPack, scenario.Options{Seed: 21, Orders: 300, Lifecycle: &heavy, Node: cfg,
			PurgeClosed: true, PurgeInterval: 2 * time.Second, PurgeBuffer: time.Second}},
		{codecs.JSON, scenario.Options{Seed: 22, Orders: 300, Lifecycle: &clients}},
	}
	seen := map[string]int{}
	for i, run := range runs {
		codec, err := codecs.ByName(run.enc)
		if err != nil {
			t.Fatal(err)
		}
		l := keyspace.LayoutFor(fmt.Sprintf("MON-%d", i), run.opts.Node, run.opts.Seed)
		w := dialWriter(t, srv.Addr())
		marker := fmt.Sprintf("end-of-run-%d", i)
		mon := startMonitor(t, srv.Addr(), w.local, marker)
		tr := newTracker()
		var want [][]string // expected transactions, exact arguments
		var names []string  // the variant each belongs to
		for c := range scenario.New(run.opts).All() {
			var payload []byte
			if c.Payload != nil {
				if payload, err = codec.Encode(c.Payload); err != nil {
					t.Fatal(err)
				}
			}
			variant, ids := tr.variant(t, &c)
			seqWant, ok := expected(variant, ids)
			if !ok {
				t.Fatalf("call %d %s: variant %q is not in the table", c.Seq, c.Kind, variant)
			}
			seen[variant]++
			cmds := c.Commands(l, payload)
			if got := relative(l, cmds, payload); strings.Join(got, "\n") != strings.Join(seqWant, "\n") {
				t.Fatalf("call %d %s %s:\n got %q\nwant %q", c.Seq, c.Kind, variant, got, seqWant)
			}
			// What MONITOR must show, from the table itself: the key under
			// the trader key, the payload in place of <payload>.
			for _, line := range seqWant {
				args := strings.Split(line, " ")
				args[1] = l.Prefix() + keyspace.Delimiter + args[1]
				for j := range args {
					if args[j] == "<payload>" {
						args[j] = string(payload)
					}
				}
				want = append(want, args)
				names = append(names, fmt.Sprintf("call %d %s", c.Seq, variant))
			}
			for _, cmd := range cmds {
				if err := w.send(cmd); err != nil {
					t.Fatalf("call %d %s: %v", c.Seq, variant, err)
				}
			}
		}
		w.writeCmd([]any{"ECHO", marker})
		if err := w.c.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		select {
		case <-mon.done:
		case <-time.After(30 * time.Second):
			t.Fatal("MONITOR did not reach the end marker")
		}
		if mon.err != nil {
			t.Fatal(mon.err)
		}
		lines := mon.lines
		if len(lines) != 3*len(want) {
			t.Fatalf("run %d: MONITOR saw %d commands for %d messages (want 3 each: MULTI, command, EXEC)", i, len(lines), len(want))
		}
		for j, args := range want {
			m, cmd, e := lines[3*j], lines[3*j+1], lines[3*j+2]
			if len(m) != 1 || !strings.EqualFold(m[0], "MULTI") || len(e) != 1 || !strings.EqualFold(e[0], "EXEC") {
				t.Fatalf("run %d, %s: transaction %d is %q %q %q, want MULTI, one command, EXEC", i, names[j], j, m, cmd, e)
			}
			if len(cmd) != len(args) || !strings.EqualFold(cmd[0], args[0]) || !equalArgs(cmd[1:], args[1:]) {
				t.Fatalf("run %d, %s: transaction %d ran %.120q, want %.120q", i, names[j], j, cmd, args)
			}
		}
		t.Logf("run %d (%s): %d transactions checked", i, run.enc, len(want))
	}
	for _, s := range sequences {
		if seen[s.variant] == 0 {
			t.Errorf("variant %q never occurred in the runs", s.variant)
		}
	}
}

func equalArgs(a, b []string) bool {
	for i := range a {
		if !bytes.Equal([]byte(a[i]), []byte(b[i])) {
			return false
		}
	}
	return true
}

// TestWritePathOnRedis sends a generated history (no purging) and checks
// the dataset a node leaves: every key has the Redis type of its Table row
// and a run with these options writes that row, order lists start with
// OrderInitialized, every order ends closed with no index left open, in
// flight or emulated, index:order_ids holds exactly the orders a venue
// accepted, and a SCAN with the startup pattern finds every order.
func TestWritePathOnRedis(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{})
	ctx := context.Background()
	rdb := connect.NewClient(connect.ClientOptions{Addr: srv.Addr()})
	defer rdb.Close()

	opts := scenario.Options{Seed: 3, Orders: 400}
	opts.Node = node.DefaultConfig()
	opts.Node.SnapshotPositions = true
	l := keyspace.Layout{TraderID: "TRADER-001"}
	codec, _ := codecs.ByName(codecs.MsgPack)
	w := dialWriter(t, srv.Addr())
	venue := map[string]bool{}
	orders := map[string]bool{}
	for c := range scenario.New(opts).All() {
		var payload []byte
		if c.Payload != nil {
			var err error
			if payload, err = codec.Encode(c.Payload); err != nil {
				t.Fatal(err)
			}
		}
		for _, cmd := range c.Commands(l, payload) {
			if err := w.send(cmd); err != nil {
				t.Fatalf("%s %s: %v", c.Kind, c.ID, err)
			}
		}
		switch c.Payload.(type) {
		case *payloads.OrderInitialized:
			orders[c.ID] = true
		case *payloads.OrderAccepted:
			venue[c.ID] = true
		}
	}

	writes := opts.Writes()
	iter := rdb.Scan(ctx, 0, l.AllPattern(), keyspace.ScanCount).Iterator()
	n := 0
	rows := map[string]bool{}
	for iter.Next(ctx) {
		key := iter.Val()
		n++
		rel := strings.TrimPrefix(key, l.Prefix()+":")
		row := rowFor(rel)
		if row == nil {
			t.Errorf("key %s matches no Table row", rel)
			continue
		}
		rows[row.Pattern] = true
		if !row.WrittenBy(writes) {
			t.Errorf("key %s: its row says a run with these options does not write it (%s)", rel, row.When)
		}
		typ, err := rdb.Type(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.EqualFold(typ, row.Type) {
			t.Errorf("%s is a %s, Table says %s", rel, typ, row.Type)
		}
	}
	if err := iter.Err(); err != nil || n < 400 {
		t.Fatalf("%d keys written (%v)", n, err)
	}
	// And every row the table says such a run writes has keys (what
	// `rbench keys` prints is what the run wrote). A set whose members all
	// left is gone, as orders_inflight and orders_emulated are once every
	// order closed.
	for _, e := range keyspace.Table {
		emptied := e.Pattern == "index:orders_inflight" || e.Pattern == "index:orders_emulated" || e.Pattern == "index:orders_open"
		if e.WrittenBy(writes) && !rows[e.Pattern] && !emptied {
			t.Errorf("the table says the run writes %s; it wrote none", e.Pattern)
		}
	}

	var orderKeys []string
	iter = rdb.Scan(ctx, 0, l.ScanPattern(keyspace.Orders), keyspace.ScanCount).Iterator()
	for iter.Next(ctx) {
		orderKeys = append(orderKeys, iter.Val())
	}
	if len(orderKeys) != len(orders) {
		t.Fatalf("SCAN %s found %d orders, want %d", l.ScanPattern(keyspace.Orders), len(orderKeys), len(orders))
	}
	for _, key := range orderKeys {
		first, err := rdb.LIndex(ctx, key, 0).Bytes()
		if err != nil {
			t.Fatal(err)
		}
		v, err := payloads.Decode(codec, first)
		if err != nil || payloads.TypeOf(v) != payloads.TypeOrderInitialized {
			t.Fatalf("%s element 0: %T %v", key, v, err)
		}
	}
	card := func(name string) int64 {
		n, err := rdb.SCard(ctx, l.IndexKey(name)).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for name, want := range map[string]int{keyspace.IndexOrders: len(orders), keyspace.IndexOrdersClosed: len(orders),
		keyspace.IndexOrdersOpen: 0, keyspace.IndexOrdersInflight: 0, keyspace.IndexOrdersEmulated: 0, keyspace.IndexOrderIDs: len(venue)} {
		if got := card(name); got != int64(want) {
			t.Errorf("index:%s has %d members, want %d", name, got, want)
		}
	}
	ids, _ := rdb.SMembers(ctx, l.IndexKey(keyspace.IndexOrderIDs)).Result()
	for _, id := range ids {
		if !venue[id] {
			t.Errorf("index:order_ids holds %s, which no venue accepted", id)
		}
	}
	if n, _ := rdb.Exists(ctx, l.IndexKey(keyspace.IndexOrderClient)).Result(); n != 0 {
		t.Error("index:order_client written though no client id was passed")
	}
}

func rowFor(rel string) *keyspace.Entry {
	for i, e := range keyspace.Table {
		pp, kp := strings.Split(e.Pattern, ":"), strings.SplitN(rel, ":", len(strings.Split(e.Pattern, ":")))
		if len(pp) != len(kp) {
			continue
		}
		ok := true
		for j := range pp {
			if !strings.HasPrefix(pp[j], "{") && pp[j] != kp[j] {
				ok = false
			}
		}
		if ok {
			return &keyspace.Table[i]
		}
	}
	return nil
}
