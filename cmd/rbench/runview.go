package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/results"
	"github.com/rbench/rbench/serverview"
)

// runView records what the server saw during `rbench run`: a
// serverview.Sampler from before the first pass, whose measured clock and
// latency baselines start with the first measured phase and which stops at
// the end of the last one (so neither the warm-up, the set-up of the first
// pass nor the clean-up after the last counts), plus MEMORY USAGE of each
// encoding's keys sampled as its measured phase ends, before the pass
// cleans them away, under every node's prefix (a fleet's nodes each write
// under their own trader id).
type runView struct {
	ctx       context.Context
	client    redis.UniversalClient
	prefixes  []string // each node's key prefix with its ':', e.g. "trader-RBENCH-001:"
	encodings int

	mu       sync.Mutex
	sampler  *serverview.Sampler
	measured bool
	ended    int
	view     *results.ServerView
	memory   []results.MemoryUsage
	refused  []string
	warnings []string
}

func startRunView(ctx context.Context, client redis.UniversalClient, prefixes []string, encodings int) *runView {
	return &runView{
		ctx: ctx, client: client, prefixes: prefixes, encodings: max(1, encodings),
		sampler: serverview.Start(ctx, client, serverview.Options{}),
	}
}

// onMeasure is workloads.Options.OnMeasure.
func (v *runView) onMeasure(encoding string, start bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if start {
		if !v.measured {
			v.measured = true
			v.sampler.Measure()
		}
		v.sampler.Pass(encoding, true)
		return
	}
	v.sampler.Pass(encoding, false)
	v.ended++
	if v.ended >= v.encodings && v.view == nil {
		view := v.sampler.Stop()
		v.view = &view
	}
	// Every encoding writes under each node's prefix, one pass after
	// another: what is there now is this encoding's. A fleet's nodes end
	// their measured phases together and clean only after, so every
	// node's keys are there.
	targets := make([]serverview.MemoryTarget, len(v.prefixes))
	for i, p := range v.prefixes {
		targets[i] = serverview.MemoryTarget{Prefix: p, Encoding: encoding}
	}
	usage, err := serverview.MeasureMemory(context.WithoutCancel(v.ctx), v.client, targets, serverview.Options{})
	v.memory = append(v.memory, usage...)
	if err != nil {
		var rerr redis.Error
		if errors.As(err, &rerr) {
			v.refused = append(v.refused, "MEMORY USAGE: "+rerr.Error())
		} else {
			v.warnings = append(v.warnings, "MEMORY USAGE of "+strings.Join(v.prefixes, "*, ")+"*: "+err.Error())
		}
	}
}

// stop ends sampling (when the last measured phase did not already) and
// returns the view.
func (v *runView) stop() *results.ServerView {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.view == nil {
		view := v.sampler.Stop()
		v.view = &view
	}
	view := v.view
	// MEMORY USAGE between passes is rbench's own traffic, never the
	// workload's.
	view.Latency = slices.DeleteFunc(view.Latency, func(l results.ServerLatency) bool { return l.Command == "memory|usage" })
	view.Memory = append(view.Memory, v.memory...)
	for _, r := range v.refused {
		if !slices.Contains(view.Unavailable, r) {
			view.Unavailable = append(view.Unavailable, r)
		}
	}
	for _, w := range v.warnings {
		if !slices.Contains(view.Warnings, w) {
			view.Warnings = append(view.Warnings, w)
		}
	}
	v.memory, v.refused, v.warnings = nil, nil, nil
	return view
}
