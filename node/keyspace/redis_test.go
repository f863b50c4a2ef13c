package keyspace_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/node/scenario"
)

// TestWritePathOnRedis sends a generated history's commands to a throwaway
// redis-server, one MULTI/EXEC per call as the node does, and checks the
// result: every key has the Redis type of its Table row, orders lists start
// with OrderInitialized, the open/closed indexes agree with the events, and a
// SCAN with the startup pattern finds every order.
func TestWritePathOnRedis(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{})
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()

	l := keyspace.Layout{TraderID: "TRADER-001", InstanceID: "msgpack"}
	codec, _ := codecs.ByName(codecs.MsgPack)
	var buf []byte
	var cmds []keyspace.Cmd
	closedOrders := map[string]bool{}
	for c := range scenario.New(scenario.Options{Seed: 3, Orders: 150, PositionSnapshots: true}).All() {
		buf = buf[:0]
		if c.Payload != nil {
			var err error
			if buf, err = codec.AppendEncode(buf, c.Payload); err != nil {
				t.Fatal(err)
			}
		}
		cmds = c.AppendCommands(cmds[:0], l, buf)
		if _, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for _, cmd := range cmds {
				p.Do(ctx, cmd...)
			}
			return nil
		}); err != nil {
			t.Fatalf("%s %s: %v", c.Kind, c.ID, err)
		}
		if c.Kind == scenario.UpdateOrder {
			closedOrders[c.ID] = c.Order.Closed
		}
	}

	var keys []string
	iter := rdb.Scan(ctx, 0, l.AllPattern(), keyspace.ScanCount).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if len(keys) < 150 {
		t.Fatalf("only %d keys written", len(keys))
	}
	for _, key := range keys {
		rel := strings.TrimPrefix(key, l.Prefix()+":")
		row := rowFor(rel)
		if row == nil {
			t.Errorf("key %s matches no Table row", rel)
			continue
		}
		typ, err := rdb.Type(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.EqualFold(typ, row.Type) {
			t.Errorf("%s is a %s, Table says %s", rel, typ, row.Type)
		}
	}

	// Startup-load listing of orders, and element 0 of each list.
	var orderKeys []string
	iter = rdb.Scan(ctx, 0, l.ScanPattern(keyspace.Orders), keyspace.ScanCount).Iterator()
	for iter.Next(ctx) {
		orderKeys = append(orderKeys, iter.Val())
	}
	if len(orderKeys) != 150 {
		t.Fatalf("SCAN %s found %d orders, want 150", l.ScanPattern(keyspace.Orders), len(orderKeys))
	}
	for _, key := range orderKeys {
		first, err := rdb.LIndex(ctx, key, 0).Bytes()
		if err != nil {
			t.Fatal(err)
		}
		v, err := payloads.Decode(codec, first)
		if err != nil || payloads.TypeOf(v) != payloads.TypeOrderInitialized {
			t.Fatalf("%s element 0: %T %v", key, v, err)
		}
	}
	closed, _ := rdb.SMembers(ctx, l.IndexKey(keyspace.IndexOrdersClosed)).Result()
	open, _ := rdb.SMembers(ctx, l.IndexKey(keyspace.IndexOrdersOpen)).Result()
	if len(closed) != 150 || len(open) != 0 {
		t.Errorf("index: %d closed, %d open; want all 150 closed", len(closed), len(open))
	}
	for _, id := range closed {
		if !closedOrders[id] {
			t.Errorf("%s in orders_closed but its last event did not close it", id)
		}
	}
	if n, _ := rdb.HLen(ctx, l.IndexKey(keyspace.IndexOrderClient)).Result(); n != 150 {
		t.Errorf("order_client has %d entries, want 150", n)
	}
}

func rowFor(rel string) *keyspace.Entry {
	for i, e := range keyspace.Table {
		pp, kp := strings.Split(e.Pattern, ":"), strings.SplitN(rel, ":", len(strings.Split(e.Pattern, ":")))
		if len(pp) != len(kp) {
			continue
		}
		ok := true
		for j := range pp {
			if !strings.HasPrefix(pp[j], "{") && pp[j] != kp[j] {
				ok = false
			}
		}
		if ok {
			return &keyspace.Table[i]
		}
	}
	return nil
}
