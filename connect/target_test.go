package connect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/internal/lockedbuf"
	"github.com/rbench/rbench/localredis"
)

// cfgFor builds a configuration from flag values only, so the test's
// environment and any ./.env cannot leak in.
func cfgFor(t *testing.T, flags map[string]string) *config.Config {
	t.Helper()
	c, err := config.Load(config.Input{Flags: flags, LookupEnv: func(string) (string, bool) { return "", false }, EnvFile: os.DevNull})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func external(t *testing.T, srv *localredis.Server, password string) *config.Config {
	t.Helper()
	f := map[string]string{config.VarHost: "127.0.0.1", config.VarPort: strconv.Itoa(srv.Port())}
	if password != "" {
		f[config.VarPassword] = password
	}
	return cfgFor(t, f)
}

func logger() (*slog.Logger, *lockedbuf.Buffer) {
	b := &lockedbuf.Buffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

func TestOpenThrowaway(t *testing.T) {
	ctx := context.Background()
	var announce bytes.Buffer
	tg, err := Open(ctx, cfgFor(t, nil), Options{Announce: &announce})
	if err != nil {
		t.Fatal(err)
	}
	if tg.Server == nil || !tg.Throwaway() {
		t.Fatal("no target configured, want a throwaway server")
	}
	pid, dir := tg.Server.Pid(), tg.Server.Dir()
	for _, want := range []string{tg.Server.Addr(), dir, strconv.Itoa(pid)} {
		if !strings.Contains(announce.String(), want) {
			t.Errorf("announcement %q lacks %q", announce.String(), want)
		}
	}
	if err := tg.Client.Set(ctx, tg.Config.Prefix()+"k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	info, err := tg.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Addr != tg.Server.Addr() || !info.Throwaway || !info.AOFEnabled || info.Appendfsync != "everysec" ||
		info.Role != "master" || info.ServerVersion == "" || info.MaxmemoryPolicy != "noeviction" {
		t.Errorf("Info() = %+v", info)
	}
	extra := tg.NewClient(2)
	if err := extra.Ping(ctx).Err(); err != nil {
		t.Errorf("NewClient: %v", err)
	}
	extra.Close()

	if err := tg.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tg.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if !processGone(pid) {
		t.Errorf("redis-server pid %d still running after Close", pid)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dir %s still there after Close: %v", dir, err)
	}
}

func TestOpenThrowawayMissingBinary(t *testing.T) {
	_, err := Open(context.Background(), cfgFor(t, nil), Options{RedisServer: "/nonexistent/redis-server", Announce: io.Discard})
	if !errors.Is(err, localredis.ErrNotInstalled) || !strings.Contains(err.Error(), "apt-get install") {
		t.Errorf("err = %v, want ErrNotInstalled with install advice", err)
	}
}

func TestHealth(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		opts     localredis.Options
		warnings []string
	}{
		{"compose config", localredis.Options{}, nil},
		{"persistence off", localredis.Options{Persistence: localredis.None}, []string{"persistence is off"}},
		{"rdb only", localredis.Options{Persistence: localredis.RDB}, []string{"AOF is off, only RDB"}},
		{"evicting", localredis.Options{Args: []string{"--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"}}, []string{"allkeys-lru can evict"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := localredis.ForTest(t, tc.opts)
			tg, err := Open(ctx, external(t, srv, ""), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer tg.Close()
			if tg.Throwaway() {
				t.Error("configured target reported as throwaway")
			}
			h, err := tg.Health(ctx, 7)
			if err != nil {
				t.Fatal(err)
			}
			if !h.Healthy() || h.Reply != "PONG" || h.Pings != 7 {
				t.Errorf("reply %q pings %d", h.Reply, h.Pings)
			}
			if !(0 < h.RTTMin && h.RTTMin <= h.RTTMedian && h.RTTMedian <= h.RTTMax) {
				t.Errorf("rtt min %v median %v max %v", h.RTTMin, h.RTTMedian, h.RTTMax)
			}
			if len(h.Warnings) != len(tc.warnings) {
				t.Errorf("warnings %q, want %q", h.Warnings, tc.warnings)
			}
			for i, w := range tc.warnings {
				if i < len(h.Warnings) && !strings.Contains(h.Warnings[i], w) {
					t.Errorf("warning %q lacks %q", h.Warnings[i], w)
				}
			}
			if h.Persistent() != (tc.opts.Persistence != localredis.None) {
				t.Errorf("Persistent() = %v", h.Persistent())
			}
		})
	}
}

func TestPasswordProtected(t *testing.T) {
	ctx := context.Background()
	const pw = "s3cret-pass"
	srv := localredis.ForTest(t, localredis.Options{Password: pw})

	t.Run("right password", func(t *testing.T) {
		tg, err := Open(ctx, external(t, srv, pw), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer tg.Close()
		if _, err := tg.Health(ctx, 1); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct{ name, password, want string }{
		{"wrong password", "wrong-pass", "WRONGPASS"},
		{"no password", "", "NOAUTH"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, buf := logger()
			start := time.Now()
			// A retry would wait the 30 s backoff first: finishing in
			// under half of it proves none was made, however busy the
			// machine is.
			_, err := Open(ctx, external(t, srv, tc.password), Options{Logger: log, BackoffMin: 30 * time.Second})
			if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrRejected with %s", err, tc.want)
			}
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("took %v: authentication errors must fail fast", d)
			}
			if strings.Contains(buf.String(), "retrying") {
				t.Errorf("retried an authentication error:\n%s", buf)
			}
			if strings.Contains(err.Error(), pw) || (tc.password != "" && strings.Contains(err.Error(), tc.password)) {
				t.Errorf("error shows a password: %v", err)
			}
		})
	}
}

func TestConnectUnreachable(t *testing.T) {
	port, err := localredis.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	cfg := cfgFor(t, map[string]string{config.VarHost: "127.0.0.1", config.VarPort: strconv.Itoa(port)})
	log, buf := logger()
	start := time.Now()
	err = Connect(context.Background(), cfg, Options{Retries: 2, BackoffMin: 50 * time.Millisecond, Logger: log})
	elapsed := time.Since(start)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
	for _, want := range []string{cfg.Addr(), "3 attempts", "connection refused"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	// Waits 50ms and 100ms, each plus up to 20% jitter: at least 150ms
	// (a busy machine only makes it longer, so no upper bound).
	if elapsed < 150*time.Millisecond {
		t.Errorf("took %v, want at least the 150ms of backoff", elapsed)
	}
	logs := buf.String()
	if n := strings.Count(logs, "retrying"); n != 2 {
		t.Errorf("%d retry records, want 2:\n%s", n, logs)
	}
	for _, want := range []string{"attempt=1", "attempt=2", "delay=", "cause="} {
		if !strings.Contains(logs, want) {
			t.Errorf("retry log lacks %q:\n%s", want, logs)
		}
	}
}

func TestConnectNoRetries(t *testing.T) {
	port, err := localredis.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	cfg := cfgFor(t, map[string]string{config.VarHost: "127.0.0.1", config.VarPort: strconv.Itoa(port)})
	// Open applies the defaults, then Connect again: -1 must survive both.
	_, err = Open(context.Background(), cfg, Options{Retries: -1, BackoffMin: time.Minute})
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "after 1 attempt:") {
		t.Errorf("err = %v", err)
	}
}

// TestConnectWaitsForServer: nothing listens at first; a server starts on
// that port during the retries and the connection succeeds.
func TestConnectWaitsForServer(t *testing.T) {
	port, err := localredis.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan *localredis.Server, 1)
	errc := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		srv, err := localredis.Start(context.Background(), localredis.Options{Port: port})
		errc <- err
		started <- srv
	}()
	t.Cleanup(func() {
		if err := <-errc; err != nil {
			t.Errorf("starting the late server: %v", err)
			return
		}
		if err := (<-started).Stop(); err != nil {
			t.Error(err)
		}
	})
	cfg := cfgFor(t, map[string]string{config.VarHost: "127.0.0.1", config.VarPort: strconv.Itoa(port)})
	log, buf := logger()
	tg, err := Open(context.Background(), cfg, Options{Retries: 20, BackoffMin: 50 * time.Millisecond, BackoffMax: 200 * time.Millisecond, Logger: log})
	if err != nil {
		t.Fatalf("%v\nlog:\n%s", err, buf)
	}
	defer tg.Close()
	if !strings.Contains(buf.String(), "retrying") || !strings.Contains(buf.String(), "connected") {
		t.Errorf("want retries then a connection in the log:\n%s", buf)
	}
	if err := tg.Client.Ping(context.Background()).Err(); err != nil {
		t.Error(err)
	}
}

func TestConnectCancel(t *testing.T) {
	port, err := localredis.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	cfg := cfgFor(t, map[string]string{config.VarHost: "127.0.0.1", config.VarPort: strconv.Itoa(port)})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err = Connect(ctx, cfg, Options{BackoffMin: 10 * time.Second})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	// The backoff is 10 s: ending in under half of it proves the cancel
	// cut the wait short.
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancel took %v to stop the retries", d)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestTransient(t *testing.T) {
	opErr := func(err error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: err}}
	}
	cases := []struct {
		err  error
		want bool
	}{
		{opErr(syscall.ECONNREFUSED), true},
		{opErr(syscall.ECONNRESET), true},
		{opErr(syscall.ENOENT), true},
		{fmt.Errorf("wrapped: %w", opErr(syscall.ECONNREFUSED)), true},
		{&net.OpError{Op: "read", Err: timeoutErr{}}, true},
		{context.DeadlineExceeded, true},
		{io.EOF, true},
		{errors.New("LOADING Redis is loading the dataset in memory"), true},
		{errors.New("WRONGPASS invalid username-password pair or user is disabled."), false},
		{errors.New("NOAUTH Authentication required."), false},
		{errors.New("tls: first record does not look like a TLS handshake"), false},
		{&net.DNSError{Err: "no such host", Name: "nope", IsNotFound: true}, false},
		{&net.DNSError{Err: "timeout", Name: "slow", IsTimeout: true}, true},
		{errors.New("ERR unknown command"), false},
		{nil, false},
	}
	for _, tc := range cases {
		if got := Transient(tc.err); got != tc.want {
			t.Errorf("Transient(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestVersionLess(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"6.0.9", "6.2", true}, {"6.2", "6.2", false}, {"6.2.0", "6.2", false}, {"7.0.15", "6.2", false},
		{"5.0.14", "6.2", true}, {"10.0", "6.2", false}, {"6.10", "6.2", false},
	}
	for _, tc := range cases {
		if got := versionLess(tc.a, tc.b); got != tc.want {
			t.Errorf("versionLess(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}

func TestOnThisMachine(t *testing.T) {
	for _, tc := range []struct {
		host, network string
		want          bool
	}{
		{"127.0.0.1", "tcp", true},
		{"127.1.2.3", "tcp", true},
		{"::1", "tcp", true},
		{"[::1]", "tcp", true},
		{"LOCALHOST", "tcp", true},
		{"/run/redis/redis.sock", "unix", true},
		{"10.0.0.7", "tcp", false},
		{"redis.internal", "tcp", false},
		{"", "tcp", false},
	} {
		if got := OnThisMachine(&config.Config{Host: tc.host, Network: tc.network}); got != tc.want {
			t.Errorf("OnThisMachine(%s %q) = %v, want %v", tc.network, tc.host, got, tc.want)
		}
	}
}
