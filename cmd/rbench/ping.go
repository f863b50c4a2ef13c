package main

import "github.com/urfave/cli/v2"

// TODO(owner): replace this stub.
func pingCommand() *cli.Command {
	return &cli.Command{Name: "ping", Usage: "not implemented yet", Action: func(*cli.Context) error { return failure(errNotImplemented) }}
}
