package workloads

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
)

func TestKeyBudget(t *testing.T) {
	l := layoutOf(DefaultTraderID)
	addOrder := func(id string) []keyspace.Cmd {
		return l.AddOrder(keyspace.OrderArgs{ClientOrderID: id, ClientID: "SIM", PositionID: "P-1"}, []byte("x"))
	}
	tests := []struct {
		name   string
		target int64
		calls  [][]keyspace.Cmd
		want   []bool
		total  int64
	}{
		// The first add_order creates its list, index:orders,
		// index:order_client and index:order_position: 4 keys.
		{"first order and its index keys", 4, [][]keyspace.Cmd{addOrder("a")}, []bool{true}, 4},
		{"index keys count once", 6, [][]keyspace.Cmd{addOrder("a"), addOrder("b"), addOrder("c")}, []bool{true, true, true}, 6},
		{"refused when over", 5, [][]keyspace.Cmd{addOrder("a"), addOrder("b"), addOrder("c")}, []bool{true, true, false}, 5},
		{"too small for the first", 3, [][]keyspace.Cmd{addOrder("a")}, []bool{false}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newKeyBudget(tc.target, l)
			for i, cmds := range tc.calls {
				if got := b.take(1, cmds); got != tc.want[i] {
					t.Errorf("call %d: take = %v, want %v", i, got, tc.want[i])
				}
			}
			if got := b.created.Load(); got != tc.total {
				t.Errorf("created %d keys, want %d", got, tc.total)
			}
		})
	}
	// After a refusal, calls creating nothing still pass and creating ones do not.
	b := newKeyBudget(5, l)
	b.take(1, addOrder("a"))
	b.take(1, addOrder("b"))
	if b.take(1, addOrder("c")) || !b.take(0, l.UpdateOrder(keyspace.OrderArgs{ClientOrderID: "a"}, []byte("x"))[:1]) {
		t.Error("after the budget ran out: want creating calls refused and updates of existing keys allowed")
	}
}

func TestCallQueueBounded(t *testing.T) {
	var q callQueue
	for i := range 3 * maxQueuedCalls {
		q.push(scenario.Call{Seq: int64(i)})
	}
	c, ok := q.pop()
	if !ok || c.Seq != 2*maxQueuedCalls {
		t.Fatalf("first pop %d %v, want the oldest kept call %d", c.Seq, ok, 2*maxQueuedCalls)
	}
	n := 1
	for {
		if _, ok := q.pop(); !ok {
			break
		}
		n++
	}
	if n != maxQueuedCalls || cap(q.buf) > 4*maxQueuedCalls {
		t.Errorf("%d calls queued (cap %d), want %d and a bounded buffer", n, cap(q.buf), maxQueuedCalls)
	}
}

func TestParseTradingParams(t *testing.T) {
	tests := []struct {
		params  map[string]any
		allowed []string
		// wantErrs must all be in the error, each on a line of its own
		// (every bad param reported at once).
		wantErrs []string
	}{
		{map[string]any{"purge": "true", "purge-interval": "10s", "purge_buffer": "1s"}, []string{ParamPurge, ParamPurgeInterval, ParamPurgeBuffer}, nil},
		{map[string]any{"purge": "yes please"}, []string{ParamPurge}, []string{`param purge "yes please": want true or false`}},
		{map[string]any{"style": "parallel"}, []string{ParamStyle}, []string{`param style "parallel": want sequential (the Python node's load), rust`}},
		{map[string]any{"bulk_read_batch": "-1"}, []string{ParamBulkReadBatch}, []string{`param bulk_read_batch "-1": want a whole number from 0 to`}},
		{map[string]any{"style": "both"}, nil, []string{`param style=both: workload w takes no params: drop it`}},
		{map[string]any{"startup_concurrency": 8}, []string{ParamStartupConcurrency}, []string{"no concurrency to set"}},
		{map[string]any{"style": "concurrent"}, []string{ParamStyle}, []string{"use rust"}},
		{
			map[string]any{"purge": "maybe", "purge_interval": "forever", "purge_buffer": "-1s", "colour": "red"},
			[]string{ParamPurge, ParamPurgeInterval, ParamPurgeBuffer},
			[]string{
				`param colour=red: workload w takes purge, purge_interval, purge_buffer: drop it or spell one of them`,
				`param purge "maybe": want true or false`,
				`param purge_buffer "-1s": want a duration from 0s to 24h`,
				`param purge_interval "forever": want a duration from 1ms to 24h`,
			},
		},
	}
	for i, tc := range tests {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			_, err := parseTradingParams("w", tc.params, tc.allowed...)
			if len(tc.wantErrs) == 0 {
				if err != nil {
					t.Errorf("error %v, want none", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrBadSpec) {
				t.Fatalf("error %v, want ErrBadSpec", err)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.wantErrs) {
				t.Errorf("%d problems reported, want %d:\n%v", len(lines), len(tc.wantErrs), err)
			}
			for j, want := range tc.wantErrs {
				if j < len(lines) && !strings.Contains(lines[j], want) {
					t.Errorf("problem %d %q, want %q", j+1, lines[j], want)
				}
			}
		})
	}
}

// FuzzReadSpecTrading feeds workload files to ReadSpec with the trading
// extensions: it must never panic, and an accepted ops mapping must parse.
func FuzzReadSpecTrading(f *testing.F) {
	f.Add("workload: mixed\nops: {add_order: 3, read_order: 5}\npurge: true\n")
	f.Add("ops: 100\nops_mix: {set: 1}\n")
	f.Add("style: both\nbulk_read_batch: 100\nparams: {x: 1}\n")
	f.Add("ops: {a: -1}\n")
	f.Add("buffer_interval: 100ms\npersist_account_events: false\nuse_instance_id: true\ninstrument_info: none\n")
	f.Add("snapshot_positions_interval: 0\nbulk_read_batch_size: -3\ntimestamps_iso8601: yes\n")
	f.Add("- 1\n- 2\n")
	f.Fuzz(func(t *testing.T, file string) {
		s, err := ReadSpec(strings.NewReader(file))
		if err != nil {
			return
		}
		// Node options read from a file start from upstream's defaults.
		if s.Node != (node.Config{}) && s.Node.Flavour != node.Python {
			t.Errorf("node options %+v lost their defaults", s.Node)
		}
		_ = s.WithDefaults().Validate() // must not panic
		if s.OpsMix != "" {
			if _, err := ParseMix(s.OpsMix); err != nil && !strings.Contains(file, "ops_mix") {
				t.Errorf("ops mapping %q gave an unparsable mix: %v", s.OpsMix, err)
			}
		}
	})
}
