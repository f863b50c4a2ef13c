package report

import (
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
)

// line is a line chart over a numeric x axis being assembled.
type line struct {
	c    *charts.Line
	spec chartSpec
	// marked records whether the target line has been attached; only the
	// first series carries it.
	marked bool
}

// bar is a bar chart over categories being assembled.
type bar struct {
	c    *charts.Bar
	spec chartSpec
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

// legendWidthPx is the chart width the legend is laid out for; the page
// gives a chart at least this much.
const legendWidthPx = 600

// fitLegend makes room above the plot for a legend that wraps: ECharts lays
// a plain legend out in rows and does not move the grid itself.
func fitLegend(bc *charts.BaseConfiguration, names []string) {
	rows, w := 1, 0
	for _, n := range names {
		// About 6 px per character at 12 px plus the symbol and gap.
		iw := 6*len([]rune(n)) + 36
		if w > 0 && w+iw > legendWidthPx {
			rows++
			w = 0
		}
		w += iw
	}
	if len(bc.GridList) > 0 {
		bc.GridList[0].Top = strconv.Itoa(24*rows + 28)
	}
}

func seriesNames(ms charts.MultiSeries) []string {
	out := make([]string, len(ms))
	for i, s := range ms {
		out[i] = s.Name
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
	if x == axisNines {
		// One label per nine: 0, 90, 99, 99.9 ...; the page script formats them.
		xa.Min = 0
		xa.MinInterval = 1
		xa.MaxInterval = 1
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

// palette is ECharts' default palette; series that belong together (an
// encoding's response and service time) share a colour from it.
var palette = []string{"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc"}

// add appends a series of (x, y) points in the next palette colour.
func (l *line) add(name string, pts []point, dashed bool) {
	l.addColored(name, pts, dashed, -1)
}

// addColored appends a series of (x, y) points; dashed draws it dashed
// (service time beside response time); color picks a palette entry, or the
// next one when negative.
func (l *line) addColored(name string, pts []point, dashed bool, color int) {
	data := make([]opts.LineData, len(pts))
	for i, p := range pts {
		data[i] = opts.LineData{Value: []float64{p.X, p.Y}}
	}
	so := []charts.SeriesOpts{
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(len(pts) <= 2)}),
	}
	ls := opts.LineStyle{Width: 2}
	if dashed {
		ls.Type = "dashed"
	}
	if color >= 0 {
		c := palette[color%len(palette)]
		ls.Color = c
		so = append(so, charts.WithItemStyleOpts(opts.ItemStyle{Color: c}))
	}
	so = append(so, charts.WithLineStyleOpts(ls))
	l.c.AddSeries(name, data, so...)
}

// markTarget draws the latency target as a horizontal line on the first
// series; the page script widens the y axis so the line stays in view.
func (l *line) markTarget(targetUs float64) {
	if l.marked || len(l.c.MultiSeries) == 0 {
		return
	}
	l.marked = true
	l.spec.Target = targetUs
	s := &l.c.MultiSeries[0]
	s.ConfigureSeriesOpts(
		charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: "target " + fmtUs(targetUs), YAxis: targetUs}),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
			Symbol:    []string{"none", "none"},
			Label:     &opts.Label{Show: opts.Bool(true), Position: "insideEndTop", Formatter: "target " + fmtUs(targetUs)},
			LineStyle: &opts.LineStyle{Color: "#d03030", Type: "solid", Width: 2},
		}),
	)
}

// done registers the chart with the page and returns its placement.
func (b *builder) addLine(l *line, height int) *chartRef {
	if l.spec.X == axisNines {
		max := 2.0
		for _, s := range l.c.MultiSeries {
			if d, ok := s.Data.([]opts.LineData); ok && len(d) > 0 {
				if v, ok := d[len(d)-1].Value.([]float64); ok {
					max = math.Max(max, math.Ceil(v[0]))
				}
			}
		}
		l.c.XAxisList[0].Max = max
	}
	fitLegend(&l.c.BaseConfiguration, seriesNames(l.c.MultiSeries))
	return b.register(l.c, l.spec, height+legendExtra(l.c.GridList[0].Top))
}

func (b *builder) newBar(categories []string, y, yName string, height int) *bar {
	id := b.nextID()
	xa := opts.XAxis{Type: "category", Data: categories, AxisLabel: &opts.AxisLabel{Interval: "0", HideOverlap: opts.Bool(false)}}
	ya := opts.YAxis{Type: "value", Name: yName}
	c := charts.NewBar()
	c.SetGlobalOptions(globalOpts(id, height, xa, ya)...)
	c.SetXAxis(categories)
	noAssets(&c.BaseConfiguration)
	return &bar{c: c, spec: chartSpec{ID: id, X: axisCategory, Y: y}}
}

// add appends a series with one value per category; NaN leaves a gap.
func (br *bar) add(name string, values []float64) {
	data := make([]opts.BarData, len(values))
	for i, v := range values {
		if math.IsNaN(v) {
			data[i] = opts.BarData{Value: "-"}
			continue
		}
		data[i] = opts.BarData{Value: v}
	}
	br.c.AddSeries(name, data)
}

func (b *builder) addBar(br *bar, height int) *chartRef {
	fitLegend(&br.c.BaseConfiguration, seriesNames(br.c.MultiSeries))
	return b.register(br.c, br.spec, height+legendExtra(br.c.GridList[0].Top))
}

// legendExtra grows a chart by the room its legend takes beyond one row, so
// the plot keeps its height.
func legendExtra(top string) int {
	n, _ := strconv.Atoi(top)
	return max(0, n-52)
}

func (b *builder) register(c echartsOption, spec chartSpec, height int) *chartRef {
	c.Validate()
	spec.Option = c.JSON()
	b.charts = append(b.charts, spec)
	return &chartRef{ID: spec.ID, Height: height}
}
