package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/gate"
)

func compareCommand() *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "compare two runs per op kind and percentile, marking noise",
		ArgsUsage: "A.json B.json",
		UsageText: `rbench compare [--noise 5%] [--format markdown] [--match op] A.json B.json

Examples:
  rbench compare main.json branch.json
  rbench compare --match op msgpack.json json.json   # the same call kinds across encodings
  rbench compare --noise 3% --format markdown base.json run.json >> "$GITHUB_STEP_SUMMARY"`,
		Description: `For each class (write, read, startup) and op kind with its encoding: p50, p90,
p99, p99.9, p99.99 and max response time and the rate in both runs, and the
change from A to B in percent. Changes within --noise either way read "~ noise";
others "better" or "worse" (a higher rate is better); a percentile with too
few samples to judge in either run (p99 needs 1,000, p99.9 10,000) reads n/a
and "too few samples". Class figures come from the merged histograms. To fail
CI on a regression use rbench gate --baseline. --match op pairs the op kinds by
name alone, whatever their encoding, so a msgpack run and a JSON run compare
call for call (add_order msgpack→json); the class rows merge every encoding.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "noise", Value: "5%", Usage: "changes within this `BAND` are noise"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or markdown"},
			&cli.StringFlag{Name: "match", Value: "encoding", Usage: "pair op kinds by `WHAT`: encoding (op and encoding) or op (the name alone, across encodings)"},
		},
		Action: func(c *cli.Context) error {
			paths, err := positionalArgs(c)
			if err != nil {
				return err
			}
			in := newInputs(c)
			if len(paths) != 2 {
				in.bad("give exactly two result files: rbench compare A.json B.json")
			}
			noise, err := gate.ParsePercent(c.String("noise"))
			if err != nil {
				in.add(fmt.Errorf("--noise: %w", err))
			}
			format := in.oneOf("format", "text", "markdown", "md")
			match := in.oneOf("match", "encoding", "op")
			runs, err := in.loadResults(paths)
			if err != nil {
				return err
			}
			if err := in.err(); err != nil {
				return err
			}
			changes := gate.CompareWith(runs[0], runs[1], gate.CompareOptions{Noise: noise, MatchOp: match == "op"})
			if format == "text" {
				err = gate.WriteCompare(c.App.Writer, changes, paths[0], paths[1])
			} else {
				err = gate.WriteCompareMarkdown(c.App.Writer, changes, paths[0], paths[1])
			}
			if err != nil {
				return failure(err)
			}
			return nil
		},
	}
}
