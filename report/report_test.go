package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rbench/rbench/report/internal/fixture"
	"github.com/rbench/rbench/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// stubLibrary stands in for the embedded ECharts so these tests run on a
// build without `make assets`; the browser test uses the real one.
const stubLibrary = "/* echarts stub for unit tests */ window.echarts = {};"

func withStubLibrary(t *testing.T) {
	t.Helper()
	saved := chartLibrary
	chartLibrary = func() ([]byte, error) { return []byte(stubLibrary), nil }
	t.Cleanup(func() { chartLibrary = saved })
}

var golden struct {
	once sync.Once
	runs []*results.Run
}

// goldenRuns is the fixed pair of runs the golden files come from, built
// once: rendering never modifies its input.
func goldenRuns() []*results.Run {
	golden.once.Do(func() {
		golden.runs = []*results.Run{
			fixture.Run(fixture.Options{Name: "baseline", Seconds: 5, PerSecond: 100}),
			fixture.Run(fixture.Options{Name: "current", Seed: 2, Slowdown: 1.15, Seconds: 5, PerSecond: 100, Stall: 2}),
		}
	})
	return golden.runs
}

// small is a quick fixture run for tests that need a run, not its numbers.
func small(o fixture.Options) *results.Run {
	if o.Seconds == 0 {
		o.Seconds = 2
	}
	o.PerSecond = 40
	o.NoSecondHistograms = true
	return fixture.Run(o)
}

var smallOnce struct {
	once sync.Once
	run  *results.Run
}

// shared returns a shallow copy of one small run built once (histogram
// encoding is slow under -race); callers may replace its fields but must not
// modify the slices and sections they share.
func shared() *results.Run {
	smallOnce.once.Do(func() { smallOnce.run = small(fixture.Options{}) })
	r := *smallOnce.run
	return &r
}

func render(t *testing.T, runs []*results.Run, o Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, runs, o); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var chartsBlock = regexp.MustCompile(`(?s)<script type="application/json" id="rbench-charts">(.*?)</script>`)

// embeddedCharts extracts and decodes the chart data a report carries.
func embeddedCharts(t *testing.T, doc string) []any {
	t.Helper()
	m := chartsBlock.FindStringSubmatch(doc)
	if m == nil {
		t.Fatal("no rbench-charts block in the report")
	}
	var specs []any
	if err := json.Unmarshal([]byte(m[1]), &specs); err != nil {
		t.Fatalf("chart data is not JSON: %v", err)
	}
	return specs
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < min(len(gl), len(wl)); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got: %.200s\nwant: %.200s\n(go test ./report -update refreshes it after a deliberate change)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: %d lines, want %d", path, len(gl), len(wl))
	}
}

// goldenCases are the runs the per-section golden files come from: each
// case renders once and every section it produces is pinned in
// testdata/<case>/<section>.golden.
func goldenCases() []struct {
	name string
	runs func() []*results.Run
} {
	return []struct {
		name string
		runs func() []*results.Run
	}{
		{"overlay", goldenRuns},
		{"step", func() []*results.Run {
			r := fixture.Run(fixture.Options{Name: "steps", Seconds: 6, PerSecond: 30, Steps: []int{1, 2, 4}, StepSec: 2, Stall: 4})
			r.Recovery, r.Plan, r.Startup, r.Payloads = nil, nil, nil, nil
			return []*results.Run{r}
		}},
		{"closed", func() []*results.Run {
			r := fixture.Run(fixture.Options{Name: "closed", Seconds: 3, PerSecond: 100, ClosedLoop: true})
			r.Recovery, r.Plan, r.Startup = nil, nil, nil
			return []*results.Run{r}
		}},
		{"recover", func() []*results.Run {
			r := fixture.Run(fixture.Options{Name: "recover", Seconds: 1, PerSecond: 10})
			r.Ops, r.Pacing, r.Payloads, r.Startup, r.Plan, r.Warnings = nil, nil, nil, nil, nil, nil
			r.Meta.Workload = results.Workload{Name: "recover", Connections: 1, Keys: 10000, Rate: 500, Encodings: []string{"msgpack"}}
			r.Server = nil
			r.Recovery.Cycles[1].WriteErrors = 21
			return []*results.Run{r}
		}},
		{"writer", writerRuns},
		{"plan", func() []*results.Run {
			r := planRun("msgpack")
			r.Plan.Dangers = []results.Danger{{Kind: "maxmemory-policy", Message: "allkeys-lru evicts the node's keys: use noeviction"}}
			return []*results.Run{r}
		}},
	}
}

// TestGoldenSections pins, section by section, the data a report embeds:
// every table's cells and every chart's option (series, points, axes,
// target line) as the browser receives it. A change to one section shows
// in that section's file only.
func TestGoldenSections(t *testing.T) {
	withStubLibrary(t)
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			runs := tc.runs()
			p, err := buildPage(runs, Options{})
			if err != nil {
				t.Fatal(err)
			}
			// The JSON the browser receives, by chart id.
			doc := render(t, runs, Options{})
			byID := map[string]any{}
			for _, c := range embeddedCharts(t, doc) {
				byID[c.(map[string]any)["id"].(string)] = c
			}
			var want []string
			for _, s := range p.Sections {
				var out bytes.Buffer
				if s.ID == p.Sections[0].ID {
					fmt.Fprintf(&out, "# %s\n%s\n", p.Title, p.Subtitle)
				}
				out.WriteString(dumpSection(s))
				for _, blk := range s.Blocks {
					if blk.Chart == nil {
						continue
					}
					fmt.Fprintf(&out, "\n#### chart %s\n", blk.Chart.ID)
					writeCompact(&out, byID[blk.Chart.ID], "")
					out.WriteByte('\n')
				}
				name := filepath.Join(tc.name, s.ID+".golden")
				want = append(want, s.ID+".golden")
				checkGolden(t, name, out.Bytes())
			}
			// A section that disappeared leaves no stale golden file behind.
			files, _ := filepath.Glob(filepath.Join("testdata", tc.name, "*.golden"))
			for _, f := range files {
				if !slices.Contains(want, filepath.Base(f)) {
					if *update {
						_ = os.Remove(f)
						continue
					}
					t.Errorf("%s: no such section any more (go test ./report -update removes it)", f)
				}
			}
		})
	}
}

// writeCompact pretty-prints JSON with objects one key per line but arrays
// of numbers (chart points) on one line, so the golden file stays readable.
func writeCompact(w *bytes.Buffer, v any, indent string) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		w.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n" + indent + "  " + strconv.Quote(k) + ": ")
			writeCompact(w, x[k], indent+"  ")
		}
		w.WriteString("\n" + indent + "}")
	case []any:
		if flat(x) {
			b, _ := json.Marshal(x)
			w.Write(b)
			return
		}
		w.WriteString("[")
		for i, e := range x {
			if i > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n" + indent + "  ")
			writeCompact(w, e, indent+"  ")
		}
		w.WriteString("\n" + indent + "]")
	default:
		b, _ := json.Marshal(x)
		w.Write(b)
	}
}

// flat reports whether an array holds only scalars, points or {value: ...}
// bar items, which print on one line.
func flat(a []any) bool {
	for _, e := range a {
		switch x := e.(type) {
		case []any:
			if !flat(x) {
				return false
			}
		case map[string]any:
			if _, ok := x["value"]; !ok || len(x) > 1 {
				return false
			}
		}
	}
	return true
}

func dumpSection(s section) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## %s (%s)\n", s.Title, s.ID)
	for _, c := range s.Cards {
		fmt.Fprintf(&b, "[%s{%s}] %s: %s; %s\n", c.Status, c.Class, c.Title, c.Figure, c.Reason)
	}
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	for _, blk := range s.Blocks {
		fmt.Fprintf(&b, "\n### %s", blk.Title)
		if blk.Chart != nil {
			fmt.Fprintf(&b, " [%s, %dpx]", blk.Chart.ID, blk.Chart.Height)
		}
		b.WriteString("\n")
		if blk.Note != "" {
			fmt.Fprintf(&b, "note: %s\n", blk.Note)
		}
		for _, t := range blk.Tables {
			if t.Caption != "" {
				fmt.Fprintf(&b, "caption: %s\n", t.Caption)
			}
			b.WriteString(strings.Join(t.Head, "\t") + "\n")
			for _, r := range t.Rows {
				cells := make([]string, len(r))
				for i, c := range r {
					cells[i] = c.Text
					if strings.Contains(c.Class, "pass") || strings.Contains(c.Class, "fail") {
						cells[i] += "{" + strings.TrimSpace(strings.TrimPrefix(c.Class, "num")) + "}"
					}
				}
				b.WriteString(strings.Join(cells, "\t") + "\n")
			}
		}
		for _, l := range blk.List {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	return b.String()
}

const xss = `<script>alert(1)</script>`

// TestEscaping puts markup into every string a results file can carry and
// checks it comes out as text: escaped in HTML, \u003c-escaped in the chart
// JSON, and never able to end or open a <script> element.
func TestEscaping(t *testing.T) {
	withStubLibrary(t)
	run := small(fixture.Options{Name: xss, Seconds: 3, OpName: xss})
	run.Meta.Workload.Name = `</script><script>alert(2)</script>`
	run.Meta.Target.Addr = `"><img src=x onerror=alert(3)>`
	run.Warnings = append(run.Warnings, `<img src=x onerror=alert(4)>`)
	run.Payloads[0].Type = `</SCRIPT><script>alert(5)</script>`
	run.Server.Memory[0].Collection = `<!--<script>`
	other := shared()
	doc := render(t, []*results.Run{run, other}, Options{Title: `<b>title</b>`, Names: []string{xss, `a</script>b`}})

	low := strings.ToLower(doc)
	if n := strings.Count(low, "<script"); n != 3 {
		t.Errorf("%d <script openings, want the 3 the template writes", n)
	}
	if n := strings.Count(low, "</script"); n != 3 {
		t.Errorf("%d </script closings, want 3", n)
	}
	for _, raw := range []string{xss, "alert(2)</script>", "<img src=x", "<b>title</b>", "<!--<script>"} {
		if strings.Contains(doc, raw) {
			t.Errorf("raw %q in the report", raw)
		}
	}
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;",               // HTML text
		"&lt;img src=x onerror=alert(4)&gt;",                  // a warning
		"&lt;b&gt;title&lt;/b&gt;",                            // the title
		`\u003cscript\u003ealert(1)\u003c/script\u003e`,       // chart JSON
		`\u003c/SCRIPT\u003e\u003cscript\u003ealert(5)\u003c`, // a payload type in a category axis
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("escaped form %q missing", want)
		}
	}
	// The JSON still round-trips to the original names.
	data, _ := json.Marshal(embeddedCharts(t, doc))
	if !strings.Contains(string(data), `\u003cscript\u003ealert(1)`) {
		t.Error("chart data lost the op name")
	}
	var specs []chartSpec
	m := chartsBlock.FindStringSubmatch(doc)
	if err := json.Unmarshal([]byte(m[1]), &specs); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range specs {
		for _, ser := range s.Option["series"].([]any) {
			if strings.Contains(ser.(map[string]any)["name"].(string), xss) {
				found = true
			}
		}
	}
	if !found {
		t.Error("no series carries the original op name after decoding")
	}
	if !strings.Contains(html.UnescapeString(doc), xss) {
		t.Error("the escaped name does not unescape to the original")
	}
}

// remoteRef matches an element that would load something from the network.
var remoteRef = regexp.MustCompile(`(?i)<(script|link|img|iframe|object|embed|source)\b[^>]*\b(src|href|data)\s*=\s*["']?\s*(https?:)?//`)

// TestSelfContained checks that a report never points at a CDN or any other
// URL: every script and style is inline.
func TestSelfContained(t *testing.T) {
	lib, err := chartLibrary()
	if err != nil {
		// Without `make assets`, check the template and data with the stub.
		withStubLibrary(t)
	} else if len(lib) < 100_000 {
		t.Fatalf("embedded chart library is only %d bytes", len(lib))
	}
	doc := render(t, goldenRuns(), Options{})
	if m := remoteRef.FindString(doc); m != "" {
		t.Errorf("remote reference in the report: %s", m)
	}
	for _, bad := range []string{`<script src`, `<link`, `@import`, `url(http`} {
		if strings.Contains(strings.ToLower(doc), strings.ToLower(bad)) {
			t.Errorf("report contains %q", bad)
		}
	}
	// Outside the inlined library, no http(s) URL at all.
	rest := strings.Replace(doc, string(must(chartLibrary())), "", 1)
	if i := strings.Index(rest, "http://"); i >= 0 {
		t.Errorf("http:// in the report outside the library: %q", rest[max(0, i-60):min(len(rest), i+60)])
	}
	if i := strings.Index(rest, "https://"); i >= 0 {
		t.Errorf("https:// in the report outside the library: %q", rest[max(0, i-60):min(len(rest), i+60)])
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestMissingChartLibrary(t *testing.T) {
	_, err := readChartLibrary(fstest.MapFS{"assets/README.md": {Data: []byte("x")}})
	if !errors.Is(err, ErrNoChartLibrary) {
		t.Fatalf("err = %v, want ErrNoChartLibrary", err)
	}
	for _, want := range []string{"report/assets/echarts.min.js", "make assets"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	saved := chartLibrary
	chartLibrary = func() ([]byte, error) { return readChartLibrary(fstest.MapFS{}) }
	defer func() { chartLibrary = saved }()
	var buf bytes.Buffer
	if err := Render(&buf, goldenRuns(), Options{}); !errors.Is(err, ErrNoChartLibrary) {
		t.Fatalf("Render err = %v, want ErrNoChartLibrary", err)
	}
	if buf.Len() != 0 {
		t.Errorf("Render wrote %d bytes before failing", buf.Len())
	}
}

func TestUnsafeLibraryRefused(t *testing.T) {
	saved := chartLibrary
	chartLibrary = func() ([]byte, error) { return []byte(`var s = "</script>";`), nil }
	defer func() { chartLibrary = saved }()
	if err := Render(&bytes.Buffer{}, goldenRuns(), Options{}); err == nil || !strings.Contains(err.Error(), "cannot be inlined") {
		t.Fatalf("err = %v, want a refusal to inline", err)
	}
}

func TestBadOptions(t *testing.T) {
	withStubLibrary(t)
	runs := goldenRuns()
	for _, tc := range []struct {
		name string
		runs []*results.Run
		opts Options
		want error
		msg  string
	}{
		{"no runs", nil, Options{}, ErrNoRuns, ""},
		{"nil run", []*results.Run{runs[0], nil}, Options{}, ErrBadOptions, "run 2 is nil"},
		{"names count", runs, Options{Names: []string{"only one"}}, ErrBadOptions, "Names has 1 entries for 2 runs"},
		{"negative target", runs, Options{Target: -time.Millisecond}, ErrBadOptions, "Target -1ms is negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Render(&bytes.Buffer{}, tc.runs, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %q, want it to contain %q", err, tc.msg)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	a, b, c, d := shared(), shared(), shared(), shared()
	a.Meta.Name, b.Meta.Name = "same", "same"
	c.Meta.Name = ""
	d.Meta.Name, d.Meta.RunID = "", ""
	o, err := Options{}.withDefaults([]*results.Run{a, b, c, d})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"same", "same#2", c.Meta.RunID, "run 4"}
	if strings.Join(o.Names, "|") != strings.Join(want, "|") {
		t.Errorf("names = %q, want %q", o.Names, want)
	}
	if o.Target != time.Millisecond || o.Title != DefaultTitle {
		t.Errorf("target %v title %q", o.Target, o.Title)
	}
}

func TestNamesFromPaths(t *testing.T) {
	for _, tc := range []struct {
		have []string
		want []string
	}{
		{[]string{"baseline.json", "results/current.json"}, []string{"baseline", "current"}},
		{[]string{"run-a/results.json", "run-b/results.json"}, []string{"run-a/results", "run-b/results"}},
		{[]string{"x/r.json", "x/r.json"}, []string{"x/r", "x/r#2"}},
		{[]string{"noext"}, []string{"noext"}},
	} {
		if got := NamesFromPaths(tc.have); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("NamesFromPaths(%q) = %q, want %q", tc.have, got, tc.want)
		}
	}
}

func TestNinesPoints(t *testing.T) {
	h := results.NewHistogram()
	for v := int64(1); v <= 1000; v++ {
		_ = h.RecordValue(v)
	}
	pts := ninesPoints(h)
	at := map[float64]float64{}
	for _, p := range pts {
		at[p.X] = p.Y
	}
	for _, tc := range []struct{ x, y float64 }{{0, 1}, {1, 900}, {2, 990}, {3, 1000}} {
		if got, ok := at[tc.x]; !ok || got != tc.y {
			t.Errorf("x=%v: y=%v (present %v), want %v", tc.x, got, ok, tc.y)
		}
	}
	if last := pts[len(pts)-1]; last.X != 3 || last.Y != 1000 {
		t.Errorf("last point %+v, want the max at x=log10(count)=3", last)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].X <= pts[i-1].X || pts[i].Y < pts[i-1].Y {
			t.Fatalf("points not increasing at %d: %+v then %+v", i, pts[i-1], pts[i])
		}
	}
	if got := ninesPoints(results.NewHistogram()); got != nil {
		t.Errorf("empty histogram gave %v", got)
	}
}

func TestDistributionFallsBackToSummary(t *testing.T) {
	pts, fb := distribution("not base64!", results.Latency{Min: 10, P50: 20, P90: 30, P99: 40, P999: 50, P9999: 60})
	if !fb || len(pts) != 6 || pts[3] != (point{2, 40}) {
		t.Errorf("fallback = %v, points %v", fb, pts)
	}
}

// TestSectionsFollowData checks each section appears exactly when its data
// does, so older or partial results files still render.
func TestSectionsFollowData(t *testing.T) {
	full := shared()
	bare := shared()
	bare.Recovery, bare.Server, bare.Payloads, bare.Startup, bare.Pacing, bare.Warnings, bare.Plan = nil, nil, nil, nil, nil, nil, nil
	var msgpackOnly []results.Op
	for _, op := range bare.Ops {
		op.Series = nil
		if op.Encoding == "msgpack" {
			msgpackOnly = append(msgpackOnly, op)
		}
	}
	bare.Ops = msgpackOnly
	noOps := shared()
	noOps.Ops = nil

	ids := func(r *results.Run) string {
		p, err := buildPage([]*results.Run{r}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range p.Sections {
			out = append(out, s.ID)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name string
		run  *results.Run
		want string
	}{
		{"full", full, "summary latency timeline encodings startup recovery server plan run"},
		{"bare", bare, "summary latency run"},
		{"no ops", noOps, "summary encodings startup recovery server plan run"},
	} {
		if got := ids(tc.run); got != tc.want {
			t.Errorf("%s: sections %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestVerdicts checks the banner's verdict per encoding and class: PASS
// and FAIL against the target, NO VERDICT below the p99's sample floor,
// INVALID when the pass missed its target rate, FAIL when more than 1% of
// the operations failed.
func TestVerdicts(t *testing.T) {
	// 4 write and 2 read ops of 250 a second for 2 s: 2,000 writes and
	// 1,000 reads per encoding, just enough for a p99.
	run := func(o fixture.Options) *results.Run {
		o.Seconds, o.NoSecondHistograms = 2, true
		if o.PerSecond == 0 {
			o.PerSecond = 250
		}
		r := fixture.Run(o)
		r.Recovery, r.Plan = nil, nil
		return r
	}
	fast, slow, few := run(fixture.Options{}), run(fixture.Options{Slowdown: 10}), run(fixture.Options{PerSecond: 200})
	short := run(fixture.Options{})
	short.Pacing = slices.Clone(short.Pacing)
	short.Pacing[1].AchievedRate = 334 // json: 334 of 1,500 ops/s
	failed := run(fixture.Options{})
	failed.Ops = slices.Clone(failed.Ops)
	failed.Ops[0].Errors = 21 // msgpack add_order
	for _, tc := range []struct {
		name   string
		run    *results.Run
		target time.Duration
		want   string
	}{
		{"fast", fast, 0, "writes · msgpack=PASS reads · msgpack=PASS writes · json=PASS reads · json=PASS"},
		{"slow", slow, 0, "writes · msgpack=FAIL reads · msgpack=FAIL writes · json=FAIL reads · json=FAIL"},
		{"slow, 1 s target", slow, time.Second, "writes · msgpack=PASS reads · msgpack=PASS writes · json=PASS reads · json=PASS"},
		{"fast, 1 µs target", fast, time.Microsecond, "writes · msgpack=FAIL reads · msgpack=FAIL writes · json=FAIL reads · json=FAIL"},
		{"800 reads", few, 0, "writes · msgpack=PASS reads · msgpack=NO VERDICT writes · json=PASS reads · json=NO VERDICT"},
		{"rate not reached", short, 0, "writes · msgpack=PASS reads · msgpack=PASS writes · json=INVALID reads · json=INVALID"},
		// 21 of 2,021 writes failed: more than 1%, so the p99 is a failure.
		{"errors", failed, 0, "writes · msgpack=FAIL reads · msgpack=PASS writes · json=PASS reads · json=PASS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := buildPage([]*results.Run{tc.run}, Options{Target: tc.target})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range p.Sections[0].Cards {
				got = append(got, c.Title+"="+c.Status)
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("\n got %s\nwant %s", g, tc.want)
			}
		})
	}
	// The invalid card says why, with the figure.
	p, _ := buildPage([]*results.Run{short}, Options{})
	if c := p.Sections[0].Cards[2]; !strings.Contains(c.Reason, "334 of 1500 ops/s (22%)") {
		t.Errorf("invalid card reason %q lacks the rate reached", c.Reason)
	}
	if c := p.Sections[0].Cards[0]; c.Figure == "" || !strings.HasPrefix(c.Figure, "p99 ") {
		t.Errorf("pass card figure %q", c.Figure)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	withStubLibrary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := WriteFile(path, goldenRuns(), Options{}); err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(first, []byte("<!DOCTYPE html>")) {
		t.Fatalf("report not written: %v", err)
	}
	// A failing render leaves the previous report and no temporary file.
	if err := WriteFile(path, nil, Options{}); !errors.Is(err, ErrNoRuns) {
		t.Fatalf("err = %v", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(first, after) {
		t.Error("a failed WriteFile changed the existing report")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the report", len(entries))
	}
}

// FuzzEscaping renders a run whose names are arbitrary strings and checks no
// string can add or close a <script> element or escape the chart JSON.
func FuzzEscaping(f *testing.F) {
	for _, s := range []string{xss, "</script", "<!--", "]]>", "\u2028", `"};alert(1);//`, "plain"} {
		f.Add(s)
	}
	run := small(fixture.Options{Seconds: 1})
	run.Ops = run.Ops[:1]
	run.Ops[0].Series = nil
	run.Recovery, run.Server, run.Startup = nil, nil, nil
	run.Payloads = run.Payloads[:2]
	saved := chartLibrary
	chartLibrary = func() ([]byte, error) { return []byte(stubLibrary), nil }
	defer func() { chartLibrary = saved }()
	f.Fuzz(func(t *testing.T, s string) {
		r := *run
		r.Ops = append([]results.Op(nil), run.Ops...)
		r.Ops[0].Name = s
		r.Meta.Workload.Name = s
		r.Warnings = []string{s}
		r.Payloads = append([]results.PayloadSize(nil), run.Payloads...)
		r.Payloads[0].Type = s
		var buf bytes.Buffer
		if err := Render(&buf, []*results.Run{&r}, Options{Title: s}); err != nil {
			t.Fatal(err)
		}
		low := strings.ToLower(buf.String())
		if n := strings.Count(low, "<script"); n != 3 {
			t.Fatalf("%q: %d <script openings", s, n)
		}
		if n := strings.Count(low, "</script"); n != 3 {
			t.Fatalf("%q: %d </script closings", s, n)
		}
		if strings.Contains(low, "<!--") {
			t.Fatalf("%q: an HTML comment opener reached the page", s)
		}
		embeddedCharts(t, buf.String())
	})
}

func TestMergeSeconds(t *testing.T) {
	hist := func(lo, hi int64) (string, float64) {
		h := results.NewHistogram()
		for v := lo; v < hi; v++ {
			_ = h.RecordValue(v)
		}
		s, err := results.EncodeHDR(h)
		if err != nil {
			t.Fatal(err)
		}
		return s, float64(h.ValueAtQuantile(99))
	}
	a, ap99 := hist(1, 101)     // p99 99
	b, bp99 := hist(1000, 1100) // p99 1098
	group := func(ha, hb string) *timelineGroup {
		return &timelineGroup{ops: []*results.Op{
			{Series: []results.Second{{T: 3, Count: 100, P99: ap99, HDR: ha}}},
			{Series: []results.Second{{T: 3, Count: 100, P99: bp99, HDR: hb}}},
		}}
	}
	// 200 values: the merged p99 is the 198th, 1097, not the larger op's p99.
	secs := group(a, b).seconds()
	if len(secs) != 1 || secs[0].h == nil || secs[0].count != 200 || secs[0].h.ValueAtQuantile(99) != 1097 {
		t.Errorf("merged = %+v, want count 200, p99 1097 from the merged histogram", secs)
	}
	secs = group("", "").seconds()
	if secs[0].h != nil || secs[0].p99 != bp99 {
		t.Errorf("without histograms = %+v, want no histogram and the worst p99 %v", secs[0], bp99)
	}
}
