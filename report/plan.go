package report

// The plan section: `rbench plan` projections and curves (its verdict and
// dangers open the page, in the summary).

import (
	"math"
	"sort"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/rbench/rbench/results"
)

// plan shows `rbench plan` projections: what the expected history needs in
// memory and on disk, per encoding, and the dangers the planner found.
func (b *builder) plan() section {
	s := section{ID: "plan", Title: "Capacity plan", Notes: []string{"Projected from the measured scales to the expected trading history (rbench plan); see the run's plan for the models and their fit."}}
	type proj struct {
		run int
		p   results.PlanProjection
	}
	var ps []proj
	for i, r := range b.runs {
		if r.Plan == nil {
			continue
		}
		for _, p := range r.Plan.Projections {
			ps = append(ps, proj{i, p})
		}
	}
	if len(ps) == 0 {
		s.Blocks = append(s.Blocks, b.planCurves()...)
		return s
	}
	cats := make([]string, len(ps))
	for i, p := range ps {
		cats[i] = b.name(p.run, encodingLabel(p.p.Encoding))
	}
	br := b.newBar(cats, unitBytes, "", heightBar)
	for _, m := range []struct {
		name string
		get  func(results.PlanProjection) int64
	}{
		{"dataset (used_memory)", func(p results.PlanProjection) int64 { return p.DatasetBytes }},
		{"RSS", func(p results.PlanProjection) int64 { return p.RSSBytes }},
		{"memory needed (with fork headroom)", func(p results.PlanProjection) int64 { return p.MemoryNeededBytes }},
		{"AOF disk peak", func(p results.PlanProjection) int64 { return p.AOFDiskPeakBytes }},
	} {
		vals := make([]float64, len(ps))
		for i, p := range ps {
			vals[i] = float64(m.get(p.p))
		}
		br.add(m.name, vals)
	}
	t := table{Caption: "the projection; extrapolation is how far beyond the largest measured scale it reaches", Head: []string{"series", "orders", "dataset", "RSS", "fork headroom", "memory needed", "AOF", "AOF disk peak", "AOF load", "trading-ready", "extrapolation"}}
	ct := table{Caption: "projected per collection", Head: []string{"series", "collection", "units", "unit", "memory", "AOF"}}
	var notes []string
	for _, p := range ps {
		name := b.name(p.run, encodingLabel(p.p.Encoding))
		var ready []string
		styles := make([]string, 0, len(p.p.ReadySec))
		for st := range p.p.ReadySec {
			styles = append(styles, st)
		}
		sort.Strings(styles)
		for _, st := range styles {
			ready = append(ready, st+" "+fmtUs(p.p.ReadySec[st]*1e6))
		}
		bc := func(v int64) cell { return bytesCell(float64(v)) }
		t.Rows = append(t.Rows, []cell{text(name), inum(p.p.Profile.Orders), bc(p.p.DatasetBytes), bc(p.p.RSSBytes), bc(p.p.ForkHeadroomBytes), bc(p.p.MemoryNeededBytes), bc(p.p.AOFBytes), bc(p.p.AOFDiskPeakBytes), secs(p.p.AOFLoadSec), text(strings.Join(ready, ", ")), text(fmtNum(p.p.Extrapolation) + "x")})
		for _, c := range p.p.Collections {
			ct.Rows = append(ct.Rows, []cell{text(name), text(c.Collection), inum(int64(math.Round(c.Units))), text(c.Unit), bc(c.MemoryBytes), bc(c.AOFBytes)})
		}
		for _, n := range p.p.Notes {
			notes = append(notes, b.name(p.run, p.p.Encoding, n))
		}
	}
	s.Blocks = append(s.Blocks, block{Title: "Projected memory and disk", Chart: b.addBar(br, heightBar), Tables: []table{t, ct}, List: notes})
	s.Blocks = append(s.Blocks, b.planCurves()...)
	return s
}

// The plan's measured points, fitted lines and projected points: memory
// and restart-to-ready time against dataset size. Points and fits of the
// whole dataset carry the collection name "total".
const planTotal = "total"

// planCurves returns the plan's "against size" blocks and its fits table;
// nothing when no run has fitted plan points.
func (b *builder) planCurves() []block {
	var out []block
	// Charts take their ids when registered, so each is built once its
	// series are known.
	var memSeries, readySeries []func(*line)
	memTable := table{Caption: "memory against size: measured, fitted and projected", Head: []string{"series", "keys", "measured", "fitted", "kind"}}
	readyTable := table{Caption: "restart to trading-ready against size: measured, fitted and projected", Head: []string{"series", "keys", "measured", "fitted", "kind"}}
	fits := table{Caption: "every fitted figure (y = a + b·x, or a·x^b for a power law)", Head: []string{"series", "collection", "figure", "x unit", "model", "a", "b", "R²", "max residual %", "points", "x from", "x to"}}
	color := 0
	for i, r := range b.runs {
		if r.Plan == nil || len(r.Plan.Fits) == 0 {
			continue
		}
		p := r.Plan
		for _, f := range p.Fits {
			fig := f.Figure
			if f.Style != "" {
				fig += " " + f.Style
			}
			fits.Rows = append(fits.Rows, []cell{text(b.name(i, f.Encoding)), text(f.Collection), text(fig), text(f.XUnit), text(f.Fit.Model),
				num(f.Fit.A), num(f.Fit.B), num(f.Fit.R2), num(100 * f.Fit.MaxRelResidual), inum(int64(f.Fit.N)), num(f.Fit.MinX), num(f.Fit.MaxX)})
		}
		for _, enc := range p.Encodings {
			name := b.name(i, enc)
			pr := planProjection(p, enc)
			memFit, ok := planFit(p, enc, planTotal, results.FigureMemory, "")
			if ok {
				pts := planPoints(p, enc, planTotal, results.FigureMemory, "")
				var projX, projY float64
				if pr != nil {
					projX, projY = projectedKeys(pr), float64(pr.DatasetBytes)
				}
				col := color
				memSeries = append(memSeries, func(l *line) { addPlanSeries(l, name, pts, memFit.Predict, projX, projY, col) })
				for _, pt := range pts {
					memTable.Rows = append(memTable.Rows, []cell{text(name), inum(int64(pt.X)), bytesCell(pt.Y), bytesCell(memFit.Predict(pt.X)), text("measured")})
				}
				if projX > 0 {
					memTable.Rows = append(memTable.Rows, []cell{text(name), inum(int64(projX)), muted("-"), bytesCell(projY), text("projected")})
				}
			}
			aofFit, okA := planFit(p, enc, planTotal, results.FigureAOF, "")
			loadFit, okL := planFit(p, enc, planTotal, results.FigureAOFLoad, "")
			for si, style := range []string{"sequential", "concurrent"} {
				styleFit, okS := planFit(p, enc, planTotal, results.FigureLoad, style)
				if !okA || !okL || !okS {
					continue
				}
				predict := func(x float64) float64 {
					return math.Max(0, loadFit.Predict(math.Max(0, aofFit.Predict(x)))) + math.Max(0, styleFit.Predict(x))
				}
				var pts []point
				for _, lp := range plannedPoints(p, enc, planTotal, results.FigureLoad, style) {
					if al, ok := aofLoadAt(p, enc, lp.Scale); ok {
						pts = append(pts, point{lp.X, lp.Y + al})
					}
				}
				var projX, projY float64
				if pr != nil {
					if v, ok := pr.ReadySec[style]; ok {
						projX, projY = projectedKeys(pr), v
					}
				}
				sname := joinName(name, style)
				col := color + si
				readySeries = append(readySeries, func(l *line) { addPlanSeries(l, sname, pts, predict, projX, projY, col) })
				for _, pt := range pts {
					readyTable.Rows = append(readyTable.Rows, []cell{text(sname), inum(int64(pt.X)), secs(pt.Y), secs(predict(pt.X)), text("measured")})
				}
				if projX > 0 {
					readyTable.Rows = append(readyTable.Rows, []cell{text(sname), inum(int64(projX)), muted("-"), secs(projY), text("projected")})
				}
			}
			color += 2
		}
	}
	if len(memSeries) > 0 {
		mem := b.newLogX("keys in the dataset", unitBytes, "used_memory")
		for _, add := range memSeries {
			add(mem)
		}
		out = append(out, block{Title: "Memory against size", Note: "Dots are measured scales, the line is the fitted model, the diamond the projection for the profile (log axes).",
			Chart: b.addLine(mem, heightSeries), Tables: []table{memTable}})
	}
	if len(readySeries) > 0 {
		ready := b.newLogX("keys in the dataset", unitSec, "seconds")
		for _, add := range readySeries {
			add(ready)
		}
		out = append(out, block{Title: "Restart to trading-ready against size", Note: "Redis's AOF load plus the node's startup load, per style: measured, fitted and projected (log axes).",
			Chart: b.addLine(ready, heightSeries), Tables: []table{readyTable}})
	}
	if len(fits.Rows) > 0 {
		out = append(out, block{Title: "Fitted models", Tables: []table{fits}})
	}
	return out
}

// newLogX starts a line chart with log axes (the projection sits far
// beyond the measured scales).
func (b *builder) newLogX(xName, y, yName string) *line {
	id := b.nextID()
	xa := opts.XAxis{Type: "log", Name: xName, NameLocation: "middle", NameGap: 30}
	ya := opts.YAxis{Type: "log", Name: yName}
	c := charts.NewLine()
	c.SetGlobalOptions(globalOpts(id, heightSeries, xa, ya)...)
	noAssets(&c.BaseConfiguration)
	return &line{c: c, spec: chartSpec{ID: id, X: axisKeys, Y: y, YLog: true}}
}

// addPlanSeries draws the measured points, the fitted line from the
// smallest scale to the projection (or the largest scale) and the
// projected point, in one colour.
func addPlanSeries(l *line, name string, pts []point, predict func(float64) float64, projX, projY float64, color int) {
	if len(pts) == 0 {
		return
	}
	c := palette[color%len(palette)]
	sort.Slice(pts, func(i, j int) bool { return pts[i].X < pts[j].X })
	lo, hi := pts[0].X, pts[len(pts)-1].X
	if projX > hi {
		hi = projX
	}
	var fitted []opts.LineData
	const steps = 24
	for k := 0; k <= steps; k++ {
		x := lo * math.Pow(hi/lo, float64(k)/steps)
		if y := predict(x); y > 0 {
			fitted = append(fitted, opts.LineData{Value: []float64{x, y}})
		}
	}
	measured := make([]opts.LineData, 0, len(pts))
	for _, p := range pts {
		if p.Y > 0 {
			measured = append(measured, opts.LineData{Value: []float64{p.X, p.Y}})
		}
	}
	l.c.AddSeries(name+" measured", measured,
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "circle", SymbolSize: 9}),
		// Measured points are dots: the line between them is hidden.
		charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0), Color: c}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: c}))
	l.c.AddSeries(name+" fitted", fitted,
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 2, Type: "dashed", Color: c}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: c}))
	if projX > 0 && projY > 0 {
		l.c.AddSeries(name+" projected", []opts.LineData{{Value: []float64{projX, projY}}},
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "diamond", SymbolSize: 16}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: c}))
	}
}

func planFit(p *results.Plan, enc, coll, fig, style string) (results.Fit, bool) {
	for _, f := range p.Fits {
		if f.Encoding == enc && f.Collection == coll && f.Figure == fig && f.Style == style {
			return f.Fit, true
		}
	}
	return results.Fit{}, false
}

// plannedPoint is a measured point with its scale.
type plannedPoint struct {
	Scale int64
	X, Y  float64
}

func planPoints(p *results.Plan, enc, coll, fig, style string) []point {
	var out []point
	for _, pt := range plannedPoints(p, enc, coll, fig, style) {
		out = append(out, point{pt.X, pt.Y})
	}
	return out
}

func plannedPoints(p *results.Plan, enc, coll, fig, style string) []plannedPoint {
	var out []plannedPoint
	for _, pt := range p.Points {
		if pt.Encoding == enc && pt.Collection == coll && pt.Figure == fig && pt.Style == style {
			out = append(out, plannedPoint{pt.Scale, pt.X, pt.Y})
		}
	}
	return out
}

// aofLoadAt is the AOF load time measured at a scale.
func aofLoadAt(p *results.Plan, enc string, scale int64) (float64, bool) {
	for _, pt := range p.Points {
		if pt.Encoding == enc && pt.Collection == planTotal && pt.Figure == results.FigureAOFLoad && pt.Scale == scale {
			return pt.Y, true
		}
	}
	return 0, false
}

func planProjection(p *results.Plan, enc string) *results.PlanProjection {
	for i := range p.Projections {
		if p.Projections[i].Encoding == enc {
			return &p.Projections[i]
		}
	}
	return nil
}

// projectedKeys is the keys of a projected dataset: the keys the startup
// load reads (orders, positions, instruments, accounts); the index and
// currency keys are a few dozen.
func projectedKeys(pr *results.PlanProjection) float64 {
	p := pr.Profile
	return float64(p.Orders + p.Positions + p.Instruments + p.Accounts)
}
