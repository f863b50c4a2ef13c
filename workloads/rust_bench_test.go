package workloads

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/results"
)

// replayer is a Replayer over a tradingEnv, for sending steps directly.
type replayer struct{ te *tradingEnv }

func (replayer) Next(context.Context, *Op) error      { return nil }
func (replayer) Check(*Op) error                      { return nil }
func (r replayer) Replay(op *Op, c redis.Cmder) error { return r.te.replay(op, c) }

// BenchmarkUpdateOrderListLength is one update_order through the engine's
// writer (sendSteps, unbuffered) for an order whose list already holds
// events events, on a throwaway server: the Python node's six transactions,
// whose cost does not depend on the list, and the Rust node's LRANGE of the
// whole list, RPUSHX, decode of every event and index transaction, whose
// cost grows with it. The list is trimmed back after every call (untimed).
// Reported: ns/op, the p50/p99 of a call in microseconds and the mean time
// of its decode (rbench's Go decoder standing in for serde's).
//
//	go test ./workloads -run '^$' -bench UpdateOrderListLength -benchtime 2000x
func BenchmarkUpdateOrderListLength(b *testing.B) {
	srv := localredis.ForTest(b, localredis.Options{Persistence: localredis.None})
	c := newClient(b, srv, 2) // one pinned by the writer, one to reset the list
	ctx := context.Background()
	codec, _ := codecs.ByName(codecs.MsgPack)
	var init *payloads.OrderInitialized
	var acc *payloads.OrderAccepted
	for _, e := range payloads.Examples(false) {
		switch v := e.Value.(type) {
		case *payloads.OrderInitialized:
			if init == nil {
				init = v
			}
		case *payloads.OrderAccepted:
			acc = v
		}
	}
	l := layoutOf(DefaultTraderID)
	args := keyspace.OrderArgs{ClientOrderID: init.ClientOrderID, Status: keyspace.StatusAccepted, HasVenueOrderID: true}
	for _, f := range []node.Flavour{node.Python, node.Rust} {
		te := &tradingEnv{env: &Env{Node: node.Config{Flavour: f}}, layout: l, codec: codec, rust: f == node.Rust}
		enc := func(p any) []byte {
			if f == node.Rust {
				var err error
				if p, err = payloads.ToRust(p, ""); err != nil {
					b.Fatal(err)
				}
			}
			data, err := codec.Encode(p)
			if err != nil {
				b.Fatal(err)
			}
			return data
		}
		first, later := enc(init), enc(acc)
		var seq keyspace.Seq
		if f == node.Rust {
			seq = l.RustUpdateOrder(args, later)
		} else {
			seq = seq.AppendMessages(l.UpdateOrder(args, later)...)
		}
		for _, events := range []int{1, 10, 100, 1000} {
			b.Run(fmt.Sprintf("%s/events=%d", f, events), func(b *testing.B) {
				key := l.OrderKey(args.ClientOrderID)
				reset := func() {
					pipe := c.Pipeline()
					pipe.Del(ctx, key)
					pipe.RPush(ctx, key, first)
					for range events - 1 {
						pipe.RPush(ctx, key, later)
					}
					if _, err := pipe.Exec(ctx); err != nil {
						b.Fatal(err)
					}
				}
				reset()
				st, release := newWorkerState(c, 1, 1, nTradingKinds, false)
				defer release()
				ph := &phase{}
				w := replayer{te}
				h := results.NewHistogram()
				var op Op
				var decode time.Duration
				b.ResetTimer()
				for i := range b.N { // i is used for the trim
					if i > 0 {
						b.StopTimer()
						if err := c.LTrim(ctx, key, 0, int64(events-1)).Err(); err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
					}
					op = Op{Cmds: op.Cmds[:0], Writer: true}
					for _, cmd := range seq.Cmds {
						if cmd.Name() == "LRANGE" {
							op.Cmds = append(op.Cmds, redis.NewStringSliceCmd(ctx, cmd...))
						} else {
							op.Cmds = append(op.Cmds, redis.NewCmd(ctx, cmd...))
						}
					}
					if f == node.Rust {
						op.Steps = seq.Steps
					}
					t0 := time.Now()
					s := ph.sendSteps(ctx, st, &op, w)
					_ = h.RecordValue(max(1, time.Since(t0).Microseconds()))
					decode += op.Decode
					if s.failed != nil {
						b.Fatal(s.failed)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(h.ValueAtQuantile(50)), "p50_us")
				b.ReportMetric(float64(h.ValueAtQuantile(99)), "p99_us")
				b.ReportMetric(decode.Seconds()*1e6/float64(b.N), "decode_us/op")
			})
		}
	}
}
