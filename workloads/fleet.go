package workloads

// A fleet of trading nodes against one Redis (rbench run --nodes N): N
// nodes run the same spec at once, each under its own trader id (so its own
// keys, cleaned before and after like a single node's) and with its own
// client, i.e. its own writer connections, at the spec's rate each. They
// are N runs of the engine side by side whose measured phases start
// together (a barrier per encoding pass), merged into one run as concurrent
// load: the ops' histograms merge and rates add; each node's writer
// figures stay apart (results.Writer.PerNode) beside the fleet's, so an
// operator reads how far each node's writer falls behind as the fleet
// grows.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// MaxNodes bounds a fleet: each node is a set of goroutines, histograms and
// connections in this one process.
const MaxNodes = 1000

// FleetNode is one node of a fleet.
type FleetNode struct {
	// TraderID is the node's trader id, its key prefix trader-{TraderID}.
	TraderID string
	// Client is the node's own client; its pool must hold the spec's
	// connections (see Options.Client).
	Client redis.UniversalClient
	// Index is the node's number in the whole fleet, from 0 (a generator
	// of several runs a part of it): its scenario seed is Spec.Seed + Index,
	// so the nodes' streams differ and every fleet reproduces.
	Index int
}

// FleetTraderIDs derives the trader ids of n nodes from base, starting with
// node first (0 for the first): a base ending in digits counts on from its
// number at the same width (RBENCH-001, RBENCH-002, ...; RBENCH-009 is
// followed by RBENCH-010), any other base gets a three-digit suffix
// (ALPHA-001, ALPHA-002, ...). One node at first 0 keeps base as it is.
// The ids are checked by the one trader-id rule (Spec.Validate).
func FleetTraderIDs(base string, n, first int) []string {
	if n == 1 && first == 0 {
		return []string{base}
	}
	stem, digits := base, ""
	for i := len(base); i > 0 && base[i-1] >= '0' && base[i-1] <= '9'; i-- {
		stem, digits = base[:i-1], base[i-1:]
	}
	start, width := int64(1), 3
	if digits != "" {
		v, err := strconv.ParseInt(digits, 10, 64)
		if err == nil && v < 1<<40 {
			start, width = v, len(digits)
		} else {
			stem, digits = base+"-", ""
		}
	} else {
		stem += "-"
	}
	ids := make([]string, n)
	for k := range ids {
		num := strconv.FormatInt(start+int64(first+k), 10)
		if pad := width - len(num); pad > 0 {
			num = strings.Repeat("0", pad) + num
		}
		ids[k] = stem + num
	}
	return ids
}

// startBarrier holds the nodes of a fleet until every one of them is ready
// to start an encoding pass's measured phase.
type startBarrier struct {
	n      int
	mu     sync.Mutex
	rounds map[string]*barrierRound
}

type barrierRound struct {
	arrived int
	open    chan struct{}
}

func newStartBarrier(n int) *startBarrier {
	return &startBarrier{n: n, rounds: map[string]*barrierRound{}}
}

func (b *startBarrier) wait(ctx context.Context, encoding string) error {
	b.mu.Lock()
	r := b.rounds[encoding]
	if r == nil {
		r = &barrierRound{open: make(chan struct{})}
		b.rounds[encoding] = r
	}
	r.arrived++
	if r.arrived == b.n {
		close(r.open)
	}
	b.mu.Unlock()
	select {
	case <-r.open:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// measureHooks calls the caller's OnMeasure once per encoding for the whole
// fleet: at the first node's start and at the last node's end. A node's end
// also waits for the others' (or the fleet's stop), so that no node cleans
// its keys (Options.CleanAfter) before the caller has seen the server with
// every node's keys at the end of the measured phase.
type measureHooks struct {
	ctx    context.Context
	f      func(encoding string, start bool)
	n      int
	mu     sync.Mutex
	starts map[string]int
	ends   map[string]int
	ended  map[string]chan struct{}
}

func newMeasureHooks(ctx context.Context, f func(string, bool), n int) *measureHooks {
	return &measureHooks{ctx: ctx, f: f, n: n, starts: map[string]int{}, ends: map[string]int{}, ended: map[string]chan struct{}{}}
}

func (h *measureHooks) on(encoding string, start bool) {
	h.mu.Lock()
	if start {
		h.starts[encoding]++
		if h.starts[encoding] == 1 && h.f != nil {
			h.f(encoding, true)
		}
		h.mu.Unlock()
		return
	}
	done := h.ended[encoding]
	if done == nil {
		done = make(chan struct{})
		h.ended[encoding] = done
	}
	h.ends[encoding]++
	if h.ends[encoding] == h.n {
		if h.f != nil {
			h.f(encoding, false)
		}
		close(done)
	}
	h.mu.Unlock()
	select {
	case <-done:
	case <-h.ctx.Done():
	}
}

// runFleet is Run for opts.Fleet.
func runFleet(ctx context.Context, opts Options) (*results.Run, error) {
	spec := opts.Spec.WithDefaults()
	def, err := Lookup(spec.Workload)
	if err != nil {
		return nil, err
	}
	nodes := opts.Fleet
	var errs []error
	if len(def.Encodings) == 0 {
		errs = append(errs, fmt.Errorf("%w: nodes %d: workload %s models no trading node; a fleet runs the trading workloads (%s)", ErrBadSpec, len(nodes), def.Name, strings.Join(tradingWorkloads(), ", ")))
	}
	if len(nodes) > MaxNodes {
		errs = append(errs, fmt.Errorf("%w: nodes %d: want at most %d", ErrBadSpec, len(nodes), MaxNodes))
	}
	conns := spec.Connections
	if conns == 0 {
		conns = max(def.Connections, 1)
	}
	if total := conns * len(nodes); total > 10000 {
		errs = append(errs, fmt.Errorf("%w: nodes %d x connections %d = %d connections: want at most 10000", ErrBadSpec, len(nodes), conns, total))
	}
	seen := map[string]bool{}
	for i, n := range nodes {
		if n.Client == nil {
			errs = append(errs, fmt.Errorf("%w: node %d (%s) has no redis client", ErrBadSpec, i+1, n.TraderID))
		}
		if seen[n.TraderID] {
			errs = append(errs, fmt.Errorf("%w: trader id %s given to two nodes: every node needs its own (its own keys)", ErrBadSpec, n.TraderID))
		}
		seen[n.TraderID] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	meta := opts.Meta
	if meta.RunID == "" {
		meta.RunID = time.Now().UTC().Format("20060102T150405.000Z")
	}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	ids := make([]string, len(nodes))
	for i, n := range nodes {
		ids[i] = n.TraderID
	}
	fmt.Fprintf(log, "fleet: %d nodes (%s), each with its own writer connections at the spec's rate; the progress line is node %s's\n",
		len(nodes), idRange(ids), ids[0])

	if p, _ := spec.Pacer(); p != nil && opts.SpinMargin == 0 {
		// One calibration for the fleet, not one per node at once (which
		// would measure the nodes' calibrations competing for the CPU).
		opts.SpinMargin = calibrateMargin()
		fmt.Fprintf(log, "rbench: open-loop senders wait actively for the last %s before each due time (calibrated)\n", opts.SpinMargin.Round(time.Microsecond))
	}
	fctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	barrier := newStartBarrier(len(nodes))
	hooks := newMeasureHooks(fctx, opts.OnMeasure, len(nodes))
	var logMu sync.Mutex
	runs := make([]*results.Run, len(nodes))
	runErrs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		o := opts
		o.Fleet = nil
		o.Client = n.Client
		o.Spec = opts.Spec
		o.Spec.TraderID = n.TraderID
		o.Spec.Seed = spec.Seed + int64(n.Index)
		o.Meta = meta
		o.OnMeasure = hooks.on
		o.startGate = barrier.wait
		o.Log = &linePrefixer{w: log, mu: &logMu, prefix: "node " + n.TraderID + ": "}
		// One progress line, the first node's figures, labelled so (the
		// fleet's rate would be the sum; its lag the worst node's).
		if i > 0 {
			o.Progress = nil
		}
		o.progressLabel = fmt.Sprintf("node %s, 1 of %d nodes", ids[0], len(nodes))
		wg.Add(1)
		go func(i int, o Options) {
			defer wg.Done()
			runs[i], runErrs[i] = Run(fctx, o)
			if err := runErrs[i]; err != nil && !errors.Is(err, ErrRunErrors) {
				// A node that stopped takes the fleet with it, as a worker
				// takes its run: the others would wait at the next pass.
				cancel(fmt.Errorf("node %s: %w", ids[i], err))
			}
		}(i, o)
	}
	wg.Wait()

	// A node that returned nothing drops out with its id, so that every
	// run that did return keeps its own node's name.
	var got []*results.Run
	var gotIDs []string
	for i, r := range runs {
		if r != nil {
			got = append(got, r)
			gotIDs = append(gotIDs, ids[i])
		}
	}
	var runErr error
	for i, err := range runErrs {
		if err != nil {
			runErr = errors.Join(runErr, fmt.Errorf("node %s: %w", ids[i], err))
		}
	}
	if len(got) == 0 {
		return nil, runErr
	}
	out, err := mergeFleet(got, gotIDs, ids)
	if err != nil {
		return got[0], errors.Join(runErr, err)
	}
	if len(got) < len(nodes) {
		out.Incomplete = append(out.Incomplete, fmt.Sprintf("%d of %d nodes returned no results", len(nodes)-len(got), len(nodes)))
	}
	return out, runErr
}

// mergeFleet merges the nodes' runs into the fleet's: runs[i] is node
// ids[i]'s; fleet names every node of the fleet, including any that
// returned nothing.
func mergeFleet(runs []*results.Run, ids, fleet []string) (*results.Run, error) {
	labels := make([]string, len(runs))
	for i := range runs {
		labels[i] = "node " + ids[i]
	}
	// The nodes ran at the same time by construction (the barrier), so no
	// window test: their load adds up, and their writer figures merge node
	// by node, each entry named by its node's trader id.
	for i, r := range runs {
		for j := range r.Writer {
			r.Writer[j].Node = ids[i]
		}
	}
	out, err := results.MergeWith(results.MergeOptions{As: results.MergeConcurrent, Sources: labels}, runs...)
	if err != nil {
		return nil, err
	}
	// One run, not a merge of files: the workload describes one node.
	first := runs[0].Meta
	out.Meta.RunID, out.Meta.Sources, out.Meta.Merge = first.RunID, nil, ""
	out.Meta.Workload.Connections = first.Workload.Connections
	out.Meta.Workload.Rate = first.Workload.Rate
	out.Meta.Workload.Nodes = len(fleet)
	out.Meta.Workload.TraderIDs = fleet
	return out, nil
}

// idRange names ids shortly: A, B or A .. Z.
func idRange(ids []string) string {
	switch len(ids) {
	case 1:
		return ids[0]
	case 2:
		return ids[0] + ", " + ids[1]
	}
	return ids[0] + " .. " + ids[len(ids)-1]
}

func tradingWorkloads() []string {
	var out []string
	for _, d := range Definitions() {
		if len(d.Encodings) > 0 {
			out = append(out, d.Name)
		}
	}
	return out
}

// linePrefixer writes each line with a prefix, under a lock shared by the
// nodes writing to one log.
type linePrefixer struct {
	w      io.Writer
	mu     *sync.Mutex
	prefix string
	buf    []byte
}

func (l *linePrefixer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		if _, err := fmt.Fprintf(l.w, "%s%s", l.prefix, l.buf[:i+1]); err != nil {
			return len(p), err
		}
		l.buf = l.buf[i+1:]
	}
}
