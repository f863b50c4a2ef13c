// Package info is rbench's one parser of Redis INFO replies: "key:value"
// lines in "# Section" groups. Whatever the server sends is input, so a
// line break is any of \r and \n (a key never ends in "\r"), keys are
// trimmed and must be non-empty, and the number of fields kept is bounded.
package info

import "strings"

// MaxFields bounds the fields Parse keeps; Redis 7's INFO everything has
// about 300 (plus one per database and command with "commandstats").
const MaxFields = 100_000

// Parse returns the fields of an INFO reply. Section headers, blank lines
// and lines without a ':' are skipped; a key given twice keeps its last
// value; the value is everything after the first ':'.
func Parse(txt string) map[string]string {
	m := map[string]string{}
	for len(txt) > 0 && len(m) < MaxFields {
		var line string
		if i := strings.IndexAny(txt, "\r\n"); i >= 0 {
			line, txt = txt[:i], txt[i+1:]
		} else {
			line, txt = txt, ""
		}
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if k = strings.TrimSpace(k); !ok || k == "" {
			continue
		}
		m[k] = v
	}
	return m
}

// Int64 is the field key read as an integer; false when missing or not one.
func Int64(m map[string]string, key string) (int64, bool) {
	v, ok := m[key]
	if !ok {
		return 0, false
	}
	return parseInt(v)
}

// parseInt reads a decimal integer of at most 18 digits, sign allowed.
func parseInt(v string) (int64, bool) {
	var n int64
	neg := strings.HasPrefix(v, "-")
	if neg {
		v = v[1:]
	}
	if v == "" || len(v) > 18 {
		return 0, false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(v[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// CommandCalls is the calls= figure of INFO commandstats' entry for cmd
// (Redis's lower-case name, "exec" or "client|setname": the field
// cmdstat_<cmd>, whose value is "calls=N,usec=...,..."); false when the
// command has no entry or the figure is not a number.
func CommandCalls(m map[string]string, cmd string) (int64, bool) {
	v, ok := m["cmdstat_"+cmd]
	if !ok {
		return 0, false
	}
	for _, f := range strings.Split(v, ",") {
		if n, ok := strings.CutPrefix(f, "calls="); ok {
			return parseInt(n)
		}
	}
	return 0, false
}
