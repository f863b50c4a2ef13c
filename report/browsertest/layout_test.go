package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/report"
	"github.com/rbench/rbench/report/internal/fixture"
	"github.com/rbench/rbench/results"
)

// Widths every report is checked and photographed at: a laptop and a
// narrow window. printWidth is an A4 page at 96 dpi less 12 mm margins.
var widths = []int{1400, 800}

const (
	viewportHeight = 900
	printWidth     = 704
)

// checkLabels reads every chart's text boxes from ECharts' own layout (the
// zrender Text elements it drew: axis labels, axis names, legend items,
// mark labels) and reports each pair that overlaps and each box that runs
// off its canvas. zrender's measured text height is unreliable headless,
// so a box is the measured width by 1.2 times the font size.
const checkLabels = `(() => {
  const overlaps = [], clipped = [];
  let texts = 0;
  for (const el of document.querySelectorAll("[data-chart]")) {
    const c = echarts.getInstanceByDom(el);
    if (!c) continue;
    const W = c.getWidth(), H = c.getHeight();
    // One box per Text element: the union of its tspans (the glyphs drawn;
    // a label given a width is wider than its text), each tspan's height
    // set from the font size about its centre, then transformed (rotated
    // labels) to page coordinates.
    const byText = new Map();
    for (const d of c.getZr().storage.getDisplayList(true)) {
      const p = d.type === "tspan" ? d.parent : null;
      if (!p || p.type !== "text") continue;
      let hidden = !p.style || !String(p.style.text || "").trim();
      for (let a = p; a && !hidden; a = a.parent) hidden = a.ignore || a.invisible;
      if (hidden) continue;
      const m = /(\d+(?:\.\d+)?)px/.exec(d.style.font || p.style.font || "");
      const fs = m ? parseFloat(m[1]) : 12;
      const r = d.getBoundingRect();
      const cy = r.y + r.height / 2, y0 = cy - fs * 0.6, y1 = cy + fs * 0.6;
      const t = d.getComputedTransform() || [1, 0, 0, 1, 0, 0];
      const xs = [], ys = [];
      for (const [x, y] of [[r.x, y0], [r.x + r.width, y0], [r.x, y1], [r.x + r.width, y1]]) {
        xs.push(t[0] * x + t[2] * y + t[4]); ys.push(t[1] * x + t[3] * y + t[5]);
      }
      const box = {x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys)};
      const cur = byText.get(p);
      if (!cur) { byText.set(p, Object.assign({t: String(p.style.text)}, box)); continue; }
      cur.x0 = Math.min(cur.x0, box.x0); cur.y0 = Math.min(cur.y0, box.y0);
      cur.x1 = Math.max(cur.x1, box.x1); cur.y1 = Math.max(cur.y1, box.y1);
    }
    const boxes = [...byText.values()].map(b => ({t: b.t, x: b.x0, y: b.y0, w: b.x1 - b.x0, h: b.y1 - b.y0}));
    texts += boxes.length;
    for (let i = 0; i < boxes.length; i++) {
      const a = boxes[i];
      if (a.x < -1 || a.y < -1 || a.x + a.w > W + 1 || a.y + a.h > H + 1) {
        clipped.push(el.id + ": " + JSON.stringify(a.t) + " runs off the " + W + "x" + H + " canvas at " + [a.x, a.y, a.w, a.h].map(Math.round).join(","));
      }
      for (let j = i + 1; j < boxes.length; j++) {
        const b = boxes[j];
        const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
        const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
        if (dx > 1 && dy > 1) overlaps.push(el.id + ": " + JSON.stringify(a.t) + " overlaps " + JSON.stringify(b.t));
      }
    }
  }
  return {texts, overlaps, clipped};
})()`

type labelState struct {
	Texts    int      `json:"texts"`
	Overlaps []string `json:"overlaps"`
	Clipped  []string `json:"clipped"`
}

// checkPrint, run with print media emulated at a page's width, lists every
// table whose columns do not all fit the page and every chart wider than
// it, after the page script has redrawn the charts for print.
const checkPrint = `(async () => {
  await new Promise(r => setTimeout(r, 300));
  const W = document.documentElement.clientWidth, out = [];
  let tables = 0;
  document.querySelectorAll("table").forEach(t => {
    tables++;
    const blk = t.closest(".block"), h = blk && blk.querySelector("h3");
    const name = (h ? h.textContent : "table") + " (" + t.rows[0].cells.length + " columns)";
    const r = t.getBoundingClientRect();
    if (r.right > W + 1) out.push(name + " ends at " + Math.round(r.right) + " px, past the " + W + " px page");
    const box = t.parentElement;
    if (t.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible") out.push(name + " is clipped: " + t.scrollWidth + " px in " + box.clientWidth);
  });
  document.querySelectorAll("[data-chart] canvas").forEach(c => {
    const r = c.getBoundingClientRect();
    if (r.right > W + 1) out.push(c.closest("[data-chart]").id + " ends at " + Math.round(r.right) + " px, past the " + W + " px page");
  });
  return {tables, problems: out};
})()`

type printState struct {
	Tables   int      `json:"tables"`
	Problems []string `json:"problems"`
}

// sectionBoxes is each section's place on the page.
const sectionBoxes = `(() => [...document.querySelectorAll("section[id]")].map(s => {
  const r = s.getBoundingClientRect();
  return {id: s.id, top: Math.round(r.top + window.scrollY), height: Math.round(r.height)};
}))()`

type sectionBox struct {
	ID     string `json:"id"`
	Top    int    `json:"top"`
	Height int    `json:"height"`
}

// reportCase is one report the layout test renders.
type reportCase struct {
	name string
	runs []*results.Run
	opts report.Options
}

func layoutCases() []reportCase {
	step := fixture.Run(fixture.Options{Name: "steps", Seconds: 12, PerSecond: 40, Steps: []int{1, 2, 4}, StepSec: 4, Stall: 9})
	step.Recovery, step.Plan, step.Startup = nil, nil, nil
	rec := fixture.Run(fixture.Options{Name: "recover", Seconds: 1, PerSecond: 10, NoSecondHistograms: true})
	rec.Ops, rec.Pacing, rec.Payloads, rec.Startup, rec.Plan, rec.Server = nil, nil, nil, nil, nil, nil
	rec.Meta.Workload = results.Workload{Name: "recover", Connections: 1, Keys: 10000, Rate: 500, Encodings: []string{"msgpack"}}
	rec.Recovery.Cycles[1].WriteErrors = 21
	plan := fixture.Run(fixture.Options{Name: "plan", Seconds: 1, PerSecond: 10, NoSecondHistograms: true})
	plan.Ops, plan.Pacing, plan.Payloads, plan.Startup, plan.Recovery, plan.Server = nil, nil, nil, nil, nil, nil
	fm := fixture.Run(fixture.Options{Name: "find-max", Seconds: 4, PerSecond: 30})
	fm.Recovery, fm.Plan, fm.Startup, fm.Payloads, fm.Server = nil, nil, nil, nil, nil
	fm = fixture.WithWriter(fm)
	return []reportCase{
		{"find-max", []*results.Run{fm}, report.Options{Title: "rbench run --find-max"}},
		{"overlay", fixtureRuns(), report.Options{Names: []string{"baseline", "current"}, Title: "rbench report: trading cache"}},
		{"step", []*results.Run{step}, report.Options{Title: "rbench report: step schedule"}},
		{"recover", []*results.Run{rec}, report.Options{Title: "rbench recover"}},
		{"plan", []*results.Run{plan}, report.Options{Title: "rbench plan"}},
	}
}

// TestReportLayoutInChromium renders a report of every kind (two runs
// overlaid with every section, a step schedule, recover, plan) and opens
// each at 1400 and 800 px: every chart drew, nothing logged an error, no
// two labels of a chart overlap and none runs off its canvas, and printed
// (print media at A4 width) every table shows every column. It saves a
// screenshot of every section at both widths.
func TestReportLayoutInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	b := sharedBrowser(t)
	for _, tc := range layoutCases() {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.name+".html")
			if err := report.WriteFile(path, tc.runs, tc.opts); err != nil {
				t.Fatal(err)
			}
			for _, w := range widths {
				t.Run(fmt.Sprint(w), func(t *testing.T) {
					v := openAt(ctx, t, b, path, w, viewportHeight)
					for _, f := range chartFailures(v.state) {
						t.Error(f)
					}
					for _, p := range v.problems {
						t.Error(p)
					}
					var ls labelState
					if err := v.page.eval(ctx, checkLabels, &ls); err != nil {
						t.Fatal(err)
					}
					if ls.Texts < 4*len(v.state.Charts) {
						t.Errorf("only %d text boxes in %d charts: the label check found no labels", ls.Texts, len(v.state.Charts))
					}
					for _, o := range ls.Overlaps {
						t.Error("labels overlap: " + o)
					}
					for _, c := range ls.Clipped {
						t.Error("label clipped: " + c)
					}
					var boxes []sectionBox
					if err := v.page.eval(ctx, sectionBoxes, &boxes); err != nil {
						t.Fatal(err)
					}
					if len(boxes) == 0 {
						t.Fatal("no sections")
					}
					for _, s := range boxes {
						shot, err := v.page.screenshot(ctx, w, s.Top, s.Height, 1)
						if err != nil {
							t.Fatalf("screenshot of %s: %v", s.ID, err)
						}
						saveArtifact(t, fmt.Sprintf("report-%s-%d-%s.png", tc.name, w, s.ID), shot)
					}
					if w == widths[0] {
						checkPrinted(ctx, t, v.page)
					}
				})
			}
		})
	}
}

// checkPrinted emulates print media at an A4 page's width and checks every
// table and chart fits it.
func checkPrinted(ctx context.Context, t *testing.T, p *page) {
	t.Helper()
	if err := p.call(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{"width": printWidth, "height": 1100, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.call(ctx, "Emulation.setEmulatedMedia", map[string]any{"media": "print"}, nil); err != nil {
		t.Fatal(err)
	}
	var ps printState
	if err := p.eval(ctx, checkPrint, &ps); err != nil {
		t.Fatal(err)
	}
	if ps.Tables == 0 {
		t.Error("print check found no tables")
	}
	for _, pr := range ps.Problems {
		t.Error("printed: " + pr)
	}
	if shot, err := p.screenshot(ctx, printWidth, 0, 0, 0.5); err == nil {
		saveArtifact(t, "report-print.png", shot)
	}
}

// openAt is open at a given viewport.
func openAt(ctx context.Context, t *testing.T, b *browser, path string, width, height int) visit {
	t.Helper()
	p, err := b.newPage(ctx, width, height)
	if err != nil {
		t.Fatalf("open a tab: %v\nchromium stderr:\n%s", err, b.stderr.String())
	}
	return load(ctx, t, b, p, path)
}

// TestLabelCheckCatchesOverlaps proves the label and print checks can fail:
// a chart whose category labels are drawn on top of each other, a label
// pushed off the canvas and a table wider than the printed page must each
// be reported.
func TestLabelCheckCatchesOverlaps(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	lib, err := os.ReadFile(filepath.Join("..", "assets", "echarts.min.js"))
	if err != nil {
		t.Fatalf("%v (the check needs the chart library: run `make assets`)", err)
	}
	var cells strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&cells, "<td>column%d</td>", i)
	}
	page := `<!DOCTYPE html><html><head><title>overlap</title><style>table{white-space:nowrap}</style></head><body>
<div id="c" data-chart style="width:400px;height:300px"></div>
<div class="block"><h3>wide</h3><div><table><tr>` + cells.String() + `</tr></table></div></div>
<script type="application/json" id="rbench-charts">[]</script>
<script>` + string(lib) + `</script>
<script>
var c = echarts.init(document.getElementById("c"), null, {renderer: "canvas"});
c.setOption({animation: false,
  xAxis: {type: "category", name: "an axis name that runs far off the right edge", data: ["add_instrument", "add_account", "update_account", "add_order", "update_order", "add_position"], axisLabel: {interval: 0}},
  yAxis: {type: "value"},
  series: [{type: "bar", data: [1, 2, 3, 4, 5, 6]}]});
document.body.setAttribute("data-charts-ready", "true");
</script></body></html>`
	path := filepath.Join(t.TempDir(), "overlap.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	v := openAt(ctx, t, sharedBrowser(t), path, 1000, 600)
	var ls labelState
	if err := v.page.eval(ctx, checkLabels, &ls); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(ls.Overlaps, "\n")
	if !strings.Contains(all, `"add_instrument" overlaps "add_account"`) {
		t.Errorf("the label check missed overlapping category labels; it found:\n%s", all)
	}
	if len(ls.Clipped) == 0 || !strings.Contains(ls.Clipped[0], "an axis name") {
		t.Errorf("the label check missed a label off the canvas; it found %q", ls.Clipped)
	}
	var ps printState
	if err := v.page.call(ctx, "Emulation.setEmulatedMedia", map[string]any{"media": "print"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := v.page.call(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{"width": printWidth, "height": 1100, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		t.Fatal(err)
	}
	if err := v.page.eval(ctx, checkPrint, &ps); err != nil {
		t.Fatal(err)
	}
	if len(ps.Problems) == 0 || !strings.Contains(ps.Problems[0], "wide (40 columns)") {
		t.Errorf("the print check missed a table wider than the page; it found %q", ps.Problems)
	}
}
