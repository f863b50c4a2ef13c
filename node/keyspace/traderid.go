package keyspace

import (
	"fmt"
	"regexp"
)

// MaxTraderIDLen bounds a trader id: long enough for any real one
// ("BINANCE-FUTURES-STRATEGY-042"), short enough to keep keys short.
const MaxTraderIDLen = 64

// traderIDRe is the one trader-id rule: letters, digits, '_', '.' and '-'.
// No glob character (* ? [ ] \) can appear, so a trader key is a literal
// SCAN prefix however a pattern is written, and no ':' or whitespace, so
// the key's parts split as the node splits them.
var traderIDRe = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// ValidTraderID reports whether id follows the trader-id rule.
func ValidTraderID(id string) bool {
	return len(id) <= MaxTraderIDLen && traderIDRe.MatchString(id)
}

// CheckTraderID returns nil for a valid trader id, else an error naming the
// value and the rule; the caller adds the field it came from.
func CheckTraderID(id string) error {
	if ValidTraderID(id) {
		return nil
	}
	return fmt.Errorf("trader id %q: want 1-%d letters, digits, '_', '.' or '-' (it becomes the key prefix trader-{id}:, and glob characters such as * ? [ ] would make it match other traders' keys), e.g. RBENCH-001", id, MaxTraderIDLen)
}
