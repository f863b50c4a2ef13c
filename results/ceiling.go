package results

// Ceiling is what rbench run --find-max found: for each buffer interval,
// the highest event rate the node's writer sustained, every step of the
// search that found it, and projections of the ceiling to other round-trip
// times. The method is in docs/writer.md.
type Ceiling struct {
	// Workload is the write workload searched (order-flow, mixed,
	// populate); Node the node flavour.
	Workload string `json:"workload"`
	Node     string `json:"node,omitempty"`
	// TargetP99Us is --target-p99: an unbuffered writer's lag p99 must stay
	// under it; a buffered writer's under LagBoundUs of its search.
	TargetP99Us float64 `json:"target_p99_us"`
	// StepSec is each step's measured length, Repeats how many times each
	// candidate rate runs (a rate passes only when every repeat passes),
	// Precision the bisection's stop: (failed - found) / found.
	StepSec   float64 `json:"step_sec"`
	WarmupSec float64 `json:"warmup_sec,omitempty"`
	Repeats   int     `json:"repeats"`
	Precision float64 `json:"precision"`
	// Method is the search's rules in words, as printed.
	Method   []string        `json:"method"`
	Searches []CeilingSearch `json:"searches"`
	// Projections holds --project-rtt: each search's ceiling and lag
	// projected to another round-trip time.
	Projections []Projection `json:"projections,omitempty"`
	// Assumptions are the projection's, as printed.
	Assumptions []string `json:"assumptions,omitempty"`
}

// CeilingSearch is the search at one buffer interval.
type CeilingSearch struct {
	BufferIntervalMS float64 `json:"buffer_interval_ms"`
	// LagBoundUs is the lag p99 a step must stay under: the target, plus
	// twice the interval when buffered (docs/writer.md).
	LagBoundUs float64 `json:"lag_bound_us"`
	// Found is the highest rate at which every repeat passed (0: none did,
	// down to the search's lowest rate); Failed the lowest rate at which a
	// repeat failed (0: none failed up to the search's highest rate).
	Found  float64 `json:"found"`
	Failed float64 `json:"failed"`
	// FailedBecause is why Failed failed (its first failing repeat).
	FailedBecause []string `json:"failed_because,omitempty"`
	// Confidence says how the figure is bounded, in words: the repeats
	// behind Found and the gap to Failed.
	Confidence string `json:"confidence"`
	// AtCeiling summarises the writer at Found (all its repeats merged).
	AtCeiling *CeilingPoint `json:"at_ceiling,omitempty"`
	Steps     []CeilingStep `json:"steps"`
	// Saturation is the search above the ceiling for the rate at which the
	// writer stops keeping up whatever its lag (its queue grows without
	// bound): Found is the highest rate whose queue did not grow, Failed
	// the lowest whose queue grew (or that failed otherwise, as
	// FailedBecause says), LagBoundUs 0 (none). Nil when not searched
	// (--find-max-saturation=false).
	Saturation *CeilingSearch `json:"saturation,omitempty"`
	// NotWriter marks a saturation search whose Failed rate failed without
	// its queue growing (rbench could not make the rate, or the run was
	// invalid): the writer's saturation lies above Found, how far unknown.
	NotWriter bool `json:"not_writer,omitempty"`
}

// CeilingStep is one measured step of a search: one repeat at one rate.
type CeilingStep struct {
	// N numbers the steps of a search from 1; Phase is "ramp" (the
	// exponential ramp up to the first failure) or "bisect".
	N      int     `json:"n"`
	Phase  string  `json:"phase"`
	Rate   float64 `json:"rate"`
	Repeat int     `json:"repeat"`
	Pass   bool    `json:"pass"`
	// Reasons says why the step failed (every reason), empty when it passed.
	Reasons []string `json:"reasons,omitempty"`
	// Machine marks a failure that rbench's own lateness or CPU explains
	// (a busy machine), not the writer; Retried marks a step run again
	// after such a failure.
	Machine      bool    `json:"machine,omitempty"`
	Retried      bool    `json:"retried,omitempty"`
	AchievedRate float64 `json:"achieved_rate"`
	Dropped      int64   `json:"dropped,omitempty"`
	Calls        int64   `json:"calls"`
	Lag          Latency `json:"lag"`
	LagHDR       string  `json:"lag_hdr,omitempty"`
	// QueueSlope is the queue depth's growth, calls per second (the
	// Theil-Sen slope of the 50 ms samples); QueueGrowth is that slope
	// over the measured window, in calls, and QueueGrowthLimit the growth
	// above which the queue counts as growing.
	QueueSlope       float64 `json:"queue_slope"`
	QueueGrowth      float64 `json:"queue_growth"`
	QueueGrowthLimit float64 `json:"queue_growth_limit"`
	QueueMax         int64   `json:"queue_max"`
	QueueSamples     int     `json:"queue_samples"`
	Busy             float64 `json:"busy"`
	TransactionsPSec float64 `json:"transactions_per_sec"`
	// RoundTripsPerCall is (transactions + reads) / calls; ServicePerRoundTripUs
	// the writer's busy time per round trip.
	RoundTripsPerCall     float64 `json:"round_trips_per_call"`
	MaxRoundTripsPerCall  float64 `json:"max_round_trips_per_call,omitempty"`
	ServicePerRoundTripUs float64 `json:"service_per_round_trip_us"`
	CallsPerFlush         *Counts `json:"calls_per_flush,omitempty"`
	LoadAvg               float64 `json:"load_avg,omitempty"`
	// SendLateP99Us is the generator's own send lateness p99 (pacing):
	// a lag p99 close to it was the machine waking rbench late, not the
	// writer.
	SendLateP99Us float64 `json:"send_late_p99_us,omitempty"`
	// Invalid lists the step run's own validity problems (the table's
	// INVALID reasons), which fail the step too.
	Invalid []string `json:"invalid,omitempty"`
}

// CeilingPoint is the writer at a search's ceiling, its repeats merged.
type CeilingPoint struct {
	Rate          float64 `json:"rate"`
	Lag           Latency `json:"lag"`
	CallsPerFlush *Counts `json:"calls_per_flush,omitempty"`
	Busy          float64 `json:"busy"`
	// RoundTripsPerCall and ServicePerRoundTripUs are the projection's
	// inputs: the writer's round trips per cache call and its busy time
	// per round trip; MaxRoundTripsPerCall the call kind with the most.
	RoundTripsPerCall     float64 `json:"round_trips_per_call"`
	MaxRoundTripsPerCall  float64 `json:"max_round_trips_per_call"`
	ServicePerRoundTripUs float64 `json:"service_per_round_trip_us"`
	// CrashLossUs is the crash-loss window: the lag p99. A call is lost by
	// a crash of the node (kill -9: the writer's queue and buffer are in
	// its memory) from its cache call until the reply of the MULTI/EXEC
	// that carries it, i.e. for exactly its lag; the lag already holds the
	// wait for the flush, so the interval is not added again. CrashLossMaxUs
	// is the worst seen (the lag max); CallsAtRisk the calls a crash at a
	// p99 moment loses, Rate x CrashLossUs.
	CrashLossUs    float64 `json:"crash_loss_us"`
	CrashLossMaxUs float64 `json:"crash_loss_max_us"`
	CallsAtRisk    float64 `json:"calls_at_risk"`
}

// Projection is one search's ceiling projected to another round-trip time.
type Projection struct {
	BufferIntervalMS float64 `json:"buffer_interval_ms"`
	RTTUs            float64 `json:"rtt_us"`
	// CallCostUs is the writer's time per call at this RTT; Capacity
	// 1 / CallCost, the rate at which the writer is always busy.
	CallCostUs float64 `json:"call_cost_us"`
	Capacity   float64 `json:"capacity"`
	// Ceiling is the projected highest rate (0 when the lag bound cannot
	// be met at any rate); LagP50Us and LagP99Us the projected lag there.
	Ceiling  float64 `json:"ceiling"`
	LagP50Us float64 `json:"lag_p50_us"`
	LagP99Us float64 `json:"lag_p99_us"`
	// LagFloorP99Us is the least lag p99 any rate can have at this RTT:
	// the slowest call kind's round trips, each RTT plus service.
	LagFloorP99Us float64 `json:"lag_floor_p99_us"`
	Note          string  `json:"note,omitempty"`
}
