package results

// Node is the node configuration a run modelled: upstream's CacheConfig and
// exec-engine options that change what the node writes (node.Config). Every
// field is written, false and zero included, because each has a meaning.
type Node struct {
	Flavour                      string  `json:"flavour"`
	PersistAccountEvents         bool    `json:"persist_account_events"`
	TimestampsISO8601            bool    `json:"timestamps_iso8601"`
	UseInstanceID                bool    `json:"use_instance_id"`
	InstanceID                   string  `json:"instance_id,omitempty"`
	SnapshotOrders               bool    `json:"snapshot_orders"`
	SnapshotPositions            bool    `json:"snapshot_positions"`
	SnapshotPositionsIntervalSec float64 `json:"snapshot_positions_interval_sec"`
	BulkReadBatchSize            int     `json:"bulk_read_batch_size"`
	InstrumentInfo               string  `json:"instrument_info"`
	BufferIntervalMS             float64 `json:"buffer_interval_ms"`
	// KeyPrefix is the trader key every key of the run starts with, e.g.
	// "trader-RBENCH-001" or "trader-RBENCH-001:{uuid}".
	KeyPrefix string `json:"key_prefix"`
}

// Writer modes.
const (
	WriterUnbuffered = "unbuffered" // one MULTI/EXEC per Redis command
	WriterBuffered   = "buffered"   // one MULTI/EXEC per buffer interval
)

// Writer is what the node's cache writer did in one encoding pass of a write
// workload (populate, order-flow, mixed): one writer per connection, each
// owning its connection as the node's background writer task does
// (crates/infrastructure/src/redis/cache.rs:654-773).
type Writer struct {
	Encoding string `json:"encoding"`
	// Mode is WriterUnbuffered or WriterBuffered.
	Mode string `json:"mode"`
	// Loop is "open" (a schedule: calls are due at their intended times)
	// or "closed" (each writer takes the next call as soon as it is free;
	// buffered: calls are queued as fast as rbench builds them).
	Loop             string  `json:"loop"`
	BufferIntervalMS float64 `json:"buffer_interval_ms,omitempty"`
	// Writers is the number of writers (connections).
	Writers int `json:"writers"`
	// Calls counts the cache calls the writers completed or failed;
	// Transactions the MULTI/EXECs sent (EXEC calls the server saw),
	// Commands the data commands inside them.
	Calls        int64 `json:"calls"`
	Transactions int64 `json:"transactions"`
	Commands     int64 `json:"commands"`
	// Reads counts the plain commands the writers sent outside any
	// transaction: the Rust node's update_order reads the order's whole
	// list (LRANGE 0 -1) before appending to it; the Python node never
	// reads (absent).
	Reads              int64   `json:"reads,omitempty"`
	TransactionsPerSec float64 `json:"transactions_per_sec"`
	CommandsPerSec     float64 `json:"commands_per_sec"`
	// Busy is the share of the measured time a writer spent on round
	// trips (from a call's first send, or a flush's send, to its last
	// reply), averaged over the writers: near 1 means the writer cannot
	// take more.
	Busy float64 `json:"busy"`
	// Lag is every write call's time from its intended time to the reply
	// of its last transaction (buffered: of its flush), all call kinds
	// merged; per kind it is the op's response time (ops[].response).
	Lag    Latency `json:"lag"`
	LagHDR string  `json:"lag_hdr,omitempty"`
	// QueueMax is the most operations due but not yet taken by a writer,
	// observed at every take and every 50 ms (open loop only: nil in
	// closed loop, where nothing is due before the writer asks for it).
	// Buffered, a call is taken when its flush is sent.
	QueueMax *int64 `json:"queue_max,omitempty"`
	// QueueDepth is the queue depth sampled every QueueDepthEveryMS (50)
	// over the measured phase, in order; only when the run asked for it
	// (rbench run --find-max, which judges queue growth on it).
	QueueDepth        []int64 `json:"queue_depth,omitempty"`
	QueueDepthEveryMS float64 `json:"queue_depth_every_ms,omitempty"`
	// Buffered only: Flushes counts the drains of the buffer, each one
	// MULTI/EXEC for the Python node (a timer that found nothing queued
	// sends none); a Rust node's update_order splits a drain into several
	// round trips (Transactions, Reads); SplitFlushes how
	// many of them went at once after a full one, because more than
	// MaxFlushCalls calls were due (rbench's bound on one MULTI/EXEC, per
	// writer; upstream has none); CallsPerFlush the calls each held;
	// FlushWait each call's time from its intended time to its flush's
	// send.
	Flushes          int64    `json:"flushes,omitempty"`
	SplitFlushes     int64    `json:"split_flushes,omitempty"`
	MaxFlushCalls    int      `json:"max_flush_calls,omitempty"`
	CallsPerFlush    *Counts  `json:"calls_per_flush,omitempty"`
	CallsPerFlushHDR string   `json:"calls_per_flush_hdr,omitempty"`
	FlushWait        *Latency `json:"flush_wait,omitempty"`
	FlushWaitHDR     string   `json:"flush_wait_hdr,omitempty"`
	// Kinds counts calls, transactions and commands per call kind.
	Kinds []WriterKind `json:"kinds"`
	// Series is per second of the measured phase, by the second a
	// transaction's reply arrived.
	Series []WriterSecond `json:"series,omitempty"`
	// A fleet of nodes (rbench run --nodes N): the run's Writer entry of an
	// encoding is the fleet's, every node's writers together (Nodes counts
	// them; Lag merges their histograms, Busy is their mean, QueueMax the
	// deepest), and PerNode holds each node's own entry, Node naming its
	// trader id. All three are empty for a single node.
	Nodes   int      `json:"nodes,omitempty"`
	Node    string   `json:"node,omitempty"`
	PerNode []Writer `json:"per_node,omitempty"`
}

// WriterKind is one call kind's share of a Writer. Transactions are the
// call kind's own (unbuffered: one per command); buffered, a flush carries
// calls of many kinds and belongs to none, so they are 0.
type WriterKind struct {
	Name         string `json:"op"`
	Calls        int64  `json:"calls"`
	Transactions int64  `json:"transactions"`
	Commands     int64  `json:"commands"`
	Reads        int64  `json:"reads,omitempty"` // plain reads (Writer.Reads)
}

// WriterSecond is one second of a Writer.
type WriterSecond struct {
	T            int   `json:"t"`
	Calls        int64 `json:"calls"`
	Transactions int64 `json:"transactions"`
	Commands     int64 `json:"commands"`
	// QueueMax is the most operations waiting seen in this second (open
	// loop; absent means none waited).
	QueueMax int64 `json:"queue_max,omitempty"`
	// Busy is the writers' round-trip time ending in this second over the
	// second times the writers.
	Busy float64 `json:"busy"`
}

// Counts summarises a histogram of counts (not times).
type Counts struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
}
