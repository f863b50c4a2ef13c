package keyspace

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// ErrEmptyPrefix is returned by CleanPrefix for an empty prefix, which would
// delete every key of the database.
var ErrEmptyPrefix = errors.New("empty key prefix refused: it would delete every key")

// cleanCount is CleanPrefix's SCAN COUNT: every page becomes one UNLINK, so
// pages stay small enough that each UNLINK is a short command.
const cleanCount = 1000

// CleanPrefix removes exactly the keys starting with the literal prefix
// (Scan, then UNLINK of each page), on every primary of a cluster client,
// and returns how many it removed. It never runs FLUSHDB or FLUSHALL, and
// refuses an empty prefix (ErrEmptyPrefix). Callers validate every input
// before calling it: a deletion cannot be undone.
func CleanPrefix(ctx context.Context, c redis.UniversalClient, prefix string) (int64, error) {
	if prefix == "" {
		return 0, ErrEmptyPrefix
	}
	cc, cluster := c.(*redis.ClusterClient)
	var removed int64
	err := Scan(ctx, c, prefix, ScanOptions{Count: cleanCount}, func(keys []string) error {
		if !cluster {
			n, err := c.Unlink(ctx, keys...).Result()
			removed += n
			if err != nil {
				return fmt.Errorf("UNLINK %d keys under %s: %w", len(keys), prefix, err)
			}
			return nil
		}
		// A multi-key UNLINK must stay within one slot on a cluster: one
		// UNLINK per key, pipelined, each routed to its slot's primary.
		cmds, err := cc.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys {
				p.Unlink(ctx, k)
			}
			return nil
		})
		for _, cmd := range cmds {
			if ic, ok := cmd.(*redis.IntCmd); ok && ic.Err() == nil {
				removed += ic.Val()
			}
		}
		if err != nil {
			return fmt.Errorf("UNLINK %d keys under %s: %w", len(keys), prefix, err)
		}
		return nil
	})
	return removed, err
}
