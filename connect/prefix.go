package connect

import (
	"context"
	"errors"
	"fmt"
	"github.com/rbench/rbench/node/keyspace"
	"strings"

	"github.com/redis/go-redis/v9"
)

// ErrPrefixInUse is matched when an external server already holds keys
// under rbench's prefix and cleaning was not asked for.
var ErrPrefixInUse = errors.New("keys under the prefix already exist")

// scanCount is the SCAN COUNT hint: large enough that a big keyspace takes
// few round trips, small enough that each SCAN stays a short command.
const scanCount = 1000

// MatchPattern is a SCAN MATCH pattern for exactly the keys starting with
// prefix (keyspace.MatchPrefix).
func MatchPattern(prefix string) string { return keyspace.MatchPrefix(prefix) }

// DeletePrefix removes every key starting with prefix with SCAN MATCH and
// UNLINK, and returns how many it removed. An empty prefix is refused: it
// would delete the whole database. It never runs FLUSHDB or FLUSHALL.
func DeletePrefix(ctx context.Context, c redis.UniversalClient, prefix string) (int64, error) {
	if prefix == "" {
		return 0, errors.New("DeletePrefix: empty prefix refused, it would match every key")
	}
	if err := singleNode(c); err != nil {
		return 0, err
	}
	pattern := MatchPattern(prefix)
	var deleted int64
	var cursor uint64
	for {
		keys, next, err := c.Scan(ctx, cursor, pattern, scanCount).Result()
		if err != nil {
			return deleted, fmt.Errorf("SCAN MATCH %s: %w", pattern, err)
		}
		// SCAN's pattern is already exact, but a key deleted by mistake
		// cannot be undone: check the prefix again.
		own := keys[:0]
		for _, k := range keys {
			if strings.HasPrefix(k, prefix) {
				own = append(own, k)
			}
		}
		if len(own) > 0 {
			n, err := c.Unlink(ctx, own...).Result()
			if err != nil {
				return deleted, fmt.Errorf("UNLINK %d keys under %s: %w", len(own), prefix, err)
			}
			deleted += n
		}
		if next == 0 {
			return deleted, nil
		}
		cursor = next
	}
}

// FindPrefix returns one key starting with prefix, or "" when there is none.
func FindPrefix(ctx context.Context, c redis.UniversalClient, prefix string) (string, error) {
	if err := singleNode(c); err != nil {
		return "", err
	}
	pattern := MatchPattern(prefix)
	var cursor uint64
	for {
		keys, next, err := c.Scan(ctx, cursor, pattern, scanCount).Result()
		if err != nil {
			return "", fmt.Errorf("SCAN MATCH %s: %w", pattern, err)
		}
		for _, k := range keys {
			if strings.HasPrefix(k, prefix) {
				return k, nil
			}
		}
		if next == 0 {
			return "", nil
		}
		cursor = next
	}
}

// CheckPrefix makes sure rbench can write under prefix without mixing its
// data with someone else's. On an external server that already holds keys
// under prefix it returns ErrPrefixInUse, unless clean is true: then it
// deletes exactly those keys (SCAN + UNLINK). A throwaway server is always
// cleaned, being rbench's own.
func (t *Target) CheckPrefix(ctx context.Context, prefix string, clean bool) error {
	if prefix == "" {
		return errors.New("CheckPrefix: empty prefix refused")
	}
	key, err := FindPrefix(ctx, t.Client, prefix)
	if err != nil || key == "" {
		return err
	}
	if !clean && !t.Throwaway() {
		return fmt.Errorf("%w: %s already holds keys under %q (e.g. %q) in db %d: rbench will not mix its data with them; pass --clean to delete exactly those keys first (SCAN + UNLINK), or pick another --trader-id",
			ErrPrefixInUse, t.Addr(), prefix, key, t.Config.DB)
	}
	n, err := DeletePrefix(ctx, t.Client, prefix)
	if err != nil {
		return err
	}
	t.opts.Logger.Info("deleted keys under the prefix", "prefix", prefix, "keys", n, "addr", t.Addr())
	return nil
}

// singleNode refuses cluster clients: SCAN there sees one node only and a
// multi-key UNLINK spans slots, so "every key under the prefix" would
// silently be some of them.
func singleNode(c redis.UniversalClient) error {
	if _, ok := c.(*redis.ClusterClient); ok {
		return errors.New("prefix scan and delete on Redis Cluster is not supported yet: run against a single node")
	}
	return nil
}
