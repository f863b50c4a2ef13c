package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/gate"
	"github.com/rbench/rbench/results"
)

func gateCommand() *cli.Command {
	return &cli.Command{
		Name:      "gate",
		Usage:     "pass or fail a run against thresholds and a baseline, for CI",
		ArgsUsage: "RESULTS.json...",
		UsageText: `rbench gate [--threshold EXPR]... [--thresholds FILE] [--baseline BASE.json] RESULTS.json...

Examples:
  rbench gate --threshold 'write.p99<1ms' --threshold 'read.p99.9<2ms' --threshold 'errors==0' run.json
  rbench gate --thresholds gates.txt --baseline main.json --max-regression 10% run.json
  rbench gate --thresholds gates.txt --format markdown --junit gate.xml run.json >> "$GITHUB_STEP_SUMMARY"
  rbench gate -t 'p(99)<1' -t 'write.avg<200' -t 'errors.rate<0.01' run.json   # k6's spellings`,
		Description: `A threshold is METRIC OP VALUE: write.p99<1ms, op.add_order@json.p99.9.service<=2ms,
errors==0, rate>=50000, recovery.lost==0, recovery.ready<30s. Latency metrics are
response time (from the intended send, corrected for coordinated omission) unless
suffixed .service; class percentiles come from the merged histograms. Every metric
is listed in docs/gates.md. A metric missing from the results fails.

A percentile needs ceil(10/(1-q)) samples to be judged (p50 20, p99 1,000,
p99.9 10,000, p99.99 100,000): below that its threshold reads "too few
samples" and fails, or is skipped with --allow-few-samples. late.p99 is the
load generator's own send lateness.

k6 spellings read too: p(99), avg, med, min, max, count (a bare one is over
every op: 'p(99)<1'), and a duration without a unit is milliseconds
('write.avg<200' is 200ms). errors.rate is the share of failed operations
('errors.rate<0.01'); rate is throughput in ops/s.

--baseline compares each class percentile (p50..p99.99) and rate with the
baseline as a statistical test: the change gets a confidence interval
(--confidence) from both runs' noise (the spread of their repeats, or a
block bootstrap over their per-second histograms, stored in the results),
and a check fails only when the regression is significant and its whole
interval lies beyond --max-regression; otherwise it reads "no significant
change (+x% ± y%)". Percentiles with too few samples in either run are
skipped. A partial or invalid run or baseline fails every threshold unless
--allow-partial. Several RESULTS files are merged first (concurrent
generators or repeats, as rbench merge tells them apart).

Exit codes: 0 every threshold passed, 99 a threshold failed, 2 bad input
(unreadable results, a malformed expression, shown with its column).`,
		Flags: []cli.Flag{
			thresholdFlag(), thresholdsFlag(),
			&cli.StringFlag{Name: "baseline", Usage: "compare with the baseline results `FILE`"},
			&cli.StringFlag{Name: "max-regression", Value: "10%", Usage: "with --baseline: the allowed regression `BAND`"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or markdown"},
			&cli.StringFlag{Name: "junit", Usage: "also write JUnit XML to `FILE` (one test case per threshold)"},
			&cli.BoolFlag{Name: "allow-few-samples", Usage: "skip, instead of failing, a threshold on a percentile with too few samples to judge"},
			&cli.StringFlag{Name: "confidence", Value: "95%", Usage: "with --baseline: the `CONFIDENCE` a regression must be significant at (50% to 99.99%)"},
			&cli.BoolFlag{Name: "allow-partial", Usage: "judge a partial or invalid run (cut short, a recover without a verdict, an INVALID run) instead of failing every threshold"},
			&cli.StringFlag{Name: "report", Usage: "name the HTML report `FILE` in the Markdown summary (default: report.html beside the results, when there)"},
		},
		Action: runGate,
	}
}

func runGate(c *cli.Context) error {
	paths, err := positionalArgs(c)
	if err != nil {
		return err
	}
	in := newInputs(c)
	if len(paths) == 0 {
		in.bad("no results file given: rbench gate --threshold 'write.p99<1ms' run.json")
	}
	format := in.oneOf("format", "text", "markdown", "md")
	ths := readThresholds(c, in)
	basePath := c.String("baseline")
	if len(ths) == 0 && basePath == "" && c.String("thresholds") == "" && len(c.StringSlice("threshold")) == 0 {
		in.bad("nothing to check: give --threshold EXPR, --thresholds FILE or --baseline FILE")
	}
	band, err := gate.ParsePercent(c.String("max-regression"))
	if err != nil {
		in.add(fmt.Errorf("--max-regression: %w", err))
	}
	confidence, err := gate.ParsePercent(c.String("confidence"))
	if err == nil && (confidence < 0.5 || confidence > 0.9999) {
		err = fmt.Errorf("%q is outside 50%% to 99.99%%: write e.g. 95%%", c.String("confidence"))
	}
	if err != nil {
		in.add(fmt.Errorf("--confidence: %w", err))
	}
	in.outputFile("junit", c.String("junit"))
	runs, err := in.loadResults(paths)
	if err != nil {
		return err
	}
	var base *results.Run
	if basePath != "" {
		bs, err := in.loadResults([]string{basePath})
		if err != nil {
			return err
		}
		base = bs[0]
	}
	if err := in.err(); err != nil {
		return err
	}
	run := runs[0]
	if len(runs) > 1 {
		if run, err = results.Merge(runs...); err != nil {
			return usageError(fmt.Errorf("gate: %w", err))
		}
		if run.Meta.Merge == results.MergeRepeats {
			// Repeats given together carry their spread, as rbench merge's.
			if n, err := results.EstimateNoise(run, runs, results.NoiseSeed); err == nil {
				run.Noise = n
			}
		}
	}
	allowPartial := c.Bool("allow-partial")
	rep := gate.EvaluateWith(run, ths, gate.Options{AllowFewSamples: c.Bool("allow-few-samples"), AllowPartial: allowPartial})
	if base != nil {
		br := gate.CompareBaselineWith(base, run, gate.BaselineOptions{MaxRegression: band, Confidence: confidence, AllowPartial: allowPartial})
		rep.Results = append(rep.Results, br.Results...)
		for _, w := range br.Incomplete {
			if !slices.Contains(rep.Incomplete, w) {
				rep.Incomplete = append(rep.Incomplete, w)
			}
		}
	}
	rep.Run, rep.Baseline, rep.ReportFile = strings.Join(paths, ", "), basePath, reportBeside(c.String("report"), paths[0])
	rep.Start = run.Meta.Start
	rep.AllowPartial = allowPartial
	if format == "text" {
		err = rep.WriteText(c.App.Writer)
	} else {
		err = rep.WriteMarkdown(c.App.Writer)
	}
	if err != nil {
		return failure(err)
	}
	if f := c.String("junit"); f != "" {
		var buf bytes.Buffer
		if err := rep.WriteJUnit(&buf, ""); err != nil {
			return failure(err)
		}
		if err := os.WriteFile(f, buf.Bytes(), 0o644); err != nil {
			return failure(fmt.Errorf("gate: --junit: %w", err))
		}
	}
	if !rep.Passed() {
		return &exitError{code: exitThreshold, err: fmt.Errorf("gate: %d of %d thresholds failed", rep.Failed(), len(rep.Results))}
	}
	return nil
}

// reportBeside is the report file the Markdown summary names: the one
// given, else report.html beside the results when it exists.
func reportBeside(given, results string) string {
	if given != "" {
		return given
	}
	p := filepath.Join(filepath.Dir(results), "report.html")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

func thresholdFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "threshold", Aliases: []string{"t"}, Usage: "a threshold `EXPR` such as 'write.p99<1ms' or k6's 'p(99)<1' (repeatable)"}
}

func thresholdsFlag() cli.Flag {
	return &cli.StringFlag{Name: "thresholds", Usage: "read thresholds from `FILE`: one per line, # comments, or a YAML list"}
}

// readThresholds parses --threshold and --thresholds, recording every bad
// expression in in, and prints each threshold's warning (a k6 spelling
// rbench reads otherwise) on stderr.
func readThresholds(c *cli.Context, in *inputs) []gate.Threshold {
	var ths []gate.Threshold
	for _, expr := range c.StringSlice("threshold") {
		t, err := gate.Parse(expr)
		if err != nil {
			in.add(fmt.Errorf("--threshold: %w", err))
			continue
		}
		ths = append(ths, t)
	}
	if f := c.String("thresholds"); f != "" {
		if data, ok := in.readFile("thresholds", f, maxThresholdsFile); ok {
			list, err := gate.ParseList(bytes.NewReader(data), f)
			in.add(err)
			ths = append(ths, list...)
		}
	}
	for _, t := range ths {
		if t.Warning != "" {
			fmt.Fprintf(c.App.ErrWriter, "rbench: warning: %s\n", t.Warning)
		}
	}
	return ths
}
