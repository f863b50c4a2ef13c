package startup_test

import (
	"context"
	"fmt"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
	"github.com/rbench/rbench/node/startup"
)

// Fill a small seeded history, then replay the Python node's startup load
// over it, counting the commands by name.
func ExampleLoad() {
	ctx := context.Background()
	srv, err := localredis.Start(ctx, localredis.Options{Persistence: localredis.None})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Stop()
	c := connect.NewClient(connect.FromServer(srv))
	defer c.Close()

	l := keyspace.Layout{TraderID: "RBENCH-001"}
	codec, _ := codecs.ByName(codecs.MsgPack)
	f := keyspace.NewFiller(c, keyspace.FillOptions{})
	for call := range scenario.New(scenario.Options{Seed: 1, Orders: 20}).All() {
		payload, _ := codec.Encode(call.Payload)
		if err := f.Add(ctx, call.Commands(l, payload), nil); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := f.Flush(ctx); err != nil {
		fmt.Println(err)
		return
	}

	byName := map[string]int{}
	res, err := startup.Load(ctx, c, startup.Options{
		TraderKey: l.Prefix(), Codec: codec,
		Observe: func(ev startup.Event) { byName[ev.Cmd.Name()]++ },
	})
	fmt.Println(err, res.Keys[keyspace.Orders], "orders,", res.Undecodable, "undecodable")
	fmt.Println(byName["scan"], "scan,", byName["mget"], "mget,", byName["hgetall"], "hgetall")
	fmt.Println(byName["lrange"] == int(res.Keys[keyspace.Accounts]+res.Keys[keyspace.Orders]+res.Keys[keyspace.Positions]))
	// Output:
	// <nil> 20 orders, 0 undecodable
	// 6 scan, 2 mget, 2 hgetall
	// true
}
