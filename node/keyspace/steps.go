package keyspace

// How the node's writer sends a cache call, as data. Both node flavours
// feed one writer task (crates/infrastructure/src/redis/cache.rs:654-877):
// each insert/update/delete is a message of an unbounded queue, and the
// writer turns queued messages into MULTI/EXEC transactions. The Rust
// LiveNode adds two shapes the Python node never sends: a message of two
// commands (replace_list: DEL then RPUSH, cache.rs:983-986) and
// update_order, which is not queued into a transaction at all but read,
// appended and re-indexed on the spot (cache.rs:816-829, 882-928). A Seq
// says which is which, so that one writer sends both flavours.

// StepKind says how the writer sends a Step.
type StepKind uint8

const (
	// Queued is one message of the writer's queue: unbuffered, the writer
	// drains it at once as its own MULTI/EXEC (cache.rs:741-745,766-773);
	// buffered, it goes with everything queued into the next flush's
	// MULTI/EXEC (cache.rs:750-764).
	Queued StepKind = iota
	// Read is one command the writer sends on its own, outside any
	// transaction, and awaits, after sending what it has queued
	// (cache.rs:816-818,890): the Rust update_order's LRANGE of the whole
	// order list. The node decodes every element of the reply, and the
	// event it appends, before its next step (cache.rs:900-919).
	Read
	// Tx is commands the writer sends as one MULTI/EXEC of their own and
	// awaits, after what it has queued: the Rust update_order's RPUSHX and,
	// after the decode, its index commands (cache.rs:896-899,923-926).
	Tx
)

var stepNames = [...]string{"queued", "read", "tx"}

// String is "queued", "read" or "tx".
func (k StepKind) String() string {
	if int(k) < len(stepNames) {
		return stepNames[k]
	}
	return "StepKind(?)"
}

// Step is N consecutive commands of a Seq that the writer sends one way.
type Step struct {
	Kind StepKind
	N    int
	// Decode: before this step the node decodes the list its Read
	// returned and the event it has just appended, and rebuilds the order
	// from them (cache.rs:900-919); when that fails it logs the error and
	// skips the step (the index MULTI/EXEC).
	Decode bool
}

// Seq is one cache call as the node's writer sends it: its commands in
// order and the steps that group them. The steps' N add up to len(Cmds).
// A Python node's call is one Queued step per command; see AppendMessages.
type Seq struct {
	Cmds  []Cmd
	Steps []Step
}

// Reset empties s, keeping its backing arrays (and dropping references to
// the payloads they held).
func (s Seq) Reset() Seq {
	clear(s.Cmds)
	return Seq{Cmds: s.Cmds[:0], Steps: s.Steps[:0]}
}

// Len is the number of commands.
func (s Seq) Len() int { return len(s.Cmds) }

// Transactions is how many MULTI/EXECs the writer sends for s alone,
// unbuffered: one per Queued or Tx step.
func (s Seq) Transactions() int {
	n := 0
	for _, st := range s.Steps {
		if st.Kind != Read {
			n++
		}
	}
	return n
}

// AppendMessages appends cmds as the Python node sends them: each command
// one message, one Queued step.
func (s Seq) AppendMessages(cmds ...Cmd) Seq {
	for _, c := range cmds {
		s.Cmds = append(s.Cmds, c)
		s.Steps = append(s.Steps, Step{Kind: Queued, N: 1})
	}
	return s
}

// queue appends cmds as one message of the writer's queue.
func (s Seq) queue(cmds ...Cmd) Seq { return s.step(Queued, cmds) }

// read appends c as a plain read sent at once.
func (s Seq) read(c Cmd) Seq { return s.step(Read, []Cmd{c}) }

// tx appends cmds as one transaction sent at once.
func (s Seq) tx(cmds ...Cmd) Seq { return s.step(Tx, cmds) }

func (s Seq) step(k StepKind, cmds []Cmd) Seq {
	if len(cmds) == 0 {
		return s
	}
	s.Cmds = append(s.Cmds, cmds...)
	s.Steps = append(s.Steps, Step{Kind: k, N: len(cmds)})
	return s
}
