// Package serverview records what Redis itself saw during a run: INFO
// sampled once a second, the server-side latency of each command (Redis 7's
// LATENCY HISTOGRAM at the end minus at the start), the slow log entries of
// the run and MEMORY USAGE on a sample of keys per collection.
//
// Managed Redis services often disable LATENCY, SLOWLOG, MEMORY or even
// INFO sections. A refused command is recorded in ServerView.Unavailable and
// the rest carries on; nothing here fails a run.
//
// The Sampler never resets anything on the server (no SLOWLOG RESET, no
// CONFIG RESETSTAT): it works from differences, so it is safe against a
// server rbench did not start.
package serverview

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/internal/info"
	"github.com/rbench/rbench/results"
)

// Defaults of Options.
const (
	DefaultInterval                = time.Second
	DefaultMemoryKeysPerCollection = 200
	DefaultMemoryMaxScan           = 200_000
	DefaultTimeout                 = 5 * time.Second
	DefaultSlowlogMax              = 1024
)

// Options configure a Sampler. The zero value samples INFO every second,
// keeps the server-side latency of every command that ran (except the
// sampler's own) and measures no MEMORY USAGE.
type Options struct {
	// Interval between INFO samples.
	// default: 1s
	Interval time.Duration
	// Commands limits LATENCY HISTOGRAM to these commands (Redis names,
	// case-insensitive, subcommands as "config|get").
	// default: every command that ran, minus the sampler's own (info,
	// latency|histogram, slowlog|get) and connection set-up (hello,
	// client|setinfo, client|setname)
	Commands []string
	// Memory lists the key prefixes (one per encoding) whose collections
	// get MEMORY USAGE at Stop.
	// default: none
	Memory []MemoryTarget
	// MemoryKeysPerCollection caps the keys measured per collection.
	// default: 200
	MemoryKeysPerCollection int
	// MemoryMaxScan caps the keys SCAN visits per prefix, so a huge keyspace
	// does not stall Stop.
	// default: 200000
	MemoryMaxScan int
	// MemorySamples is MEMORY USAGE's SAMPLES argument: how many elements of
	// a list, set or hash Redis looks at to estimate its size; 0 measures
	// every element (exact, slower on long lists).
	// default: 0 (exact)
	MemorySamples int
	// SlowlogMax caps the slow log entries read at Stop.
	// default: 1024
	SlowlogMax int
	// Timeout bounds each command the sampler sends.
	// default: 5s
	Timeout time.Duration
}

// MemoryTarget is one key prefix to sample, with the encoding of the values
// under it. Collections are the key segment after the prefix:
// "trader-RBENCH-001:msgpack:orders:O-1" is collection "orders" under prefix
// "trader-RBENCH-001:msgpack:".
type MemoryTarget struct {
	// Prefix ends with the delimiter, e.g. "trader-RBENCH-001:"; one is
	// added when missing.
	Prefix   string
	Encoding string
}

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.MemoryKeysPerCollection <= 0 {
		o.MemoryKeysPerCollection = DefaultMemoryKeysPerCollection
	}
	if o.MemoryMaxScan <= 0 {
		o.MemoryMaxScan = DefaultMemoryMaxScan
	}
	if o.SlowlogMax <= 0 {
		o.SlowlogMax = DefaultSlowlogMax
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

// ownCommands are left out of the default latency view: they are the
// sampler's own traffic or connection set-up, not the workload.
var ownCommands = map[string]bool{
	"info": true, "latency|histogram": true, "slowlog|get": true,
	"hello": true, "client|setinfo": true, "client|setname": true,
}

// Sampler records the server-side view of one run. Start it before the
// workload, call Measure when the measured part begins (after warm-up) and
// Stop at the end. Its methods are safe for concurrent use.
type Sampler struct {
	opts   Options
	client redis.UniversalClient
	owned  bool // client was cloned by Start and is closed by Stop

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu          sync.Mutex
	view        results.ServerView
	measureFrom time.Time
	latStart    map[string]CommandHistogram
	slowStartID int64 // highest slow log id before the run; -1 when empty
	refused     map[string]bool
	warned      map[string]bool
	stopped     bool

	// children sample the primaries of a cluster (cluster.go).
	children []*Sampler
}

// Start takes the start-of-run baselines (LATENCY HISTOGRAM, the newest
// slow log id) and then samples INFO every Interval until Stop or ctx ends.
//
// When client is a *redis.Client, the sampler opens its own one-connection
// client with the same options, so its commands never wait behind, or take
// a connection from, the workers' pool. A *redis.ClusterClient gets one
// such sampler per primary, merged into one view (cluster.go). Other
// clients are used as given (a dedicated client is the caller's job) and
// never closed.
func Start(ctx context.Context, client redis.UniversalClient, opts Options) *Sampler {
	opts = opts.withDefaults()
	if cc, ok := client.(*redis.ClusterClient); ok {
		return startCluster(ctx, cc, opts)
	}
	s := &Sampler{
		opts:        opts,
		client:      client,
		done:        make(chan struct{}),
		refused:     map[string]bool{},
		warned:      map[string]bool{},
		slowStartID: -1,
	}
	if c, ok := client.(*redis.Client); ok {
		s.client = connect.Sibling(c, "rbench-serverview")
		s.owned = true
	}
	s.view.IntervalSec = opts.Interval.Seconds()
	s.ctx, s.cancel = context.WithCancel(ctx)
	s.measureFrom = time.Now()
	s.baseline(s.ctx)
	go s.loop()
	return s
}

// Measure marks the start of the measured part of the run: T counts from
// now, and the latency histogram and slow log baselines are taken again so
// warm-up traffic is left out.
func (s *Sampler) Measure() {
	if s.children != nil {
		for _, c := range s.children {
			c.Measure()
		}
		return
	}
	s.mu.Lock()
	now := time.Now()
	shift := now.Sub(s.measureFrom).Seconds()
	s.measureFrom = now
	for i := range s.view.Series {
		// Samples already taken belong to the warm-up: T below zero.
		s.view.Series[i].T -= shift
	}
	for i := range s.view.Passes {
		s.view.Passes[i].StartSec -= shift
		s.view.Passes[i].EndSec -= shift
	}
	s.mu.Unlock()
	s.baseline(s.ctx)
}

// Pass records the start (start true) or the end of an encoding pass's
// measured phase on the samples' clock, so a reader can tell the passes of
// one run apart. Call it after Measure for the first pass.
func (s *Sampler) Pass(encoding string, start bool) {
	if s.children != nil {
		for _, c := range s.children {
			c.Pass(encoding, start)
		}
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := time.Since(s.measureFrom).Seconds()
	if start {
		s.view.Passes = append(s.view.Passes, results.ServerPass{Encoding: encoding, StartSec: t, EndSec: t})
		return
	}
	for i := len(s.view.Passes) - 1; i >= 0; i-- {
		if s.view.Passes[i].Encoding == encoding {
			s.view.Passes[i].EndSec = t
			return
		}
	}
}

// Stop ends sampling, takes the end-of-run LATENCY HISTOGRAM, slow log and
// MEMORY USAGE, and returns the view. Those end-of-run commands run even
// when the context given to Start was cancelled (a Ctrl-C still gets its
// server view), each bounded by Options.Timeout. Calling Stop again returns
// the same view.
func (s *Sampler) Stop() results.ServerView {
	s.mu.Lock()
	if s.stopped {
		v := s.view
		s.mu.Unlock()
		return v
	}
	s.stopped = true
	s.mu.Unlock()
	s.cancel()
	<-s.done
	ctx := context.WithoutCancel(s.ctx)
	if s.children != nil {
		s.stopCluster()
		s.memory(ctx)
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.view
	}
	// Order matters: the latency histogram comes first so the SCAN and
	// MEMORY USAGE below never count as workload commands.
	s.endLatency(ctx)
	s.endSlowlog(ctx)
	s.memory(ctx)
	if s.owned {
		_ = s.client.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.view
}

func (s *Sampler) loop() {
	defer close(s.done)
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	s.sample(s.ctx)
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.sample(s.ctx)
		}
	}
}

func (s *Sampler) sample(ctx context.Context) {
	if s.isRefused("INFO") {
		return
	}
	now := time.Now()
	cctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	// Plain INFO (the default sections) rather than a list of sections:
	// Redis before 7 takes one section only, and a few KB a second is free.
	txt, err := s.client.Info(cctx).Result()
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return // stopping
		}
		s.failed("INFO", err)
		return
	}
	sec := ParseInfo(txt)
	s.mu.Lock()
	defer s.mu.Unlock()
	sec.T = now.Sub(s.measureFrom).Seconds()
	if n := len(s.view.Series); n > 0 {
		prev := s.view.Series[n-1]
		if dt := sec.T - prev.T; dt > 0 && sec.TotalCommands >= prev.TotalCommands {
			sec.CommandsPerSec = float64(sec.TotalCommands-prev.TotalCommands) / dt
		}
	}
	s.view.Series = append(s.view.Series, sec)
}

func (s *Sampler) baseline(ctx context.Context) {
	if h, ok := s.latency(ctx); ok {
		s.mu.Lock()
		s.latStart = h
		s.mu.Unlock()
	}
	if !s.isRefused("SLOWLOG") {
		cctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
		entries, err := s.client.SlowLogGet(cctx, 1).Result()
		cancel()
		if err != nil {
			s.failed("SLOWLOG", err)
		} else {
			s.mu.Lock()
			s.slowStartID = -1
			if len(entries) > 0 {
				s.slowStartID = entries[0].ID
			}
			s.mu.Unlock()
		}
	}
}

func (s *Sampler) latency(ctx context.Context) (map[string]CommandHistogram, bool) {
	if s.isRefused("LATENCY") {
		return nil, false
	}
	args := []any{"LATENCY", "HISTOGRAM"}
	for _, c := range s.opts.Commands {
		args = append(args, strings.ToLower(c))
	}
	cctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	reply, err := s.client.Do(cctx, args...).Result()
	cancel()
	if err != nil {
		s.failed("LATENCY", err)
		return nil, false
	}
	h, err := ParseLatencyHistogram(reply)
	if err != nil {
		s.warn("LATENCY HISTOGRAM reply: " + err.Error())
		return nil, false
	}
	return h, true
}

func (s *Sampler) endLatency(ctx context.Context) {
	s.mu.Lock()
	start := s.latStart
	s.mu.Unlock()
	if start == nil {
		return // refused or failed at the start: a difference would be the server's lifetime
	}
	end, ok := s.latency(ctx)
	if !ok {
		return
	}
	lat, reset := Difference(start, end)
	out := lat[:0]
	for _, l := range lat {
		if len(s.opts.Commands) == 0 && ownCommands[l.Command] {
			continue
		}
		out = append(out, l)
	}
	s.mu.Lock()
	s.view.Latency = out
	s.mu.Unlock()
	if reset {
		s.warn("LATENCY HISTOGRAM: the server's latency statistics went backwards during the run (CONFIG RESETSTAT or a restart); the per-command figures cover only part of it")
	}
}

func (s *Sampler) endSlowlog(ctx context.Context) {
	if s.isRefused("SLOWLOG") {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	entries, err := s.client.SlowLogGet(cctx, int64(s.opts.SlowlogMax)).Result()
	cancel()
	if err != nil {
		s.failed("SLOWLOG", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kept, missed := slowlogSince(entries, s.slowStartID)
	s.view.Slowlog = kept
	s.view.SlowlogMissed = missed
}

// slowlogSince keeps the entries newer than startID, oldest first, and
// counts the ids between startID and the oldest kept entry that are gone.
func slowlogSince(entries []redis.SlowLog, startID int64) ([]results.SlowlogEntry, int64) {
	var kept []results.SlowlogEntry
	oldest := int64(-1)
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.ID <= startID {
			continue
		}
		if oldest < 0 || e.ID < oldest {
			oldest = e.ID
		}
		kept = append(kept, results.SlowlogEntry{
			ID:         e.ID,
			Time:       e.Time.Unix(),
			DurationUs: e.Duration.Microseconds(),
			Args:       e.Args,
			ClientAddr: e.ClientAddr,
			ClientName: e.ClientName,
		})
	}
	var missed int64
	if oldest > startID+1 {
		missed = oldest - startID - 1
	}
	return kept, missed
}

// isRefused reports whether the server already refused cmd.
func (s *Sampler) isRefused(cmd string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused[cmd]
}

// failed records err from cmd: a server error reply means the command is
// unavailable (renamed, disabled, no ACL permission) and it is not sent
// again; anything else (a timeout, a lost connection) is a warning.
func (s *Sampler) failed(cmd string, err error) {
	var rerr redis.Error
	if errors.As(err, &rerr) && !errors.Is(err, redis.Nil) {
		s.mu.Lock()
		if !s.refused[cmd] {
			s.refused[cmd] = true
			s.view.Unavailable = append(s.view.Unavailable, cmd+": "+err.Error())
		}
		s.mu.Unlock()
		return
	}
	s.warn(cmd + ": " + err.Error())
}

func (s *Sampler) warn(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.warned[msg] {
		return
	}
	s.warned[msg] = true
	s.view.Warnings = append(s.view.Warnings, msg)
}

// ParseInfo reads the fields the server view keeps from an INFO reply
// (parsed by internal/info). Missing or malformed fields stay zero.
func ParseInfo(txt string) results.ServerSecond {
	m := info.Parse(txt)
	i := func(k string) int64 { n, _ := info.Int64(m, k); return n }
	sec := results.ServerSecond{
		UsedMemory:           i("used_memory"),
		UsedMemoryRSS:        i("used_memory_rss"),
		OpsPerSec:            i("instantaneous_ops_per_sec"),
		TotalCommands:        i("total_commands_processed"),
		ConnectedClients:     i("connected_clients"),
		AOFSize:              i("aof_current_size"),
		ClientMemory:         i("mem_clients_normal"),
		AOFBuffer:            i("aof_buffer_length"),
		AOFBaseSize:          i("aof_base_size"),
		AOFRewriteInProgress: m["aof_rewrite_in_progress"] == "1",
		AOFLastRewriteStatus: m["aof_last_bgrewrite_status"],
		EvictedKeys:          i("evicted_keys"),
		RejectedConnections:  i("rejected_connections"),
		CowBytes:             i("current_cow_size"),
		AOFLastCowBytes:      i("aof_last_cow_size"),
		LatestForkUs:         i("latest_fork_usec"),
	}
	if f, err := strconv.ParseFloat(m["mem_fragmentation_ratio"], 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		sec.Fragmentation = f
	}
	for k, v := range m {
		db, ok := strings.CutPrefix(k, "db")
		if !ok || db == "" || strings.Trim(db, "0123456789") != "" || len(db) > 5 {
			continue
		}
		for kv := range strings.SplitSeq(v, ",") {
			if n, ok := strings.CutPrefix(kv, "keys="); ok {
				if keys, err := strconv.ParseInt(n, 10, 64); err == nil && keys >= 0 {
					if sec.Keys == nil {
						sec.Keys = map[string]int64{}
					}
					sec.Keys[k] = keys
				}
			}
		}
	}
	return sec
}

// errFormat marks a reply whose shape is not what Redis 7 sends.
var errFormat = errors.New("unexpected reply shape")

func formatErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errFormat}, a...)...)
}
