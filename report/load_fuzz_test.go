package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/results"
)

// FuzzRenderLoaded renders whatever results.Decode accepts, as `rbench
// report` does with a file it is given: no panic, and a page that holds
// exactly its own three scripts.
func FuzzRenderLoaded(f *testing.F) {
	// Small, compact seeds: the fuzzer then spends its minute mutating
	// rather than minimizing a large fixture.
	h := results.NewHistogram()
	h.RecordValue(120)
	op, err := results.OpFromHistograms("add_order", results.ClassWrite, "msgpack", h, nil, time.Second)
	if err != nil {
		f.Fatal(err)
	}
	op.Series = []results.Second{{T: 0, Count: 1, P50: 120, P99: 120, Max: 120, HDR: op.ResponseHDR}}
	run := results.NewRun(results.Meta{RunID: "f", Name: "populate"})
	run.Ops = []results.Op{op}
	run.Warnings = []string{"<b>warn</b>"}
	seed, _ := json.Marshal(run)
	f.Add(seed)
	run.Recovery = &results.Recovery{Verdict: "pass", Cycles: []results.RecoveryCycle{{Cycle: 1}}}
	seed, _ = json.Marshal(run)
	f.Add(seed)
	f.Add([]byte(`{"format":"rbench-results","schema_version":1}`))
	f.Add([]byte(`{"format":"rbench-results","schema_version":1,"ops":[{"op":"x","class":"write","count":1}],"incomplete":["interrupted"]}`))
	saved := chartLibrary
	chartLibrary = func() ([]byte, error) { return []byte(stubLibrary), nil }
	defer func() { chartLibrary = saved }()
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := results.Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Render(&out, []*results.Run{run}, Options{}); err != nil {
			return
		}
		if n := strings.Count(strings.ToLower(out.String()), "<script"); n != 3 {
			t.Fatalf("%d <script openings for %q", n, data)
		}
	})
}
