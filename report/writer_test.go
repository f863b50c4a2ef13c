package report

import (
	"strings"
	"testing"

	"github.com/rbench/rbench/report/internal/fixture"
	"github.com/rbench/rbench/results"
)

// writerRuns is a paced run with the writer's figures and a --find-max
// search at two buffer intervals, for the writer and ceiling goldens.
func writerRuns() []*results.Run {
	r := fixture.Run(fixture.Options{Name: "writer", Seconds: 4, PerSecond: 30})
	r.Recovery, r.Plan, r.Startup, r.Payloads, r.Server = nil, nil, nil, nil, nil
	return []*results.Run{fixture.WithWriter(r)}
}

func TestWriterSections(t *testing.T) {
	withStubLibrary(t)
	doc := render(t, writerRuns(), Options{})
	for _, want := range []string{"Writer lag over time: writer", "Writer queue over time: writer", "no call ever waits in a queue", "no queue is reported",
		"ceiling per buffer interval", "the searches step by step", "projection to other round-trip times", "100 ms buffer"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// No writer figures, no section.
	p, err := buildPage([]*results.Run{shared()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Sections {
		if s.ID == "writer" || s.ID == "ceiling" {
			t.Errorf("section %s without writer figures", s.ID)
		}
	}
}
