package main

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseShard: --shard gives a generator from 1 to a count from 1 to
// 1000, or an error naming the flag.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"1/2", "2/2", "k8s/4", "0/1", "3/2", " 1 / 1 ", "1/1001", "99999999999999999999/1", "k8s/0", "/", ""} {
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, s, idx string) {
		i, n, err := parseShard(s, func(string) string { return idx })
		if err != nil {
			if !strings.Contains(err.Error(), "--shard") {
				t.Fatalf("%q: error %v does not name --shard", s, err)
			}
			return
		}
		if n < 1 || n > 1000 || i < 1 || i > n {
			t.Fatalf("%q (index %q): generator %d of %d", s, idx, i, n)
		}
	})
}

// FuzzParseStartAt: --start-at gives a time after 1970 or an error naming
// the flag; RFC 3339 round-trips.
func FuzzParseStartAt(f *testing.F) {
	for _, s := range []string{"2026-11-25T16:00:00Z", "2026-11-25T16:00:00.123+02:00", "1795622400", "1795622400.25", "-1", "1e300", "NaN", "Inf", "", "now"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		at, err := parseStartAt(s)
		if err != nil {
			if !strings.Contains(err.Error(), "--start-at") {
				t.Fatalf("%q: error %v does not name --start-at", s, err)
			}
			return
		}
		if at.Before(time.Unix(0, 0)) && !strings.Contains(s, "T") {
			t.Fatalf("%q: unix seconds gave %v", s, at)
		}
	})
}

// FuzzMemtierHints: hints never panic and name the flag they explain.
func FuzzMemtierHints(f *testing.F) {
	f.Add("-d", "256")
	f.Add("-n", "100000")
	f.Add("-n=20", "")
	f.Add("-d", "10s")
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, h := range memtierHints([]string{a, b}) {
			if !strings.HasPrefix(h, "-d ") && !strings.HasPrefix(h, "-n ") {
				t.Fatalf("hint %q for %q %q", h, a, b)
			}
		}
	})
}
