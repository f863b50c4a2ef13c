package report

// The verdicts the banner shows, computed once from the results: per run,
// encoding and class, the p99 response time of every operation of the class
// merged, judged against the target only when the run was valid and the
// p99 rests on enough samples.

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/rbench/rbench/results"
)

// Verdict words of the banner.
const (
	statusPass       = "PASS"
	statusFail       = "FAIL"
	statusInvalid    = "INVALID"
	statusNoVerdict  = "NO VERDICT"
	statusIncomplete = "INCOMPLETE"
)

// minRateShare is the share of the target rate a paced pass must reach to
// be valid (issue 13: achieved below 95% of the target).
const minRateShare = 0.95

// judgement is the verdict on one class of one encoding of one run.
type judgement struct {
	run      int
	encoding string
	class    string
	status   string
	p99      float64 // µs
	count    int64   // operations measured
	errors   int64   // operations failed
	// exact is false when a histogram was unreadable and the worst op's
	// stored p99 stood in for the merged one.
	exact bool
	// invalid says why the run cannot be judged (rate not reached, errors).
	invalid []string
}

// encodingsOf lists a run's op encodings in order of first appearance.
func encodingsOf(r *results.Run) []string {
	var out []string
	for _, op := range r.Ops {
		if !slices.Contains(out, op.Encoding) {
			out = append(out, op.Encoding)
		}
	}
	return out
}

// judge computes every verdict of the runs, in run, encoding, class order.
func (b *builder) judge() []judgement {
	var out []judgement
	for i, r := range b.runs {
		for _, enc := range encodingsOf(r) {
			invalid := passInvalid(r, enc)
			for _, class := range []string{results.ClassWrite, results.ClassRead} {
				p99, count, errs, exact, ok := classP99(r, class, enc)
				if !ok {
					continue
				}
				j := judgement{run: i, encoding: enc, class: class, p99: p99, count: count, errors: errs, exact: exact, invalid: slices.Clone(invalid)}
				if errs > 0 {
					j.invalid = append(j.invalid, fmt.Sprintf("%s of %s %ss failed; the latency figures leave them out", fmtCount(errs), fmtCount(errs+count), class))
				}
				switch {
				case len(j.invalid) > 0:
					j.status = statusInvalid
				case !results.Enough(0.99, count):
					j.status = statusNoVerdict
				case p99 < b.targetUs:
					j.status = statusPass
				default:
					j.status = statusFail
				}
				out = append(out, j)
			}
		}
	}
	return out
}

// passInvalid says why an encoding pass of a run cannot be judged, from
// what the results hold: a paced pass that fell short of its target rate.
func passInvalid(r *results.Run, enc string) []string {
	var out []string
	for _, p := range r.Pacing {
		if p.Encoding != enc || p.Mode != "open" || p.TargetRate <= 0 {
			continue
		}
		if share := p.AchievedRate / p.TargetRate; share < minRateShare {
			out = append(out, fmt.Sprintf("target rate not reached: %s of %s ops/s (%s)", fmtRate(p.AchievedRate), fmtRate(p.TargetRate), fmtPct(share)))
		}
	}
	return out
}

// classP99 merges the response histograms of every op of a class under one
// encoding ("" for all) and returns the p99 in microseconds, the successful
// and failed operations; exact is false when a histogram was unreadable and
// the worst op's stored p99 stood in.
func classP99(r *results.Run, class, enc string) (p99 float64, count, errs int64, exact, ok bool) {
	var merged *hdrhistogram.Histogram
	exact = true
	worst := 0.0
	for _, op := range r.Ops {
		if op.Class != class || (enc != "" && op.Encoding != enc) {
			continue
		}
		ok = true
		count += op.Count
		errs += op.Errors
		worst = math.Max(worst, op.Response.P99)
		if !exact {
			continue
		}
		h, err := results.DecodeHDR(op.ResponseHDR)
		if err != nil {
			exact = false
			continue
		}
		if merged == nil {
			merged = results.NewHistogram()
		}
		merged.Merge(h)
	}
	if !ok {
		return 0, 0, 0, false, false
	}
	if exact && merged != nil && merged.TotalCount() > 0 {
		return float64(merged.ValueAtQuantile(99)), count, errs, true, true
	}
	return worst, count, errs, false, true
}

// card turns a judgement into its banner card.
func (b *builder) card(j judgement) card {
	title := joinName(b.runName(j.run), j.class+"s", encodingLabel(j.encoding))
	figure := "p99 " + fmtUs(j.p99)
	if !j.exact {
		figure += " (worst op)"
	}
	c := card{Status: j.status, Title: title, Figure: figure}
	n := fmtCount(j.count) + " " + j.class + "s"
	switch j.status {
	case statusPass:
		c.Class = "pass"
		c.Reason = fmt.Sprintf("under the %s target; %s", fmtUsShort(b.targetUs), n)
	case statusFail:
		c.Class = "fail"
		c.Reason = fmt.Sprintf("at or over the %s target; %s", fmtUsShort(b.targetUs), n)
	case statusInvalid:
		c.Class = "invalid"
		c.Reason = strings.Join(j.invalid, "; ") + "; not judged"
	case statusNoVerdict:
		c.Class = "none"
		c.Figure = n
		c.Reason = fmt.Sprintf("%s: a p99 needs %s", results.TooFewSamples, fmtCount(results.MinSamples(0.99)))
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
