package workloads

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// A Pacer decides when each operation of an open-loop run is due.
//
// Pace returns how long after elapsed (time since the start of the paced
// phase) the operation numbered hits (0-based: hits operations were scheduled
// before it) is due, or zero when it is already due. stop reports that the
// schedule has no more operations. Pace must be a pure function of its
// arguments: the engine calls Pace(0, n) to learn the intended send time of
// operation n, so every operation carries the time the schedule meant to send
// it, which is where its response time starts (wrk2's correction for
// coordinated omission).
//
// Rate returns the intended rate in operations per second at elapsed.
//
// Pacers are safe for concurrent use: they hold no mutable state.
type Pacer interface {
	Pace(elapsed time.Duration, hits uint64) (wait time.Duration, stop bool)
	Rate(elapsed time.Duration) float64
}

var (
	_ Pacer = ConstantPacer{}
	_ Pacer = StepPacer{}
	_ Pacer = LinearPacer{}
)

// ErrBadRate reports an unusable --rate or --rate-schedule.
var ErrBadRate = errors.New("bad rate")

// ConstantPacer sends Freq operations per second, evenly spaced; operation n
// is due at n/Freq seconds. Freq must be positive.
type ConstantPacer struct {
	Freq float64 // operations per second
}

// Pace implements Pacer.
func (p ConstantPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if p.Freq <= 0 {
		return 0, true
	}
	return waitFor(secondsDur(float64(hits)/p.Freq), elapsed), false
}

// Rate implements Pacer.
func (p ConstantPacer) Rate(time.Duration) float64 { return p.Freq }

func (p ConstantPacer) String() string { return "constant " + fmtRate(p.Freq) }

// StepPacer holds each rate of Rates for Step, then keeps the last rate until
// the run ends: Rates {1000, 5000} with Step 10s sends 1000/s for 10 s, then
// 5000/s. Every rate must be positive and Step must be positive.
type StepPacer struct {
	Rates []float64 // operations per second, in order
	Step  time.Duration
}

// Pace implements Pacer.
func (p StepPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if len(p.Rates) == 0 || p.Step <= 0 {
		return 0, true
	}
	n := float64(hits)
	step := p.Step.Seconds()
	var start float64 // operations scheduled before step i
	for i, r := range p.Rates {
		if r <= 0 {
			return 0, true
		}
		inStep := r * step
		if i == len(p.Rates)-1 || n < start+inStep {
			return waitFor(secondsDur(float64(i)*step+(n-start)/r), elapsed), false
		}
		start += inStep
	}
	return 0, true // unreachable: the last step absorbs every n
}

// Rate implements Pacer.
func (p StepPacer) Rate(elapsed time.Duration) float64 {
	if len(p.Rates) == 0 || p.Step <= 0 {
		return 0
	}
	i := int(elapsed / p.Step)
	if i >= len(p.Rates) {
		i = len(p.Rates) - 1
	}
	return p.Rates[i]
}

func (p StepPacer) String() string {
	parts := make([]string, len(p.Rates))
	for i, r := range p.Rates {
		parts[i] = fmtRate(r)
	}
	return "step " + strings.Join(parts, ",") + " every " + p.Step.String()
}

// LinearPacer ramps the rate linearly from Start to End operations per second
// over Over, then keeps End. Start may be zero; End and Over must be positive.
type LinearPacer struct {
	Start, End float64 // operations per second
	Over       time.Duration
}

// Pace implements Pacer. Operation n is due at the t where the integral of
// the rate from 0 to t reaches n.
func (p LinearPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if p.End <= 0 || p.Start < 0 || p.Over <= 0 {
		return 0, true
	}
	n := float64(hits)
	T := p.Over.Seconds()
	a := p.Start
	b := (p.End - p.Start) / T
	inRamp := a*T + b*T*T/2
	var t float64
	switch {
	case n >= inRamp:
		t = T + (n-inRamp)/p.End
	case b == 0:
		t = n / a
	default:
		// Solve a*t + b/2*t^2 = n for the root in [0, T].
		t = (-a + math.Sqrt(a*a+2*b*n)) / b
	}
	return waitFor(secondsDur(t), elapsed), false
}

// Rate implements Pacer.
func (p LinearPacer) Rate(elapsed time.Duration) float64 {
	if elapsed >= p.Over || p.Over <= 0 {
		return p.End
	}
	return p.Start + (p.End-p.Start)*elapsed.Seconds()/p.Over.Seconds()
}

func (p LinearPacer) String() string {
	return "ramp " + fmtRate(p.Start) + "->" + fmtRate(p.End) + " over " + p.Over.String()
}

func waitFor(at, elapsed time.Duration) time.Duration {
	if at <= elapsed {
		return 0
	}
	return at - elapsed
}

func secondsDur(s float64) time.Duration {
	if s >= float64(math.MaxInt64)/1e9 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(s * 1e9)
}

func fmtRate(r float64) string { return strconv.FormatFloat(r, 'f', -1, 64) + "/s" }

// maxRate bounds every rate a schedule may name: far above what one load
// generator can send, low enough that schedule arithmetic stays exact.
const maxRate = 1e9

// ParsePacer builds the pacer for --rate and --rate-schedule. Both empty (rate
// 0, schedule "") means closed loop and returns a nil Pacer. Setting both is
// an error.
//
// Grammar of schedule:
//
//	step:R1,R2,...,Rn@D   hold each rate Ri (ops/s) for D, then keep Rn
//	ramp:A->B@D           rise linearly from A to B ops/s over D, then keep B
//	constant:R            same as --rate R
//
// Rates are decimal numbers (1000, 2.5e4); A may be 0, every other rate must
// be positive. D is a Go duration ("10s", "1m30s"). Example:
// "step:1000,5000,10000@10s", "ramp:1000->20000@30s".
func ParsePacer(rate float64, schedule string) (Pacer, error) {
	schedule = strings.TrimSpace(schedule)
	if schedule == "" {
		switch {
		case rate == 0:
			return nil, nil
		case !(rate > 0) || rate > maxRate:
			return nil, fmt.Errorf("%w: --rate %v: want a number of operations per second above 0 and at most 1e9, or 0 for closed loop", ErrBadRate, rate)
		}
		return ConstantPacer{Freq: rate}, nil
	}
	if rate != 0 {
		return nil, fmt.Errorf("%w: --rate %v and --rate-schedule %q both set: use one", ErrBadRate, rate, schedule)
	}
	bad := func(why string) error {
		return fmt.Errorf("%w: --rate-schedule %q: %s (examples: step:1000,5000,10000@10s, ramp:1000->20000@30s, constant:5000)", ErrBadRate, schedule, why)
	}
	kind, rest, ok := strings.Cut(schedule, ":")
	if !ok {
		return nil, bad("missing the kind before ':'")
	}
	if kind == "constant" {
		r, err := parseRate(rest, false)
		if err != nil {
			return nil, bad(err.Error())
		}
		return ConstantPacer{Freq: r}, nil
	}
	body, durS, ok := strings.Cut(rest, "@")
	if !ok {
		return nil, bad("missing '@duration'")
	}
	d, err := time.ParseDuration(strings.TrimSpace(durS))
	if err != nil || d <= 0 || d > 24*365*time.Hour {
		return nil, bad(fmt.Sprintf("duration %q: want a positive Go duration such as 10s", durS))
	}
	switch kind {
	case "step":
		fields := strings.Split(body, ",")
		if len(fields) > 10000 {
			return nil, bad("more than 10000 steps")
		}
		rates := make([]float64, 0, len(fields))
		for _, f := range fields {
			r, err := parseRate(f, false)
			if err != nil {
				return nil, bad(err.Error())
			}
			rates = append(rates, r)
		}
		return StepPacer{Rates: rates, Step: d}, nil
	case "ramp":
		aS, bS, ok := strings.Cut(body, "->")
		if !ok {
			return nil, bad("a ramp is START->END")
		}
		a, err := parseRate(aS, true)
		if err != nil {
			return nil, bad(err.Error())
		}
		b, err := parseRate(bS, false)
		if err != nil {
			return nil, bad(err.Error())
		}
		return LinearPacer{Start: a, End: b, Over: d}, nil
	default:
		return nil, bad(fmt.Sprintf("unknown kind %q: want step, ramp or constant", kind))
	}
}

func parseRate(s string, zeroOK bool) (float64, error) {
	s = strings.TrimSpace(s)
	r, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(r) || r > maxRate || r < 0 || (r == 0 && !zeroOK) {
		if zeroOK {
			return 0, fmt.Errorf("rate %q: want a number from 0 to 1e9", s)
		}
		return 0, fmt.Errorf("rate %q: want a number above 0 and at most 1e9", s)
	}
	return r, nil
}

// pacerString describes p for results and the terminal.
func pacerString(p Pacer) string {
	if p == nil {
		return "closed loop"
	}
	if s, ok := p.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", p)
}
