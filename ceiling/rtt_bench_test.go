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
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
	rtt := envDuration(t, "RBENCH_BENCH_RTT_DELAY", time.Millisecond)
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

	// 1. Closed loop, the writer always busy: its capacity. Direct and
	// through the link alternate, so that both see the same machine.
	var dRate, lRate, ks, svcs []float64
	for range 3 {
		dc := closedLoop(ctx, t, direct)
		lc := closedLoop(ctx, t, link)
		dRate, lRate = append(dRate, dc.rate), append(lRate, lc.rate)
		ks, svcs = append(ks, dc.roundTrips), append(svcs, dc.service)
		t.Logf("closed loop: direct %.0f calls/s (%.2f round trips per call, %.1f us each), through the link %.0f calls/s", dc.rate, dc.roundTrips, dc.service, lc.rate)
	}
	k, svc := median(ks), median(svcs)
	rttUs := float64(measuredRTT) / 1e3
	projCap := 1e6 / (k * (svc + rttUs))
	t.Logf("capacity through the link: measured %.0f calls/s (median of 3); projected 1/(%.2f x (%.1f us + %.0f us)) = %.0f calls/s: %s",
		median(lRate), k, svc, rttUs, projCap, within(projCap, median(lRate)))

	// 2. The lag: a paced run at 30% of the direct capacity, projected to
	// the link (Project: the same utilisation, the lag model), then run
	// through the link at the projected rate.
	// A third of the closed-loop capacity: a paced writer costs more than a
	// closed-loop one (its sender waits for each due time), and near
	// saturation the lag model's rho/(1-rho) magnifies every error.
	dr := round2(median(dRate) * 0.3)
	st := ceiling.Judge(paced(ctx, t, direct, dr), dr, time.Hour)
	at := &results.CeilingPoint{Rate: dr, Lag: st.Lag, Busy: st.Busy, RoundTripsPerCall: st.RoundTripsPerCall,
		MaxRoundTripsPerCall: st.MaxRoundTripsPerCall, ServicePerRoundTripUs: st.ServicePerRoundTripUs}
	proj := ceiling.Project(results.CeilingSearch{LagBoundUs: 3.6e9, Found: dr, AtCeiling: at}, measuredRTT)
	lr := round2(proj.Ceiling)
	ls := ceiling.Judge(paced(ctx, t, link, lr), lr, time.Hour)
	t.Logf("paced direct at %.0f/s: busy %.0f%%, lag p50 %.0f us p99 %.0f us", dr, 100*st.Busy, st.Lag.P50, st.Lag.P99)
	t.Logf("projected to the link at the same utilisation: %.0f/s, lag p50 %.0f us p99 %.0f us", proj.Ceiling, proj.LagP50Us, proj.LagP99Us)
	t.Logf("paced through the link at %.0f/s: busy %.0f%%, lag p50 %.0f us p99 %.0f us: p50 %s", lr, 100*ls.Busy, ls.Lag.P50, ls.Lag.P99, within(proj.LagP50Us, ls.Lag.P50))
	fmt.Fprintf(os.Stderr, "bench-rtt: %s at %v (PING %v): capacity projected %.0f/s measured %.0f/s (%s); lag p50 at %.0f/s projected %.0f us measured %.0f us (%s)\n",
		how, rtt, viaLink, projCap, median(lRate), within(projCap, median(lRate)), lr, proj.LagP50Us, ls.Lag.P50, within(proj.LagP50Us, ls.Lag.P50))
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func round2(v float64) float64 { return float64(int(v/10) * 10) }

func paced(ctx context.Context, t *testing.T, c *redis.Client, rate float64) *results.Run {
	r, err := pacedStepper(c, time.Hour)(ctx, rate, 1)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

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
	spec := workloads.Spec{Workload: "order-flow", Connections: 1, Duration: workloads.Duration(3 * time.Second), Node: node.DefaultConfig()}
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
// direction on its own), so a round trip gains 2 x delay. On a busy
// machine a userspace hop waits for a CPU at every wake-up (milliseconds
// under CFS at a load average above the cores), which a kernel qdisc
// would not: so each direction runs on two OS threads of its own at
// SCHED_FIFO priority (root), reading and writing blocking duplicates of
// the sockets and sleeping on a blocking timerfd, so that the kernel
// wakes them at once. Without the priority it says so and goes on.
func relay(t *testing.T, target string, delay time.Duration) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var once sync.Once
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
			a, b, err := blockingPair(in.(*net.TCPConn), out.(*net.TCPConn))
			if err != nil {
				t.Errorf("relay: %v", err)
				continue
			}
			warn := func(err error) {
				once.Do(func() {
					t.Logf("relay: no realtime priority (%v): its delays will wait for a CPU on a busy machine", err)
				})
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				var both sync.WaitGroup
				both.Add(2)
				go func() { defer both.Done(); pipeDelayed(b, a, delay, warn) }()
				go func() { defer both.Done(); pipeDelayed(a, b, delay, warn) }()
				both.Wait()
				// Closed only when both directions are done, so that
				// neither writes to a descriptor number reused meanwhile.
				_ = unix.Close(a)
				_ = unix.Close(b)
			}()
		}
	}()
	return ln.Addr().String()
}

// blockingPair returns blocking duplicates of both connections' sockets
// (File dups them in blocking mode) and closes the originals.
func blockingPair(in, out *net.TCPConn) (a, b int, err error) {
	fa, err := in.File()
	if err != nil {
		return 0, 0, err
	}
	fb, err := out.File()
	if err != nil {
		return 0, 0, err
	}
	a, _ = unix.Dup(int(fa.Fd()))
	b, _ = unix.Dup(int(fb.Fd()))
	_, _, _, _ = fa.Close(), fb.Close(), in.Close(), out.Close()
	return a, b, nil
}

// realtime puts the calling goroutine on an OS thread of its own at
// SCHED_FIFO priority 50.
func realtime() error {
	runtime.LockOSThread()
	return unix.SchedSetAttr(0, &unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_FIFO, Priority: 50}, 0)
}

type chunk struct {
	b   []byte
	due time.Time
}

// pipeDelayed copies src to dst, each chunk delay after it was read.
func pipeDelayed(dst, src int, delay time.Duration, warn func(error)) {
	q := make(chan chunk, 4096)
	go func() {
		defer close(q)
		if err := realtime(); err != nil {
			warn(err)
		}
		for {
			b := make([]byte, 64<<10)
			n, err := unix.Read(src, b)
			if n <= 0 || err != nil {
				return
			}
			q <- chunk{b[:n], time.Now().Add(delay)}
		}
	}()
	if err := realtime(); err != nil {
		warn(err)
	}
	tfd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_CLOEXEC)
	if err != nil {
		tfd = -1
	}
	var buf [8]byte
	for c := range q {
		if d := time.Until(c.due); d > 0 {
			spec := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(d))}
			if tfd < 0 || unix.TimerfdSettime(tfd, 0, &spec, nil) != nil {
				time.Sleep(d)
			} else {
				_, _ = unix.Read(tfd, buf[:])
			}
		}
		if !writeAll(dst, c.b) {
			break
		}
	}
	// Either side done: end both directions of both sockets (shutdown
	// wakes the other direction's blocked read), then drain.
	_ = unix.Shutdown(dst, unix.SHUT_RDWR)
	_ = unix.Shutdown(src, unix.SHUT_RDWR)
	for range q { //nolint:revive // drain the reader
	}
	if tfd >= 0 {
		_ = unix.Close(tfd)
	}
}

func writeAll(fd int, b []byte) bool {
	for len(b) > 0 {
		n, err := unix.Write(fd, b)
		if err != nil || n <= 0 {
			return false
		}
		b = b[n:]
	}
	return true
}
