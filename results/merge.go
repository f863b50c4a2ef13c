package results

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// ErrMerge reports runs that cannot be merged without losing or inventing
// data (an op without its histogram, an op in two classes).
var ErrMerge = errors.New("cannot merge runs")

// Merge combines runs made at the same time by several load generators
// against one target into one run. Per op kind and encoding the histograms
// are merged losslessly and every summary is recomputed from the merged
// histogram (percentiles are never averaged); counts, errors, bytes and rates
// are summed. Per-second series are merged by second index, pacing target and
// achieved rates are summed. Meta comes from the first run with Start the
// earliest start, End the latest end and Sources listing the inputs (their
// Sources when already merged, else their RunID or Name); callers that know
// the file names may overwrite Sources.
func Merge(runs ...*Run) (*Run, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("%w: no runs given", ErrMerge)
	}
	// Every input valid and every sum within bounds, checked before adding.
	if err := checkMergeInputs(runs); err != nil {
		return nil, err
	}
	labels := make([]string, len(runs))
	for i, r := range runs {
		labels[i] = fmt.Sprintf("run %d (%s)", i+1, r.Meta.RunID)
	}
	if err := checkShards(runs, labels); err != nil {
		return nil, err
	}
	out := NewRun(runs[0].Meta)
	out.Meta.Config = cloneMap(runs[0].Meta.Config)
	out.Meta.Sources = nil
	out.Meta.Workload.Connections = 0
	out.Meta.Workload.Rate = 0
	for i, r := range runs {
		if r == nil {
			return nil, fmt.Errorf("%w: run %d is nil", ErrMerge, i+1)
		}
		m := r.Meta
		if i > 0 {
			if m.Start.Before(out.Meta.Start) {
				out.Meta.Start = m.Start
			}
			if m.End.After(out.Meta.End) {
				out.Meta.End = m.End
			}
			out.Meta.MeasuredSec = math.Max(out.Meta.MeasuredSec, m.MeasuredSec)
			if m.Workload.Name != runs[0].Meta.Workload.Name {
				out.Warnings = appendUnique(out.Warnings, fmt.Sprintf("merged different workloads: %q and %q", runs[0].Meta.Workload.Name, m.Workload.Name))
			}
			if m.Target.Addr != runs[0].Meta.Target.Addr {
				out.Warnings = appendUnique(out.Warnings, fmt.Sprintf("merged runs against different targets: %s and %s", runs[0].Meta.Target.Addr, m.Target.Addr))
			}
		}
		// Connections and offered load add up across generators.
		out.Meta.Workload.Connections += m.Workload.Connections
		out.Meta.Workload.Rate += m.Workload.Rate
		switch {
		case len(m.Sources) > 0:
			out.Meta.Sources = append(out.Meta.Sources, m.Sources...)
		case m.RunID != "":
			out.Meta.Sources = append(out.Meta.Sources, m.RunID)
		default:
			out.Meta.Sources = append(out.Meta.Sources, fmt.Sprintf("%s#%d", m.Name, i+1))
		}
		out.Errors.add(r.Errors)
		for _, w := range r.Warnings {
			out.Warnings = appendUnique(out.Warnings, w)
		}
		for _, w := range r.Incomplete {
			out.Incomplete = appendUnique(out.Incomplete, w)
		}
	}

	ops, err := mergeOps(runs)
	if err != nil {
		return nil, err
	}
	out.Ops = ops
	if err := applyShards(out, runs); err != nil {
		return nil, err
	}
	out.Pacing = mergePacing(runs)

	// Sections that are not additive: keep every startup replay and recovery
	// cycle, and the first payload table, server view and plan.
	seenPayload := map[[2]string]bool{}
	for _, r := range runs {
		out.Startup = append(out.Startup, r.Startup...)
		for _, p := range r.Payloads {
			k := [2]string{p.Type, p.Encoding}
			if !seenPayload[k] {
				seenPayload[k] = true
				out.Payloads = append(out.Payloads, p)
			}
		}
		if out.Server == nil && r.Server != nil {
			out.Server = r.Server
		}
		if out.Plan == nil && r.Plan != nil {
			out.Plan = r.Plan
		}
		if r.Recovery != nil {
			if out.Recovery == nil {
				rec := *r.Recovery
				rec.Cycles = append([]RecoveryCycle(nil), rec.Cycles...)
				rec.Reasons = append([]string(nil), rec.Reasons...)
				rec.Notes = append([]string(nil), rec.Notes...)
				out.Recovery = &rec
			} else {
				o, in := out.Recovery, r.Recovery
				o.Cycles = append(o.Cycles, in.Cycles...)
				o.Lost += in.Lost
				o.LostUnexplained += in.LostUnexplained
				o.LostWithinWindow += in.LostWithinWindow
				o.Corrupt += in.Corrupt
				o.WrongType += in.WrongType
				o.CyclesPlanned += in.CyclesPlanned
				// An incomplete part makes the whole incomplete.
				o.Verdict = WorseVerdict(o.Verdict, in.Verdict)
				for _, x := range in.Reasons {
					o.Reasons = appendUnique(o.Reasons, x)
				}
				for _, x := range in.Notes {
					o.Notes = appendUnique(o.Notes, x)
				}
			}
		}
	}
	return out, nil
}

type opKey struct{ name, encoding string }

type opAcc struct {
	op                        Op
	service, response         *hdrhistogram.Histogram
	encode, decode            *hdrhistogram.Histogram
	encodeMissing, decodeMiss bool
	series                    map[int]*secAcc
	seriesNoHDR               bool
}

type secAcc struct {
	s Second
	h *hdrhistogram.Histogram
}

func mergeOps(runs []*Run) ([]Op, error) {
	var order []opKey
	accs := map[opKey]*opAcc{}
	for ri, r := range runs {
		for _, op := range r.Ops {
			k := opKey{op.Name, op.Encoding}
			where := fmt.Sprintf("run %d (%s) op %s (%s)", ri+1, r.Meta.RunID, op.Name, op.Encoding)
			if (op.Count > 0 && op.ServiceHDR == "") || (op.Count > 0 && op.ResponseHDR == "") {
				return nil, fmt.Errorf("%w: %s has %d ops but no histogram, so its percentiles cannot be merged", ErrMerge, where, op.Count)
			}
			a := accs[k]
			if a == nil {
				a = &opAcc{
					op:      Op{Name: op.Name, Class: op.Class, Encoding: op.Encoding},
					service: NewHistogram(), response: NewHistogram(),
					series: map[int]*secAcc{},
				}
				accs[k] = a
				order = append(order, k)
			} else if a.op.Class != op.Class {
				return nil, fmt.Errorf("%w: %s is class %q here but %q in an earlier run", ErrMerge, where, op.Class, a.op.Class)
			}
			a.op.Count += op.Count
			a.op.Errors += op.Errors
			a.op.Rate += op.Rate
			a.op.BytesSent += op.BytesSent
			a.op.BytesReceived += op.BytesReceived
			if err := mergeInto(a.service, op.ServiceHDR); err != nil {
				return nil, fmt.Errorf("%s service_hdr: %w", where, err)
			}
			if err := mergeInto(a.response, op.ResponseHDR); err != nil {
				return nil, fmt.Errorf("%s response_hdr: %w", where, err)
			}
			var err error
			if a.encode, a.encodeMissing, err = mergeOptional(a.encode, a.encodeMissing, op.EncodeHist, op.Encode != nil); err != nil {
				return nil, fmt.Errorf("%s encode_hdr: %w", where, err)
			}
			if a.decode, a.decodeMiss, err = mergeOptional(a.decode, a.decodeMiss, op.DecodeHist, op.Decode != nil); err != nil {
				return nil, fmt.Errorf("%s decode_hdr: %w", where, err)
			}
			for _, s := range op.Series {
				sa := a.series[s.T]
				if sa == nil {
					sa = &secAcc{s: Second{T: s.T}, h: NewHistogram()}
					a.series[s.T] = sa
				}
				sa.s.Count += s.Count
				sa.s.Errors += s.Errors
				sa.s.Max = math.Max(sa.s.Max, s.Max)
				if s.HDR == "" {
					// A second without replies (a stall) has nothing to
					// merge; one with replies but no histogram does.
					if s.Count > 0 {
						a.seriesNoHDR = true
					}
					continue
				}
				if err := mergeInto(sa.h, s.HDR); err != nil {
					return nil, fmt.Errorf("%s series second %d: %w", where, s.T, err)
				}
			}
		}
	}
	out := make([]Op, 0, len(order))
	for _, k := range order {
		a := accs[k]
		op := a.op
		op.Rate = roundRate(op.Rate)
		op.Service, op.Response = Summarize(a.service), Summarize(a.response)
		var err error
		if op.ServiceHDR, err = EncodeHDR(a.service); err != nil {
			return nil, err
		}
		if op.ResponseHDR, err = EncodeHDR(a.response); err != nil {
			return nil, err
		}
		if a.encode != nil && !a.encodeMissing {
			l := nsToUs(Summarize(a.encode))
			op.Encode = &l
			if op.EncodeHist, err = EncodeHDR(a.encode); err != nil {
				return nil, err
			}
		}
		if a.decode != nil && !a.decodeMiss {
			l := nsToUs(Summarize(a.decode))
			op.Decode = &l
			if op.DecodeHist, err = EncodeHDR(a.decode); err != nil {
				return nil, err
			}
		}
		if len(a.series) > 0 {
			ts := make([]int, 0, len(a.series))
			for t := range a.series {
				ts = append(ts, t)
			}
			sort.Ints(ts)
			for _, t := range ts {
				sa := a.series[t]
				s := sa.s
				if !a.seriesNoHDR {
					sum := Summarize(sa.h)
					s.P50, s.P99, s.Max = sum.P50, sum.P99, sum.Max
					if s.HDR, err = EncodeHDR(sa.h); err != nil {
						return nil, err
					}
				}
				// Without every second's histogram the merged p50/p99 stay 0
				// (unknown) rather than an average; Max is exact either way.
				op.Series = append(op.Series, s)
			}
		}
		out = append(out, op)
	}
	return out, nil
}

// mergeInto adds an encoded histogram into dst; "" adds nothing.
func mergeInto(dst *hdrhistogram.Histogram, s string) error {
	if s == "" {
		return nil
	}
	return mergeHDR(dst, s)
}

// mergeOptional merges an optional codec histogram. Once one input has a
// summary without its histogram, the merged summary is unknown (missing).
func mergeOptional(dst *hdrhistogram.Histogram, missing bool, s string, hasSummary bool) (*hdrhistogram.Histogram, bool, error) {
	if s == "" {
		return dst, missing || hasSummary, nil
	}
	if dst == nil {
		dst = NewHistogram()
	}
	return dst, missing, mergeHDR(dst, s)
}

func nsToUs(l Latency) Latency {
	return Latency{Min: l.Min / 1000, Mean: l.Mean / 1000, P50: l.P50 / 1000, P90: l.P90 / 1000,
		P99: l.P99 / 1000, P999: l.P999 / 1000, P9999: l.P9999 / 1000, Max: l.Max / 1000}
}

func mergePacing(runs []*Run) []Pacing {
	var out []Pacing
	idx := map[string]int{}
	for _, r := range runs {
		for _, p := range r.Pacing {
			i, ok := idx[p.Encoding]
			if !ok {
				idx[p.Encoding] = len(out)
				out = append(out, p)
				continue
			}
			m := &out[i]
			m.TargetRate += p.TargetRate
			m.AchievedRate += p.AchievedRate
			m.Late += p.Late
			m.MaxLateUs = math.Max(m.MaxLateUs, p.MaxLateUs)
			m.LateThresholdUs = math.Max(m.LateThresholdUs, p.LateThresholdUs)
			if m.Mode != p.Mode {
				m.Mode = "mixed"
			}
		}
	}
	return out
}

func (e *ErrorCounts) add(o ErrorCounts) {
	e.Timeout += o.Timeout
	e.Connection += o.Connection
	e.Server += o.Server
	e.Decode += o.Decode
	e.Other += o.Other
}

// Total is the number of failed operations of every class.
func (e ErrorCounts) Total() int64 {
	return e.Timeout + e.Connection + e.Server + e.Decode + e.Other
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
