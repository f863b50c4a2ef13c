package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rbench/rbench/results"
)

// planRun is a plan measured at three scales (memory 1000 B per key, AOF
// load 0.1 s per MB, startup loads 50 and 20 µs per key) projected to
// 100K keys.
func planRun(enc string) *results.Run {
	r := results.NewRun(results.Meta{Name: "plan"})
	p := &results.Plan{Scales: []int64{1000, 2000, 4000}, Encodings: []string{enc}}
	for _, n := range p.Scales {
		x := float64(n)
		p.Points = append(p.Points,
			results.PlanPoint{Scale: n, Encoding: enc, Collection: "total", Figure: results.FigureMemory, XUnit: "keys", X: x, Y: 1000 * x},
			results.PlanPoint{Scale: n, Encoding: enc, Collection: "total", Figure: results.FigureAOF, XUnit: "keys", X: x, Y: 400 * x},
			results.PlanPoint{Scale: n, Encoding: enc, Collection: "total", Figure: results.FigureAOFLoad, XUnit: "bytes", X: 400 * x, Y: 0.1 * 400 * x / 1e6},
			results.PlanPoint{Scale: n, Encoding: enc, Collection: "total", Figure: results.FigureLoad, Style: "sequential", XUnit: "keys", X: x, Y: 50e-6 * x},
			results.PlanPoint{Scale: n, Encoding: enc, Collection: "total", Figure: results.FigureLoad, Style: "concurrent", XUnit: "keys", X: x, Y: 20e-6 * x},
		)
	}
	fit := func(fig, style, unit string, b float64) results.PlanFit {
		return results.PlanFit{Encoding: enc, Collection: "total", Figure: fig, Style: style, XUnit: unit,
			Fit: results.Fit{Model: results.ModelLinear, B: b, R2: 1, N: 3, MinX: 1000, MaxX: 4000}}
	}
	p.Fits = []results.PlanFit{
		fit(results.FigureMemory, "", "keys", 1000), fit(results.FigureAOF, "", "keys", 400),
		fit(results.FigureAOFLoad, "", "bytes", 0.1/1e6),
		fit(results.FigureLoad, "sequential", "keys", 50e-6), fit(results.FigureLoad, "concurrent", "keys", 20e-6),
	}
	p.Projections = []results.PlanProjection{{Encoding: enc, Profile: results.PlanProfile{Orders: 100_000},
		DatasetBytes: 1e8, AOFBytes: 4e7, AOFLoadSec: 4, ReadySec: map[string]float64{"sequential": 9, "concurrent": 6}}}
	r.Plan = p
	return r
}

func TestPlanCurves(t *testing.T) {
	pg, err := buildPage([]*results.Run{planRun("msgpack")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string]block{}
	for _, s := range pg.Sections {
		for _, b := range s.Blocks {
			blocks[b.Title] = b
		}
	}
	mem, ok := blocks["Memory against size"]
	if !ok || mem.Chart == nil {
		t.Fatalf("no memory chart; blocks %v", blocks)
	}
	// Three measured rows with their fitted values, then the projection.
	rows := mem.Tables[0].Rows
	if len(rows) != 4 || rows[1][2].Title != "2,000,000 B" || rows[1][3].Title != "2,000,000 B" || rows[3][4].Text != "projected" || rows[3][3].Title != "100,000,000 B" {
		t.Errorf("memory table %v", rows)
	}
	ready, ok := blocks["Restart to trading-ready against size"]
	if !ok || ready.Chart == nil {
		t.Fatalf("no restart chart")
	}
	// Sequential at 2000 keys: AOF load 0.1 s/MB x 0.8 MB + 50 µs x 2000.
	var found bool
	for _, r := range ready.Tables[0].Rows {
		if r[0].Text == "msgpack · sequential" && r[1].Text == "2,000" {
			found = true
			if r[2].Text != "180 ms" || r[3].Text != "180 ms" {
				t.Errorf("sequential at 2000 keys: measured %s, fitted %s; want 0.18 s", r[2].Text, r[3].Text)
			}
		}
	}
	if !found {
		t.Errorf("restart table lacks sequential at 2000 keys: %v", ready.Tables[0].Rows)
	}
	if f, ok := blocks["Fitted models"]; !ok || len(f.Tables[0].Rows) != 5 {
		t.Errorf("fitted models block %+v", f)
	}
	// Series: measured, fitted, projected per line.
	var spec chartSpec
	for _, c := range pg.Charts {
		if c.ID == mem.Chart.ID {
			spec = c
		}
	}
	series, _ := spec.Option["series"].([]any)
	if n := len(series); n != 3 {
		t.Errorf("memory chart has %d series, want measured, fitted and projected", n)
	}
}

func TestPlanCurvesEscaped(t *testing.T) {
	withStubLibrary(t)
	var out bytes.Buffer
	if err := Render(&out, []*results.Run{planRun(`</script><img src=x onerror=alert(1)>`)}, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "<img src=x") {
		t.Error("an encoding name reached the page unescaped")
	}
}
