package main

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/compose"
	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/plan"
	"github.com/rbench/rbench/plan/capacity"
	"github.com/rbench/rbench/report"
	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/workloads"
)

func planCommand() *cli.Command {
	return &cli.Command{
		Name:  "plan",
		Usage: "capacity plan: memory, AOF size and restart time of the node's dataset as history grows, projected to your profile",
		UsageText: `rbench plan [--scales N,N,...] [--encoding LIST] [profile flags | --profile FILE] [flags]

Examples:
  rbench plan --scales 5000,20000,50000 --orders 1000000
  rbench plan --orders-per-day 20000 --retention-days 90 --maxmemory 4gb --report
  rbench plan --encoding msgpack,json --profile profile.yaml --memory-share 40%`,
		Description: `Writes the trading node's dataset (orders with their events, positions,
accounts, instruments and the index sets, written pipelined with the same
dataset and AOF as the node's one MULTI/EXEC per command)
at each --scales size on a fresh throwaway redis-server (AOF everysec,
automatic rewrites off), per --encoding, and measures per collection: Redis
memory (used_memory, shared out by sampled MEMORY USAGE), AOF bytes (as
logged, and after BGREWRITEAOF: the rewritten size is what is projected),
AOF load time after a restart, and the node's startup load as the Python
node (sequential) and as the Rust LiveNode (rust) load it. It fits a model to each figure (linear unless a power law is
clearly better) and prints its R² and worst residual, then projects to your
profile: memory needed (with copy-on-write headroom for an AOF rewrite fork),
AOF on disk, restart-to-trading-ready per load style and the largest history
under --maxmemory, and names the dangers in words.

Profile counts left out are taken from the measured mix in proportion to
--orders (positions, account events) or as measured (events per order,
instruments, accounts). A --profile YAML file has the flag names with '_'
for '-'; flags override it.

Dangers checked: an evicting maxmemory-policy (of the configured target when
one is given, else of compose/redis.conf), memory needed above --memory-share
of the machine, an MGET of all instruments too large for managed Redis (with
the bulk_read_batch_size to use), account event lists that grow forever.

The node flags are run's (--node python|rust, --use-instance-id,
--snapshot-orders, --bulk-read-batch-size, ...; --buffer-interval is not
one: batching changes neither the dataset nor the AOF's replay): --node
rust writes the LiveNode's serde payloads and call sequences and loads them
as it decodes them. --persist-account-events=false is --no-account-events:
account events are still written and measured, and left out of the
projection.

Results go to a new run folder under --results-dir (run.json with the plan
section), or to --out; --report writes report.html beside them.
Exit status: 0 done, 1 a measurement failed, 2 bad flags or profile.`,
		Flags:  append(append(planFlags(), withoutFlag(nodeFlags(), "buffer-interval")...), connectionFlagsWithout("encoding")...),
		Action: planAction,
	}
}

func planFlags() []cli.Flag {
	const meas, prof, out = "Measurement", "Profile", "Output"
	return []cli.Flag{
		&cli.StringFlag{Name: "scales", Value: "10000,100000,1000000", Usage: "dataset sizes to measure, in keys written", Category: meas},
		&cli.StringFlag{Name: "encoding", Value: "msgpack", Usage: "payload encodings to measure, e.g. msgpack,json", Category: meas},
		&cli.Int64Flag{Name: "seed", Value: 1, Usage: "seed of the generated dataset", Category: meas},
		&cli.IntFlag{Name: "repeats", Value: plan.DefaultRepeats, Usage: "time each restart and startup load this many times (once when it takes 10s or more); the fastest counts", Category: meas},
		&cli.StringFlag{Name: "profile", Usage: "read the profile from a YAML `FILE`; flags override it", TakesFile: true, Category: prof},
		&cli.Int64Flag{Name: "orders", Usage: "orders retained", Category: prof},
		&cli.Int64Flag{Name: "orders-per-day", Usage: "orders a day (with --retention-days, instead of --orders)", Category: prof},
		&cli.Float64Flag{Name: "retention-days", Usage: "days of orders retained", Category: prof},
		&cli.Float64Flag{Name: "events-per-order", Usage: "events in each order's list (default: as measured)", Category: prof},
		&cli.Int64Flag{Name: "positions", Usage: "positions retained (default: in the measured proportion to orders)", Category: prof},
		&cli.Int64Flag{Name: "instruments", Usage: "instruments; every scale's dataset holds this many (default: the generator's 12)", Category: prof},
		&cli.Int64Flag{Name: "accounts", Usage: "accounts (default: as measured)", Category: prof},
		&cli.Int64Flag{Name: "account-events", Usage: "AccountState events retained per account (default: in the measured proportion to orders)", Category: prof},
		&cli.BoolFlag{Name: "no-account-events", Usage: "the node runs with persist_account_events=false", Category: prof},
		&cli.StringFlag{Name: "maxmemory", Usage: "Redis's maxmemory, e.g. 4gb: the largest history that fits it (default: the target's, when one is configured and set)", Category: prof},
		&cli.StringFlag{Name: "memory-share", Value: "50%", Usage: "share of the machine's memory a projection may need before it is a danger", Category: prof},
		&cli.StringFlag{Name: "machine-memory", Usage: "memory of the machine Redis runs on, e.g. 16gb (default: this machine's)", Category: prof},
		&cli.Float64Flag{Name: "fork-copy-share", Value: capacity.DefaultForkCopyShare, Usage: "share of the dataset an AOF rewrite's fork may copy (1: worst case)", Category: prof},
		&cli.StringFlag{Name: "results-dir", Value: "results", Usage: "write a new run folder under `DIR`", Category: out},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the results to `FILE` instead of a run folder", Category: out},
		&cli.BoolFlag{Name: "report", Usage: "also write report.html next to the results", Category: out},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress lines", Category: out},
	}
}

// planProfile merges --profile and the profile flags (flags win),
// recording every problem in in.
func planProfile(in *inputs) capacity.Profile {
	c := in.c
	var p capacity.Profile
	before := len(in.problems)
	if path := c.String("profile"); path != "" {
		if data, ok := in.readFile("profile", path, maxProfileFile); ok {
			var err error
			if p, err = plan.ReadProfile(bytes.NewReader(data)); err != nil {
				in.bad("--profile %s: %v", path, err)
			}
		}
	}
	for _, n := range []string{"orders", "orders-per-day", "positions", "instruments", "accounts", "account-events"} {
		if c.IsSet(n) && c.Int64(n) < 0 {
			in.bad("--%s %d: want a count of zero or more", n, c.Int64(n))
		}
	}
	for _, n := range []string{"retention-days", "events-per-order"} {
		if v := c.Float64(n); c.IsSet(n) && !(v >= 0 && v <= 1e9) {
			in.bad("--%s %g: want a number from 0 to 1e9", n, v)
		}
	}
	// A negative --bulk-read-batch-size is the node flags' to report
	// (applyNodeFlags, before this).
	if c.Int("bulk-read-batch-size") < 0 {
		return p
	}
	if len(in.problems) > before {
		return p
	}
	i64 := map[string]*int64{"orders": &p.Orders, "orders-per-day": &p.OrdersPerDay, "positions": &p.Positions,
		"instruments": &p.Instruments, "accounts": &p.Accounts, "account-events": &p.AccountEvents}
	for n, dst := range i64 {
		if c.IsSet(n) {
			*dst = c.Int64(n)
		}
	}
	if c.IsSet("orders-per-day") && !c.IsSet("orders") {
		p.Orders = 0 // recomputed from the rate and the retention
	}
	if c.IsSet("retention-days") {
		p.RetentionDays = c.Float64("retention-days")
	}
	if c.IsSet("events-per-order") {
		p.EventsPerOrder = c.Float64("events-per-order")
	}
	if c.IsSet("no-account-events") {
		p.NoAccountEvents = c.Bool("no-account-events")
	}
	if c.IsSet("persist-account-events") && !c.Bool("persist-account-events") {
		p.NoAccountEvents = true // the node flag says what --no-account-events says
	}
	if c.IsSet("bulk-read-batch-size") {
		p.BulkReadBatchSize = c.Int("bulk-read-batch-size")
	}
	if (p.OrdersPerDay > 0) != (p.RetentionDays > 0) && p.Orders == 0 {
		in.bad("--orders-per-day and --retention-days go together: give both, or --orders")
		return p
	}
	p, err := capacity.Normalize(p)
	if err != nil {
		in.add(err)
		return p
	}
	if p.Orders == 0 {
		in.bad("no history to project: give --orders N (or --orders-per-day with --retention-days, or --profile FILE)")
	}
	return p
}

// parseScales reads --scales: at least two different key counts of at
// least 100, comma-separated, '_' allowed as a digit separator.
func parseScales(s string) ([]int64, error) {
	var out []int64
	var bad []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		digits := strings.ReplaceAll(f, "_", "")
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil || n < 100 || n > 1_000_000_000 || strings.Trim(digits, "0123456789") != "" {
			bad = append(bad, strconv.Quote(f))
			continue
		}
		if slices.Contains(out, n) {
			return nil, fmt.Errorf("--scales %q: %d is given twice; give different sizes", s, n)
		}
		out = append(out, n)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("--scales %q: %s: want key counts from 100 to 1e9; e.g. --scales 10000,100000,1000000", s, strings.Join(bad, ", "))
	}
	if len(out) < 2 {
		return nil, fmt.Errorf("--scales %q: want at least two sizes to fit a line through, e.g. 5000,20000,50000", s)
	}
	return out, nil
}

// planInput is what planAction runs, once every input has been checked.
type planInput struct {
	opts    plan.Options
	profile capacity.Profile
	popts   capacity.ProjectOptions
	cfg     *config.Config
}

// checkPlan checks every input of rbench plan and reports all problems at
// once, before any server starts.
func checkPlan(c *cli.Context) (*planInput, error) {
	in := newInputs(c)
	pi := &planInput{}
	scales, err := parseScales(c.String("scales"))
	in.add(err)
	var ncfg node.Config
	in.add(applyNodeFlags(c, &ncfg))
	pi.profile = planProfile(in)
	pi.popts = capacity.ProjectOptions{ForkCopyShare: c.Float64("fork-copy-share")}
	if f := pi.popts.ForkCopyShare; !(f > 0 && f <= 1) {
		in.bad("--fork-copy-share %g: want a share above 0 and at most 1", f)
	}
	if pi.popts.MachineShare, err = plan.ParseShare(c.String("memory-share")); err != nil {
		in.add(fmt.Errorf("--memory-share: %w", err))
	}
	if s := c.String("maxmemory"); c.IsSet("maxmemory") {
		if pi.popts.Maxmemory, err = plan.ParseSize(s); err != nil {
			in.add(fmt.Errorf("--maxmemory: %w", err))
		}
	}
	if s := c.String("machine-memory"); c.IsSet("machine-memory") {
		if pi.popts.MachineMemory, err = plan.ParseSize(s); err != nil || pi.popts.MachineMemory == 0 {
			in.add(fmt.Errorf("--machine-memory %q: want a size above 0, e.g. 16gb", s))
		}
	}
	in.positive("repeats")
	if c.Int64("seed") == 0 {
		in.bad("--seed 0: want a non-zero seed (0 stands for the default, 1)")
	}
	pi.cfg = in.config()
	encodings := in.list("encoding")
	if !c.IsSet("encoding") && pi.cfg != nil {
		encodings = pi.cfg.Encodings // RBENCH_ENCODING when set, else msgpack
	}
	if c.IsSet("encoding") {
		if _, err := config.ParseEncodings(c.String("encoding")); err != nil && len(encodings) > 0 {
			in.add(fmt.Errorf("--encoding %q: %w", c.String("encoding"), err))
		}
	}
	in.reportBuildable("report")
	in.connection()
	in.resultsOutput()
	if err := in.err(); err != nil {
		return nil, err
	}
	pi.opts = plan.Options{
		Scales:    scales,
		Encodings: encodings,
		Seed:      c.Int64("seed"),
		Repeats:   c.Int("repeats"),
		// The node's instruments are part of every scale's dataset, so
		// their cost and the startup MGET are measured, not extrapolated.
		Instruments: int(pi.profile.Instruments),
		Server:      localredis.Options{Binary: c.String(flagRedisServer)},
		TraderID:    pi.cfg.TraderID,
		Node:        ncfg,
	}
	return pi, nil
}

func planAction(c *cli.Context) error {
	pi, err := checkPlan(c)
	if err != nil {
		return err
	}
	opts, profile, popts, cfg := pi.opts, pi.profile, pi.popts, pi.cfg
	// What the dataset was written as (plan.Options' rules: the flavour's
	// effective options, account events written).
	nodeCfg, notes := opts.Node.Effective()
	nodeCfg.PersistAccountEvents = true
	for _, n := range notes {
		fmt.Fprintf(c.App.ErrWriter, "note: %s\n", n)
	}
	if !c.Bool("quiet") {
		opts.Log = c.App.ErrWriter
	}
	source, err := planPolicy(c, &popts)
	if err != nil {
		return err
	}

	start := time.Now()
	res, runErr := plan.Run(c.Context, opts, profile, popts)
	if runErr != nil && res == nil {
		if errors.Is(runErr, plan.ErrOptions) {
			return usageError(runErr)
		}
		return failure(runErr)
	}
	out := c.App.Writer
	fmt.Fprintf(out, "node: %s\n", res.Plan.Node)
	fmt.Fprintf(out, "maxmemory-policy checked: %s\n\n", source)
	if err := plan.WriteTable(out, res); err != nil {
		return failure(err)
	}
	run := results.NewRun(results.Meta{
		Name:  "plan",
		Tool:  results.Tool{Version: version, Commit: commit, GoVersion: runtime.Version()},
		Host:  results.HostInfo(),
		Start: start, End: time.Now(),
		RunID: start.UTC().Format("20060102T150405.000Z"),
		Workload: results.Workload{Name: "plan", Seed: opts.Seed, Encodings: res.Plan.Encodings,
			Node: workloads.NodeMeta(nodeCfg, keyspace.LayoutFor(cfg.TraderID, nodeCfg, opts.Seed).Prefix())},
		Config: configMap(cfg),
	})
	run.Plan = &res.Plan
	run.Warnings = append(run.Warnings, notes...)
	run.Warnings = append(run.Warnings, res.Notes...)
	if runErr != nil {
		// Keep the scales measured before the plan stopped, marked so
		// that no gate passes on them.
		why := "stopped before every scale was measured: " + runErr.Error()
		if c.Context.Err() != nil {
			why = fmt.Sprintf("interrupted (SIGINT or SIGTERM) after %s: only the scales %v were measured, of %v", secondsSince(start), res.Plan.Scales, opts.Scales)
		}
		run.Incomplete = append(run.Incomplete, why)
	}
	path, err := writeRunResults(c, run, start)
	if err != nil {
		return failure(errors.Join(runErr, fmt.Errorf("writing results: %w", err)))
	}
	fmt.Fprintf(out, "\nresults: %s\n", path)
	if c.Bool("report") {
		rp := filepath.Join(filepath.Dir(path), "report.html")
		if err := report.WriteFile(rp, []*results.Run{run}, report.Options{Title: "rbench plan"}); err != nil {
			return failure(errors.Join(runErr, fmt.Errorf("writing the report: %w", err)))
		}
		fmt.Fprintf(out, "report: %s\n", rp)
	}
	if runErr != nil {
		return failure(runErr)
	}
	return nil
}

// planPolicy fills the maxmemory-policy (and, unless given, maxmemory)
// the dangers are checked against: the configured target's when one is
// configured, else compose/redis.conf's, the configuration rbench
// deploys. It returns where they came from.
func planPolicy(c *cli.Context, popts *capacity.ProjectOptions) (string, error) {
	cfg, err := loadConfig(c)
	if err != nil {
		return "", err
	}
	if !cfg.Configured() {
		pol, mm := plan.ConfPolicy(compose.RedisConf)
		popts.MaxmemoryPolicy = pol
		if popts.Maxmemory == 0 && mm != "" && mm != "0" {
			if n, err := plan.ParseSize(mm); err == nil {
				popts.Maxmemory = n
			}
		}
		return fmt.Sprintf("compose/redis.conf (maxmemory-policy %s); no target configured", pol), nil
	}
	t, err := openTarget(c)
	if err != nil {
		return "", err
	}
	defer t.Close()
	m, err := t.Client.ConfigGet(c.Context, "maxmemory*").Result()
	if err != nil {
		return fmt.Sprintf("not checked: the target %s refused CONFIG GET (%v)", cfg.Addr(), err), nil
	}
	popts.MaxmemoryPolicy = m["maxmemory-policy"]
	if popts.Maxmemory == 0 {
		if n, err := strconv.ParseInt(m["maxmemory"], 10, 64); err == nil && n > 0 {
			popts.Maxmemory = n
		}
	}
	return fmt.Sprintf("the target %s (maxmemory-policy %s, maxmemory %s)", cfg.Addr(), m["maxmemory-policy"], m["maxmemory"]), nil
}
