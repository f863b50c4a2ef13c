// Package recovery runs restart-recovery cycles against Redis used as a
// trading node's cache: it writes what the node writes, remembers every write
// Redis acknowledged, restarts the server (a SIGKILL crash, a graceful
// SHUTDOWN, or an operator's restart command), times the way back to
// "trading-ready", and verifies that every acknowledged write survived.
//
// The pieces are usable on their own: a Ledger models the keyspace the
// acknowledged writes imply, Verify compares a live server with a Ledger,
// Restarter implementations restart a server and time it, and Run ties them
// into cycles.
package recovery

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cespare/xxhash/v2"
)

// Cmd is one Redis command with its arguments, in the form go-redis takes
// them: Cmd{"RPUSH", key, payload}. Keys and members are strings; payloads
// are []byte or string.
type Cmd []any

// Call is a list of commands. A Source returns one cache call of the node
// as a Call, in upstream's order, each command one message of the node's
// writer; the Writer sends each message as its own MULTI/EXEC (or, buffered,
// every queued message as one). The Ledger, Send and Populate take a Call
// as the commands of one MULTI/EXEC transaction.
type Call []Cmd

// ErrNoop marks, in Ack's cmdErrs, a command that Redis answered as having
// changed nothing though it did not fail: an RPUSHX that returned 0 because
// its list did not exist. Send and Populate set it from the replies.
var ErrNoop = errors.New("RPUSHX returned 0: the list did not exist, nothing was appended")

// ErrUnsupported is returned for a command the Ledger cannot model; only the
// commands of the trading node's write path are modelled.
var ErrUnsupported = errors.New("command not modelled by the recovery ledger (supported: RPUSH, RPUSHX, SET, SADD, SREM, HSET, HDEL, DEL, UNLINK)")

// kind is the Redis type the Ledger expects at a key.
type kind uint8

const (
	kindAbsent kind = iota
	kindList
	kindString
	kindSet
	kindHash
)

func (k kind) String() string {
	switch k {
	case kindList:
		return "list"
	case kindString:
		return "string"
	case kindSet:
		return "set"
	case kindHash:
		return "hash"
	default:
		return "none"
	}
}

// elem is one expected list element, string value, set member or hash field
// value: the xxhash64 of its bytes and the time its write was acknowledged
// (Unix ns). Optional marks a write that was sent but not acknowledged (in
// doubt), which may or may not be there.
type elem struct {
	sum      uint64
	at       int64
	optional bool
}

// entry is the expected state of one key. Only the fields of its kind are
// set, so a key costs a few dozen bytes plus 24 bytes per list element.
type entry struct {
	kind kind
	// doubt marks a key whose whole state is unknown because a DEL or a
	// type change on it was never acknowledged; Verify only counts it.
	doubt bool
	// deletedAt is the acknowledgement time of the DEL that removed the key
	// (kind == kindAbsent), so a key that comes back is a lost delete.
	deletedAt int64
	list      []elem
	str       elem
	members   map[string]elem // set members (sum unused) or hash fields
	removed   map[string]int64
}

// Ledger is the keyspace that the acknowledged writes imply. It is safe for
// concurrent use, with one rule the writers must keep: calls that touch the
// same list, string, set member or hash field come from one goroutine, one
// after the other, because Redis applies them in send order while
// acknowledgements from different connections can arrive in any order.
type Ledger struct {
	mu   sync.Mutex
	keys map[string]*entry

	acked    int64 // acknowledged transactions
	inDoubt  int64 // transactions sent without an acknowledgement
	items    int64 // acknowledged items written (elements, members, fields, values, deletes)
	followOn int64 // acknowledged RPUSHX no-ops onto lists expected to exist
	first    int64
	last     int64
}

// NewLedger returns an empty Ledger.
func NewLedger() *Ledger { return &Ledger{keys: make(map[string]*entry)} }

// Check reports whether every command of c can be modelled, so a writer
// finds out before it sends anything.
func Check(c Call) error {
	for _, cmd := range c {
		if err := checkCmd(cmd); err != nil {
			return err
		}
	}
	return nil
}

func checkCmd(cmd Cmd) error {
	if len(cmd) < 2 {
		return fmt.Errorf("%v: %w", cmd, ErrUnsupported)
	}
	name, ok := cmd[0].(string)
	if !ok {
		return fmt.Errorf("%v: command name is %T, want string: %w", cmd, cmd[0], ErrUnsupported)
	}
	for i, a := range cmd[1:] {
		switch a.(type) {
		case string, []byte:
		default:
			return fmt.Errorf("%s argument %d is %T, want string or []byte: %w", name, i+1, a, ErrUnsupported)
		}
	}
	n := len(cmd) - 1
	switch strings.ToUpper(name) {
	case "RPUSH", "RPUSHX", "SADD", "SREM", "HDEL":
		if n < 2 {
			return fmt.Errorf("%s needs a key and at least one value: %w", name, ErrUnsupported)
		}
	case "SET":
		if n != 2 {
			return fmt.Errorf("SET with options is not modelled (want SET key value): %w", ErrUnsupported)
		}
	case "HSET":
		if n < 3 || n%2 != 1 {
			return fmt.Errorf("HSET needs a key and field/value pairs: %w", ErrUnsupported)
		}
	case "DEL", "UNLINK":
	default:
		return fmt.Errorf("%s: %w", name, ErrUnsupported)
	}
	return nil
}

func argString(a any) string {
	if b, ok := a.([]byte); ok {
		return string(b)
	}
	return a.(string)
}

func argSum(a any) uint64 {
	if b, ok := a.([]byte); ok {
		return xxhash.Sum64(b)
	}
	return xxhash.Sum64String(a.(string))
}

// Ack records the transaction c as acknowledged at t: EXEC returned.
// cmdErrs, when not nil, holds each command's own error from the EXEC reply
// (a command that failed inside EXEC, WRONGTYPE for example, changed
// nothing) or ErrNoop (an RPUSHX Redis answered 0: it changed nothing); nil
// means every command succeeded, an RPUSHX judged by what the Ledger knows
// of its list.
func (l *Ledger) Ack(c Call, t time.Time, cmdErrs []error) error {
	return l.apply(c, t, cmdErrs, false)
}

// InDoubt records the transaction c as sent but not acknowledged (an error
// or a dropped connection before EXEC's reply): Redis may or may not have
// applied it, so Verify accepts either outcome for what it touched.
func (l *Ledger) InDoubt(c Call, t time.Time) error {
	return l.apply(c, t, nil, true)
}

func (l *Ledger) apply(c Call, t time.Time, cmdErrs []error, doubt bool) error {
	if err := Check(c); err != nil {
		return err
	}
	at := t.UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	if doubt {
		l.inDoubt++
	} else {
		l.acked++
		if l.first == 0 || at < l.first {
			l.first = at
		}
		if at > l.last {
			l.last = at
		}
	}
	for i, cmd := range c {
		if i < len(cmdErrs) && cmdErrs[i] != nil {
			if errors.Is(cmdErrs[i], ErrNoop) {
				l.noop(cmd)
			}
			continue
		}
		l.applyCmd(cmd, at, doubt)
	}
	return nil
}

// noop records an acknowledged RPUSHX that Redis answered 0. When the
// Ledger expected the list to certainly exist, the list was lost before it:
// the append is a follow-on of that loss, expected nowhere.
func (l *Ledger) noop(cmd Cmd) {
	if e := l.keys[argString(cmd[1])]; e != nil && e.kind == kindList {
		if sure, _ := e.exists(); sure {
			l.followOn++
		}
	}
}

func (l *Ledger) get(key string) *entry {
	e := l.keys[key]
	if e == nil {
		e = &entry{}
		l.keys[key] = e
	}
	return e
}

// become makes e a key of kind k if it is absent. A command on a key of
// another type fails in Redis (WRONGTYPE) and changes nothing, so it
// returns false; the caller's cmdErrs normally already said so.
func (e *entry) become(k kind) bool {
	if e.kind == k {
		return true
	}
	if e.kind != kindAbsent {
		return false
	}
	*e = entry{kind: k, doubt: e.doubt}
	if k == kindSet || k == kindHash {
		e.members = make(map[string]elem)
	}
	return true
}

// exists is whether Redis certainly holds the key, certainly not (false,
// false), or may (false, true).
func (e *entry) exists() (sure, maybe bool) {
	switch e.kind {
	case kindAbsent:
		return false, e.doubt
	case kindList:
		for _, x := range e.list {
			if !x.optional {
				return true, true
			}
		}
		return false, len(e.list) > 0
	case kindString:
		return !e.str.optional, true
	default:
		for _, x := range e.members {
			if !x.optional {
				return true, true
			}
		}
		return false, len(e.members) > 0
	}
}

func (l *Ledger) applyCmd(cmd Cmd, at int64, doubt bool) {
	name := strings.ToUpper(cmd[0].(string))
	key := argString(cmd[1])
	args := cmd[2:]
	switch name {
	case "DEL", "UNLINK":
		for _, k := range cmd[1:] {
			ks := argString(k)
			e := l.get(ks)
			if doubt {
				e.doubt = true
				continue
			}
			*e = entry{deletedAt: at}
			l.items++
		}
	case "RPUSH", "RPUSHX":
		e := l.get(key)
		if name == "RPUSHX" {
			// Whether the list existed is what the Ledger knows of it; an
			// acknowledged RPUSHX that Redis answered 0 never gets here
			// (ErrNoop).
			sure, maybe := e.exists()
			if !maybe || e.kind != kindList {
				return // a no-op in Redis: the list does not exist
			}
			doubt = doubt || !sure
		}
		if !e.become(kindList) {
			return
		}
		for _, v := range args {
			e.list = append(e.list, elem{sum: argSum(v), at: at, optional: doubt})
			if !doubt {
				l.items++
			}
		}
	case "SET":
		e := l.get(key)
		if e.kind != kindString && e.kind != kindAbsent {
			// SET replaces a key of any type.
			if doubt {
				e.doubt = true
				return
			}
			*e = entry{}
		}
		e.become(kindString)
		e.str = elem{sum: argSum(args[0]), at: at, optional: doubt}
		if doubt {
			// Either the old or the new value may be there.
			e.doubt = true
		} else {
			e.doubt = false
			l.items++
		}
	case "SADD", "HSET":
		k := kindSet
		step := 1
		if name == "HSET" {
			k, step = kindHash, 2
		}
		e := l.get(key)
		if !e.become(k) {
			return
		}
		for i := 0; i+step-1 < len(args); i += step {
			m := argString(args[i])
			var sum uint64
			if k == kindHash {
				sum = argSum(args[i+1])
			}
			if old, ok := e.members[m]; doubt && ok && !old.optional && old.sum == sum {
				continue // re-adding what is certainly there changes nothing
			}
			e.members[m] = elem{sum: sum, at: at, optional: doubt}
			if !doubt {
				delete(e.removed, m)
				l.items++
			}
		}
	case "SREM", "HDEL":
		k := kindSet
		if name == "HDEL" {
			k = kindHash
		}
		e := l.get(key)
		if e.kind != k {
			return
		}
		for _, a := range args {
			m := argString(a)
			old, ok := e.members[m]
			if doubt {
				if ok {
					old.optional = true
					e.members[m] = old
				}
				continue
			}
			delete(e.members, m)
			if e.removed == nil {
				e.removed = make(map[string]int64)
			}
			e.removed[m] = at
			l.items++
		}
		if len(e.members) == 0 && !doubt {
			// Redis deletes an emptied set or hash.
			*e = entry{deletedAt: at, doubt: e.doubt}
		}
	}
}

// LedgerStats counts what a Ledger has recorded.
type LedgerStats struct {
	// Transactions acknowledged (EXEC returned) and sent without an
	// acknowledgement.
	Acknowledged int64 `json:"acknowledged"`
	InDoubt      int64 `json:"in_doubt"`
	// FollowOn counts acknowledged RPUSHX that Redis answered 0 on a list
	// the Ledger expected to exist: evidence that the list was lost.
	FollowOn int64 `json:"follow_on"`
	// Items is the acknowledged list elements, values, members, fields and
	// deletions, the unit in which losses are counted.
	Items int64 `json:"items"`
	// Keys the Ledger expects to exist (certainly or possibly).
	Keys int64 `json:"keys"`
	// First and Last acknowledgement times; zero when nothing was acknowledged.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

// Stats returns the Ledger's counts so far.
func (l *Ledger) Stats() LedgerStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := LedgerStats{Acknowledged: l.acked, InDoubt: l.inDoubt, FollowOn: l.followOn, Items: l.items}
	for _, e := range l.keys {
		if _, maybe := e.exists(); maybe {
			s.Keys++
		}
	}
	if l.first != 0 {
		s.First, s.Last = time.Unix(0, l.first), time.Unix(0, l.last)
	}
	return s
}
