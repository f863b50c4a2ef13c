package plan_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/rbench/rbench/plan"
	"github.com/rbench/rbench/plan/capacity"
	"github.com/rbench/rbench/results"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// syntheticPlan is three scales of a dataset with known costs: 2500 B and
// 1000 B of AOF per order, 400 B per account event, 600 B per instrument,
// AOF loading at 20 ms/MiB, startup loads at 100 and 40 µs per key.
func syntheticPlan() ([]results.PlanPoint, []plan.Mix) {
	var pts []results.PlanPoint
	var mixes []plan.Mix
	for _, orders := range []float64{1000, 4000, 10000} {
		scale := int64(orders * 1.2)
		add := func(coll, fig, style, unit string, x, y float64) {
			pts = append(pts, results.PlanPoint{Scale: scale, Encoding: "msgpack", Collection: coll, Figure: fig, Style: style, XUnit: unit, X: x, Y: y})
		}
		events := orders * 1.5
		keys := orders*1.2 + 16
		add("orders", results.FigureMemory, "", capacity.UnitOrders, orders, 2500*orders+1e4)
		add("orders", results.FigureAOF, "", capacity.UnitOrders, orders, 1000*orders)
		add("accounts", results.FigureMemory, "", capacity.UnitAccountEvents, events, 400*events)
		add("accounts", results.FigureAOF, "", capacity.UnitAccountEvents, events, 120*events)
		add("instruments", results.FigureMemory, "", capacity.UnitInstruments, 12, 600*12)
		add("total", results.FigureMemory, "", capacity.UnitKeys, keys, 2500*orders+400*events)
		add("total", results.FigureAOF, "", capacity.UnitKeys, keys, 1120*orders)
		add("total", plan.FigureAOFLogged, "", capacity.UnitKeys, keys, 4000*orders)
		aof := 1000*orders + 120*events
		add("total", results.FigureAOFLoad, "", capacity.UnitBytes, aof, 0.02*aof/(1<<20)+0.01)
		add("total", results.FigureLoad, "sequential", capacity.UnitKeys, keys, 100e-6*keys)
		add("total", results.FigureLoad, "concurrent", capacity.UnitKeys, keys, 40e-6*keys)
		mixes = append(mixes, plan.Mix{Encoding: "msgpack", Scale: scale, BaseMemory: 900_000,
			Keys:        map[string]int64{"orders": int64(orders), "positions": 0, "instruments": 12, "accounts": 4},
			OrderEvents: int64(4 * orders), AccountEvents: int64(events), InstrumentBytes: 450})
	}
	return pts, mixes
}

func TestWriteTableGolden(t *testing.T) {
	pts, mixes := syntheticPlan()
	res, err := plan.Analyze(pts, mixes, capacity.Profile{Orders: 1_000_000},
		capacity.ProjectOptions{Maxmemory: 8 << 30, MachineMemory: 16 << 30, MaxmemoryPolicy: "noeviction"})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := plan.WriteTable(&out, res); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "table.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./plan -run TestWriteTableGolden -update writes it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("table differs from %s (-update after a deliberate change):\n%s", path, out.String())
	}
	// The known costs come back out of the fits.
	for _, f := range res.Plan.Fits {
		want := map[string]float64{"orders " + results.FigureMemory: 2500, "orders " + results.FigureAOF: 1000, "accounts " + results.FigureMemory: 400, "instruments " + results.FigureMemory: 600}[f.Collection+" "+f.Figure]
		if want != 0 && (plan.Slope(f.Fit) < want*0.999 || plan.Slope(f.Fit) > want*1.001) {
			t.Errorf("%s %s: %.2f per unit, want %.0f", f.Collection, f.Figure, plan.Slope(f.Fit), want)
		}
	}
}
