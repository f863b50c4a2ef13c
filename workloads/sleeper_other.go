//go:build !linux

package workloads

import "time"

// fineSleeper sleeps with a time.Timer where there is no timerfd; the
// calibrated margin then covers the timer's lateness.
type fineSleeper struct{ timer *time.Timer }

func newFineSleeper() fineSleeper { return fineSleeper{} }

func (s *fineSleeper) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	if s.timer == nil {
		s.timer = time.NewTimer(d)
	} else {
		s.timer.Reset(d)
	}
	<-s.timer.C
}

func (s *fineSleeper) close() {}

func (s *fineSleeper) precise() bool { return false }
