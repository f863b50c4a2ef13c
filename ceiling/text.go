package ceiling

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

import "github.com/rbench/rbench/results"

// WriteTable prints the searches side by side, then the projections and
// their assumptions.
func WriteTable(w io.Writer, c *results.Ceiling) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "find-max %s (node %s): lag p99 target %s; %s steps, %d repeats each, %.0f%% precision\n",
		c.Workload, c.Node, fmtUs(c.TargetP99Us), fmtSec(c.StepSec), c.Repeats, 100*c.Precision)
	fmt.Fprintln(tw, "buffer\tceiling/s\tnext failed/s\tlag p50\tlag p99\tlag bound\tcalls/flush p50\tbusy\tcrash-loss p99\tworst\tcalls at risk\tfailed because")
	for _, s := range c.Searches {
		row := []string{intervalText(s.BufferIntervalMS), fmtRate(s.Found), "none", "-", "-", fmtUs(s.LagBoundUs), "-", "-", "-", "-", "-", "-"}
		if s.Failed > 0 {
			row[2] = fmtRate(s.Failed)
		}
		if p := s.AtCeiling; p != nil {
			row[3], row[4] = fmtUs(p.Lag.P50), fmtUs(p.Lag.P99)
			if p.CallsPerFlush != nil {
				row[6] = fmt.Sprintf("%.0f", p.CallsPerFlush.P50)
			} else if s.BufferIntervalMS == 0 {
				row[6] = "1 (each cmd its tx)"
			}
			row[7] = fmt.Sprintf("%.0f%%", 100*p.Busy)
			row[8], row[9] = fmtUs(p.CrashLossUs), fmtUs(p.CrashLossMaxUs)
			row[10] = fmt.Sprintf("%.0f", p.CallsAtRisk)
		}
		if len(s.FailedBecause) > 0 {
			row[11] = s.FailedBecause[0]
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range c.Searches {
		fmt.Fprintf(w, "  %s: %s\n", intervalText(s.BufferIntervalMS), s.Confidence)
	}
	if err := writeSaturation(w, c); err != nil {
		return err
	}
	fmt.Fprintln(w, "  crash-loss window: a call is lost by a crash of the node from its cache call until its MULTI/EXEC's reply, i.e. for its lag (which holds the wait for the flush); p99 is the lag p99 at the ceiling, worst the lag max, calls at risk the ceiling x the p99 window")
	if len(c.Projections) == 0 {
		return nil
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "projection\tRTT\tcall cost\tcapacity/s\tceiling/s\tlag p50\tlag p99\tlag p99 floor\tnote")
	for _, p := range c.Projections {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", intervalText(p.BufferIntervalMS), fmtUs(p.RTTUs), fmtUs(p.CallCostUs),
			fmtRate(p.Capacity), fmtRate(p.Ceiling), fmtUs(p.LagP50Us), fmtUs(p.LagP99Us), fmtUs(p.LagFloorP99Us), p.Note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "  assumptions of the projection:")
	for _, a := range c.Assumptions {
		fmt.Fprintf(w, "  - %s\n", a)
	}
	return nil
}

// writeSaturation prints each search's saturation rate, where searched.
func writeSaturation(w io.Writer, c *results.Ceiling) error {
	searched := false
	for _, s := range c.Searches {
		searched = searched || s.Saturation != nil
	}
	if !searched {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "saturation\tkeeps up to/s\tqueue grew at/s\tx ceiling\tlag p50\tlag p99\tbusy\tfailed because")
	for _, s := range c.Searches {
		sat := s.Saturation
		if sat == nil {
			continue
		}
		row := []string{intervalText(s.BufferIntervalMS), fmtRate(sat.Found), "none", "-", "-", "-", "-", "-"}
		if sat.Failed > 0 {
			row[2] = fmtRate(sat.Failed)
		}
		if s.Found > 0 && sat.Found > 0 {
			row[3] = fmt.Sprintf("%.1f", sat.Found/s.Found)
		}
		if p := sat.AtCeiling; p != nil {
			row[4], row[5], row[6] = fmtUs(p.Lag.P50), fmtUs(p.Lag.P99), fmt.Sprintf("%.0f%%", 100*p.Busy)
		}
		if len(sat.FailedBecause) > 0 {
			row[7] = sat.FailedBecause[0]
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range c.Searches {
		if s.Saturation != nil {
			fmt.Fprintf(w, "  %s saturation: %s\n", intervalText(s.BufferIntervalMS), s.Saturation.Confidence)
		}
	}
	fmt.Fprintln(w, "  saturation: the highest rate at which the writer still keeps up (its queue does not grow), however late; above it the queue, the lag and the crash-loss window grow without bound")
	return nil
}

func intervalText(ms float64) string {
	if ms == 0 {
		return "unbuffered"
	}
	return fmtUs(ms*1e3) + " buffer"
}

func fmtSec(s float64) string { return fmtUs(s * 1e6) }
