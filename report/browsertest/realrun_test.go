package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/report"
	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/workloads"
	"github.com/redis/go-redis/v9"
)

// TestRealRunReportInChromium is `make run` in small: a real populate under
// msgpack and JSON against a throwaway server,
// its report opened offline in Chromium, every chart drawn. The fixtures of
// TestReportInChromium cover every section; this proves the engine's own
// output renders.
func TestRealRunReportInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := localredis.ForTest(t, localredis.Options{})
	client := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{srv.Addr()}, PoolSize: 2, PipelinePoolSize: -1})
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

	v := open(ctx, t, sharedBrowser(t), path)
	if len(v.state.Charts) < 3 {
		t.Errorf("only %d charts in the report of a real populate run", len(v.state.Charts))
	}
	for _, f := range chartFailures(v.state) {
		t.Error(f)
	}
	for _, p := range v.problems {
		t.Error(p)
	}
	shot, err := v.page.screenshot(ctx, viewWidth, 0, 0, 0.5)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	saveArtifact(t, "real-run-report.png", shot)
}
