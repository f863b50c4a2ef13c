package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/report"
	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/workloads"
)

// TestRealRunReportInChromium is `make run` in small: a real populate under
// msgpack and JSON against a throwaway server, its report opened offline in
// Chromium at 1400 and 800 px: every chart drawn, no label overlapping, and
// the verdict of each encoding on the first screen, without scrolling. The
// fixtures of TestReportLayoutInChromium cover every section; this proves
// the engine's own output renders.
func TestRealRunReportInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := localredis.ForTest(t, localredis.Options{})
	client := connect.NewClient(connect.ClientOptions{Addr: srv.Addr(), PoolSize: 2, PipelinePoolSize: -1})
	defer client.Close()

	run, err := workloads.Run(ctx, workloads.Options{
		Client: client,
		Spec:   workloads.Spec{Workload: "populate", Keys: 2000, Encodings: []string{"msgpack", "json"}},
		Meta:   results.Meta{Target: results.Target{Addr: srv.Addr(), Throwaway: true}},
	})
	if err != nil {
		t.Fatalf("populate: %v", err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	if err := report.WriteFile(path, []*results.Run{run}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "real-run-report.html", html)

	for _, w := range widths {
		v := openAt(ctx, t, sharedBrowser(t), path, w, viewportHeight)
		if len(v.state.Charts) < 3 {
			t.Errorf("%d px: only %d charts in the report of a real populate run", w, len(v.state.Charts))
		}
		for _, f := range chartFailures(v.state) {
			t.Errorf("%d px: %s", w, f)
		}
		for _, p := range v.problems {
			t.Errorf("%d px: %s", w, p)
		}
		var ls labelState
		if err := v.page.eval(ctx, checkLabels, &ls); err != nil {
			t.Fatal(err)
		}
		for _, o := range append(ls.Overlaps, ls.Clipped...) {
			t.Errorf("%d px: labels: %s", w, o)
		}
		// The answer without scrolling: every verdict card of both
		// encodings is inside the first screen.
		var banner struct {
			Cards  int      `json:"cards"`
			Bottom float64  `json:"bottom"`
			Titles []string `json:"titles"`
		}
		if err := v.page.eval(ctx, bannerBox, &banner); err != nil {
			t.Fatal(err)
		}
		if banner.Cards < 2 || banner.Bottom > viewportHeight {
			t.Errorf("%d px: %d verdict cards ending at %.0f px; want one per encoding inside the first %d px", w, banner.Cards, banner.Bottom, viewportHeight)
		}
		for _, enc := range []string{"msgpack", "json"} {
			if !strings.Contains(strings.Join(banner.Titles, "\n"), "writes · "+enc) {
				t.Errorf("%d px: no verdict for writes · %s among %q", w, enc, banner.Titles)
			}
		}
		shot, err := v.page.screenshot(ctx, w, 0, viewportHeight, 1)
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		saveArtifact(t, fmt.Sprintf("real-run-report-%d.png", w), shot)
	}
}

// bannerBox is where the verdict cards end on the page.
const bannerBox = `(() => {
  const cards = [...document.querySelectorAll("#summary .card")];
  return {cards: cards.length, bottom: Math.max(0, ...cards.map(c => c.getBoundingClientRect().bottom)),
    titles: cards.map(c => c.querySelector(".what").textContent)};
})()`
