package startup_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

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

// rustFill writes a seeded history as the Rust LiveNode writes it (its
// payloads, its commands), plus the keys fill adds that the load must not
// read, or reads opaque (a synthetic). It returns the dataset.
func rustFill(t *testing.T, c redis.UniversalClient, l keyspace.Layout, codec codecs.Codec) dataset {
	t.Helper()
	ctx := context.Background()
	ds := dataset{tk: l.Prefix(), keys: map[string][]string{}, instrument: map[string]string{}}
	f := keyspace.NewFiller(c, keyspace.FillOptions{})
	cfg := node.DefaultConfig()
	cfg.Flavour = node.Rust
	for call := range scenario.New(scenario.Options{Seed: 5, Orders: 80, Node: cfg}).All() {
		var v any
		var err error
		switch fill, ok := call.Payload.(*payloads.OrderFilled); {
		case ok && (call.Kind == scenario.AddPosition || call.Kind == scenario.UpdatePosition):
			v, err = payloads.ToRustFill(fill)
		case call.Payload != nil:
			v, err = payloads.ToRust(call.Payload, call.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		var payload []byte
		if v != nil {
			if payload, err = codec.Encode(v); err != nil {
				t.Fatal(err)
			}
		}
		seq := call.AppendSeq(keyspace.Seq{}, l, node.Rust, payload)
		var writes []keyspace.Cmd
		i := 0
		for _, st := range seq.Steps {
			if st.Kind != keyspace.Read {
				writes = append(writes, seq.Cmds[i:i+st.N]...)
			}
			i += st.N
		}
		if call.Kind == scenario.AddPosition {
			ds.instrument[l.PositionKey(call.ID)] = call.Payload.(*payloads.OrderFilled).InstrumentID
		}
		if err := f.Add(ctx, writes, nil); err != nil {
			t.Fatal(err)
		}
	}
	extra := []keyspace.Cmd{
		{"SET", l.Key(keyspace.General, "a"), "opaque-a"}, {"SET", l.Key(keyspace.General, "b:c"), "opaque-b"},
		{"SET", l.Key(keyspace.Synthetics, "BTC-ETH.SYNTH"), "synthetic"}, {"SET", l.Key(keyspace.Strategies, "S-001:state"), "state"},
		{"RPUSH", "trader-RBENCH-001x:orders:O-1", "e"}, {"SET", "trader-OTHER:instruments:X.SIM", "i"},
	}
	if err := f.Add(ctx, extra, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// Each collection's keys in SCAN's order, as the node finds them (the
	// keyspace does not change during the test).
	for _, coll := range []string{keyspace.General + keyspace.Delimiter, keyspace.Currencies, keyspace.Instruments,
		keyspace.Synthetics, keyspace.Accounts, keyspace.Orders, keyspace.Positions} {
		keys, err := keyspace.Keys(ctx, c, ds.tk+keyspace.Delimiter+coll, keyspace.ScanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ds.keys[strings.TrimSuffix(coll, keyspace.Delimiter)] = keys
	}
	return ds
}

// monitorCmd is one command MONITOR saw, with the connection that sent it.
type monitorCmd struct {
	client string
	args   []string
}

// untilFrom is until keeping each command's client ("127.0.0.1:5555").
func (m *monitor) untilFrom(t *testing.T, stop ...string) []monitorCmd {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	var out []monitorCmd
	for {
		l, err := m.c.Next(deadline)
		if err != nil {
			t.Fatalf("reading MONITOR: %v", err)
		}
		args := l.Args
		args[0] = strings.ToUpper(args[0])
		if strings.EqualFold(strings.Join(args, " "), strings.Join(stop, " ")) {
			return out
		}
		out = append(out, monitorCmd{l.Client, args})
	}
}

// rustReference is the Rust LiveNode's load of ds, written by hand from
// upstream: per collection of load_all (queries.rs:286-645), in the order
// it issues them: its SCAN, then its join_all's reads in SCAN order
// (currencies one MGET of all keys, read_bulk, queries.rs:171-192;
// instruments and synthetics one GET each, load_instrument/load_synthetic
// via read_string, queries.rs:809-851,965-970; accounts and orders one
// LRANGE 0 -1 each, read_list, queries.rs:972-975; positions an LRANGE each,
// then the GET of each first fill's instrument, load_position,
// queries.rs:896-940). before is load()'s (cache.rs:1342-1380), after the
// index hashes Cache.cache_all reads once load_all is done
// (common/src/cache/mod.rs:2296-2299).
func rustReference(ds dataset) (before [][]string, collections map[string][][]string, after [][]string) {
	scan := func(match string) []string { return []string{"SCAN", "0", "MATCH", ds.tk + match, "COUNT", "5000"} }
	before = [][]string{scan(":general:*"), append([]string{"MGET"}, ds.keys[keyspace.General]...)}
	collections = map[string][][]string{}
	per := func(coll string, f func(k string) [][]string) {
		seq := [][]string{scan(":" + coll + "*")}
		for _, k := range ds.keys[coll] {
			seq = append(seq, f(k)...)
		}
		collections[coll] = seq
	}
	collections[keyspace.Currencies] = [][]string{scan(":currencies*"), append([]string{"MGET"}, ds.keys[keyspace.Currencies]...)}
	get := func(k string) [][]string { return [][]string{{"GET", k}} }
	lrange := func(k string) [][]string { return [][]string{{"LRANGE", k, "0", "-1"}} }
	per(keyspace.Instruments, get)
	per(keyspace.Synthetics, get)
	per(keyspace.Accounts, lrange)
	per(keyspace.Orders, lrange)
	per(keyspace.Positions, lrange)
	for _, k := range ds.keys[keyspace.Positions] {
		collections[keyspace.Positions] = append(collections[keyspace.Positions], []string{"GET", ds.tk + ":instruments:" + ds.instrument[k]})
	}
	after = [][]string{{"HGETALL", ds.tk + ":index:order_position"}, {"HGETALL", ds.tk + ":index:order_client"}}
	return before, collections, after
}

// interleaves reports whether got is an interleaving of the sequences
// (each kept in its own order), trying every way to match a command more
// than one sequence could send next.
func interleaves(got [][]string, seqs [][][]string) bool {
	seen := map[string]bool{}
	var try func(i int, pos []int) bool
	try = func(i int, pos []int) bool {
		if i == len(got) {
			for s, p := range pos {
				if p != len(seqs[s]) {
					return false
				}
			}
			return true
		}
		key := fmt.Sprint(i, pos)
		if seen[key] {
			return false
		}
		seen[key] = true
		for s, p := range pos {
			if p < len(seqs[s]) && slices.Equal(seqs[s][p], got[i]) {
				next := slices.Clone(pos)
				next[s]++
				if try(i+1, next) {
					return true
				}
			}
		}
		return false
	}
	return try(0, make([]int, len(seqs)))
}

// TestRustIsTheLiveNodeSequence: the Rust style sends, on one connection,
// load()'s SCAN and MGET, then every collection of load_all at once (their
// first SCANs before any read), each collection's commands in the order
// upstream issues them, then the two index hashes; bulk_read_batch_size is
// not read; every Rust payload decodes.
func TestRustIsTheLiveNodeSequence(t *testing.T) {
	for _, enc := range []string{codecs.MsgPack, codecs.JSON} {
		t.Run(enc, func(t *testing.T) {
			ctx := context.Background()
			srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
			c := connect.NewClient(connect.FromServer(srv))
			defer c.Close()
			codec, _ := codecs.ByName(enc)
			l := keyspace.Layout{TraderID: "RBENCH-001"}
			ds := rustFill(t, c, l, codec)
			m := startMonitor(t, srv.Addr())
			sendRaw(t, ctx, srv.Addr(), "ECHO", "start")
			res, err := startup.Load(ctx, c, startup.Options{TraderKey: l.Prefix(), Codec: codec, Style: startup.Rust,
				Flavour: node.Rust, BulkReadBatchSize: 2})
			if err != nil {
				t.Fatal(err)
			}
			sendRaw(t, ctx, srv.Addr(), "ECHO", "end")
			m.untilFrom(t, "ECHO", "start")
			var cmds [][]string
			clients := map[string]bool{}
			for _, mc := range m.untilFrom(t, "ECHO", "end") {
				if !handshake[mc.args[0]] {
					cmds = append(cmds, mc.args)
					clients[mc.client] = true
				}
			}
			if len(clients) != 1 {
				t.Errorf("the load used %d connections (%v), want the LiveNode's one", len(clients), clients)
			}
			before, colls, after := rustReference(ds)
			if int64(len(cmds)) != res.Commands || len(cmds) < len(before)+len(after) {
				t.Fatalf("%d commands seen, %d counted", len(cmds), res.Commands)
			}
			if g := cmds[:len(before)]; !slices.EqualFunc(g, before, slices.Equal) {
				t.Errorf("load() sent %q, want %q", g, before)
			}
			if g := cmds[len(cmds)-len(after):]; !slices.EqualFunc(g, after, slices.Equal) {
				t.Errorf("the load ends with %q, want %q", g, after)
			}
			middle := cmds[len(before) : len(cmds)-len(after)]
			var seqs [][][]string
			for _, coll := range []string{keyspace.Currencies, keyspace.Instruments, keyspace.Synthetics,
				keyspace.Accounts, keyspace.Orders, keyspace.Positions} {
				seqs = append(seqs, colls[coll])
			}
			if !interleaves(middle, seqs) {
				t.Errorf("load_all's %d commands are no interleaving of the collections' sequences:\n got %q\nwant, per collection, %q", len(middle), middle, seqs)
			}
			for i, c := range middle[:len(seqs)] {
				if c[0] != "SCAN" {
					t.Errorf("load_all's command %d is %q: want the six collections' SCANs first, issued together", i, c)
					break
				}
			}
			if res.Undecodable != 0 || res.Style != startup.Rust || res.Keys[keyspace.Synthetics] != 1 ||
				res.Keys[keyspace.Orders] != int64(len(ds.keys[keyspace.Orders])) || res.Keys[keyspace.General] != 2 {
				t.Errorf("result %+v", res)
			}
		})
	}
}

// TestRustStyleReadsPythonPayloads: the style is the access pattern; the
// payloads decode as Options.Flavour says, and the other flavour's do not.
func TestRustStyleReadsPythonPayloads(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := connect.NewClient(connect.FromServer(srv))
	defer c.Close()
	codec, _ := codecs.ByName(codecs.MsgPack)
	l := keyspace.Layout{}
	fill(t, c, l, codec) // the Python node's payloads
	res, err := startup.Load(ctx, c, startup.Options{TraderKey: l.Prefix(), Codec: codec, Style: startup.Rust})
	if err != nil || res.Undecodable != 0 {
		t.Fatalf("python payloads, rust style: %v, %d undecodable", err, res.Undecodable)
	}
	res, err = startup.Load(ctx, c, startup.Options{TraderKey: l.Prefix(), Codec: codec, Style: startup.Sequential, Flavour: node.Rust})
	if err != nil || res.Undecodable == 0 {
		t.Errorf("python payloads read as rust ones: %v, %d undecodable, want many", err, res.Undecodable)
	}
}

// TestRustStyleStopsOnAFailedRead: a failed round trip ends the load with
// its error, as try_join! does.
func TestRustStyleStopsOnAFailedRead(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := connect.NewClient(connect.FromServer(srv))
	defer c.Close()
	codec, _ := codecs.ByName(codecs.MsgPack)
	rustFill(t, c, keyspace.Layout{}, codec)
	cancel()
	_, err := startup.Load(ctx, c, startup.Options{TraderKey: keyspace.Layout{}.Prefix(), Codec: codec, Style: startup.Rust, Flavour: node.Rust})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestStylesOfFlavours(t *testing.T) {
	if startup.StyleOf(node.Python) != startup.Sequential || startup.StyleOf(node.Rust) != startup.Rust {
		t.Error("StyleOf")
	}
	if startup.Readers(startup.Sequential) != 1 || startup.Readers(startup.Rust) != 7 {
		t.Errorf("readers %d, %d", startup.Readers(startup.Sequential), startup.Readers(startup.Rust))
	}
	_, err := startup.Load(context.Background(), nil, startup.Options{TraderKey: "t", Style: "concurrent", Flavour: "go"})
	for _, want := range []string{`style "concurrent"`, "no node uses", `flavour "go"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v lacks %q", err, want)
		}
	}
}
