package results

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// ErrMerge reports runs that cannot be merged without losing or inventing
// data (an op without its histogram, an op in two classes), or that should
// not be merged (different workloads, runs neither concurrent nor one after
// another) unless told.
var ErrMerge = errors.New("cannot merge runs")

// How a merge combines its runs (MergeOptions.As, Meta.Merge).
const (
	// MergeAuto tells concurrent runs from repeats by their measured
	// windows.
	MergeAuto = ""
	// MergeConcurrent: load generators that ran at the same time against
	// one target. Their load adds up: rates, connections and target rates
	// are summed, per-second series merged second by second.
	MergeConcurrent = "concurrent"
	// MergeRepeats: the same run made one after another. Histograms merge
	// (more samples of one distribution), rates are the mean of the runs',
	// each run's own figures are kept in Run.Repeats (the spread), and the
	// per-second series follow each other.
	MergeRepeats = "repeats"
)

// MergeOptions configure MergeWith.
type MergeOptions struct {
	// As is MergeConcurrent or MergeRepeats to say how the runs relate;
	// MergeAuto (the default) decides from their measured windows: windows
	// that overlap by at least half of the shorter one are concurrent,
	// windows that do not overlap are repeats, anything else is refused.
	As string
	// Force merges runs of different workloads or specifications; what
	// differs goes into the merged run's Warnings. Without it such runs are
	// refused with the differences in the error.
	Force bool
	// Sources label the runs, in order (usually their file names); default:
	// each run's Sources, RunID or Name.
	Sources []string
}

// Merge is MergeWith with the default options: runs of one workload and
// specification, concurrent or repeats as their windows say.
func Merge(runs ...*Run) (*Run, error) { return MergeWith(MergeOptions{}, runs...) }

// MergeWith combines runs into one. Per op kind and encoding the histograms
// are merged losslessly and every summary is recomputed from the merged
// histogram (percentiles are never averaged); counts, errors and bytes are
// summed. Rates are summed for concurrent runs and averaged for repeats
// (see MergeConcurrent, MergeRepeats). Meta comes from the first run with
// Start the earliest start, End the latest end, Merge the relation and
// Sources listing the inputs. The writer figures merge per encoding
// (mergeRunWriters): node by node for concurrent runs, one after another
// for repeats. Validity is the union of the inputs'
// problems, and the verdicts are decided again on the merged histograms.
func MergeWith(o MergeOptions, runs ...*Run) (*Run, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("%w: no runs given", ErrMerge)
	}
	for i, r := range runs {
		if r == nil {
			return nil, fmt.Errorf("%w: run %d is nil", ErrMerge, i+1)
		}
	}
	// Every input valid and every sum within bounds, checked before adding.
	if err := checkMergeInputs(runs); err != nil {
		return nil, err
	}
	labels := make([]string, len(runs))
	for i, r := range runs {
		switch {
		case i < len(o.Sources) && o.Sources[i] != "":
			labels[i] = o.Sources[i]
		case len(r.Meta.Sources) > 0:
			labels[i] = strings.Join(r.Meta.Sources, "+")
		case r.Meta.RunID != "":
			labels[i] = r.Meta.RunID
		default:
			labels[i] = fmt.Sprintf("%s#%d", r.Meta.Name, i+1)
		}
	}
	if err := checkShards(runs, labels); err != nil {
		return nil, err
	}
	var notes []string
	// The parts of a split spec differ in their shares (connections, ops,
	// rate): compare the whole spec each describes.
	if diffs := specDiffs(shardNormalized(runs), labels); len(diffs) > 0 {
		if !o.Force {
			return nil, fmt.Errorf("%w: they are not runs of one workload and specification: %s (merge them anyway with --force)", ErrMerge, strings.Join(diffs, "; "))
		}
		notes = append(notes, "merged with --force although the runs differ: "+strings.Join(diffs, "; "))
	}
	how := o.As
	switch how {
	case MergeAuto:
		var note string
		var err error
		how, note, err = relation(runs, labels)
		if err != nil {
			return nil, err
		}
		if note != "" {
			notes = append(notes, note)
		}
	case MergeConcurrent, MergeRepeats:
	default:
		return nil, fmt.Errorf("%w: merge as %q: want %s or %s", ErrMerge, how, MergeConcurrent, MergeRepeats)
	}
	repeats := how == MergeRepeats
	if repeats && isShards(runs) {
		why := "their measured windows do not overlap (they ran one after another): start them together (--start-at), or say --as concurrent"
		if o.As == MergeRepeats {
			why = "they are not repeats: merge them as concurrent generators"
		}
		return nil, fmt.Errorf("%w: %s are parts of one spec split over generators (--shard), which run at the same time, but %s", ErrMerge, strings.Join(labels, ", "), why)
	}

	out := NewRun(runs[0].Meta)
	out.Meta.Config = cloneMap(runs[0].Meta.Config)
	out.Meta.Sources = nil
	if len(runs) > 1 {
		out.Meta.Merge = how
	}
	if !repeats {
		out.Meta.Workload.Connections = 0
		out.Meta.Workload.Rate = 0
	}
	out.Meta.MeasuredSec = 0
	for i, r := range runs {
		m := r.Meta
		if i > 0 {
			if m.Start.Before(out.Meta.Start) {
				out.Meta.Start = m.Start
			}
			if m.End.After(out.Meta.End) {
				out.Meta.End = m.End
			}
			if !m.MeasuredStart.IsZero() && (out.Meta.MeasuredStart.IsZero() || m.MeasuredStart.Before(out.Meta.MeasuredStart)) {
				out.Meta.MeasuredStart = m.MeasuredStart
			}
			if m.MeasuredEnd.After(out.Meta.MeasuredEnd) {
				out.Meta.MeasuredEnd = m.MeasuredEnd
			}
			if m.Target.Addr != runs[0].Meta.Target.Addr {
				out.Warnings = appendUnique(out.Warnings, fmt.Sprintf("merged runs against different targets: %s and %s", runs[0].Meta.Target.Addr, m.Target.Addr))
			}
		}
		if repeats {
			out.Meta.MeasuredSec += m.MeasuredSec
		} else {
			// Connections and offered load add up across generators.
			out.Meta.Workload.Connections += m.Workload.Connections
			out.Meta.Workload.Rate += m.Workload.Rate
			out.Meta.MeasuredSec = math.Max(out.Meta.MeasuredSec, m.MeasuredSec)
		}
		if len(m.Sources) > 0 && i >= len(o.Sources) {
			out.Meta.Sources = append(out.Meta.Sources, m.Sources...)
		} else {
			out.Meta.Sources = append(out.Meta.Sources, labels[i])
		}
		out.Errors.add(r.Errors)
		for _, w := range r.Warnings {
			out.Warnings = appendUnique(out.Warnings, w)
		}
		for _, w := range r.Incomplete {
			out.Incomplete = appendUnique(out.Incomplete, w)
		}
	}
	for _, n := range notes {
		out.Warnings = appendUnique(out.Warnings, n)
	}

	ops, err := mergeOps(runs, repeats)
	if err != nil {
		return nil, err
	}
	out.Ops = ops
	if out.Writer, err = mergeRunWriters(runs, repeats); err != nil {
		return nil, err
	}
	if err := applyShards(out, runs); err != nil {
		return nil, err
	}
	if out.Pacing, err = mergePacing(runs, repeats); err != nil {
		return nil, err
	}
	if repeats {
		for i, r := range runs {
			if len(r.Repeats) > 0 {
				out.Repeats = append(out.Repeats, r.Repeats...)
				continue
			}
			out.Repeats = append(out.Repeats, repeatOf(r, labels[i]))
		}
	} else {
		for _, r := range runs {
			if len(r.Repeats) > 0 && len(runs) > 1 {
				out.Warnings = appendUnique(out.Warnings, "the inputs' own repeats are not carried into a merge of concurrent runs")
				break
			}
		}
		if len(runs) == 1 {
			out.Repeats = runs[0].Repeats
		}
	}

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

	// Validity: what was wrong with any input is wrong with the merge.
	target := RunTarget(runs[0])
	var ps []Problem
	for i, r := range runs {
		var in []Problem
		if r.Validity != nil {
			in = r.Validity.Problems
		} else {
			in = findProblems(r, RunTarget(r))
		}
		for _, p := range in {
			if len(runs) > 1 {
				p.Message = labels[i] + ": " + p.Message
			}
			ps = append(ps, p)
		}
	}
	if len(out.Ops) > 0 || len(ps) > 0 {
		out.Validity = &Validity{Valid: valid(ps), Problems: ps}
		out.Verdicts = Judge(out, ps, target)
	}
	return out, nil
}

// mergeRunWriters merges the runs' writer figures per encoding. Concurrent
// runs (generators, shards, a fleet's nodes) merge node by node
// (MergeWriters: rates add, Busy the mean over every writer), each run's
// entry one node named by its trader id, a fleet's its PerNode; repeats
// merge one after another (MergeWriterRepeats: Busy and rates the means
// weighted by each run's measured seconds, series after each other at
// the offsets the ops' series use). Histograms merge, never averaged. A
// single run keeps its entries as they are.
func mergeRunWriters(runs []*Run, repeats bool) ([]Writer, error) {
	if len(runs) == 1 {
		return runs[0].Writer, nil
	}
	var order []string
	byEnc := map[string][]Writer{}
	secs := map[string][]float64{}
	offs := map[string][]int{}
	offsets := seriesOffsets(runs, repeats)
	end := map[string]int{} // repeats: the second after the last merged
	for i, r := range runs {
		for _, w := range r.Writer {
			if _, ok := byEnc[w.Encoding]; !ok {
				order = append(order, w.Encoding)
			}
			if repeats {
				// Where the ops' series of the run start, unless that
				// would overlap the runs before (a run without ops).
				off := max(offsets[i][w.Encoding], end[w.Encoding])
				if n := len(w.Series); n > 0 {
					end[w.Encoding] = off + w.Series[n-1].T + 1
				}
				byEnc[w.Encoding] = append(byEnc[w.Encoding], w)
				secs[w.Encoding] = append(secs[w.Encoding], r.Meta.MeasuredSec)
				offs[w.Encoding] = append(offs[w.Encoding], off)
				continue
			}
			nodes := w.PerNode
			if len(nodes) == 0 {
				if w.Node == "" {
					w.Node = r.Meta.Workload.traderID()
				}
				nodes = []Writer{w}
			}
			byEnc[w.Encoding] = append(byEnc[w.Encoding], nodes...)
		}
	}
	var out []Writer
	for _, enc := range order {
		var w Writer
		var err error
		if repeats {
			w, err = MergeWriterRepeats(byEnc[enc], secs[enc], offs[enc])
		} else {
			w, err = MergeWriters(byEnc[enc])
		}
		if err != nil {
			return nil, fmt.Errorf("%s writer: %w", enc, err)
		}
		out = append(out, w)
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

// seriesOffsets returns, per run and encoding, the second its series start
// at in the merge: 0 for concurrent runs, shifted by the difference of their
// measured starts (whole seconds) when both are known; for repeats, after
// the previous repeats' seconds of the same encoding.
func seriesOffsets(runs []*Run, repeats bool) []map[string]int {
	out := make([]map[string]int, len(runs))
	next := map[string]int{}
	first := runs[0].Meta.MeasuredStart
	for i, r := range runs {
		out[i] = map[string]int{}
		length := map[string]int{}
		for _, op := range r.Ops {
			if n := len(op.Series); n > 0 {
				length[op.Encoding] = max(length[op.Encoding], op.Series[n-1].T+1)
			}
		}
		for enc, n := range length {
			switch {
			case repeats:
				out[i][enc] = next[enc]
				next[enc] += n
			case !first.IsZero() && !r.Meta.MeasuredStart.IsZero():
				out[i][enc] = max(0, int(math.Round(r.Meta.MeasuredStart.Sub(first).Seconds())))
			}
		}
	}
	return out
}

func mergeOps(runs []*Run, repeats bool) ([]Op, error) {
	var order []opKey
	accs := map[opKey]*opAcc{}
	offsets := seriesOffsets(runs, repeats)
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
			shift := offsets[ri][op.Encoding]
			for _, s := range op.Series {
				t := s.T + shift
				sa := a.series[t]
				if sa == nil {
					sa = &secAcc{s: Second{T: t}, h: NewHistogram()}
					a.series[t] = sa
				}
				sa.s.Count += s.Count
				sa.s.Errors += s.Errors
				sa.s.Max = math.Max(sa.s.Max, s.Max)
				sa.s.Partial = sa.s.Partial || s.Partial
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
		if repeats {
			// The mean over every repeat; one without this op ran it at 0/s.
			op.Rate /= float64(len(runs))
		}
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
			l := SummarizeNs(a.encode)
			op.Encode = &l
			if op.EncodeHist, err = EncodeHDR(a.encode); err != nil {
				return nil, err
			}
		}
		if a.decode != nil && !a.decodeMiss {
			l := SummarizeNs(a.decode)
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

// mergeOptional merges an optional codec histogram (nanoseconds). Once one
// input has a summary without its histogram, the merged summary is unknown
// (missing).
func mergeOptional(dst *hdrhistogram.Histogram, missing bool, s string, hasSummary bool) (*hdrhistogram.Histogram, bool, error) {
	if s == "" {
		return dst, missing || hasSummary, nil
	}
	if dst == nil {
		dst = NewCodecHistogram()
	}
	return dst, missing, mergeHDR(dst, s)
}

type pacingAcc struct {
	p          Pacing
	n          int
	late       *hdrhistogram.Histogram
	lateMiss   bool
	cpu, spin  float64
	threadsSum int
}

func mergePacing(runs []*Run, repeats bool) ([]Pacing, error) {
	var order []string
	accs := map[string]*pacingAcc{}
	for _, r := range runs {
		for _, p := range r.Pacing {
			a, ok := accs[p.Encoding]
			if !ok {
				a = &pacingAcc{p: p}
				a.p.TargetRate, a.p.AchievedRate = 0, 0
				a.p.Late, a.p.Scheduled, a.p.Sent, a.p.Dropped, a.p.Unanswered, a.p.ActiveWaitOff = 0, 0, 0, 0, 0, 0
				a.p.SendLate, a.p.SendLateHDR = nil, ""
				a.p.GeneratorCPU, a.p.ActiveWait, a.p.Threads, a.p.LoadAvg = 0, 0, 0, 0
				accs[p.Encoding] = a
				order = append(order, p.Encoding)
			}
			m := &a.p
			a.n++
			m.TargetRate += p.TargetRate
			m.AchievedRate += p.AchievedRate
			m.Late += p.Late
			m.Scheduled += p.Scheduled
			m.Sent += p.Sent
			m.Dropped += p.Dropped
			m.Unanswered += p.Unanswered
			m.Drain = m.Drain || p.Drain
			m.MaxLateUs = math.Max(m.MaxLateUs, p.MaxLateUs)
			m.LateThresholdUs = math.Max(m.LateThresholdUs, p.LateThresholdUs)
			m.SpinMarginUs = math.Max(m.SpinMarginUs, p.SpinMarginUs)
			m.ActiveWaitOff += p.ActiveWaitOff
			m.LoadAvg = math.Max(m.LoadAvg, p.LoadAvg)
			a.cpu += p.GeneratorCPU
			a.spin += p.ActiveWait
			a.threadsSum += p.Threads
			if m.Stopped == "" {
				m.Stopped = p.Stopped
			}
			if !p.Start.IsZero() && (m.Start.IsZero() || p.Start.Before(m.Start)) {
				m.Start = p.Start
			}
			if p.End.After(m.End) {
				m.End = p.End
			}
			if m.Mode != p.Mode {
				m.Mode = "mixed"
			}
			switch {
			case p.SendLateHDR != "":
				if a.late == nil {
					a.late = NewSendLateHistogram()
				}
				if err := mergeHDR(a.late, p.SendLateHDR); err != nil {
					return nil, fmt.Errorf("pacing %s send_late_hdr: %w", p.Encoding, err)
				}
			case p.SendLate != nil:
				a.lateMiss = true
			}
		}
	}
	out := make([]Pacing, 0, len(order))
	for _, enc := range order {
		a := accs[enc]
		m := a.p
		if repeats {
			// Repeats of one run on one machine: the mean rate and CPU.
			m.TargetRate /= float64(a.n)
			m.AchievedRate /= float64(a.n)
			m.GeneratorCPU, m.ActiveWait, m.Threads = a.cpu/float64(a.n), a.spin/float64(a.n), a.threadsSum/a.n
		} else {
			// Generators side by side: their CPUs and threads add up.
			m.GeneratorCPU, m.ActiveWait, m.Threads = a.cpu, a.spin, a.threadsSum
		}
		if a.late != nil && !a.lateMiss {
			l := SummarizeNs(a.late)
			m.SendLate = &l
			s, err := EncodeHDR(a.late)
			if err != nil {
				return nil, err
			}
			m.SendLateHDR = s
		}
		out = append(out, m)
	}
	return out, nil
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
