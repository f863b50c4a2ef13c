package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rbench/rbench/report"
	"github.com/rbench/rbench/report/internal/fixture"
	"github.com/rbench/rbench/results"
)

const (
	viewWidth  = 1400
	viewHeight = 1000
)

// One browser serves every test: starting Chromium costs seconds.
var shared struct {
	once    sync.Once
	b       *browser
	err     error
	profile string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.b != nil {
		shared.b.close()
	}
	if shared.profile != "" {
		os.RemoveAll(shared.profile)
	}
	os.Exit(code)
}

func sharedBrowser(t *testing.T) *browser {
	t.Helper()
	bin := chromiumPath(t)
	shared.once.Do(func() {
		shared.profile, shared.err = os.MkdirTemp("", "rbench-chromium-")
		if shared.err == nil {
			shared.b, shared.err = startBrowser(bin, shared.profile)
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.b
}

// chromiumPath is Debian's chromium, which .ci/run installs.
func chromiumPath(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("RBENCH_CHROMIUM")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	if _, err := os.Stat(bin); err != nil {
		// Fail, never skip: an unchecked report is how offline breakage ships.
		t.Fatalf("headless Chromium not found at %s (%v): install Debian's chromium package (apt-get install -y chromium), as .ci/run does, or set RBENCH_CHROMIUM", bin, err)
	}
	return bin
}

// artifactDirs are where screenshots go: $RBENCH_ARTIFACTS (else a test
// temporary directory) and the git-ignored testdata-artifacts/ at the
// repository root, so a developer finds the last run's pictures.
func artifactDirs(t *testing.T) []string {
	t.Helper()
	first := os.Getenv("RBENCH_ARTIFACTS")
	if first == "" {
		first = t.TempDir()
	}
	dirs := []string{first, filepath.Join("..", "..", "testdata-artifacts")}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dirs
}

func saveArtifact(t *testing.T, name string, data []byte) {
	t.Helper()
	for _, d := range artifactDirs(t) {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("artifact: %s", p)
	}
}

// chartState is what checkCharts reports per chart element.
type chartState struct {
	ID      string `json:"id"`
	Canvas  bool   `json:"canvas"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Painted int    `json:"painted"` // non-transparent, non-white pixels
	Colored int    `json:"colored"` // saturated pixels: series, bars, the target line
}

type pageState struct {
	Ready  bool         `json:"ready"`
	Specs  int          `json:"specs"`
	Charts []chartState `json:"charts"`
	Title  string       `json:"title"`
	Top    map[string]float64
}

// checkCharts waits for the page script to flag every chart finished (or a
// deadline), then reads each chart's canvas back. Grey axes and labels
// alone are not "drawn": a chart counts once saturated pixels, the series'
// colours, cover part of it.
const checkCharts = `(async () => {
  const deadline = Date.now() + 30000;
  while (document.body.getAttribute("data-charts-ready") !== "true" && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 50));
  }
  const charts = [...document.querySelectorAll("[data-chart]")].map(el => {
    const c = el.querySelector("canvas");
    const out = {id: el.id, canvas: !!c, width: 0, height: 0, painted: 0, colored: 0};
    if (!c || !c.width || !c.height) return out;
    out.width = c.width; out.height = c.height;
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i+3] === 0) continue;
      const r = d[i], g = d[i+1], b = d[i+2];
      if (r > 245 && g > 245 && b > 245) continue;
      out.painted++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) out.colored++;
    }
    return out;
  });
  const specs = document.getElementById("rbench-charts");
  const top = {};
  document.querySelectorAll("section[id]").forEach(s => { top[s.id] = s.getBoundingClientRect().top + window.scrollY; });
  return {ready: document.body.getAttribute("data-charts-ready") === "true",
    specs: specs ? JSON.parse(specs.textContent).length : -1, charts, title: document.title, Top: top};
})()`

// minColored is the fewest saturated pixels a drawn chart has; a line series
// alone paints thousands.
const minColored = 200

// visit is what a page load produced: the page state plus every problem the
// browser reported.
type visit struct {
	state    pageState
	problems []string
	page     *page
}

func open(ctx context.Context, t *testing.T, b *browser, path string) visit {
	t.Helper()
	p, err := b.newPage(ctx, viewWidth, viewHeight)
	if err != nil {
		t.Fatalf("open a tab: %v\nchromium stderr:\n%s", err, b.stderr.String())
	}
	return load(ctx, t, b, p, path)
}

// load navigates a tab to the file at path and waits for its charts.
func load(ctx context.Context, t *testing.T, b *browser, p *page, path string) visit {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	u := (&url.URL{Scheme: "file", Path: abs}).String()
	if err := p.navigate(ctx, u); err != nil {
		t.Fatalf("%v\nchromium stderr:\n%s", err, b.stderr.String())
	}
	v := visit{page: p}
	if err := p.eval(ctx, checkCharts, &v.state); err != nil {
		t.Fatalf("check charts: %v", err)
	}
	v.problems = problems(p)
	return v
}

// problems lists console errors, uncaught exceptions, browser log errors and
// any request that left the file.
func problems(p *page) []string {
	var out []string
	for _, e := range p.events("Runtime.consoleAPICalled") {
		var c struct {
			Type string `json:"type"`
			Args []struct {
				Value       any    `json:"value"`
				Description string `json:"description"`
			} `json:"args"`
		}
		_ = json.Unmarshal(e.Params, &c)
		if c.Type == "error" || c.Type == "assert" {
			var parts []string
			for _, a := range c.Args {
				if a.Value != nil {
					parts = append(parts, fmt.Sprint(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			out = append(out, "console."+c.Type+": "+strings.Join(parts, " "))
		}
	}
	for _, e := range p.events("Runtime.exceptionThrown") {
		var x struct {
			ExceptionDetails struct {
				Text      string `json:"text"`
				Exception struct {
					Description string `json:"description"`
				} `json:"exception"`
			} `json:"exceptionDetails"`
		}
		_ = json.Unmarshal(e.Params, &x)
		out = append(out, "exception: "+x.ExceptionDetails.Text+" "+x.ExceptionDetails.Exception.Description)
	}
	for _, e := range p.events("Log.entryAdded") {
		var l struct {
			Entry struct {
				Level string `json:"level"`
				Text  string `json:"text"`
				URL   string `json:"url"`
			} `json:"entry"`
		}
		_ = json.Unmarshal(e.Params, &l)
		if l.Entry.Level == "error" {
			out = append(out, "log error: "+l.Entry.Text+" "+l.Entry.URL)
		}
	}
	for _, e := range p.events("Network.requestWillBeSent") {
		var r struct {
			Request struct {
				URL string `json:"url"`
			} `json:"request"`
		}
		_ = json.Unmarshal(e.Params, &r)
		switch u := r.Request.URL; {
		case strings.HasPrefix(u, "file:"), strings.HasPrefix(u, "data:"), strings.HasPrefix(u, "blob:"), strings.HasPrefix(u, "about:"):
		default:
			out = append(out, "network request: "+u)
		}
	}
	return out
}

// chartFailures lists the charts that did not draw.
func chartFailures(s pageState) []string {
	var out []string
	if !s.Ready {
		out = append(out, "the page never flagged all charts finished (data-charts-ready)")
	}
	if s.Specs != len(s.Charts) {
		out = append(out, fmt.Sprintf("%d chart specs but %d chart elements", s.Specs, len(s.Charts)))
	}
	for _, c := range s.Charts {
		switch {
		case !c.Canvas || c.Width == 0 || c.Height == 0:
			out = append(out, c.ID+": no canvas")
		case c.Colored < minColored:
			out = append(out, fmt.Sprintf("%s: blank (%d painted, %d coloured pixels)", c.ID, c.Painted, c.Colored))
		}
	}
	return out
}

func fixtureRuns() []*results.Run {
	return []*results.Run{
		fixture.Run(fixture.Options{Name: "baseline", Seconds: 10, PerSecond: 100}),
		fixture.Run(fixture.Options{Name: "current", Seed: 2, Slowdown: 1.15, Seconds: 10, PerSecond: 100, Stall: 4}),
	}
}

// TestReportInChromium renders a two-run report with every section, opens it
// offline in headless Chromium and checks that every chart drew, nothing
// logged an error and nothing was fetched; it saves screenshots.
func TestReportInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	runs := fixtureRuns()
	renderStart := time.Now()
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	err := report.WriteFile(path, runs, report.Options{Names: []string{"baseline", "current"}, Title: "rbench report: trading cache"})
	if errors.Is(err, report.ErrNoChartLibrary) {
		t.Fatalf("%v\n(the browser test needs the real chart library: run `make assets`)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "report.html", html)
	t.Logf("rendered %d KiB in %v", len(html)>>10, time.Since(renderStart).Round(time.Millisecond))

	start := time.Now()
	b := sharedBrowser(t)
	v := open(ctx, t, b, path)
	t.Logf("chromium: %d charts checked in %v", len(v.state.Charts), time.Since(start).Round(time.Millisecond))

	if v.state.Title != "rbench report: trading cache" {
		t.Errorf("title = %q", v.state.Title)
	}
	if len(v.state.Charts) < 10 {
		t.Errorf("only %d charts on a report with every section", len(v.state.Charts))
	}
	for _, f := range chartFailures(v.state) {
		t.Error(f)
	}
	for _, p := range v.problems {
		t.Error(p)
	}

	shotStart := time.Now()
	full, err := v.page.screenshot(ctx, viewWidth, 0, 0, 0.5)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveArtifact(t, "report-full.png", full)
	t.Logf("full-page screenshot in %v", time.Since(shotStart).Round(time.Millisecond))
}

// readmeBox finds the README's second picture: the first latency-over-time
// chart and its heat map.
const readmeBox = `(() => {
  const blocks = [...document.querySelectorAll("#timeline .block")];
  const i = blocks.findIndex(b => b.querySelector("h3").textContent.startsWith("Latency over time"));
  if (i < 0) return {top: 0, height: 0};
  const a = blocks[i].getBoundingClientRect(), z = blocks[Math.min(blocks.length - 1, i + 1)].getBoundingClientRect();
  return {top: Math.round(a.top + window.scrollY), height: Math.round(z.bottom - a.top)};
})()`

// TestREADMEScreenshots renders the README's pictures from one run with a
// stall: the top of the page (the verdict without scrolling, at 1400x900)
// and the latency over time that shows the stall. With RBENCH_README_DIR
// set (make screenshots) it writes them as report-screenshot.png and
// report-timeline.png there; else only as artifacts.
func TestREADMEScreenshots(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run := fixture.Run(fixture.Options{Name: "trading", Seconds: 20, PerSecond: 200, Stall: 12})
	run.Plan, run.Recovery = nil, nil
	path := filepath.Join(t.TempDir(), "readme.html")
	if err := report.WriteFile(path, []*results.Run{run}, report.Options{Title: "rbench report: trading cache, msgpack and JSON"}); err != nil {
		t.Fatal(err)
	}
	v := openAt(ctx, t, sharedBrowser(t), path, viewWidth, viewportHeight)
	for _, f := range append(chartFailures(v.state), v.problems...) {
		t.Error(f)
	}
	top, err := v.page.screenshot(ctx, viewWidth, 0, viewportHeight, 1)
	if err != nil {
		t.Fatal(err)
	}
	var box sectionBox
	if err := v.page.eval(ctx, readmeBox, &box); err != nil || box.Height == 0 {
		t.Fatalf("no latency-over-time block (%v)", err)
	}
	timeline, err := v.page.screenshot(ctx, viewWidth, box.Top, box.Height, 1)
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "report-screenshot.png", top)
	saveArtifact(t, "report-timeline.png", timeline)
	if dir := os.Getenv("RBENCH_README_DIR"); dir != "" {
		for name, data := range map[string][]byte{"report-screenshot.png": top, "report-timeline.png": timeline} {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestHarnessCatchesBrokenPages proves the checks above can fail: a page
// with a console error, an uncaught exception, a blank chart and a request
// for a remote image must produce each complaint.
func TestHarnessCatchesBrokenPages(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	path := filepath.Join(t.TempDir(), "broken.html")
	const broken = `<!DOCTYPE html><html><head><title>broken</title></head><body>
<div data-chart id="blank"><canvas width="300" height="200"></canvas></div>
<script type="application/json" id="rbench-charts">[{"id":"blank"}]</script>
<img src="http://127.0.0.1:9/pixel.png">
<script>console.error("boom"); document.body.setAttribute("data-charts-ready", "true");</script>
<script>throw new Error("uncaught");</script>
</body></html>`
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	v := open(ctx, t, sharedBrowser(t), path)
	all := strings.Join(append(chartFailures(v.state), v.problems...), "\n")
	for _, want := range []string{"blank: blank", "console.error: boom", "exception: ", "network request: http://127.0.0.1:9/pixel.png"} {
		if !strings.Contains(all, want) {
			t.Errorf("harness missed %q; it reported:\n%s", want, all)
		}
	}
}

// xssProbe is what a hostile results file would try; any execution sets
// window.__xss or adds an element with the probe's id.
const xssProbe = `<img id="xss" src="x" onerror="window.__xss=1"></script><script>window.__xss=2</script>`

// TestEscapingInChromium opens a report whose names are markup and shows
// every chart's tooltip (the one place the page builds HTML from data): no
// script may run and no element may be injected.
func TestEscapingInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run := fixture.Run(fixture.Options{Name: xssProbe, Seconds: 3, PerSecond: 40, OpName: xssProbe, NoSecondHistograms: true})
	run.Warnings = append(run.Warnings, xssProbe)
	run.Payloads[0].Type = xssProbe
	path := filepath.Join(t.TempDir(), "xss.html")
	if err := report.WriteFile(path, []*results.Run{run, fixture.Run(fixture.Options{Seconds: 3, PerSecond: 40, NoSecondHistograms: true})}, report.Options{Title: xssProbe, Names: []string{xssProbe, "other"}}); err != nil {
		t.Fatal(err)
	}
	v := open(ctx, t, sharedBrowser(t), path)
	for _, f := range chartFailures(v.state) {
		t.Error(f)
	}
	for _, p := range v.problems {
		t.Error(p)
	}
	const probe = `(async () => {
  let tips = 0;
  for (const el of document.querySelectorAll("[data-chart]")) {
    const c = echarts.getInstanceByDom(el);
    if (!c) continue;
    c.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 1});
    await new Promise(r => setTimeout(r, 30));
    tips++;
  }
  const tipText = [...document.querySelectorAll("div")].filter(d => d.style && d.style.zIndex === "9999999").map(d => d.textContent).join("\n");
  return {xss: window.__xss === undefined ? 0 : window.__xss, injected: document.querySelectorAll("#xss, img").length,
    tips, tipShowsName: tipText.includes('window.__xss=1'), titleOK: document.title.includes("<img")};
})()`
	var got struct {
		XSS          int  `json:"xss"`
		Injected     int  `json:"injected"`
		Tips         int  `json:"tips"`
		TipShowsName bool `json:"tipShowsName"`
		TitleOK      bool `json:"titleOK"`
	}
	if err := v.page.eval(ctx, probe, &got); err != nil {
		t.Fatal(err)
	}
	if got.XSS != 0 || got.Injected != 0 {
		t.Errorf("markup from the results ran: window.__xss=%d, injected elements=%d", got.XSS, got.Injected)
	}
	if got.Tips == 0 {
		t.Error("no chart tooltips were shown")
	}
	if !got.TipShowsName {
		t.Error("no tooltip showed the hostile name as text")
	}
	if !got.TitleOK {
		t.Error("the title lost the markup text")
	}
	for _, p := range problems(v.page) {
		t.Errorf("after tooltips: %s", p)
	}
}
