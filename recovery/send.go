package recovery

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
)

// Outcome is what became of one sent call.
type Outcome int

const (
	// Acked: EXEC's reply arrived; the Ledger holds the call's effects.
	Acked Outcome = iota
	// NotSent: the connection could not be made, so nothing reached Redis.
	NotSent
	// Doubtful: the call may or may not have been applied (a timeout or a
	// connection dropped before EXEC's reply).
	Doubtful
)

// Send sends c as one MULTI/EXEC transaction, as the node's cache writer
// does, and records the outcome in l. The error is the transport or server
// error, if any; a call whose commands failed inside EXEC (WRONGTYPE) is
// still acknowledged, with those commands recorded as having changed
// nothing.
func Send(ctx context.Context, rdb redis.Cmdable, l *Ledger, c Call) (Outcome, error) {
	if err := Check(c); err != nil {
		return NotSent, err
	}
	cmds, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, cmd := range c {
			p.Do(ctx, []any(cmd)...)
		}
		return nil
	})
	now := time.Now()
	if err == nil {
		return Acked, l.Ack(c, now, nil)
	}
	if isDialError(err) {
		return NotSent, err
	}
	// The EXEC reply arrived when every failure is a Redis error reply;
	// anything else (I/O error, timeout, context) leaves the call in doubt.
	cmdErrs := make([]error, len(c))
	replied := len(cmds) == len(c)
	for i, cmd := range cmds {
		e := cmd.Err()
		if e == nil || errors.Is(e, redis.Nil) {
			continue
		}
		var re redis.Error
		if !errors.As(e, &re) {
			replied = false
			break
		}
		if i < len(cmdErrs) {
			cmdErrs[i] = e
		}
	}
	if !replied {
		return Doubtful, errors.Join(err, l.InDoubt(c, now))
	}
	return Acked, errors.Join(err, l.Ack(c, now, cmdErrs))
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
