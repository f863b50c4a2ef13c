package report

// Charts are modelled with go-echarts (series, axes, legend), then turned
// into a plain JSON map for what go-echarts does not model: log bases, mark
// areas, binary-unit ticks and horizontal bars. The page script only adds
// formatters, chosen by the hints in chartSpec.

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Chart heights, px.
const (
	heightLatency = 420
	heightSeries  = 340
	heightBar     = 340
	heightHeatmap = 300
)

// plotWidthPx is the narrowest plot a chart gets: the page gives a chart at
// least 600 px, less the grid's margins. Category labels that do not fit
// in it side by side turn a bar chart horizontal.
const plotWidthPx = 460

// legendWidthPx is the chart width the legend is laid out for.
const legendWidthPx = 580

// palette gives every series its own colour (Tableau 10 without its red,
// which the target line uses); light is each colour's pale partner, for
// the service time beside a response time.
var palette = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31"}

var light = map[string]string{
	"#1f77b4": "#9ec5e8", "#ff7f0e": "#ffbb78", "#2ca02c": "#98df8a", "#9467bd": "#c5b0d5",
	"#8c564b": "#c49c94", "#e377c2": "#f7b6d2", "#17becf": "#9edae5", "#bcbd22": "#dbdb8d",
	"#7f7f7f": "#c7c7c7", "#393b79": "#9c9ede", "#637939": "#b5cf6b", "#8c6d31": "#e7ba52",
}

const targetColor = "#d03030"

func color(i int) string { return palette[i%len(palette)] }

// xMark is a vertical line at X (a pass boundary); xArea shades From..To
// (a warm-up, a pass).
type (
	xMark struct {
		X     float64
		Label string
	}
	xArea struct {
		From, To float64
		Label    string
		Warmup   bool
	}
)

// line is a line chart over a numeric x axis being assembled.
type line struct {
	c      *charts.Line
	spec   chartSpec
	colors int
	// Marks drawn when the chart is registered.
	target   float64 // latency target, y
	rateLine float64 // target rate, y (a constant pacer)
	xMarks   []xMark
	xAreas   []xArea
}

// bar is a bar chart over categories being assembled.
type bar struct {
	c    *charts.Bar
	spec chartSpec
	cats []string
	// logY puts the values on a log axis (memory per collection, where one
	// collection is a hundred times the others).
	logY bool
}

func globalOpts(id string, height int, xAxis opts.XAxis, yAxis opts.YAxis) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: fmt.Sprintf("%dpx", height)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "plain", Top: "0", Left: "8"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{Left: "80", Right: "48", Top: "48", Bottom: "56"}),
		charts.WithXAxisOpts(xAxis),
		charts.WithYAxisOpts(yAxis),
	}
}

// legendRows estimates the rows a plain legend wraps into: ECharts lays it
// out in rows and does not move the grid itself.
func legendRows(names []string) int {
	rows, w := 1, 0
	for _, n := range names {
		// About 7 px per character at 12 px, plus the symbol and gap.
		iw := 7*len([]rune(n)) + 38
		if w > 0 && w+iw > legendWidthPx {
			rows++
			w = 0
		}
		w += iw
	}
	return rows
}

func seriesNames(ms charts.MultiSeries) []string {
	out := make([]string, 0, len(ms))
	for _, s := range ms {
		if s.Name != "" {
			out = append(out, s.Name)
		}
	}
	return out
}

// noAssets drops go-echarts' asset host and preset <script src> list: the
// report inlines the library itself and must never point at a CDN.
func noAssets(bc *charts.BaseConfiguration) {
	bc.AssetsHost = ""
	bc.Initialization.AssetsHost = ""
	bc.ClearPresetAssets()
}

func (b *builder) nextID() string { return fmt.Sprintf("chart-%d", len(b.charts)+1) }

// newLine starts a line chart with a numeric x axis of kind x and a y axis
// in unit y.
func (b *builder) newLine(x, xName string, y, yName string, ylog bool, height int) *line {
	id := b.nextID()
	xa := opts.XAxis{Type: "value", Name: xName, NameLocation: "middle", NameGap: 30}
	switch x {
	case axisNines:
		// One label per nine: 0, 90, 99, 99.9 ...; the page script formats them.
		xa.Min = 0
		xa.MinInterval = 1
		xa.MaxInterval = 1
	case axisSeconds:
		// Whole seconds from zero.
		xa.Min = 0
		xa.MinInterval = 1
	}
	ya := opts.YAxis{Type: "value", Name: yName}
	if ylog {
		ya.Type = "log"
	}
	c := charts.NewLine()
	c.SetGlobalOptions(globalOpts(id, height, xa, ya)...)
	noAssets(&c.BaseConfiguration)
	return &line{c: c, spec: chartSpec{ID: id, X: x, Y: y, YLog: ylog}}
}

// nextColor returns the next palette colour of this chart.
func (l *line) nextColor() string {
	c := color(l.colors)
	l.colors++
	return c
}

// add appends a series of (x, y) points in the next palette colour.
func (l *line) add(name string, pts []point) { l.addColored(name, pts, l.nextColor()) }

// addColored appends a series of (x, y) points in colour c.
func (l *line) addColored(name string, pts []point, c string) { l.addSeries(name, pts, c, "") }

// addStep appends a series drawn as steps: each point's value holds until
// the next point (a rate schedule).
func (l *line) addStep(name string, pts []point, c string) { l.addSeries(name, pts, c, "end") }

func (l *line) addSeries(name string, pts []point, c, step string) {
	data := make([]opts.LineData, len(pts))
	for i, p := range pts {
		data[i] = opts.LineData{Value: []float64{p.X, p.Y}}
	}
	l.c.AddSeries(name, data,
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(len(pts) <= 2), Step: step}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: c}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 2, Color: c}))
}

// markTarget draws the latency target as a horizontal line; the page
// script widens the y axis so the line stays in view.
func (l *line) markTarget(targetUs float64) {
	l.target = targetUs
	l.spec.Target = targetUs
}

// register finishes a chart's option and adds it to the page.
func (b *builder) register(c echartsOption, spec chartSpec, legend []string, height int, patch func(map[string]any)) *chartRef {
	c.Validate()
	opt := plain(c.JSON())
	rows := legendRows(legend)
	if len(legend) == 0 {
		rows = 0
		if l := first(opt, "legend"); l != nil {
			l["show"] = false
		}
	}
	extra := max(0, rows-1) * 24
	if g := first(opt, "grid"); g != nil {
		g["top"] = strconv.Itoa(24*max(rows, 1) + 28)
	}
	if patch != nil {
		patch(opt)
	}
	spec.Option = opt
	b.charts = append(b.charts, spec)
	return &chartRef{ID: spec.ID, Height: height + extra}
}

// plain turns go-echarts' typed option into the JSON map the browser gets.
func plain(v map[string]any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("report: chart option does not encode: %v", err)) // go-echarts options always do
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// first returns the first object of an option key that is a list of
// objects (xAxis, yAxis, grid), or the object itself.
func first(opt map[string]any, key string) map[string]any {
	switch v := opt[key].(type) {
	case []any:
		if len(v) > 0 {
			m, _ := v[0].(map[string]any)
			return m
		}
	case map[string]any:
		return v
	}
	return nil
}

func seriesList(opt map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := opt["series"].([]any)
	for _, s := range list {
		if m, ok := s.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// values collects dimension dim of every data point of every series ([x, y]
// pairs, {value: v} items or bare numbers; dim is ignored for the latter two).
func values(opt map[string]any, dim int) []float64 {
	var out []float64
	for _, s := range seriesList(opt) {
		data, _ := s["data"].([]any)
		for _, d := range data {
			if m, ok := d.(map[string]any); ok {
				d = m["value"]
			}
			switch v := d.(type) {
			case float64:
				out = append(out, v)
			case []any:
				if dim < len(v) {
					if f, ok := v[dim].(float64); ok {
						out = append(out, f)
					}
				}
			}
		}
	}
	return out
}

// addLine finishes a line chart and registers it.
func (b *builder) addLine(l *line, height int) *chartRef {
	return b.register(l.c, l.spec, seriesNames(l.c.MultiSeries), height, func(opt map[string]any) {
		xa, ya := first(opt, "xAxis"), first(opt, "yAxis")
		if l.spec.X == axisNines {
			// End at the last nine any series reaches.
			m := 2.0
			for _, x := range values(opt, 0) {
				m = math.Max(m, math.Ceil(x))
			}
			xa["max"] = m
		}
		valueAxis(ya, l.spec.Y, l.spec.YLog, values(opt, 1))
		l.applyMarks(opt)
	})
}

// applyMarks attaches the target line, the target rate and the x marks to
// a series of their own, so they need no data series and show in no
// legend.
func (l *line) applyMarks(opt map[string]any) {
	var lines, areas []any
	if l.target > 0 {
		lines = append(lines, map[string]any{
			"yAxis": l.target, "name": "target " + fmtUsShort(l.target),
			"label":     map[string]any{"show": true, "position": "insideEndTop", "formatter": "target " + fmtUsShort(l.target), "color": targetColor},
			"lineStyle": map[string]any{"color": targetColor, "type": "solid", "width": 2},
		})
	}
	if l.rateLine > 0 {
		lines = append(lines, map[string]any{
			"yAxis": l.rateLine, "name": "target rate",
			"label":     map[string]any{"show": true, "position": "insideEndTop", "formatter": "target " + fmtRate(l.rateLine) + "/s", "color": targetColor},
			"lineStyle": map[string]any{"color": targetColor, "type": "dashed", "width": 1.5},
		})
	}
	for _, m := range l.xMarks {
		lines = append(lines, map[string]any{
			"xAxis": m.X, "name": m.Label,
			"label":     map[string]any{"show": m.Label != "", "position": "insideEndTop", "formatter": m.Label, "color": "#555"},
			"lineStyle": map[string]any{"color": "#888", "type": "solid", "width": 1},
		})
	}
	for _, a := range l.xAreas {
		fill := "rgba(36, 87, 166, 0.06)"
		if a.Warmup {
			fill = "rgba(120, 120, 120, 0.14)"
		}
		areas = append(areas, []any{
			map[string]any{"xAxis": a.From, "name": a.Label, "itemStyle": map[string]any{"color": fill},
				"label": map[string]any{"show": a.Label != "", "position": "insideTop", "color": "#555", "fontSize": 11}},
			map[string]any{"xAxis": a.To},
		})
	}
	if len(lines) == 0 && len(areas) == 0 {
		return
	}
	s := map[string]any{"type": "line", "name": "", "data": []any{}, "silent": true, "tooltip": map[string]any{"show": false}}
	if len(lines) > 0 {
		s["markLine"] = map[string]any{"symbol": []string{"none", "none"}, "silent": true, "data": lines, "animation": false}
	}
	if len(areas) > 0 {
		s["markArea"] = map[string]any{"silent": true, "data": areas}
	}
	list, _ := opt["series"].([]any)
	opt["series"] = append(list, s)
}

// newBar starts a bar chart over categories, in unit y. Categories whose
// labels would not fit side by side under the plot turn it horizontal
// (categories down the left), so no label overlaps another.
func (b *builder) newBar(categories []string, y, yName string, height int) *bar {
	id := b.nextID()
	c := charts.NewBar()
	c.SetGlobalOptions(globalOpts(id, height, opts.XAxis{Type: "category", Data: categories}, opts.YAxis{Type: "value", Name: yName})...)
	c.SetXAxis(categories)
	noAssets(&c.BaseConfiguration)
	return &bar{c: c, cats: categories, spec: chartSpec{ID: id, X: axisCategory, Y: y}}
}

// labelsFit reports whether category labels fit side by side in a plot
// plotWidthPx wide at 12 px (about 7 px a character plus a gap).
func labelsFit(cats []string) bool {
	if len(cats) == 0 {
		return true
	}
	per := float64(plotWidthPx) / float64(len(cats))
	for _, c := range cats {
		if float64(7*len([]rune(c))+12) > per {
			return false
		}
	}
	return true
}

// add appends a series with one value per category; NaN leaves a gap.
func (br *bar) add(name string, vals []float64) {
	data := make([]opts.BarData, len(vals))
	for i, v := range vals {
		if math.IsNaN(v) {
			data[i] = opts.BarData{Value: "-"}
			continue
		}
		data[i] = opts.BarData{Value: v}
	}
	n := len(br.c.MultiSeries)
	br.c.AddSeries(name, data, charts.WithItemStyleOpts(opts.ItemStyle{Color: color(n)}))
}

// addBar finishes a bar chart and registers it; height is the chart's
// height when vertical.
func (b *builder) addBar(br *bar, height int) *chartRef {
	horizontal := !labelsFit(br.cats)
	if horizontal {
		br.spec.Horizontal = true
		// A bar per series per category, 10 px each, and room between.
		n := max(1, len(br.c.MultiSeries))
		height = max(height, len(br.cats)*(n*10+14)+110)
	}
	if br.logY {
		br.spec.YLog = true
	}
	return b.register(br.c, br.spec, seriesNames(br.c.MultiSeries), height, func(opt map[string]any) {
		xa, ya := first(opt, "xAxis"), first(opt, "yAxis")
		// Every category keeps its label: they fit, or run down the left.
		xa["axisLabel"] = map[string]any{"interval": 0, "hideOverlap": false}
		valueAxis(ya, br.spec.Y, br.logY, values(opt, 0))
		if !horizontal {
			return
		}
		// Swap the axes: categories down the left, first at the top.
		name, _ := ya["name"].(string)
		delete(ya, "name")
		ya["nameLocation"] = "middle"
		ya["name"] = name
		ya["nameGap"] = 30
		xa["inverse"] = true
		xa["axisLabel"] = map[string]any{"interval": 0, "hideOverlap": false}
		opt["xAxis"], opt["yAxis"] = []any{ya}, []any{xa}
		if g := first(opt, "grid"); g != nil {
			g["containLabel"] = true
			g["left"] = "8"
			g["bottom"] = "40"
		}
		opt["tooltip"] = map[string]any{"show": true, "trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}}
	})
}

// valueAxis gives a value axis ticks a reader can take in: binary-unit
// byte ticks at round values (0, 256 KiB, 512 KiB, 768 KiB, 1 MiB), and
// on a log byte axis powers of 2, 4, 32 or 1024 instead of powers of ten.
func valueAxis(ax map[string]any, unit string, log bool, vals []float64) {
	if ax == nil || unit != unitBytes {
		return
	}
	lo, hi := math.Inf(1), 0.0
	for _, v := range vals {
		if v > 0 {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if hi == 0 {
		return
	}
	if log {
		ax["logBase"] = logBase(lo, hi)
		return
	}
	step := binaryStep(hi)
	ax["interval"] = step
	ax["min"] = 0
	ax["max"] = math.Ceil(hi/step) * step
}

// binaryStep is the tick interval of a linear byte axis up to hi: 1, 2,
// 4 ... 512 times a binary unit (B, KiB, MiB, GiB), giving 4 to 8 ticks.
func binaryStep(hi float64) float64 {
	unit := 1.0
	for unit*1024 <= hi {
		unit *= 1024
	}
	for m := 1.0; m <= 512; m *= 2 {
		if step := m * unit; hi/step <= 8 {
			return step
		}
	}
	return 1024 * unit
}

// logBase picks the log axis base for bytes from lo to hi: the smallest of
// 2, 4, 32 and 1024 that needs at most 8 ticks.
func logBase(lo, hi float64) int {
	span := math.Log2(hi/lo) + 2 // ECharts widens the range to whole powers
	for _, k := range []int{1, 2, 5} {
		if span/float64(k) <= 8 {
			return 1 << k
		}
	}
	return 1024
}

// heatmap is a heat map of counts over seconds (x) and latency bands (y).
type heatmap struct {
	c    *charts.HeatMap
	spec chartSpec
}

// newHeatmap builds a heat map: cells are [x index, y index, count].
// Colour follows log10(count + 1) so a handful of slow operations in a
// stalled second shows beside thousands of fast ones.
func (b *builder) newHeatmap(xCats, yCats []string, cells [][3]int64) *heatmap {
	id := b.nextID()
	c := charts.NewHeatMap()
	var top float64
	data := make([]opts.HeatMapData, len(cells))
	for i, v := range cells {
		shade := math.Log10(float64(v[2]) + 1)
		top = math.Max(top, shade)
		data[i] = opts.HeatMapData{Value: []any{v[0], v[1], round4(shade), v[2]}}
	}
	c.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: fmt.Sprintf("%dpx", heightHeatmap)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithGridOpts(opts.Grid{Left: "80", Right: "48", Top: "28", Bottom: "56"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: xCats, Name: "second", NameLocation: "middle", NameGap: 30}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: yCats}),
		charts.WithVisualMapOpts(opts.VisualMap{Type: "continuous", Min: 0, Max: float32(math.Max(top, 1)), Dimension: "2", Show: opts.Bool(false),
			InRange: &opts.VisualMapInRange{Color: []string{"#f7fbff", "#9ecae1", "#3182bd", "#08306b"}}}),
	)
	c.SetXAxis(xCats)
	c.AddSeries("operations", data)
	noAssets(&c.BaseConfiguration)
	return &heatmap{c: c, spec: chartSpec{ID: id, X: axisSeconds, Y: unitLevel, Heatmap: true}}
}

func (b *builder) addHeatmap(h *heatmap) *chartRef {
	return b.register(h.c, h.spec, nil, heightHeatmap, func(opt map[string]any) {
		if g := first(opt, "grid"); g != nil {
			g["top"] = "16"
		}
		// Let ECharts thin the labels of long axes: every second and every
		// band would not fit.
		first(opt, "xAxis")["axisLabel"] = map[string]any{"hideOverlap": true}
		first(opt, "yAxis")["axisLabel"] = map[string]any{"hideOverlap": true}
		first(opt, "xAxis")["splitArea"] = map[string]any{"show": false}
	})
}

// echartsOption is what go-echarts' charts offer once configured.
type echartsOption interface {
	Validate()
	JSON() map[string]any
}
