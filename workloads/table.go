package workloads

import (
	"fmt"
	"io"
	"strings"

	"time"

	"github.com/rbench/rbench/internal/termtable"

	"github.com/rbench/rbench/results"
)

// WriteTable prints the final table of a run: per op kind and encoding the
// sample count, rate, response-time and service-time percentiles, errors,
// and the verdict of the response-time p99 against targetP99 (zero: 1 ms).
// A percentile below its sample floor (results.MinSamples) reads "n/a", and
// an op with too few samples for the p99 gets "too few samples" instead of
// PASS or FAIL; an op of a pass the validity checks found invalid gets
// "INVALID". The footer gives the verdict per encoding and class, the
// validity findings (the reason a verdict is INVALID, and warnings), the
// pacing (target and achieved rate, dropped operations, the generator's own
// send lateness), one writer line per write pass (the node writer's mode,
// transactions, busy share, lag and queue) and errors. It returns whether
// every op kind passed.
func WriteTable(w io.Writer, run *results.Run, targetP99 time.Duration) (bool, error) {
	if targetP99 <= 0 {
		targetP99 = DefaultTargetP99
	}
	var problems []results.Problem
	if run.Validity != nil {
		problems = run.Validity.Problems
	}
	var b strings.Builder
	// Fitted to the terminal (120 columns): columns that say nothing (no
	// errors, no percentile with enough samples) are left out, and when
	// every op's service time equals its response time (closed loop, or a
	// paced run that never sent late) the two are one set of columns.
	head := []string{"op", "encoding", "count", "ops/s", "response p50", "p99", "p99.9", "max", "service p50", "p99", "p99.9", "max", "errors", "p99<" + fmtDur(targetP99)}
	same := len(run.Ops) > 0
	for _, op := range run.Ops {
		same = same && op.Service == op.Response
	}
	t := termtable.Table{Head: head, Keep: []int{0, 1, 2, 3, 13}, NoWrap: true}
	allPass := true
	for _, op := range run.Ops {
		verdict := "-" // startup commands are judged by total load time
		if op.Class != results.ClassStartup {
			v := results.JudgeOp(op, problems, targetP99)
			verdict = verdictLabel(v.Verdict)
			if v.Verdict == results.VerdictTooFew {
				verdict = "too few" // samples: the footer says so
			}
			allPass = allPass && v.Verdict == results.VerdictPass
		}
		errs := "-"
		if op.Errors > 0 {
			errs = fmt.Sprint(op.Errors)
		}
		t.Rows = append(t.Rows, []string{op.Name, op.Encoding, fmt.Sprint(op.Count), fmt.Sprintf("%.0f", op.Rate),
			pctUs(op.Response.P50, 0.5, op.Count), pctUs(op.Response.P99, 0.99, op.Count),
			pctUs(op.Response.P999, 0.999, op.Count), fmtUs(op.Response.Max),
			pctUs(op.Service.P50, 0.5, op.Count), pctUs(op.Service.P99, 0.99, op.Count),
			pctUs(op.Service.P999, 0.999, op.Count), fmtUs(op.Service.Max),
			errs, verdict})
	}
	if same {
		t.Head[4] = "p50"
		for i := range t.Rows {
			for c := 8; c <= 11; c++ {
				t.Rows[i][c] = "" // the same figures as the response columns
			}
		}
	}
	width := termtable.Width(w)
	if err := t.Write(&b, width); err != nil {
		return false, err
	}
	tableEnd := b.Len()
	if same {
		b.WriteString("latency: response time = service time (closed loop, or nothing was sent late), shown once\n")
	}
	if below := belowFloor(run.Ops); below {
		fmt.Fprintf(&b, "n/a, too few: fewer samples than the percentile needs (p50 %d, p99 %d, p99.9 %d); no verdict is drawn from them\n",
			results.MinSamples(0.5), results.MinSamples(0.99), results.MinSamples(0.999))
	}
	for _, v := range run.Verdicts {
		fmt.Fprintf(&b, "verdict %s %ss: %s\n", v.Encoding, v.Class, verdictLine(v))
	}
	for _, p := range problems {
		label := "WARNING"
		if p.Severity == results.SeverityInvalid {
			label = "INVALID"
		}
		fmt.Fprintf(&b, "%s: %s\n", label, p.Message)
	}
	for _, p := range run.Pacing {
		if p.Mode != "open" {
			if p.Unanswered > 0 {
				fmt.Fprintf(&b, "%s: %d operations sent were still unanswered %s after the end\n", p.Encoding, p.Unanswered, fmtDur(replyGrace))
			}
			continue
		}
		fmt.Fprintf(&b, "pacing %s: %s, target %.0f ops/s, achieved %.0f ops/s", p.Encoding, p.Pacer, p.TargetRate, p.AchievedRate)
		if p.TargetRate > 0 && p.AchievedRate < results.MinAchievedShare*p.TargetRate {
			b.WriteString(" (target NOT reached)")
		}
		switch {
		case p.Drain:
			b.WriteString(", backlog drained (--drain)")
		case p.Scheduled > 0:
			fmt.Fprintf(&b, ", %d of %d due operations sent, %d dropped", p.Sent, p.Scheduled, p.Dropped)
		}
		if p.Unanswered > 0 {
			fmt.Fprintf(&b, ", %d unanswered at the end", p.Unanswered)
		}
		fmt.Fprintf(&b, "; %d sends late by more than %s (worst %s)\n", p.Late, fmtUs(p.LateThresholdUs), fmtUs(p.MaxLateUs))
		if l := p.SendLate; l != nil && l.Count > 0 {
			fmt.Fprintf(&b, "sender %s: own lateness p50 %s, p99 %s, max %s (n=%d, sends not behind)", p.Encoding,
				fmtSmallUs(l.P50, 0.5, l.Count), fmtSmallUs(l.P99, 0.99, l.Count), fmtSmallUs(l.Max, 0, l.Count), l.Count)
			if p.SpinMarginUs > 0 {
				fmt.Fprintf(&b, "; active wait from %s before each due time", fmtUs(p.SpinMarginUs))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString(fleetLine(run))
	for _, wr := range run.Writer {
		b.WriteString(writerLine(wr))
		for _, n := range wr.PerNode {
			b.WriteString("  " + writerLine(n))
		}
	}
	for _, s := range run.Startup {
		fmt.Fprintf(&b, "startup load %s (%s): %.3fs, %d commands, %d bytes\n", s.Encoding, s.Style, s.TotalSec, s.Commands, s.Bytes)
	}
	for _, warn := range run.Warnings {
		fmt.Fprintf(&b, "WARNING: %s\n", warn)
	}
	e := run.Errors
	if n := totalErrors(e); n > 0 {
		fmt.Fprintf(&b, "ERRORS: %d operations failed (timeout %d, connection %d, server %d, decode %d, other %d): the figures above exclude them\n",
			n, e.Timeout, e.Connection, e.Server, e.Decode, e.Other)
	}
	// The footer's lines wrap at the table's width, continuations indented.
	var out strings.Builder
	out.WriteString(b.String()[:tableEnd])
	for _, line := range strings.Split(strings.TrimSuffix(b.String()[tableEnd:], "\n"), "\n") {
		if line != "" {
			_ = termtable.Paragraph(&out, "", line, 2, width)
		}
	}
	_, err := io.WriteString(w, out.String())
	return allPass, err
}

func verdictLabel(v string) string {
	switch v {
	case results.VerdictPass:
		return "PASS"
	case results.VerdictFail:
		return "FAIL"
	case results.VerdictInvalid:
		return "INVALID"
	case results.VerdictTooFew:
		return results.TooFewSamples
	}
	return "-"
}

// verdictLine is a class verdict with its figure and reason.
func verdictLine(v results.Verdict) string {
	target := fmtUs(v.TargetUs)
	switch v.Verdict {
	case results.VerdictPass:
		return fmt.Sprintf("PASS (p99 %s < %s, n=%d)", fmtUs(v.ValueUs), target, v.Count)
	case results.VerdictFail:
		return fmt.Sprintf("FAIL (p99 %s, target %s, n=%d): %s", fmtUs(v.ValueUs), target, v.Count, v.Reason)
	case results.VerdictTooFew:
		return fmt.Sprintf("%s (n=%d, the p99 needs %d)", results.TooFewSamples, v.Count, v.MinSamples)
	case results.VerdictInvalid:
		fig := "n/a"
		if v.ValueUs > 0 {
			fig = fmtUs(v.ValueUs)
		}
		return fmt.Sprintf("INVALID (p99 %s, n=%d): see below", fig, v.Count)
	}
	return v.Verdict
}

// pctUs formats quantile q's figure, "n/a" below its sample floor.
func pctUs(us, q float64, n int64) string {
	if !results.Enough(q, n) {
		return "n/a"
	}
	return fmtUs(us)
}

func belowFloor(ops []results.Op) bool {
	for _, op := range ops {
		if !results.Enough(0.999, op.Count) {
			return true
		}
	}
	return false
}

// fmtSmallUs formats sub-microsecond figures too (send lateness): 0.1us.
// q > 0 applies the sample floor.
func fmtSmallUs(us, q float64, n int64) string {
	if q > 0 && !results.Enough(q, n) {
		return "n/a"
	}
	if us > 0 && us < 10 {
		return fmt.Sprintf("%.1fus", us)
	}
	return fmtUs(us)
}

func fmtDur(d time.Duration) string {
	return fmtUs(float64(d) / float64(time.Microsecond))
}

// writerLine is the table's footer line of one writer section: what the
// node's writer did and how far behind it fell.
func writerLine(w results.Writer) string {
	var b strings.Builder
	mode := w.Mode
	if w.Mode == results.WriterBuffered {
		mode = "buffered " + fmtUs(w.BufferIntervalMS*1000)
	}
	who := ""
	switch {
	case w.Nodes > 0:
		who = fmt.Sprintf(" fleet of %d nodes", w.Nodes)
	case w.Node != "":
		who = " node " + w.Node
	}
	fmt.Fprintf(&b, "writer %s%s: %s, %s loop", w.Encoding, who, mode, w.Loop)
	if w.Writers != 1 {
		fmt.Fprintf(&b, ", %d writers", w.Writers)
	}
	fmt.Fprintf(&b, ", %d calls, %d tx (%.0f/s), %d cmds, busy %.0f%%, lag p50 %s p99 %s max %s (n=%d)",
		w.Calls, w.Transactions, w.TransactionsPerSec, w.Commands, 100*w.Busy,
		pctUs(w.Lag.P50, 0.5, w.Lag.Count), pctUs(w.Lag.P99, 0.99, w.Lag.Count), fmtUs(w.Lag.Max), w.Lag.Count)
	if w.Reads > 0 {
		fmt.Fprintf(&b, ", %d reads", w.Reads)
	}
	if w.CallsPerFlush != nil {
		fmt.Fprintf(&b, ", calls/flush p50 %.0f max %.0f", w.CallsPerFlush.P50, w.CallsPerFlush.Max)
	}
	if w.SplitFlushes > 0 {
		fmt.Fprintf(&b, " (%d split at %d)", w.SplitFlushes, w.MaxFlushCalls)
	}
	if w.FlushWait != nil {
		fmt.Fprintf(&b, ", flush wait p99 %s", pctUs(w.FlushWait.P99, 0.99, w.FlushWait.Count))
	}
	if w.QueueMax != nil {
		fmt.Fprintf(&b, ", queue max %d", *w.QueueMax)
	}
	b.WriteByte('\n')
	return b.String()
}

// fleetLine says what a fleet run was (rbench run --nodes): how many nodes,
// that the rate is each node's, and what they offered together.
func fleetLine(run *results.Run) string {
	wl := run.Meta.Workload
	if wl.Nodes < 2 {
		return ""
	}
	ids := wl.TraderIDs
	var b strings.Builder
	fmt.Fprintf(&b, "fleet: %d nodes", wl.Nodes)
	if len(ids) > 0 {
		fmt.Fprintf(&b, " (%s)", idRange(ids))
	}
	fmt.Fprintf(&b, ", each with its own connections (%d)", wl.Connections)
	if wl.Rate > 0 {
		fmt.Fprintf(&b, " at %.0f ops/s (--rate is per node): %.0f ops/s together", wl.Rate, wl.Rate*float64(wl.Nodes))
	}
	b.WriteString("; the op rows are the fleet's, the writer lines the fleet's then each node's\n")
	return b.String()
}
