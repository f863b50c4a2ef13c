package report

// The verdicts the banner shows. results owns the rule (results.Judge: the
// p99 of each class under each encoding from the merged histograms, failed
// operations counted as slower, no verdict below the sample floor, INVALID
// when a validity problem concerns the pass); the report decides again at
// its own target and turns each verdict into a card.

import (
	"fmt"
	"strings"
	"time"

	"github.com/rbench/rbench/results"
)

// Verdict words of the banner.
const (
	statusPass      = "PASS"
	statusFail      = "FAIL"
	statusInvalid   = "INVALID"
	statusNoVerdict = "NO VERDICT"
)

// judgement is one class's verdict in one run.
type judgement struct {
	run int
	results.Verdict
}

// problemsOf returns a run's validity problems: those it was written with
// or, for a file from before validity was recorded, the checks run now on
// a copy (the report never changes its input).
func problemsOf(r *results.Run, target time.Duration) []results.Problem {
	if r.Validity != nil {
		return r.Validity.Problems
	}
	cp := *r
	results.Assess(&cp, target)
	if cp.Validity == nil {
		return nil
	}
	return cp.Validity.Problems
}

// judge decides every verdict of the runs at the report's target, in run,
// encoding, class order.
func (b *builder) judge() []judgement {
	target := time.Duration(b.targetUs * float64(time.Microsecond))
	var out []judgement
	for i, r := range b.runs {
		for _, v := range results.Judge(r, problemsOf(r, target), target) {
			out = append(out, judgement{run: i, Verdict: v})
		}
	}
	return out
}

// card turns a verdict into its banner card.
func (b *builder) card(j judgement) card {
	c := card{Title: joinName(b.runName(j.run), j.Class+"s", encodingLabel(j.Encoding))}
	if j.ValueUs > 0 {
		c.Figure = "p99 " + fmtUs(j.ValueUs)
	}
	n := fmtCount(j.Count) + " " + j.Class + "s"
	if j.Errors > 0 {
		n += fmt.Sprintf(" and %s failed", fmtCount(j.Errors))
	}
	switch j.Verdict.Verdict {
	case results.VerdictPass:
		c.Status, c.Class = statusPass, "pass"
		c.Reason = fmt.Sprintf("under the %s target; %s", fmtUsShort(b.targetUs), n)
	case results.VerdictFail:
		c.Status, c.Class = statusFail, "fail"
		c.Reason = fmt.Sprintf("not under the %s target; %s", fmtUsShort(b.targetUs), n)
		if j.Errors > 0 && results.Beyond(j.ValueUs) {
			c.Figure = fmt.Sprintf("%s failed", fmtCount(j.Errors))
			c.Reason = "more than 1% of the operations failed, so the p99 is a failure; " + n
		}
	case results.VerdictInvalid:
		c.Status, c.Class = statusInvalid, "invalid"
		var why []string
		for _, r := range strings.Split(j.Reason, "; ") {
			// The first clause of each problem; the validity notes below
			// have them whole.
			if r != "" && !strings.HasPrefix(r, "the latencies are") {
				why = append(why, r)
			}
		}
		c.Reason = strings.Join(why, "; ") + "; not judged"
		if c.Figure != "" {
			c.Figure += " (not judged)"
		}
	default:
		c.Status, c.Class = statusNoVerdict, "none"
		c.Figure = n
		c.Reason = fmt.Sprintf("%s: a p99 needs %s", results.TooFewSamples, fmtCount(j.MinSamples))
	}
	return c
}

// encodingLabel is how an encoding reads in a title: raw workloads have no
// payload encoding to name.
func encodingLabel(enc string) string {
	if enc == "raw" {
		return ""
	}
	return enc
}

// runName is a run's name where several runs share the page, else "".
func (b *builder) runName(i int) string {
	if b.multi() {
		return b.opts.Names[i]
	}
	return ""
}
