package recovery

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node/keyspace"
)

const testPrefix = "trader-RBENCH-001:"

func newClient(t *testing.T, srv *localredis.Server) *redis.Client {
	t.Helper()
	o := connect.FromServer(srv)
	o.MaxRetries = -1
	rdb := connect.NewClient(o).(*redis.Client)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func populate(t *testing.T, ctx context.Context, rdb redis.Cmdable, l *Ledger, calls []Call) {
	t.Helper()
	for _, c := range calls {
		if out, err := Send(ctx, rdb, l, c); err != nil || out != Acked {
			t.Fatalf("send %v: outcome %v, %v", c[0][:2], out, err)
		}
	}
}

func TestVerifyFindsDamage(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	rdb := newClient(t, srv)
	l := NewLedger()
	src := NewSynthetic(testPrefix, 1, 0)
	populate(t, ctx, rdb, l, src.Populate(300))
	for range 200 {
		populate(t, ctx, rdb, l, []Call{src.Next()})
	}

	v, err := Verify(ctx, rdb, l, VerifyOptions{Prefix: testPrefix})
	if err != nil {
		t.Fatal(err)
	}
	if v.Lost() != 0 || v.Corrupt != 0 || v.WrongType != 0 {
		t.Fatalf("clean keyspace: lost %d corrupt %d wrong type %d, examples %v", v.Lost(), v.Corrupt, v.WrongType, v.Examples)
	}
	if got := v.Collections["orders"]; got.Verified == 0 || got.Verified != got.Expected {
		t.Fatalf("orders: %+v", got)
	}

	orders, _ := keyspace.Keys(ctx, rdb, testPrefix+"orders:", keyspace.ScanOptions{})
	if len(orders) < 4 {
		t.Fatalf("only %d orders", len(orders))
	}
	mustDo := func(args ...any) {
		t.Helper()
		if err := rdb.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	mustDo("LSET", orders[0], 0, "garbage")                                          // corrupt payload
	mustDo("DEL", orders[1])                                                         // lost key
	mustDo("DEL", orders[2])                                                         // wrong type
	mustDo("SET", orders[2], "not a list")                                           //
	mustDo("RPOP", orders[3])                                                        // lost tail event
	mustDo("SET", testPrefix+"orders:O-never-written", "x")                          // unexpected
	mustDo("SREM", testPrefix+"index:orders", orders[1][len(testPrefix+"orders:"):]) // lost member

	v, err = Verify(ctx, rdb, l, VerifyOptions{Prefix: testPrefix})
	if err != nil {
		t.Fatal(err)
	}
	o := v.Collections["orders"]
	tests := []struct {
		name       string
		have, want int64
	}{
		{"orders corrupt", o.Corrupt, 1},
		{"orders missing keys", o.MissingKeys, 1},
		{"orders wrong type", o.WrongType, 1},
		{"orders missing tail", o.MissingTail, 1},
		{"orders unexpected", o.Unexpected, 1},
		{"index missing members", v.Collections["index"].MissingMembers, 1},
		{"orders verified", o.Verified, o.Expected - 4},
	}
	for _, tt := range tests {
		if tt.have != tt.want {
			t.Errorf("%s = %d, want %d", tt.name, tt.have, tt.want)
		}
	}
	if v.Lost() != o.MissingItems+o.MissingTail+1 {
		t.Errorf("lost %d, want %d", v.Lost(), o.MissingItems+o.MissingTail+1)
	}
	if !strings.Contains(strings.Join(v.Examples, "\n"), orders[2]+": wrong type: string, written as list") {
		t.Errorf("examples do not name the wrong-type key: %v", v.Examples)
	}
}

func TestVerifyDecodeHook(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	rdb := newClient(t, srv)
	l := NewLedger()
	populate(t, ctx, rdb, l, []Call{
		{{"RPUSH", testPrefix + "orders:O-1", "{\"type\":\"OrderInitialized\"}"}},
		{{"RPUSH", testPrefix + "orders:O-2", "not json"}},
	})
	bad := errors.New("not a JSON object")
	v, err := Verify(ctx, rdb, l, VerifyOptions{Prefix: testPrefix, Decode: func(_, _ string, p []byte) error {
		if !strings.HasPrefix(string(p), "{") {
			return bad
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Collections["orders"]; got.Corrupt != 1 || got.Verified != 1 {
		t.Fatalf("orders %+v, want 1 corrupt (undecodable), 1 verified", got)
	}
}

func TestLedgerInDoubt(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	rdb := newClient(t, srv)
	k := testPrefix + "orders:O-1"
	set := testPrefix + "index:orders"
	tests := []struct {
		name  string
		doubt Call // recorded in doubt; applied to Redis when applied is true
		apply bool
	}{
		{"rpush applied", Call{{"RPUSHX", k, "e2"}, {"SADD", set, "O-2"}}, true},
		{"rpush not applied", Call{{"RPUSHX", k, "e2"}, {"SADD", set, "O-2"}}, false},
		{"del applied", Call{{"DEL", k}}, true},
		{"del not applied", Call{{"DEL", k}}, false},
		{"srem applied", Call{{"SREM", set, "O-1"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := rdb.FlushAll(ctx).Err(); err != nil { // our own throwaway server
				t.Fatal(err)
			}
			l := NewLedger()
			populate(t, ctx, rdb, l, []Call{{{"RPUSH", k, "e1"}, {"SADD", set, "O-1"}}})
			if err := l.InDoubt(tt.doubt, time.Now()); err != nil {
				t.Fatal(err)
			}
			if tt.apply {
				if _, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
					for _, c := range tt.doubt {
						p.Do(ctx, []any(c)...)
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			v, err := Verify(ctx, rdb, l, VerifyOptions{Prefix: testPrefix})
			if err != nil {
				t.Fatal(err)
			}
			if v.Lost() != 0 || v.Corrupt != 0 {
				t.Fatalf("in-doubt write judged as damage: lost %d corrupt %d %v", v.Lost(), v.Corrupt, v.Examples)
			}
			for name, c := range v.Collections {
				if c.Unexpected+c.UnexpectedItems != 0 {
					t.Errorf("%s: %+v", name, c)
				}
			}
		})
	}
}

func TestJudge(t *testing.T) {
	crash := time.Unix(1000, 0)
	v := &Verification{Losses: []int64{
		crash.Add(-5 * time.Second).UnixNano(),
		crash.Add(-1500 * time.Millisecond).UnixNano(),
		crash.Add(-100 * time.Millisecond).UnixNano(),
		crash.Add(300 * time.Millisecond).UnixNano(),
	}}
	tests := []struct {
		window       time.Duration
		lost, within int64
	}{
		{0, 3, 0},
		{2 * time.Second, 1, 2},
		{10 * time.Second, 0, 3},
	}
	for _, tt := range tests {
		j := Judge(v, crash, tt.window)
		if j.Lost != tt.lost || j.Within != tt.within {
			t.Errorf("window %v: lost %d within %d, want %d %d", tt.window, j.Lost, j.Within, tt.lost, tt.within)
		}
		if j.FollowOn != 1 {
			t.Errorf("window %v: follow-on %d, want 1", tt.window, j.FollowOn)
		}
		if j.FirstBefore != 5*time.Second || j.LastBefore != 100*time.Millisecond {
			t.Errorf("window bounds %v %v", j.FirstBefore, j.LastBefore)
		}
	}
}
