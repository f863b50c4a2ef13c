package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/internal/termtable"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
	"github.com/rbench/rbench/workloads"
)

func keysCommand() *cli.Command {
	return &cli.Command{
		Name:  "keys",
		Usage: "print the Redis keys a trading run writes: key pattern, Redis type, commands",
		UsageText: "rbench keys [--trader-id ID] [--use-instance-id [--instance-id UUID | --seed N]]\n" +
			"           [--snapshot-orders] [--snapshot-positions] [--snapshot-positions-interval D]\n" +
			"           [--persist-account-events=false] [--client-ids] [--all] [--json]",
		Description: `Lists every key a run of the trading workloads writes under its trader key,
as a NautilusTrader Python node with the same options writes them, with the
Redis type, the commands each cache call sends and how a starting node reads
it back, then the SCAN patterns of the startup load. The node's options
change the list: --use-instance-id puts the node's UUID4 after the trader id,
the snapshot options add the snapshot lists, --persist-account-events=false
drops the account lists, --client-ids adds index:order_client. --all also
lists the keys a node writes that rbench's scenario never does. It does not
connect to Redis. Examples:

  rbench keys
  rbench keys --trader-id TRADER-007 --use-instance-id --snapshot-orders
  rbench keys --all --json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "trader-id", Value: keyspace.DefaultTraderID, EnvVars: []string{"RBENCH_TRADER_ID"}, Usage: "trader id in the key prefix"},
			&cli.BoolFlag{Name: "use-instance-id", Usage: "put the node's instance id, a UUID4, after the trader id (use_instance_id)"},
			&cli.StringFlag{Name: "instance-id", Usage: "the instance id with --use-instance-id (default: derived from --seed, as a run derives it)"},
			&cli.Int64Flag{Name: "seed", Value: workloads.DefaultSeed, Usage: "the run's seed, from which the instance id is derived"},
			&cli.BoolFlag{Name: "snapshot-orders", Usage: "the node snapshots orders (snapshot_orders)"},
			&cli.BoolFlag{Name: "snapshot-positions", Usage: "the node snapshots positions (snapshot_positions)"},
			&cli.DurationFlag{Name: "snapshot-positions-interval", Usage: "the node snapshots open positions this often (snapshot_positions_interval_secs)"},
			&cli.BoolFlag{Name: "persist-account-events", Value: true, Usage: "the node writes account states (persist_account_events)"},
			&cli.BoolFlag{Name: "client-ids", Usage: "the strategies pass client ids to submit_order"},
			&cli.BoolFlag{Name: "all", Usage: "also list the keys rbench's scenario never writes"},
			&cli.BoolFlag{Name: "json", Usage: "print JSON"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return usageError(fmt.Errorf("unexpected argument %q: rbench keys takes flags only", c.Args().First()))
			}
			opts, err := keysOptions(c)
			if err != nil {
				return usageError(err)
			}
			l := keyspace.LayoutFor(c.String("trader-id"), opts.Node, c.Int64("seed"))
			doc := keysJSON(l, opts.Writes(), c.Bool("all"))
			if c.Bool("json") {
				return writePayloadsJSON(c.App.Writer, doc)
			}
			return printKeys(c.App.Writer, doc)
		},
	}
}

// keysOptions maps the flags to the scenario a run would generate,
// reporting every bad flag at once.
func keysOptions(c *cli.Context) (scenario.Options, error) {
	var errs []error
	if c.String("trader-id") == "" {
		errs = append(errs, fmt.Errorf("--trader-id is empty: give an id such as %s", keyspace.DefaultTraderID))
	}
	cfg := node.DefaultConfig()
	cfg.UseInstanceID = c.Bool("use-instance-id")
	cfg.InstanceID = c.String("instance-id")
	cfg.SnapshotOrders = c.Bool("snapshot-orders")
	cfg.SnapshotPositions = c.Bool("snapshot-positions")
	cfg.SnapshotPositionsInterval = c.Duration("snapshot-positions-interval")
	cfg.PersistAccountEvents = c.Bool("persist-account-events")
	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	if cfg.InstanceID != "" && !cfg.UseInstanceID {
		errs = append(errs, fmt.Errorf("--instance-id %q without --use-instance-id: a node writes no instance id unless use_instance_id is set", cfg.InstanceID))
	}
	lc := scenario.DefaultLifecycle()
	lc.ClientIDs = c.Bool("client-ids")
	return scenario.Options{Node: cfg, Lifecycle: &lc}, errors.Join(errs...)
}

type keysDoc struct {
	Prefix    string           `json:"prefix"`
	Keys      []keyspace.Entry `json:"keys"`
	ScanCount int              `json:"scan_count"`
	Load      []keysLoad       `json:"startup_load"`
}

type keysLoad struct {
	Collection string `json:"collection"`
	Match      string `json:"match"`
}

// keysJSON is the layout under l of the keys a run that writes w writes;
// with all, every row of the layout.
func keysJSON(l keyspace.Layout, w keyspace.Writes, all bool) keysDoc {
	d := keysDoc{Prefix: l.Prefix() + keyspace.Delimiter, Keys: []keyspace.Entry{}, ScanCount: keyspace.ScanCount}
	for _, e := range keyspace.Table {
		if all || e.WrittenBy(w) {
			d.Keys = append(d.Keys, e)
		}
	}
	for _, col := range keyspace.LoadOrder {
		d.Load = append(d.Load, keysLoad{col, l.ScanPattern(col)})
	}
	return d
}

func printKeys(w io.Writer, d keysDoc) error {
	fmt.Fprintf(w, "keys under %s\n\n", d.Prefix)
	// Fitted to the terminal: the commands, values and conditions wrap.
	t := termtable.Table{Head: []string{"KEY", "TYPE", "WRITTEN WITH", "READ AT STARTUP", "VALUE", "WRITTEN BY A RUN"}, Wrap: []int{2, 4, 5}}
	for _, e := range d.Keys {
		t.Rows = append(t.Rows, []string{e.Pattern, e.Type, e.Write, e.Read, e.Value, e.When})
	}
	if err := t.Write(w, termtable.Width(w)); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nstartup load, in order (SCAN 0 MATCH <pattern> COUNT %d until the cursor is 0):\n", d.ScanCount)
	for _, l := range d.Load {
		fmt.Fprintf(w, "  %-12s %s\n", l.Collection, l.Match)
	}
	return nil
}
