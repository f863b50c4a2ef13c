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
		Usage:     "merge result files from several load generators into one",
		ArgsUsage: "RESULTS.json...",
		UsageText: `rbench merge A.json B.json ... -o merged.json

Examples:
  rbench merge gen1/run.json gen2/run.json -o merged.json
  rbench gate --threshold 'write.p99<1ms' merged.json`,
		Description: `Per op kind and encoding the HDR histograms are merged losslessly and every
percentile is recomputed from the merged histogram (never averaged); counts,
errors, bytes and rates are summed, per-second series merged by second, and
meta.sources lists the input files. Exits 2 when an input is unreadable or
cannot be merged.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the merged results to `FILE` (required)"},
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
				m, err = results.Merge(runs...)
				return err
			})
			if err != nil {
				if errors.As(err, new(*exitError)) {
					return err
				}
				return usageError(fmt.Errorf("merge: %w", err))
			}
			m.Meta.Sources = paths
			if err := m.WriteFile(out); err != nil {
				return failure(err)
			}
			var n int64
			for _, op := range m.Ops {
				n += op.Count
			}
			fmt.Fprintf(c.App.Writer, "merged %d runs (%d op kinds, %d ops) into %s\n", len(runs), len(m.Ops), n, out)
			return nil
		},
	}
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
