package main

// rbench run at scale: a fleet of nodes on one Redis (--nodes), one spec
// split over several rbench processes (--shard, --start-at), and
// memtier_benchmark's spellings of raw's options. docs/several-generators.md
// and docs/workloads.md describe them.

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/workloads"
)

const (
	scaleCategory   = "Scale: fleets of nodes and several generators"
	memtierCategory = "memtier_benchmark spellings (raw)"
)

func scaleFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "nodes", Value: 1, Usage: "trading workloads: run `N` nodes at once against one Redis, each with its own trader id (--trader-id counted on: RBENCH-001, RBENCH-002, ...) and its own writer connections (--connections each); --rate, --ops and --keys are PER NODE", Category: scaleCategory},
		&cli.StringFlag{Name: "shard", Usage: "be generator `I/N`, the I-th of N rbench processes splitting one spec (1 <= I <= N): raw takes every N-th operation of the schedule, its share of --connections and --ops, and every N-th key, under trader id number I; trading workloads split --nodes between the generators. k8s/N takes I from Kubernetes' JOB_COMPLETION_INDEX (+1)", Category: scaleCategory},
		&cli.IntFlag{Name: "repeat", Value: 1, Usage: "run the spec `N` times, one after another, each on a clean keyspace, and keep them together as repeats: histograms merged, the rate the mean, each run's own figures under repeats (memtier's --run-count)", Category: scaleCategory},
		&cli.StringFlag{Name: "start-at", Usage: "start the measured part at wall-clock `TIME` (RFC 3339 such as 2026-11-25T16:00:00Z, or unix seconds), so several generators measure together; set-up runs first, the warm-up ends then", Category: scaleCategory},
	}
}

func memtierFlags() []cli.Flag {
	cat := memtierCategory
	return []cli.Flag{
		&cli.StringFlag{Name: "ratio", Usage: "memtier --ratio `SET:GET`, e.g. 1:10 (memtier's default); rbench's spelling: --ops-mix set:1,get:10", Category: cat},
		&cli.StringFlag{Name: "key-pattern", Usage: "memtier --key-pattern `SET:GET`: R uniform random, G gaussian, S sequential, P parallel (each connection its own slice), Z zipfian; default R:R", Category: cat},
		&cli.Int64Flag{Name: "key-minimum", Usage: "memtier --key-minimum: the first key number (default 0)", Category: cat},
		&cli.Int64Flag{Name: "key-maximum", Usage: "memtier --key-maximum: the last key number (memtier's default is 10000000; rbench's keyspace is --keys, 10000, and it writes every key before measuring)", Category: cat},
		&cli.Float64Flag{Name: "key-stddev", Usage: "memtier --key-stddev: G's standard deviation in keys (default: the key range / 6)", Category: cat},
		&cli.Float64Flag{Name: "key-median", Usage: "memtier --key-median: G's median key number (default: the middle of the range)", Category: cat},
		&cli.IntFlag{Name: "data-size", Usage: "memtier --data-size (its -d; rbench's -d is --duration): value size in bytes, rbench's --value-size", Category: cat},
		&cli.StringFlag{Name: "data-size-range", Usage: "memtier --data-size-range `MIN-MAX`: value sizes from this range (one size per key, drawn from --seed, so every GET is checked)", Category: cat},
		&cli.IntFlag{Name: "test-time", Usage: "memtier --test-time `SECS`: rbench's --duration", Category: cat},
		&cli.IntFlag{Name: "run-count", Usage: "memtier --run-count `N`: full runs one after another, rbench's --repeat N", Category: cat},
		&cli.Int64Flag{Name: "requests", Usage: "memtier --requests (its -n; rbench's -n is the database): requests PER CONNECTION, so --ops = requests x --connections", Category: cat},
	}
}

var memtierFlagNames = []string{"ratio", "key-pattern", "key-minimum", "key-maximum", "key-stddev", "key-median", "data-size", "data-size-range", "test-time", "requests"}

// applyMemtierFlags maps memtier's spellings onto the spec, refusing them
// next to rbench's own spelling of the same option and outside raw.
func applyMemtierFlags(in *inputs, s *workloads.Spec, workload string) {
	c := in.c
	var given []string
	for _, n := range memtierFlagNames {
		if c.IsSet(n) {
			given = append(given, "--"+n)
		}
	}
	if len(given) == 0 {
		return
	}
	if workload != "raw" {
		in.bad("%s: memtier's spellings apply to the raw workload (SET/GET, as memtier sends), not %s", strings.Join(given, ", "), workload)
		return
	}
	both := func(memtier, ours string) bool {
		if c.IsSet(memtier) && c.IsSet(ours) {
			in.bad("--%s and --%s say the same thing: give one", memtier, ours)
			return true
		}
		return false
	}
	param := func(k string, v any) {
		if s.Params == nil {
			s.Params = map[string]any{}
		}
		s.Params[k] = v
	}
	if c.IsSet("ratio") && !both("ratio", "ops-mix") && !both("ratio", "read-ratio") {
		set, get, ok := strings.Cut(c.String("ratio"), ":")
		a, errA := strconv.ParseFloat(set, 64)
		b, errB := strconv.ParseFloat(get, 64)
		if !ok || errA != nil || errB != nil || a < 0 || b < 0 || a+b <= 0 || a > 1e9 || b > 1e9 {
			in.bad("--ratio %q: want SET:GET weights such as 1:10 (memtier's default) or 1:0 (SETs only)", c.String("ratio"))
		} else {
			s.OpsMix = fmt.Sprintf("set:%g,get:%g", a, b)
		}
	}
	if c.IsSet("key-pattern") {
		param(workloads.ParamKeyPattern, c.String("key-pattern"))
	}
	if c.IsSet("key-stddev") {
		param(workloads.ParamKeyStddev, c.Float64("key-stddev"))
	}
	if c.IsSet("key-median") {
		param(workloads.ParamKeyMedian, c.Float64("key-median"))
	}
	if c.IsSet("key-minimum") || c.IsSet("key-maximum") {
		lo := c.Int64("key-minimum")
		hi := lo + s.Keys - 1
		if s.Keys == 0 {
			hi = lo + workloads.DefaultKeys - 1
		}
		if c.IsSet("key-maximum") {
			hi = c.Int64("key-maximum")
			if c.IsSet("keys") {
				in.bad("--key-maximum and --keys both size the keyspace: give --key-minimum/--key-maximum (memtier) or --keys (rbench)")
			}
		}
		switch {
		case lo < 0:
			in.bad("--key-minimum %d: want 0 or more", lo)
		case hi < lo:
			in.bad("--key-maximum %d is below --key-minimum %d", hi, lo)
		default:
			param(workloads.ParamKeyMinimum, lo)
			s.Keys = hi - lo + 1
		}
	}
	if c.IsSet("data-size") && !both("data-size", "value-size") && !both("data-size", "data-size-range") {
		s.ValueSize = c.Int("data-size")
		if s.ValueSize < 1 {
			in.bad("--data-size %d: want at least 1 byte", s.ValueSize)
		}
	}
	if c.IsSet("data-size-range") && !both("data-size-range", "value-size") {
		a, b, ok := strings.Cut(c.String("data-size-range"), "-")
		lo, errA := strconv.Atoi(strings.TrimSpace(a))
		hi, errB := strconv.Atoi(strings.TrimSpace(b))
		if !ok || errA != nil || errB != nil || lo < 1 || hi < lo || hi > 512<<20 {
			in.bad("--data-size-range %q: want MIN-MAX bytes such as 32-1024 (1 <= MIN <= MAX <= 536870912)", c.String("data-size-range"))
		} else {
			s.ValueSize = lo
			param(workloads.ParamValueSizeMax, hi)
		}
	}
	if c.IsSet("test-time") && !both("test-time", "duration") {
		if n := c.Int("test-time"); n < 1 || n > 366*24*3600 {
			in.bad("--test-time %d: want a whole number of seconds, at least 1", n)
		} else {
			s.Duration = workloads.Duration(time.Duration(n) * time.Second)
			s.Ops = 0
		}
	}
	if c.IsSet("requests") && !both("requests", "ops") {
		conns := s.Connections
		if conns == 0 {
			conns = workloads.DefaultConnections
		}
		if n := c.Int64("requests"); n < 1 || n > 1e12/int64(conns) {
			in.bad("--requests %d: want a positive count per connection", n)
		} else {
			s.Ops = n * int64(conns)
		}
	}
}

// checkRepeat reads --repeat or memtier's --run-count.
func checkRepeat(in *inputs) int {
	c := in.c
	n := c.Int("repeat")
	if c.IsSet("run-count") {
		if c.IsSet("repeat") {
			in.bad("--run-count and --repeat say the same thing: give one")
			return 1
		}
		n = c.Int("run-count")
	}
	if n < 1 || n > 1000 {
		in.bad("--repeat %d: want 1 to 1000 runs", n)
		return 1
	}
	return n
}

// writeRepeatLines prints each repeat's own rates and p99s under the table
// of their merge, so the spread between them shows.
func writeRepeatLines(w io.Writer, run *results.Run) {
	for _, r := range run.Repeats {
		var parts []string
		for _, op := range r.Ops {
			p99 := "n/a" // below its sample floor, as in the table
			if results.Enough(0.99, op.Count) {
				p99 = fmtRepeatUs(op.Response.P99)
			}
			parts = append(parts, fmt.Sprintf("%s@%s %.0f ops/s p99 %s", op.Name, op.Encoding, op.Rate, p99))
		}
		fmt.Fprintf(w, "%s: %s\n", r.Source, strings.Join(parts, ", "))
	}
}

func fmtRepeatUs(us float64) string {
	switch {
	case us <= 0:
		return "-"
	case us < 1000:
		return fmt.Sprintf("%.0fus", us)
	case us < 1e6:
		return fmt.Sprintf("%.2fms", us/1000)
	}
	return fmt.Sprintf("%.2fs", us/1e6)
}

// scaleInput is what --nodes, --shard and --start-at resolved to.
type scaleInput struct {
	nodes   int       // the whole spec's nodes (trading)
	shard   int       // this generator, from 0; of 0 means no --shard
	of      int       // generators
	ids     []string  // the trader ids this process runs
	first   int       // the first of them among the whole spec's nodes
	startAt time.Time // zero: start when ready
	whole   results.Shard
}

var shardRe = regexp.MustCompile(`^\s*(k8s|\d+)\s*/\s*(\d+)\s*$`)

// parseShard reads I/N (1 <= I <= N) or k8s/N, whose I is Kubernetes'
// JOB_COMPLETION_INDEX + 1 (an Indexed Job counts its pods from 0).
func parseShard(s string, getenv func(string) string) (index, count int, err error) {
	m := shardRe.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, fmt.Errorf("--shard %q: want I/N such as 1/2 (generator I of N), or k8s/N in a Kubernetes Indexed Job", s)
	}
	count, err = strconv.Atoi(m[2])
	if err != nil || count < 1 || count > workloads.MaxShards {
		return 0, 0, fmt.Errorf("--shard %q: want from 1 to %d generators", s, workloads.MaxShards)
	}
	if m[1] == "k8s" {
		v := getenv("JOB_COMPLETION_INDEX")
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= count {
			return 0, 0, fmt.Errorf("--shard %s: JOB_COMPLETION_INDEX is %q: want 0 to %d, as an Indexed Job with completions %d sets it", s, v, count-1, count)
		}
		return i + 1, count, nil
	}
	index, err = strconv.Atoi(m[1])
	if err != nil || index < 1 || index > count {
		return 0, 0, fmt.Errorf("--shard %q: generator %s of %d: want 1 to %d", s, m[1], count, count)
	}
	return index, count, nil
}

// parseStartAt reads RFC 3339 (2026-11-25T16:00:00Z, fractions allowed) or
// unix seconds (1795000000, 1795000000.5).
func parseStartAt(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 1e11 {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)), nil
	}
	return time.Time{}, fmt.Errorf("--start-at %q: want an RFC 3339 time such as %s or unix seconds such as %d",
		s, time.Now().Add(2*time.Minute).UTC().Format(time.RFC3339), time.Now().Add(2*time.Minute).Unix())
}

// checkScale resolves --nodes, --shard and --start-at for spec (whose
// TraderID is the base id), adjusting spec to this generator's part, and
// records every problem in in.
func checkScale(in *inputs, spec *workloads.Spec, def workloads.Definition) scaleInput {
	c := in.c
	sc := scaleInput{nodes: c.Int("nodes")}
	trading := len(def.Encodings) > 0
	if sc.nodes < 1 || sc.nodes > workloads.MaxNodes {
		in.bad("--nodes %d: want 1 to %d", sc.nodes, workloads.MaxNodes)
		sc.nodes = 1
	}
	if sc.nodes > 1 && !trading && def.Name != "" {
		in.bad("--nodes %d: workload %s models no trading node; for more load use --connections, or --shard to split it over several rbench processes", sc.nodes, def.Name)
		sc.nodes = 1
	}
	if v := c.String("start-at"); c.IsSet("start-at") {
		t, err := parseStartAt(v)
		if err == nil {
			err = workloads.CheckStartAt(t, time.Now())
		}
		if err != nil {
			in.add(err)
		}
		sc.startAt = t
	}
	base := spec.TraderID
	sc.ids = workloads.FleetTraderIDs(base, sc.nodes, 0)
	if c.IsSet("shard") {
		index, count, err := parseShard(c.String("shard"), os.Getenv)
		if err != nil {
			in.add(err)
			return sc
		}
		sc.shard, sc.of = index-1, count
		probe := spec.WithDefaults()
		sc.whole = results.Shard{Index: index, Count: count, Nodes: sc.nodes, Connections: probe.Connections, Ops: spec.Ops, Rate: spec.Rate, RateSchedule: spec.RateSchedule}
		if trading {
			sc.whole.Connections = 0 // per node, unchanged
			if sc.nodes < count {
				in.bad("--shard %d/%d with --nodes %d: the trading workloads split a fleet between the generators, node by node; give --nodes at least %d (the whole spec's fleet)", index, count, sc.nodes, count)
				return sc
			}
			lo := int(workloads.ShardFirst(int64(sc.nodes), sc.shard, count))
			n := int(workloads.ShardShare(int64(sc.nodes), sc.shard, count))
			sc.first = lo
			sc.ids = workloads.FleetTraderIDs(base, n, lo)
			sc.whole.Ops, sc.whole.Rate, sc.whole.RateSchedule = 0, 0, ""
			return sc
		}
		conns := int64(probe.Connections)
		if conns < int64(count) {
			in.bad("--shard %d/%d with --connections %d: every generator needs a connection; give --connections at least %d (the whole spec's)", index, count, conns, count)
			return sc
		}
		spec.Connections = int(workloads.ShardShare(conns, sc.shard, count))
		spec.Shard = workloads.Shard{Index: sc.shard, Count: count, FirstWorker: int(workloads.ShardFirst(conns, sc.shard, count))}
		if spec.Ops > 0 {
			if spec.Ops < int64(count) {
				in.bad("--shard %d/%d with --ops %d: give every generator an operation, --ops at least %d", index, count, spec.Ops, count)
			}
			spec.Ops = workloads.ShardShare(spec.Ops, sc.shard, count)
		}
		// Its own trader id, so no generator cleans another's keys.
		sc.ids = workloads.FleetTraderIDs(base, 1, sc.shard)
		sc.first = 0
	}
	return sc
}

// memtierHints explains a redis-cli spelling that a memtier or
// redis-benchmark user may have meant otherwise: -d (duration here, their
// data size) with a bare number, -n (the database here, their request
// count) with a number no Redis database has. main prints them when a
// command fails.
func memtierHints(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		name, val, hasVal := strings.Cut(args[i], "=")
		if !hasVal && i+1 < len(args) && (name == "-d" || name == "-n") {
			val = args[i+1]
		}
		switch name {
		case "-d":
			if _, err := strconv.Atoi(val); err == nil {
				out = append(out, fmt.Sprintf("-d %s: -d is --duration here and needs a unit (-d %ss); memtier's and redis-benchmark's -d is the value size, --value-size %s (or --data-size %s)", val, val, val, val))
			}
		case "-n":
			if n, err := strconv.Atoi(val); err == nil && n >= 16 {
				out = append(out, fmt.Sprintf("-n %s: -n is the database number here, as in redis-cli; memtier's -n (requests per connection) is --requests %s, redis-benchmark's -n (requests in all) is --ops %s", val, val, val))
			}
		}
	}
	return out
}
