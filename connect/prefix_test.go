package connect

import (
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rbench/rbench/localredis"
)

func TestMatchPattern(t *testing.T) {
	cases := []struct{ in, want string }{
		{"trader-RBENCH-001:", `trader\-RBENCH\-001:*`},
		{"a*b", `a\*b*`},
		{"a?[x]\\", `a\?\[x\]\\*`},
	}
	for _, tc := range cases {
		if got := MatchPattern(tc.in); got != tc.want {
			t.Errorf("MatchPattern(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDeletePrefix(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	tg, err := Open(ctx, external(t, srv, ""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	c := tg.Client
	mine := []string{"trader-A*:orders:1", "trader-A*:positions:2", "trader-A*:"}
	others := []string{"trader-AB:orders:1", "trader-A:x", "trader-A*", "other", "trader-A?:z", "trader-A\\*:w"}
	for _, k := range append(slices.Clone(mine), others...) {
		if err := c.Set(ctx, k, "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// Enough keys to need several SCAN pages.
	for i := range 2500 {
		mine = append(mine, "trader-A*:bulk:"+strconv.Itoa(i))
		if err := c.Set(ctx, mine[len(mine)-1], "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	n, err := DeletePrefix(ctx, c, "trader-A*:")
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(mine)) {
		t.Errorf("deleted %d, want %d", n, len(mine))
	}
	left, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(left)
	want := slices.Clone(others)
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Errorf("left %q, want %q", left, want)
	}
	if _, err := DeletePrefix(ctx, c, ""); err == nil {
		t.Error("empty prefix accepted")
	}
}

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
