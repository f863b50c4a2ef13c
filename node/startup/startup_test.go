package startup_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/node/scenario"
	"github.com/rbench/rbench/node/startup"
)

// reference is the Python node's startup load as the trading cache model
// gives it ("Startup load"; execution/engine.pyx:774-850,
// cache/database.pyx:255-755, queries.rs:135-230), collection by collection:
// one SCAN MATCH {trader_key}{match} COUNT 5000 until the cursor is 0, then
// the reads of what it found, then any fixed commands. Synthetics and the
// index sets are not read.
var reference = []struct {
	collection string
	match      string
	reads      string // "MGET": MGET of the keys (chunked by bulk_read_batch_size); "LRANGE": LRANGE 0 -1 per key; "LRANGE+GET": and GET of the instrument of its first fill
	after      [][]string
}{
	{"general", ":general:*", "MGET", nil},
	{"currencies", ":currencies*", "MGET", nil},
	{"instruments", ":instruments*", "MGET", nil},
	{"accounts", ":accounts*", "LRANGE", nil},
	{"orders", ":orders*", "LRANGE", [][]string{{"HGETALL", ":index:order_position"}, {"HGETALL", ":index:order_client"}}},
	{"positions", ":positions*", "LRANGE+GET", nil},
}

// dataset is what a test wrote: the keys of each collection and, for each
// position, the instrument of its first fill.
type dataset struct {
	tk         string
	keys       map[string][]string
	instrument map[string]string
}

// fill writes a seeded history under layout l, plus keys the node's load
// must not read: synthetics, a strategy's state, snapshots and other
// traders' keys.
func fill(t *testing.T, c redis.UniversalClient, l keyspace.Layout, codec codecs.Codec) dataset {
	t.Helper()
	ctx := context.Background()
	ds := dataset{tk: l.Prefix(), keys: map[string][]string{}, instrument: map[string]string{}}
	seen := map[string]bool{}
	f := keyspace.NewFiller(c, keyspace.FillOptions{})
	cfg := node.DefaultConfig()
	cfg.SnapshotPositions = true
	for call := range scenario.New(scenario.Options{Seed: 5, Orders: 80, Node: cfg}).All() {
		payload, err := codec.Encode(call.Payload)
		if err != nil {
			t.Fatal(err)
		}
		cmds := call.Commands(l, payload)
		for _, cmd := range cmds {
			key := cmd.Key()
			coll, _, _ := strings.Cut(strings.TrimPrefix(key, ds.tk+":"), ":")
			if !seen[key] && coll != keyspace.Index && coll != keyspace.Snapshots {
				seen[key] = true
				ds.keys[coll] = append(ds.keys[coll], key)
			}
		}
		if call.Kind == scenario.AddPosition {
			ds.instrument[l.PositionKey(call.ID)] = call.Payload.(*payloads.OrderFilled).InstrumentID
		}
		if err := f.Add(ctx, cmds, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmds := range [][]keyspace.Cmd{
		{{"SET", l.Key(keyspace.General, "a"), "opaque-a"}, {"SET", l.Key(keyspace.General, "b:c"), "opaque-b"}},
		{{"SET", l.Key(keyspace.Synthetics, "BTC-ETH.SYNTH"), "synthetic"}, {"SET", l.Key(keyspace.Strategies, "S-001:state"), "state"}},
		{{"RPUSH", "trader-RBENCH-001x:orders:O-1", "e"}, {"SET", "trader-OTHER:instruments:X.SIM", "i"}, {"SET", "trader-*:general:x", "g"}},
	} {
		if err := f.Add(ctx, cmds, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ds.keys[keyspace.General] = []string{l.Key(keyspace.General, "a"), l.Key(keyspace.General, "b:c")}
	for _, coll := range []string{keyspace.Currencies, keyspace.Instruments, keyspace.Accounts, keyspace.Orders, keyspace.Positions} {
		if len(ds.keys[coll]) == 0 {
			t.Fatalf("the dataset has no %s", coll)
		}
	}
	return ds
}

// handshake commands a new connection may send; they are not the load's.
var handshake = map[string]bool{"HELLO": true, "CLIENT": true, "SELECT": true, "AUTH": true, "PING": true}

// record runs the load under MONITOR and returns its commands.
func record(t *testing.T, srv *localredis.Server, c redis.UniversalClient, opts startup.Options) ([][]string, startup.Result) {
	t.Helper()
	ctx := context.Background()
	m := startMonitor(t, srv.Addr())
	sendRaw(t, ctx, srv.Addr(), "ECHO", "start")
	var mu sync.Mutex
	var events []startup.Event
	opts.Observe = func(ev startup.Event) {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	}
	res, err := startup.Load(ctx, c, opts)
	if err != nil {
		t.Fatal(err)
	}
	sendRaw(t, ctx, srv.Addr(), "ECHO", "end")
	m.until(t, "ECHO", "start")
	var cmds [][]string
	for _, cmd := range m.until(t, "ECHO", "end") {
		if !handshake[cmd[0]] {
			cmds = append(cmds, cmd)
		}
	}
	if int64(len(events)) != res.Commands || int64(len(cmds)) != res.Commands {
		t.Errorf("%d commands seen, %d observed, %d counted", len(cmds), len(events), res.Commands)
	}
	var bytes int64
	for _, ev := range events {
		if ev.Cmd == nil || ev.Took <= 0 || ev.Sent.IsZero() {
			t.Errorf("event without command or timing: %+v", ev)
		}
		bytes += ev.Bytes
	}
	if bytes != res.Bytes || bytes == 0 {
		t.Errorf("events carry %d bytes, result %d", bytes, res.Bytes)
	}
	return cmds, res
}

// expect returns, per collection of the reference, the commands the node
// sends for ds, per-key reads in the order keys gives (nil: ds's order).
func expect(ds dataset, batch int) [][][]string {
	var out [][][]string
	for _, step := range reference {
		seg := [][]string{{"SCAN", "0", "MATCH", ds.tk + step.match, "COUNT", "5000"}}
		keys := ds.keys[step.collection]
		switch step.reads {
		case "MGET":
			for len(keys) > 0 {
				n := len(keys)
				if batch > 0 {
					n = min(n, batch)
				}
				seg = append(seg, append([]string{"MGET"}, keys[:n]...))
				keys = keys[n:]
			}
		case "LRANGE":
			for _, k := range keys {
				seg = append(seg, []string{"LRANGE", k, "0", "-1"})
			}
		case "LRANGE+GET":
			for _, k := range keys {
				seg = append(seg, []string{"LRANGE", k, "0", "-1"}, []string{"GET", ds.tk + ":instruments:" + ds.instrument[k]})
			}
		}
		for _, a := range step.after {
			seg = append(seg, []string{a[0], ds.tk + a[1]})
		}
		out = append(out, seg)
	}
	return out
}

// segments cuts cmds at each SCAN.
func segments(cmds [][]string) [][][]string {
	var out [][][]string
	for _, c := range cmds {
		if c[0] == "SCAN" {
			out = append(out, nil)
		}
		if len(out) == 0 {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], c)
	}
	return out
}

// canonical sorts a segment's commands so that segments equal up to the
// order SCAN returned keys in compare equal; MGETs become one entry of all
// their keys, sorted (their chunking is checked apart).
func canonical(seg [][]string, pairs bool) []string {
	var out, mget []string
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if c[0] == "MGET" {
			mget = append(mget, c[1:]...)
			continue
		}
		s := strings.Join(c, " ")
		if pairs && c[0] == "LRANGE" && i+1 < len(seg) && seg[i+1][0] == "GET" {
			// A position's LRANGE and its GET stay together.
			s += " | " + strings.Join(seg[i+1], " ")
			i++
		}
		out = append(out, s)
	}
	if mget != nil {
		slices.Sort(mget)
		out = append(out, "MGET "+strings.Join(mget, " "))
	}
	slices.Sort(out)
	return out
}

func TestSequentialIsTheReferenceSequence(t *testing.T) {
	for _, batch := range []int{0, 5} {
		t.Run(fmt.Sprintf("bulk_read_batch_size=%d", batch), func(t *testing.T) {
			srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
			c := connect.NewClient(connect.FromServer(srv))
			defer c.Close()
			codec, _ := codecs.ByName(codecs.MsgPack)
			l := keyspace.Layout{TraderID: "RBENCH-001"}
			ds := fill(t, c, l, codec)
			cmds, res := record(t, srv, c, startup.Options{TraderKey: l.Prefix(), Codec: codec, BulkReadBatchSize: batch})

			got, want := segments(cmds), expect(ds, batch)
			if len(got) != len(want) {
				t.Fatalf("%d collections loaded (one SCAN each), want %d:\n%q", len(got), len(want), cmds)
			}
			for i, step := range reference {
				// SCAN returns keys in its own order: the MGETs'
				// chunks and the per-key reads follow it, so compare
				// the first command exactly, the rest as a multiset
				// with each position's LRANGE and GET paired, and
				// check the shape (chunk sizes, pairing) exactly.
				if !slices.Equal(got[i][0], want[i][0]) {
					t.Errorf("%s: first command %q, want %q", step.collection, got[i][0], want[i][0])
				}
				pairs := step.reads == "LRANGE+GET"
				if g, w := canonical(got[i][1:], pairs), canonical(want[i][1:], pairs); !slices.Equal(g, w) {
					t.Errorf("%s: commands differ from the reference:\n got %q\nwant %q", step.collection, g, w)
				}
				if step.reads == "MGET" {
					var sizes, wantSizes []int
					for _, c := range got[i][1:] {
						sizes = append(sizes, len(c)-1)
					}
					for _, c := range want[i][1:] {
						wantSizes = append(wantSizes, len(c)-1)
					}
					if !slices.Equal(sizes, wantSizes) {
						t.Errorf("%s: MGETs of %v keys at batch %d, want %v", step.collection, sizes, batch, wantSizes)
					}
				}
				if len(step.after) > 0 {
					tail := got[i][len(got[i])-len(step.after):]
					if !slices.EqualFunc(tail, want[i][len(want[i])-len(step.after):], slices.Equal) {
						t.Errorf("%s: ends with %q, want the index hashes last", step.collection, tail)
					}
				}
			}
			if res.Undecodable != 0 || res.Keys[keyspace.Orders] != int64(len(ds.keys[keyspace.Orders])) || res.Keys[keyspace.General] != 2 {
				t.Errorf("result %+v", res)
			}
		})
	}
}

func TestConcurrentReadsTheSameInTheSameCollectionOrder(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := connect.NewClient(connect.FromServer(srv))
	defer c.Close()
	codec, _ := codecs.ByName(codecs.JSON)
	l := keyspace.Layout{TraderID: "RBENCH-001", InstanceID: keyspace.NewInstanceID(1)}
	ds := fill(t, c, l, codec)
	cmds, res := record(t, srv, c, startup.Options{TraderKey: l.Prefix(), Codec: codec, Style: startup.Concurrent, Concurrency: 8})
	got, want := segments(cmds), expect(ds, 0)
	if len(got) != len(want) {
		t.Fatalf("%d collections, want %d", len(got), len(want))
	}
	for i, step := range reference {
		// Concurrent LRANGEs and GETs interleave: compare the multisets.
		if g, w := canonical(got[i], false), canonical(want[i], false); !slices.Equal(g, w) {
			t.Errorf("%s: commands differ:\n got %q\nwant %q", step.collection, g, w)
		}
	}
	if res.Style != startup.Concurrent || res.Undecodable != 0 {
		t.Errorf("result %+v", res)
	}
}

func TestUndecodablePayloadsAreCounted(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := connect.NewClient(connect.FromServer(srv))
	defer c.Close()
	codec, _ := codecs.ByName(codecs.MsgPack)
	l := keyspace.Layout{}
	ds := fill(t, c, l, codec)
	bad := []byte{0xc1, 0xff, 0x00} // 0xc1 is never used in msgpack
	order := ds.keys[keyspace.Orders][0]
	for _, err := range []error{
		c.RPushX(ctx, order, bad).Err(),                                       // a later event of an order
		c.Set(ctx, l.InstrumentKey("BAD.SIM"), bad, 0).Err(),                  // an instrument no position reads
		c.RPush(ctx, l.PositionKey("P-BAD"), bad).Err(),                       // a position's first fill: no GET of its instrument
		c.Set(ctx, l.CurrencyKey("XXX"), []byte("\x93\x01\x02\x03"), 0).Err(), // a currency that is an array, not a map
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var decodeErrs []error
	res, err := startup.Load(ctx, c, startup.Options{TraderKey: l.Prefix(), Codec: codec, Observe: func(ev startup.Event) {
		if ev.DecodeErr != nil {
			mu.Lock()
			decodeErrs = append(decodeErrs, ev.DecodeErr)
			mu.Unlock()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Undecodable != 4 || len(decodeErrs) != 4 {
		t.Errorf("%d undecodable, %d decode errors observed (%v); want 4", res.Undecodable, len(decodeErrs), decodeErrs)
	}
	for _, e := range decodeErrs {
		if !errors.Is(e, startup.ErrUndecodable) {
			t.Errorf("decode error %v does not wrap ErrUndecodable", e)
		}
	}
	// Every position but P-BAD GETs its instrument.
	positions := int64(len(ds.keys[keyspace.Positions]))
	if res.Keys[keyspace.Positions] != positions+1 {
		t.Errorf("%d positions found, want %d", res.Keys[keyspace.Positions], positions+1)
	}
}

func TestOptionsAreChecked(t *testing.T) {
	_, err := startup.Load(context.Background(), nil, startup.Options{Style: "parallel", BulkReadBatchSize: -1})
	if !errors.Is(err, startup.ErrOptions) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{`style "parallel"`, "trader key", "bulk_read_batch_size -1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}
