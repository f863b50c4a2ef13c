package localredis

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestStartStopLeavesNothingBehind(t *testing.T) {
	s, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	pid, dir := s.Pid(), s.Dir()
	if pid == 0 {
		t.Fatal("no pid after Start")
	}
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr()})
	defer rdb.Close()
	fsync, err := rdb.ConfigGet(context.Background(), "appendfsync").Result()
	if err != nil {
		t.Fatal(err)
	}
	if fsync["appendfsync"] != "everysec" {
		t.Errorf("default appendfsync = %q, want everysec", fsync["appendfsync"])
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process %d still exists after Stop (kill -0: %v)", pid, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("directory %s still exists after Stop (%v)", dir, err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestKillRestartKeepsAcknowledgedWritesUnderAOFAlways(t *testing.T) {
	ctx := context.Background()
	s := ForTest(t, Options{Persistence: AOFAlways})
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1})
	defer rdb.Close()
	for i := 0; i < 100; i++ {
		if err := rdb.RPush(ctx, "trader-T:orders:x", i).Err(); err != nil {
			t.Fatal(err)
		}
	}
	port := s.Port()
	if err := s.Kill(); err != nil {
		t.Fatal(err)
	}
	if s.Pid() != 0 {
		t.Fatal("Pid() should be 0 after Kill")
	}
	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Port() != port {
		t.Errorf("port changed across restart: %d -> %d", port, s.Port())
	}
	n, err := rdb.LLen(ctx, "trader-T:orders:x").Result()
	if err != nil {
		t.Fatal(err)
	}
	if n != 100 {
		t.Errorf("after kill -9 and restart the list has %d elements, want 100", n)
	}
}

func TestPasswordAndExtraArgs(t *testing.T) {
	s := ForTest(t, Options{Password: "s3cret", Persistence: None,
		Args: []string{"--rename-command", "LATENCY", ""}})
	ctx := context.Background()
	bad := redis.NewClient(&redis.Options{Addr: s.Addr(), Password: "wrong", MaxRetries: -1})
	defer bad.Close()
	if err := bad.Ping(ctx).Err(); err == nil || !strings.Contains(err.Error(), "WRONGPASS") {
		t.Errorf("wrong password: err = %v, want WRONGPASS", err)
	}
	good := redis.NewClient(&redis.Options{Addr: s.Addr(), Password: "s3cret"})
	defer good.Close()
	if err := good.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := good.Do(ctx, "LATENCY", "LATEST").Err(); err == nil {
		t.Error("LATENCY should be disabled by --rename-command LATENCY \"\"")
	}
}

func TestMissingBinary(t *testing.T) {
	_, err := Start(context.Background(), Options{Binary: "/nonexistent/redis-server"})
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("err = %v, want ErrNotInstalled", err)
	}
	if !strings.Contains(ErrNotInstalled.Error(), "apt-get install -y redis-server") {
		t.Error("the install hint should say how to install redis-server")
	}
}

func TestParsePersistence(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Persistence
		wantErr bool
	}{
		{"aof-always", AOFAlways, false},
		{"aof-everysec", AOFEverysec, false},
		{"rdb", RDB, false},
		{"none", None, false},
		{"AOF", "", true},
		{"", "", true},
	} {
		got, err := ParsePersistence(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParsePersistence(%q) = %q, %v", tc.in, got, err)
		}
	}
}

func TestWaitReadyReportsCrashAtStart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Start(ctx, Options{Args: []string{"--no-such-directive", "1"}})
	if err == nil {
		t.Fatal("a bad directive should fail Start")
	}
	if !errors.Is(err, ErrExited) {
		t.Errorf("err = %v, want ErrExited", err)
	}
}
