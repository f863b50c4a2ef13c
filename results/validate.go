package results

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Bounds of what a results file may hold. Figures beyond them are not
// measurements but damage or a forgery: no Redis serves 10^12 ops/s, and a
// latency summary past maxLatencyUs lies far beyond the histograms' range.
const (
	maxRate      = 1e12
	maxLatencyUs = 1e12
	// maxProblems caps the problems one error lists.
	maxProblems = 20
)

// problems collects what Validate finds, each naming the field (by its JSON
// name) and the value.
type problems struct {
	list  []string
	extra int
}

func (p *problems) add(where, field string, value any, want string) {
	if len(p.list) >= maxProblems {
		p.extra++
		return
	}
	loc := field
	if where != "" {
		loc = where + " " + field
	}
	p.list = append(p.list, fmt.Sprintf("%s is %v, want %s", loc, value, want))
}

func (p *problems) count(where, field string, v int64) {
	if v < 0 {
		p.add(where, field, v, "a count of 0 or more")
	}
}

// known counts that use -1 for "unknown".
func (p *problems) countOrUnknown(where, field string, v int64) {
	if v < -1 {
		p.add(where, field, v, "a count of 0 or more, or -1 for unknown")
	}
}

func (p *problems) nonNeg(where, field string, v, limit float64) {
	if !(v >= 0 && v <= limit) { // also catches NaN
		p.add(where, field, v, fmt.Sprintf("a number from 0 to %g", limit))
	}
}

func (p *problems) secOrUnknown(where, field string, v float64) {
	if v != -1 && !(v >= 0 && v <= maxLatencyUs) {
		p.add(where, field, v, "seconds of 0 or more, or -1 for unknown")
	}
}

func (p *problems) latency(where, field string, l *Latency) {
	if l == nil {
		return
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"min_us", l.Min}, {"mean_us", l.Mean}, {"p50_us", l.P50}, {"p90_us", l.P90}, {"p99_us", l.P99},
		{"p99_9_us", l.P999}, {"p99_99_us", l.P9999}, {"max_us", l.Max}} {
		p.nonNeg(where, field+"."+f.name, f.v, maxLatencyUs)
	}
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	msg := strings.Join(p.list, "; ")
	if p.extra > 0 {
		msg += fmt.Sprintf("; and %d more", p.extra)
	}
	return fmt.Errorf("%w: %s", ErrCorrupt, msg)
}

// Validate checks the figures of a run: counts, errors and byte totals are
// never negative, rates and latencies are finite and within bounds, ratios
// between 0 and 1. It does not decode histograms (Decode does). Errors wrap
// ErrCorrupt and name each field by its JSON path with its value.
func (r *Run) Validate() error {
	var p problems
	m := r.Meta
	p.nonNeg("meta", "measured_sec", m.MeasuredSec, maxLatencyUs)
	p.nonNeg("meta", "warmup_sec", m.WarmupSec, maxLatencyUs)
	w := m.Workload
	p.count("meta.workload", "connections", int64(w.Connections))
	p.count("meta.workload", "pipeline", int64(w.Pipeline))
	p.count("meta.workload", "ops", w.Ops)
	p.count("meta.workload", "keys", w.Keys)
	p.count("meta.workload", "buffer_interval_ms", int64(w.BufferIntervalMS))
	p.nonNeg("meta.workload", "duration_sec", w.DurationSec, maxLatencyUs)
	p.nonNeg("meta.workload", "warmup_sec", w.WarmupSec, maxLatencyUs)
	p.nonNeg("meta.workload", "rate", w.Rate, maxRate)
	p.nonNeg("meta.workload", "read_ratio", w.ReadRatio, 1)

	e := r.Errors
	for _, f := range []struct {
		name string
		v    int64
	}{{"timeout", e.Timeout}, {"connection", e.Connection}, {"server", e.Server}, {"decode", e.Decode}, {"other", e.Other}} {
		p.count("errors", f.name, f.v)
	}
	var total int64
	for _, v := range []int64{e.Timeout, e.Connection, e.Server, e.Decode, e.Other} {
		if v > 0 && total > math.MaxInt64-v {
			p.add("", "errors", "a total beyond 64 bits", "counts whose sum fits")
			break
		}
		total += max(v, 0)
	}
	for i := range r.Ops {
		validateOp(&p, fmt.Sprintf("ops[%d]", i), &r.Ops[i])
	}
	for i, pc := range r.Pacing {
		where := fmt.Sprintf("pacing[%d] (%s)", i, pc.Encoding)
		p.nonNeg(where, "target_rate", pc.TargetRate, maxRate)
		p.nonNeg(where, "achieved_rate", pc.AchievedRate, maxRate)
		p.count(where, "late", pc.Late)
		p.nonNeg(where, "late_threshold_us", pc.LateThresholdUs, maxLatencyUs)
		p.nonNeg(where, "max_late_us", pc.MaxLateUs, maxLatencyUs)
	}
	for i := range r.Startup {
		validateStartup(&p, fmt.Sprintf("startup[%d]", i), &r.Startup[i])
	}
	for i, pl := range r.Payloads {
		where := fmt.Sprintf("payloads[%d] (%s/%s)", i, pl.Type, pl.Encoding)
		p.count(where, "bytes", int64(pl.Bytes))
		p.nonNeg(where, "encode_ns", pl.EncodeNs, maxLatencyUs)
		p.nonNeg(where, "decode_ns", pl.DecodeNs, maxLatencyUs)
		p.nonNeg(where, "memory_per_key", pl.MemoryPerKey, maxLatencyUs)
	}
	if r.Server != nil {
		validateServer(&p, r.Server)
	}
	if r.Recovery != nil {
		validateRecovery(&p, r.Recovery)
	}
	if r.Noise != nil {
		validateNoise(&p, r.Noise)
	}
	if r.Plan != nil {
		for i, s := range r.Plan.Scales {
			if s < 1 {
				p.add("plan", fmt.Sprintf("scales[%d]", i), s, "a key count of 1 or more")
			}
		}
	}
	return p.err()
}

func validateOp(p *problems, where string, op *Op) {
	where = fmt.Sprintf("%s (%s/%s)", where, op.Name, op.Encoding)
	p.count(where, "count", op.Count)
	p.count(where, "errors", op.Errors)
	p.count(where, "bytes_sent", op.BytesSent)
	p.count(where, "bytes_received", op.BytesReceived)
	p.nonNeg(where, "ops_per_sec", op.Rate, maxRate)
	p.latency(where, "service", &op.Service)
	p.latency(where, "response", &op.Response)
	p.latency(where, "encode", op.Encode)
	p.latency(where, "decode", op.Decode)
	for i, s := range op.Series {
		sw := fmt.Sprintf("%s series[%d] (t=%d)", where, i, s.T)
		p.count(sw, "count", s.Count)
		p.count(sw, "errors", s.Errors)
		p.nonNeg(sw, "p50_us", s.P50, maxLatencyUs)
		p.nonNeg(sw, "p99_us", s.P99, maxLatencyUs)
		p.nonNeg(sw, "max_us", s.Max, maxLatencyUs)
	}
}

func validateStartup(p *problems, where string, s *StartupLoad) {
	p.nonNeg(where, "total_sec", s.TotalSec, maxLatencyUs)
	p.count(where, "commands", s.Commands)
	p.count(where, "bytes", s.Bytes)
	for k, n := range s.Keys {
		p.count(where, "keys."+k, n)
	}
}

func validateServer(p *problems, s *ServerView) {
	p.nonNeg("server", "interval_sec", s.IntervalSec, maxLatencyUs)
	p.count("server", "slowlog_missed", s.SlowlogMissed)
	for i, l := range s.Latency {
		where := fmt.Sprintf("server.latency[%d] (%s)", i, l.Command)
		p.count(where, "calls", l.Calls)
		p.count(where, "count", l.Count)
		p.nonNeg(where, "p50_us", l.P50Us, maxLatencyUs)
		p.nonNeg(where, "p99_us", l.P99Us, maxLatencyUs)
		p.nonNeg(where, "p99_9_us", l.P999Us, maxLatencyUs)
		p.nonNeg(where, "max_us", l.MaxUs, maxLatencyUs)
		for j, b := range l.Buckets {
			if b.LeUs < 1 {
				p.add(where, fmt.Sprintf("buckets[%d].le_us", j), b.LeUs, "a bound of 1 us or more")
			}
			p.count(where, fmt.Sprintf("buckets[%d].count", j), b.Count)
		}
	}
	for i, m := range s.Memory {
		where := fmt.Sprintf("server.memory[%d] (%s)", i, m.Collection)
		p.count(where, "sampled", int64(m.Sampled))
		p.count(where, "total_bytes", m.TotalBytes)
		p.count(where, "max_bytes", m.MaxBytes)
	}
}

func validateRecovery(p *problems, r *Recovery) {
	p.count("recovery", "keys", r.Keys)
	p.nonNeg("recovery", "loss_window_sec", r.LossWindowSec, maxLatencyUs)
	p.count("recovery", "lost", r.Lost)
	p.count("recovery", "lost_within_window", r.LostWithinWindow)
	p.count("recovery", "corrupt", r.Corrupt)
	p.count("recovery", "wrong_type", r.WrongType)
	for i := range r.Cycles {
		c := &r.Cycles[i]
		where := fmt.Sprintf("recovery.cycles[%d]", i)
		for _, f := range []struct {
			name string
			v    int64
		}{{"keys_loaded", c.KeysLoaded}, {"keys_expired", c.KeysExpired}, {"dbsize", c.DBSize},
			{"acknowledged", c.Acknowledged}, {"in_doubt", c.InDoubt}, {"items", c.Items}, {"writes_during", c.WritesDuring},
			{"verified", c.Verified}, {"lost", c.Lost}, {"lost_within_window", c.LostWithinWindow}, {"lost_follow_on", c.LostFollowOn}} {
			p.count(where, f.name, f.v)
		}
		p.countOrUnknown(where, "loaded_bytes", c.LoadedBytes)
		p.secOrUnknown(where, "load_sec", c.LoadSec)
		for _, f := range []struct {
			name string
			v    float64
		}{{"populate_sec", c.PopulateSec}, {"stop_sec", c.StopSec}, {"port_open_sec", c.PortOpenSec}, {"ready_sec", c.ReadySec},
			{"startup_sequential_sec", c.StartupSequentialSec}, {"startup_concurrent_sec", c.StartupConcurrentSec}, {"trading_ready_sec", c.TradingReadySec}} {
			p.nonNeg(where, f.name, f.v, maxLatencyUs)
		}
		for coll, ig := range c.Integrity {
			iw := where + " integrity." + coll
			for _, f := range []struct {
				name string
				v    int64
			}{{"expected", ig.Expected}, {"verified", ig.Verified}, {"missing_keys", ig.MissingKeys}, {"missing_items", ig.MissingItems},
				{"missing_tail", ig.MissingTail}, {"missing_members", ig.MissingMembers}, {"resurrected", ig.Resurrected},
				{"corrupt", ig.Corrupt}, {"wrong_type", ig.WrongType}, {"unexpected", ig.Unexpected}, {"unexpected_items", ig.UnexpectedItems}, {"in_doubt", ig.InDoubt}} {
				p.count(iw, f.name, f.v)
			}
		}
		for j := range c.StartupOps {
			validateOp(p, fmt.Sprintf("%s startup_ops[%d]", where, j), &c.StartupOps[j])
		}
		for j := range c.Startup {
			validateStartup(p, fmt.Sprintf("%s startup[%d]", where, j), &c.Startup[j])
		}
	}
}

// ErrOverflow reports runs whose sums do not fit: merging them would wrap a
// count around or turn a rate into +Inf, which cannot be written.
var ErrOverflow = errors.New("the merged figures overflow")

// sums adds the figures Merge adds, each under a key naming it, and
// remembers the first overflow of each.
type sums struct {
	ints   map[string]int64
	floats map[string]float64
	errs   []string
}

func (s *sums) int(key string, v int64) {
	cur := s.ints[key]
	if (v > 0 && cur > math.MaxInt64-v) || (v < 0 && cur < math.MinInt64-v) {
		s.errs = append(s.errs, fmt.Sprintf("%s: %d + %d does not fit in 64 bits", key, cur, v))
		s.ints[key] = 0
		return
	}
	s.ints[key] = cur + v
}

func (s *sums) float(key string, v float64) {
	cur := s.floats[key]
	if sum := cur + v; math.IsInf(sum, 0) || math.IsNaN(sum) || math.Abs(sum) > maxRate {
		s.errs = append(s.errs, fmt.Sprintf("%s: %g + %g is beyond %g", key, cur, v, float64(maxRate)))
		s.floats[key] = 0
		return
	}
	s.floats[key] += v
}

// checkMergeInputs validates every run and checks, before Merge adds
// anything, that each sum it will form fits: counts in int64, rates finite
// and within bounds. nil runs are left to Merge to report.
func checkMergeInputs(runs []*Run) error {
	var errs []error
	for i, r := range runs {
		if r == nil {
			continue
		}
		if err := r.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("run %d (%s): %w", i+1, r.Meta.RunID, err))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	s := &sums{ints: map[string]int64{}, floats: map[string]float64{}}
	for _, r := range runs {
		if r == nil {
			continue
		}
		s.int("meta.workload.connections", int64(r.Meta.Workload.Connections))
		s.float("meta.workload.rate", r.Meta.Workload.Rate)
		e := r.Errors
		s.int("errors.timeout", e.Timeout)
		s.int("errors.connection", e.Connection)
		s.int("errors.server", e.Server)
		s.int("errors.decode", e.Decode)
		s.int("errors.other", e.Other)
		s.int("errors (total)", e.Timeout)
		s.int("errors (total)", e.Connection)
		s.int("errors (total)", e.Server)
		s.int("errors (total)", e.Decode)
		s.int("errors (total)", e.Other)
		for _, op := range r.Ops {
			k := "op " + op.Name + "/" + op.Encoding + " "
			s.int(k+"count", op.Count)
			s.int(k+"errors", op.Errors)
			s.int(k+"bytes_sent", op.BytesSent)
			s.int(k+"bytes_received", op.BytesReceived)
			s.float(k+"ops_per_sec", op.Rate)
			for _, sec := range op.Series {
				sk := fmt.Sprintf("%sseries t=%d ", k, sec.T)
				s.int(sk+"count", sec.Count)
				s.int(sk+"errors", sec.Errors)
			}
		}
		for _, pc := range r.Pacing {
			k := "pacing " + pc.Encoding + " "
			s.float(k+"target_rate", pc.TargetRate)
			s.float(k+"achieved_rate", pc.AchievedRate)
			s.int(k+"late", pc.Late)
		}
		if rec := r.Recovery; rec != nil {
			s.int("recovery.lost", rec.Lost)
			s.int("recovery.lost_within_window", rec.LostWithinWindow)
			s.int("recovery.corrupt", rec.Corrupt)
			s.int("recovery.wrong_type", rec.WrongType)
		}
	}
	if len(s.errs) > 0 {
		if len(s.errs) > maxProblems {
			s.errs = append(s.errs[:maxProblems], fmt.Sprintf("and %d more", len(s.errs)-maxProblems))
		}
		return fmt.Errorf("%w: %w: %s", ErrMerge, ErrOverflow, strings.Join(s.errs, "; "))
	}
	return nil
}
