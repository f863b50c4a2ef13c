package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/internal/termtable"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
	"github.com/rbench/rbench/recovery"
	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/workloads"
)

func recoverCommand() *cli.Command {
	return &cli.Command{
		Name:  "recover",
		Usage: "crash or restart Redis under load and prove every acknowledged write survived; time restart to trading-ready",
		UsageText: `rbench recover [--cycles N] [--mode kill|graceful] [--persistence MODE] [--keys N] [connection flags]

Examples:
  rbench recover --cycles 3 --mode kill --persistence aof-always --keys 20000
  rbench recover --persistence none          # shows what a cache without persistence loses
  REDIS_URL=redis://:$REDIS_PASSWORD@127.0.0.1:6379/0 rbench recover \
      --restart-cmd "docker compose -f compose/docker-compose.redis.yml restart redis"`,
		Description: `Each cycle populates --keys keys with the trading node's write path (MULTI/EXEC
cache calls), keeps writers sending the order flow while the server restarts
(--write-during), and remembers every write Redis acknowledged. It then
restarts the server: SIGKILL (--mode kill, a crash) or SHUTDOWN (--mode
graceful) on the throwaway server rbench starts with --persistence, or the
operator's --restart-cmd for an external server (rbench never kills a process
it did not start). It times the port opening, PING answering without LOADING,
the server's own AOF/RDB load, and the node's startup load (the Python
node's sequential one and the Rust LiveNode's), then reads every key back and compares it with the acknowledged
writes: missing keys, missing tail events, corrupt payloads, wrong types and
unexpected keys, per collection.

The writers send what the node's writer sends: one MULTI/EXEC per Redis
command, in upstream's order, on one connection each (--buffer-interval: one
MULTI/EXEC of everything queued per interval). The node flags are run's
(--node python|rust, --buffer-interval, --use-instance-id, ...): --node rust
writes the LiveNode's serde payloads and call sequences (its update_order
reads the whole list, then sends its own transactions), verifies them as
that node decodes them, and its startup loads decode as it does.

Verdict, by what Redis promises for the persistence and the kind of stop
(the output says which promise it checked): a process kill (--mode kill, or
a --restart-cmd) loses nothing under aof-always, aof-everysec and aof-no;
under everysec a loss within --loss-window before the crash is Redis's only
when INFO shows a write Redis postponed (aof_delayed_fsync moved, or a fsync
pending with writes in the AOF buffer just before the crash). SHUTDOWN (--mode graceful)
loses nothing under AOF or rdb. rdb keeps what its last save held, none keeps
nothing: their losses fail the run, the server is not configured to keep the
state. --host-crash declares that the restart command crashes the host, where
everysec may lose the last --loss-window. The crash is when the server died
(its process exited or rbench's connection to it dropped), and a restart
must show a new run_id. A run that could not check what it set out to
(interrupted, a restart that failed or restarted nothing, cycles missing) is
incomplete: its partial results are written, and every gate threshold on
them fails. Results go to --results-dir (a run folder) or --out, as a run
with a recovery section; the restart command is stored redacted (its
program name and word count: the rest may hold a password).
Exit status: 0 pass, 1 fail (acknowledged writes lost or damaged) or
incomplete, 2 bad flags or an external server without --restart-cmd.`,
		Flags: append(append(connectionFlags(), nodeFlags()...),
			&cli.IntFlag{Name: "cycles", Value: recovery.DefaultCycles, Usage: "restart cycles"},
			&cli.StringFlag{Name: "mode", Value: recovery.ModeKill, Usage: "how to restart the throwaway server: kill (SIGKILL, a crash) or graceful (SHUTDOWN)"},
			&cli.StringFlag{Name: "persistence", Value: string(localredis.AOFEverysec), Usage: "the throwaway server's persistence: aof-always, aof-everysec, rdb or none"},
			&cli.IntFlag{Name: "keys", Value: recovery.DefaultKeys, Usage: "keys to populate per cycle"},
			&cli.BoolFlag{Name: "write-during", Value: true, Usage: "keep writers sending the order flow through the restart (--write-during=false to stop)"},
			&cli.IntFlag{Name: "writers", Value: 1, Usage: "writer connections: the first writes the node's calls (scenario generator); each extra one adds synthetic load on its own keys (SYN-...), checked by checksum"},
			&cli.Float64Flag{Name: "write-rate", Value: recovery.DefaultWriteRate, Usage: "cache calls per second during the restart, over all writers"},
			&cli.DurationFlag{Name: "loss-window", Value: recovery.DefaultLossWindow, Usage: "where Redis allows a loss (aof-everysec: a kill while Redis had postponed writes, per INFO, or --host-crash), losses acknowledged this long before the crash are reported, not failed"},
			&cli.StringFlag{Name: "restart-cmd", Usage: "shell `COMMAND` that restarts an external server, e.g. \"docker compose -f compose/docker-compose.redis.yml restart redis\" (stored and printed redacted)"},
			&cli.BoolFlag{Name: "host-crash", Usage: "with --restart-cmd: the command crashes the host or VM (a power cut), not just redis-server; losses are judged by what the fsync policy keeps through a host crash"},
			&cli.DurationFlag{Name: "restart-timeout", Value: 2 * time.Minute, Usage: "longest wait for the server to come back"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "seed of the written data"},
			&cli.StringFlag{Name: "results-dir", Value: "results", Usage: "write a run folder run-<time>-recover under `DIR`"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the results to `FILE` instead of a run folder"},
		),
		Action: recoverAction,
	}
}

func recoverAction(c *cli.Context) error {
	persistence, ncfg, err := checkRecover(c)
	if err != nil {
		return err
	}
	mode := c.String("mode")
	restartCmd := strings.TrimSpace(c.String("restart-cmd"))

	cfg, err := loadConfig(c)
	if err != nil {
		return err
	}
	// The node's calls are encoded as the configuration says (--encoding,
	// RBENCH_ENCODING; msgpack by default).
	codec, err := codecs.ByName(cfg.Encoding)
	if err != nil {
		return usageError(fmt.Errorf("encoding: %w", err))
	}
	if cfg.Configured() {
		switch {
		case restartCmd == "":
			return usageError(refuseExternal(c, cfg))
		case c.IsSet("persistence"):
			return usageError(errors.New("--persistence sets up the throwaway server; an external server keeps its own settings, which rbench reads and reports (drop --persistence)"))
		case c.IsSet("mode"):
			return usageError(errors.New("--mode applies to the throwaway server; with --restart-cmd the command decides how the server stops (drop --mode)"))
		}
	} else if restartCmd != "" {
		return usageError(errors.New("--restart-cmd restarts an external server, but no target is configured (REDIS_URL, REDIS_HOST or --host): rbench would start and restart its own throwaway server; drop --restart-cmd or point rbench at the server"))
	}

	log := cfg.Logger(os.Stderr)
	// go-redis logs every failed dial, and dials fail while the server
	// restarts: route its lines through the configured logger as openTarget does.
	redis.SetLogger(redisLogger{log})
	opts, err := targetOptions(c, log)
	if err != nil {
		return err
	}
	opts.Persistence = persistence
	start := time.Now()
	t, err := connect.Open(c.Context, cfg, opts)
	if err != nil {
		if errors.Is(err, config.ErrInvalid) {
			return usageError(err)
		}
		return failure(err)
	}
	defer t.Close()
	if t.IsCluster() {
		return usageError(fmt.Errorf("recover restarts one Redis server, and %s is a Redis Cluster (NautilusTrader 1.231 has no cluster mode): point recover at a single server", t.Addr()))
	}
	// The node's keys as it writes them: trader-{id}:, with its instance
	// id under --use-instance-id.
	layout := keyspace.LayoutFor(t.Config.TraderID, ncfg, c.Int64("seed"))
	prefix := layout.Prefix() + keyspace.Delimiter
	ncfg, notes := ncfg.Effective()
	for _, n := range notes {
		fmt.Fprintf(c.App.ErrWriter, "note: %s\n", n)
	}
	if !t.Throwaway() {
		if err := t.CheckPrefix(c.Context, prefix, c.Bool(flagClean)); err != nil {
			return usageError(err)
		}
	}

	ropts := recovery.Options{
		Client:         t.Client,
		NewClient:      t.WriterClient,
		Prefix:         prefix,
		Keys:           c.Int("keys"),
		Cycles:         c.Int("cycles"),
		WriteDuring:    c.Bool("write-during"),
		Writers:        c.Int("writers"),
		WriteRate:      c.Float64("write-rate"),
		LossWindow:     c.Duration("loss-window"),
		BufferInterval: ncfg.BufferInterval,
		Node:           ncfg,
		Seed:           c.Int64("seed"),
		Log:            c.App.ErrWriter,
		Codec:          codec,
		Decode:         recovery.PayloadDecoder(prefix, codec, ncfg.Flavour),
		// On an external server a passed run's keys are of no further
		// use; a failed run's stay for inspection (the next run then
		// needs --clean).
		CleanAfterPass: !t.Throwaway(),
	}
	ropts.NewSource = func(prefix string, seed int64, w int) recovery.Source {
		if w == 0 {
			return recovery.NewScenarioSource(layout, codec, scenario.Options{Seed: seed, TraderID: t.Config.TraderID, Node: ncfg})
		}
		return recovery.NewSynthetic(prefix, seed, w)
	}
	if t.Throwaway() {
		ropts.Persistence = string(persistence)
		ropts.FastPopulate = persistence == localredis.AOFAlways
		ropts.Restarter = &recovery.LocalRestarter{Server: t.Server, Graceful: mode == recovery.ModeGraceful, Timeout: c.Duration("restart-timeout")}
	} else {
		addr := t.Addr()
		if t.Config.Network == "unix" {
			addr = "" // no TCP port to watch
		}
		ropts.Restarter = &recovery.CmdRestarter{Command: restartCmd, HostCrash: c.Bool("host-crash"), Addr: addr, Timeout: c.Duration("restart-timeout"),
			NewClient: func() redis.UniversalClient { return t.ProbeClient(time.Second) }}
	}
	params := map[string]any{"cycles": c.Int("cycles"), "mode": mode, "persistence": string(persistence),
		"write_during": c.Bool("write-during"), "loss_window": c.Duration("loss-window").String(), "encoding": codec.Name(),
		"buffer_interval": ncfg.BufferInterval.String(), "node": string(ncfg.Flavour)}
	if !t.Throwaway() {
		// The command may hold a password: only its redacted form is kept.
		params["mode"], params["persistence"], params["restart_cmd"] = recovery.ModeCmd, "external", recovery.RedactCommand(restartCmd)
		params["host_crash"] = c.Bool("host-crash")
	}
	info, _ := t.Info(c.Context)
	rec, runErr := recovery.Run(c.Context, ropts)

	run := results.NewRun(results.Meta{
		RunID:  "recover-" + start.UTC().Format("20060102-150405"),
		Name:   "recover",
		Tool:   results.Tool{Version: version, Commit: commit, GoVersion: runtime.Version()},
		Host:   results.HostInfo(),
		Start:  start,
		End:    time.Now(),
		Target: info,
		Config: t.Config.Map(),
		Workload: results.Workload{
			Name:        "recover",
			Seed:        c.Int64("seed"),
			Connections: c.Int("writers"),
			Keys:        int64(c.Int("keys")),
			Rate:        c.Float64("write-rate"),
			Encodings:   []string{codec.Name()},
			Params:      params,
			Node:        workloads.NodeMeta(ncfg, layout.Prefix()),
		},
	})
	run.Warnings = append(run.Warnings, notes...)
	run.Recovery = rec
	if rec == nil || !rec.Judged() {
		// An unjudged recovery fails every gate threshold, not only recovery.*.
		run.Incomplete = append(run.Incomplete, "recovery incomplete")
		if rec != nil {
			run.Incomplete = append(run.Incomplete, rec.Reasons...)
		}
	}
	if rec != nil {
		// The startup loads stay in the recovery section, per cycle: the
		// run-level Startup list is for `rbench run`'s single load.
		printRecovery(c.App.Writer, rec)
	}
	path, werr := writeRunResults(c, run, start)
	if werr == nil {
		fmt.Fprintf(c.App.Writer, "results: %s\n", path)
	}
	switch {
	case rec == nil:
		return failure(errors.Join(errors.New("recovery produced no results"), runErr, werr))
	case rec.Verdict == results.RecoveryPass && runErr == nil:
		if werr != nil {
			return failure(werr)
		}
		return nil
	case rec.Verdict == results.RecoveryFail && runErr == nil:
		return failure(errors.Join(fmt.Errorf("recovery failed: %s", strings.Join(rec.Reasons, "; ")), werr))
	}
	return failure(errors.Join(fmt.Errorf("recovery incomplete: %s", strings.Join(rec.Reasons, "; ")), werr))
}

// checkRecover checks recover's flags, the configuration and the output
// path together and reports every problem at once, before anything starts.
func checkRecover(c *cli.Context) (localredis.Persistence, node.Config, error) {
	in := newInputs(c)
	in.oneOf("mode", recovery.ModeKill, recovery.ModeGraceful)
	persistence, err := localredis.ParsePersistence(c.String("persistence"))
	if err != nil {
		in.add(fmt.Errorf("--persistence: %w", err))
	}
	for _, f := range []string{"cycles", "keys", "writers"} {
		if c.Int(f) < 1 {
			in.bad("--%s %d: allowed: an integer >= 1", f, c.Int(f))
		}
	}
	if r := c.Float64("write-rate"); !(r > 0 && r <= 1e9) {
		in.bad("--write-rate %v: allowed: a positive number of calls per second", r)
	}
	in.positiveDuration("restart-timeout")
	in.nonNegativeDuration("loss-window")
	var ncfg node.Config
	in.add(applyNodeFlags(c, &ncfg))
	if c.Bool("host-crash") && strings.TrimSpace(c.String("restart-cmd")) == "" {
		in.bad("--host-crash describes what --restart-cmd does; a throwaway server is only ever killed or shut down (drop --host-crash or give --restart-cmd)")
	}
	if cfg := in.config(); cfg != nil && len(cfg.Encodings) > 1 {
		in.bad("--encoding/RBENCH_ENCODING %s: recover writes one encoding; give msgpack or json", strings.Join(cfg.Encodings, ","))
	}
	in.connection()
	in.resultsOutput()
	return persistence, ncfg, in.err()
}

// refuseExternal explains why rbench will not restart an external server,
// with its persistence settings when it answers.
func refuseExternal(c *cli.Context, cfg *config.Config) error {
	opts, err := targetOptions(c, cfg.Logger(io.Discard))
	if err != nil {
		return recovery.ErrExternalNoCmd
	}
	opts.Retries = -1
	t, err := connect.Open(c.Context, cfg, opts)
	if err != nil {
		return recovery.ErrExternalNoCmd
	}
	defer t.Close()
	s := recovery.ServerSettings(c.Context, t.Client)
	return fmt.Errorf("%w. Its persistence (from %s): appendonly %s, appendfsync %s, save %q, which amounts to %s",
		recovery.ErrExternalNoCmd, s.Source, s.AppendOnly, s.AppendFsync, s.Save, recovery.PersistenceOf(s))
}

func printRecovery(w io.Writer, rec *results.Recovery) {
	// Prose lines wrap at the terminal's width as the table fits it.
	width := termtable.Width(w)
	say := func(format string, a ...any) {
		_ = termtable.Paragraph(w, "", strings.TrimSuffix(fmt.Sprintf(format, a...), "\n"), 2, width)
	}
	planned := rec.CyclesPlanned
	if planned == 0 {
		planned = len(rec.Cycles)
	}
	flavour := rec.Node
	if flavour == "" {
		flavour = string(node.Python)
	}
	say("recover: %d of %d cycles, node %s, mode %s, persistence %s (server: appendonly %s, appendfsync %s, save %q; from %s)\n",
		len(rec.Cycles), planned, flavour, rec.Mode, rec.Persistence, rec.Server.AppendOnly, rec.Server.AppendFsync, rec.Server.Save, rec.Server.Source)
	if rec.RestartCmd != "" {
		say("restart command: %s\n", rec.RestartCmd)
	}
	if rec.Promise != "" {
		say("promise checked: %s\n", rec.Promise)
	}
	// Fitted to 120 columns: headers wrap, and columns that say nothing
	// (no damage, no writer failures) are left out.
	t := termtable.Table{Head: []string{"cycle", "died", "port open", "ready", "server load", "startup seq", "startup conc", "trading ready",
		"acked tx", "writer failures", "verified keys", "lost", "excused", "damaged", "verdict"}, Wrap: []int{1}, Keep: []int{11, 12}}
	dash := func(n int64) string {
		if n == 0 {
			return "-"
		}
		return strconv.FormatInt(n, 10)
	}
	sec := func(v float64) string { return fmt.Sprintf("%.3fs", v) }
	for _, cy := range rec.Cycles {
		load := "?"
		if cy.LoadSec >= 0 {
			load = sec(cy.LoadSec)
		}
		died := "?"
		if cy.DiedBy != "" {
			died = fmt.Sprintf("%s (%s)", sec(cy.DiedSec), cy.DiedBy)
		}
		var damaged int64
		for _, ig := range cy.Integrity {
			damaged += ig.Corrupt + ig.WrongType
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(cy.Cycle), died, sec(cy.PortOpenSec), sec(cy.ReadySec), load, sec(cy.StartupSequentialSec), sec(cy.StartupConcurrentSec), sec(cy.TradingReadySec),
			strconv.FormatInt(cy.Acknowledged, 10), dash(cy.WriteErrors), strconv.FormatInt(cy.Verified, 10), strconv.FormatInt(cy.Lost, 10), strconv.FormatInt(cy.LostWithinWindow, 10), dash(damaged), cy.Verdict})
	}
	_ = t.Write(w, termtable.Width(w))
	for _, cy := range rec.Cycles {
		if cy.RunIDAfter != "" && cy.RunIDAfter != cy.RunIDBefore {
			say("cycle %d: restarted: run_id %s -> %s, up %d s\n", cy.Cycle, cy.RunIDBefore, cy.RunIDAfter, cy.UptimeAfterSec)
		}
		if cy.Promise != "" && cy.Promise != rec.Promise {
			say("cycle %d: promise checked: %s\n", cy.Cycle, strings.TrimPrefix(cy.Promise, rec.Promise+"; "))
		}
		if cy.Lost+cy.LostWithinWindow > 0 {
			say("cycle %d: %d acknowledged items lost (%d that nothing in the persistence policy explains, %d excused by the promise), acknowledged between %.3fs and %.3fs before the crash\n",
				cy.Cycle, cy.Lost+cy.LostWithinWindow, cy.LostUnexplained, cy.LostWithinWindow, cy.LostFirstSec, cy.LostLastSec)
		}
		if cy.LostFollowOn > 0 {
			say("cycle %d: %d appends answered 0 because their list was already gone (they changed nothing; the list's loss is counted)\n", cy.Cycle, cy.LostFollowOn)
		}
		for _, ex := range cy.Examples {
			say("  cycle %d: %s\n", cy.Cycle, ex)
		}
	}
	for _, n := range rec.Notes {
		say("note: %s", n)
	}
	switch rec.Verdict {
	case results.RecoveryPass:
		say("verdict: pass: no acknowledged write lost that Redis promises to keep (%s, %d excused by the promise)\n", rec.Persistence, rec.LostWithinWindow)
	case results.RecoveryFail:
		say("verdict: fail: %s\n", strings.Join(rec.Reasons, "; "))
	default:
		say("verdict: incomplete (every gate threshold on these results fails): %s\n", strings.Join(rec.Reasons, "; "))
	}
}
