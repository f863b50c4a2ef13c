package recovery

import (
	"context"
	"testing"
	"time"

	"github.com/rbench/rbench/localredis"
)

func TestSendOutcomes(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	rdb := newClient(t, srv)
	str := testPrefix + "instruments:X"
	list := testPrefix + "orders:O-1"
	l := NewLedger()
	// A command failing inside EXEC (WRONGTYPE) leaves the call
	// acknowledged, with that command recorded as changing nothing.
	if out, _ := Send(ctx, rdb, l, Call{{"SET", str, "v"}}); out != Acked {
		t.Fatalf("SET: outcome %v", out)
	}
	out, err := Send(ctx, rdb, l, Call{{"RPUSH", str, "e"}, {"RPUSH", list, "e1"}})
	if out != Acked || err == nil {
		t.Fatalf("WRONGTYPE inside EXEC: outcome %v, error %v; want Acked with the error", out, err)
	}
	// Populating: same rules.
	n, err := Populate(ctx, rdb, l, []Call{{{"RPUSHX", list, "e2"}}, {{"RPUSH", str, "x"}}, {{"SADD", testPrefix + "index:orders", "O-1"}}})
	if n != 3 || err == nil {
		t.Fatalf("Populate: %d acknowledged, error %v; want 3 and the WRONGTYPE", n, err)
	}
	v, err := Verify(ctx, rdb, l, VerifyOptions{Prefix: testPrefix})
	if err != nil {
		t.Fatal(err)
	}
	if v.Lost() != 0 || v.Corrupt != 0 || v.WrongType != 0 || v.Verified != 3 {
		t.Fatalf("verification after WRONGTYPE calls: lost %d corrupt %d wrong type %d verified %d %v", v.Lost(), v.Corrupt, v.WrongType, v.Verified, v.Examples)
	}
	if st := l.Stats(); st.Acknowledged != 5 || st.InDoubt != 0 {
		t.Errorf("stats %+v", st)
	}

	// A server that is gone: nothing was sent.
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	out, err = Send(sctx, rdb, l, Call{{"RPUSHX", list, "e3"}})
	if out == Acked || err == nil {
		t.Fatalf("send to a killed server: outcome %v, error %v", out, err)
	}
}
