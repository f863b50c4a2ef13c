package ceiling_test

// make bench-rtt: the projection to another round-trip time checked once
// against a delayed link. It first tries netem on a veth pair into a
// network namespace it creates (root only) and, where the kernel has no
// netem (this machine: "Specified qdisc kind is unknown"), says so and
// falls back to a userspace relay that delays each direction by RTT/2.
// Gated by RBENCH_BENCH_RTT=1: it takes a few minutes and its figures are
// printed, never asserted (a shared machine's timings are no test).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sys/unix"

	"github.com/rbench/rbench/ceiling"
	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/workloads"
)

func TestProjectionAgainstDelayedLink(t *testing.T) {
	if os.Getenv("RBENCH_BENCH_RTT") == "" {
		t.Skip("set RBENCH_BENCH_RTT=1 (make bench-rtt): a few minutes of measurement")
	}
	rtt := 1 * time.Millisecond
	if v := os.Getenv("RBENCH_BENCH_RTT_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("RBENCH_BENCH_RTT_DELAY %q: %v", v, err)
		}
		rtt = d
	}
	target := 20 * time.Millisecond // so that a 1 ms link has a ceiling at all (6 round trips)
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	direct := clientTo(t, srv.Addr(), srv.Password())

	linkAddr, how := netemLink(t, rtt)
	if linkAddr == "" {
		t.Logf("netem: %s; falling back to a userspace relay delaying each direction by %v", how, rtt/2)
		linkAddr = relay(t, srv.Addr(), rtt/2)
		how = "userspace relay"
	}
	link := clientTo(t, linkAddr, srv.Password())
	ctx := context.Background()
	base, _ := pingRTT(ctx, t, direct)
	viaLink, _ := pingRTT(ctx, t, link)
	t.Logf("link: %s, nominal RTT %v; PING p50 direct %v, through the link %v", how, rtt, base, viaLink)
	measuredRTT := viaLink - base

	// 1. Closed loop: the writer always busy, its capacity.
	dc := closedLoop(ctx, t, direct)
	lc := closedLoop(ctx, t, link)
	k, svc := dc.roundTrips, dc.service
	projCap := 1e6 / (k * (svc + float64(measuredRTT)/1e3))
	t.Logf("closed loop direct: %.0f calls/s, %.2f round trips per call, %.1f us per round trip", dc.rate, k, svc)
	t.Logf("closed loop through the link: measured %.0f calls/s; projected 1/(%.2f x (%.1f us + %.0f us)) = %.0f calls/s: %s",
		lc.rate, k, svc, float64(measuredRTT)/1e3, projCap, within(projCap, lc.rate))

	// 2. The search on loopback, projected to the link, against the search
	// through the link.
	search := func(c *redis.Client, start float64) results.CeilingSearch {
		res, err := ceiling.Search(ctx, ceiling.Options{Run: pacedStepper(c, target), Target: target,
			Start: start, Min: 20, Max: 20000, Repeats: 1, Precision: 0.1, Progress: testWriter{t}, Label: "[bench-rtt]"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Search
	}
	ds := search(direct, 500)
	proj := ceiling.Project(ds, measuredRTT)
	ls := search(link, max(20, ceilRound(proj.Ceiling/2)))
	t.Logf("find-max (target %v) direct: %.0f/s; projected to %v: %.0f/s (lag p50 %.0f us, p99 %.0f us; %s)", target, ds.Found, measuredRTT, proj.Ceiling, proj.LagP50Us, proj.LagP99Us, proj.Note)
	if ls.AtCeiling != nil {
		t.Logf("find-max through the link: measured %.0f/s (next failed %.0f/s; lag p50 %.0f us, p99 %.0f us): %s", ls.Found, ls.Failed, ls.AtCeiling.Lag.P50, ls.AtCeiling.Lag.P99, within(proj.Ceiling, ls.Found))
	} else {
		t.Logf("find-max through the link: no rate passed (%s)", ls.Confidence)
	}
	fmt.Fprintf(os.Stderr, "bench-rtt: %s at %v (PING %v): capacity projected %.0f/s measured %.0f/s (%s); ceiling projected %.0f/s measured %.0f/s (%s)\n",
		how, rtt, viaLink, projCap, lc.rate, within(projCap, lc.rate), proj.Ceiling, ls.Found, within(proj.Ceiling, ls.Found))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func ceilRound(v float64) float64 { return float64(int(v/10) * 10) }

func within(proj, meas float64) string {
	if meas <= 0 {
		return "nothing measured"
	}
	d := (proj - meas) / meas
	word := "within 20%"
	if d > 0.2 || d < -0.2 {
		word = "OUTSIDE 20%"
	}
	return fmt.Sprintf("projection %+.1f%% of the measurement, %s", 100*d, word)
}

func clientTo(t *testing.T, addr, password string) *redis.Client {
	c := connect.NewClient(connect.ClientOptions{Network: "tcp", Addr: addr, Password: password, PoolSize: 1, MaxRetries: -1}).(*redis.Client)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func pingRTT(ctx context.Context, t *testing.T, c *redis.Client) (time.Duration, error) {
	var d []time.Duration
	for range 200 {
		s := time.Now()
		if err := c.Ping(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		d = append(d, time.Since(s))
	}
	slices.Sort(d)
	return d[len(d)/2], nil
}

type loopFigures struct{ rate, roundTrips, service float64 }

func closedLoop(ctx context.Context, t *testing.T, c *redis.Client) loopFigures {
	spec := workloads.Spec{Workload: "order-flow", Connections: 1, Duration: workloads.Duration(5 * time.Second), Node: node.DefaultConfig()}
	r, err := workloads.Run(ctx, workloads.Options{Client: c, Spec: spec, CleanAfter: true})
	if err != nil {
		t.Fatal(err)
	}
	w := r.Writer[0]
	rt := float64(w.Transactions + w.Reads)
	return loopFigures{rate: float64(w.Calls) / r.Meta.MeasuredSec, roundTrips: rt / float64(w.Calls), service: w.Busy * r.Meta.MeasuredSec / rt * 1e6}
}

func pacedStepper(c *redis.Client, target time.Duration) ceiling.StepFunc {
	return func(ctx context.Context, rate float64, _ int) (*results.Run, error) {
		need := time.Duration(float64(results.MinSamples(0.99)) * 1.2 / rate * float64(time.Second))
		spec := workloads.Spec{Workload: "order-flow", Connections: 1, Rate: rate, Node: node.DefaultConfig(),
			Duration: workloads.Duration(max(3*time.Second, need)), Warmup: workloads.Duration(300 * time.Millisecond)}
		r, err := workloads.Run(ctx, workloads.Options{Client: c, Spec: spec, QueueSamples: true, CleanAfter: true})
		if r != nil {
			results.Assess(r, target)
		}
		return r, err
	}
}

// netemLink tries a veth pair into a namespace of its own with netem
// delaying each end by rtt/2, and a redis-server inside. It returns the
// server's address, or "" and why not.
func netemLink(t *testing.T, rtt time.Duration) (addr, how string) {
	if os.Geteuid() != 0 {
		return "", "needs root to create a network namespace"
	}
	for _, b := range []string{"ip", "tc", "redis-server"} {
		if _, err := exec.LookPath(b); err != nil {
			return "", b + " not found"
		}
	}
	id := strconv.Itoa(os.Getpid() % 100000)
	ns, host, peer := "rbench-rtt-"+id, "rbrtt"+id+"a", "rbrtt"+id+"b"
	run := func(args ...string) error {
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	if err := run("ip", "netns", "add", ns); err != nil {
		return "", err.Error()
	}
	t.Cleanup(func() { _ = run("ip", "netns", "del", ns) })
	if err := run("ip", "link", "add", host, "type", "veth", "peer", "name", peer); err != nil {
		return "", err.Error()
	}
	t.Cleanup(func() { _ = run("ip", "link", "del", host) })
	half := strconv.FormatInt(int64(rtt/2/time.Microsecond), 10) + "us"
	if err := run("tc", "qdisc", "add", "dev", host, "root", "netem", "delay", half); err != nil {
		return "", "unavailable (" + err.Error() + ")"
	}
	// netem works: address the pair, delay the other end too, and start a
	// throwaway server inside the namespace, stopped by its pid.
	hostIP, peerIP := "10.201.7.1", "10.201.7.2"
	for _, cmd := range [][]string{
		{"ip", "link", "set", peer, "netns", ns},
		{"ip", "addr", "add", hostIP + "/30", "dev", host},
		{"ip", "link", "set", host, "up"},
		{"ip", "netns", "exec", ns, "ip", "addr", "add", peerIP + "/30", "dev", peer},
		{"ip", "netns", "exec", ns, "ip", "link", "set", peer, "up"},
		{"ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"},
		{"ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", peer, "root", "netem", "delay", half},
	} {
		if err := run(cmd...); err != nil {
			return "", err.Error()
		}
	}
	port, err := localredis.FreePort()
	if err != nil {
		return "", err.Error()
	}
	dir := t.TempDir()
	cmd := exec.Command("ip", "netns", "exec", ns, "redis-server", "--bind", peerIP, "--port", strconv.Itoa(port),
		"--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", dir, "--logfile", filepath.Join(dir, "redis.log"))
	if err := cmd.Start(); err != nil {
		return "", err.Error()
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr = net.JoinHostPort(peerIP, strconv.Itoa(port))
	for range 50 {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			_ = c.Close()
			return addr, "netem " + half + " each way on a veth pair"
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", "the server in the namespace did not come up"
}

// relay listens on loopback and forwards every connection to target,
// holding each chunk read for delay before writing it on (in order, each
// direction on its own), so a round trip gains 2 x delay. Its waits are
// timerfd sleeps: a Go timer would wake up to a millisecond late.
func relay(t *testing.T, target string, delay time.Duration) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				_ = in.Close()
				continue
			}
			wg.Add(2)
			go func() { defer wg.Done(); pipeDelayed(out, in, delay) }()
			go func() { defer wg.Done(); pipeDelayed(in, out, delay) }()
		}
	}()
	return ln.Addr().String()
}

type chunk struct {
	b   []byte
	due time.Time
}

func pipeDelayed(dst, src net.Conn, delay time.Duration) {
	q := make(chan chunk, 4096)
	go func() {
		defer close(q)
		for {
			b := make([]byte, 64<<10)
			n, err := src.Read(b)
			if n > 0 {
				q <- chunk{b[:n], time.Now().Add(delay)}
			}
			if err != nil {
				return
			}
		}
	}()
	sl := newSleeper()
	defer sl.close()
	for c := range q {
		sl.sleep(time.Until(c.due))
		if _, err := dst.Write(c.b); err != nil {
			break
		}
	}
	_ = dst.Close()
	_ = src.Close()
	for range q { //nolint:revive // drain the reader
	}
}

// sleeper sleeps precisely on a timerfd (as workloads' sender does).
type sleeper struct {
	fd  int
	f   *os.File
	buf [8]byte
}

func newSleeper() *sleeper {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return &sleeper{fd: -1}
	}
	return &sleeper{fd: fd, f: os.NewFile(uintptr(fd), "timerfd")}
}

func (s *sleeper) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	if s.f != nil {
		spec := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(d))}
		if err := unix.TimerfdSettime(s.fd, 0, &spec, nil); err == nil {
			if _, err := s.f.Read(s.buf[:]); err == nil || errors.Is(err, io.EOF) {
				return
			}
		}
	}
	time.Sleep(d)
}

func (s *sleeper) close() {
	if s.f != nil {
		_ = s.f.Close()
	}
}
