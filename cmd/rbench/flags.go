package main

import (
	"github.com/urfave/cli/v2"
)

// TODO(foundation): global flags mirroring the configuration variables.
func globalFlags() []cli.Flag { return nil }
