package main

import "github.com/urfave/cli/v2"

// TODO(owner): replace this stub.
func compareCommand() *cli.Command {
	return &cli.Command{Name: "compare", Usage: "not implemented yet", Action: func(*cli.Context) error { return failure(errNotImplemented) }}
}
