package results

import "math"

// The recovery, server-side and capacity-plan sections. Their issues own
// their fields; readers treat a nil section as "not measured".

// Recovery holds `rbench recover` cycles.
type Recovery struct {
	// Persistence is the throwaway server's mode (aof-always, aof-everysec,
	// rdb, none) or, for an external server, what its settings amount to.
	Persistence string `json:"persistence"`
	Mode        string `json:"mode"` // kill, graceful or cmd
	// Node is the node flavour whose writer and startup load were
	// modelled: python (the TradingNode) or rust (the LiveNode); empty in
	// files written before it was recorded (python).
	Node string `json:"node,omitempty"`
	// RestartCmd is the operator's restart command (mode cmd), redacted:
	// its program name and how many words followed (they may hold a
	// password), never the command itself.
	RestartCmd string `json:"restart_cmd,omitempty"`
	// HostCrash is set when the operator declared that the restart command
	// crashes the host (a power cut), not just the redis-server process.
	HostCrash bool `json:"host_crash,omitempty"`
	// Promise is what Redis guarantees for this persistence and kind of
	// stop, in words: what the verdict checked.
	Promise string `json:"promise,omitempty"`
	// BufferIntervalSec is the writer's buffer interval (0: one MULTI/EXEC
	// per command, the node's default).
	BufferIntervalSec float64 `json:"buffer_interval_sec,omitempty"`
	// CyclesPlanned is how many cycles were asked for; fewer in Cycles
	// means the run is incomplete.
	CyclesPlanned int `json:"cycles_planned,omitempty"`
	// Server is the persistence configuration the server reported.
	Server RecoveryServer `json:"server"`
	// Keys is the populated dataset size asked for, per cycle.
	Keys int64 `json:"keys"`
	// WriteDuring is whether a writer kept sending during each restart.
	WriteDuring bool `json:"write_during"`
	// LossWindowSec is how long before the crash an acknowledged write may
	// be Redis's permitted loss: a host crash under aof-everysec, or a
	// process kill under aof-everysec in a cycle where INFO shows Redis
	// postponed writes (see each cycle's loss_window_sec); 0 where Redis
	// allows no loss.
	LossWindowSec float64         `json:"loss_window_sec"`
	Cycles        []RecoveryCycle `json:"cycles"`
	// Lost counts acknowledged writes lost that Redis's promise does not
	// excuse, over all cycles.
	Lost int64 `json:"lost"`
	// LostUnexplained is the part of Lost that the persistence policy does
	// not explain either: something other than Redis's persistence removed
	// the data. Equal to Lost under AOF; under rdb the losses of writes the
	// last save held.
	LostUnexplained int64 `json:"lost_unexplained,omitempty"`
	// LostWithinWindow counts losses Redis's promise allows (excused).
	LostWithinWindow int64 `json:"lost_within_window"`
	// Corrupt and WrongType count damaged payloads and keys over all cycles.
	Corrupt   int64 `json:"corrupt"`
	WrongType int64 `json:"wrong_type"`
	// Verdict is RecoveryPass, RecoveryFail or RecoveryIncomplete (the run
	// could not check what it set out to: interrupted, the server did not
	// come back or was not restarted, cycles missing); Reasons say why it
	// did not pass, Notes add what an operator should know either way.
	Verdict string   `json:"verdict"`
	Reasons []string `json:"reasons,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// Recovery verdicts. Anything else (an empty verdict included) is a
// recovery that was never judged: treat it as incomplete.
const (
	RecoveryPass       = "pass"
	RecoveryFail       = "fail"
	RecoveryIncomplete = "incomplete"
)

// Judged reports whether r's verdict is a complete judgement (pass or
// fail); an incomplete or unjudged recovery proves nothing.
func (r *Recovery) Judged() bool {
	return r.Verdict == RecoveryPass || r.Verdict == RecoveryFail
}

// WorseVerdict is the verdict of two recoveries taken together:
// incomplete (or unjudged) over fail over pass.
func WorseVerdict(a, b string) string {
	rank := func(v string) int {
		switch v {
		case RecoveryPass:
			return 0
		case RecoveryFail:
			return 1
		}
		return 2
	}
	if rank(b) > rank(a) {
		a = b
	}
	if rank(a) == 2 {
		return RecoveryIncomplete
	}
	return a
}

// RecoveryServer is a server's persistence settings, from CONFIG GET or,
// when CONFIG is disabled, INFO persistence (Source says which).
type RecoveryServer struct {
	AppendOnly  string `json:"appendonly"`
	AppendFsync string `json:"appendfsync,omitempty"`
	Save        string `json:"save"`
	Source      string `json:"source"` // config, info or unknown
}

// RecoveryCycle is one restart and its verification. Times are seconds; the
// restart clock starts when the server is told to stop (the SIGKILL, the
// SHUTDOWN or the restart command).
type RecoveryCycle struct {
	Cycle       int     `json:"cycle"`
	PopulateSec float64 `json:"populate_sec"`
	// DiedSec is when the old server actually died, from the stop order:
	// its process exited (DiedBy "exit") or the connection rbench held
	// blocked on it dropped ("connection"). Losses are judged against this
	// moment, not the stop order. DiedBy "unobserved": neither was seen
	// and the crash is taken as the restarted server's first answer.
	DiedSec float64 `json:"died_sec,omitempty"`
	DiedBy  string  `json:"died_by,omitempty"`
	// RunIDBefore and RunIDAfter are INFO server's run_id before the stop
	// and after the restart, UptimeAfterSec the restarted server's
	// uptime_in_seconds: a restart is proven by a new run_id and an uptime
	// no longer than the time since the old server died.
	RunIDBefore    string `json:"run_id_before,omitempty"`
	RunIDAfter     string `json:"run_id_after,omitempty"`
	UptimeAfterSec int64  `json:"uptime_after_sec,omitempty"`
	// AOFDelayedFsyncStart and AOFDelayedFsyncEnd are INFO persistence's
	// aof_delayed_fsync at the start of the loss window and at the last
	// reading before the server died.
	AOFDelayedFsyncStart int64 `json:"aof_delayed_fsync_start,omitempty"`
	AOFDelayedFsyncEnd   int64 `json:"aof_delayed_fsync_end,omitempty"`
	// AOFPendingFsyncAtCrash and AOFBufferAtCrash are aof_pending_bio_fsync
	// and aof_buffer_length at that last reading: a background fsync
	// running with acknowledged writes still unwritten is a postponement
	// under way, which a kill loses and aof_delayed_fsync never counts.
	AOFPendingFsyncAtCrash int64 `json:"aof_pending_fsync_at_crash,omitempty"`
	AOFBufferAtCrash       int64 `json:"aof_buffer_at_crash,omitempty"`
	// RDBLastSaveUnix is rdb_last_save_time (Unix seconds) at the last
	// reading before the server died: what an rdb restart keeps.
	RDBLastSaveUnix int64 `json:"rdb_last_save_unix,omitempty"`
	// Promise is what Redis guaranteed in this cycle, with the figures it
	// was checked by; LossWindowSec the window it excused (0: none).
	Promise       string  `json:"promise,omitempty"`
	LossWindowSec float64 `json:"loss_window_sec,omitempty"`
	// StopSec is the time until the old process was gone (graceful
	// shutdown including its fsync or save; ~0 for a kill; unknown, 0, for a
	// restart command).
	StopSec     float64 `json:"stop_sec"`
	PortOpenSec float64 `json:"port_open_sec"`
	ReadySec    float64 `json:"ready_sec"` // PING answers without LOADING
	// LoadSec is the server's own AOF/RDB load time, from its log (local
	// server) or from watching INFO loading (external); -1 when unknown.
	LoadSec    float64 `json:"load_sec"`
	LoadSource string  `json:"load_source,omitempty"`
	// LoadedBytes is the size of the AOF/RDB files loaded (the files on
	// disk for a throwaway server, INFO loading_total_bytes for an external
	// one); -1 when unknown.
	LoadedBytes int64 `json:"loaded_bytes"`
	// KeysLoaded and KeysExpired are INFO's rdb_last_load_keys_loaded and
	// rdb_last_load_keys_expired (Redis 7+; they count the RDB preamble of
	// an AOF too, so they can be 0 for a pure AOF).
	KeysLoaded  int64 `json:"keys_loaded"`
	KeysExpired int64 `json:"keys_expired"`
	DBSize      int64 `json:"dbsize"`
	// AOF figures from INFO persistence after the restart; zero with AOF off.
	AOFEnabled            bool   `json:"aof_enabled"`
	AOFSizeBytes          int64  `json:"aof_size_bytes"`
	AOFBaseSizeBytes      int64  `json:"aof_base_size_bytes"`
	AOFRewriteInProgress  bool   `json:"aof_rewrite_in_progress"`
	AOFRewriteScheduled   bool   `json:"aof_rewrite_scheduled"`
	AOFLastWriteStatus    string `json:"aof_last_write_status,omitempty"`
	AOFLastBgrewriteState string `json:"aof_last_bgrewrite_status,omitempty"`
	// Startup holds the node's startup load after the restart, one entry
	// per style (sequential, rust); StartupOps their per-command latency
	// histograms (class startup). StartupConcurrentSec, under its older
	// name, is the Rust LiveNode's load (style rust), which replaced
	// rbench's own "concurrent" style.
	Startup              []StartupLoad `json:"startup,omitempty"`
	StartupOps           []Op          `json:"startup_ops,omitempty"`
	StartupSequentialSec float64       `json:"startup_sequential_sec"`
	StartupConcurrentSec float64       `json:"startup_concurrent_sec"`
	// TradingReadySec is restart to the end of the slower startup load.
	TradingReadySec float64 `json:"trading_ready_sec"`
	// Acknowledged and InDoubt count transactions (MULTI/EXEC) Redis
	// acknowledged and transactions sent without an acknowledgement (the
	// writer sends one per command, as the node does, or one per buffer
	// interval); Items counts the acknowledged list elements, values,
	// members, fields and deletes, the unit losses are counted in.
	// WritesDuring counts transactions acknowledged after the populate,
	// while the restart was coming; CallsDuring the cache calls the
	// writers made then.
	Acknowledged int64 `json:"acknowledged"`
	InDoubt      int64 `json:"in_doubt"`
	Items        int64 `json:"items"`
	WritesDuring int64 `json:"writes_during"`
	CallsDuring  int64 `json:"calls_during,omitempty"`
	// WriteRate is the cache calls per second the writers reached before
	// the restart, while the server was up (--write-rate is what was asked).
	WriteRate float64 `json:"write_rate,omitempty"`
	// WriteErrors counts the writers' transactions during the restart that
	// Redis did not acknowledge (not sent, refused, cut or timed out), the
	// terminal's "writer failures during the restart".
	WriteErrors int64 `json:"write_errors,omitempty"`
	// Verified counts keys found exactly as acknowledged.
	Verified int64 `json:"verified"`
	// Lost counts acknowledged items lost that Redis's promise does not
	// excuse, LostUnexplained the part the persistence policy does not
	// explain either, LostWithinWindow those the promise allows.
	Lost             int64 `json:"lost"`
	LostUnexplained  int64 `json:"lost_unexplained,omitempty"`
	LostWithinWindow int64 `json:"lost_within_window"`
	// LostFollowOn counts acknowledged appends (RPUSHX) that Redis answered
	// with 0 because the list they extend was gone: they changed nothing,
	// so nothing of theirs is expected; they are evidence of an earlier
	// loss (of that list), which is counted in Lost or LostWithinWindow.
	LostFollowOn int64 `json:"lost_follow_on"`
	// LostFirstSec and LostLastSec bound the acknowledgement times of the
	// lost items, in seconds before the crash (positive = before); zero
	// when nothing was lost.
	LostFirstSec float64 `json:"lost_first_sec,omitempty"`
	LostLastSec  float64 `json:"lost_last_sec,omitempty"`
	// Integrity is the verification per collection (orders, positions,
	// accounts, instruments, index, ...).
	Integrity map[string]RecoveryIntegrity `json:"integrity"`
	// Examples names a few damaged keys, for the operator to look at.
	Examples []string `json:"examples,omitempty"`
	// Verdict is RecoveryPass, RecoveryFail or RecoveryIncomplete; Reasons
	// say why it did not pass.
	Verdict string   `json:"verdict"`
	Reasons []string `json:"reasons,omitempty"`
}

// RecoveryIntegrity counts one collection's verification. Keys are Redis
// keys; the other counts are items (list elements, members, fields, values).
type RecoveryIntegrity struct {
	// Expected keys the acknowledged writes imply; Verified found exactly so.
	Expected int64 `json:"expected"`
	Verified int64 `json:"verified"`
	// MissingKeys were acknowledged and are gone; MissingItems counts the
	// items they held.
	MissingKeys  int64 `json:"missing_keys"`
	MissingItems int64 `json:"missing_items"`
	// MissingTail counts list elements missing at the end of a list whose
	// beginning is intact (the typical AOF-tail loss).
	MissingTail int64 `json:"missing_tail"`
	// MissingMiddle counts list elements missing before elements that are
	// still there: removed from the middle (LREM, LSET of a neighbour...),
	// which no persistence loss does. Each is one loss.
	MissingMiddle int64 `json:"missing_middle,omitempty"`
	// MissingMembers counts set members and hash fields gone.
	MissingMembers int64 `json:"missing_members"`
	// Resurrected counts acknowledged deletes (DEL, SREM, HDEL) undone.
	Resurrected int64 `json:"resurrected"`
	// Corrupt counts payloads that differ from what was written (checksum)
	// or do not decode.
	Corrupt int64 `json:"corrupt"`
	// WrongType counts keys of another Redis type than written.
	WrongType int64 `json:"wrong_type"`
	// Unexpected counts keys present that no write created and no
	// unacknowledged write may have; UnexpectedItems elements or members
	// beyond what was written.
	Unexpected      int64 `json:"unexpected"`
	UnexpectedItems int64 `json:"unexpected_items"`
	// InDoubt counts keys touched by unacknowledged writes, where either
	// outcome is accepted.
	InDoubt int64 `json:"in_doubt"`
}

// ServerView is what Redis itself saw during a run: INFO sampled once a
// second, the server-side latency of each command over the run (LATENCY
// HISTOGRAM at the end minus at the start), the slow log entries of the run
// and MEMORY USAGE per collection and encoding. Every part may be missing on
// a server that refuses the command; Unavailable says which and why.
type ServerView struct {
	// IntervalSec is the INFO sampling period, in seconds.
	IntervalSec float64        `json:"interval_sec"`
	Series      []ServerSecond `json:"series,omitempty"`
	// Latency holds one entry per command that ran during the measured part
	// of the run, sorted by command name.
	Latency []ServerLatency `json:"latency,omitempty"`
	Slowlog []SlowlogEntry  `json:"slowlog,omitempty"`
	// SlowlogMissed counts slow log entries of the run that the server had
	// already dropped (slowlog-max-len too small for the run) by its end.
	SlowlogMissed int64         `json:"slowlog_missed,omitempty"`
	Memory        []MemoryUsage `json:"memory,omitempty"`
	// Unavailable lists the commands the server refused, each as
	// "COMMAND: the server's error"; the parts that need them are missing.
	Unavailable []string `json:"unavailable,omitempty"`
	// Warnings are sampling problems other than refused commands (a lost
	// connection, an unparsable reply), each once.
	Warnings []string `json:"warnings,omitempty"`
	// Passes are the measured phases of the run's encoding passes on the
	// clock of Series (T), so the report can tell them apart and mark them;
	// empty in files written before they were recorded.
	Passes []ServerPass `json:"passes,omitempty"`
	// Nodes are the primaries of a Redis Cluster, each sampled on its own:
	// Series then adds up their INFO at each sample and Latency their
	// histograms. Empty for a single server.
	Nodes []string `json:"nodes,omitempty"`
}

// ServerPass is one encoding pass's measured phase: StartSec and EndSec are
// seconds on the ServerSecond.T clock (the first pass starts at 0).
type ServerPass struct {
	Encoding string  `json:"encoding"`
	StartSec float64 `json:"start_sec"`
	EndSec   float64 `json:"end_sec"`
}

// ServerSecond is one INFO sample. Counters (TotalCommands, EvictedKeys,
// RejectedConnections) are the server's cumulative values, so differences
// between samples are what happened in between.
type ServerSecond struct {
	// T is seconds from the start of the measured part of the run; samples
	// taken during warm-up have negative T.
	T float64 `json:"t"`
	// UsedMemory and UsedMemoryRSS are bytes.
	UsedMemory    int64   `json:"used_memory"`
	UsedMemoryRSS int64   `json:"used_memory_rss"`
	Fragmentation float64 `json:"mem_fragmentation_ratio"`
	// ClientMemory is mem_clients_normal: the query and reply buffers of
	// ordinary clients, bytes. A pipelining load generator inflates
	// UsedMemory by it, so data size is UsedMemory - ClientMemory - AOFBuffer.
	ClientMemory int64 `json:"mem_clients_normal"`
	// AOFBuffer is aof_buffer_length: bytes written by commands but not yet
	// in the AOF file (appendfsync everysec postpones the write while a
	// background fsync runs), so AOFSize lags by it.
	AOFBuffer int64 `json:"aof_buffer_length"`
	// OpsPerSec is the server's instantaneous_ops_per_sec (its own moving
	// estimate); CommandsPerSec is the difference of total_commands_processed
	// since the previous sample divided by the time between them (0 for the
	// first sample).
	OpsPerSec        int64   `json:"instantaneous_ops_per_sec"`
	CommandsPerSec   float64 `json:"commands_per_sec"`
	TotalCommands    int64   `json:"total_commands_processed"`
	ConnectedClients int64   `json:"connected_clients"`
	// Keys is the number of keys per database, e.g. {"db0": 1200}.
	Keys map[string]int64 `json:"keys,omitempty"`
	// AOFSize is aof_current_size in bytes; 0 when AOF is off.
	AOFSize int64 `json:"aof_current_size"`
	// AOFBaseSize is aof_base_size: the AOF's size after the last rewrite.
	AOFBaseSize          int64  `json:"aof_base_size"`
	AOFRewriteInProgress bool   `json:"aof_rewrite_in_progress"`
	AOFLastRewriteStatus string `json:"aof_last_bgrewrite_status,omitempty"`
	EvictedKeys          int64  `json:"evicted_keys"`
	RejectedConnections  int64  `json:"rejected_connections"`
	// CowBytes is current_cow_size: memory copied so far by a running fork
	// child (0 when none runs); AOFLastCowBytes is aof_last_cow_size, what
	// the last AOF rewrite copied. Both size the fork headroom of a plan.
	CowBytes        int64 `json:"current_cow_size"`
	AOFLastCowBytes int64 `json:"aof_last_cow_size"`
	// LatestForkUs is latest_fork_usec: how long the server was stopped by
	// its last fork (BGSAVE or AOF rewrite), in microseconds.
	LatestForkUs int64 `json:"latest_fork_usec"`
}

// ServerLatency is the server-side latency of one command over the run, from
// the difference of Redis 7's LATENCY HISTOGRAM at the end and at the start.
// The server measures the time the command ran, so the gap to the
// client-side latency of the same command is network, kernel, client and
// queueing time. Percentiles are bucket upper bounds: Redis keeps
// power-of-two buckets, so each figure may overstate the latency by up to 2x.
type ServerLatency struct {
	// Command is Redis's lower-case name, with the subcommand after a "|"
	// (e.g. "rpush", "config|get").
	Command string `json:"command"`
	// Calls is the difference of the reply's calls field; Count is the sum
	// of the differenced buckets. They agree unless the server's statistics
	// were reset during the run.
	Calls  int64   `json:"calls"`
	Count  int64   `json:"count"`
	P50Us  float64 `json:"p50_us"`
	P99Us  float64 `json:"p99_us"`
	P999Us float64 `json:"p99_9_us"`
	// MaxUs is the upper bound of the highest non-empty bucket.
	MaxUs   float64         `json:"max_us"`
	Buckets []LatencyBucket `json:"buckets,omitempty"`
}

// LatencyBucket counts the calls whose server-side latency fell at or below
// LeUs microseconds and above the previous bucket's bound (not cumulative).
type LatencyBucket struct {
	LeUs  int64 `json:"le_us"`
	Count int64 `json:"count"`
}

// SlowlogEntry is one SLOWLOG GET entry logged during the run.
type SlowlogEntry struct {
	ID int64 `json:"id"`
	// Time is when the command ran, in Unix seconds.
	Time       int64    `json:"time"`
	DurationUs int64    `json:"duration_us"`
	Args       []string `json:"args"`
	ClientAddr string   `json:"client_addr,omitempty"`
	ClientName string   `json:"client_name,omitempty"`
}

// MemoryUsage is MEMORY USAGE over a sample of one collection's keys under
// one prefix and encoding. Bytes include Redis's per-key overhead (the key
// itself, the object header, the dict entry).
type MemoryUsage struct {
	Prefix     string `json:"prefix"`
	Encoding   string `json:"encoding"`
	Collection string `json:"collection"` // orders, positions, accounts, instruments, index, ...
	// Sampled is how many keys were measured; at most the sampler's
	// per-collection limit, fewer when the collection is smaller.
	Sampled    int     `json:"sampled"`
	MeanBytes  float64 `json:"mean_bytes"`
	P50Bytes   int64   `json:"p50_bytes"`
	MaxBytes   int64   `json:"max_bytes"`
	TotalBytes int64   `json:"total_bytes"`
}

// Fit models y against x. Model "linear" is y = A + B*x; model "power" is
// y = A * x^B, fitted on log-log axes. R2 is the coefficient of
// determination of the predictions against the measured y (on linear axes
// for both models, so the two compare); MaxRelResidual is the largest
// |y - predicted| / |y| over the points. The zero value predicts 0.
type Fit struct {
	Model          string  `json:"model"`
	A              float64 `json:"a"`
	B              float64 `json:"b"`
	R2             float64 `json:"r2"`
	MaxRelResidual float64 `json:"max_rel_residual"`
	// N is the number of points; MinX and MaxX bound the measured x, so a
	// prediction far beyond MaxX can be called an extrapolation.
	N    int     `json:"n"`
	MinX float64 `json:"min_x"`
	MaxX float64 `json:"max_x"`
}

// Fit models.
const (
	ModelLinear = "linear"
	ModelPower  = "power"
)

// Predict evaluates the fitted model at x.
func (f Fit) Predict(x float64) float64 {
	switch f.Model {
	case ModelLinear:
		return f.A + f.B*x
	case ModelPower:
		if x <= 0 {
			return 0
		}
		return f.A * math.Pow(x, f.B)
	}
	return 0
}

// Plan holds `rbench plan`: what was measured at each scale, the models
// fitted to it, the projection for the target profile and the dangers found.
type Plan struct {
	// Scales are the dataset sizes measured, in keys.
	Scales    []int64  `json:"scales"`
	Encodings []string `json:"encodings,omitempty"`
	// Node is the node flavour whose dataset and startup load were
	// measured: python or rust; empty in files written before it was
	// recorded (python).
	Node        string           `json:"node,omitempty"`
	Points      []PlanPoint      `json:"points,omitempty"`
	Fits        []PlanFit        `json:"fits,omitempty"`
	Projections []PlanProjection `json:"projections,omitempty"`
	Dangers     []Danger         `json:"dangers,omitempty"`
}

// Plan figures: what a PlanPoint's or PlanFit's Y measures.
const (
	FigureMemory  = "memory_bytes" // used_memory attributable to the collection
	FigureAOF     = "aof_bytes"    // AOF bytes written for the collection
	FigureAOFLoad = "aof_load_sec" // Redis loading the AOF at start; X is AOF bytes
	FigureLoad    = "load_sec"     // the node's startup load; Style says which
)

// PlanPoint is one measurement: figure Y of Collection (or "total") under
// Encoding at the dataset size Scale, against X units (keys, list elements
// or bytes, as XUnit says).
type PlanPoint struct {
	Scale      int64   `json:"scale"`
	Encoding   string  `json:"encoding"`
	Collection string  `json:"collection"`
	Figure     string  `json:"figure"`
	Style      string  `json:"style,omitempty"` // load style: sequential or rust (concurrent in older files)
	XUnit      string  `json:"x_unit"`
	X          float64 `json:"x"`
	Y          float64 `json:"y"`
}

// PlanFit is the model fitted to the points of one figure, collection,
// encoding and style. Fit is the model chosen; Other is the model it was
// chosen over, kept so a reader can see by how much it won.
type PlanFit struct {
	Encoding   string `json:"encoding"`
	Collection string `json:"collection"`
	Figure     string `json:"figure"`
	Style      string `json:"style,omitempty"`
	XUnit      string `json:"x_unit"`
	Fit        Fit    `json:"fit"`
	Other      *Fit   `json:"other,omitempty"`
}

// PlanProfile is the history a trading node is expected to hold. The zero
// value of the account-event flags is the upstream default:
// persist_account_events=true with nothing purging them.
type PlanProfile struct {
	// Orders retained; when zero, OrdersPerDay x RetentionDays.
	Orders        int64   `json:"orders"`
	OrdersPerDay  int64   `json:"orders_per_day,omitempty"`
	RetentionDays float64 `json:"retention_days,omitempty"`
	// EventsPerOrder counts the events in each order's list, including
	// OrderInitialized (a filled limit order has about 4).
	EventsPerOrder float64 `json:"events_per_order"`
	Positions      int64   `json:"positions"`
	Instruments    int64   `json:"instruments"`
	Accounts       int64   `json:"accounts"`
	// AccountEvents is the number of AccountState events retained per account.
	AccountEvents int64 `json:"account_events"`
	// NoAccountEvents is persist_account_events=false.
	NoAccountEvents bool `json:"no_account_events,omitempty"`
	// AccountEventsPurged says something outside the node trims the
	// accounts:{id} lists.
	AccountEventsPurged bool `json:"account_events_purged,omitempty"`
	// BulkReadBatchSize is the node's bulk_read_batch_size; 0 means one MGET
	// of all instruments.
	BulkReadBatchSize int `json:"bulk_read_batch_size,omitempty"`
}

// PlanProjection is the projection of one encoding's models to a profile.
// Byte figures are bytes, times seconds.
type PlanProjection struct {
	Encoding    string                `json:"encoding"`
	Profile     PlanProfile           `json:"profile"`
	Collections []ProjectedCollection `json:"collections"`
	// DatasetBytes is the projected used_memory (the figure maxmemory limits).
	DatasetBytes int64 `json:"dataset_bytes"`
	// RSSBytes is DatasetBytes times the fragmentation ratio assumed.
	RSSBytes      int64   `json:"rss_bytes"`
	Fragmentation float64 `json:"fragmentation"`
	// ForkHeadroomBytes is the copy-on-write allowance for an AOF rewrite or
	// BGSAVE child: DatasetBytes x ForkCopyShare.
	ForkHeadroomBytes int64   `json:"fork_headroom_bytes"`
	ForkCopyShare     float64 `json:"fork_copy_share"`
	// MemoryNeededBytes is RSSBytes + ForkHeadroomBytes: what the machine
	// must have free for Redis.
	MemoryNeededBytes int64 `json:"memory_needed_bytes"`
	AOFBytes          int64 `json:"aof_bytes"`
	// AOFDiskPeakBytes allows for the AOF growing between rewrites and the
	// new file written beside the old one during a rewrite.
	AOFDiskPeakBytes int64   `json:"aof_disk_peak_bytes"`
	AOFLoadSec       float64 `json:"aof_load_sec"`
	// ReadySec is restart to trading-ready per load style: Redis loading the
	// AOF plus the node's startup load.
	ReadySec map[string]float64 `json:"ready_sec,omitempty"`
	// Maxmemory is the limit the largest history was computed for (bytes,
	// 0: none given); MaxOrders is the most orders (with positions and account
	// events scaled alongside) whose DatasetBytes stays under it, and
	// MaxRetentionDays the same in days when OrdersPerDay is known.
	Maxmemory        int64   `json:"maxmemory,omitempty"`
	MaxOrders        int64   `json:"max_orders,omitempty"`
	MaxRetentionDays float64 `json:"max_retention_days,omitempty"`
	MachineMemory    int64   `json:"machine_memory,omitempty"`
	// Extrapolation is the largest ratio of a projected x to the largest x
	// measured for its model: 20 means the projection goes 20 times beyond
	// the data.
	Extrapolation float64  `json:"extrapolation"`
	Notes         []string `json:"notes,omitempty"`
}

// ProjectedCollection is one collection's share of a projection.
type ProjectedCollection struct {
	Collection  string  `json:"collection"`
	Units       float64 `json:"units"`
	Unit        string  `json:"unit"`
	MemoryBytes int64   `json:"memory_bytes"`
	AOFBytes    int64   `json:"aof_bytes"`
}

// Danger is a configuration or projection that puts a trading node at risk,
// in words. Kind is a stable identifier for tests and gates.
type Danger struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}
