package main

import "github.com/urfave/cli/v2"

// TODO(owner): replace this stub.
func recoverCommand() *cli.Command {
	return &cli.Command{Name: "recover", Usage: "not implemented yet", Action: func(*cli.Context) error { return failure(errNotImplemented) }}
}
