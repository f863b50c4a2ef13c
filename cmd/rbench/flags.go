package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

var errNotImplemented = errors.New("not implemented yet")

// TODO(foundation): global flags mirroring the configuration variables.
func globalFlags() []cli.Flag { return nil }
