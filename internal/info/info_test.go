package info

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	m := Parse("# Server\r\nredis_version:7.0.15\r\n\r\nrole:master\r\nmaxmemory\r\r:1\r\n a : b:c \r\n#x:y\r\n:\r\nnocolon\r\nrole:replica")
	want := map[string]string{"redis_version": "7.0.15", "role": "replica", "a": " b:c"}
	if len(m) != len(want) {
		t.Errorf("Parse = %q, want %q", m, want)
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %q, want %q", k, m[k], v)
		}
	}
}

func TestParseBounded(t *testing.T) {
	var b strings.Builder
	for i := range MaxFields + 10 {
		b.WriteString("k")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString(":1\n")
		_ = i
	}
	if n := len(Parse(b.String())); n > MaxFields {
		t.Errorf("kept %d fields, want at most %d", n, MaxFields)
	}
}

func TestInt64(t *testing.T) {
	m := map[string]string{"a": "12", "b": "-3", "c": "+4", "d": "1e3", "e": "", "f": "9999999999999999999"}
	for k, want := range map[string]int64{"a": 12, "b": -3} {
		if n, ok := Int64(m, k); !ok || n != want {
			t.Errorf("Int64(%s) = %d, %v", k, n, ok)
		}
	}
	for _, k := range []string{"c", "d", "e", "f", "missing"} {
		if n, ok := Int64(m, k); ok {
			t.Errorf("Int64(%s) = %d, want not a number", k, n)
		}
	}
}

func TestCommandCalls(t *testing.T) {
	m := Parse("# Commandstats\r\ncmdstat_exec:calls=42,usec=100,usec_per_call=2.38,rejected_calls=0,failed_calls=0\r\n" +
		"cmdstat_client|setname:calls=3,usec=1\r\ncmdstat_get:usec=1,calls=7\r\ncmdstat_bad:calls=x,usec=1\r\n")
	tests := []struct {
		cmd  string
		want int64
		ok   bool
	}{
		{"exec", 42, true},
		{"client|setname", 3, true},
		{"get", 7, true}, // calls= need not come first
		{"bad", 0, false},
		{"lrange", 0, false},
	}
	for _, tt := range tests {
		if n, ok := CommandCalls(m, tt.cmd); n != tt.want || ok != tt.ok {
			t.Errorf("CommandCalls(%s) = %d, %v; want %d, %v", tt.cmd, n, ok, tt.want, tt.ok)
		}
	}
}

// FuzzParse: no key is empty, holds a line break or surrounding space, or
// starts a comment; no value holds a line break.
func FuzzParse(f *testing.F) {
	f.Add("# Server\r\nredis_version:7.0.15\r\n")
	f.Add("a\r:b\r\n")
	f.Add("maxmemory\r\r:1\r\n#x:y\r\n:\r\n")
	f.Fuzz(func(t *testing.T, raw string) {
		m := Parse(raw)
		if len(m) > MaxFields {
			t.Fatalf("%d fields", len(m))
		}
		for k, v := range m {
			if k == "" || strings.ContainsAny(k, "\r\n") || k[0] == '#' || strings.TrimSpace(k) != k {
				t.Fatalf("key %q from %q", k, raw)
			}
			if strings.ContainsAny(v, "\r\n") {
				t.Fatalf("value %q from %q", v, raw)
			}
		}
	})
}
