package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/internal/termtable"
	"github.com/rbench/rbench/node/keyspace"
)

func keysCommand() *cli.Command {
	return &cli.Command{
		Name:      "keys",
		Usage:     "print the trading node's Redis key layout: key pattern, Redis type, commands",
		UsageText: "rbench keys [--trader-id ID] [--instance-id ID] [--json]",
		Description: `Lists every collection and index key a trading node writes under its trader
key, the Redis type, the commands each cache call sends and how a starting
node reads it back, then the SCAN patterns of the startup load. It does not
connect to Redis. Examples:

  rbench keys
  rbench keys --trader-id TRADER-007 --instance-id msgpack
  rbench keys --json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "trader-id", Value: keyspace.DefaultTraderID, EnvVars: []string{"RBENCH_TRADER_ID"}, Usage: "trader id in the key prefix"},
			&cli.StringFlag{Name: "instance-id", Usage: "instance id slot after the trader id (rbench puts the encoding there in multi-encoding runs)"},
			&cli.BoolFlag{Name: "json", Usage: "print JSON"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return usageError(fmt.Errorf("unexpected argument %q: rbench keys takes flags only", c.Args().First()))
			}
			l := keyspace.Layout{TraderID: c.String("trader-id"), InstanceID: c.String("instance-id")}
			if l.TraderID == "" {
				return usageError(fmt.Errorf("--trader-id is empty: give an id such as %s", keyspace.DefaultTraderID))
			}
			if c.Bool("json") {
				return writePayloadsJSON(c.App.Writer, keysJSON(l))
			}
			return printKeys(c.App.Writer, l)
		},
	}
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

func keysJSON(l keyspace.Layout) keysDoc {
	d := keysDoc{Prefix: l.Prefix() + keyspace.Delimiter, Keys: keyspace.Table, ScanCount: keyspace.ScanCount}
	for _, col := range keyspace.LoadOrder {
		d.Load = append(d.Load, keysLoad{col, l.ScanPattern(col)})
	}
	return d
}

func printKeys(w io.Writer, l keyspace.Layout) error {
	fmt.Fprintf(w, "keys under %s\n\n", l.Prefix()+keyspace.Delimiter)
	// Fitted to the terminal: the commands and the values wrap.
	t := termtable.Table{Head: []string{"KEY", "TYPE", "WRITTEN WITH", "READ AT STARTUP", "VALUE"}, Wrap: []int{2, 4}}
	for _, e := range keyspace.Table {
		t.Rows = append(t.Rows, []string{e.Pattern, e.Type, e.Write, e.Read, e.Value})
	}
	if err := t.Write(w, termtable.Width(w)); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nstartup load, in order (SCAN 0 MATCH <pattern> COUNT %d until the cursor is 0):\n", keyspace.ScanCount)
	for _, col := range keyspace.LoadOrder {
		fmt.Fprintf(w, "  %-12s %s\n", col, l.ScanPattern(col))
	}
	return nil
}
