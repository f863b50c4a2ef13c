package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/results"
)

func mergeCommand() *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "merge result files: concurrent load generators (rates add) or repeats of one run (mean rate)",
		ArgsUsage: "RESULTS.json...",
		UsageText: `rbench merge A.json B.json ... -o merged.json [--as concurrent|repeats] [--force]

Examples:
  rbench merge gen1/run.json gen2/run.json -o merged.json          # two generators at once
  rbench merge monday.json tuesday.json -o repeats.json           # the same run, twice
  rbench merge --as repeats a.json b.json -o m.json               # say it when the times cannot
  rbench gate --threshold 'write.p99<1ms' merged.json`,
		Description: `merge tells from the files' measured windows how the runs relate:

  concurrent  windows that overlap by at least half of the shorter one: load
              generators run at the same time against one target. Counts,
              rates, connections and target rates add up; per-second series
              are merged second by second (aligned on the wall clock).
  repeats     windows one after another: the same run made again. Counts add
              up (more samples of one distribution), the rate is the mean of
              the runs' rates, each run's own figures are kept under "repeats"
              (the spread between them), and the per-second series follow
              each other.

Windows that overlap only in part, or a mix of both, are refused: say --as.
Runs of different workloads or specifications (connections, pipeline, rate,
keys, duration, encodings, params; seeds, trader ids and threads may differ)
are refused, naming what differs, unless --force.

Either way the HDR histograms are merged losslessly and every percentile is
recomputed from the merged histogram (never averaged); validity findings of
every input are kept and the verdicts decided again. meta.sources lists the
input files and meta.merge says how they were merged. Exits 2 when an input is
unreadable or cannot be merged.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the merged results to `FILE` (required)"},
			&cli.StringFlag{Name: "as", Usage: "how the runs relate: concurrent or repeats (default: from their measured times)"},
			&cli.BoolFlag{Name: "force", Usage: "merge runs of different workloads or specifications (the differences are written to the warnings)"},
		},
		Action: func(c *cli.Context) error {
			paths, err := positionalArgs(c)
			if err != nil {
				return err
			}
			in := newInputs(c)
			out := c.String("out")
			if out == "" {
				in.bad("missing --out FILE (-o): where to write the merged results")
			}
			if len(paths) == 0 {
				in.bad("no result files given: rbench merge A.json B.json -o merged.json")
			}
			as := c.String("as")
			if as != "" && as != results.MergeConcurrent && as != results.MergeRepeats {
				in.bad("--as %q: want %s or %s", as, results.MergeConcurrent, results.MergeRepeats)
			}
			in.outputFile("out", out)
			runs, err := in.loadResults(paths)
			if err != nil {
				return err
			}
			if err := in.err(); err != nil {
				return err
			}
			var m *results.Run
			err = interruptible(c.Context, func() (err error) {
				m, err = results.MergeWith(results.MergeOptions{As: as, Force: c.Bool("force"), Sources: paths}, runs...)
				return err
			})
			if err != nil {
				if errors.As(err, new(*exitError)) {
					return err
				}
				return usageError(fmt.Errorf("merge: %w", err))
			}
			m.Meta.Sources = paths
			attachNoise(c, m, runs)
			if err := m.WriteFile(out); err != nil {
				return failure(err)
			}
			var n int64
			for _, op := range m.Ops {
				n += op.Count
			}
			how := "as concurrent generators (rates add)"
			if m.Meta.Merge == results.MergeRepeats {
				how = "as repeats (rates are the mean)"
			}
			fmt.Fprintf(c.App.Writer, "merged %d runs %s (%d op kinds, %d ops) into %s\n", len(runs), how, len(m.Ops), n, out)
			for _, p := range m.Pacing {
				fmt.Fprintf(c.App.Writer, "  %s: achieved %.0f ops/s", p.Encoding, p.AchievedRate)
				if p.TargetRate > 0 {
					fmt.Fprintf(c.App.Writer, " of %.0f", p.TargetRate)
				}
				if m.Meta.Merge == results.MergeRepeats {
					fmt.Fprintf(c.App.Writer, " (%s)", repeatSpread(m, p.Encoding))
				}
				fmt.Fprintln(c.App.Writer)
			}
			for _, w := range m.Warnings {
				fmt.Fprintf(c.App.ErrWriter, "rbench: merge: %s\n", w)
			}
			return nil
		},
	}
}

// repeatSpread lists each repeat's achieved rate for one encoding.
func repeatSpread(m *results.Run, enc string) string {
	var parts []string
	for _, r := range m.Repeats {
		for _, p := range r.Pacing {
			if p.Encoding == enc {
				parts = append(parts, fmt.Sprintf("%.0f", p.AchievedRate))
			}
		}
	}
	return "each run: " + strings.Join(parts, ", ")
}

// positionalArgs returns the command's file arguments and applies flags
// written after them (`rbench gate run.json --threshold ...`): urfave/cli v2
// stops parsing flags at the first argument.
func positionalArgs(c *cli.Context) ([]string, error) {
	takesValue := map[string]bool{}
	canonical := map[string]string{}
	for _, f := range c.Command.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
			// urfave keeps an alias's value apart from its flag's once
			// parsing is over; commands read flags by their first name.
			canonical[n] = f.Names()[0]
		}
	}
	var pos []string
	args := c.Args().Slice()
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		tv, known := takesValue[name]
		if !known {
			return nil, usageError(fmt.Errorf("flag provided but not defined: %s", a))
		}
		switch {
		case !tv && !hasValue:
			value = "true"
		case tv && !hasValue:
			if i+1 >= len(args) {
				return nil, usageError(fmt.Errorf("flag needs an argument: %s", a))
			}
			i++
			value = args[i]
		}
		if err := c.Set(canonical[name], value); err != nil {
			return nil, usageError(fmt.Errorf("invalid value %q for flag %s: %w", value, a, err))
		}
	}
	return pos, nil
}
