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
		// A valid trader key comes out as the node's own pattern.
		{"trader-RBENCH-001:", `trader-RBENCH-001:*`, []string{"trader-RBENCH-001:orders:O-1"}, []string{"trader-RBENCH-0012:orders:x"}},
		{"trader-A*:", `trader-A\*:*`, []string{"trader-A*:x"}, []string{"trader-AB:x"}},
		{"trader-[x]?:", `trader-\[x\]\?:*`, []string{"trader-[x]?:k"}, []string{"trader-x1:k", "trader-[x]1:k"}},
		{"trader-[a-c]:", `trader-\[a-c\]:*`, []string{"trader-[a-c]:k"}, []string{"trader-b:k"}},
		{`trader-\:`, `trader-\\:*`, []string{`trader-\:k`}, []string{`trader-:k`}},
	} {
		got := MatchPrefix(tc.prefix)
		if got != tc.want {
			t.Errorf("MatchPrefix(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
		// path.Match speaks the same glob as Redis for these characters;
		// the Redis tests (scan_test.go) check the server itself.
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

func TestTraderID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"RBENCH-001", true}, {"a", true}, {"A.b_c-9", true}, {"x123456789012345678901234567890123456789012345678901234567890123", true},
		{"", false}, {"*", false}, {"?", false}, {"A*", false}, {"[ab]", false}, {`a\b`, false},
		{"a:b", false}, {"a b", false}, {"é", false}, {"x1234567890123456789012345678901234567890123456789012345678901234", false},
	} {
		if got := ValidTraderID(tc.id); got != tc.ok {
			t.Errorf("ValidTraderID(%q) = %v, want %v", tc.id, got, tc.ok)
		}
		if err := CheckTraderID(tc.id); (err == nil) != tc.ok {
			t.Errorf("CheckTraderID(%q) = %v", tc.id, err)
		}
	}
}

func FuzzTraderIDIsLiteral(f *testing.F) {
	for _, s := range []string{"RBENCH-001", "A*", "[ab]", "-^"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if !ValidTraderID(id) {
			return
		}
		// A valid id needs no escaping: the node's unescaped pattern is
		// exact for it.
		p := "trader-" + id + ":"
		if MatchPrefix(p) != p+"*" {
			t.Errorf("valid id %q needs escaping: %q", id, MatchPrefix(p))
		}
	})
}
