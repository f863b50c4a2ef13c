package recovery

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Source produces the cache calls of one writer. Calls of different
// Sources must touch different lists, strings, members and fields (see
// Ledger), so each writer gets its own.
type Source interface {
	// Populate returns the calls that create about n keys.
	Populate(n int) []Call
	// Next returns the next call of the live order flow.
	Next() Call
}

// Synthetic is a Source that writes the trading node's key layout and
// command patterns (add_order, update_order, add_position, account updates;
// see the trading cache model) with seeded random payloads of realistic
// sizes. It stands in for the scenario generator where payload content does
// not matter: the Ledger checks bytes, not meaning.
type Synthetic struct {
	prefix string
	writer int
	rng    *rand.Rand

	instruments []string
	account     string
	orders      int
	open        []string // client order ids with events still to come
	events      map[string]int
	positions   int
}

// SyntheticID marks the ids a Synthetic source writes ("SYN-O-1-5"), so
// payload decoding can skip them.
const SyntheticID = "SYN-"

// IsSynthetic reports whether key (under prefix) holds a Synthetic source's
// payloads, which are random bytes, not encoded payloads.
func IsSynthetic(prefix, key string) bool {
	_, id, _ := strings.Cut(strings.TrimPrefix(key, prefix), ":")
	return strings.HasPrefix(id, SyntheticID)
}

// NewSynthetic returns writer number writer's Source under prefix (e.g.
// "trader-RBENCH-001:"), reproducible for a given seed.
func NewSynthetic(prefix string, seed int64, writer int) *Synthetic {
	return &Synthetic{
		prefix:  prefix,
		writer:  writer,
		rng:     rand.New(rand.NewPCG(uint64(seed), uint64(writer)+1)),
		account: fmt.Sprintf("SYN-%d", writer),
		events:  make(map[string]int),
	}
}

func (s *Synthetic) payload(kind string, lo, hi int) []byte {
	n := lo + s.rng.IntN(hi-lo+1)
	b := make([]byte, n)
	copy(b, kind)
	for i := len(kind); i < n; i++ {
		b[i] = byte('a' + s.rng.IntN(26))
	}
	return b
}

// Populate creates instruments (1 in 50 keys), one account, and orders with
// a position for every fourth order, until about n keys exist.
func (s *Synthetic) Populate(n int) []Call {
	var calls []Call
	keys := 0
	nInst := max(2, n/50)
	for i := 0; i < nInst; i++ {
		id := fmt.Sprintf("SYN-%d-%d.SIM", s.writer, i)
		s.instruments = append(s.instruments, id)
		calls = append(calls, Call{{"SET", s.prefix + "instruments:" + id, s.payload("CryptoPerpetual", 500, 640)}})
		keys++
	}
	calls = append(calls, Call{{"RPUSH", s.prefix + "accounts:" + s.account, s.payload("AccountState", 500, 620)}})
	keys++
	for keys < n {
		c, made := s.newOrder(true)
		calls = append(calls, c...)
		keys += made
	}
	return calls
}

// Next returns the next order-flow call: a new order one time in four,
// otherwise the next event of an open order (submitted, accepted, filled),
// with the fill also extending a position and the account.
func (s *Synthetic) Next() Call {
	if len(s.instruments) == 0 {
		s.instruments = []string{fmt.Sprintf("SYN-%d-0.SIM", s.writer)}
		return Call{{"SET", s.prefix + "instruments:" + s.instruments[0], s.payload("CryptoPerpetual", 500, 640)}}
	}
	if len(s.open) == 0 || s.rng.IntN(4) == 0 {
		c, _ := s.newOrder(false)
		return c[0]
	}
	i := s.rng.IntN(len(s.open))
	return s.event(i)
}

func (s *Synthetic) newOrder(complete bool) ([]Call, int) {
	s.orders++
	coid := fmt.Sprintf("SYN-O-%d-%d", s.writer, s.orders)
	p := s.prefix
	calls := []Call{{
		{"RPUSH", p + "orders:" + coid, s.payload("OrderInitialized", 600, 770)},
		{"SADD", p + "index:orders", coid},
		{"HSET", p + "index:order_client", coid, "SIM"},
	}}
	s.events[coid] = 0
	s.open = append(s.open, coid)
	made := 1
	if complete {
		for len(s.open) > 0 && s.open[len(s.open)-1] == coid {
			c := s.event(len(s.open) - 1)
			calls = append(calls, c)
			if len(c) > 0 && c[0][0] == "DEL" {
				made++
			}
		}
	}
	return calls, made
}

// event returns the next event of open order i and retires the order after
// its fill (or cancel).
func (s *Synthetic) event(i int) Call {
	coid := s.open[i]
	p := s.prefix
	n := s.events[coid] + 1
	s.events[coid] = n
	okey := p + "orders:" + coid
	switch n {
	case 1:
		return Call{
			{"RPUSHX", okey, s.payload("OrderSubmitted", 270, 310)},
			{"SADD", p + "index:order_ids", coid},
			{"SADD", p + "index:orders_inflight", coid},
		}
	case 2:
		return Call{
			{"RPUSHX", okey, s.payload("OrderAccepted", 320, 370)},
			{"SREM", p + "index:orders_inflight", coid},
			{"SADD", p + "index:orders_open", coid},
		}
	}
	s.open[i] = s.open[len(s.open)-1]
	s.open = s.open[:len(s.open)-1]
	delete(s.events, coid)
	if s.rng.IntN(5) == 0 {
		return Call{
			{"RPUSHX", okey, s.payload("OrderCanceled", 320, 370)},
			{"SREM", p + "index:orders_open", coid},
			{"SADD", p + "index:orders_closed", coid},
		}
	}
	fill := s.payload("OrderFilled", 520, 610)
	c := Call{
		{"RPUSHX", okey, fill},
		{"SREM", p + "index:orders_open", coid},
		{"SADD", p + "index:orders_closed", coid},
		{"RPUSHX", p + "accounts:" + s.account, s.payload("AccountState", 500, 620)},
	}
	if s.positions == 0 || s.rng.IntN(4) == 0 {
		s.positions++
		pid := fmt.Sprintf("SYN-P-%d-%d", s.writer, s.positions)
		pkey := p + "positions:" + pid
		c = append(Call{{"DEL", pkey}, {"RPUSH", pkey, fill}}, c...)
		c = append(c,
			Cmd{"SADD", p + "index:positions", pid},
			Cmd{"SADD", p + "index:positions_open", pid},
			Cmd{"HSET", p + "index:order_position", coid, pid})
	} else {
		pid := fmt.Sprintf("SYN-P-%d-%d", s.writer, s.positions)
		c = append(c,
			Cmd{"RPUSHX", p + "positions:" + pid, fill},
			Cmd{"HSET", p + "index:order_position", coid, pid})
	}
	return c
}
