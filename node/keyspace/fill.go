package keyspace

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// DefaultFillBatch is how many commands a Filler sends per round trip.
const DefaultFillBatch = 2000

// FillOptions configure a Filler.
type FillOptions struct {
	// Batch is how many commands go in one pipelined round trip.
	// default: DefaultFillBatch
	Batch int
}

// FillOutcome is what became of one call's commands once its batch was
// sent.
type FillOutcome struct {
	// Errs holds, per command, its Redis error reply (WRONGTYPE: the
	// command changed nothing) or nil.
	Errs []error
	// Replied is false when not every reply arrived (a dropped connection,
	// a timeout): the call may or may not have been applied.
	Replied bool
	// Cmds are the call's commands with their replies (*redis.Cmd).
	Cmds []redis.Cmder
}

// Filler writes a dataset that is not itself measured (startup-load's,
// read's and mixed's dataset, plan's scales, recover's populate): the
// commands of each cache call, in the node's order, pipelined Batch
// commands per round trip as bare commands rather than the node's one
// MULTI/EXEC per command. The result is the node's: the same commands on
// one connection in the same order leave the same dataset, and Redis 7
// writes a transaction of one command to the AOF as that bare command (its
// test compares both on two servers), so the AOF holds the same command
// sequence too.
//
// One batch is in flight while the caller builds the next (generating and
// encoding a history costs about as much as sending it); a batch is sent
// only once the one before it is answered, so commands reach Redis in the
// order they were added. A Filler is not safe for concurrent use.
type Filler struct {
	c        redis.UniversalClient
	batch    int
	cur      *fillBatch
	inflight *fillBatch
	calls    int64
	cmds     int64
}

// fillBatch is one pipelined round trip.
type fillBatch struct {
	pipe    redis.Pipeliner
	pending []pendingCall
	queued  int
	sent    chan error // the pipeline's error, once its replies are in
}

type pendingCall struct {
	cmds []redis.Cmder
	done func(FillOutcome)
}

// NewFiller returns a Filler writing through c.
func NewFiller(c redis.UniversalClient, opts FillOptions) *Filler {
	if opts.Batch <= 0 {
		opts.Batch = DefaultFillBatch
	}
	f := &Filler{c: c, batch: opts.Batch}
	f.cur = f.newBatch()
	return f
}

func (f *Filler) newBatch() *fillBatch { return &fillBatch{pipe: f.c.Pipeline()} }

// Add queues one cache call's commands and sends the batch once it holds
// Batch commands. The commands are held, not copied, until their batch is
// sent: the caller must not change them before. done, when not nil, is
// called on the caller's goroutine with the call's outcome once its batch
// has been answered (inside a later Add, or Flush). The error is the first
// failure of the batch answered during this call (see Flush).
func (f *Filler) Add(ctx context.Context, cmds []Cmd, done func(FillOutcome)) error {
	b := f.cur
	pc := pendingCall{cmds: make([]redis.Cmder, len(cmds)), done: done}
	for i, cmd := range cmds {
		pc.cmds[i] = b.pipe.Do(ctx, cmd...)
	}
	b.pending = append(b.pending, pc)
	b.queued += len(cmds)
	f.calls++
	f.cmds += int64(len(cmds))
	if b.queued >= f.batch {
		return f.send(ctx)
	}
	return nil
}

// Flush sends what is queued and waits for every reply. It returns the
// first failure of the batches answered during this call: a transport
// error (the replies did not all arrive), or a command's Redis error reply,
// named with the command and its key. Every added call's done has been
// called when it returns.
func (f *Filler) Flush(ctx context.Context) error {
	var err error
	if f.cur.queued > 0 {
		err = f.send(ctx)
	}
	return errors.Join(err, f.wait())
}

// send waits for the batch in flight, then sends the current one in the
// background.
func (f *Filler) send(ctx context.Context) error {
	err := f.wait()
	b := f.cur
	f.cur = f.newBatch()
	b.sent = make(chan error, 1)
	go func() {
		_, perr := b.pipe.Exec(ctx)
		b.sent <- perr
	}()
	f.inflight = b
	return err
}

// wait waits for the batch in flight, if any, and hands out its outcomes.
func (f *Filler) wait() error {
	b := f.inflight
	if b == nil {
		return nil
	}
	f.inflight = nil
	perr := <-b.sent
	var first error
	for _, pc := range b.pending {
		out := FillOutcome{Errs: make([]error, len(pc.cmds)), Replied: true, Cmds: pc.cmds}
		for i, cmd := range pc.cmds {
			err := cmd.Err()
			if err == nil || errors.Is(err, redis.Nil) {
				continue
			}
			var re redis.Error
			if errors.As(err, &re) {
				out.Errs[i] = err
			} else {
				out.Replied = false
			}
			if first == nil {
				first = fmt.Errorf("%s %v: %w", cmd.Name(), firstKey(cmd), err)
			}
		}
		if pc.done != nil {
			pc.done(out)
		}
	}
	if first == nil && perr != nil && !errors.Is(perr, redis.Nil) {
		first = perr
	}
	return first
}

// Calls and Commands count what was added.
func (f *Filler) Calls() int64    { return f.calls }
func (f *Filler) Commands() int64 { return f.cmds }

func firstKey(cmd redis.Cmder) any {
	if args := cmd.Args(); len(args) > 1 {
		return args[1]
	}
	return ""
}
