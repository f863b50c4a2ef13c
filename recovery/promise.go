package recovery

import (
	"fmt"
	"time"

	"github.com/rbench/rbench/localredis"
)

// Kinds of stop a promise is about. A restart command (ModeCmd) may kill or
// shut the server down; rbench judges it by the weaker promise, a process
// kill, unless the operator declares a host crash.
const (
	StopKill      = "process-kill" // SIGKILL of redis-server: the page cache survives
	StopShutdown  = "shutdown"     // SHUTDOWN: fsync or save, then exit
	StopHostCrash = "host-crash"   // power cut or VM reset: only what was fsynced survives
)

// aofNoHostWindow is what appendfsync no may lose in a host crash: Linux
// writes dirty pages back after about 30 s.
const aofNoHostWindow = 32 * time.Second

// Promise is what Redis guarantees about acknowledged writes for one
// persistence policy and one kind of stop, as its AOF and RDB code keep it
// (measurement.md, "Redis's persistence promises"), and therefore what a
// verdict checks.
type Promise struct {
	// Persistence and Stop name the case (aof-everysec, process-kill).
	Persistence, Stop string
	// Text says, in the output, what Redis guarantees and what is checked.
	Text string
	// Window excuses losses acknowledged at most this long before the
	// crash: Redis's own permitted loss. 0 excuses nothing.
	Window time.Duration
	// LosesAll: the policy keeps nothing (no persistence). Every loss is by
	// design, and still fails: the server does not keep the state.
	LosesAll bool
	// KeptBefore (rdb): writes acknowledged before it are in the last save
	// and must survive; later ones are lost by design (and still fail).
	KeptBefore time.Time
}

// crashFacts are what the server said about itself before it died, for the
// promises that depend on it.
type crashFacts struct {
	// delayedFsync is INFO aof_delayed_fsync at the start of the loss
	// window and at the last reading before the crash; known is false when
	// no reading was had.
	delayedFrom, delayedTo int64
	delayedKnown           bool
	// lastSave and bgsaveSec are rdb_last_save_time (Unix s) and
	// rdb_last_bgsave_time_sec at the last reading.
	lastSave, bgsaveSec int64
}

// BasePromise is the promise of persistence p for a stop, before any
// cycle's figures: the text shown once per run. lossWindow is how long
// before the crash a write may be lost where Redis allows a loss at all.
func BasePromise(p, stop string, lossWindow time.Duration) Promise {
	pr := Promise{Persistence: p, Stop: stop}
	switch {
	case p == string(localredis.None):
		pr.LosesAll = true
		pr.Text = "no persistence (appendonly no, no save points): a restart keeps nothing, every acknowledged write is lost by design; the server is not configured to keep a trading node's state"
	case p == "unknown":
		pr.Text = "the server's persistence is unknown (CONFIG GET refused and INFO does not say): no loss is excused"
	case stop == StopShutdown && p == string(localredis.RDB):
		pr.Text = "rdb: SHUTDOWN saves the RDB (save points are set) before the server exits, so no acknowledged write may be lost"
	case stop == StopShutdown:
		pr.Text = "appendonly yes: SHUTDOWN writes and fsyncs the AOF before the server exits, so no acknowledged write may be lost"
	case p == string(localredis.RDB):
		pr.Text = "rdb: a restart keeps what the last save held; writes acknowledged after it are lost by design (the server is not configured to keep a trading node's state), writes the save held must survive"
	case stop == StopHostCrash && p == string(localredis.AOFAlways):
		pr.Text = "appendfsync always: Redis fsyncs the AOF before it replies, so even a host crash loses no acknowledged write"
	case stop == StopHostCrash && p == string(localredis.AOFEverysec):
		pr.Window = lossWindow
		pr.Text = fmt.Sprintf("appendfsync everysec, host crash: what was not yet fsynced is lost, about the last second (more while fsyncs are slow); losses acknowledged within %v before the crash are Redis's, older ones are not", lossWindow)
	case stop == StopHostCrash && p == "aof-no":
		pr.Window = aofNoHostWindow
		pr.Text = fmt.Sprintf("appendfsync no, host crash: what the kernel had not written back is lost (about 30 s); losses acknowledged within %v before the crash are Redis's, older ones are not", aofNoHostWindow)
	case p == string(localredis.AOFAlways):
		pr.Text = "appendfsync always: Redis writes and fsyncs the AOF before it replies, so a process kill loses no acknowledged write"
	case p == string(localredis.AOFEverysec):
		pr.Text = fmt.Sprintf("appendfsync everysec: Redis writes the AOF (write(2)) before it replies and the page cache survives a process kill, so a kill loses no acknowledged write; the one exception is a write Redis postponed while a background fsync ran, and a loss is Redis's only when INFO aof_delayed_fsync moved in the %v before the crash", lossWindow)
	case p == "aof-no":
		pr.Text = "appendfsync no: Redis writes the AOF (write(2)) before it replies and the page cache survives a process kill, so a kill loses no acknowledged write (a host crash could lose about 30 s)"
	default:
		pr.Text = fmt.Sprintf("persistence %q: no loss is excused", p)
	}
	return pr
}

// forCycle adds one cycle's figures to the base promise: the everysec
// exception when aof_delayed_fsync moved, the rdb boundary at the last save.
func (p Promise) forCycle(f crashFacts, lossWindow time.Duration) Promise {
	switch {
	case p.Persistence == string(localredis.AOFEverysec) && p.Stop == StopKill:
		switch {
		case !f.delayedKnown:
			p.Text += "; INFO aof_delayed_fsync could not be read before the crash: no loss is excused"
		case f.delayedTo > f.delayedFrom:
			p.Window = lossWindow
			p.Text += fmt.Sprintf("; aof_delayed_fsync moved from %d to %d: losses acknowledged within %v before the crash are excused", f.delayedFrom, f.delayedTo, lossWindow)
		default:
			p.Text += fmt.Sprintf("; aof_delayed_fsync did not move (%d): no loss is excused, any loss was made by something other than Redis's persistence", f.delayedTo)
		}
	case p.Persistence == string(localredis.RDB) && p.Stop != StopShutdown:
		if f.lastSave > 0 {
			// The snapshot holds what was there when the save forked, some
			// rdb_last_bgsave_time_sec before it finished; the times are
			// whole seconds, so give a second's margin.
			p.KeptBefore = time.Unix(f.lastSave-max(f.bgsaveSec, 0)-1, 0)
			p.Text += fmt.Sprintf("; the last save finished at %s (rdb_last_save_time), so writes acknowledged before %s must survive",
				time.Unix(f.lastSave, 0).UTC().Format(time.RFC3339), p.KeptBefore.UTC().Format(time.RFC3339))
		} else {
			p.LosesAll = true
			p.Text += "; rdb_last_save_time could not be read: every loss is taken as the policy's"
		}
	}
	return p
}

// Judgement applies a Promise to a Verification.
type Judgement struct {
	// Lost counts losses the promise does not excuse (a failure); Excused
	// those it allows.
	Lost, Excused int64
	// Unexplained is the part of Lost that the persistence policy does not
	// explain either (rdb: what the last save held; AOF: every loss):
	// something else removed the data.
	Unexplained int64
	// FirstBefore and LastBefore bound the acknowledgement times of the
	// items lost, as durations before the crash (negative: acknowledged
	// after it, by the restarted server); zero when nothing was lost.
	FirstBefore, LastBefore time.Duration
}

// Judge applies p to v's losses for a server that died at crash. A loss
// acknowledged after the crash was acknowledged by the restarted server,
// which no persistence policy explains.
func Judge(v *Verification, crash time.Time, p Promise) Judgement {
	var j Judgement
	c := crash.UnixNano()
	edge := crash.Add(-p.Window).UnixNano()
	kept := p.KeptBefore.UnixNano()
	for _, at := range v.Losses {
		switch {
		case at > c:
			j.Lost++
			j.Unexplained++
		case p.Window > 0 && at >= edge:
			j.Excused++
		case p.LosesAll, !p.KeptBefore.IsZero() && at >= kept:
			j.Lost++ // by design: the policy does not keep it
		default:
			j.Lost++
			j.Unexplained++
		}
	}
	if n := len(v.Losses); n > 0 {
		// Losses are sorted by acknowledgement time.
		j.FirstBefore = crash.Sub(time.Unix(0, v.Losses[0]))
		j.LastBefore = crash.Sub(time.Unix(0, v.Losses[n-1]))
	}
	return j
}
