package connect

import (
	"context"
	"errors"
	"fmt"

	"github.com/rbench/rbench/node/keyspace"
)

// ErrPrefixInUse is matched when an external server already holds keys
// under rbench's prefix and cleaning was not asked for.
var ErrPrefixInUse = errors.New("keys under the prefix already exist")

// CheckPrefix makes sure rbench can write under prefix without mixing its
// data with someone else's. On an external server that already holds keys
// under prefix it returns ErrPrefixInUse, unless clean is true: then it
// deletes exactly those keys (keyspace.CleanPrefix). A throwaway server is
// always cleaned, being rbench's own. Call it only once every input has
// been validated: what it deletes cannot be restored.
func (t *Target) CheckPrefix(ctx context.Context, prefix string, clean bool) error {
	if prefix == "" {
		return errors.New("CheckPrefix: empty prefix refused")
	}
	key, err := keyspace.FirstKey(ctx, t.Client, prefix)
	if err != nil || key == "" {
		return err
	}
	if !clean && !t.Throwaway() {
		return fmt.Errorf("%w: %s already holds keys under %q (e.g. %q) in db %d: rbench will not mix its data with them; pass --clean to delete exactly those keys first (SCAN + UNLINK), or pick another --trader-id",
			ErrPrefixInUse, t.Addr(), prefix, key, t.Config.DB)
	}
	n, err := keyspace.CleanPrefix(ctx, t.Client, prefix)
	if err != nil {
		return err
	}
	t.opts.Logger.Info("deleted keys under the prefix", "prefix", prefix, "keys", n, "addr", t.Addr())
	return nil
}
