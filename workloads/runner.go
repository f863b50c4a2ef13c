package workloads

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// DefaultLateThreshold is how far behind its intended time a send may leave
// before it counts as late.
const DefaultLateThreshold = time.Millisecond

// Options configure Run.
type Options struct {
	// Client is shared by the workers. Its pool must hold at least
	// Spec.Connections connections, and pipelines should use that pool:
	// go-redis 9.23 sends Pipeline() through a separate pool of 10
	// connections by default, dialled on first use, i.e. inside the
	// measurement; set PipelinePoolSize: -1 (rbench run does). Required.
	Client redis.UniversalClient
	// Spec is the workload specification; defaults are applied by Run.
	Spec Spec
	// Meta is copied into the results; the caller fills Tool, Target,
	// Config and Name, Run fills the rest (RunID, Host, times, Workload).
	// default: empty
	Meta results.Meta
	// Progress receives the progress line while a pass runs.
	// default: nil (no progress)
	Progress io.Writer
	// Interactive redraws the progress line in place (a terminal); otherwise
	// one plain line is written every ProgressEvery.
	// default: false
	Interactive bool
	// ProgressEvery is the interval between progress lines.
	// default: 1s when Interactive, else 5s
	ProgressEvery time.Duration
	// Log receives notes (cleaning, setup, warm-up).
	// default: io.Discard
	Log io.Writer
	// LateThreshold: an open-loop send leaving more than this after its
	// intended time counts as late.
	// default: 1ms
	LateThreshold time.Duration
	// KeepKeys leaves the keys a pass wrote; by default they stay too: the
	// keyspace is cleaned before each pass, not after. CleanAfter removes
	// them when the pass ends.
	// default: false
	CleanAfter bool
	// SpinMargin is how long before each due time an open-loop worker
	// stops sleeping and waits actively: zero calibrates it at the start of
	// the run on the machine at hand (about 50 ms of sleeping); a negative
	// value turns the active wait off (sleep only).
	// default: 0 (calibrate)
	SpinMargin time.Duration
	// QueueSamples keeps every sample of a paced writer's queue depth
	// (results.Writer.QueueDepth, 50 ms apart), not only each second's
	// maximum: rbench run --find-max fits the queue's growth to them.
	// default: false
	QueueSamples bool
	// OnMeasure, when set, is called from Run's goroutine as each encoding
	// pass's measured phase starts (start true) and ends (start false), so
	// a caller can observe the server around exactly the measured part
	// (rbench run's server-side view).
	// default: nil
	OnMeasure func(encoding string, start bool)
	// Fleet, with more than one node, runs Spec as that many trading nodes
	// against one Redis at once (rbench run --nodes): each node under its
	// own trader id, with its own client (so its own writer connections),
	// at Spec's rate, ops and keys each; Client is unused. Their measured
	// phases start together, and the results are the fleet's, merged as
	// concurrent load, with each node's writer figures kept apart
	// (results.Writer.PerNode). See fleet.go.
	// default: nil (one node on Client)
	Fleet []FleetNode
	// StartAt, when not zero, is the wall-clock time the first encoding
	// pass's measured phase starts: set-up runs first, the warm-up is timed
	// to end then, and the workers wait for it (several generators started
	// together with --start-at). A pass ready only after StartAt starts at
	// once and the results say how late it was.
	// default: zero (start when ready)
	StartAt time.Time

	// startGate, when set, is called before each pass's measured phase
	// (the fleet's barrier).
	startGate func(ctx context.Context, encoding string) error
	// progressLabel names, in the progress line, whose figures it shows:
	// a fleet's is its first node's (runFleet).
	progressLabel string
}

func (o *Options) onMeasure(encoding string, start bool) {
	if o.OnMeasure != nil {
		o.OnMeasure(encoding, start)
	}
}

// Run executes opts.Spec once per encoding and returns the results. When it
// fails part way (Redis killed, Ctrl-C, a worker error) it returns the
// results gathered so far together with the error, so the caller can still
// save them. A run that completes with failed operations returns its results
// and an error wrapping ErrRunErrors.
func Run(ctx context.Context, opts Options) (*results.Run, error) {
	if len(opts.Fleet) > 1 {
		return runFleet(ctx, opts)
	}
	if len(opts.Fleet) == 1 {
		n := opts.Fleet[0]
		opts.Client, opts.Spec.TraderID, opts.Fleet = n.Client, n.TraderID, nil
		opts.Spec.Seed = opts.Spec.WithDefaults().Seed + int64(n.Index)
	}
	if opts.Client == nil {
		return nil, fmt.Errorf("%w: no redis client", ErrBadSpec)
	}
	spec := opts.Spec
	if spec.Connections == 0 {
		if d, err := Lookup(spec.WithDefaults().Workload); err == nil && d.Connections > 0 {
			spec.Connections = d.Connections
		}
	}
	spec = spec.WithDefaults()
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	def, err := Lookup(spec.Workload)
	if err != nil {
		return nil, err
	}
	encodings := spec.Encodings
	if len(encodings) == 0 {
		if len(def.Encodings) > 0 {
			encodings = def.Encodings[:1]
		} else {
			encodings = []string{"raw"}
		}
	}
	for _, e := range encodings {
		if !supports(def, e) {
			return nil, fmt.Errorf("%w: encoding %q: workload %s supports %v", ErrBadSpec, e, def.Name, encodingsOf(def))
		}
	}
	spec.Encodings = encodings
	pacer, _ := spec.Pacer()
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.LateThreshold <= 0 {
		opts.LateThreshold = DefaultLateThreshold
	}
	if opts.ProgressEvery <= 0 {
		opts.ProgressEvery = 5 * time.Second
		if opts.Interactive {
			opts.ProgressEvery = time.Second
		}
	}
	// Validate before touching Redis: a bad spec fails fast.
	probe, err := def.Build(&spec)
	if err != nil {
		return nil, err
	}
	var warnings []string
	if len(def.Encodings) > 0 {
		// The node options as the scenario writes them (Build refused
		// those it cannot), with the instance id the keys will carry.
		spec.Node, warnings, _ = modelled(spec.Node)
		warnings = append(warnings, flavourWarnings(&spec)...)
		if spec.Node.UseInstanceID {
			spec.Node.InstanceID = spec.Layout().InstanceID
		}
	}
	warm := spec.Connections
	client := "" // a connectionOwner's effective client, for the results
	if o, ok := probe.(connectionOwner); ok {
		client = ClientGoRedis
		if o.OwnsConnections(opts.Client) {
			warm, client = 1, ClientDirect // one for Setup
		}
	}

	meta := opts.Meta
	meta.Start = time.Now()
	if meta.RunID == "" {
		meta.RunID = meta.Start.UTC().Format("20060102T150405.000Z")
	}
	if meta.Name == "" {
		meta.Name = spec.Workload
	}
	if meta.Host.OS == "" {
		meta.Host = results.HostInfo()
	}
	if meta.Tool.GoVersion == "" {
		meta.Tool.GoVersion = runtime.Version()
	}
	meta.WarmupSec = time.Duration(spec.Warmup).Seconds()
	meta.Workload = workloadMeta(spec, pacer)
	if len(def.Encodings) > 0 {
		meta.Workload.Node = NodeMeta(spec.Node, spec.Layout().Prefix())
	}
	if client != "" {
		meta.Workload.Params[ParamClient] = client
	}
	if def.UntilDone && spec.Ops == 0 {
		meta.Workload.DurationSec = 0 // it ran until its dataset was written
	}
	run := results.NewRun(meta)
	run.Warnings = append(run.Warnings, warnings...)

	if err := warmPool(ctx, opts.Client, warm, spec.Pipeline > 1); err != nil {
		run.Meta.End = time.Now()
		return run, fmt.Errorf("warming %d connections: %w", warm, classifyFatal(err))
	}
	var margin time.Duration
	if pacer != nil {
		switch {
		case opts.SpinMargin > 0:
			margin = opts.SpinMargin
		case opts.SpinMargin == 0:
			margin = calibrateMargin()
			fmt.Fprintf(opts.Log, "rbench: open-loop senders wait actively for the last %s before each due time (calibrated)\n", margin.Round(time.Microsecond))
		}
	}
	var runErr error
	for i, enc := range encodings {
		p := &pass{opts: &opts, spec: &spec, def: def, encoding: enc, pacer: pacer, margin: margin, first: i == 0}
		res, err := p.run(ctx)
		run.Warnings = append(run.Warnings, p.notes...)
		if err != nil && res != nil && res.pacing != nil {
			res.pacing.Stopped = err.Error()
		}
		if res != nil {
			run.Ops = append(run.Ops, res.ops...)
			if res.pacing != nil {
				run.Pacing = append(run.Pacing, *res.pacing)
			}
			if res.writer != nil {
				run.Writer = append(run.Writer, *res.writer)
			}
			if res.startup != nil {
				run.Startup = append(run.Startup, *res.startup)
			}
			run.Startup = append(run.Startup, res.moreStartup...)
			addErrors(&run.Errors, res.errors)
			run.Meta.MeasuredSec += res.measured.Seconds()
			if run.Meta.MeasuredStart.IsZero() {
				run.Meta.MeasuredStart = res.start
			}
			run.Meta.MeasuredEnd = res.end
		}
		if err != nil {
			runErr = fmt.Errorf("encoding %s: %w", enc, err)
			run.Warnings = append(run.Warnings, fmt.Sprintf("run stopped during the %s pass: %v; results are partial", enc, err))
			break
		}
	}
	run.Meta.End = time.Now()
	results.Assess(run, time.Duration(spec.TargetP99))
	if runErr == nil {
		if n := totalErrors(run.Errors); n > 0 {
			runErr = fmt.Errorf("%w: %d operations failed (timeout %d, connection %d, server %d, decode %d, other %d)",
				ErrRunErrors, n, run.Errors.Timeout, run.Errors.Connection, run.Errors.Server, run.Errors.Decode, run.Errors.Other)
		}
	}
	return run, runErr
}

func supports(def Definition, enc string) bool {
	for _, e := range encodingsOf(def) {
		if e == enc {
			return true
		}
	}
	return false
}

func encodingsOf(def Definition) []string {
	if len(def.Encodings) == 0 {
		return []string{"raw"}
	}
	return def.Encodings
}

func workloadMeta(s Spec, p Pacer) results.Workload {
	w := results.Workload{
		Name:             s.Workload,
		Seed:             s.Seed,
		Connections:      s.Connections,
		Pipeline:         s.Pipeline,
		Ops:              s.Ops,
		WarmupSec:        time.Duration(s.Warmup).Seconds(),
		Keys:             s.Keys,
		Encodings:        s.Encodings,
		ReadRatio:        *s.ReadRatio,
		BufferIntervalMS: int(s.Node.BufferInterval / time.Millisecond),
		Distribution:     s.Distribution,
		Drain:            s.Drain && p != nil,
		Params:           map[string]any{},
	}
	if s.Ops == 0 {
		w.DurationSec = time.Duration(s.Duration).Seconds()
	}
	if p != nil {
		w.Rate = p.Rate(0)
		w.Pacer = pacerString(p)
	}
	if s.OpsMix != "" {
		w.Params["ops_mix"] = s.OpsMix
	}
	if s.ValueSize != 0 {
		w.Params["value_size"] = s.ValueSize
	}
	if s.Threads > 0 {
		w.Params["threads"] = s.Threads
	}
	w.Params["trader_id"] = s.TraderID
	w.Params["target_p99"] = time.Duration(s.TargetP99).String()
	for k, v := range s.Params {
		w.Params[k] = v
	}
	return w
}

func addErrors(dst *results.ErrorCounts, e results.ErrorCounts) {
	dst.Timeout += e.Timeout
	dst.Connection += e.Connection
	dst.Server += e.Server
	dst.Decode += e.Decode
	dst.Other += e.Other
}

func totalErrors(e results.ErrorCounts) int64 {
	return e.Timeout + e.Connection + e.Server + e.Decode + e.Other
}

// classifyFatal marks connection-class errors with ErrConnectionLost.
func classifyFatal(err error) error {
	if err != nil && Classify(err) == ClassConnection && !errors.Is(err, ErrConnectionLost) {
		return fmt.Errorf("%w: %w", ErrConnectionLost, err)
	}
	return err
}

// connectionOwner is implemented by a workload whose workers bring their
// own connections (raw's direct client, opened in Setup): the engine then
// warms one go-redis connection, for Setup, instead of one per worker that
// would sit idle and show up in the server's client count.
type connectionOwner interface {
	OwnsConnections(client redis.UniversalClient) bool
}

// warmPool opens n connections before anything is timed: the first command
// on a new go-redis connection also pays for the dial and the HELLO
// handshake, which would otherwise land in the first measured latencies.
func warmPool(ctx context.Context, c redis.UniversalClient, n int, pipelined bool) error {
	if pipelined {
		// Best effort for clients with go-redis's dedicated pipeline pool:
		// concurrent pipelines dial its connections now rather than in the
		// first measured second. (With PipelinePoolSize -1 pipelines use the
		// main pool, warmed below.)
		if err := concurrently(n, func() error {
			p := c.Pipeline()
			p.Ping(ctx)
			_, err := p.Exec(ctx)
			return err
		}); err != nil {
			return err
		}
	}
	if cl, ok := c.(*redis.Client); ok {
		// A Conn holds one pooled connection until Close, so n Conns are
		// n distinct connections.
		conns := make([]*redis.Conn, 0, n)
		defer func() {
			for _, cn := range conns {
				_ = cn.Close()
			}
		}()
		for i := 0; i < n; i++ {
			cn := cl.Conn()
			conns = append(conns, cn)
			if err := cn.Ping(ctx).Err(); err != nil {
				return err
			}
		}
		return nil
	}
	// Cluster and other clients: concurrent pings open connections too.
	return concurrently(n, func() error { return c.Ping(ctx).Err() })
}

// concurrently runs f in n goroutines released together, three rounds.
func concurrently(n int, f func() error) error {
	errs := make([]error, n)
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-gate
				errs[i] = f()
			}(i)
		}
		close(gate)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	return nil
}

// passResult is one encoding pass's outcome.
type passResult struct {
	ops     []results.Op
	pacing  *results.Pacing
	startup *results.StartupLoad
	writer  *results.Writer
	// moreStartup are further startup loads of a StartupLoads workload.
	moreStartup []results.StartupLoad
	errors      results.ErrorCounts
	measured    time.Duration
	start, end  time.Time // the measured phase, wall clock
}

// pass runs the workload under one encoding.
type pass struct {
	opts     *Options
	spec     *Spec
	def      Definition
	encoding string
	pacer    Pacer
	prefix   string
	margin   time.Duration // the senders' active wait
	// first is the run's first pass, the one Options.StartAt times.
	first bool
	// notes are warnings for the results (a late start).
	notes []string
}

func (p *pass) run(ctx context.Context) (*passResult, error) {
	// Every encoding writes under the run's one trader key, as a node
	// does; passes go one after another, each on a clean keyspace.
	layout := p.spec.Layout()
	p.prefix = layout.Prefix()
	log := p.opts.Log
	n, err := keyspace.CleanPrefix(ctx, p.opts.Client, p.prefix+":")
	if err != nil {
		return nil, fmt.Errorf("cleaning %s:*: %w", p.prefix, classifyFatal(err))
	}
	if n > 0 {
		fmt.Fprintf(log, "[%s] removed %d keys left under %s:*\n", p.encoding, n, p.prefix)
	}
	wl, err := p.def.New(p.spec)
	if err != nil {
		return nil, err
	}
	kinds := wl.OpKinds()
	env := &Env{
		Client:      p.opts.Client,
		Prefix:      p.prefix,
		Layout:      layout,
		Node:        p.spec.Node,
		TraderID:    p.spec.TraderID,
		Encoding:    p.encoding,
		Spec:        p.spec,
		Seed:        p.spec.Seed,
		Connections: p.spec.Connections,
		Pipeline:    p.spec.Pipeline,
		Log:         log,
	}
	if c, ok := wl.(io.Closer); ok {
		defer c.Close()
	}
	setupStart := time.Now()
	if err := wl.Setup(ctx, env); err != nil {
		return nil, fmt.Errorf("setting up %s: %w", wl.Name(), classifyFatal(err))
	}
	fmt.Fprintf(log, "[%s] setup took %s\n", p.encoding, time.Since(setupStart).Round(time.Millisecond))
	if p.def.UntilDone {
		// Warm-up would consume the stream the measured phase writes.
		p.spec.Warmup = 0
	}
	if p.opts.CleanAfter {
		defer func() {
			if _, err := keyspace.CleanPrefix(context.WithoutCancel(ctx), p.opts.Client, p.prefix+":"); err != nil {
				fmt.Fprintf(log, "[%s] cleaning after the pass: %v\n", p.encoding, err)
			}
		}()
	}
	if one, ok := wl.(OneShot); ok {
		return p.runOneShot(ctx, env, one, kinds)
	}

	workers := make([]Worker, p.spec.Connections)
	for i := range workers {
		workers[i] = wl.NewWorker(i)
	}
	if w := time.Duration(p.spec.Warmup); w > 0 {
		if err := p.waitStart(ctx, w); err != nil {
			return nil, err
		}
		wp := p.pacer
		if wp != nil && wp.Rate(0) > 0 {
			wp = ConstantPacer{Freq: wp.Rate(0)}
		}
		fmt.Fprintf(log, "[%s] warming up for %s (not recorded)\n", p.encoding, w)
		ph := newPhase(p, kinds, wp, w, 0, false)
		if _, err := ph.run(ctx, workers); err != nil {
			return nil, fmt.Errorf("warm-up: %w", err)
		}
	}
	dur := time.Duration(p.spec.Duration)
	if p.def.UntilDone {
		dur = untilDone
	}
	ph := newPhase(p, kinds, p.pacer, dur, p.spec.Ops, true)
	if err := p.beforeMeasure(ctx); err != nil {
		return nil, err
	}
	p.opts.onMeasure(p.encoding, true)
	measured, err := ph.run(ctx, workers)
	p.opts.onMeasure(p.encoding, false)
	res, berr := ph.results(measured)
	return res, errors.Join(err, berr)
}

func (p *pass) runOneShot(ctx context.Context, env *Env, one OneShot, kinds []OpKind) (*passResult, error) {
	ph := newPhase(p, kinds, nil, 0, 0, true)
	if err := p.beforeMeasure(ctx); err != nil {
		return nil, err
	}
	p.opts.onMeasure(p.encoding, true)
	defer p.opts.onMeasure(p.encoding, false)
	cpu0 := processCPU()
	ph.start = time.Now()
	env.newRecorder = ph.addRecorder
	col := newCollector(ph, p)
	stop := col.start(ctx)
	rec := env.NewRecorder()
	sl, err := one.Run(ctx, env, rec)
	ph.end = time.Now()
	ph.cpu = processCPU() - cpu0
	measured := ph.end.Sub(ph.start)
	for _, r := range ph.recorders() {
		r.close()
	}
	stop()
	sl.Encoding = p.encoding
	res, berr := ph.results(measured)
	if res != nil {
		res.startup = &sl
		if m, ok := one.(StartupLoads); ok {
			res.moreStartup = m.MoreStartupLoads()
		}
	}
	return res, errors.Join(classifyFatal(err), berr)
}

// untilDone is the measured phase's length for UntilDone workloads: longer
// than any dataset takes to write.
const untilDone = 100 * 365 * 24 * time.Hour
