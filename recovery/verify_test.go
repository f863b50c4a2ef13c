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

// A list is aligned with what was written by checksum: an element removed
// from the middle is one loss (case (d): it used to be reported as
// corruption of every later element), a replaced element is one corrupt
// element, an inserted one one unexpected element.
func TestVerifyListAlignment(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	rdb := newClient(t, srv)
	key := testPrefix + "orders:O-1"
	tests := []struct {
		name                                    string
		damage                                  [][]any
		middle, tail, corrupt, unexpected, lost int64
	}{
		{"intact", nil, 0, 0, 0, 0, 0},
		{"middle element removed", [][]any{{"LREM", key, 1, "e3"}}, 1, 0, 0, 0, 1},
		{"two middle elements removed", [][]any{{"LREM", key, 1, "e2"}, {"LREM", key, 1, "e4"}}, 2, 0, 0, 0, 2},
		{"first element removed", [][]any{{"LPOP", key}}, 1, 0, 0, 0, 1},
		{"last two removed", [][]any{{"RPOP", key}, {"RPOP", key}}, 0, 2, 0, 0, 2},
		{"middle element replaced", [][]any{{"LSET", key, 2, "xx"}}, 0, 0, 1, 0, 0},
		{"last element replaced", [][]any{{"LSET", key, 5, "xx"}}, 0, 0, 1, 0, 0},
		{"element inserted", [][]any{{"LINSERT", key, "AFTER", "e2", "xx"}}, 0, 0, 0, 1, 0},
		{"element appended", [][]any{{"RPUSH", key, "xx"}}, 0, 0, 0, 1, 0},
		{"removed and replaced", [][]any{{"LREM", key, 1, "e2"}, {"LSET", key, 3, "xx"}}, 1, 0, 1, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := rdb.FlushAll(ctx).Err(); err != nil { // our own throwaway server
				t.Fatal(err)
			}
			l := NewLedger()
			populate(t, ctx, rdb, l, []Call{{{"RPUSH", key, "e1"}}})
			for _, e := range []string{"e2", "e3", "e4", "e5", "e6"} {
				populate(t, ctx, rdb, l, []Call{{{"RPUSHX", key, e}}})
			}
			for _, d := range tt.damage {
				if err := rdb.Do(ctx, d...).Err(); err != nil {
					t.Fatalf("%v: %v", d, err)
				}
			}
			v, err := Verify(ctx, rdb, l, VerifyOptions{Prefix: testPrefix})
			if err != nil {
				t.Fatal(err)
			}
			o := v.Collections["orders"]
			if o.MissingMiddle != tt.middle || o.MissingTail != tt.tail || o.Corrupt != tt.corrupt || o.UnexpectedItems != tt.unexpected || v.Lost() != tt.lost {
				t.Errorf("middle %d tail %d corrupt %d unexpected %d lost %d; want %d %d %d %d %d\n%v",
					o.MissingMiddle, o.MissingTail, o.Corrupt, o.UnexpectedItems, v.Lost(), tt.middle, tt.tail, tt.corrupt, tt.unexpected, tt.lost, v.Examples)
			}
			if damaged := tt.damage != nil; damaged == (o.Verified == 1) {
				t.Errorf("verified %d keys", o.Verified)
			}
		})
	}
}

// An acknowledged RPUSHX that Redis answered 0 appended nothing: the Ledger
// expects nothing of it, and counts it as a follow-on of the list's loss
// when it expected the list.
func TestLedgerRPushXNoop(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	rdb := newClient(t, srv)
	lost, never := testPrefix+"orders:O-lost", testPrefix+"orders:O-never"
	l := NewLedger()
	populate(t, ctx, rdb, l, []Call{{{"RPUSH", lost, "e1"}}})
	if err := rdb.Del(ctx, lost).Err(); err != nil { // lost behind the Ledger's back
		t.Fatal(err)
	}
	populate(t, ctx, rdb, l, []Call{{{"RPUSHX", lost, "e2"}}, {{"RPUSHX", never, "e1"}}})
	v, err := Verify(ctx, rdb, l, VerifyOptions{Prefix: testPrefix})
	if err != nil {
		t.Fatal(err)
	}
	if v.Lost() != 1 || v.Collections["orders"].MissingKeys != 1 {
		t.Errorf("lost %d %+v %v; want the one element of the lost list", v.Lost(), v.Collections["orders"], v.Examples)
	}
	if st := l.Stats(); st.FollowOn != 1 || st.Acknowledged != 3 {
		t.Errorf("stats %+v: want 1 follow-on (the append to the lost list), 3 transactions", st)
	}
}
