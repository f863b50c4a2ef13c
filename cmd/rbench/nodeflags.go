package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/node"
)

// The node's options (upstream's CacheConfig and exec-engine settings that
// change what a node writes), as one flag set that every command modelling
// a node takes: run today, recover and plan later. Defaults are upstream's
// (node.DefaultConfig); a flag that is not given leaves the value from the
// workload file or the default.

const nodeCategory = "Node (what the modelled node's CacheConfig says)"

func nodeFlags() []cli.Flag {
	d := node.DefaultConfig()
	cat := nodeCategory
	return []cli.Flag{
		&cli.StringFlag{Name: "node", Value: string(d.Flavour), Usage: "the node flavour modelled: python (the TradingNode: Python payloads, one message per command, a sequential startup load) or rust (the LiveNode: serde payloads, its own add_order/update_order/add_position sequences, a concurrent pipelined startup load)", Category: cat},
		&cli.StringFlag{Name: "buffer-interval", Usage: "buffer_interval_ms: the writer sends everything queued as one MULTI/EXEC every `D` of wall time (0: each Redis command its own MULTI/EXEC); with --find-max a list, e.g. 0,10ms,50ms,100ms, one search per interval", Category: cat},
		&cli.BoolFlag{Name: "persist-account-events", Value: d.PersistAccountEvents, Usage: "persist_account_events (false: add_account and update_account are never written)", Category: cat},
		&cli.BoolFlag{Name: "timestamps-iso8601", Usage: "timestamps_as_iso8601: top-level ts_* fields as ISO-8601 strings instead of nanosecond decimals", Category: cat},
		&cli.BoolFlag{Name: "use-instance-id", Usage: "use_instance_id: keys under trader-{id}:{instance id}: (a UUID4 derived from --seed)", Category: cat},
		&cli.StringFlag{Name: "instance-id", Usage: "the instance `UUID` with --use-instance-id (default: derived from --seed)", Category: cat},
		&cli.BoolFlag{Name: "snapshot-orders", Usage: "snapshot_orders: append every order event's state to snapshots:orders:{id}", Category: cat},
		&cli.BoolFlag{Name: "snapshot-positions", Usage: "snapshot_positions: append the position's state to snapshots:positions:{id} when it opens, changes and closes", Category: cat},
		&cli.DurationFlag{Name: "snapshot-positions-interval", Usage: "snapshot_positions_interval_secs: also snapshot every open position this often, in scenario time (0: never)", Category: cat},
		&cli.IntFlag{Name: "bulk-read-batch-size", Aliases: []string{"bulk-read-batch"}, Usage: "bulk_read_batch_size: the startup load MGETs in chunks of `N` keys (0: one MGET)", Category: cat},
		&cli.StringFlag{Name: "instrument-info", Value: d.InstrumentInfo, Usage: "instruments' info: venue (the venue's symbol record, about 1-2 KB, as exchange adapters store it) or none (null)", Category: cat},
	}
}

// applyNodeFlags sets the node options given on the command line in cfg,
// which starts from upstream's defaults when it is zero, and validates the
// result: every bad value is reported at once, named by its workload-file
// key (buffer_interval, bulk_read_batch_size, ...).
func applyNodeFlags(c *cli.Context, cfg *node.Config) error {
	if cfg.Flavour == "" {
		*cfg = node.DefaultConfig()
	}
	if c.IsSet("node") {
		cfg.Flavour = node.Flavour(strings.ToLower(strings.TrimSpace(c.String("node"))))
	}
	if c.IsSet("buffer-interval") {
		list, err := bufferIntervals(c)
		if err != nil {
			return err
		}
		cfg.BufferInterval = list[0]
	}
	if c.IsSet("persist-account-events") {
		cfg.PersistAccountEvents = c.Bool("persist-account-events")
	}
	if c.IsSet("timestamps-iso8601") {
		cfg.TimestampsISO8601 = c.Bool("timestamps-iso8601")
	}
	if c.IsSet("use-instance-id") {
		cfg.UseInstanceID = c.Bool("use-instance-id")
	}
	if c.IsSet("instance-id") {
		cfg.InstanceID = c.String("instance-id")
	}
	if c.IsSet("snapshot-orders") {
		cfg.SnapshotOrders = c.Bool("snapshot-orders")
	}
	if c.IsSet("snapshot-positions") {
		cfg.SnapshotPositions = c.Bool("snapshot-positions")
	}
	if c.IsSet("snapshot-positions-interval") {
		cfg.SnapshotPositionsInterval = c.Duration("snapshot-positions-interval")
	}
	if c.IsSet("bulk-read-batch-size") {
		cfg.BulkReadBatchSize = c.Int("bulk-read-batch-size")
	}
	if c.IsSet("instrument-info") {
		cfg.InstrumentInfo = c.String("instrument-info")
	}
	return cfg.Validate()
}

// bufferIntervals reads --buffer-interval: one duration, or with
// --find-max a comma-separated list of them (0 needs no unit).
func bufferIntervals(c *cli.Context) ([]time.Duration, error) {
	v := c.String("buffer-interval")
	var out []time.Duration
	var bad []string
	for _, e := range strings.Split(v, ",") {
		e = strings.TrimSpace(e)
		d, err := time.ParseDuration(e)
		if err != nil || d < 0 {
			bad = append(bad, fmt.Sprintf("%q", e))
			continue
		}
		out = append(out, d)
	}
	switch {
	case len(bad) > 0:
		return nil, fmt.Errorf("--buffer-interval %s: %s not a duration of 0 or more; give e.g. 10ms, or with --find-max a list such as 0,10ms,50ms,100ms", v, strings.Join(bad, ", "))
	case len(out) > 1 && !findMaxSet(c):
		return nil, fmt.Errorf("--buffer-interval %s: a list of intervals needs --find-max (one search per interval); give one interval for a run", v)
	}
	return out, nil
}
