package connect

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/rbench/rbench/localredis"
)

func TestCheckPrefix(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	tg, err := Open(ctx, external(t, srv, ""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	prefix := tg.Config.Prefix()
	if err := tg.CheckPrefix(ctx, prefix, false); err != nil {
		t.Fatalf("empty server refused: %v", err)
	}
	if err := tg.Client.RPush(ctx, prefix+"orders:O-1", "e").Err(); err != nil {
		t.Fatal(err)
	}
	if err := tg.Client.Set(ctx, "someone-else:key", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	err = tg.CheckPrefix(ctx, prefix, false)
	if !errors.Is(err, ErrPrefixInUse) {
		t.Fatalf("err = %v, want ErrPrefixInUse", err)
	}
	for _, want := range []string{prefix, "--clean", srv.Addr(), prefix + "orders:O-1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if n, _ := tg.Client.Exists(ctx, prefix+"orders:O-1").Result(); n != 1 {
		t.Error("refusal deleted the key")
	}
	if err := tg.CheckPrefix(ctx, prefix, true); err != nil {
		t.Fatal(err)
	}
	if n, _ := tg.Client.Exists(ctx, prefix+"orders:O-1", "someone-else:key").Result(); n != 1 {
		t.Errorf("after --clean %d of the 2 keys exist, want only the foreign one", n)
	}
	if v, _ := tg.Client.Get(ctx, "someone-else:key").Result(); v != "v" {
		t.Error("--clean touched a key outside the prefix")
	}
}

func TestCheckPrefixThrowawayCleans(t *testing.T) {
	ctx := context.Background()
	tg, err := Open(ctx, cfgFor(t, nil), Options{Announce: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	prefix := tg.Config.Prefix()
	if err := tg.Client.Set(ctx, prefix+"x", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := tg.CheckPrefix(ctx, prefix, false); err != nil {
		t.Fatalf("throwaway server refused: %v", err)
	}
	if n, _ := tg.Client.Exists(ctx, prefix+"x").Result(); n != 0 {
		t.Error("key under the prefix left on the throwaway server")
	}
}
