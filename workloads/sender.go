package workloads

import (
	"context"
	"runtime"
	"slices"
	"sync/atomic"
	"time"
)

// The calibrated sender. Go timers on Linux wake a goroutine late: the
// runtime waits for them in epoll_wait, whose timeout is in whole
// milliseconds, so a sleep to a deadline ends 0.5 ms late at p50 and up to
// 2 ms at p99 (docs/performance.md). An open-loop sender that only slept
// would add that to every response time it reports, which is most of a
// 1 ms budget. So a worker sleeps until shortly before a due time, with a
// precise sleeper where there is one (a timerfd, whose expiry wakes
// epoll_wait at once), and waits actively (runtime.Gosched in a loop) for
// the last stretch: the margin, calibrated at the start on the machine at
// hand. The active wait is spent only within the margin of a deadline.
//
// An active wait must not starve others: with one thread (GOMAXPROCS 1,
// rbench's default beside a local Redis on two cores) a goroutine that
// yields in a loop keeps the scheduler from polling the network, so another
// worker's reply would wait until the loop ends. The active wait therefore
// runs only while no other request of the phase is in flight, or while a
// thread is left over to poll; otherwise the worker sleeps precisely to the
// due time instead, and its lateness shows in the send-lateness histogram.
//
// Nor does an active wait help on a machine too busy to leave the thread its
// CPU: the kernel's scheduler favours threads that slept over one that spun
// through its share, so a spinning sender that loses the CPU gets it back
// milliseconds later, behind every other runnable thread. When a worker sees
// that happen (one turn of its loop took longer than preemptedAfter), the
// phase stops waiting actively for backOff and its workers sleep precisely
// to their due times instead; then it tries again.

// coarseSlack is how early a coarse (cancellable) sleep ends before the
// precise part begins: more than a Go timer's lateness.
const coarseSlack = 3 * time.Millisecond

// preemptedAfter: a turn of the active wait that took longer lost the CPU
// to another thread; backOff is how long the phase then sleeps instead.
const (
	preemptedAfter = 250 * time.Microsecond
	backOff        = time.Second
)

// Bounds of the calibrated margin. The active wait covers the sleeper's
// wake-up path (epoll, the scheduler), tens of microseconds with a timerfd;
// it cannot cover a machine too busy to give the thread a CPU, where
// spinning makes it worse (the kernel's scheduler then favours the threads
// that slept), so the margin stays short. A time.Timer wakes up to a
// millisecond late and needs more.
const (
	minMargin      = 20 * time.Microsecond
	maxMargin      = 300 * time.Microsecond
	maxTimerMargin = 2 * time.Millisecond
)

// pacedSender brings one open-loop worker to each due time.
type pacedSender struct {
	fine   fineSleeper
	timer  *time.Timer   // coarse sleeps, cancellable
	margin time.Duration // active wait before a due time; 0: none
	active time.Duration // time spent waiting actively
	gate   *spinGate     // nil: nobody to starve
}

func newSender(margin time.Duration, gate *spinGate) *pacedSender {
	return &pacedSender{fine: newFineSleeper(), margin: margin, gate: gate}
}

func (s *pacedSender) close() { s.fine.close() }

// waitUntil returns when time.Since(start) reaches due, or false when ctx
// ends first.
func (s *pacedSender) waitUntil(ctx context.Context, start time.Time, due time.Duration) bool {
	left := due - time.Since(start)
	if left > s.margin+coarseSlack {
		if !s.sleepCoarse(ctx, left-s.margin-coarseSlack) {
			return false
		}
		left = due - time.Since(start)
	}
	if left > s.margin {
		s.fine.sleep(left - s.margin)
	}
	if s.margin <= 0 {
		if left = due - time.Since(start); left > 0 {
			s.fine.sleep(left)
		}
		return true
	}
	t0 := time.Since(start)
	if s.gate.backingOff(t0) {
		s.fine.sleep(due - t0)
		return true
	}
	if s.gate != nil {
		s.gate.spinners.Add(1)
		defer s.gate.spinners.Add(-1)
	}
	now := t0
	for now < due {
		if s.gate.busy() {
			s.active += now - t0
			s.fine.sleep(due - now)
			return true
		}
		runtime.Gosched()
		next := time.Since(start)
		if next-now > preemptedAfter {
			s.gate.backOffUntil(next + backOff)
		}
		now = next
	}
	s.active += now - t0
	return true
}

func (s *pacedSender) sleepCoarse(ctx context.Context, d time.Duration) bool {
	if s.timer == nil {
		s.timer = time.NewTimer(d)
	} else {
		s.timer.Reset(d)
	}
	select {
	case <-s.timer.C:
		return true
	case <-ctx.Done():
		s.timer.Stop()
		return false
	}
}

// calibrateMargin measures how late the precise sleeper wakes on this
// machine, now, and returns the margin that covers nine sleeps in ten with
// room to spare, within minMargin and maxMargin: the active wait that makes
// a send leave on time.
func calibrateMargin() time.Duration {
	const n = 40
	fs := newFineSleeper()
	defer fs.close()
	lates := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		d := time.Millisecond + time.Duration(i%4)*250*time.Microsecond
		due := time.Now().Add(d)
		fs.sleep(d)
		lates = append(lates, time.Since(due))
	}
	slices.Sort(lates)
	p90 := lates[n*9/10]
	top := maxMargin
	if !fs.precise() {
		top = maxTimerMargin
	}
	return min(max(p90+p90/2+10*time.Microsecond, minMargin), top)
}

// spinGate is what a phase's senders share to keep their active waits from
// starving the network: the requests in flight and the workers waiting
// actively.
type spinGate struct {
	_        [64]byte
	inflight atomic.Int64
	_        [64]byte
	spinners atomic.Int64
	_        [64]byte
	// until is the phase time (ns) before which nobody waits actively;
	// backoffs counts how often a worker lost its CPU while it did.
	until    atomic.Int64
	backoffs atomic.Int64
	procs    int64 // GOMAXPROCS when the phase started
}

func newSpinGate() *spinGate { return &spinGate{procs: int64(runtime.GOMAXPROCS(0))} }

// backOffUntil turns the active wait off until the phase time t.
func (g *spinGate) backOffUntil(t time.Duration) {
	if g == nil {
		return
	}
	g.backoffs.Add(1)
	g.until.Store(int64(t))
}

// backingOff reports whether the active wait is off at phase time now.
func (g *spinGate) backingOff(now time.Duration) bool {
	return g != nil && int64(now) < g.until.Load()
}

// busy reports whether waiting actively now would starve a reply: a request
// is in flight and the workers waiting actively (this one included) leave
// no thread to poll the network.
func (g *spinGate) busy() bool {
	return g != nil && g.inflight.Load() > 0 && g.spinners.Load() > g.procs-1
}
