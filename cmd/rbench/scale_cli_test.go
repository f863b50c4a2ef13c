package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
)

func opCount(run *results.Run) int64 {
	var n int64
	for _, op := range run.Ops {
		n += op.Count
	}
	return n
}

func opRate(run *results.Run) float64 {
	var r float64
	for _, op := range run.Ops {
		r += op.Rate
	}
	return r
}

// TestShardedGeneratorsMerge is issue 16's "done when": two rbench
// processes with --shard 1/2 and --shard 2/2 against one server, started
// together with --start-at and merged, give the same operation count as
// one process with the whole spec, and rates that add: the merge's rates
// are the sum of the two generators', and its target rate is the whole
// spec's.
func TestShardedGeneratorsMerge(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	dir := t.TempDir()
	env := cliEnv(dir, "REDIS_URL="+srv.URL())
	spec := []string{"run", "--workload", "raw", "--ops", "3001", "-c", "5", "--keys", "101", "--rate", "3000", "--threads", "1", "-q"}
	run := func(out string, extra ...string) *exec.Cmd {
		cmd := exec.Command(rbenchBinary(t), append(append(append([]string{}, spec...), extra...), "--out", filepath.Join(dir, out))...)
		cmd.Dir, cmd.Env = dir, env
		return cmd
	}
	out, err := run("whole.json").CombinedOutput()
	if err != nil {
		t.Fatalf("whole spec: %v\n%s", err, out)
	}
	whole, err := results.ReadFile(filepath.Join(dir, "whole.json"))
	if err != nil {
		t.Fatal(err)
	}
	startAt := time.Now().Add(3 * time.Second)
	start := startAt.UTC().Format(time.RFC3339Nano)
	var wg sync.WaitGroup
	outs := make([]bytes.Buffer, 2)
	errs := make([]error, 2)
	for i := range 2 {
		cmd := run(fmt.Sprintf("shard%d.json", i+1), "--shard", fmt.Sprintf("%d/2", i+1), "--start-at", start)
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = cmd.Run() }()
	}
	wg.Wait()
	shards := make([]*results.Run, 2)
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("shard %d/2: %v\n%s", i+1, errs[i], outs[i].String())
		}
		if shards[i], err = results.ReadFile(filepath.Join(dir, fmt.Sprintf("shard%d.json", i+1))); err != nil {
			t.Fatal(err)
		}
		if ms := shards[i].Meta.MeasuredStart; ms.Before(startAt) {
			t.Errorf("shard %d/2 started measuring at %v, before --start-at %v", i+1, ms, startAt)
		}
		s := shards[i].Meta.Workload.Shard
		if s == nil || s.Index != i+1 || s.Count != 2 || s.Connections != 5 || s.Ops != 3001 || s.Rate != 3000 {
			t.Errorf("shard %d records %+v", i+1, s)
		}
	}
	if c := shards[0].Meta.Workload.Connections + shards[1].Meta.Workload.Connections; c != 5 {
		t.Errorf("the shards ran %d connections together, want the spec's 5", c)
	}
	merged := filepath.Join(dir, "merged.json")
	stdout, stderr, code := execRbench(t, dir, env, "merge", filepath.Join(dir, "shard1.json"), filepath.Join(dir, "shard2.json"), "-o", merged)
	if code != 0 {
		t.Fatalf("merge: exit %d\n%s%s", code, stdout, stderr)
	}
	m, err := results.ReadFile(merged)
	if err != nil {
		t.Fatal(err)
	}
	if m.Meta.Merge != results.MergeConcurrent {
		t.Errorf("merged as %q, want concurrent", m.Meta.Merge)
	}
	if got, want := opCount(m), opCount(whole); got != want || got != 3001 {
		t.Errorf("merged shards count %d ops, the whole spec %d: want both 3001", got, want)
	}
	if sum := opRate(shards[0]) + opRate(shards[1]); math.Abs(opRate(m)-sum) > 0.01 {
		t.Errorf("merged rate %.3f, the shards' %.3f + %.3f: rates add", opRate(m), opRate(shards[0]), opRate(shards[1]))
	}
	mt, wt := m.Pacing[0].TargetRate, whole.Pacing[0].TargetRate
	if math.Abs(mt-wt) > wt*0.01 || math.Abs(mt-(shards[0].Pacing[0].TargetRate+shards[1].Pacing[0].TargetRate)) > 0.01 {
		t.Errorf("target rates: merged %.1f, whole %.1f, shards %.1f + %.1f", mt, wt, shards[0].Pacing[0].TargetRate, shards[1].Pacing[0].TargetRate)
	}
	// Both paced at half the rate, together they reach about what one
	// process did; a generous band, as the machine is shared.
	if ma, wa := m.Pacing[0].AchievedRate, whole.Pacing[0].AchievedRate; ma < wa/2 || ma > wa*2 {
		t.Errorf("merged achieved %.0f ops/s, the whole spec %.0f", ma, wa)
	}
	if w := m.Meta.Workload; w.Connections != 5 || w.Ops != 3001 || w.Shard == nil || w.Shard.Index != 0 || len(w.TraderIDs) != 2 {
		t.Errorf("merged workload %+v (shard %+v): want the whole spec and both trader ids", w, w.Shard)
	}
	// Every part exactly once.
	for _, args := range [][]string{
		{filepath.Join(dir, "shard1.json")},
		{filepath.Join(dir, "shard1.json"), filepath.Join(dir, "shard1.json")},
		{filepath.Join(dir, "shard1.json"), filepath.Join(dir, "whole.json")},
	} {
		_, stderr, code := execRbench(t, dir, env, append(append([]string{"merge"}, args...), "-o", filepath.Join(dir, "bad.json"))...)
		if code != exitUsage || !strings.Contains(stderr, "generators") {
			t.Errorf("merge %v: exit %d, want 2 naming the split\n%s", args, code, stderr)
		}
	}
}

// TestFleetCLI runs a fleet of four order-flow nodes through rbench run:
// the table shows the fleet's writer line and each node's.
func TestFleetCLI(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	run, stdout := externalRun(t, srv, "--workload", "order-flow", "--nodes", "4", "--ops", "60", "--rate", "300", "--threads", "1")
	// The footer wraps at the terminal's width: compare words.
	flat := strings.Join(strings.Fields(stdout), " ")
	for _, want := range []string{"fleet: 4 nodes (RBENCH-001 .. RBENCH-004)", "300 ops/s (--rate is per node): 1200 ops/s together",
		"writer msgpack fleet of 4 nodes", "writer msgpack node RBENCH-001", "writer msgpack node RBENCH-004"} {
		if !strings.Contains(flat, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if opCount(run) != 240 || run.Meta.Workload.Nodes != 4 {
		t.Errorf("%d ops, %d nodes: want 4 x 60", opCount(run), run.Meta.Workload.Nodes)
	}
	// MEMORY USAGE is sampled under every node's prefix, not the first's.
	sampled := map[string]bool{}
	if run.Server != nil {
		for _, m := range run.Server.Memory {
			if m.Collection == "orders" && m.Sampled > 0 {
				sampled[m.Prefix] = true
			}
		}
	}
	for _, id := range run.Meta.Workload.TraderIDs {
		if !sampled["trader-"+id+":"] {
			t.Errorf("no MEMORY USAGE of %s's orders: %v", id, sampled)
		}
	}
}

// TestScaleAndMemtierFlags: memtier's spellings map onto raw's options
// (recorded in the results), clash with rbench's own spelling of the same
// thing, and -d / -n get a hint when they look like memtier's.
func TestScaleAndMemtierFlags(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	run, _ := externalRun(t, srv, "--workload", "raw", "-c", "2", "--requests", "150", "--ratio", "1:3",
		"--key-minimum", "500", "--key-maximum", "599", "--key-pattern", "P:R", "--data-size-range", "8-40", "--threads", "1")
	w := run.Meta.Workload
	if opCount(run) != 300 || w.Keys != 100 || w.Params["ops_mix"] != "set:1,get:3" || w.Params["key_minimum"] != float64(500) ||
		w.Params["key_pattern"] != "P:R" || w.Params["value_size"] != float64(8) || w.Params["value_size_max"] != float64(40) {
		t.Errorf("%d ops; workload keys %d params %v", opCount(run), w.Keys, w.Params)
	}
	if e := run.Errors.Total(); e != 0 {
		t.Errorf("%d errors: GETs of the sized values must all check out", e)
	}
	dir := t.TempDir()
	env := cliEnv(dir, "REDIS_URL="+srv.URL())
	past := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"--ratio", "1:2", "--ops-mix", "set:1"}, []string{"--ratio and --ops-mix"}},
		{[]string{"--requests", "5", "--ops", "9"}, []string{"--requests and --ops"}},
		{[]string{"--test-time", "5", "--duration", "5s"}, []string{"--test-time and --duration"}},
		{[]string{"--key-maximum", "5", "--key-minimum", "9"}, []string{"below --key-minimum"}},
		{[]string{"--data-size-range", "40-8"}, []string{"MIN-MAX"}},
		{[]string{"--workload", "populate", "--ratio", "1:1"}, []string{"apply to the raw workload"}},
		{[]string{"--workload", "raw", "--nodes", "3"}, []string{"models no trading node"}},
		{[]string{"--shard", "3/2"}, []string{"generator 3 of 2"}},
		{[]string{"--shard", "k8s/2"}, []string{"JOB_COMPLETION_INDEX"}},
		{[]string{"--workload", "order-flow", "--shard", "1/2"}, []string{"give --nodes at least 2"}},
		{[]string{"--start-at", past}, []string{"in the past"}},
		{[]string{"--start-at", "tomorrow"}, []string{"RFC 3339"}},
		{[]string{"-d", "256"}, []string{"hint: -d 256", "--value-size 256"}},
		{[]string{"-n", "100000"}, []string{"hint: -n 100000", "--requests 100000"}},
	} {
		_, stderr, code := execRbench(t, dir, env, append([]string{"run", "--ops", "10"}, tt.args...)...)
		if code == 0 {
			t.Errorf("%v: exit 0", tt.args)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tt.args, w, stderr)
			}
		}
	}
}

func TestParseShardAndStartAt(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	for _, tt := range []struct {
		in, env  string
		i, n     int
		wantFail bool
	}{
		{"1/2", "", 1, 2, false}, {" 2 / 2 ", "", 2, 2, false}, {"k8s/4", "3", 4, 4, false}, {"k8s/4", "0", 1, 4, false},
		{"0/2", "", 0, 0, true}, {"3/2", "", 0, 0, true}, {"1/0", "", 0, 0, true}, {"k8s/4", "4", 0, 0, true},
		{"k8s/4", "", 0, 0, true}, {"1", "", 0, 0, true}, {"a/b", "", 0, 0, true}, {"1/1001", "", 0, 0, true},
	} {
		i, n, err := parseShard(tt.in, env(tt.env))
		if (err != nil) != tt.wantFail || (!tt.wantFail && (i != tt.i || n != tt.n)) {
			t.Errorf("parseShard(%q, JOB_COMPLETION_INDEX=%q) = %d, %d, %v", tt.in, tt.env, i, n, err)
		}
	}
	at := time.Date(2026, 11, 25, 16, 0, 0, 500_000_000, time.UTC)
	for _, in := range []string{"2026-11-25T16:00:00.5Z", "2026-11-25T17:00:00.5+01:00", "1795622400.5"} {
		got, err := parseStartAt(in)
		if err != nil || !got.Equal(at) {
			t.Errorf("parseStartAt(%q) = %v, %v; want %v", in, got, err, at)
		}
	}
	for _, bad := range []string{"", "now", "-5", "2026-11-25 16:00"} {
		if _, err := parseStartAt(bad); err == nil {
			t.Errorf("parseStartAt(%q) accepted", bad)
		}
	}
}

// TestRunWritesIntervalLog is issue 16's "done when" for the interval log:
// a run folder holds response.hlog next to the .hgrm files, and it reads
// back (hdrhistogram-go's log reader) with the per-second counts of the
// folder's run.json, second by second, op by op.
func TestRunWritesIntervalLog(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	dir := t.TempDir()
	stdout, stderr, code := execRbench(t, dir, cliEnv(dir, "REDIS_URL="+srv.URL()), "run", "--workload", "raw", "--rate", "1500",
		"--duration", "3s", "-c", "2", "--keys", "50", "--threads", "1", "--results-dir", filepath.Join(dir, "results"), "-q")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "results", "run-*", results.IntervalLogName))
	if len(logs) != 1 {
		t.Fatalf("want one %s in the run folder, found %v", results.IntervalLogName, logs)
	}
	run, err := results.ReadFile(filepath.Join(filepath.Dir(logs[0]), "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lr := hdrhistogram.NewHistogramLogReader(f)
	got := map[string][]int64{}
	for {
		h, err := lr.NextIntervalHistogram()
		if err != nil {
			t.Fatal(err)
		}
		if h == nil {
			break
		}
		got[h.Tag()] = append(got[h.Tag()], h.TotalCount())
	}
	for _, op := range run.Ops {
		var want []int64
		for _, s := range op.Series {
			want = append(want, s.Count)
		}
		if len(want) < 3 || fmt.Sprint(got[results.IntervalTag(op)]) != fmt.Sprint(want) {
			t.Errorf("%s: the log's per-second counts %v, run.json's %v", results.IntervalTag(op), got[results.IntervalTag(op)], want)
		}
	}
}

// TestShardedFleetMerge splits a fleet of three nodes over two generators:
// generator 1 runs RBENCH-001 and RBENCH-002, generator 2 RBENCH-003, and
// the merge is the whole fleet's, its writer node by node. Run one after
// the other here, the parts are refused as they are (parts of a split spec
// run at the same time) and merged when told --as concurrent.
func TestShardedFleetMerge(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	dir := t.TempDir()
	env := cliEnv(dir, "REDIS_URL="+srv.URL())
	var files []string
	for i := 1; i <= 2; i++ {
		f := filepath.Join(dir, fmt.Sprintf("g%d.json", i))
		files = append(files, f)
		stdout, stderr, code := execRbench(t, dir, env, "run", "--workload", "order-flow", "--nodes", "3", "--ops", "40", "--threads", "1",
			"--shard", fmt.Sprintf("%d/2", i), "--out", f, "-q")
		if code != 0 {
			t.Fatalf("generator %d: exit %d\n%s%s", i, code, stdout, stderr)
		}
	}
	out := filepath.Join(dir, "m.json")
	if _, stderr, code := execRbench(t, dir, env, "merge", files[0], files[1], "-o", out); code != exitUsage || !strings.Contains(stderr, "do not overlap") {
		t.Errorf("merge of parts run one after the other: exit %d, want 2 saying so\n%s", code, stderr)
	}
	if stdout, stderr, code := execRbench(t, dir, env, "merge", "--as", "concurrent", files[0], files[1], "-o", out); code != 0 {
		t.Fatalf("merge: exit %d\n%s%s", code, stdout, stderr)
	}
	m, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if opCount(m) != 3*40 || m.Meta.Workload.Nodes != 3 || fmt.Sprint(m.Meta.Workload.TraderIDs) != "[RBENCH-001 RBENCH-002 RBENCH-003]" {
		t.Errorf("merged %d ops, nodes %d, ids %v: want the fleet of three", opCount(m), m.Meta.Workload.Nodes, m.Meta.Workload.TraderIDs)
	}
	if len(m.Writer) != 1 || m.Writer[0].Nodes != 3 || m.Writer[0].Calls != 3*40 {
		t.Fatalf("merged writer %+v: want the three nodes'", m.Writer)
	}
	var nodes []string
	for _, w := range m.Writer[0].PerNode {
		nodes = append(nodes, w.Node)
	}
	if fmt.Sprint(nodes) != "[RBENCH-001 RBENCH-002 RBENCH-003]" {
		t.Errorf("per-node writers %v", nodes)
	}
}

// TestRepeat: --repeat 3 (memtier's --run-count 3) runs the spec three
// times, each on a clean keyspace, and keeps them together: the counts add
// up, the rate is the mean of the three, each run's figures are kept.
func TestRepeat(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	run, stdout := externalRun(t, srv, "--workload", "raw", "--ops", "400", "-c", "2", "--keys", "20", "--threads", "1", "--run-count", "3")
	if run.Meta.Merge != results.MergeRepeats || len(run.Repeats) != 3 || opCount(run) != 3*400 {
		t.Fatalf("merge %q, %d repeats, %d ops: want three repeats of 400", run.Meta.Merge, len(run.Repeats), opCount(run))
	}
	for _, op := range run.Ops {
		var sum float64
		for _, r := range run.Repeats {
			for _, ro := range r.Ops {
				if ro.Name == op.Name {
					sum += ro.Rate
				}
			}
		}
		if math.Abs(op.Rate-sum/3) > 0.01 {
			t.Errorf("%s: rate %.3f, the repeats' mean %.3f", op.Name, op.Rate, sum/3)
		}
	}
	if !strings.Contains(stdout, "repeat 3: set@raw") {
		t.Errorf("stdout lacks each repeat's line:\n%s", stdout)
	}
	// Each repeat starts from a clean keyspace: a populate repeated twice
	// leaves one dataset's keys, not two.
	one, _ := externalRun(t, srv, "--workload", "populate", "--keys", "300", "--keep-keys", "--threads", "1")
	ctl := connect.NewClient(connect.ClientOptions{Addr: srv.Addr()})
	defer ctl.Close()
	n1 := ctl.DBSize(context.Background()).Val()
	two, _ := externalRun(t, srv, "--workload", "populate", "--keys", "300", "--keep-keys", "--clean", "--threads", "1", "--repeat", "2")
	if n2 := ctl.DBSize(context.Background()).Val(); n2 != n1 || opCount(two) != 2*opCount(one) {
		t.Errorf("after two repeats %d keys and %d ops, after one %d keys and %d ops", n2, opCount(two), n1, opCount(one))
	}
	// The repeats' writer figures merge too: the calls of both.
	if len(two.Writer) != 1 || len(one.Writer) != 1 || two.Writer[0].Calls != 2*one.Writer[0].Calls || two.Writer[0].LagHDR == "" {
		t.Errorf("writer entries of two repeats %+v, of one %+v: want one entry with twice the calls", two.Writer, one.Writer)
	}
	dir := t.TempDir()
	env := cliEnv(dir, "REDIS_URL="+srv.URL())
	for _, args := range [][]string{{"--repeat", "0"}, {"--repeat", "2", "--run-count", "2"}} {
		if _, stderr, code := execRbench(t, dir, env, append([]string{"run", "--ops", "10"}, args...)...); code != exitUsage || !strings.Contains(stderr, "--r") {
			t.Errorf("%v: exit %d\n%s", args, code, stderr)
		}
	}
}
