// Package results owns rbench's on-disk result format: one JSON document per
// run with a schema_version, per-operation latency summaries and the HDR
// histograms they came from (V2 compressed, base64, readable by other
// HdrHistogram tools), per-second series, and optional recovery, server-side
// and capacity-plan sections.
//
// Latency figures are microseconds (float64, so sub-microsecond codec times
// survive); field names carry the unit.
package results

import "time"

// Format marks a file as rbench results, so foreign JSON is told apart from a
// newer schema.
const Format = "rbench-results"

// SchemaVersion is the version this build writes and the newest it reads.
const SchemaVersion = 1

// Histogram range shared by every latency histogram rbench records: 1 us to
// 1 hour at 3 significant digits (a recorded value is within 0.1% of the
// true one), values in microseconds. Nothing is clamped silently: a latency
// beyond the hour is recorded as HistMaxUs and counted in Latency.Overflow,
// and every figure at or above HistMaxUs is shown as ">= 1h" (FormatUs).
// Faster than 1 us counts as 1 us.
const (
	HistMinUs  = 1
	HistMaxUs  = 3_600_000_000
	HistDigits = 3
)

// Codec and send-lateness histograms are in nanoseconds, at 2 significant
// digits (1%): encodes often take well under a microsecond, and so does a
// calibrated sender's lateness. Codec times range from 1 ns to 60 s,
// lateness from 1 ns to 1 hour; beyond is counted as overflow like latency.
const (
	CodecMaxNs     = 60_000_000_000
	CodecDigits    = 2
	SendLateMaxNs  = 3_600_000_000_000
	SendLateDigits = 2
)

// Op classes, used by gates (write.p99, read.p99.9) and the report.
const (
	ClassWrite   = "write"
	ClassRead    = "read"
	ClassStartup = "startup"
)

// Run is one results file.
type Run struct {
	Format        string        `json:"format"`
	SchemaVersion int           `json:"schema_version"`
	Meta          Meta          `json:"meta"`
	Ops           []Op          `json:"ops,omitempty"`
	Pacing        []Pacing      `json:"pacing,omitempty"`
	Writer        []Writer      `json:"writer,omitempty"`
	Errors        ErrorCounts   `json:"errors"`
	Startup       []StartupLoad `json:"startup,omitempty"`
	Payloads      []PayloadSize `json:"payloads,omitempty"`
	Server        *ServerView   `json:"server,omitempty"`
	Recovery      *Recovery     `json:"recovery,omitempty"`
	Plan          *Plan         `json:"plan,omitempty"`
	Warnings      []string      `json:"warnings,omitempty"`
	// Validity says whether the run measured what it set out to (see
	// Assess); Verdicts are the PASS/FAIL per encoding and class against
	// the latency target, decided only where the run is valid and the
	// samples suffice. Both are recomputed by Assess and Merge.
	Validity *Validity `json:"validity,omitempty"`
	Verdicts []Verdict `json:"verdicts,omitempty"`
	// Repeats holds each input's own figures when the run is a merge of
	// repeats (Meta.Merge is "repeats"), so their spread is kept.
	Repeats []Repeat `json:"repeats,omitempty"`
	// Incomplete says why the run did not finish (interrupted, a scale or
	// a cycle missing); empty when it did. Its figures are what was
	// measured before it stopped, and every gate threshold on it fails.
	Incomplete []string `json:"incomplete,omitempty"`
	// Noise is the spread of the figures a baseline check compares
	// (EstimateNoise), so a baseline carries its own noise; nil in files
	// older than it.
	Noise *Noise `json:"noise,omitempty"`
	// Ceiling is rbench run --find-max's search (ceiling.go); the run's
	// other sections are then the writer at the first search's ceiling.
	Ceiling *Ceiling `json:"ceiling,omitempty"`
}

// Meta describes where, when and how a run was made.
type Meta struct {
	RunID string `json:"run_id"`
	// Name labels the run in reports and comparisons (default: the workload).
	Name  string    `json:"name"`
	Tool  Tool      `json:"tool"`
	Host  Host      `json:"host"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// MeasuredSec is the measured part of the run, warm-up excluded.
	MeasuredSec float64           `json:"measured_sec"`
	WarmupSec   float64           `json:"warmup_sec"`
	Target      Target            `json:"target"`
	Config      map[string]string `json:"config,omitempty"` // effective configuration, secrets as ****
	Workload    Workload          `json:"workload"`
	// Sources lists the files a merged run came from.
	Sources []string `json:"sources,omitempty"`
	// Merge says how a merged run combined its sources: "concurrent"
	// (generators that ran at the same time: rates add) or "repeats" (runs
	// one after another: rates are the mean); "" for a run that was not
	// merged.
	Merge string `json:"merge,omitempty"`
	// MeasuredStart and MeasuredEnd bound the measured part of the run
	// (the first measured phase's start to the last one's end), wall clock;
	// zero in files older than them.
	MeasuredStart time.Time `json:"measured_start,omitzero"`
	MeasuredEnd   time.Time `json:"measured_end,omitzero"`
}

// Tool is the rbench build that made the run.
type Tool struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"go_version"`
}

// Host is the load generator's machine.
type Host struct {
	Hostname string `json:"hostname,omitempty"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	CPUModel string `json:"cpu_model"`
	Cores    int    `json:"cores"`
}

// Target is the Redis server measured.
type Target struct {
	Addr            string `json:"addr"`
	Throwaway       bool   `json:"throwaway"`
	ServerVersion   string `json:"server_version"`
	Mode            string `json:"mode"` // standalone, cluster, sentinel
	Role            string `json:"role"`
	AOFEnabled      bool   `json:"aof_enabled"`
	Appendfsync     string `json:"appendfsync"`
	Save            string `json:"save"` // RDB save points, "" when off
	Maxmemory       int64  `json:"maxmemory"`
	MaxmemoryPolicy string `json:"maxmemory_policy"`
}

// Workload is the specification the run executed, enough to repeat it.
type Workload struct {
	Name             string   `json:"name"`
	Seed             int64    `json:"seed"`
	Connections      int      `json:"connections"`
	Pipeline         int      `json:"pipeline"`
	DurationSec      float64  `json:"duration_sec,omitempty"`
	Ops              int64    `json:"ops,omitempty"`
	WarmupSec        float64  `json:"warmup_sec,omitempty"`
	Rate             float64  `json:"rate,omitempty"` // target ops/s; 0 means closed loop
	Pacer            string   `json:"pacer,omitempty"`
	Keys             int64    `json:"keys,omitempty"`
	Encodings        []string `json:"encodings,omitempty"`
	ReadRatio        float64  `json:"read_ratio,omitempty"`
	BufferIntervalMS int      `json:"buffer_interval_ms,omitempty"`
	// Drain: an open-loop run worked off its backlog after the duration
	// (--drain) instead of dropping it.
	Drain        bool           `json:"drain,omitempty"`
	Distribution string         `json:"distribution,omitempty"`
	File         string         `json:"file,omitempty"`
	Params       map[string]any `json:"params,omitempty"`
	// Node holds the node options the trading workloads wrote as (nil for
	// raw and in files written before they were recorded).
	Node *Node `json:"node,omitempty"`
	// Nodes is the number of trading nodes run at once against the target
	// (rbench run --nodes), each with its own trader id (TraderIDs, in
	// order) and writer connections. The workload's fields describe one node
	// (Connections, Rate, Ops and Keys are each node's, as the flags say);
	// the ops, pacing and writer figures are the fleet's, every node's
	// merged (rates add). 0 for one node.
	Nodes     int      `json:"nodes,omitempty"`
	TraderIDs []string `json:"trader_ids,omitempty"`
	// Shard is set when the run was one generator's part of a spec split
	// over several rbench processes (rbench run --shard), so that merge can
	// check every part is there exactly once.
	Shard *Shard `json:"shard,omitempty"`
}

// Shard is one generator's part of a spec split over several (rbench run
// --shard I/N) and what the whole spec was. The run's own Workload fields
// are what this generator ran (raw: its share of the connections and ops,
// every Count-th operation of the schedule; trading: its share of the
// nodes).
type Shard struct {
	// Index is the generator, 1 to Count; 0 in the merge of all Count.
	Index int `json:"index"`
	Count int `json:"count"`
	// The whole spec: its fleet (trading), or its connections, ops and
	// rate (raw), which the generators' shares add up to.
	Nodes        int     `json:"nodes,omitempty"`
	Connections  int     `json:"connections,omitempty"`
	Ops          int64   `json:"ops,omitempty"`
	Rate         float64 `json:"rate,omitempty"`
	RateSchedule string  `json:"rate_schedule,omitempty"`
}

// Op is the measurement of one operation kind under one encoding.
type Op struct {
	Name     string `json:"op"`       // add_order, update_order, get_instrument, set, ...
	Class    string `json:"class"`    // ClassWrite, ClassRead or ClassStartup
	Encoding string `json:"encoding"` // msgpack, json, or raw
	Count    int64  `json:"count"`
	Errors   int64  `json:"errors"`
	// Rate is successful operations per measured second.
	Rate          float64 `json:"ops_per_sec"`
	BytesSent     int64   `json:"bytes_sent"`
	BytesReceived int64   `json:"bytes_received"`
	// Service is the time from the actual send to the reply.
	Service Latency `json:"service"`
	// Response is the time from the intended send time to the reply, which
	// corrects for coordinated omission; in closed loop it equals Service.
	Response Latency `json:"response"`
	// Encode and Decode are client-side codec times, kept apart from the
	// Redis round trip; nil for operations that carry no payload.
	Encode *Latency `json:"encode,omitempty"`
	Decode *Latency `json:"decode,omitempty"`
	// ServiceHDR and ResponseHDR are the histograms behind Service and
	// Response: V2 compressed, base64, in microseconds.
	ServiceHDR  string `json:"service_hdr"`
	ResponseHDR string `json:"response_hdr"`
	// EncodeHist and DecodeHist are the histograms behind Encode and
	// Decode, V2 compressed, base64, in NANOSECONDS (codec times are often
	// under a microsecond; NewHistogram's range then spans 1 ns to 60 ms).
	// Merge recomputes Encode and Decode from them; "" when not recorded.
	EncodeHist string   `json:"encode_hdr,omitempty"`
	DecodeHist string   `json:"decode_hdr,omitempty"`
	Series     []Second `json:"series,omitempty"`
}

// Latency summarises a histogram, in microseconds. Count is the number of
// samples behind it, so a reader can tell which quantiles rest on enough of
// them (Enough); Overflow counts the samples beyond the histogram's range,
// recorded at its top (HistMaxUs): a figure at or above the top is only
// known to be at least that.
type Latency struct {
	Min      float64 `json:"min_us"`
	Mean     float64 `json:"mean_us"`
	P50      float64 `json:"p50_us"`
	P90      float64 `json:"p90_us"`
	P99      float64 `json:"p99_us"`
	P999     float64 `json:"p99_9_us"`
	P9999    float64 `json:"p99_99_us"`
	Max      float64 `json:"max_us"`
	Count    int64   `json:"count,omitempty"`
	Overflow int64   `json:"overflow,omitempty"`
}

// Second is one point of an operation's per-second series. T counts seconds
// from the start of the measured part of the run.
type Second struct {
	T      int     `json:"t"`
	Count  int64   `json:"count"`
	Errors int64   `json:"errors"`
	P50    float64 `json:"p50_us"`
	P99    float64 `json:"p99_us"`
	Max    float64 `json:"max_us"`
	// HDR is the second's response-time histogram, so merged series can be
	// recomputed instead of averaged.
	HDR string `json:"hdr,omitempty"`
	// Partial marks a second the measured phase covered only in part (the
	// last one, when the phase did not end on a whole second): its count
	// is not a rate. Charts of throughput leave it out.
	Partial bool `json:"partial,omitempty"`
}

// Pacing reports how well an encoding pass kept to its schedule, and what
// the load generator itself was doing meanwhile.
type Pacing struct {
	Encoding     string  `json:"encoding"`
	Mode         string  `json:"mode"`  // closed or open
	Pacer        string  `json:"pacer"` // e.g. "constant 10000/s"
	TargetRate   float64 `json:"target_rate"`
	AchievedRate float64 `json:"achieved_rate"`
	// Late counts sends that left more than LateThresholdUs after their
	// intended time, for whatever reason (a backlog included).
	Late            int64   `json:"late"`
	LateThresholdUs float64 `json:"late_threshold_us"`
	MaxLateUs       float64 `json:"max_late_us"`
	// Scheduled counts the operations the schedule made due within the
	// measured duration; Sent those sent; Dropped those due but never sent
	// because the run ended first (k6's dropped_iterations): Scheduled =
	// Sent + Dropped. Unanswered counts sends still without a reply when
	// the grace after the duration ran out. Drain is set when the run
	// worked off its backlog instead (--drain), so nothing was dropped.
	Scheduled  int64 `json:"scheduled,omitempty"`
	Sent       int64 `json:"sent,omitempty"`
	Dropped    int64 `json:"dropped,omitempty"`
	Unanswered int64 `json:"unanswered,omitempty"`
	Drain      bool  `json:"drain,omitempty"`
	// SendLate is the generator's own send lateness: actual send minus
	// intended time, for the sends that were not behind (the worker was
	// waiting for their due time, not busy with a backlog), in
	// microseconds; SendLateHDR its histogram in NANOSECONDS (V2, base64).
	// SpinMarginUs is how long before a due time the sender stopped
	// sleeping and waited actively, calibrated on the machine at the start.
	SendLate     *Latency `json:"send_late,omitempty"`
	SendLateHDR  string   `json:"send_late_hdr,omitempty"`
	SpinMarginUs float64  `json:"spin_margin_us,omitempty"`
	// ActiveWaitOff counts the times a worker lost its CPU while waiting
	// actively (the machine was too busy), each turning the active wait
	// off for a second.
	ActiveWaitOff int64 `json:"active_wait_off,omitempty"`
	// Start and End bound the pass's measured phase (wall clock).
	Start time.Time `json:"start,omitzero"`
	End   time.Time `json:"end,omitzero"`
	// GeneratorCPU is the CPU rbench's process used during the measured
	// phase, in cores (CPU seconds per second); Threads is the OS threads
	// it could run Go code on (GOMAXPROCS), its capacity. LoadAvg is the
	// machine's 1-minute load average at the end of the phase, which counts
	// rbench and a Redis on the same machine too.
	// The active wait is not counted in GeneratorCPU: ActiveWait is the
	// time the workers spent in it, in cores (seconds per second).
	GeneratorCPU float64 `json:"generator_cpu,omitempty"`
	ActiveWait   float64 `json:"active_wait,omitempty"`
	Threads      int     `json:"threads,omitempty"`
	LoadAvg      float64 `json:"load_avg,omitempty"`
	// Stopped says why the pass ended before its end (an error), "" when
	// it ran to completion.
	Stopped string `json:"stopped,omitempty"`
}

// ErrorCounts counts failed operations by class.
type ErrorCounts struct {
	Timeout    int64 `json:"timeout"`
	Connection int64 `json:"connection"`
	Server     int64 `json:"server"` // error replies
	Decode     int64 `json:"decode"`
	Other      int64 `json:"other"`
}

// StartupLoad is one replay of the node's startup load.
type StartupLoad struct {
	Encoding string  `json:"encoding"`
	Style    string  `json:"style"` // sequential (the Python node) or rust (the LiveNode); concurrent in older files
	TotalSec float64 `json:"total_sec"`
	// Keys loaded per collection (instruments, accounts, orders, positions, ...).
	Keys     map[string]int64 `json:"keys"`
	Commands int64            `json:"commands"`
	Bytes    int64            `json:"bytes"`
	// Undecodable counts payloads the load read that did not decode.
	Undecodable int64 `json:"undecodable,omitempty"`
}

// PayloadSize compares one payload type across encodings.
type PayloadSize struct {
	Type         string  `json:"type"`
	Encoding     string  `json:"encoding"`
	Bytes        int     `json:"bytes"`
	EncodeNs     float64 `json:"encode_ns"`
	DecodeNs     float64 `json:"decode_ns"`
	MemoryPerKey float64 `json:"memory_per_key,omitempty"` // Redis MEMORY USAGE, bytes
}
