package main

import "github.com/urfave/cli/v2"

// TODO(owner): replace this stub.
func reportCommand() *cli.Command {
	return &cli.Command{Name: "report", Usage: "not implemented yet", Action: func(*cli.Context) error { return failure(errNotImplemented) }}
}
