package keyspace

import "strings"

// MatchPrefix is a SCAN MATCH pattern for exactly the keys starting with
// prefix: glob characters in the prefix are escaped, so "trader-A*:" cannot
// match "trader-AB:..." and rbench never reads or deletes keys it did not
// write.
func MatchPrefix(prefix string) string {
	var b strings.Builder
	b.Grow(len(prefix) + 8)
	for _, r := range prefix {
		switch r {
		case '*', '?', '[', ']', '\\', '^', '-':
			// '^' and '-' only mean something inside [...], but escaping
			// them everywhere is harmless and keeps this simple.
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('*')
	return b.String()
}
