package recovery

import (
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/localredis"
)

func TestJudge(t *testing.T) {
	crash := time.Unix(1000, 0)
	losses := &Verification{Losses: []int64{
		crash.Add(-5 * time.Second).UnixNano(),
		crash.Add(-1500 * time.Millisecond).UnixNano(),
		crash.Add(-100 * time.Millisecond).UnixNano(),
		crash.Add(300 * time.Millisecond).UnixNano(), // acknowledged by the restarted server
	}}
	everysec := BasePromise(string(localredis.AOFEverysec), StopKill, 2*time.Second)
	tests := []struct {
		name                       string
		p                          Promise
		lost, unexplained, excused int64
		firstBefore, lastBefore    time.Duration
	}{
		{"aof-always kill excuses nothing", BasePromise(string(localredis.AOFAlways), StopKill, 2*time.Second), 4, 4, 0, 5 * time.Second, -300 * time.Millisecond},
		{"everysec kill, counter still", everysec.forCycle(crashFacts{delayedFrom: 3, delayedTo: 3, delayedKnown: true}, 2*time.Second), 4, 4, 0, 5 * time.Second, -300 * time.Millisecond},
		{"everysec kill, counter moved", everysec.forCycle(crashFacts{delayedFrom: 3, delayedTo: 4, delayedKnown: true}, 2*time.Second), 2, 2, 2, 5 * time.Second, -300 * time.Millisecond},
		{"everysec kill, counter unknown", everysec.forCycle(crashFacts{}, 2*time.Second), 4, 4, 0, 5 * time.Second, -300 * time.Millisecond},
		{"everysec host crash", BasePromise(string(localredis.AOFEverysec), StopHostCrash, 2*time.Second), 2, 2, 2, 5 * time.Second, -300 * time.Millisecond},
		{"shutdown excuses nothing", BasePromise(string(localredis.AOFEverysec), StopShutdown, 2*time.Second), 4, 4, 0, 5 * time.Second, -300 * time.Millisecond},
		// rdb: the last save (finished 2 s before the crash, 0 s long)
		// held what was acknowledged before about 3 s before the crash.
		{"rdb kill", BasePromise(string(localredis.RDB), StopKill, 2*time.Second).forCycle(crashFacts{lastSave: 998, bgsaveSec: 0}, 2*time.Second), 4, 2, 0, 5 * time.Second, -300 * time.Millisecond},
		{"none loses everything by design", BasePromise(string(localredis.None), StopKill, 2*time.Second), 4, 1, 0, 5 * time.Second, -300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := Judge(losses, crash, tt.p)
			if j.Lost != tt.lost || j.Unexplained != tt.unexplained || j.Excused != tt.excused {
				t.Errorf("lost %d (unexplained %d), excused %d; want %d (%d), %d", j.Lost, j.Unexplained, j.Excused, tt.lost, tt.unexplained, tt.excused)
			}
			if j.FirstBefore != tt.firstBefore || j.LastBefore != tt.lastBefore {
				t.Errorf("bounds %v %v", j.FirstBefore, j.LastBefore)
			}
		})
	}
}

// The promise says what it checked: the output names the persistence, the
// kind of stop and the figures it was judged by.
func TestPromiseText(t *testing.T) {
	tests := []struct {
		p    Promise
		want []string
	}{
		{BasePromise("aof-always", StopKill, 2*time.Second), []string{"appendfsync always", "process kill loses no acknowledged write"}},
		{BasePromise("aof-everysec", StopKill, 2*time.Second).forCycle(crashFacts{delayedFrom: 1, delayedTo: 1, delayedKnown: true}, 2*time.Second),
			[]string{"page cache survives a process kill", "aof_delayed_fsync did not move (1)", "no loss is excused"}},
		{BasePromise("aof-everysec", StopKill, 2*time.Second).forCycle(crashFacts{delayedFrom: 1, delayedTo: 2, delayedKnown: true}, 2*time.Second),
			[]string{"moved from 1 to 2", "within 2s before the crash are excused"}},
		{BasePromise("aof-everysec", StopShutdown, 2*time.Second), []string{"SHUTDOWN writes and fsyncs the AOF"}},
		{BasePromise("rdb", StopShutdown, 2*time.Second), []string{"SHUTDOWN saves the RDB"}},
		{BasePromise("rdb", StopKill, 2*time.Second).forCycle(crashFacts{lastSave: 1000}, 2*time.Second), []string{"last save", "1970-01-01T00:16:40Z", "must survive"}},
		{BasePromise("none", StopKill, 2*time.Second), []string{"keeps nothing", "not configured to keep"}},
		{BasePromise("aof-no", StopHostCrash, 2*time.Second), []string{"appendfsync no, host crash", "32s"}},
		{BasePromise("unknown", StopKill, 2*time.Second), []string{"unknown", "no loss is excused"}},
	}
	for _, tt := range tests {
		for _, w := range tt.want {
			if !strings.Contains(tt.p.Text, w) {
				t.Errorf("%s/%s: %q lacks %q", tt.p.Persistence, tt.p.Stop, tt.p.Text, w)
			}
		}
	}
}

func TestProveRestart(t *testing.T) {
	died := time.Unix(1000, 0)
	before := sample{runID: "aaaa", uptime: 3600}
	tests := []struct {
		name  string
		after sample
		ok    bool
		want  string
	}{
		{"new run_id, fresh uptime", sample{runID: "bbbb", uptime: 1, at: died.Add(1500 * time.Millisecond)}, true, ""},
		{"same run_id", sample{runID: "aaaa", uptime: 3602, at: died.Add(2 * time.Second)}, false, "same run_id aaaa"},
		{"another server, long up", sample{runID: "cccc", uptime: 86400, at: died.Add(2 * time.Second)}, false, "up 86400 s"},
	}
	for _, tt := range tests {
		err := proveRestart(before, tt.after, died)
		if (err == nil) != tt.ok || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
