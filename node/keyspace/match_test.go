package keyspace

import (
	"path"
	"testing"
)

func TestMatchPrefix(t *testing.T) {
	for _, tc := range []struct {
		prefix, want string
		matches      []string
		misses       []string
	}{
		{"trader-RBENCH-001:", `trader\-RBENCH\-001:*`, []string{"trader-RBENCH-001:orders:O-1"}, []string{"trader-RBENCH-0012:orders:x"}},
		{"trader-A*:", `trader\-A\*:*`, []string{"trader-A*:x"}, []string{"trader-AB:x"}},
		{"trader-[x]?:", `trader\-\[x\]\?:*`, []string{"trader-[x]?:k"}, []string{"trader-x1:k"}},
	} {
		got := MatchPrefix(tc.prefix)
		if got != tc.want {
			t.Errorf("MatchPrefix(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
		// path.Match speaks the same glob as Redis for these characters.
		for _, k := range tc.matches {
			if ok, _ := path.Match(got, k); !ok {
				t.Errorf("%q does not match %q", got, k)
			}
		}
		for _, k := range tc.misses {
			if ok, _ := path.Match(got, k); ok {
				t.Errorf("%q matches %q", got, k)
			}
		}
	}
}
