package workloads

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseMix: --ops-mix either fails with ErrBadSpec or gives unique,
// non-empty names with weights from 0 to 1e9, at least one positive.
func FuzzParseMix(f *testing.F) {
	for _, s := range []string{"set:1,get:3", "add_order:3,update_order:10", "a:0,b:1e9", "x:1,x:2", "a:-1", "a:NaN", "a:Inf", ":1", "a", "a:1,,b:2", " a : 1 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		mix, err := ParseMix(s)
		if err != nil {
			if !errors.Is(err, ErrBadSpec) {
				t.Fatalf("error %v is not ErrBadSpec", err)
			}
			return
		}
		seen := map[string]bool{}
		var total float64
		for _, m := range mix {
			if m.Name == "" || seen[m.Name] || strings.Contains(m.Name, ",") {
				t.Fatalf("entry %+v from %q", m, s)
			}
			seen[m.Name] = true
			if !(m.Weight >= 0 && m.Weight <= 1e9) {
				t.Fatalf("weight %v from %q", m.Weight, s)
			}
			total += m.Weight
		}
		if !(total > 0) {
			t.Fatalf("no positive weight in %q accepted", s)
		}
	})
}
