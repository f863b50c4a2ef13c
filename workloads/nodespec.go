package workloads

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/results"
)

// nodeKeys are the workload-file keys of Spec.Node: the node's options
// under upstream's names (CacheConfig, LiveExecEngineConfig), durations as
// Go durations. bulk_read_batch is the older spelling of
// bulk_read_batch_size.
var nodeKeys = map[string]func(c *node.Config, v *yaml.Node) error{
	"node":                        nodeFlavour,
	"buffer_interval":             nodeDuration(func(c *node.Config) *time.Duration { return &c.BufferInterval }),
	"persist_account_events":      nodeBool(func(c *node.Config) *bool { return &c.PersistAccountEvents }),
	"timestamps_iso8601":          nodeBool(func(c *node.Config) *bool { return &c.TimestampsISO8601 }),
	"use_instance_id":             nodeBool(func(c *node.Config) *bool { return &c.UseInstanceID }),
	"instance_id":                 nodeString(func(c *node.Config) *string { return &c.InstanceID }),
	"snapshot_orders":             nodeBool(func(c *node.Config) *bool { return &c.SnapshotOrders }),
	"snapshot_positions":          nodeBool(func(c *node.Config) *bool { return &c.SnapshotPositions }),
	"snapshot_positions_interval": nodeDuration(func(c *node.Config) *time.Duration { return &c.SnapshotPositionsInterval }),
	"bulk_read_batch_size":        nodeInt(func(c *node.Config) *int { return &c.BulkReadBatchSize }),
	"bulk_read_batch":             nodeInt(func(c *node.Config) *int { return &c.BulkReadBatchSize }),
	"instrument_info":             nodeString(func(c *node.Config) *string { return &c.InstrumentInfo }),
}

func isNodeKey(name string) bool {
	_, ok := nodeKeys[strings.ReplaceAll(name, "-", "_")]
	return ok
}

// setNodeKey applies one workload-file key to c, starting from upstream's
// defaults when c is still zero.
func setNodeKey(c *node.Config, name string, v *yaml.Node) error {
	if c.Flavour == "" {
		*c = node.DefaultConfig()
	}
	if v.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a single value", v.Line)
	}
	return nodeKeys[strings.ReplaceAll(name, "-", "_")](c, v)
}

// nodeFlavour reads `node: python` or `node: rust`.
func nodeFlavour(c *node.Config, v *yaml.Node) error {
	f := node.Flavour(strings.ToLower(strings.TrimSpace(v.Value)))
	if f != node.Python && f != node.Rust {
		return fmt.Errorf("line %d: node %q: want python (the TradingNode) or rust (the LiveNode)", v.Line, v.Value)
	}
	c.Flavour = f
	return nil
}

func nodeBool(field func(*node.Config) *bool) func(*node.Config, *yaml.Node) error {
	return func(c *node.Config, v *yaml.Node) error {
		b, err := strconv.ParseBool(v.Value)
		if err != nil {
			return fmt.Errorf("line %d: %q: want true or false", v.Line, v.Value)
		}
		*field(c) = b
		return nil
	}
}

func nodeDuration(field func(*node.Config) *time.Duration) func(*node.Config, *yaml.Node) error {
	return func(c *node.Config, v *yaml.Node) error {
		d, err := time.ParseDuration(v.Value)
		if err != nil && v.Value == "0" {
			d, err = 0, nil
		}
		if err != nil {
			return fmt.Errorf("line %d: %q: want a Go duration such as 100ms", v.Line, v.Value)
		}
		*field(c) = d
		return nil
	}
}

func nodeInt(field func(*node.Config) *int) func(*node.Config, *yaml.Node) error {
	return func(c *node.Config, v *yaml.Node) error {
		n, err := strconv.Atoi(v.Value)
		if err != nil {
			return fmt.Errorf("line %d: %q: want a whole number", v.Line, v.Value)
		}
		*field(c) = n
		return nil
	}
}

func nodeString(field func(*node.Config) *string) func(*node.Config, *yaml.Node) error {
	return func(c *node.Config, v *yaml.Node) error {
		*field(c) = v.Value
		return nil
	}
}

// NodeMeta is the results' record of the node options a pass wrote with
// (rbench run, recover and plan record the same).
func NodeMeta(c node.Config, prefix string) *results.Node {
	if c.InstrumentInfo == "" {
		c.InstrumentInfo = node.InfoVenue
	}
	return &results.Node{
		Flavour:                      string(c.Flavour),
		PersistAccountEvents:         c.PersistAccountEvents,
		TimestampsISO8601:            c.TimestampsISO8601,
		UseInstanceID:                c.UseInstanceID,
		InstanceID:                   c.InstanceID,
		SnapshotOrders:               c.SnapshotOrders,
		SnapshotPositions:            c.SnapshotPositions,
		SnapshotPositionsIntervalSec: c.SnapshotPositionsInterval.Seconds(),
		BulkReadBatchSize:            c.BulkReadBatchSize,
		InstrumentInfo:               c.InstrumentInfo,
		BufferIntervalMS:             float64(c.BufferInterval) / float64(time.Millisecond),
		KeyPrefix:                    prefix,
	}
}

// modelled returns c as the scenario writes it, with a warning for every
// option it writes differently from what was asked (node.Config.Effective:
// options the flavour does not read), and an error naming every option it
// cannot write at all (nothing is measured that the results would
// misdescribe).
func modelled(c node.Config) (node.Config, []string, error) {
	switch c.Flavour {
	case node.Python, node.Rust:
		c, notes := c.Effective()
		return c, notes, nil
	}
	return c, nil, fmt.Errorf("%w: node %q: want python or rust", ErrBadSpec, c.Flavour)
}

// flavourWarnings are the notes on a trading spec's parameters that the
// node's flavour does not act on: a Rust node's purges never reach Redis
// (keyspace.RustPurges), so --param purge=true only stops nothing.
func flavourWarnings(spec *Spec) []string {
	if spec.Node.Flavour != node.Rust || keyspace.RustPurges {
		return nil
	}
	if v, ok := spec.Params[ParamPurge]; ok {
		if b, err := paramBool(ParamPurge, v); err == nil && b {
			return []string{"node rust: --param purge=true sends nothing: the Rust LiveNode purges closed orders and positions from its memory only (purge_from_database is read by nothing: crates/execution/src/engine/config.rs:96; Cache.purge_order, crates/common/src/cache/mod.rs:3141-3268), so their keys stay in Redis"}
		}
	}
	return nil
}
