package recovery

import (
	"context"
	"errors"
	"fmt"
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

// SendBatch sends calls as MULTI/EXEC transactions in one pipeline (one
// round trip), for populating quickly, and records each outcome in l. It
// returns how many were acknowledged and the first error, including a
// command's error inside an acknowledged EXEC (WRONGTYPE).
func SendBatch(ctx context.Context, rdb redis.Cmdable, l *Ledger, calls []Call) (int, error) {
	for _, c := range calls {
		if err := Check(c); err != nil {
			return 0, err
		}
	}
	execs := make([]*redis.Cmd, len(calls))
	_, perr := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range calls {
			p.Do(ctx, "MULTI")
			for _, cmd := range c {
				p.Do(ctx, []any(cmd)...)
			}
			execs[i] = p.Do(ctx, "EXEC")
		}
		return nil
	})
	now := time.Now()
	acked := 0
	var first error
	for i, c := range calls {
		vals, err := execs[i].Slice()
		var re redis.Error
		switch {
		case err == nil && len(vals) == len(c):
			cmdErrs := make([]error, len(c))
			for j, v := range vals {
				if e, ok := v.(error); ok {
					cmdErrs[j] = e
					if first == nil {
						first = fmt.Errorf("%v: %w", c[j][0], e)
					}
				} else if isNoop(c[j], v) {
					cmdErrs[j] = ErrNoop
				}
			}
			if err := l.Ack(c, now, cmdErrs); err != nil {
				return acked, err
			}
			acked++
			continue
		case err == nil:
			err = fmt.Errorf("EXEC returned %d replies for %d commands", len(vals), len(c))
			_ = l.InDoubt(c, now)
		case errors.As(err, &re):
			// EXECABORT, LOADING, ...: the transaction was not applied.
		case isDialError(err):
		default:
			_ = l.InDoubt(c, now)
		}
		if first == nil {
			first = err
		}
	}
	if first == nil && perr != nil && !errors.Is(perr, redis.Nil) {
		var re redis.Error
		if !errors.As(perr, &re) {
			first = perr
		}
	}
	return acked, first
}
