package plan

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/rbench/rbench/internal/termtable"

	"github.com/rbench/rbench/plan/capacity"
	"github.com/rbench/rbench/results"
)

// WriteTable prints the plan: one row per fitted figure (cost per unit,
// model, R², largest residual, projection), then the projection of each
// encoding and the dangers.
func WriteTable(w io.Writer, res *Result) error {
	// Fitted to the terminal (120 columns): the model and the projection wrap.
	t := termtable.Table{Head: []string{"encoding", "collection", "figure", "per unit", "model", "R²", "max resid", "projected"}, Wrap: []int{4, 7}}
	for _, f := range sortedFits(res.Plan.Fits) {
		pr := projection(res.Plan.Projections, f.Encoding)
		r2 := strconv.FormatFloat(f.Fit.R2, 'f', 4, 64)
		if SingleX(f.Fit) {
			r2 = "- (one x)"
		}
		t.Rows = append(t.Rows, []string{f.Encoding, f.Collection, figureName(f), perUnit(f), modelText(f.Fit), r2, fmt.Sprintf("%.1f%%", 100*f.Fit.MaxRelResidual), projected(f, pr)})
	}
	if err := t.Write(w, termtable.Width(w)); err != nil {
		return err
	}
	for _, pr := range res.Plan.Projections {
		p := pr.Profile
		fmt.Fprintln(w)
		_ = termtable.Paragraph(w, "", fmt.Sprintf("projection (%s) for %d orders (%.1f events each), %d positions, %d instruments, %d accounts x %d account events:",
			pr.Encoding, p.Orders, p.EventsPerOrder, p.Positions, p.Instruments, p.Accounts, p.AccountEvents), 2, termtable.Width(w))
		pt := termtable.Table{Head: []string{"", "", ""}, Wrap: []int{2}}
		row := func(name, value, why string) { pt.Rows = append(pt.Rows, []string{"  " + name, value, why}) }
		row("dataset (used_memory)", capacity.Bytes(pr.DatasetBytes), "")
		row("memory needed", capacity.Bytes(pr.MemoryNeededBytes), fmt.Sprintf("(RSS %s at fragmentation %.2f + %s copy-on-write headroom for an AOF rewrite at share %.2f)",
			capacity.Bytes(pr.RSSBytes), pr.Fragmentation, capacity.Bytes(pr.ForkHeadroomBytes), pr.ForkCopyShare))
		row("AOF on disk", capacity.Bytes(pr.AOFBytes), fmt.Sprintf("(rewritten size; up to %s between and during rewrites)", capacity.Bytes(pr.AOFDiskPeakBytes)))
		row("AOF load at restart", seconds(pr.AOFLoadSec), "")
		styles := make([]string, 0, len(pr.ReadySec))
		for s := range pr.ReadySec {
			styles = append(styles, s)
		}
		sort.Strings(styles)
		for _, s := range styles {
			row("restart to trading-ready, "+s, seconds(pr.ReadySec[s]), fmt.Sprintf("(AOF load + the node's %s startup load)", s))
		}
		if pr.Maxmemory > 0 {
			days := ""
			if pr.MaxRetentionDays > 0 {
				days = fmt.Sprintf(" (%.1f days at %d orders a day)", pr.MaxRetentionDays, p.OrdersPerDay)
			}
			row("largest history under maxmemory "+capacity.Bytes(pr.Maxmemory), fmt.Sprintf("%d orders%s", pr.MaxOrders, days), "")
		}
		if pr.Extrapolation > 0 {
			row("extrapolation", fmt.Sprintf("%.1fx", pr.Extrapolation), "(the projection's largest x over the largest measured)")
		}
		// No header line: the rows are name, value and why.
		var buf strings.Builder
		if err := pt.Write(&buf, termtable.Width(w)); err != nil {
			return err
		}
		_, body, _ := strings.Cut(buf.String(), "\n")
		if _, err := io.WriteString(w, body); err != nil {
			return err
		}
		for _, n := range pr.Notes {
			_ = termtable.Paragraph(w, "  note: ", n, 8, termtable.Width(w))
		}
	}
	if len(res.Plan.Dangers) > 0 {
		fmt.Fprintln(w, "\ndangers:")
		for _, d := range res.Plan.Dangers {
			_ = termtable.Paragraph(w, "  - ", d.Message, 4, termtable.Width(w))
		}
	} else {
		fmt.Fprintln(w, "\ndangers: none found")
	}
	for _, n := range res.Notes {
		_ = termtable.Paragraph(w, "note: ", n, 6, termtable.Width(w))
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
