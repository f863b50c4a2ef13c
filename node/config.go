// Package node holds what rbench knows of a NautilusTrader node's cache: the
// options that change what the node writes to Redis (this file) and, in its
// subpackages, the payloads (node/payloads), their encodings (node/codecs),
// the key layout and the commands of every cache call (node/keyspace), the
// seeded trading history (node/scenario) and the startup load
// (node/startup). It is read from upstream's source
// (../shared/reference/trading-cache-model.md) and imports nothing of
// rbench's engine: the engine sends what this wing describes.
package node

import (
	"errors"
	"fmt"
	"time"
)

// Flavour is the node implementation whose writes are modelled: the Python
// TradingNode (Python payloads, one blocking startup read at a time) or the
// Rust LiveNode (serde payloads, its own call sequences, a startup load
// that reads every collection at once, pipelined). Both share upstream's
// Rust writer task (crates/infrastructure/src/redis/cache.rs).
type Flavour string

// Node flavours.
const (
	Python Flavour = "python"
	Rust   Flavour = "rust"
)

// Config is the subset of upstream's CacheConfig and LiveExecEngineConfig
// that changes what a node sends to Redis, with upstream's defaults at
// 1.231.0 (nautilus_trader/cache/config.py, execution/config.py). The zero
// value is not the default: start from DefaultConfig.
type Config struct {
	// Flavour is the node implementation modelled.
	// default: Python
	Flavour Flavour
	// TimestampsISO8601 (timestamps_as_iso8601) writes top-level ts_*
	// fields as ISO-8601 strings with nanoseconds instead of decimal
	// nanosecond strings.
	// default: false
	TimestampsISO8601 bool
	// PersistAccountEvents (persist_account_events): false skips
	// add_account and update_account entirely.
	// default: true
	PersistAccountEvents bool
	// BufferInterval (buffer_interval_ms): zero sends every Redis command as
	// its own MULTI/EXEC as soon as it is queued; above zero a wall-clock
	// timer drains everything queued as one MULTI/EXEC per interval.
	// default: 0
	BufferInterval time.Duration
	// BulkReadBatchSize (bulk_read_batch_size) chunks the startup load's
	// MGETs; zero is one MGET per collection.
	// default: 0
	BulkReadBatchSize int
	// UseInstanceID (use_instance_id) puts the node's instance id, a
	// 36-character UUID4, between the trader key and the collection:
	// trader-{id}:{uuid}:orders:...
	// default: false
	UseInstanceID bool
	// InstanceID is the UUID4 used when UseInstanceID is set; empty means
	// one derived from the run's seed (keyspace.NewInstanceID), so runs
	// repeat.
	// default: ""
	InstanceID string
	// SnapshotOrders (snapshot_orders) appends the order's state to
	// snapshots:orders:{coid} on every order event.
	// default: false
	SnapshotOrders bool
	// SnapshotPositions (snapshot_positions) appends the position's state to
	// snapshots:positions:{pid} when it opens, changes and closes.
	// default: false
	SnapshotPositions bool
	// SnapshotPositionsInterval (snapshot_positions_interval_secs) also
	// snapshots every open position this often (scenario time); zero means
	// never.
	// default: 0
	SnapshotPositionsInterval time.Duration
	// InstrumentInfo is what an instrument's `info` holds: InfoVenue, the
	// venue's raw symbol record as exchange adapters store it (about 1-2 KB,
	// adapters/binance/futures/providers.py:447), or InfoNone (null); ""
	// is InfoVenue.
	// default: InfoVenue
	InstrumentInfo string
}

// Values of Config.InstrumentInfo.
const (
	InfoVenue = "venue"
	InfoNone  = "none"
)

// DefaultConfig is upstream's default configuration.
func DefaultConfig() Config {
	return Config{Flavour: Python, PersistAccountEvents: true, InstrumentInfo: InfoVenue}
}

// MaxBufferInterval bounds BufferInterval; upstream warns above 1000 ms
// (database.pyx:145-149) but accepts more, so rbench accepts up to a minute.
const MaxBufferInterval = time.Minute

// Validate reports every field out of range at once, each naming the field,
// its value and the fix.
func (c Config) Validate() error {
	var errs []error
	switch c.Flavour {
	case Python, Rust:
	default:
		errs = append(errs, fmt.Errorf("node %q: want python or rust", c.Flavour))
	}
	if c.BufferInterval < 0 || c.BufferInterval > MaxBufferInterval {
		errs = append(errs, fmt.Errorf("buffer_interval %s: want 0 (one MULTI/EXEC per command) up to %s", c.BufferInterval, MaxBufferInterval))
	}
	if c.BulkReadBatchSize < 0 {
		errs = append(errs, fmt.Errorf("bulk_read_batch_size %d: want 0 (one MGET) or more", c.BulkReadBatchSize))
	}
	if c.SnapshotPositionsInterval < 0 {
		errs = append(errs, fmt.Errorf("snapshot_positions_interval %s: want 0 (none) or more", c.SnapshotPositionsInterval))
	}
	if c.InstrumentInfo != "" && c.InstrumentInfo != InfoVenue && c.InstrumentInfo != InfoNone {
		errs = append(errs, fmt.Errorf("instrument_info %q: want venue (a venue record in info, as exchange adapters store) or none", c.InstrumentInfo))
	}
	if c.InstanceID != "" && !isUUID(c.InstanceID) {
		errs = append(errs, fmt.Errorf("instance_id %q: want a 36-character UUID such as 3f2b6c1e-8a4d-4e0f-9b7a-2c5d1e6f8a90", c.InstanceID))
	}
	return errors.Join(errs...)
}

// Effective returns c as a node of its flavour acts on it, and a note for
// every option that flavour does not read. The Python TradingNode reads
// them all. The Rust LiveNode does not read persist_account_events (its
// Cache writes every account state: crates/common/src/cache/mod.rs
// 4018-4024, 4395-4408, 4470-4488; the option appears only in
// cache/config.rs), timestamps_as_iso8601 (its payloads always carry RFC
// 3339 timestamps: infrastructure/src/redis/queries.rs:76-100, 978-1005)
// or bulk_read_batch_size at startup (load_all and load read with
// unchunked MGETs: queries.rs:305-338, cache.rs:1342-1380), and its
// exchange adapters store no venue record in an instrument's info
// (adapters/binance/src/common/parse.rs:248-275 passes None), so
// InstrumentInfo is InfoNone; a note is made only for options set away
// from their defaults.
func (c Config) Effective() (Config, []string) {
	if c.Flavour != Rust {
		return c, nil
	}
	var notes []string
	if !c.PersistAccountEvents {
		notes = append(notes, "node rust: persist_account_events=false is not read by the Rust LiveNode, whose cache writes every account state (crates/common/src/cache/mod.rs:4018-4024): account states are written")
		c.PersistAccountEvents = true
	}
	if c.TimestampsISO8601 {
		notes = append(notes, "node rust: timestamps_as_iso8601 is not read by the Rust LiveNode, whose payloads always carry RFC 3339 timestamps (crates/infrastructure/src/redis/queries.rs:978-1005)")
		c.TimestampsISO8601 = false
	}
	if c.BulkReadBatchSize > 0 {
		notes = append(notes, fmt.Sprintf("node rust: bulk_read_batch_size %d is not read by the Rust LiveNode's startup load, which reads with unchunked MGETs (crates/infrastructure/src/redis/queries.rs:305-338)", c.BulkReadBatchSize))
		c.BulkReadBatchSize = 0
	}
	c.InstrumentInfo = InfoNone
	return c, notes
}

// isUUID reports whether s has the 8-4-4-4-12 hexadecimal form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
