package workloads

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// fineSleeper sleeps precisely: a timerfd, registered with Go's network
// poller, makes the runtime's epoll_wait return the moment it expires,
// where a Go timer waits for epoll_wait's millisecond timeout. It falls back
// to a time.Timer when the kernel refuses a timerfd (out of descriptors).
type fineSleeper struct {
	fd    int
	f     *os.File
	timer *time.Timer
	buf   [8]byte
}

func newFineSleeper() fineSleeper {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return fineSleeper{fd: -1}
	}
	return fineSleeper{fd: fd, f: os.NewFile(uintptr(fd), "timerfd")}
}

func (s *fineSleeper) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	if s.f != nil {
		spec := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(d))}
		if err := unix.TimerfdSettime(s.fd, 0, &spec, nil); err == nil {
			if _, err := s.f.Read(s.buf[:]); err == nil {
				return
			}
		}
		s.close() // broken: use a timer from now on
	}
	if s.timer == nil {
		s.timer = time.NewTimer(d)
	} else {
		s.timer.Reset(d)
	}
	<-s.timer.C
}

func (s *fineSleeper) close() {
	if s.f != nil {
		_ = s.f.Close()
		s.f, s.fd = nil, -1
	}
}

// precise reports whether the sleeper has its timerfd.
func (s *fineSleeper) precise() bool { return s.f != nil }
