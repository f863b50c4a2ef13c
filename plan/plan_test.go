package plan_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/plan"
	"github.com/rbench/rbench/plan/capacity"
	"github.com/rbench/rbench/results"
)

// TestPlanTinyScales measures 2K, 4K and 8K keys on throwaway servers and
// checks every figure was measured, fitted and projected within sane
// bounds.
func TestPlanTinyScales(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var log bytes.Buffer
	res, err := plan.Run(ctx, plan.Options{Scales: []int64{2000, 4000, 8000}, Log: &log, SampleKeys: 50, Repeats: 1},
		capacity.Profile{Orders: 100_000}, capacity.ProjectOptions{Maxmemory: 4 << 30, MaxmemoryPolicy: "allkeys-lru", MachineMemory: -1})
	t.Log(log.String())
	if err != nil {
		t.Fatal(err)
	}
	if got := len(res.Mixes); got != 3 {
		t.Fatalf("%d mixes, want 3", got)
	}
	for _, m := range res.Mixes {
		if m.Keys["orders"] == 0 || m.Keys["positions"] == 0 || m.Keys["instruments"] == 0 || m.AccountEvents == 0 {
			t.Errorf("scale %d: dataset %+v lacks a collection", m.Scale, m)
		}
		if epo := m.EventsPerOrder(); epo < 2 || epo > 8 {
			t.Errorf("scale %d: %.2f events per order, want 2-8", m.Scale, epo)
		}
	}
	want := map[string]bool{}
	for _, coll := range plan.Modelled {
		want[coll+" "+results.FigureMemory] = false
		want[coll+" "+results.FigureAOF] = false
	}
	for _, f := range []string{results.FigureMemory, results.FigureAOF, plan.FigureAOFLogged, results.FigureAOFLoad, plan.FigureReady, results.FigureLoad + " sequential", results.FigureLoad + " rust"} {
		want[plan.Total+" "+f] = false
	}
	for _, f := range res.Plan.Fits {
		k := f.Collection + " " + f.Figure
		if f.Style != "" {
			k += " " + f.Style
		}
		want[k] = true
		if plan.SingleX(f.Fit) {
			continue // instruments: the same count at every scale
		}
		if f.Fit.N != 3 {
			t.Errorf("%s: fitted on %d points, want 3", k, f.Fit.N)
		}
		switch {
		case (f.Figure == results.FigureMemory || f.Figure == results.FigureAOF) && (f.Collection == "orders" || f.Collection == plan.Total):
			// A cost per unit grows with the data: a clean line. (Times
			// and the small collections' shares are left to the noise of
			// a shared machine.)
			if f.Fit.R2 < 0.98 {
				t.Errorf("%s: R² %.4f, want >= 0.98 (fit %+v)", k, f.Fit.R2, f.Fit)
			}
		case f.Fit.R2 < -1 || f.Fit.R2 > 1:
			t.Errorf("%s: R² %.4f out of range", k, f.Fit.R2)
		}
	}
	for k, ok := range want {
		if !ok {
			t.Errorf("no fit for %s", k)
		}
	}
	for _, f := range res.Plan.Fits {
		if f.Collection != "orders" || f.Figure != results.FigureMemory {
			continue
		}
		// An order is a list of ~4 events of 300-600 bytes encoded.
		if s := plan.Slope(f.Fit); s < 800 || s > 6000 {
			t.Errorf("orders memory %.0f bytes per order, want 800-6000", s)
		}
	}
	if len(res.Plan.Projections) != 1 {
		t.Fatalf("%d projections, want 1", len(res.Plan.Projections))
	}
	pr := res.Plan.Projections[0]
	if pr.DatasetBytes < 100_000*800 || pr.DatasetBytes > 100_000*20_000 {
		t.Errorf("dataset for 100K orders projected at %d bytes", pr.DatasetBytes)
	}
	if pr.MemoryNeededBytes <= pr.DatasetBytes || pr.AOFBytes <= 0 || pr.AOFLoadSec <= 0 {
		t.Errorf("projection %+v: memory needed, AOF and load time must be positive and above the dataset", pr)
	}
	if pr.ReadySec["sequential"] < pr.AOFLoadSec || pr.ReadySec["rust"] < pr.AOFLoadSec {
		t.Errorf("ready times %v must exceed the AOF load %.3f", pr.ReadySec, pr.AOFLoadSec)
	}
	if pr.MaxOrders <= 100_000 {
		t.Errorf("4 GiB holds only %d orders by the projection", pr.MaxOrders)
	}
	kinds := map[string]bool{}
	for _, d := range res.Plan.Dangers {
		kinds[d.Kind] = true
	}
	if !kinds[capacity.DangerEvictingPolicy] || !kinds[capacity.DangerAccountEvents] {
		t.Errorf("dangers %+v: want the evicting policy and the account events", res.Plan.Dangers)
	}
	var out bytes.Buffer
	if err := plan.WriteTable(&out, res); err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	for _, s := range []string{"memory needed", "AOF on disk", "restart to trading-ready, sequential", "R²", "allkeys-lru"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("table lacks %q", s)
		}
	}
}

func TestOptionsRejected(t *testing.T) {
	for _, o := range []plan.Options{
		{Scales: []int64{50}},
		{Scales: []int64{1000}, Encodings: []string{"xml"}},
	} {
		_, _, err := plan.Measure(context.Background(), o)
		if !errors.Is(err, plan.ErrOptions) {
			t.Errorf("%+v: error %v, want ErrOptions", o, err)
		}
	}
}
