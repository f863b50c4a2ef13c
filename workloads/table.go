package workloads

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rbench/rbench/results"
)

// WriteTable prints the final table of a run: per op kind and encoding the
// count, rate, response-time and service-time percentiles, errors, and PASS
// or FAIL of the response-time p99 against targetP99 (zero: 1 ms). Pacing
// (open loop), one writer line per write pass (the node writer's mode,
// transactions, busy share, lag and queue) and errors follow; a run with
// errors says so on its last line.
// It returns whether every op kind passed.
func WriteTable(w io.Writer, run *results.Run, targetP99 time.Duration) (bool, error) {
	if targetP99 <= 0 {
		targetP99 = DefaultTargetP99
	}
	limit := float64(targetP99) / float64(time.Microsecond)
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "op\tencoding\tcount\tops/s\tresponse p50\tp99\tp99.9\tmax\tservice p50\tp99\tp99.9\tmax\terrors\tp99<"+fmtDur(targetP99))
	allPass := true
	for _, op := range run.Ops {
		verdict := "PASS"
		if op.Count == 0 || op.Response.P99 >= limit {
			verdict = "FAIL"
			allPass = false
		}
		if op.Class == results.ClassStartup {
			verdict = "-" // startup commands are judged by total load time
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n",
			op.Name, op.Encoding, op.Count, op.Rate,
			fmtUs(op.Response.P50), fmtUs(op.Response.P99), fmtUs(op.Response.P999), fmtUs(op.Response.Max),
			fmtUs(op.Service.P50), fmtUs(op.Service.P99), fmtUs(op.Service.P999), fmtUs(op.Service.Max),
			op.Errors, verdict)
	}
	if err := tw.Flush(); err != nil {
		return false, err
	}
	for _, p := range run.Pacing {
		if p.Mode != "open" {
			continue
		}
		fmt.Fprintf(&b, "pacing %s: %s, target %.0f ops/s, achieved %.0f ops/s, %d sends late by more than %s (worst %s)\n",
			p.Encoding, p.Pacer, p.TargetRate, p.AchievedRate, p.Late, fmtUs(p.LateThresholdUs), fmtUs(p.MaxLateUs))
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
	_, err := io.WriteString(w, b.String())
	return allPass, err
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
	fmt.Fprintf(&b, ", %d calls, %d tx (%.0f/s), %d cmds, busy %.0f%%, lag p50 %s p99 %s max %s",
		w.Calls, w.Transactions, w.TransactionsPerSec, w.Commands, 100*w.Busy,
		fmtUs(w.Lag.P50), fmtUs(w.Lag.P99), fmtUs(w.Lag.Max))
	if w.CallsPerFlush != nil {
		fmt.Fprintf(&b, ", calls/flush p50 %.0f max %.0f", w.CallsPerFlush.P50, w.CallsPerFlush.Max)
	}
	if w.SplitFlushes > 0 {
		fmt.Fprintf(&b, " (%d split at %d)", w.SplitFlushes, w.MaxFlushCalls)
	}
	if w.FlushWait != nil {
		fmt.Fprintf(&b, ", flush wait p99 %s", fmtUs(w.FlushWait.P99))
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
	fmt.Fprintf(&b, ", each with its own writer connections (%d)", wl.Connections)
	if wl.Rate > 0 {
		fmt.Fprintf(&b, " at %.0f ops/s (--rate is per node): %.0f ops/s together", wl.Rate, wl.Rate*float64(wl.Nodes))
	}
	b.WriteString("; the op rows are the fleet's, the writer lines the fleet's then each node's\n")
	return b.String()
}
