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
		UsageText: `rbench compare [--noise 5%] [--format markdown] A.json B.json

Examples:
  rbench compare main.json branch.json
  rbench compare --noise 3% --format markdown base.json run.json >> "$GITHUB_STEP_SUMMARY"`,
		Description: `For each class (write, read, startup) and op kind with its encoding: p50, p90,
p99, p99.9, p99.99 and max response time and the rate in both runs, and the
change from A to B in percent. Changes within --noise either way read "~ noise";
others "better" or "worse" (a higher rate is better); a percentile with too
few samples to judge in either run (p99 needs 1,000, p99.9 10,000) reads n/a
and "too few samples". Class figures come from the merged histograms. To fail
CI on a regression use rbench gate --baseline.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "noise", Value: "5%", Usage: "changes within this `BAND` are noise"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or markdown"},
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
			runs, err := in.loadResults(paths)
			if err != nil {
				return err
			}
			if err := in.err(); err != nil {
				return err
			}
			changes := gate.Compare(runs[0], runs[1], noise)
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
