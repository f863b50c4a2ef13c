package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/report"
	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/workloads"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "run a workload against Redis and measure it (HDR latency, open or closed loop)",
		UsageText: `rbench run [--workload NAME | --workload-file FILE] [flags] [connection flags]

Examples:
  rbench run --workload raw --connections 50 --pipeline 16 --duration 30s
  rbench run --workload raw --rate 20000 --duration 60s --warmup 5s
  rbench run --workload raw --rate-schedule step:1000,5000,10000@10s --value-size 1024
  rbench run --workload-file mix.yaml --rate 5000   # flags override the file
  rbench run --workload raw --ops 1000000 --report`,
		Description: descriptionOfRun(),
		Flags:       append(append(append(append(append(runFlags(), nodeFlags()...), scaleFlags()...), findMaxFlags()...), memtierFlags()...), withoutFlag(connectionFlags(), "encoding")...),
		Action:      runAction,
	}
}

// descriptionOfRun lists the registered workloads, so help stays in step
// with what the binary carries.
func descriptionOfRun() string {
	var b strings.Builder
	b.WriteString(`Runs a workload from --connections workers (one connection each, --pipeline
operations per round trip) for --duration or exactly --ops operations, after
an unrecorded --warmup. Without --rate it is a closed loop (as fast as the
workers go); with --rate or --rate-schedule it is an open loop: every
operation has an intended send time, and rbench records both the service
time (send to reply) and the response time from the intended send time,
which shows stalls that closed-loop tools hide (coordinated omission). Each
worker sleeps to shortly before a due time and waits actively for the rest
(the margin is calibrated at the start), and the table shows its own send
lateness. A paced run stops sending at the end of --duration (replies get
a second's grace) and counts what was due but unsent as dropped; --drain
sends it all instead, however long that takes.

The table's verdicts (PASS, FAIL, INVALID, too few samples) are per
encoding and class: a percentile with too few samples reads n/a and is not
judged, and a run that missed its target rate or whose load generator was
the bottleneck is INVALID, with the reason in the footer.

Rate schedules: step:R1,R2,...@D (each rate for D, then keep the last),
ramp:A->B@D (linear from A to B ops/s over D, then keep B), constant:R.

Workloads:
`)
	for _, d := range workloads.Definitions() {
		fmt.Fprintf(&b, "  %-13s %s\n", d.Name, d.Summary)
	}
	b.WriteString(`
Keys are the node's: trader-{id}:{collection}:{id} (trader-{id}:{uuid}:...
with --use-instance-id). Each encoding of --encoding (e.g. msgpack,json) runs
in turn under that prefix, each on a keyspace cleaned before it;
payload-free workloads (raw) run once. The trading write workloads write
through the node's writer: one MULTI/EXEC per Redis command, or with
--buffer-interval one per interval of wall time. Results go to a new run folder under --results-dir
(run.json and .hgrm percentile files), or to --out. A workload file (YAML)
has the long flag names as keys, with '_' for '-' (read_ratio, rate_schedule).
Exit status: 0 done (PASS/FAIL in the table is informative; use rbench gate
to fail a build), 1 operations failed or Redis was lost (partial results are
still written), 2 bad flags or workload file.`)
	return b.String()
}

func runFlags() []cli.Flag {
	const cat = "Workload"
	return []cli.Flag{
		&cli.StringFlag{Name: "workload", Aliases: []string{"w"}, Value: "raw", Usage: "workload `NAME` (see the list above)", Category: cat},
		&cli.StringFlag{Name: "workload-file", Usage: "read the workload spec from a YAML `FILE`; flags override it", TakesFile: true, Category: cat},
		&cli.IntFlag{Name: "connections", Aliases: []string{"c"}, Usage: "workers, one connection each (default: 1 for populate and order-flow, the node's single cache writer; 4 for read and mixed; 50 otherwise)", Category: cat},
		&cli.IntFlag{Name: "threads", Usage: "OS threads running Go code (GOMAXPROCS), like memtier's --threads (0: every core, one fewer when Redis runs on this machine so the server keeps a core)", Category: cat},
		&cli.IntFlag{Name: "pipeline", Aliases: []string{"P"}, Value: workloads.DefaultPipeline, Usage: "operations per round trip per worker", Category: cat},
		&cli.DurationFlag{Name: "duration", Aliases: []string{"d"}, Value: workloads.DefaultDuration, Usage: "measured time (ignored with --ops)", Category: cat},
		&cli.Int64Flag{Name: "ops", Usage: "run exactly this many measured operations instead of --duration", Category: cat},
		&cli.DurationFlag{Name: "warmup", Usage: "run this long first, unrecorded (the connection pool is always warmed)", Category: cat},
		&cli.Float64Flag{Name: "rate", Usage: "open loop at this many operations per second over all workers (per node with --nodes; 0: closed loop)", Category: cat},
		&cli.StringFlag{Name: "rate-schedule", Usage: "open loop `SCHEDULE`: step:1000,5000,10000@10s or ramp:1000->20000@30s", Category: cat},
		&cli.BoolFlag{Name: "drain", Usage: "open loop: when behind at the end of --duration, keep sending until every due operation is sent (default: stop, count the rest as dropped)", Category: cat},
		&cli.Int64Flag{Name: "seed", Value: workloads.DefaultSeed, Usage: "seed of generated keys and values", Category: cat},
		&cli.Int64Flag{Name: "keys", Value: workloads.DefaultKeys, Usage: "keyspace size", Category: cat},
		&cli.StringFlag{Name: "encoding", Usage: "payload encodings run one after the other, e.g. msgpack,json [$RBENCH_ENCODING] (default: msgpack)", Category: cat},
		&cli.Float64Flag{Name: "read-ratio", Value: workloads.DefaultReadRatio, Usage: "share of reads, 0 to 1 (raw, mixed)", Category: cat},
		&cli.StringFlag{Name: "ops-mix", Usage: "op kind weights, e.g. set:1,get:3 (overrides --read-ratio)", Category: cat},
		&cli.IntFlag{Name: "value-size", Value: workloads.DefaultValueSize, Usage: "raw value size in bytes", Category: cat},
		&cli.StringFlag{Name: "distribution", Value: "uniform", Usage: "key choice: uniform or zipfian", Category: cat},
		&cli.StringFlag{Name: "style", Usage: "startup-load: sequential (the Python TradingNode's load: one round trip after another), rust (the Rust LiveNode's: every collection at once, every read of a collection pipelined on one connection) or both (default)", Category: cat},
		&cli.BoolFlag{Name: "purge", Usage: "order-flow: purge closed orders and positions, like purge_closed_orders", Category: cat},
		&cli.StringSliceFlag{Name: "param", Usage: "workload-specific `KEY=VALUE` (repeatable)", Category: cat},
		&cli.DurationFlag{Name: "target-p99", Value: workloads.DefaultTargetP99, Usage: "PASS/FAIL threshold of the response-time p99 in the final table; with --find-max the writer's lag p99 bound (buffered: plus twice the interval)", Category: "Output"},
		&cli.StringFlag{Name: "results-dir", Value: "results", Usage: "write a new run folder under `DIR`", Category: "Output"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the results to `FILE` instead of a run folder", Category: "Output"},
		&cli.BoolFlag{Name: "report", Usage: "also write report.html next to the results", Category: "Output"},
		&cli.BoolFlag{Name: "keep-keys", Usage: "leave the keys the run wrote (default: removed after each encoding pass)", Category: "Output"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress line", Category: "Output"},
	}
}

// withoutFlag drops the flag called name: run's --encoding takes a list,
// which the single-valued configuration flag would reject.
func withoutFlag(fs []cli.Flag, name string) []cli.Flag {
	out := fs[:0:0]
	for _, f := range fs {
		if !slices.Contains(f.Names(), name) {
			out = append(out, f)
		}
	}
	return out
}

// specFromFlags merges the workload file and the flags (flags win),
// recording every problem in in.
func specFromFlags(in *inputs) workloads.Spec {
	c := in.c
	var s workloads.Spec
	if path := c.String("workload-file"); path != "" {
		if data, ok := in.readFile("workload-file", path, maxWorkloadFile); ok {
			var err error
			if s, err = workloads.ReadSpec(bytes.NewReader(data)); err != nil {
				in.bad("--workload-file %s: %v", path, err)
			}
		}
	}
	// Zero means "default" in a Spec, so an explicit 0 must be caught here.
	in.positive("connections", "pipeline", "keys", "value-size", "ops")
	if c.IsSet("seed") && c.Int64("seed") == 0 {
		in.bad("--seed 0: want a non-zero seed (0 stands for the default, %d)", workloads.DefaultSeed)
	}
	if c.IsSet("duration") && c.Duration("duration") == 0 && !c.IsSet("ops") {
		in.bad("--duration 0s: want a positive duration such as 10s, or --ops N for a fixed number of operations")
	}
	in.positiveDuration("target-p99")
	in.nonNegativeDuration("warmup", "duration")
	set := func(name string) bool {
		return !in.refused[name] && (c.IsSet(name) || (s.Workload == "" && name == "workload"))
	}
	if set("workload") {
		s.Workload = c.String("workload")
	}
	if set("connections") {
		s.Connections = c.Int("connections")
	}
	if set("pipeline") {
		s.Pipeline = c.Int("pipeline")
	}
	if set("duration") {
		s.Duration = workloads.Duration(c.Duration("duration"))
		if !c.IsSet("ops") {
			s.Ops = 0
		}
	}
	if set("ops") {
		s.Ops = c.Int64("ops")
	}
	if set("warmup") {
		s.Warmup = workloads.Duration(c.Duration("warmup"))
	}
	if set("rate") {
		s.Rate = c.Float64("rate")
		if !c.IsSet("rate-schedule") {
			s.RateSchedule = ""
		}
	}
	if set("rate-schedule") {
		s.RateSchedule = c.String("rate-schedule")
		if !c.IsSet("rate") {
			s.Rate = 0
		}
	}
	if set("drain") {
		s.Drain = c.Bool("drain")
	}
	if set("seed") {
		s.Seed = c.Int64("seed")
	}
	if set("keys") {
		s.Keys = c.Int64("keys")
	}
	if set("encoding") {
		s.Encodings = in.list("encoding")
	}
	if set("read-ratio") {
		r := c.Float64("read-ratio")
		s.ReadRatio = &r
	}
	if set("ops-mix") {
		s.OpsMix = c.String("ops-mix")
		if strings.TrimSpace(s.OpsMix) == "" {
			in.bad("--ops-mix %q: empty: give op kind weights such as set:1,get:3, or drop --ops-mix", s.OpsMix)
		}
	}
	if set("value-size") {
		s.ValueSize = c.Int("value-size")
	}
	if set("distribution") {
		s.Distribution = c.String("distribution")
	}
	if set("target-p99") {
		s.TargetP99 = workloads.Duration(c.Duration("target-p99"))
	}
	// The named flags are the documented spelling of workload params.
	params := c.StringSlice("param")
	in.add(applyNodeFlags(c, &s.Node))
	for _, name := range []string{"style", "purge"} {
		if set(name) {
			params = append(params, strings.ReplaceAll(name, "-", "_")+"="+fmt.Sprint(c.Value(name)))
		}
	}
	applyMemtierFlags(in, &s, s.WithDefaults().Workload)
	kv, errs := parseParams(params)
	for _, err := range errs {
		in.add(err)
	}
	for k, v := range kv {
		if s.Params == nil {
			s.Params = map[string]any{}
		}
		s.Params[k] = v
	}
	return s
}

// parseParams reads --param KEY=VALUE pairs: a key, an '=', any value.
// A key given twice is refused (which one would win is not obvious when
// one comes from a named flag such as --style).
func parseParams(kvs []string) (map[string]any, []error) {
	var errs []error
	out := map[string]any{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		switch {
		case !ok || k == "":
			errs = append(errs, fmt.Errorf("--param %q: want KEY=VALUE", kv))
		case out[k] != nil:
			errs = append(errs, fmt.Errorf("--param %s given twice (--style, --bulk-read-batch and --purge set params too)", k))
		default:
			out[k] = v
		}
	}
	return out, errs
}

// runInput is what runAction runs, once every input has been checked.
type runInput struct {
	spec    workloads.Spec
	def     workloads.Definition
	threads int
	scale   scaleInput
	repeat  int // runs one after another, merged as repeats
	// --find-max (findmax.go): the search instead of one run; nil without.
	findMax *findMaxInput
}

// checkRun checks every input of rbench run and reports all problems at
// once; nothing is connected or started before it passes. New flags add
// their checks here.
func checkRun(c *cli.Context) (*runInput, error) {
	in := newInputs(c)
	ri := &runInput{spec: specFromFlags(in)}
	spec := &ri.spec
	def, err := workloads.Lookup(spec.Workload)
	in.add(err)
	ri.def = def
	if err == nil && spec.Connections == 0 && def.Connections > 0 {
		spec.Connections = def.Connections
	}
	ri.threads = c.Int("threads")
	if ri.threads < 0 {
		in.bad("--threads %d: want 0 (every core, one fewer when Redis runs on this machine) or a positive number of OS threads", ri.threads)
	}
	// The spec is validated with the trader id and encodings it will run
	// with: nothing connects, let alone deletes (--clean), before.
	cfg := in.config()
	if cfg != nil && (c.IsSet("trader-id") || spec.TraderID == "") {
		// The workload file's trader_id stands unless a flag overrides it.
		spec.TraderID = cfg.TraderID
	}
	if cfg != nil && len(spec.Encodings) == 0 && len(def.Encodings) > 0 {
		spec.Encodings = cfg.Encodings // RBENCH_ENCODING, default msgpack
	}
	ri.scale = checkScale(in, spec, def)
	ri.repeat = checkRepeat(in)
	// --find-max (findmax.go).
	ri.findMax = checkFindMax(in, *spec, def)
	probe := spec.WithDefaults()
	validErr := probe.Validate()
	in.add(validErr)
	for _, id := range ri.scale.ids {
		if id == spec.TraderID {
			continue
		}
		// The derived ids, by the one trader-id rule.
		if err := keyspace.CheckTraderID(id); err != nil {
			in.bad("--nodes/--shard count on from --trader-id %s: %v", spec.TraderID, err)
			break
		}
	}
	if err == nil {
		if len(def.Encodings) > 0 {
			for _, e := range spec.Encodings {
				if !slices.Contains(def.Encodings, e) {
					in.bad("--encoding %q: workload %s supports %s", e, def.Name, strings.Join(def.Encodings, ", "))
				}
			}
		} else if len(spec.Encodings) > 0 && !slices.Equal(spec.Encodings, []string{"raw"}) {
			in.bad("--encoding %s: workload %s writes no payloads and runs once as encoding raw; drop --encoding", strings.Join(spec.Encodings, ","), def.Name)
		}
		if validErr == nil {
			if _, err := def.Build(&probe); err != nil {
				in.add(err)
			}
		}
	}
	in.reportBuildable("report")
	in.connection()
	in.resultsOutput()
	if err := in.err(); err != nil {
		return nil, err
	}
	return ri, nil
}

func runAction(c *cli.Context) error {
	ri, err := checkRun(c)
	if err != nil {
		return err
	}
	spec, threads, sc := ri.spec, ri.threads, ri.scale
	prefixes := make([]string, len(sc.ids))
	for i, id := range sc.ids {
		prefixes[i] = keyspace.Layout{TraderID: id}.Prefix() + keyspace.Delimiter
	}
	t, err := openTargetForWrite(c, prefixes...)
	if err != nil {
		return err
	}
	defer t.Close()
	cfg := t.Config
	// Redis Cluster (issue 16): refused or announced, before anything runs.
	if err := clusterNote(c.App.ErrWriter, t, spec.Workload); err != nil {
		return err
	}
	if threads == 0 && t.OnThisMachine() && runtime.NumCPU() > 1 {
		// redis-server runs on these cores too: a load generator that
		// takes all of them measures its fight with the server for CPU.
		// On 2 cores one thread gave 1.0-1.2x redis-benchmark's
		// throughput, two 0.86-0.93x (docs/performance.md).
		threads = runtime.NumCPU() - 1
		fmt.Fprintf(c.App.ErrWriter, "rbench: Redis runs on this machine; rbench uses %d of its %d cores so the server keeps one (--threads %d for all)\n",
			threads, runtime.NumCPU(), runtime.NumCPU())
	}
	if threads > 0 {
		// Like memtier's --threads.
		runtime.GOMAXPROCS(threads)
		spec.Threads = threads
	}
	info, err := t.Info(c.Context)
	if err != nil {
		return failure(fmt.Errorf("reading the target's INFO: %w", err))
	}
	// Every node (--nodes) gets its own client: its own writer connections.
	fleet := make([]workloads.FleetNode, len(sc.ids))
	for i, id := range sc.ids {
		cl := t.WorkerClient(spec.WithDefaults().Connections)
		defer cl.Close()
		fleet[i] = workloads.FleetNode{TraderID: id, Client: cl, Index: sc.first + i}
	}
	client := fleet[0].Client

	out := c.App.Writer
	// Progress goes to stderr, the table and paths to stdout: `rbench run
	// > table.txt` keeps the answer and still shows the run going.
	progress := c.App.ErrWriter
	interactive := progress == os.Stderr && term.IsTerminal(int(os.Stderr.Fd()))
	opts := workloads.Options{
		Client:      client,
		Spec:        spec,
		Log:         c.App.ErrWriter,
		Interactive: interactive,
		CleanAfter:  !c.Bool("keep-keys"),
		Fleet:       fleet,
		StartAt:     sc.startAt,
		Meta: results.Meta{
			Name:   spec.Workload,
			Tool:   results.Tool{Version: version, Commit: commit, GoVersion: runtime.Version()},
			Host:   results.HostInfo(),
			Target: info,
			Config: configMap(cfg),
		},
	}
	if !c.Bool("quiet") {
		opts.Progress = progress
	}
	// --find-max (findmax.go): a search of many runs instead of one.
	if ri.findMax != nil {
		return findMax(c, ri.findMax, opts, time.Now())
	}
	target := time.Duration(spec.WithDefaults().TargetP99)
	// The server view samples MEMORY USAGE of every node's keys.
	viewPrefixes := make([]string, len(fleet))
	for i, n := range fleet {
		ns := spec.WithDefaults()
		ns.TraderID, ns.Seed = n.TraderID, ns.Seed+int64(n.Index) // as workloads.Run makes each node's spec
		viewPrefixes[i] = ns.Layout().Prefix() + ":"
	}
	start := time.Now()
	// --repeat N (memtier's --run-count): N runs one after another, each on
	// a keyspace cleaned before each pass, merged as repeats (histograms
	// merged, the rate the mean, each run's own figures kept).
	var runs []*results.Run
	var runErr error
	for k := 1; k <= ri.repeat; k++ {
		if ri.repeat > 1 {
			fmt.Fprintf(c.App.ErrWriter, "rbench: repeat %d of %d\n", k, ri.repeat)
		}
		view := startRunView(c.Context, t.Client, viewPrefixes, len(spec.Encodings))
		opts.OnMeasure = view.onMeasure
		r, err := workloads.Run(c.Context, opts)
		sv := view.stop()
		if r == nil {
			if len(runs) == 0 {
				if errors.Is(err, workloads.ErrBadSpec) || errors.Is(err, workloads.ErrBadRate) {
					return usageError(err)
				}
				return failure(err)
			}
			runErr = err
			break
		}
		r.Server = sv
		r.Meta.Workload.File = c.String("workload-file")
		if sc.of > 0 {
			whole := sc.whole
			r.Meta.Workload.Shard = &whole
		}
		if c.Context.Err() != nil {
			r.Incomplete = append(r.Incomplete, fmt.Sprintf("interrupted (SIGINT or SIGTERM) after %s: the figures cover the part measured before it", secondsSince(start)))
		}
		// Again, now with the server's own latencies to hold the client's
		// against (the generator_slow check) and the interruption.
		results.Assess(r, target)
		runs = append(runs, r)
		opts.StartAt = time.Time{} // only the first run waits for --start-at
		if runErr = err; err != nil || c.Context.Err() != nil {
			break
		}
	}
	run := runs[0]
	if len(runs) > 1 {
		labels := make([]string, len(runs))
		for i := range runs {
			labels[i] = fmt.Sprintf("repeat %d", i+1)
		}
		m, err := results.MergeWith(results.MergeOptions{As: results.MergeRepeats, Sources: labels}, runs...)
		if err != nil {
			return failure(errors.Join(runErr, fmt.Errorf("merging the repeats: %w", err)))
		}
		run = m
	}
	if len(runs) < ri.repeat {
		run.Incomplete = append(run.Incomplete, fmt.Sprintf("%d of %d repeats ran", len(runs), ri.repeat))
	}
	if _, err := workloads.WriteTable(out, run, target); err != nil {
		return failure(err)
	}
	writeRepeatLines(out, run)
	writeRepeatSummary(out, run)
	attachNoise(c, run, runs)
	path, werr := writeRunResults(c, run, start)
	if werr != nil {
		return failure(errors.Join(runErr, fmt.Errorf("writing results: %w", werr)))
	}
	fmt.Fprintf(out, "results: %s\n", path)
	if c.Bool("report") {
		rp := filepath.Join(filepath.Dir(path), "report.html")
		if err := report.WriteFile(rp, []*results.Run{run}, report.Options{Target: target}); err != nil {
			return failure(errors.Join(runErr, fmt.Errorf("writing the report: %w", err)))
		}
		fmt.Fprintf(out, "report: %s\n", rp)
	}
	if runErr != nil {
		return failure(runErr)
	}
	return nil
}

// configMap is the effective configuration for the results file, secrets
// already masked by package config.
func configMap(cfg *config.Config) map[string]string { return cfg.Map() }

// writeRunResults writes run to --out, or to a new run folder under
// --results-dir named after its workload (run, plan and recover).
func writeRunResults(c *cli.Context, run *results.Run, start time.Time) (string, error) {
	if out := c.String("out"); out != "" {
		return out, run.WriteFile(out)
	}
	dir, err := results.NewRunDir(c.String("results-dir"), run.Meta.Workload.Name, start)
	if err != nil {
		return "", err
	}
	return results.WriteRunDir(dir, run)
}
