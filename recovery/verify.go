package recovery

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/results"
)

// VerifyOptions configure Verify.
type VerifyOptions struct {
	// Prefix is the key prefix rbench wrote under, e.g.
	// "trader-RBENCH-001:"; only keys under it are read. The collection of a
	// key is the segment after the prefix ("orders", "index", ...).
	// default: none, required
	Prefix string
	// Decode, when set, must accept every list element and string value it
	// is given (key, its collection, the bytes); a payload it rejects counts
	// as corrupt even when its checksum matches (the writer wrote something
	// the node cannot read). Return nil for keys it does not judge.
	// default: nil, checksums only
	Decode func(key, collection string, payload []byte) error
	// Batch is how many keys one pipeline reads.
	// default: 500
	Batch int
	// ScanCount is SCAN's COUNT hint.
	// default: 1000
	ScanCount int64
	// MaxExamples bounds the damaged keys named in the result.
	// default: 20
	MaxExamples int
}

// ErrNoPrefix is returned when VerifyOptions.Prefix is empty: without it the
// verifier would judge every key of a shared server.
var ErrNoPrefix = errors.New("recovery: key prefix is empty; set it to the trader key rbench wrote under (e.g. trader-RBENCH-001:)")

// Verification is the comparison of a server with a Ledger.
type Verification struct {
	Collections map[string]results.RecoveryIntegrity
	// Losses holds the acknowledgement time (Unix ns) of every lost item.
	Losses []int64
	// Examples names a few damaged keys and what is wrong with them.
	Examples []string
	// Corrupt, WrongType and Verified total the collections.
	Corrupt, WrongType, Verified int64
}

// Lost is the number of acknowledged items lost.
func (v *Verification) Lost() int64 { return int64(len(v.Losses)) }

// Verify reads every key under opts.Prefix and compares it with what the
// Ledger's acknowledged writes imply. Writers must be stopped: a write
// landing during the read would look like damage.
func Verify(ctx context.Context, rdb redis.UniversalClient, l *Ledger, opts VerifyOptions) (*Verification, error) {
	if opts.Prefix == "" {
		return nil, ErrNoPrefix
	}
	if opts.Batch <= 0 {
		opts.Batch = 500
	}
	if opts.ScanCount <= 0 {
		opts.ScanCount = 1000
	}
	if opts.MaxExamples <= 0 {
		opts.MaxExamples = 20
	}
	// Exactly the keys under the prefix, each once, even across a rehash.
	keys, err := keyspace.Keys(ctx, rdb, opts.Prefix, keyspace.ScanOptions{Count: opts.ScanCount, Dedupe: true})
	if err != nil {
		return nil, err
	}
	sort.Strings(keys)
	l.mu.Lock()
	defer l.mu.Unlock()
	v := &verifier{opts: opts, res: &Verification{}, counts: make(map[string]*results.RecoveryIntegrity)}

	seen := make(map[string]struct{}, len(keys))
	for start := 0; start < len(keys); start += opts.Batch {
		batch := keys[start:min(start+opts.Batch, len(keys))]
		if err := v.batch(ctx, rdb, l, batch); err != nil {
			return nil, err
		}
		for _, k := range batch {
			seen[k] = struct{}{}
		}
	}
	for key, e := range l.keys {
		if !strings.HasPrefix(key, opts.Prefix) {
			continue
		}
		if _, ok := seen[key]; ok {
			continue
		}
		v.absent(key, e)
	}

	v.res.Collections = make(map[string]results.RecoveryIntegrity, len(v.counts))
	for name, c := range v.counts {
		v.res.Collections[name] = *c
		v.res.Corrupt += c.Corrupt
		v.res.WrongType += c.WrongType
		v.res.Verified += c.Verified
	}
	sort.Slice(v.res.Losses, func(i, j int) bool { return v.res.Losses[i] < v.res.Losses[j] })
	return v.res, nil
}

type verifier struct {
	opts   VerifyOptions
	res    *Verification
	counts map[string]*results.RecoveryIntegrity
}

func (v *verifier) collection(key string) (string, *results.RecoveryIntegrity) {
	rest := strings.TrimPrefix(key, v.opts.Prefix)
	name, _, _ := strings.Cut(rest, ":")
	c := v.counts[name]
	if c == nil {
		c = &results.RecoveryIntegrity{}
		v.counts[name] = c
	}
	return name, c
}

func (v *verifier) example(key, format string, args ...any) {
	if len(v.res.Examples) < v.opts.MaxExamples {
		v.res.Examples = append(v.res.Examples, key+": "+fmt.Sprintf(format, args...))
	}
}

func (v *verifier) lose(at int64) { v.res.Losses = append(v.res.Losses, at) }

// absent judges a key the Ledger knows that the server does not hold.
func (v *verifier) absent(key string, e *entry) {
	sure, maybe := e.exists()
	if !maybe {
		return // deleted, as acknowledged
	}
	_, c := v.collection(key)
	c.Expected++
	if e.doubt || !sure {
		c.InDoubt++
		return
	}
	c.MissingKeys++
	n := 0
	switch e.kind {
	case kindList:
		for _, x := range e.list {
			if !x.optional {
				v.lose(x.at)
				n++
			}
		}
	case kindString:
		v.lose(e.str.at)
		n = 1
	default:
		for _, x := range e.members {
			if !x.optional {
				v.lose(x.at)
				n++
			}
		}
	}
	c.MissingItems += int64(n)
	v.example(key, "missing (%s of %d acknowledged items)", e.kind, n)
}

func (v *verifier) batch(ctx context.Context, rdb redis.UniversalClient, l *Ledger, keys []string) error {
	types := make([]*redis.StatusCmd, len(keys))
	if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			types[i] = p.Type(ctx, k)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("reading key types: %w", err)
	}
	reads := make([]redis.Cmder, len(keys))
	if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			switch types[i].Val() {
			case "list":
				reads[i] = p.LRange(ctx, k, 0, -1)
			case "string":
				reads[i] = p.Get(ctx, k)
			case "set":
				reads[i] = p.SMembers(ctx, k)
			case "hash":
				reads[i] = p.HGetAll(ctx, k)
			}
		}
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("reading keys: %w", err)
	}
	for i, k := range keys {
		// A key deleted between SCAN and TYPE reads as "none".
		typ := types[i].Val()
		if typ == "none" {
			if e := l.keys[k]; e != nil {
				v.absent(k, e)
			}
			continue
		}
		v.present(k, typ, reads[i], l.keys[k])
	}
	return nil
}

// present judges a key the server holds.
func (v *verifier) present(key, typ string, read redis.Cmder, e *entry) {
	name, c := v.collection(key)
	if e == nil || (e.kind == kindAbsent && !e.doubt) {
		if e != nil && e.deletedAt != 0 {
			c.Resurrected++
			v.lose(e.deletedAt)
			v.example(key, "deleted (acknowledged) but present again")
			return
		}
		c.Unexpected++
		v.example(key, "unexpected %s key: never written by this run", typ)
		return
	}
	c.Expected++
	if e.doubt {
		c.InDoubt++
		return
	}
	if typ != e.kind.String() {
		c.WrongType++
		v.example(key, "wrong type: %s, written as %s", typ, e.kind)
		return
	}
	bad := c.Corrupt + c.MissingTail + c.MissingMiddle + c.MissingMembers + c.UnexpectedItems + c.Resurrected
	doubtful := false
	switch e.kind {
	case kindList:
		doubtful = v.list(key, name, c, e.list, read.(*redis.StringSliceCmd).Val())
	case kindString:
		val := read.(*redis.StringCmd).Val()
		v.decode(key, name, c, val)
		if e.str.optional {
			doubtful = true
		} else if xxhash.Sum64String(val) != e.str.sum {
			c.Corrupt++
			v.example(key, "value differs from what was written (checksum)")
		}
	case kindSet:
		got := read.(*redis.StringSliceCmd).Val()
		m := make(map[string]string, len(got))
		for _, x := range got {
			m[x] = ""
		}
		doubtful = v.members(key, c, e, m, false)
	case kindHash:
		doubtful = v.members(key, c, e, read.(*redis.MapStringStringCmd).Val(), true)
	}
	after := c.Corrupt + c.MissingTail + c.MissingMiddle + c.MissingMembers + c.UnexpectedItems + c.Resurrected
	switch {
	case after != bad:
	case doubtful:
		c.InDoubt++
	default:
		c.Verified++
	}
}

func (v *verifier) decode(key, name string, c *results.RecoveryIntegrity, payload string) bool {
	if v.opts.Decode == nil {
		return true
	}
	if err := v.opts.Decode(key, name, []byte(payload)); err != nil {
		c.Corrupt++
		v.example(key, "payload does not decode: %v", err)
		return false
	}
	return true
}

// list matches the server's list against the expected elements. Lists only
// grow at the tail in the node's write path, so the elements found are
// aligned with the expected ones by checksum, in order: an expected element
// with no match before the next match is missing (one loss, from the middle
// or the tail), a found element with no match is a substitution (corrupt)
// when it stands where an expected element is missing, and unexpected
// otherwise. Optional (in-doubt) elements may be there or not. It reports
// whether any optional element was involved.
func (v *verifier) list(key, name string, c *results.RecoveryIntegrity, want []elem, got []string) bool {
	at := make(map[uint64][]int, len(want)) // checksum -> its places in want
	for i, w := range want {
		at[w.sum] = append(at[w.sum], i)
	}
	nextMatch := func(sum uint64, from int) int {
		ps := at[sum]
		if k := sort.SearchInts(ps, from); k < len(ps) {
			return ps[k]
		}
		return -1
	}
	doubtful := false
	type stray struct {
		index     int
		decodable bool
	}
	var strays []stray // found elements with no match since the last match
	i := 0             // the next expected element to match
	var middle, tail int
	// settle judges want[i:upto] against the strays found before the
	// element matching want[upto] (or the end of the list).
	settle := func(upto int, atEnd bool) {
		var missing []int
		for ; i < upto; i++ {
			if want[i].optional {
				doubtful = true
				continue
			}
			missing = append(missing, i)
		}
		pairs := min(len(missing), len(strays))
		for _, s := range strays[:pairs] {
			// A substitution: the element at this place is not what was
			// written there. An undecodable one is already counted.
			if s.decodable {
				c.Corrupt++
				v.example(key, "element %d differs from what was written (checksum)", s.index)
			}
		}
		for _, s := range strays[pairs:] {
			c.UnexpectedItems++
			v.example(key, "element %d was never written", s.index)
		}
		for _, m := range missing[pairs:] {
			v.lose(want[m].at)
			if atEnd {
				tail++
			} else {
				middle++
			}
		}
		strays = strays[:0]
	}
	for j, g := range got {
		ok := v.decode(key, name, c, g)
		k := nextMatch(xxhash.Sum64String(g), i)
		if k < 0 {
			strays = append(strays, stray{j, ok})
			continue
		}
		settle(k, false)
		doubtful = doubtful || want[k].optional
		i = k + 1
	}
	settle(len(want), true)
	if middle > 0 {
		c.MissingMiddle += int64(middle)
		v.example(key, "%d of %d acknowledged elements missing from the middle of the list", middle, len(want))
	}
	if tail > 0 {
		c.MissingTail += int64(tail)
		v.example(key, "last %d of %d acknowledged elements missing", tail, len(want))
	}
	return doubtful
}

// members compares a set (values ignored) or a hash with the expectation.
func (v *verifier) members(key string, c *results.RecoveryIntegrity, e *entry, got map[string]string, hash bool) bool {
	doubtful := false
	missing := 0
	for m, x := range e.members {
		val, ok := got[m]
		switch {
		case x.optional:
			doubtful = true
		case !ok:
			missing++
			v.lose(x.at)
		case hash && xxhash.Sum64String(val) != x.sum:
			c.Corrupt++
			v.example(key, "field %q differs from what was written", m)
		}
	}
	if missing > 0 {
		c.MissingMembers += int64(missing)
		v.example(key, "%d of %d acknowledged members missing", missing, len(e.members))
	}
	for m := range got {
		if _, ok := e.members[m]; ok {
			continue
		}
		if at, ok := e.removed[m]; ok {
			c.Resurrected++
			v.lose(at)
			v.example(key, "member %q removed (acknowledged) but present again", m)
			continue
		}
		c.UnexpectedItems++
		v.example(key, "member %q was never written", m)
	}
	return doubtful
}
