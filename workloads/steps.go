package workloads

// How the node's writer sends one cache call's steps (keyspace.Seq): every
// Queued step is a message, a MULTI/EXEC of its own unbuffered; a Read is a
// plain command; a Tx is a MULTI/EXEC sent at once. A Python node's call is
// one Queued step per command (Op.Steps nil); the Rust node's update_order
// is a Read, a Tx and, after the node decodes the list, another Tx
// (cache.rs:816-829,882-928). The same code sends both flavours, buffered
// or not; writer.go calls it.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/redis/go-redis/v9"
)

// singleSteps backs opSteps for ops without Steps.
var singleSteps = func() []keyspace.Step {
	s := make([]keyspace.Step, 64)
	for i := range s {
		s[i] = keyspace.Step{Kind: keyspace.Queued, N: 1}
	}
	return s
}()

// opSteps returns op's steps: op.Steps, or one Queued step per command.
func opSteps(op *Op) []keyspace.Step {
	if op.Steps != nil {
		return op.Steps
	}
	if len(op.Cmds) <= len(singleSteps) {
		return singleSteps[:len(op.Cmds)]
	}
	s := make([]keyspace.Step, len(op.Cmds))
	for i := range s {
		s[i] = keyspace.Step{Kind: keyspace.Queued, N: 1}
	}
	return s
}

// stepsValid reports whether op's steps cover its commands exactly (a
// plug-in's broken Steps fail its call instead of the writer).
func stepsValid(op *Op) error {
	if op.Steps == nil {
		return nil
	}
	n := 0
	for _, s := range op.Steps {
		if s.N <= 0 || s.Kind == keyspace.Read && s.N != 1 {
			return fmt.Errorf("op kind %d: step %s of %d commands", op.Kind, s.Kind, s.N)
		}
		n += s.N
	}
	if n != len(op.Cmds) {
		return fmt.Errorf("op kind %d: steps cover %d commands of %d", op.Kind, n, len(op.Cmds))
	}
	return nil
}

// sentSteps is what sending a call's steps did.
type sentSteps struct {
	tx, txCmds, reads int64
	replyExtra        int64 // bytes the transactions' +OK, +QUEUED and EXEC headers took
	failed            error // the call's failure: a transport error, an empty list, a decode
	transport         error // a transport error (renews the connection)
}

// addTx counts one MULTI/EXEC of n commands.
func (s *sentSteps) addTx(n int) {
	s.tx++
	s.txCmds += int64(n)
	s.replyExtra += txReplyBytes + int64(n)*queuedBytes + 1 + digits(int64(n)) + 2
}

// errNoOrderList is a Rust update_order that found no list to append to:
// the node logs a warning and writes nothing (cache.rs:891-894).
var errNoOrderList = errors.New("update_order: no list at the key, so the node appends nothing (cache.rs:891-894)")

// fatal reports whether err ends a call: a transport failure (timeout,
// connection) ends it, as the rest could not keep its order; an error
// reply does not, as the node logs it and goes on with its next message
// (cache.rs:873-875).
func fatal(err error) bool {
	return err != nil && !errors.Is(err, redis.Nil) && Classify(err) != ClassServer
}

// sendSteps sends op's steps unbuffered, one round trip each, each awaited
// before the next, on the worker's connection.
func (ph *phase) sendSteps(ctx context.Context, st *workerState, op *Op, w Worker) sentSteps {
	var s sentSteps
	if err := stepsValid(op); err != nil {
		s.failed = err
		return s
	}
	var read redis.Cmder
	i := 0
	for _, step := range opSteps(op) {
		cmds := op.Cmds[i : i+step.N]
		i += step.N
		if step.Decode && !ph.replay(op, read, w, &s) {
			continue
		}
		if step.Kind == keyspace.Read {
			read = cmds[0]
			err := st.proc.Process(ctx, read)
			s.reads++
			if fatal(err) {
				s.failed, s.transport = err, err
				return s
			}
			if empty(read) {
				s.failed = fmt.Errorf("%w: %v", errNoOrderList, read.Args()[1])
				return s
			}
			continue
		}
		for _, c := range cmds {
			_ = st.txpipe.Process(ctx, c)
		}
		_, err := st.txpipe.Exec(ctx)
		s.addTx(step.N)
		if fatal(err) {
			s.failed, s.transport = err, err
			return s
		}
	}
	return s
}

// replay runs the worker's Replayer before a Decode step, timing it into
// op.Decode; false when it failed, so that the step is skipped.
func (ph *phase) replay(op *Op, read redis.Cmder, w Worker, s *sentSteps) bool {
	r, ok := w.(Replayer)
	if !ok || read == nil {
		return true
	}
	t0 := time.Now()
	err := r.Replay(op, read)
	op.Decode += time.Since(t0)
	if err != nil {
		if s.failed == nil {
			s.failed = err
		}
		return false
	}
	return true
}

// empty reports whether a list read returned no element.
func empty(c redis.Cmder) bool {
	switch v := c.(type) {
	case *redis.StringSliceCmd:
		return len(v.Val()) == 0
	case *redis.SliceCmd:
		return len(v.Val()) == 0
	case *redis.Cmd:
		l, err := v.Slice()
		return err == nil && len(l) == 0
	}
	return false
}

// hasDirect reports whether any of calls has a step the writer sends on
// its own (a Read or a Tx), which splits a buffered flush.
func hasDirect(calls []Op) bool {
	for i := range calls {
		for _, s := range calls[i].Steps {
			if s.Kind != keyspace.Queued {
				return true
			}
		}
	}
	return false
}

// flushSteps is a buffered flush of calls of which some have direct steps
// (drain_buffer, cache.rs:766-862): queued messages accumulate into one
// MULTI/EXEC; a direct step first sends what has accumulated, then goes
// alone; what is left goes at the end. Each call is done when the round
// trip of its last command's transaction (or read) is. It returns each
// call's done time in dones and what was sent.
func (ph *phase) flushSteps(ctx context.Context, st *workerState, calls []Op, w Worker, dones []time.Duration) sentSteps {
	var s sentSteps
	st.cmds = st.cmds[:0]
	waiting := 0 // calls[waiting:c] have their last command in st.cmds
	send := func(c int) bool {
		if len(st.cmds) == 0 {
			return true
		}
		_ = st.txpipe.BatchProcess(ctx, st.cmds...)
		n := len(st.cmds)
		clear(st.cmds)
		st.cmds = st.cmds[:0]
		_, err := st.txpipe.Exec(ctx)
		s.addTx(n)
		done := time.Since(ph.start)
		for ; waiting < c; waiting++ {
			dones[waiting] = done
		}
		if fatal(err) {
			s.transport = err
			return false
		}
		return true
	}
	for c := range calls {
		op := &calls[c]
		if err := stepsValid(op); err != nil {
			op.Err = err
			continue
		}
		var read redis.Cmder
		i := 0
		for _, step := range opSteps(op) {
			cmds := op.Cmds[i : i+step.N]
			i += step.N
			if step.Kind == keyspace.Queued {
				st.cmds = append(st.cmds, cmds...)
				continue
			}
			if !send(c) {
				return s
			}
			if step.Decode && !ph.replay(op, read, w, &s) {
				// The call's failure is its own: s.failed is per call.
				op.Err = s.failed
				s.failed = nil
				continue
			}
			var err error
			if step.Kind == keyspace.Read {
				read = cmds[0]
				err = st.proc.Process(ctx, read)
				s.reads++
			} else {
				for _, cmd := range cmds {
					_ = st.txpipe.Process(ctx, cmd)
				}
				_, err = st.txpipe.Exec(ctx)
				s.addTx(step.N)
			}
			dones[c] = time.Since(ph.start)
			if fatal(err) {
				s.transport = err
				return s
			}
			if step.Kind == keyspace.Read && empty(read) {
				op.Err = fmt.Errorf("%w: %v", errNoOrderList, read.Args()[1])
				break
			}
		}
		if steps := opSteps(op); len(steps) > 0 && steps[len(steps)-1].Kind != keyspace.Queued {
			waiting = c + 1 // done with its own last step
		}
	}
	send(len(calls))
	return s
}

// flushSplit is flush for calls with direct steps: one drain of the
// buffer, several round trips (flushSteps). Service time is the drain's,
// response time from each call's intended time to its own last reply.
func (ph *phase) flushSplit(ctx context.Context, st *workerState, wr *writerRec, calls []Op, w Worker, rec *Recorder, due time.Duration) {
	ph.take(st, len(calls))
	dones := make([]time.Duration, len(calls)) // one drain per interval: cheap
	sent := time.Since(ph.start)
	s := ph.flushSteps(ctx, st, calls, w, dones)
	end := time.Since(ph.start)
	if wr != nil {
		wr.round(s.tx, s.txCmds, sent, end)
		wr.reads += s.reads
		wr.flushes++
		_ = wr.perFlush.RecordValue(int64(len(calls)))
	}
	for i := range calls {
		op := &calls[i]
		op.sendDue = due
		done := dones[i]
		callErr := op.Err
		op.Err = nil
		if done == 0 { // not sent: the drain broke off before it, or its steps were broken
			done = end
			if callErr == nil {
				callErr = s.transport
			}
		}
		op.BytesSent = requestBytes(op)
		op.BytesReceived = replyBytes(op)
		if i == 0 {
			op.BytesSent += s.tx * txRequestBytes
			op.BytesReceived += s.replyExtra
		}
		if wr != nil {
			wr.call(op.Kind, 0, int64(txCommands(op)), done)
			wr.kinds[op.Kind].reads += int64(len(op.Cmds) - txCommands(op))
			_ = wr.wait.RecordValue(toUs(sent - op.intended))
		}
		ph.finish(ctx, op, sent, done, callErr, w, rec, nil)
	}
	st.renew(s.transport)
}

// txCommands is how many of op's commands go inside transactions (all
// but its reads).
func txCommands(op *Op) int {
	n := len(op.Cmds)
	for _, s := range op.Steps {
		if s.Kind == keyspace.Read {
			n -= s.N
		}
	}
	return n
}
