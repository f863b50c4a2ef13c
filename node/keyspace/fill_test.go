package keyspace_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
)

// aofServer starts a throwaway server whose AOF holds every write as soon as
// its reply is sent: appendfsync no never postpones the write(2) (everysec
// may, while a background fsync runs), and no rewrite folds the log away.
func aofServer(t *testing.T) (*localredis.Server, redis.UniversalClient) {
	t.Helper()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.AOFEverysec,
		Args: []string{"--appendfsync", "no", "--auto-aof-rewrite-percentage", "0"}})
	c := connect.NewClient(connect.FromServer(srv))
	t.Cleanup(func() { c.Close() })
	return srv, c
}

// calls returns a seeded history's calls as commands, every kind of call
// included (purges, snapshots), each call's commands in the node's order.
func calls(t *testing.T, l keyspace.Layout) [][]keyspace.Cmd {
	t.Helper()
	codec, err := codecs.ByName(codecs.MsgPack)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]keyspace.Cmd
	cfg := node.DefaultConfig()
	cfg.SnapshotOrders, cfg.SnapshotPositions = true, true
	g := scenario.New(scenario.Options{Seed: 7, Orders: 250, Node: cfg, PurgeClosed: true, PurgeInterval: 10 * time.Second})
	for c := range g.All() {
		var payload []byte
		if c.Payload != nil {
			if payload, err = codec.Encode(c.Payload); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, c.Commands(l, payload))
	}
	return out
}

// TestFillIsTheNodesDatasetAndAOF fills the same seeded history on two
// servers: with the pipelined Filler on one, and on the other as the node's
// writer sends it, one MULTI/EXEC per command, one after another. The
// datasets (DUMP of every key) and the AOFs (their command sequences) must
// be the same, and the node's AOF must hold no MULTI/EXEC: Redis 7 writes a
// transaction of one command as the bare command.
func TestFillIsTheNodesDatasetAndAOF(t *testing.T) {
	ctx := context.Background()
	l := keyspace.Layout{TraderID: "RBENCH-001"}
	history := calls(t, l)

	fillSrv, fillC := aofServer(t)
	f := keyspace.NewFiller(fillC, keyspace.FillOptions{Batch: 500})
	outcomes := 0
	for _, cmds := range history {
		if err := f.Add(ctx, cmds, func(o keyspace.FillOutcome) {
			outcomes++
			if !o.Replied || slices.ContainsFunc(o.Errs, func(e error) bool { return e != nil }) {
				t.Errorf("outcome %+v", o)
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if outcomes != len(history) || f.Calls() != int64(len(history)) {
		t.Errorf("%d outcomes, %d calls counted, for %d calls", outcomes, f.Calls(), len(history))
	}

	nodeSrv, nodeC := aofServer(t)
	sent := 0
	for _, cmds := range history {
		for _, cmd := range cmds {
			// The node's writer: each command its own pipe.atomic()
			// (cache.rs:741-745), awaited before the next.
			if _, err := nodeC.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Do(ctx, cmd...)
				return nil
			}); err != nil {
				t.Fatalf("%v: %v", cmd, err)
			}
			sent++
		}
	}
	if f.Commands() != int64(sent) {
		t.Errorf("Filler counted %d commands, the node sent %d", f.Commands(), sent)
	}

	compareDatasets(t, fillC, nodeC)

	fillAOF, nodeAOF := aofCommands(t, fillSrv), aofCommands(t, nodeSrv)
	for _, cmd := range nodeAOF {
		if n := strings.ToUpper(cmd[0]); n == "MULTI" || n == "EXEC" {
			t.Fatalf("the node's AOF holds %s: a one-command transaction was not written as the bare command", n)
		}
	}
	if len(nodeAOF) < sent/2 {
		t.Fatalf("the node's AOF holds %d commands for %d sent", len(nodeAOF), sent)
	}
	if !slices.EqualFunc(fillAOF, nodeAOF, slices.Equal) {
		for i := range min(len(fillAOF), len(nodeAOF)) {
			if !slices.Equal(fillAOF[i], nodeAOF[i]) {
				t.Fatalf("AOFs differ at command %d: fill %q, node %q", i, abbrev(fillAOF[i]), abbrev(nodeAOF[i]))
			}
		}
		t.Fatalf("AOFs differ in length: fill %d commands, node %d", len(fillAOF), len(nodeAOF))
	}
	t.Logf("%d calls, %d commands sent, %d in each AOF", len(history), sent, len(nodeAOF))
}

func abbrev(cmd []string) []string {
	out := slices.Clone(cmd)
	for i, a := range out {
		if len(a) > 40 {
			out[i] = a[:40] + "..."
		}
	}
	return out
}

// compareDatasets compares DUMP of every key of a and b. A set or hash in a
// hash table is DUMPed in the order of its buckets, which follows the
// server's random hash seed, so two servers holding the same members
// serialize them in different orders: for those the encodings and the
// sorted members must be equal instead.
func compareDatasets(t *testing.T, a, b redis.UniversalClient) {
	t.Helper()
	ctx := context.Background()
	da, db := dumps(t, a), dumps(t, b)
	if len(da) != len(db) || len(da) == 0 {
		t.Fatalf("%d keys filled, %d written by the node", len(da), len(db))
	}
	same, unordered := 0, 0
	for k, d := range da {
		if db[k] == d {
			same++
			continue
		}
		ea, eb := a.ObjectEncoding(ctx, k).Val(), b.ObjectEncoding(ctx, k).Val()
		if ea != "hashtable" || eb != ea {
			t.Errorf("%s: DUMP differs (encoding %s / %s)", k, ea, eb)
			continue
		}
		ma, mb := members(t, a, k), members(t, b, k)
		if !slices.Equal(ma, mb) {
			t.Errorf("%s: members differ", k)
		}
		unordered++
	}
	t.Logf("%d keys: %d DUMP-identical, %d hash tables equal in content", len(da), same, unordered)
}

func members(t *testing.T, c redis.UniversalClient, key string) []string {
	t.Helper()
	ctx := context.Background()
	var m []string
	switch c.Type(ctx, key).Val() {
	case "set":
		m = c.SMembers(ctx, key).Val()
	case "hash":
		for f, v := range c.HGetAll(ctx, key).Val() {
			m = append(m, f+"="+v)
		}
	default:
		t.Fatalf("%s: unexpected type", key)
	}
	slices.Sort(m)
	return m
}

// aofCommands reads the commands of the server's incremental AOF files
// (Redis 7's multi-part AOF), in order.
func aofCommands(t *testing.T, srv *localredis.Server) [][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(srv.Dir(), "appendonlydir", "*.incr.aof"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no incremental AOF in %s: %v", srv.Dir(), err)
	}
	slices.Sort(files)
	var cmds [][]string
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(f)
		for {
			cmd, err := readRESPArray(r)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			cmds = append(cmds, cmd)
		}
		f.Close()
	}
	return cmds
}

func readRESPArray(r *bufio.Reader) ([]string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(line, "*") {
		return nil, fmt.Errorf("want an array, got %q", line)
	}
	n, err := strconv.Atoi(strings.TrimSpace(line[1:]))
	if err != nil {
		return nil, err
	}
	out := make([]string, n)
	for i := range out {
		line, err := r.ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "$") {
			return nil, fmt.Errorf("want a bulk string, got %q: %v", line, err)
		}
		size, err := strconv.Atoi(strings.TrimSpace(line[1:]))
		if err != nil {
			return nil, err
		}
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		out[i] = string(buf[:size])
	}
	return out, nil
}
