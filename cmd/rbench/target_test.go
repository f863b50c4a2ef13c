package main

import (
	"context"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/config"
)

// TestConnectionFlagsWithout: a command may own a flag named like a
// configuration flag (run's --encoding takes a list); its value must not be
// fed to the configuration, while the other connection flags still are.
func TestConnectionFlagsWithout(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("RBENCH_ENCODING", "")
	var got *config.Config
	var list string
	app := &cli.App{
		Commands: []*cli.Command{{
			Name:  "x",
			Flags: append(connectionFlagsWithout("encoding"), &cli.StringFlag{Name: "encoding"}),
			Action: func(c *cli.Context) error {
				list = c.String("encoding")
				var err error
				got, err = loadConfig(c)
				return err
			},
		}},
	}
	if err := app.RunContext(context.Background(), []string{"rbench", "x", "--encoding", "msgpack,json", "-p", "6390", "--trader-id", "T-2"}); err != nil {
		t.Fatal(err)
	}
	if list != "msgpack,json" || got.Encoding != "msgpack" || got.Port != 6390 || got.TraderID != "T-2" {
		t.Errorf("own --encoding %q, config encoding %q port %d trader %q", list, got.Encoding, got.Port, got.TraderID)
	}
	for _, f := range connectionFlagsWithout("encoding", "clean") {
		if n := f.Names()[0]; n == "encoding" || n == "clean" {
			t.Errorf("flag --%s not removed", n)
		}
	}
}
