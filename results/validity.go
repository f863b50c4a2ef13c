package results

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Run validity: whether a run measured what it set out to, and the verdicts
// that may be drawn from it. A latency figure from a run whose load
// generator was the bottleneck, or that never reached its target rate, is a
// figure about rbench or about a lighter load, not about Redis under the
// load asked for; a verdict on it would be wrong, so it gets none.

// Problem kinds of Validity.Problems.
const (
	// ProblemRateNotReached: an open-loop pass achieved less than
	// MinAchievedShare of its target rate. Value and Limit are ops/s.
	ProblemRateNotReached = "rate_not_reached"
	// ProblemDropped: operations were due but never sent, though the rate
	// was (nearly) reached. Value is the count.
	ProblemDropped = "dropped"
	// ProblemGeneratorCPU: rbench's CPU during the measured phase was near
	// the capacity of its threads (GOMAXPROCS). Value and Limit are cores.
	ProblemGeneratorCPU = "generator_cpu"
	// ProblemGeneratorSlow: the client-side service time of an op was far
	// above Redis's own latency for the same command (LATENCY HISTOGRAM):
	// the time went in the client, the kernel or the network. Value and
	// Limit are microseconds.
	ProblemGeneratorSlow = "generator_slow"
	// ProblemServerStall: as ProblemGeneratorSlow, but Redis itself ran
	// another command long enough to explain the gap (its event loop runs
	// one command at a time, and LATENCY HISTOGRAM counts a command's own
	// execution, not the time others waited behind it): the time went in
	// Redis, so the figures stand, with a warning naming the command.
	ProblemServerStall = "server_stall"
	// ProblemMachineBusy: the machine's load average was above its cores.
	// Value is the load average, Limit the cores.
	ProblemMachineBusy = "machine_busy"
	// ProblemErrors: operations failed; latency figures exclude them and
	// verdicts count them as slower than any target. Value is the count.
	ProblemErrors = "errors"
	// ProblemSenderLate: the generator's own send lateness p99 exceeded
	// SenderLateShare of the latency target. Value and Limit are
	// microseconds.
	ProblemSenderLate = "sender_late"
	// ProblemPartial: a pass stopped before its end (Redis lost, Ctrl-C).
	ProblemPartial = "partial"
)

// Severities of a Problem.
const (
	// SeverityInvalid: the figures do not measure what the run set out to;
	// its verdicts are VerdictInvalid.
	SeverityInvalid = "invalid"
	// SeverityWarning: the figures stand, with a caveat a reader must see.
	SeverityWarning = "warning"
)

// Verdicts of a Verdict.
const (
	VerdictPass    = "pass"
	VerdictFail    = "fail"
	VerdictInvalid = "invalid"
	VerdictTooFew  = "too_few_samples"
)

// Thresholds of the validity checks.
const (
	// MinAchievedShare: an open-loop pass that achieved less than this
	// share of its target rate did not reach it.
	MinAchievedShare = 0.95
	// GeneratorCPUShare: CPU at or above this share of rbench's threads
	// means the generator was the bottleneck.
	GeneratorCPUShare = 0.9
	// GeneratorSlowRatio and GeneratorSlowGapUs: a client service p99 at
	// least this many times Redis's own p99 for the command, and at least
	// this much above it, was not spent in Redis. The gap keeps ordinary
	// network and client time (tens of microseconds on loopback, against
	// Redis's few) from tripping the ratio.
	GeneratorSlowRatio = 10
	GeneratorSlowGapUs = 2000
	// SenderLateShare: a send-lateness p99 above this share of the latency
	// target is worth a warning.
	SenderLateShare = 0.1
	// VerdictQuantile is the quantile verdicts judge: the p99.
	VerdictQuantile = 0.99
)

// Validity is the outcome of the validity checks (Assess).
type Validity struct {
	// Valid is false when any problem has SeverityInvalid.
	Valid    bool      `json:"valid"`
	Problems []Problem `json:"problems,omitempty"`
}

// Problem is one finding of the validity checks.
type Problem struct {
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
	// Encoding is the pass it concerns; "" for the whole run.
	Encoding string `json:"encoding,omitempty"`
	// Message says what happened, with the figures, and what to do.
	Message string `json:"message"`
	// Value is the figure that tripped the check and Limit its limit, in
	// the unit the kind documents.
	Value float64 `json:"value"`
	Limit float64 `json:"limit,omitempty"`
}

// Verdict is the PASS/FAIL of one class of ops (write, read) under one
// encoding against the latency target.
type Verdict struct {
	Encoding string `json:"encoding"`
	Class    string `json:"class"`
	// Verdict is VerdictPass, VerdictFail, VerdictInvalid (the run cannot
	// answer: Reason says why) or VerdictTooFew (Count is below
	// MinSamples).
	Verdict string `json:"verdict"`
	// Quantile is the quantile judged (0.99); TargetUs the target it must
	// stay under.
	Quantile float64 `json:"quantile"`
	TargetUs float64 `json:"target_us"`
	// ValueUs is the class's response time at Quantile from the merged
	// histograms of its ops, counting failed operations as slower than any
	// target; 0 when there are too few samples. It is at or above HistMaxUs
	// when failures or overflow decide it.
	ValueUs float64 `json:"value_us,omitempty"`
	// Count is the successful operations behind it, Errors the failed
	// ones; MinSamples is the floor for Quantile.
	Count      int64 `json:"count"`
	Errors     int64 `json:"errors,omitempty"`
	MinSamples int64 `json:"min_samples"`
	// Reason explains an invalid, failed or too-few verdict in one line.
	Reason string `json:"reason,omitempty"`
}

// Beyond reports whether a latency figure (microseconds) is at or above the
// histograms' top, where it only says "at least an hour".
func Beyond(us float64) bool { return us >= HistMaxUs }

// BeyondLabel is how a figure at or above the histograms' top is shown.
const BeyondLabel = ">= 1h"

// DefaultTarget is the latency target when a run names none.
const DefaultTarget = time.Millisecond

// RunTarget returns the latency target a run was judged against: its
// workload's target_p99 parameter, else DefaultTarget.
func RunTarget(r *Run) time.Duration {
	if r != nil {
		if s, ok := r.Meta.Workload.Params["target_p99"].(string); ok {
			if d, err := time.ParseDuration(s); err == nil && d > 0 {
				return d
			}
		}
	}
	return DefaultTarget
}

// Assess runs the validity checks on run and decides its verdicts against
// target (zero: RunTarget), replacing run.Validity and run.Verdicts. Call
// it once the run is complete, server view included (the generator_slow
// check needs it).
func Assess(run *Run, target time.Duration) {
	if target <= 0 {
		target = RunTarget(run)
	}
	v := &Validity{Problems: findProblems(run, target)}
	v.Valid = valid(v.Problems)
	run.Validity = v
	run.Verdicts = Judge(run, v.Problems, target)
}

func valid(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == SeverityInvalid {
			return false
		}
	}
	return true
}

func findProblems(run *Run, target time.Duration) []Problem {
	var out []Problem
	add := func(p Problem) { out = append(out, p) }
	targetUs := float64(target) / float64(time.Microsecond)
	if len(run.Incomplete) > 0 {
		add(Problem{Kind: ProblemPartial, Severity: SeverityInvalid,
			Message: "the run is incomplete: " + strings.Join(run.Incomplete, "; ")})
	}
	for _, p := range run.Pacing {
		if p.Stopped != "" {
			add(Problem{Kind: ProblemPartial, Severity: SeverityInvalid, Encoding: p.Encoding,
				Message: fmt.Sprintf("the %s pass stopped before its end (%s): its figures cover only part of the run", p.Encoding, p.Stopped)})
		}
		if p.Mode == "open" && p.TargetRate > 0 {
			if p.AchievedRate < MinAchievedShare*p.TargetRate {
				msg := fmt.Sprintf("target rate not reached: %s achieved %s of %s ops/s (%.0f%%)",
					p.Encoding, fmtRate(p.AchievedRate), fmtRate(p.TargetRate), 100*p.AchievedRate/p.TargetRate)
				if p.Dropped > 0 {
					msg += fmt.Sprintf(", %d operations due were never sent", p.Dropped)
				}
				msg += "; the latencies are those of a lighter load than asked for"
				add(Problem{Kind: ProblemRateNotReached, Severity: SeverityInvalid, Encoding: p.Encoding,
					Message: msg, Value: p.AchievedRate, Limit: MinAchievedShare * p.TargetRate})
			} else if p.Dropped > 0 {
				add(Problem{Kind: ProblemDropped, Severity: SeverityWarning, Encoding: p.Encoding,
					Message: fmt.Sprintf("%s: %d operations due were never sent (the run ended with a backlog)", p.Encoding, p.Dropped),
					Value:   float64(p.Dropped)})
			}
		}
		if p.Threads > 0 && p.GeneratorCPU >= GeneratorCPUShare*float64(p.Threads) {
			add(Problem{Kind: ProblemGeneratorCPU, Severity: SeverityInvalid, Encoding: p.Encoding,
				Message: fmt.Sprintf("the load generator was the bottleneck: rbench used %.2f cores of its %d thread(s) during the %s pass, so its own queueing is in the latencies and rates (give it more --threads, fewer connections, or a machine of its own)",
					p.GeneratorCPU, p.Threads, p.Encoding),
				Value: p.GeneratorCPU, Limit: GeneratorCPUShare * float64(p.Threads)})
		}
		if run.Meta.Host.Cores > 0 && p.LoadAvg > float64(run.Meta.Host.Cores) {
			add(Problem{Kind: ProblemMachineBusy, Severity: SeverityWarning, Encoding: p.Encoding,
				Message: fmt.Sprintf("the machine was busy: load average %.2f on %d cores at the end of the %s pass (it counts rbench and a Redis on this machine too); other work competed for the CPU",
					p.LoadAvg, run.Meta.Host.Cores, p.Encoding),
				Value: p.LoadAvg, Limit: float64(run.Meta.Host.Cores)})
		}
		if sl := p.SendLate; sl != nil && Enough(VerdictQuantile, sl.Count) && sl.P99 > SenderLateShare*targetUs {
			add(Problem{Kind: ProblemSenderLate, Severity: SeverityWarning, Encoding: p.Encoding,
				Message: fmt.Sprintf("the load generator sent late: its send lateness p99 is %s, more than %.0f%% of the %s target, and it is in the response times (not the service times); cause: %s",
					fmtUs(sl.P99), 100*SenderLateShare, fmtUs(targetUs), lateCause(run, p)),
				Value: sl.P99, Limit: SenderLateShare * targetUs})
		}
	}
	out = append(out, slowGenerator(run)...)
	errs := map[string]int64{}
	var encs []string
	var opErrs int64
	for _, op := range run.Ops {
		if op.Errors > 0 {
			if _, ok := errs[op.Encoding]; !ok {
				encs = append(encs, op.Encoding)
			}
			errs[op.Encoding] += op.Errors
			opErrs += op.Errors
		}
	}
	for _, enc := range encs {
		add(Problem{Kind: ProblemErrors, Severity: SeverityWarning, Encoding: enc,
			Message: fmt.Sprintf("%d %s operations failed: the latency figures exclude them, the verdicts count them as slower than the target", errs[enc], enc),
			Value:   float64(errs[enc])})
	}
	if n := run.Errors.Total(); n > opErrs {
		e := run.Errors
		add(Problem{Kind: ProblemErrors, Severity: SeverityWarning,
			Message: fmt.Sprintf("%d operations failed (timeout %d, connection %d, server %d, decode %d, other %d)", n, e.Timeout, e.Connection, e.Server, e.Decode, e.Other),
			Value:   float64(n)})
	}
	return out
}

// lateCause names the likeliest cause of a late sender from what the run
// recorded about the machine and the generator.
func lateCause(run *Run, p Pacing) string {
	switch {
	case p.Threads > 0 && p.GeneratorCPU >= GeneratorCPUShare*float64(p.Threads):
		return fmt.Sprintf("rbench's CPU was saturated (%.2f cores of %d threads)", p.GeneratorCPU, p.Threads)
	case run.Meta.Host.Cores > 0 && p.LoadAvg > float64(run.Meta.Host.Cores):
		return fmt.Sprintf("the machine was busy (load average %.2f on %d cores)", p.LoadAvg, run.Meta.Host.Cores)
	case p.ActiveWaitOff > 0:
		return fmt.Sprintf("the machine took the CPU away from the sender %d times (its active wait was turned off for a second each time)", p.ActiveWaitOff)
	case p.SpinMarginUs == 0:
		return "the sender slept to each due time without waiting actively, and the OS timers woke it late"
	default:
		return fmt.Sprintf("the OS woke the sender later than the %s margin calibrated at the start (timer coarseness or preemption)", fmtUs(p.SpinMarginUs))
	}
}

// slowGenerator compares each op's client-side service p99 with Redis's own
// p99 for the command it sends.
func slowGenerator(run *Run) []Problem {
	if run.Server == nil || len(run.Server.Latency) == 0 {
		return nil
	}
	lat := map[string]ServerLatency{}
	for _, l := range run.Server.Latency {
		lat[l.Command] = l
	}
	var out []Problem
	for _, op := range run.Ops {
		cmd := ServerCommand(op)
		sl, ok := lat[cmd]
		if !ok || !Enough(VerdictQuantile, op.Count) || !Enough(VerdictQuantile, sl.Count) || sl.P99Us <= 0 {
			continue
		}
		if op.Service.P99 >= GeneratorSlowRatio*sl.P99Us && op.Service.P99-sl.P99Us >= GeneratorSlowGapUs {
			if st, ok := stallCommand(run.Server.Latency, cmd, op.Service.P99-sl.P99Us); ok {
				out = append(out, Problem{Kind: ProblemServerStall, Severity: SeverityWarning, Encoding: op.Encoding,
					Message: fmt.Sprintf("Redis stalled: %s (%s) took %s at p99 from send to reply while Redis's own %s took %s, but Redis also ran %s for up to %s, and every command waits behind the one running: the time went in Redis, not in rbench",
						op.Name, op.Encoding, fmtUs(op.Service.P99), strings.ToUpper(cmd), fmtUs(sl.P99Us), strings.ToUpper(st.Command), fmtUs(st.MaxUs)),
					Value: st.MaxUs, Limit: (op.Service.P99 - sl.P99Us) / 2})
				continue
			}
			out = append(out, Problem{Kind: ProblemGeneratorSlow, Severity: SeverityInvalid, Encoding: op.Encoding,
				Message: fmt.Sprintf("the load generator (or the network) was the bottleneck: %s (%s) took %s at p99 from send to reply, while Redis itself took %s for %s: the time went in the client, the kernel or the network, not in Redis",
					op.Name, op.Encoding, fmtUs(op.Service.P99), fmtUs(sl.P99Us), strings.ToUpper(cmd)),
				Value: op.Service.P99, Limit: math.Max(GeneratorSlowRatio*sl.P99Us, sl.P99Us+GeneratorSlowGapUs)})
		}
	}
	return out
}

// stallCommand is the slowest command other than cmd whose longest call
// (MaxUs) is at least half of gapUs, the client's excess over Redis's own
// latency: one such call holds up every client behind it, so the excess
// may be Redis's. Half, because LATENCY HISTOGRAM's buckets are powers of
// two: a bucket's bound can be up to twice the call it holds.
func stallCommand(lat []ServerLatency, cmd string, gapUs float64) (ServerLatency, bool) {
	var best ServerLatency
	for _, l := range lat {
		if l.Command != cmd && l.MaxUs >= gapUs/2 && l.MaxUs > best.MaxUs {
			best = l
		}
	}
	return best, best.Command != ""
}

// redisCommands are the commands an op's name may start with.
var redisCommands = map[string]bool{
	"set": true, "get": true, "mget": true, "scan": true, "hgetall": true, "lrange": true,
	"rpush": true, "rpushx": true, "sadd": true, "srem": true, "hset": true, "del": true, "incr": true,
}

// ServerCommand is the Redis command whose server-side latency (LATENCY
// HISTOGRAM) matches op's client-side one: the op's own name (raw set/get),
// the command its name starts with (startup.lrange_order: lrange), LRANGE
// for the trading reads, GET for get_instrument, and EXEC for the trading
// writes, each of which is one MULTI/EXEC whose queued commands the server
// runs inside EXEC. "" when there is none.
func ServerCommand(op Op) string {
	name := strings.TrimPrefix(op.Name, "startup.")
	if redisCommands[name] {
		return name
	}
	if first, _, ok := strings.Cut(name, "_"); ok && redisCommands[first] {
		return first
	}
	if strings.HasPrefix(name, "read_") {
		return "lrange"
	}
	if op.Class == ClassWrite {
		return "exec"
	}
	return ""
}

// Judge decides the verdict of each class (write, read) under each
// encoding from the merged response histograms of its ops, given the run's
// problems: VerdictInvalid when a problem of SeverityInvalid concerns the
// encoding or the whole run, VerdictTooFew below the sample floor of the
// p99, else VerdictPass when the p99 is under target. Failed operations
// count as slower than the target: with e failures among n+e operations
// the p99 is the (0.99*(n+e))-th fastest, and FAIL when that rank falls
// among the failures.
func Judge(run *Run, problems []Problem, target time.Duration) []Verdict {
	targetUs := float64(target) / float64(time.Microsecond)
	type key struct{ enc, class string }
	var encs []string
	groups := map[key][]Op{}
	for _, op := range run.Ops {
		if op.Class != ClassWrite && op.Class != ClassRead {
			continue // startup commands are judged by the load's total time
		}
		if !containsStr(encs, op.Encoding) {
			encs = append(encs, op.Encoding)
		}
		k := key{op.Encoding, op.Class}
		groups[k] = append(groups[k], op)
	}
	var order []key
	for _, enc := range encs {
		for _, class := range []string{ClassWrite, ClassRead} {
			if len(groups[key{enc, class}]) > 0 {
				order = append(order, key{enc, class})
			}
		}
	}
	var out []Verdict
	for _, k := range order {
		out = append(out, judgeGroup(k.enc, k.class, groups[k], problems, targetUs))
	}
	return out
}

// JudgeOp decides one op kind's verdict by the same rule as Judge, for
// tables that judge each op (the run's table).
func JudgeOp(op Op, problems []Problem, target time.Duration) Verdict {
	return judgeGroup(op.Encoding, op.Class, []Op{op}, problems, float64(target)/float64(time.Microsecond))
}

// judgeGroup decides the verdict of ops together: one class under one
// encoding, or a single op.
func judgeGroup(enc, class string, ops []Op, problems []Problem, targetUs float64) Verdict {
	v := Verdict{Encoding: enc, Class: class, Quantile: VerdictQuantile, TargetUs: targetUs, MinSamples: MinSamples(VerdictQuantile)}
	h := NewHistogram()
	exact := true
	worst := 0.0
	for _, op := range ops {
		v.Count += op.Count
		v.Errors += op.Errors
		worst = math.Max(worst, op.Response.P99)
		if op.ResponseHDR == "" {
			exact = op.Count == 0 && exact
			continue
		}
		if err := mergeHDR(h, op.ResponseHDR); err != nil {
			exact = false
		}
	}
	var reasons []string
	for _, p := range problems {
		if p.Severity == SeverityInvalid && (p.Encoding == "" || p.Encoding == enc) && !containsStr(reasons, p.Message) {
			reasons = append(reasons, p.Message)
		}
	}
	switch {
	case len(reasons) > 0:
		v.Verdict = VerdictInvalid
		v.Reason = strings.Join(reasons, "; ")
		if Enough(VerdictQuantile, v.Count) {
			v.ValueUs = quantileWithFailures(h, exact, worst, VerdictQuantile, v.Errors)
		}
	case !Enough(VerdictQuantile, v.Count):
		v.Verdict = VerdictTooFew
		v.Reason = fmt.Sprintf("%s: %d samples, the p99 needs %d", TooFewSamples, v.Count, v.MinSamples)
	default:
		v.ValueUs = quantileWithFailures(h, exact, worst, VerdictQuantile, v.Errors)
		if v.ValueUs < targetUs {
			v.Verdict = VerdictPass
		} else {
			v.Verdict = VerdictFail
			v.Reason = fmt.Sprintf("p99 %s is not under the %s target", fmtUs(v.ValueUs), fmtUs(targetUs))
			if v.Errors > 0 && Beyond(v.ValueUs) {
				v.Reason = fmt.Sprintf("%d of %d operations failed, more than 1%%, so the p99 is a failure", v.Errors, v.Count+v.Errors)
			}
		}
		if !exact {
			v.Reason = strings.TrimPrefix(v.Reason+"; from the stored p99 (no readable histogram)", "; ")
		}
	}
	return v
}

// quantileWithFailures is h's quantile q when e failed operations count as
// slower than anything recorded: HistMaxUs when the rank falls among them.
// Without a usable histogram (exact false) it falls back to worst.
func quantileWithFailures(h *hdrhistogram.Histogram, exact bool, worst, q float64, e int64) float64 {
	n := h.TotalCount()
	if !exact || n == 0 {
		return worst
	}
	rank := math.Ceil(q * float64(n+e))
	if rank > float64(n) {
		return HistMaxUs
	}
	return float64(h.ValueAtQuantile(100 * rank / float64(n)))
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fmtUs formats microseconds for messages: 812us, 1.24ms, 2.50s, >= 1h.
func fmtUs(us float64) string {
	switch {
	case Beyond(us):
		return BeyondLabel
	case us < 1000:
		return fmt.Sprintf("%.0fus", us)
	case us < 1_000_000:
		return fmt.Sprintf("%.2fms", us/1000)
	default:
		return fmt.Sprintf("%.2fs", us/1e6)
	}
}

func fmtRate(r float64) string {
	if r >= 100 {
		return fmt.Sprintf("%.0f", r)
	}
	return fmt.Sprintf("%.1f", r)
}
