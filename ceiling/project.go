package ceiling

import (
	"fmt"
	"math"
	"time"

	"github.com/rbench/rbench/results"
)

// Assumptions are the projection's, printed with it and kept in the
// results (Ceiling.Assumptions).
var Assumptions = []string{
	"each round trip of the writer (a MULTI/EXEC, or a Rust node's LRANGE) costs the link's RTT plus the service time measured here: the writer's busy time per round trip at the ceiling, which holds this link's own round trip too, so the projection errs slow by it (tens of microseconds on loopback)",
	"one MULTI/EXEC per command unbuffered: a call costs (round trips per call) x (RTT + service); the writer's capacity is 1 / that",
	"the writer runs at the utilisation it ran at the measured ceiling (busy share), so the projected ceiling is that utilisation over the call's cost, lowered where the lag model says the bound is passed",
	"unbuffered lag = the call's own round trips + queueing; queueing grows as rho/(1-rho) times the call's cost (Kingman, paced arrivals), fitted to the measured median lag at the ceiling, its p99 6.6 times its median (an exponential tail; the measured p99 on a shared machine is mostly stalls, which do not grow with the RTT); the slowest call kind's round trips alone (its round trips x (RTT + service)) are the least lag p99 any rate can have",
	"buffered lag = the wait for the timer, which the RTT does not change, + the flush's part, which grows with the flush's cost (round trips per flush x (RTT + service))",
	"Redis's own time per command and rbench's CPU per call do not depend on the RTT; the network has no loss and no bandwidth limit",
}

// Project projects a search's ceiling to a round-trip time rtt, with the
// lag bound of the search's interval and target.
func Project(s results.CeilingSearch, rtt time.Duration) results.Projection {
	rttUs := float64(rtt) / float64(time.Microsecond)
	p := results.Projection{BufferIntervalMS: s.BufferIntervalMS, RTTUs: rttUs}
	at := s.AtCeiling
	if at == nil || at.RoundTripsPerCall <= 0 || at.ServicePerRoundTripUs <= 0 {
		p.Note = "no ceiling was measured: nothing to project from"
		return p
	}
	k, svc := at.RoundTripsPerCall, at.ServicePerRoundTripUs
	c0 := k * svc
	p.CallCostUs = k * (svc + rttUs)
	p.Capacity = 1e6 / p.CallCostUs
	rho0 := math.Min(0.99, at.Rate*c0/1e6)
	bound := s.LagBoundUs
	intervalUs := s.BufferIntervalMS * 1e3
	if intervalUs > 0 {
		return projectBuffered(p, *at, intervalUs, rttUs, bound)
	}
	kmax := math.Max(at.MaxRoundTripsPerCall, k)
	s99 := func(r float64) float64 { return kmax * (svc + r) }
	s50 := func(r float64) float64 { return k * (svc + r) }
	// The queueing is fitted to the median lag, which a stall of the
	// machine does not move, and its p99 taken from an exponential tail
	// (p99/p50 = ln 100 / ln 2): a loopback p99 is mostly the machine's
	// stalls, which do not grow with the RTT as queueing does.
	q50 := math.Max(0, at.Lag.P50-s50(0)) / c0
	q99 := q50 * math.Log(100) / math.Log(2)
	k0 := rho0 / (1 - rho0)
	lag := func(sr func(float64) float64, q, rho float64) float64 {
		return sr(rttUs) + q*(rho/(1-rho))/k0*p.CallCostUs
	}
	p.LagFloorP99Us = s99(rttUs)
	if p.LagFloorP99Us > bound {
		p.Note = fmt.Sprintf("no rate meets the bound %s: the slowest call's %.1f round trips alone take %s", fmtUs(bound), kmax, fmtUs(p.LagFloorP99Us))
		return p
	}
	rho := rho0
	if lag(s99, q99, rho) > bound {
		lo, hi := 0.0, rho0
		for range 60 {
			mid := (lo + hi) / 2
			if lag(s99, q99, mid) <= bound {
				lo = mid
			} else {
				hi = mid
			}
		}
		rho = lo
		p.Note = "lowered below the measured utilisation by the lag model"
	}
	p.Ceiling = rho * 1e6 / p.CallCostUs
	p.LagP99Us = lag(s99, q99, rho)
	p.LagP50Us = lag(s50, q50, rho)
	return p
}

// projectBuffered is the buffered writer's model: a flush carries the
// calls of an interval plus the previous flush, N = R (I + F), and takes
// F = r m + (b + r k') N: one round trip per flush (m = 1) plus the
// calls' own extra round trips (k', a Rust node's update_order), and b of
// the writer's time per call. So F = (r + (b + r k') R I) / (1 - (b + r k') R).
// b comes from the measured busy share u = F / (I + F) at the ceiling
// (loopback, r ~ 0: b = u / R); the lag is I + kappa F (p99) and I/2 +
// kappa50 F (p50), kappa fitted to the measured lag (about 2: the wait for
// the timer is up to I plus the previous flush, then the flush itself).
func projectBuffered(p results.Projection, at results.CeilingPoint, intervalUs, rttUs, bound float64) results.Projection {
	I, r := intervalUs/1e6, rttUs/1e6
	u := math.Min(0.99, at.Busy)
	f0 := I * u / (1 - u)
	b := u / at.Rate
	n0 := at.Rate * (I + f0)
	if at.CallsPerFlush != nil && at.CallsPerFlush.P50 > 0 {
		n0 = at.CallsPerFlush.P50
	}
	extra := math.Max(0, at.RoundTripsPerCall-1/math.Max(1, n0))
	per := b + r*extra
	flush := func(rate float64) float64 {
		if per*rate >= 1 {
			return math.Inf(1)
		}
		return (r + per*rate*I) / (1 - per*rate)
	}
	k99, k50 := 2.0, 1.5
	if f0 > 0 {
		k99 = math.Max(0, at.Lag.P99/1e6-I) / f0
		k50 = math.Max(0, at.Lag.P50/1e6-I/2) / f0
	}
	lag99 := func(rate float64) float64 { return (I + k99*flush(rate)) * 1e6 }
	p.CallCostUs = per * 1e6
	p.Capacity = 1 / per
	p.LagFloorP99Us = lag99(0)
	if p.LagFloorP99Us > bound {
		p.Note = fmt.Sprintf("no rate meets the bound %s: an interval and its flush's round trip alone take %s", fmtUs(bound), fmtUs(p.LagFloorP99Us))
		return p
	}
	rate := at.Rate
	if lag99(rate) > bound {
		lo, hi := 0.0, rate
		for range 60 {
			mid := (lo + hi) / 2
			if lag99(mid) <= bound {
				lo = mid
			} else {
				hi = mid
			}
		}
		rate = lo
		p.Note = "lowered below the measured ceiling by the lag model"
	}
	p.Ceiling = rate
	p.LagP99Us = lag99(rate)
	p.LagP50Us = (I/2 + k50*flush(rate)) * 1e6
	return p
}
