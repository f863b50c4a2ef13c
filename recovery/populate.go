package recovery

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/node/keyspace"
)

// Populate writes calls before anything is measured, through keyspace's
// Filler: every command in the node's order, pipelined as bare commands,
// which leaves the dataset and the AOF a node's writer would (one
// MULTI/EXEC per command; see keyspace.Filler). Each call's outcome goes to
// l once its batch is answered: acknowledged, with the commands that failed
// (WRONGTYPE) or did nothing (an RPUSHX answered 0, ErrNoop) recorded as
// having changed nothing, or in doubt when the replies did not all arrive. It returns how many calls were acknowledged
// and the first error, a command's error reply included.
func Populate(ctx context.Context, rdb redis.UniversalClient, l *Ledger, calls []Call) (int, error) {
	for _, c := range calls {
		if err := Check(c); err != nil {
			return 0, err
		}
	}
	acked := 0
	var ledgerErr error
	f := keyspace.NewFiller(rdb, keyspace.FillOptions{})
	add := func(c Call) error {
		cmds := make([]keyspace.Cmd, len(c))
		for i, cmd := range c {
			cmds[i] = keyspace.Cmd(cmd)
		}
		return f.Add(ctx, cmds, func(o keyspace.FillOutcome) {
			var err error
			if o.Replied {
				for i, cmd := range o.Cmds {
					if d, ok := cmd.(*redis.Cmd); ok && o.Errs[i] == nil && isNoop(c[i], d.Val()) {
						o.Errs[i] = ErrNoop
					}
				}
				err = l.Ack(c, time.Now(), o.Errs)
				acked++
			} else {
				err = l.InDoubt(c, time.Now())
			}
			if ledgerErr == nil {
				ledgerErr = err
			}
		})
	}
	var first error
	for _, c := range calls {
		if err := add(c); err != nil && first == nil {
			first = err
		}
	}
	if err := f.Flush(ctx); err != nil && first == nil {
		first = err
	}
	if ledgerErr != nil {
		return acked, ledgerErr
	}
	return acked, first
}
