package gate

import (
	"errors"
	"testing"
)

// FuzzParseMetric: a metric either parses to one whose name parses back to
// itself, or fails with ErrSyntax.
func FuzzParseMetric(f *testing.F) {
	for _, s := range []string{"write.p99", "op.add_order@json.p99.9.service", "errors.timeout", "recovery.lost", "read.p", "op..p99", "write@", "rate", "all.max.response"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMetric(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v is not ErrSyntax", err)
			}
			return
		}
		again, err := ParseMetric(m.Name)
		if err != nil || again.Name != m.Name {
			t.Fatalf("%q parsed to %q, which parses to %q, %v", s, m.Name, again.Name, err)
		}
	})
}
