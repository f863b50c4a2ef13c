package main

import (
	"slices"
	"strings"
	"testing"
)

// FuzzParseParams: --param pairs give non-empty, unique keys, and every
// refused pair gets its own error.
func FuzzParseParams(f *testing.F) {
	f.Add("style=both", "purge=true")
	f.Add("=x", "a")
	f.Add("a=1", "a=2")
	f.Add(" k =v=w", "")
	f.Fuzz(func(t *testing.T, a, b string) {
		kv, errs := parseParams([]string{a, b})
		if len(kv)+len(errs) != 2 {
			t.Fatalf("%q, %q: %d params and %d errors", a, b, len(kv), len(errs))
		}
		for k := range kv {
			if k == "" || strings.TrimSpace(k) != k {
				t.Fatalf("key %q from %q, %q", k, a, b)
			}
		}
	})
}

// FuzzParseScales: --scales gives at least two different key counts from
// 100 to 1e9, or an error naming the flag.
func FuzzParseScales(f *testing.F) {
	for _, s := range []string{"10000,100000,1000000", "100,200", "1_000,2_000", "10,abc", "100,100", "", ",", "+100,200", "100,-200", "9223372036854775808,100"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		scales, err := parseScales(s)
		if err != nil {
			if !strings.Contains(err.Error(), "--scales") {
				t.Fatalf("error %q does not name --scales", err)
			}
			return
		}
		if len(scales) < 2 {
			t.Fatalf("%q gave %v", s, scales)
		}
		for i, n := range scales {
			if n < 100 || n > 1_000_000_000 || slices.Contains(scales[:i], n) {
				t.Fatalf("%q gave %v", s, scales)
			}
		}
	})
}
