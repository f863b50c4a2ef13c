package connect

import (
	"strings"
	"testing"
)

// FuzzParseInfo: the health check's INFO fields never carry a line break,
// a comment or surrounding space in a key, whatever the server sends. Its
// regression seed is the crasher of recovery's INFO fuzz target: a key
// ending in "\r", from a reply whose lines end in "\r\r\n".
func FuzzParseInfo(f *testing.F) {
	f.Add("# Server\r\nredis_version:7.0.15\r\nrole:master\r\naof_enabled:1\r\n")
	f.Add("a\r:b\r\n")
	f.Add("maxmemory\r\r:1\r\n#x:y\r\n:\r\n")
	f.Fuzz(func(t *testing.T, raw string) {
		for k, v := range parseInfo(raw) {
			if k == "" || strings.ContainsAny(k, "\r\n") || strings.HasPrefix(k, "#") || strings.TrimSpace(k) != k {
				t.Fatalf("key %q from %q", k, raw)
			}
			if strings.ContainsAny(v, "\r\n") {
				t.Fatalf("value %q of %q from %q", v, k, raw)
			}
		}
	})
}
