package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/gate"
	"github.com/rbench/rbench/report"
)

// reportGate is the gate's report as the HTML report draws it.
func reportGate(rep gate.Report) *report.Gate {
	g := &report.Gate{Summary: rep.Summary()}
	for _, r := range rep.Results {
		g.Checks = append(g.Checks, report.GateCheck{Name: r.Name, Threshold: r.Threshold, Actual: r.ActualText(), Status: r.Verdict()})
	}
	return g
}

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write a self-contained HTML report of one or more result files",
		ArgsUsage: "RESULTS.json...",
		UsageText: `rbench report RESULTS.json... [-o report.html] [--name NAME]... [--target 1ms] [--title TEXT]

Examples:
  rbench report results/run-20261125-160000-trading/results.json -o report.html
  rbench report baseline.json current.json -o compare.html   # overlaid, baseline first`,
		Description: `One HTML file with everything inside it (the chart library, styles and data),
so it opens offline and can be attached to a ticket or a CI job. It opens with the
answer: a verdict per encoding and class (PASS, FAIL, INVALID with the reason, or no
verdict on too few samples; recover's and plan's verdicts and dangers), then the
validity notes, then the details: latency percentile distributions per op kind on a
"nines" axis (one per step of a step schedule), throughput against the target rate
and latency over time with a heat map, msgpack vs JSON, startup load, recovery
cycles, Redis's own view and the run's metadata, each chart beside a table of its
exact numbers. Several files are overlaid, each series named after its file (or
--name). With --thresholds FILE or -t EXPR (rbench gate's grammar) the gate's
verdicts on the last file are drawn at the top. Exits 2 when a result file is
unreadable or a threshold malformed, 1 when the report cannot be written.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "report.html", Usage: "write the report to `FILE`"},
			&cli.StringSliceFlag{Name: "name", Usage: "series `NAME` of each result file, in order (default: the file's base name)"},
			&cli.DurationFlag{Name: "target", Value: report.DefaultTarget, Usage: "p99 `LATENCY` reads and writes must stay under; drawn on every latency chart"},
			&cli.StringFlag{Name: "title", Value: report.DefaultTitle, Usage: "page `TITLE`"},
			thresholdFlag(), thresholdsFlag(),
			&cli.BoolFlag{Name: "allow-few-samples", Usage: "with thresholds: skip, instead of failing, a percentile with too few samples"},
			&cli.BoolFlag{Name: "allow-partial", Usage: "with thresholds: judge a partial or invalid run instead of failing every threshold"},
		},
		Action: func(c *cli.Context) error {
			paths, err := positionalArgs(c)
			if err != nil {
				return err
			}
			in := newInputs(c)
			if err := report.CheckChartLibrary(); err != nil {
				// Before the files are read: nothing this build does can help.
				return usageError(fmt.Errorf("report: %s", noChartLibraryFix))
			}
			if len(paths) == 0 {
				in.bad("no result files given: rbench report RESULTS.json... -o report.html")
			}
			names := c.StringSlice("name")
			if len(names) == 0 {
				names = report.NamesFromPaths(paths)
			} else if len(names) != len(paths) {
				in.bad("%d --name values for %d result files: give one per file, in order, or none", len(names), len(paths))
			}
			if c.Duration("target") <= 0 {
				in.bad("--target %v: give a positive latency such as 1ms", c.Duration("target"))
			}
			ths := readThresholds(c, in)
			out := c.String("out")
			in.outputFile("out", out)
			runs, err := in.loadResults(paths)
			if err != nil {
				return err
			}
			if err := in.err(); err != nil {
				return err
			}
			opts := report.Options{Names: names, Target: c.Duration("target"), Title: c.String("title")}
			if len(ths) > 0 {
				// The gate's verdicts on the last file (the current run,
				// after its baseline), drawn at the top.
				rep := gate.EvaluateWith(runs[len(runs)-1], ths, gate.Options{AllowFewSamples: c.Bool("allow-few-samples"), AllowPartial: c.Bool("allow-partial")})
				opts.Gate = reportGate(rep)
			}
			if err := interruptible(c.Context, func() error { return report.WriteFile(out, runs, opts) }); err != nil {
				if errors.As(err, new(*exitError)) {
					return err // interrupted
				}
				return failure(err)
			}
			fmt.Fprintf(c.App.Writer, "report: %s\n", out)
			return nil
		},
	}
}
