package ceiling

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/results"
)

func TestSlope(t *testing.T) {
	every := 50 * time.Millisecond
	ramp := make([]int64, 60)
	saw := make([]int64, 60)
	spiked := make([]int64, 60)
	for i := range ramp {
		ramp[i] = int64(i * 10) // 10 calls per 50 ms: 200/s
		saw[i] = int64((i % 4) * 100)
	}
	spiked[30], spiked[31] = 5000, 2500 // one stall, drained
	for _, tc := range []struct {
		name   string
		in     []int64
		lo, hi float64
	}{
		{"ramp", ramp, 199, 201},
		{"saw tooth", saw, -40, 40},
		{"one stall", spiked, -1, 1},
		{"flat", make([]int64, 10), 0, 0},
	} {
		if got := Slope(tc.in, every); got < tc.lo || got > tc.hi {
			t.Errorf("%s: slope %v, want %v to %v", tc.name, got, tc.lo, tc.hi)
		}
	}
	long := make([]int64, 5000)
	for i := range long {
		long[i] = int64(i)
	}
	if got := Slope(long, every); math.Abs(got-20) > 0.5 {
		t.Errorf("thinned: slope %v, want 20", got)
	}
}

// stepRun is a run whose writer had lag p99 p99 and a queue growing by
// grow calls per 50 ms sample.
func stepRun(rate, p99 float64, grow int64, calls int64) *results.Run {
	depth := make([]int64, 40)
	for i := range depth {
		depth[i] = int64(i) * grow
	}
	qm := depth[len(depth)-1]
	return &results.Run{
		Meta:   results.Meta{MeasuredSec: 2},
		Pacing: []results.Pacing{{AchievedRate: rate}},
		Writer: []results.Writer{{Calls: calls, Transactions: 4 * calls, Writers: 1, Busy: 0.5,
			Lag: results.Latency{P50: p99 / 4, P99: p99, Count: calls}, QueueMax: &qm, QueueDepth: depth, QueueDepthEveryMS: 50,
			Kinds: []results.WriterKind{{Name: "update_order", Calls: calls / 2, Transactions: 3 * calls}}}},
		Validity: &results.Validity{Valid: true},
	}
}

func TestJudge(t *testing.T) {
	bound := time.Millisecond
	for _, tc := range []struct {
		name string
		run  *results.Run
		pass bool
		why  string
	}{
		{"good", stepRun(1000, 500, 0, 2000), true, ""},
		{"slow", stepRun(1000, 1500, 0, 2000), false, "lag p99 1.50ms over the bound 1.00ms"},
		{"growing", stepRun(1000, 500, 5, 2000), false, "queue grew"},
		{"few", stepRun(1000, 500, 0, 999), false, "too few calls for a p99: 999 of the 1000"},
		{"no writer", &results.Run{}, false, "no writer figures"},
	} {
		st := Judge(tc.run, 1000, bound)
		if st.Pass != tc.pass || (tc.why != "" && !strings.Contains(strings.Join(st.Reasons, "; "), tc.why)) {
			t.Errorf("%s: pass %v reasons %q, want pass %v with %q", tc.name, st.Pass, st.Reasons, tc.pass, tc.why)
		}
	}
	st := Judge(stepRun(1000, 500, 0, 2000), 1000, bound)
	if st.RoundTripsPerCall != 4 || st.MaxRoundTripsPerCall != 6 || math.Abs(st.ServicePerRoundTripUs-125) > 1e-9 {
		t.Errorf("round trips %v max %v service %v, want 4, 6 and 125 us (0.5 x 2 s over 8000)", st.RoundTripsPerCall, st.MaxRoundTripsPerCall, st.ServicePerRoundTripUs)
	}
	// Buffered 100 ms over 2 s: the last interval's calls are dropped by
	// design; 1,750 calls of 2,000 due pass (1,800 due up to two intervals
	// before the end), 1,600 do not, and the run's own rate check is not
	// held against it.
	for _, tc := range []struct {
		calls int64
		pass  bool
	}{{1750, true}, {1600, false}} {
		b := stepRun(1000, 500, 0, tc.calls)
		b.Meta.Workload.DurationSec = 2
		b.Writer[0].Mode, b.Writer[0].BufferIntervalMS = results.WriterBuffered, 100
		b.Validity = &results.Validity{Problems: []results.Problem{{Kind: results.ProblemRateNotReached, Severity: results.SeverityInvalid, Message: "target rate not reached"}}}
		if st := Judge(b, 1000, 201*time.Millisecond); st.Pass != tc.pass {
			t.Errorf("buffered, %d calls: pass %v (%q), want %v", tc.calls, st.Pass, st.Reasons, tc.pass)
		}
	}
	bad := stepRun(1000, 500, 0, 2000)
	bad.Validity = &results.Validity{Problems: []results.Problem{{Kind: results.ProblemRateNotReached, Severity: results.SeverityInvalid, Message: "target rate not reached. more"}}}
	bad.Writer[0].Busy = 0.2
	if st := Judge(bad, 1000, bound); st.Pass || !strings.Contains(st.Reasons[0], "rbench built the calls too slowly") {
		t.Errorf("an invalid run: %+v", st.Reasons)
	}
}

// TestSearch runs the search against a writer that passes up to a known
// rate, each repeat judged on a synthetic run.
func TestSearch(t *testing.T) {
	for _, tc := range []struct {
		name       string
		limit      float64
		flakyAt    float64 // a rate whose second repeat fails
		found      float64
		failed     float64
		confidence string
	}{
		{"bisected", 3300, 0, 3250, 3500, "3,250/s passed 2 of 2 repeats; 3,500/s failed one (8% higher)"},
		{"start fails", 180, 0, 175, 190, "175/s passed"},
		{"none", 10, 0, 0, 65, "no rate passed: the lowest tried, 65/s"},
		{"never fails", 1e9, 0, 4000, 0, "no rate failed up to the search's highest (4,000/s)"},
		{"a repeat fails", 3300, 2000, 1880, 2000, "1,880/s passed 2 of 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			o := Options{Start: 500, Max: 4000, Precision: 0.1, Progress: &buf, Label: "[test]",
				Run: func(_ context.Context, rate float64, repeat int) (*results.Run, error) {
					p99 := 500.0
					if rate > tc.limit || (rate == tc.flakyAt && repeat == 2) {
						p99 = 5000
					}
					return stepRun(rate, p99, 0, 2000), nil
				}}
			res, err := Search(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			s := res.Search
			if s.Found != tc.found || s.Failed != tc.failed || !strings.Contains(s.Confidence, tc.confidence) {
				t.Fatalf("found %v failed %v (%s), want %v, %v (%s)\n%s", s.Found, s.Failed, s.Confidence, tc.found, tc.failed, tc.confidence, buf.String())
			}
			if tc.found > 0 && (len(res.Runs) != 2 || s.AtCeiling == nil || s.AtCeiling.Rate != tc.found) {
				t.Errorf("ceiling runs %d, at ceiling %+v", len(res.Runs), s.AtCeiling)
			}
			if n := strings.Count(buf.String(), "\nfind-max [test] step ") + 1; n != len(s.Steps) {
				t.Errorf("%d progress lines for %d steps:\n%s", n, len(s.Steps), buf.String())
			}
		})
	}
	if _, err := Search(context.Background(), Options{}); err != ErrNoRun {
		t.Errorf("no Run: %v", err)
	}
}

// TestSaturation: above a lag-bound ceiling the saturation search finds
// the rate at which the queue starts to grow; where the ceiling's next
// failed rate already grew the queue, it runs nothing more; where nothing
// failed, nothing is searched.
func TestSaturation(t *testing.T) {
	for _, tc := range []struct {
		name                string
		lagLimit, satLimit  float64
		found, failed       float64
		extraSteps          bool
		confidence, because string
	}{
		{"lag first", 1000, 3300, 3100, 3330, true, "3,100/s passed 2 of 2 repeats; 3,330/s failed one (7% higher): the saturation lies between them", "queue grew"},
		{"together", 1000, 1000, 1000, 1070, false, "already grew the queue", "queue grew"},
		{"never fails", 1e9, 1e9, 4000, 0, false, "not searched", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			o := Options{Start: 500, Max: 4000, Precision: 0.1, Progress: &buf, Label: "[test]", Saturation: true,
				Run: func(_ context.Context, rate float64, _ int) (*results.Run, error) {
					p99, grow := 500.0, int64(0)
					if rate > tc.lagLimit {
						p99 = 5000
					}
					if rate > tc.satLimit {
						grow = int64(rate / 100) // rate/5 calls a second more: the writer drains 80%
					}
					return stepRun(rate, p99, grow, 2000), nil
				}}
			res, err := Search(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			sat := res.Search.Saturation
			if sat == nil {
				t.Fatalf("no saturation search:\n%s", buf.String())
			}
			if sat.Found != tc.found || sat.Failed != tc.failed || !strings.Contains(sat.Confidence, tc.confidence) ||
				!strings.Contains(strings.Join(sat.FailedBecause, "; "), tc.because) {
				t.Fatalf("saturation found %v failed %v (%s, %q), want %v, %v (%s, %q)\n%s", sat.Found, sat.Failed, sat.Confidence, sat.FailedBecause,
					tc.found, tc.failed, tc.confidence, tc.because, buf.String())
			}
			if (len(sat.Steps) > 0) != tc.extraSteps {
				t.Errorf("%d saturation steps, want steps %v", len(sat.Steps), tc.extraSteps)
			}
			for _, st := range sat.Steps {
				if !strings.HasPrefix(st.Phase, "saturate ") || (st.Pass && st.Lag.P99 <= 500 && st.Rate > tc.lagLimit) {
					t.Errorf("saturation step %+v: want a saturate phase, judged without the lag bound", st)
				}
			}
			if tc.extraSteps && (sat.AtCeiling == nil || sat.AtCeiling.Rate != tc.found || sat.LagBoundUs != 0) {
				t.Errorf("at saturation %+v, lag bound %v: want the figures at %v/s and no lag bound", sat.AtCeiling, sat.LagBoundUs, tc.found)
			}
			if !strings.Contains(buf.String(), "find-max [test]: saturation ") {
				t.Errorf("no saturation summary in the progress:\n%s", buf.String())
			}
		})
	}
}

// TestSaturationNotTheWriter: a saturation step that fails while its
// queue stays flat and the writer idles is rbench not making the rate, not
// the writer giving out; the search says so instead of calling it the
// saturation.
func TestSaturationNotTheWriter(t *testing.T) {
	o := Options{Start: 500, Max: 8000, Precision: 0.1, Saturation: true,
		Run: func(_ context.Context, rate float64, _ int) (*results.Run, error) {
			p99 := 500.0
			if rate > 1000 {
				p99 = 5000
			}
			r := stepRun(rate, p99, 0, 2000)
			if rate > 3000 {
				r.Writer[0].Busy = 0.2
				r.Validity = &results.Validity{Problems: []results.Problem{{Kind: results.ProblemRateNotReached, Severity: results.SeverityInvalid, Message: "target rate not reached"}}}
			}
			return r, nil
		}}
	res, err := Search(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	sat := res.Search.Saturation
	if sat == nil || !sat.NotWriter || sat.Found < 2700 || sat.Found > 3000 || !strings.Contains(sat.Confidence, "rbench could not make the rate") {
		t.Fatalf("saturation %+v: want it bounded below about 3,000/s and marked as rbench's limit, not the writer's", sat)
	}
}

func TestProject(t *testing.T) {
	// An unbuffered writer at its ceiling: 1000 calls/s, 4 round trips of
	// 100 us each per call (busy 40%), lag p99 1 ms (the bound).
	s := results.CeilingSearch{LagBoundUs: 2000, AtCeiling: &results.CeilingPoint{Rate: 1000, Busy: 0.4,
		RoundTripsPerCall: 4, MaxRoundTripsPerCall: 6, ServicePerRoundTripUs: 100,
		Lag: results.Latency{P50: 450, P99: 1000}}}
	same := Project(s, 0)
	if math.Abs(same.Ceiling-1000) > 1 || math.Abs(same.LagP50Us-450) > 1 || same.LagP99Us > 2000 || math.Abs(same.Capacity-2500) > 1 {
		t.Errorf("at the measured RTT: %+v, want the measured ceiling and median lag, a p99 within the bound and 2500/s capacity", same)
	}
	far := Project(s, 100*time.Microsecond)
	if far.CallCostUs != 800 || far.Capacity != 1250 || far.Ceiling > 500+1e-6 || far.LagP99Us > 2000+1e-6 {
		t.Errorf("at 100us: %+v, want cost 800us, capacity 1250/s, at most half the ceiling and lag within the bound", far)
	}
	none := Project(s, time.Millisecond)
	if none.Ceiling != 0 || !strings.Contains(none.Note, "no rate meets the bound") {
		t.Errorf("at 1ms: %+v, want no ceiling (6 round trips of 1.1 ms)", none)
	}
	// Buffered 100 ms: the RTT adds a round trip per flush.
	b := results.CeilingSearch{BufferIntervalMS: 100, LagBoundUs: 201000, AtCeiling: &results.CeilingPoint{Rate: 10000, Busy: 0.2,
		RoundTripsPerCall: 0.001, ServicePerRoundTripUs: 25000, CallsPerFlush: &results.Counts{P50: 1000},
		Lag: results.Latency{P50: 80000, P99: 150000}}}
	bb := Project(b, time.Millisecond)
	if bb.Ceiling != 10000 || bb.LagP99Us <= 150000 || bb.LagP99Us > 160000 {
		t.Errorf("buffered at 1ms: %+v, want the measured ceiling and a little more lag", bb)
	}
}

// TestRetryOnTheMachine: a repeat that failed only because rbench itself
// was late runs again; a writer failure does not.
func TestRetryOnTheMachine(t *testing.T) {
	calls := map[float64]int{}
	o := Options{Start: 1000, Max: 1000, Repeats: 1, Retries: 1,
		Run: func(_ context.Context, rate float64, _ int) (*results.Run, error) {
			calls[rate]++
			r := stepRun(rate, 500, 0, 2000)
			if calls[rate] == 1 {
				r.Writer[0].Lag.P99 = 5000
				r.Pacing[0].SendLate = &results.Latency{P99: 4000}
			}
			return r, nil
		}}
	res, err := Search(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	s := res.Search
	if s.Found != 1000 || len(s.Steps) != 2 || !s.Steps[0].Machine || !s.Steps[1].Retried || !s.Steps[1].Pass {
		t.Fatalf("found %v, steps %+v: want 1000/s passed on its second attempt", s.Found, s.Steps)
	}
	st := Judge(stepRun(1000, 5000, 0, 2000), 1000, time.Millisecond)
	if st.Pass || st.Machine {
		t.Errorf("a slow writer with a punctual sender: pass %v machine %v, want a writer failure", st.Pass, st.Machine)
	}
}
