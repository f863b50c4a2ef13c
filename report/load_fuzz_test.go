package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rbench/rbench/report/internal/fixture"
	"github.com/rbench/rbench/results"
)

// FuzzRenderLoaded renders whatever results.Decode accepts, as `rbench
// report` does with a file it is given: no panic, and a page that holds
// exactly its own three scripts.
func FuzzRenderLoaded(f *testing.F) {
	for _, o := range []fixture.Options{{Seconds: 2}, {Seconds: 1}} {
		var b bytes.Buffer
		if err := small(o).Encode(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
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
