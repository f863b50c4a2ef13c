package workloads

import (
	"context"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// layoutPatterns turns keyspace.Table into regular expressions of whole
// keys under prefix, with their Redis types.
func layoutPatterns(prefix string) map[*regexp.Regexp]string {
	out := map[*regexp.Regexp]string{}
	placeholder := regexp.MustCompile(`\\\{[a-z_]+\\\}`)
	for _, e := range keyspace.Table {
		re := placeholder.ReplaceAllString(regexp.QuoteMeta(e.Pattern), `[^:]+`)
		out[regexp.MustCompile("^"+regexp.QuoteMeta(prefix+":")+re+"$")] = strings.ToLower(e.Type)
	}
	return out
}

// keysUnder lists every key under prefix.
func keysUnder(t *testing.T, c *redis.Client, prefix string) []string {
	t.Helper()
	keys, err := keyspace.Keys(context.Background(), c, prefix+":", keyspace.ScanOptions{Dedupe: true})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(keys)
	return keys
}

// checkLayout asserts that every key under the pass's prefix matches a row
// of the reference layout with its Redis type, that order lists start with
// OrderInitialized and position lists with OrderFilled, and that the index
// sets hold exactly the ids of the order and position keys. It returns the
// number of keys per collection.
func checkLayout(t *testing.T, c *redis.Client, encoding string) map[string]int {
	t.Helper()
	ctx := context.Background()
	l := layoutOf(DefaultTraderID)
	codec, err := codecs.ByName(encoding)
	if err != nil {
		t.Fatal(err)
	}
	pats := layoutPatterns(l.Prefix())
	keys := keysUnder(t, c, l.Prefix())
	if len(keys) == 0 {
		t.Fatalf("no keys under %s", l.Prefix())
	}
	counts := map[string]int{}
	orderIDs, positionIDs := map[string]bool{}, map[string]bool{}
	// One round trip for all TYPEs and first list elements keeps the check
	// fast on large datasets.
	pipe := c.Pipeline()
	types := make([]*redis.StatusCmd, len(keys))
	firsts := make([]*redis.StringCmd, len(keys))
	for i, k := range keys {
		types[i] = pipe.Type(ctx, k)
		firsts[i] = pipe.LIndex(ctx, k, 0)
	}
	_, _ = pipe.Exec(ctx) // LINDEX of a non-list fails; only lists' are read
	for i, k := range keys {
		typ, err := types[i].Result()
		if err != nil {
			t.Fatal(err)
		}
		want := ""
		for re, ty := range pats {
			if re.MatchString(k) {
				want = ty
			}
		}
		if want == "" {
			t.Errorf("key %s matches no pattern of the reference layout", k)
			continue
		}
		if typ != want {
			t.Errorf("key %s is a %s, want %s", k, typ, want)
		}
		coll, _, _ := strings.Cut(strings.TrimPrefix(k, l.Prefix()+":"), ":")
		counts[coll]++
		first := func(id string, wantType string) {
			v, err := firsts[i].Result()
			if err != nil {
				t.Fatalf("LINDEX %s 0: %v", k, err)
			}
			p, err := payloads.Decode(codec, []byte(v))
			if err != nil {
				t.Fatalf("%s element 0: %v", k, err)
			}
			if got := payloads.TypeOf(p); got != wantType {
				t.Errorf("%s element 0 is %s, want %s", k, got, wantType)
			}
		}
		if id, ok := l.IDFromKey(keyspace.Orders, k); ok {
			orderIDs[id] = true
			first(id, payloads.TypeOrderInitialized)
		}
		if id, ok := l.IDFromKey(keyspace.Positions, k); ok {
			positionIDs[id] = true
			first(id, payloads.TypeOrderFilled)
		}
	}
	sameSet := func(index string, want map[string]bool) {
		members, err := c.SMembers(ctx, l.IndexKey(index)).Result()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, m := range members {
			got[m] = true
			if !want[m] {
				t.Errorf("index:%s holds %s, which has no key", index, m)
			}
		}
		for id := range want {
			if !got[id] {
				t.Errorf("index:%s misses %s", index, id)
			}
		}
	}
	sameSet(keyspace.IndexOrders, orderIDs)
	sameSet(keyspace.IndexPositions, positionIDs)
	hash, err := c.HGetAll(ctx, l.IndexKey(keyspace.IndexOrderClient)).Result()
	if err != nil {
		t.Fatal(err)
	}
	for id := range hash {
		if !orderIDs[id] {
			t.Errorf("index:order_client names %s, which has no key", id)
		}
	}
	return counts
}

func opByName(run *results.Run, name, encoding string) *results.Op {
	for i := range run.Ops {
		if run.Ops[i].Name == name && run.Ops[i].Encoding == encoding {
			return &run.Ops[i]
		}
	}
	return nil
}

func runSpec(t *testing.T, c *redis.Client, spec Spec) *results.Run {
	t.Helper()
	return runSpecEach(t, c, spec, nil)
}

// runSpecEach is runSpec calling after(encoding) as each encoding pass's
// measured phase ends, before the next pass cleans the keyspace: every
// encoding writes under the same trader key, one after another.
func runSpecEach(t *testing.T, c *redis.Client, spec Spec, after func(encoding string)) *results.Run {
	t.Helper()
	opts := Options{Client: c, Spec: spec}
	if after != nil {
		opts.OnMeasure = func(enc string, start bool) {
			if !start {
				after(enc)
			}
		}
	}
	run, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := totalErrors(run.Errors); n > 0 {
		t.Fatalf("%d errors: %+v", n, run.Errors)
	}
	return run
}

func TestPopulateLayoutAndKeyCount(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 4)
	const keys = 2000
	layouts := map[string]map[string]int{}
	run := runSpecEach(t, c, Spec{Workload: "populate", Connections: 4, Keys: keys, Encodings: []string{"msgpack", "json"}},
		func(enc string) { layouts[enc] = checkLayout(t, c, enc) })
	for _, enc := range []string{"msgpack", "json"} {
		counts := layouts[enc]
		total := 0
		for _, n := range counts {
			total += n
		}
		// Index sets that SREM emptied (e.g. orders_inflight) are gone.
		if total > keys || total < keys-8 {
			t.Errorf("%s: %d keys (%v), want %d less at most the emptied index sets", enc, total, counts, keys)
		}
		if counts[keyspace.Instruments] != 12 || counts[keyspace.Accounts] != 4*4 {
			t.Errorf("%s: %d instruments and %d accounts, want 12 and 16 (4 shards x 4 venues)", enc, counts[keyspace.Instruments], counts[keyspace.Accounts])
		}
		for _, name := range []string{"add_instrument", "add_account", "add_order", "update_order", "add_position", "update_account"} {
			op := opByName(run, name, enc)
			if op == nil || op.Count == 0 {
				t.Errorf("%s: no %s ops", enc, name)
				continue
			}
			if op.Encode == nil {
				t.Errorf("%s %s: no encode histogram", enc, name)
			}
		}
		// One add_order per order key, and a second for each emulated
		// order the emulator released (a few percent).
		if op := opByName(run, "add_order", enc); op != nil && (int(op.Count) < counts[keyspace.Orders] || int(op.Count) > counts[keyspace.Orders]*21/20) {
			t.Errorf("%s: %d add_order ops for %d order keys", enc, op.Count, counts[keyspace.Orders])
		}
	}
}

// TestPopulateBufferInterval: a buffered populate sends one MULTI/EXEC per
// flush on the wall clock (cache.rs:658-691), records every call under its
// own kind with its wait for the flush, and the calls per flush.
func TestPopulateBufferInterval(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 2)
	ctx := context.Background()
	if err := c.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	spec := Spec{Workload: "populate", Connections: 2, Keys: 2000}
	spec.Node = node.DefaultConfig()
	spec.Node.BufferInterval = 10 * time.Millisecond
	run := runSpec(t, c, spec)
	if op := opByName(run, "add_order", "msgpack"); op == nil || op.Count == 0 {
		t.Fatalf("ops %v, want the cache calls by kind", opNames(run))
	}
	if len(run.Writer) != 1 {
		t.Fatalf("%d writer sections, want 1", len(run.Writer))
	}
	wr := run.Writer[0]
	execs := commandCalls(t, c, "exec")
	if wr.Mode != results.WriterBuffered || wr.Flushes == 0 || wr.Transactions != wr.Flushes || execs != wr.Transactions {
		t.Errorf("mode %s, %d flushes, %d transactions, server saw %d EXECs: want one MULTI/EXEC per flush", wr.Mode, wr.Flushes, wr.Transactions, execs)
	}
	if wr.CallsPerFlush == nil || wr.CallsPerFlush.Max < 2 || wr.FlushWait == nil {
		t.Errorf("calls per flush %+v, flush wait %+v: want several calls per flush and their wait", wr.CallsPerFlush, wr.FlushWait)
	}
	checkLayout(t, c, "msgpack")
}

func opNames(run *results.Run) []string {
	var n []string
	for _, op := range run.Ops {
		n = append(n, op.Name)
	}
	return n
}

func TestOrderFlowOpsExactAndPurge(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 3)
	run := runSpec(t, c, Spec{Workload: "order-flow", Connections: 3, Ops: 3001})
	var n int64
	for _, op := range run.Ops {
		n += op.Count
		if op.Class != results.ClassWrite {
			t.Errorf("op %s class %s, want write", op.Name, op.Class)
		}
	}
	if n != 3001 {
		t.Errorf("%d ops, want exactly 3001", n)
	}
	for _, name := range []string{"add_order", "update_order", "update_position", "update_account"} {
		if opByName(run, name, "msgpack") == nil {
			t.Errorf("no %s ops in %v", name, opNames(run))
		}
	}
	checkLayout(t, c, "msgpack")

	run = runSpec(t, c, Spec{Workload: "order-flow", Connections: 2, Ops: 3000, Params: map[string]any{"purge": "true", "purge_interval": "200ms"}})
	if op := opByName(run, "purge_order", "msgpack"); op == nil || op.Count == 0 {
		t.Errorf("no purge_order with purge=true: %v", opNames(run))
	}
	counts := checkLayout(t, c, "msgpack")
	// Two streams keep what closed since their last purge (200 ms of
	// scenario time, a few orders), plus those working.
	if counts[keyspace.Orders] > 2*(20+9) {
		t.Errorf("%d order keys left with purge_interval 200ms", counts[keyspace.Orders])
	}
}

func TestReadZipfianDecodes(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 4)
	run := runSpec(t, c, Spec{Workload: "read", Connections: 4, Keys: 1000, Ops: 1000, Distribution: "zipfian", Encodings: []string{"json"}})
	for _, name := range []string{"read_order", "read_position", "get_instrument", "read_account"} {
		op := opByName(run, name, "json")
		if op == nil || op.Count == 0 {
			t.Errorf("no %s in %v", name, opNames(run))
			continue
		}
		if op.Decode == nil || op.Class != results.ClassRead {
			t.Errorf("%s: decode %v class %s, want a decode histogram and class read", name, op.Decode, op.Class)
		}
	}
	checkLayout(t, c, "json")
}

func TestMixedReadRatio(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 4)
	ratio := 0.8
	run := runSpec(t, c, Spec{Workload: "mixed", Connections: 4, Keys: 1000, Ops: 3000, ReadRatio: &ratio})
	var reads, writes int64
	for _, op := range run.Ops {
		if op.Class == results.ClassRead {
			reads += op.Count
		} else {
			writes += op.Count
		}
	}
	if got := float64(reads) / float64(reads+writes); got < 0.75 || got > 0.85 {
		t.Errorf("read share %.3f (%d reads, %d writes), want about 0.8", got, reads, writes)
	}
	checkLayout(t, c, "msgpack")
}

func TestStartupLoadBothStyles(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 8)
	run := runSpec(t, c, Spec{Workload: "startup-load", Connections: 8, Keys: 3000,
		Params: map[string]any{"bulk_read_batch": 5, "startup_concurrency": 8}})
	if len(run.Startup) != 2 || run.Startup[0].Style != "sequential" || run.Startup[1].Style != "concurrent" {
		t.Fatalf("startup loads %+v, want sequential then concurrent", run.Startup)
	}
	counts := checkLayout(t, c, "msgpack")
	total := 0
	for _, n := range counts {
		total += n
	}
	if total < 2990 {
		t.Fatalf("dataset of %d keys, want about 3000", total)
	}
	for _, sl := range run.Startup {
		for _, coll := range []string{keyspace.Currencies, keyspace.Instruments, keyspace.Accounts, keyspace.Orders, keyspace.Positions} {
			if int(sl.Keys[coll]) != counts[coll] || counts[coll] == 0 {
				t.Errorf("%s: loaded %d %s, populate wrote %d", sl.Style, sl.Keys[coll], coll, counts[coll])
			}
		}
		// SCAN pages (at least one per collection) + MGET chunks of 5 +
		// LRANGE per list + GET per position + 2 HGETALL.
		lists := counts[keyspace.Accounts] + counts[keyspace.Orders] + counts[keyspace.Positions]
		mgets := (counts[keyspace.Currencies]+4)/5 + (counts[keyspace.Instruments]+4)/5
		least := int64(6 + mgets + lists + counts[keyspace.Positions] + 2)
		if sl.Commands < least || sl.Commands > least+50 {
			t.Errorf("%s: %d commands, want %d plus a few SCAN pages", sl.Style, sl.Commands, least)
		}
		if sl.TotalSec <= 0 || sl.Bytes <= 0 {
			t.Errorf("%s: total %.3fs, %d bytes", sl.Style, sl.TotalSec, sl.Bytes)
		}
	}
	for _, name := range []string{"startup.scan", "startup.mget", "startup.lrange_order", "startup.lrange_position",
		"startup.lrange_account", "startup.get_instrument", "startup.hgetall"} {
		op := opByName(run, name, "msgpack")
		if op == nil || op.Class != results.ClassStartup {
			t.Errorf("no %s op of class startup in %v", name, opNames(run))
		}
	}
	if op := opByName(run, "startup.get_instrument", "msgpack"); op != nil && int(op.Count) != 2*counts[keyspace.Positions] {
		t.Errorf("%d instrument GETs for 2 loads of %d positions", op.Count, counts[keyspace.Positions])
	}
}

func TestWorkloadFileTradingMix(t *testing.T) {
	spec, err := ReadSpec(strings.NewReader("workload: mixed\nkeys: 1500\nops: {add_order: 3, update_order: 10, read_order: 5, get_instrument: 2}\npurge: true\nconnections: 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if spec.OpsMix != "add_order:3,update_order:10,read_order:5,get_instrument:2" || spec.Params["purge"] != true || spec.Keys != 1500 {
		t.Fatalf("spec %+v", spec)
	}
	for _, tc := range []struct{ file, want string }{
		{"workload: mixed\ncolour: red\n", `unknown key "colour"`},
		{"ops: {add_order: lots}\n", "weight of add_order"},
		{"ops: {}\n", "empty mix"},
		{"ops: {\"a:b\": 1}\n", "not an op kind name"},
	} {
		if _, err := ReadSpec(strings.NewReader(tc.file)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.file, err, tc.want)
		}
	}
	if spec, err := ReadSpec(strings.NewReader("ops: 500\n")); err != nil || spec.Ops != 500 {
		t.Errorf("ops: 500 gives %d, %v; want the operation count", spec.Ops, err)
	}

	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 2)
	spec.Ops = 2000
	run := runSpec(t, c, spec)
	got := map[string]int64{}
	for _, op := range run.Ops {
		got[op.Name] = op.Count
	}
	if len(got) != 4 || got["update_order"] < 3*got["add_order"] || got["read_order"] < got["get_instrument"] {
		t.Errorf("op counts %v, want the four kinds of the mix near 3:10:5:2", got)
	}

	if _, err := Run(context.Background(), Options{Client: c, Spec: Spec{Workload: "read", OpsMix: "add_order:1"}}); err == nil || !strings.Contains(err.Error(), `not "add_order"`) {
		t.Errorf("read with a write mix: %v", err)
	}
	if _, err := Run(context.Background(), Options{Client: c, Spec: Spec{Workload: "startup-load", Params: map[string]any{"style": "parallel"}}}); err == nil || !strings.Contains(err.Error(), "sequential, concurrent or both") {
		t.Errorf("bad style: %v", err)
	}
}

// TestPopulateMemoryStreams populates 200K keys and samples the Go heap:
// the dataset is streamed, so the heap must stay at the size of the
// histograms and buffers (11 MB at 200K keys when written unbuffered), far
// below what keeping the ids or payloads would take (hundreds of MB). A
// buffered writer also holds up to MaxFlushCalls queued calls, about 4 MB,
// twice that with the garbage collector's headroom.
func TestPopulateMemoryStreams(t *testing.T) {
	if testing.Short() || raceDetector {
		// The race detector makes the 200K keys take minutes; the heap
		// figure would be the detector's.
		t.Skip("writes 200K keys; skipped with -short and -race")
	}
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := newClient(t, srv, 2)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	const writers = 2
	spec := Spec{Workload: "populate", Connections: writers, Keys: 200_000}
	spec.Node = node.DefaultConfig()
	spec.Node.BufferInterval = 10 * time.Millisecond
	run := runSpec(t, c, spec)
	close(stop)
	wg.Wait()
	n, err := c.DBSize(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	if n < 199_990 {
		t.Fatalf("%d keys written, want 200000", n)
	}
	t.Logf("200K keys in %.1fs, %d flushes, peak heap in use %.1f MB", run.Meta.MeasuredSec, run.Writer[0].Flushes, float64(peak.Load())/1e6)
	if peak.Load() > (32+writers*8)<<20 {
		t.Errorf("peak heap %d MB while populating 200K keys: the dataset is not streamed", peak.Load()>>20)
	}
}
