package recovery

import (
	"context"
	"errors"
	"net"
	"strings"
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

// Send sends c as one MULTI/EXEC transaction and records the outcome in l.
// The error is the transport or server error, if any; a transaction whose
// commands failed inside EXEC (WRONGTYPE) is still acknowledged, with those
// commands recorded as having changed nothing, and so is an RPUSHX that
// Redis answered 0 (ErrNoop).
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
		var noops []error
		for i, cmd := range cmds {
			if d, ok := cmd.(*redis.Cmd); ok && i < len(c) && isNoop(c[i], d.Val()) {
				if noops == nil {
					noops = make([]error, len(c))
				}
				noops[i] = ErrNoop
			}
		}
		return Acked, l.Ack(c, now, noops)
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
	for i, cmd := range cmds {
		if d, ok := cmd.(*redis.Cmd); ok && i < len(c) && cmdErrs[i] == nil && isNoop(c[i], d.Val()) {
			cmdErrs[i] = ErrNoop
		}
	}
	return Acked, errors.Join(err, l.Ack(c, now, cmdErrs))
}

// isNoop reports whether reply says cmd changed nothing: an RPUSHX whose
// list did not exist answers 0.
func isNoop(cmd Cmd, reply any) bool {
	name, _ := cmd[0].(string)
	n, ok := reply.(int64)
	return ok && n == 0 && strings.EqualFold(name, "RPUSHX")
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
