package keyspace

import "strings"

// MatchPrefix is a SCAN MATCH pattern for exactly the keys starting with
// prefix: the glob characters * ? [ ] and \ are escaped, so "trader-A*:"
// cannot match "trader-AB:..." and rbench never reads or deletes keys it did
// not write. With '[' escaped no character class can open, so '-' and '^'
// (special only inside one) stay as they are: for a valid trader key the
// pattern is byte for byte the node's own ({trader_key}:{collection}*).
func MatchPrefix(prefix string) string {
	var b strings.Builder
	b.Grow(len(prefix) + 8)
	for i := 0; i < len(prefix); i++ {
		switch c := prefix[i]; c {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('*')
	return b.String()
}
