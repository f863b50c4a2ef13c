package plan

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/rbench/rbench/plan/capacity"
	"github.com/rbench/rbench/results"
)

// WriteTable prints the plan: one row per fitted figure (cost per unit,
// model, R², largest residual, projection), then the projection of each
// encoding and the dangers.
func WriteTable(w io.Writer, res *Result) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "encoding\tcollection\tfigure\tper unit\tmodel\tR²\tmax resid\tprojected")
	for _, f := range sortedFits(res.Plan.Fits) {
		pr := projection(res.Plan.Projections, f.Encoding)
		r2 := strconv.FormatFloat(f.Fit.R2, 'f', 4, 64)
		if SingleX(f.Fit) {
			r2 = "- (one x)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.1f%%\t%s\n",
			f.Encoding, f.Collection, figureName(f), perUnit(f), modelText(f.Fit), r2, 100*f.Fit.MaxRelResidual, projected(f, pr))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, pr := range res.Plan.Projections {
		p := pr.Profile
		fmt.Fprintf(w, "\nprojection (%s) for %d orders (%.1f events each), %d positions, %d instruments, %d accounts x %d account events:\n",
			pr.Encoding, p.Orders, p.EventsPerOrder, p.Positions, p.Instruments, p.Accounts, p.AccountEvents)
		tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
		fmt.Fprintf(tw, "  dataset (used_memory)\t%s\n", capacity.Bytes(pr.DatasetBytes))
		fmt.Fprintf(tw, "  memory needed\t%s\t(RSS %s at fragmentation %.2f + %s copy-on-write headroom for an AOF rewrite at share %.2f)\n",
			capacity.Bytes(pr.MemoryNeededBytes), capacity.Bytes(pr.RSSBytes), pr.Fragmentation, capacity.Bytes(pr.ForkHeadroomBytes), pr.ForkCopyShare)
		fmt.Fprintf(tw, "  AOF on disk\t%s\t(rewritten size; up to %s between and during rewrites)\n", capacity.Bytes(pr.AOFBytes), capacity.Bytes(pr.AOFDiskPeakBytes))
		fmt.Fprintf(tw, "  AOF load at restart\t%s\n", seconds(pr.AOFLoadSec))
		styles := make([]string, 0, len(pr.ReadySec))
		for s := range pr.ReadySec {
			styles = append(styles, s)
		}
		sort.Strings(styles)
		for _, s := range styles {
			fmt.Fprintf(tw, "  restart to trading-ready, %s\t%s\t(AOF load + the node's %s startup load)\n", s, seconds(pr.ReadySec[s]), s)
		}
		if pr.Maxmemory > 0 {
			days := ""
			if pr.MaxRetentionDays > 0 {
				days = fmt.Sprintf(" (%.1f days at %d orders a day)", pr.MaxRetentionDays, p.OrdersPerDay)
			}
			fmt.Fprintf(tw, "  largest history under maxmemory %s\t%d orders%s\n", capacity.Bytes(pr.Maxmemory), pr.MaxOrders, days)
		}
		if pr.Extrapolation > 0 {
			fmt.Fprintf(tw, "  extrapolation\t%.1fx\t(the projection's largest x over the largest measured)\n", pr.Extrapolation)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, n := range pr.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
	if len(res.Plan.Dangers) > 0 {
		fmt.Fprintln(w, "\ndangers:")
		for _, d := range res.Plan.Dangers {
			fmt.Fprintf(w, "  - %s\n", d.Message)
		}
	} else {
		fmt.Fprintln(w, "\ndangers: none found")
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
}

// figureOrder ranks figures for the table.
var figureOrder = map[string]int{
	results.FigureMemory: 0, results.FigureAOF: 1, FigureAOFLogged: 2,
	results.FigureAOFLoad: 3, FigureReady: 4, results.FigureLoad: 5,
}

func sortedFits(fits []results.PlanFit) []results.PlanFit {
	out := append([]results.PlanFit(nil), fits...)
	collRank := func(c string) int {
		for i, m := range Modelled {
			if m == c {
				return i
			}
		}
		if c == Total {
			return -1
		}
		return len(Modelled)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Encoding != b.Encoding {
			return false // keep the encodings in the order measured
		}
		if figureOrder[a.Figure] != figureOrder[b.Figure] {
			return figureOrder[a.Figure] < figureOrder[b.Figure]
		}
		if collRank(a.Collection) != collRank(b.Collection) {
			return collRank(a.Collection) < collRank(b.Collection)
		}
		return a.Style < b.Style
	})
	return out
}

func figureName(f results.PlanFit) string {
	switch f.Figure {
	case results.FigureMemory:
		return "memory"
	case results.FigureAOF:
		return "AOF rewritten"
	case FigureAOFLogged:
		return "AOF logged"
	case results.FigureAOFLoad:
		return "AOF load"
	case FigureReady:
		return "restart ready"
	case results.FigureLoad:
		return "startup load " + f.Style
	}
	return f.Figure
}

// unitName is the singular of a model's x unit.
func unitName(u string) string {
	switch u {
	case capacity.UnitOrders:
		return "order"
	case capacity.UnitPositions:
		return "position"
	case capacity.UnitInstruments:
		return "instrument"
	case capacity.UnitAccountEvents:
		return "account event"
	case capacity.UnitKeys:
		return "key"
	case capacity.UnitBytes:
		return "MiB"
	}
	return u
}

// Slope is a fit's cost per unit at its largest measured x: B for a
// linear fit, the derivative A·B·x^(B-1) for a power law.
func Slope(f results.Fit) float64 {
	if f.Model == results.ModelPower && f.MaxX > 0 {
		return f.Predict(f.MaxX) * f.B / f.MaxX
	}
	return f.B
}

func perUnit(f results.PlanFit) string {
	s := Slope(f.Fit)
	u := unitName(f.XUnit)
	switch f.Figure {
	case results.FigureMemory, results.FigureAOF, FigureAOFLogged:
		return fmt.Sprintf("%s/%s", bytesPer(s), u)
	case results.FigureAOFLoad, FigureReady:
		return fmt.Sprintf("%s/MiB", seconds(s*(1<<20)))
	case results.FigureLoad:
		return fmt.Sprintf("%s/%s", seconds(s), u)
	}
	return strconv.FormatFloat(s, 'g', 4, 64)
}

func bytesPer(v float64) string {
	if v < 10*1024 && v > -10*1024 {
		return strconv.FormatFloat(v, 'f', 1, 64) + " B"
	}
	return capacity.Bytes(int64(v))
}

func modelText(f results.Fit) string {
	if f.Model == results.ModelPower {
		return fmt.Sprintf("power^%.2f", f.B)
	}
	if SingleX(f) {
		return "per unit"
	}
	return f.Model
}

func projection(prs []results.PlanProjection, enc string) *results.PlanProjection {
	for i := range prs {
		if prs[i].Encoding == enc {
			return &prs[i]
		}
	}
	return nil
}

// projected is the projection of the row's figure, when the projection
// has one.
func projected(f results.PlanFit, pr *results.PlanProjection) string {
	if pr == nil {
		return "-"
	}
	switch {
	case f.Collection == Total && f.Figure == results.FigureMemory:
		return capacity.Bytes(pr.DatasetBytes) + " used_memory"
	case f.Collection == Total && f.Figure == results.FigureAOF:
		return capacity.Bytes(pr.AOFBytes)
	case f.Figure == results.FigureAOFLoad:
		return seconds(pr.AOFLoadSec)
	case f.Figure == results.FigureLoad:
		if v, ok := pr.ReadySec[f.Style]; ok {
			return seconds(v-pr.AOFLoadSec) + " (ready " + seconds(v) + ")"
		}
	case f.Figure == results.FigureMemory || f.Figure == results.FigureAOF:
		for _, c := range pr.Collections {
			if c.Collection != f.Collection {
				continue
			}
			v := c.MemoryBytes
			if f.Figure == results.FigureAOF {
				v = c.AOFBytes
			}
			return fmt.Sprintf("%s (%s %s)", capacity.Bytes(v), strconv.FormatFloat(c.Units, 'f', 0, 64), strings.ReplaceAll(c.Unit, "_", " "))
		}
	}
	return "-"
}

// seconds prints a duration in seconds the way people read it.
func seconds(s float64) string {
	switch {
	case s >= 100:
		return strconv.FormatFloat(s, 'f', 0, 64) + " s"
	case s >= 1:
		return strconv.FormatFloat(s, 'f', 2, 64) + " s"
	case s >= 1e-3:
		return strconv.FormatFloat(s*1e3, 'f', 2, 64) + " ms"
	default:
		return strconv.FormatFloat(s*1e6, 'f', 2, 64) + " µs"
	}
}
