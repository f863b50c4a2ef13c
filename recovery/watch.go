package recovery

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	redisinfo "github.com/rbench/rbench/internal/info"
)

// sample is one INFO reading of the server under test.
type sample struct {
	at     time.Time
	runID  string
	uptime int64 // uptime_in_seconds
	// delayedFsync is aof_delayed_fsync: AOF writes Redis postponed for
	// the 2 s limit while a background fsync ran (appendfsync everysec).
	delayedFsync int64
	// pendingFsync and aofBuffer are aof_pending_bio_fsync and
	// aof_buffer_length: a background fsync running while acknowledged
	// writes wait in the AOF buffer, unwritten (a postponement under way).
	pendingFsync, aofBuffer int64
	// lastSave and bgsaveSec are rdb_last_save_time (Unix s) and
	// rdb_last_bgsave_time_sec (-1 before the first background save).
	lastSave, bgsaveSec int64
}

// readSample reads INFO server and INFO persistence (two commands: Redis
// 6 takes one section per INFO).
func readSample(ctx context.Context, rdb redis.Cmdable) (sample, error) {
	var srv, pers *redis.StringCmd
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		srv = p.Info(ctx, "server")
		pers = p.Info(ctx, "persistence")
		return nil
	})
	s := sample{at: time.Now()}
	if err != nil {
		return s, fmt.Errorf("INFO server and persistence: %w", err)
	}
	f := redisinfo.Parse(srv.Val())
	for k, v := range redisinfo.Parse(pers.Val()) {
		f[k] = v
	}
	s.runID = f["run_id"]
	if s.runID == "" {
		return s, errors.New("INFO server has no run_id")
	}
	atoi := func(k string) int64 { n, _ := strconv.ParseInt(f[k], 10, 64); return n }
	s.uptime = atoi("uptime_in_seconds")
	s.delayedFsync = atoi("aof_delayed_fsync")
	s.pendingFsync = atoi("aof_pending_bio_fsync")
	s.aofBuffer = atoi("aof_buffer_length")
	s.lastSave = atoi("rdb_last_save_time")
	s.bgsaveSec = atoi("rdb_last_bgsave_time_sec")
	return s, nil
}

// watcher observes the server through a restart: it reads INFO every
// pollEvery and holds one connection blocked on the server (BLPOP of a key
// nobody writes, which creates nothing) so that the moment the server dies
// is the moment that connection drops.
type watcher struct {
	first sample // read when the watch started

	mu      sync.Mutex
	samples []sample  // every reading of the server as first saw it (same run_id)
	dropped time.Time // when the blocked connection dropped; zero until then
	stopped bool

	blocked  redis.UniversalClient
	dropCh   chan struct{}
	stopPoll context.CancelFunc
	wg       sync.WaitGroup
	stopOnce sync.Once
}

const (
	pollEvery = 50 * time.Millisecond
	// maxSamples bounds the readings kept (about 50 minutes at pollEvery
	// between the start of the watch and the crash).
	maxSamples = 60000
)

// startWatch reads the server once (an error means there is nothing to
// prove a restart against) and starts watching it. key is the key the
// blocked connection waits on; it must be one nothing writes.
func startWatch(ctx context.Context, info redis.UniversalClient, newClient func() redis.UniversalClient, key string) (*watcher, error) {
	first, err := readSample(ctx, info)
	if err != nil {
		return nil, fmt.Errorf("reading the server before the restart (its run_id is what proves the restart): %w", err)
	}
	w := &watcher{first: first, samples: []sample{first}, dropCh: make(chan struct{})}
	w.blocked = newClient()
	// Make sure the blocked connection exists before the restart can come.
	if err := w.blocked.Ping(ctx).Err(); err != nil {
		_ = w.blocked.Close()
		return nil, fmt.Errorf("opening the connection that watches for the server's death: %w", err)
	}
	w.wg.Add(2)
	go func() {
		defer w.wg.Done()
		for {
			// Timeout 0: no deadline, it returns when the connection drops
			// (or when stop closes the client).
			err := w.blocked.BLPop(context.WithoutCancel(ctx), 0, key).Err()
			// An error reply (NOPERM from an ACL, say) is not a drop: the
			// death is then not observed here.
			var reply redis.Error
			w.mu.Lock()
			stopped := w.stopped
			if err != nil && !stopped && !errors.As(err, &reply) {
				w.dropped = time.Now()
			}
			w.mu.Unlock()
			if err != nil || stopped {
				close(w.dropCh)
				return
			}
			// Someone pushed to the key: wait again.
		}
	}()
	pctx, cancel := context.WithCancel(ctx)
	w.stopPoll = cancel
	go func() {
		defer w.wg.Done()
		t := time.NewTicker(pollEvery)
		defer t.Stop()
		for {
			select {
			case <-pctx.Done():
				return
			case <-w.dropCh:
				return // the server is gone: later readings are not of it
			case <-t.C:
			}
			w.sampleNow(pctx, info)
		}
	}()
	return w, nil
}

// sampleNow reads the server once more and keeps the reading if it is of
// the server first saw. Run calls it just before a kill, so that the last
// reading is the state at the crash.
func (w *watcher) sampleNow(ctx context.Context, info redis.UniversalClient) {
	rctx, cancel := context.WithTimeout(ctx, time.Second)
	s, err := readSample(rctx, info)
	cancel()
	if err != nil || s.runID != w.first.runID {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dropped.IsZero() {
		if len(w.samples) == maxSamples {
			w.samples = append(w.samples[:1], w.samples[maxSamples/2:]...)
		}
		w.samples = append(w.samples, s)
	}
}

// died returns when the blocked connection dropped, waiting up to wait for
// it; zero when it did not.
func (w *watcher) died(wait time.Duration) time.Time {
	select {
	case <-w.dropCh:
	case <-time.After(wait):
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dropped
}

// stop ends the watch; it may be called more than once.
func (w *watcher) stop() {
	w.stopOnce.Do(func() {
		w.mu.Lock()
		w.stopped = true
		w.mu.Unlock()
		w.stopPoll()
		_ = w.blocked.Close()
		w.wg.Wait()
	})
}

// facts are the readings of the old server that bear on the loss window
// [crash-window, crash]: aof_delayed_fsync at its start and at the last
// reading before the crash, and the last save.
func (w *watcher) facts(crash time.Time, window time.Duration) crashFacts {
	w.mu.Lock()
	defer w.mu.Unlock()
	var f crashFacts
	var last *sample
	base := &w.samples[0]
	for i := range w.samples {
		s := &w.samples[i]
		if s.at.After(crash) {
			break
		}
		if !s.at.After(crash.Add(-window)) {
			base = s
		}
		last = s
	}
	if last == nil {
		return f
	}
	f.delayedFrom, f.delayedTo, f.delayedKnown = base.delayedFsync, last.delayedFsync, true
	f.pendingFsync, f.aofBuffer = last.pendingFsync, last.aofBuffer
	f.lastSave, f.bgsaveSec = last.lastSave, last.bgsaveSec
	return f
}

// ErrNotRestarted is wrapped by the error of a cycle whose server was not
// restarted: the same run_id answered after the restart, or a server that
// had been up for longer than the restart took.
var ErrNotRestarted = errors.New("the server was not restarted")

// proveRestart compares the server before and after the restart: a new
// run_id and an uptime no longer than the time since the old one died.
func proveRestart(before, after sample, died time.Time) error {
	if after.runID == before.runID {
		return fmt.Errorf("%w: it answers with the same run_id %s as before and has been up %d s; whatever ran, it restarted nothing, so nothing was tested",
			ErrNotRestarted, before.runID, after.uptime)
	}
	// uptime_in_seconds is whole seconds; allow one for rounding and one
	// for the clocks.
	if limit := int64(after.at.Sub(died).Seconds()) + 2; after.uptime > limit {
		return fmt.Errorf("%w: a server with another run_id (%s, was %s) answers, but it has been up %d s, longer than the %.1f s since the old one died: another server took over (a failover?), this one was not restarted",
			ErrNotRestarted, after.runID, before.runID, after.uptime, after.at.Sub(died).Seconds())
	}
	return nil
}
