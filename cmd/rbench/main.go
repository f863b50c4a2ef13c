// Command rbench benchmarks and plans Redis as the cache backend of a live
// trading node. Each subcommand lives in its own file and only maps flags to
// options of the library packages; only main picks the exit code.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"
)

// Stamped at build time: go build -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newApp().RunContext(ctx, os.Args)
	stop()
	code := exitCode(err)
	if err != nil && code != 0 {
		fmt.Fprintln(os.Stderr, "rbench:", err)
		for _, h := range memtierHints(os.Args[1:]) {
			fmt.Fprintln(os.Stderr, "rbench: hint:", h)
		}
	}
	os.Exit(code)
}

// -h is --host (redis-cli style), so help answers to --help only. Set in
// init so every app built in this package, tests included, agrees.
func init() {
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Usage: "show help"}
}

func newApp() *cli.App {
	return &cli.App{
		Name:    "rbench",
		Usage:   "benchmark and plan Redis as the cache of a live trading node",
		Version: version + " (" + commit + ")",
		// -h is --host in redis-cli's spirit; help stays --help.
		HideHelpCommand:      true,
		EnableBashCompletion: false,
		Flags:                globalFlags(),
		Action:               appAction,
		OnUsageError:         onUsageError,
		Commands: withUsageErrors([]*cli.Command{
			configCommand(),
			pingCommand(),
			serverCommand(),
			keysCommand(),
			payloadsCommand(),
			runCommand(),
			mergeCommand(),
			recoverCommand(),
			reportCommand(),
			gateCommand(),
			compareCommand(),
			planCommand(),
			helpCommand(),
		}),
		// Errors are printed once, by main, with the right exit code.
		ExitErrHandler: func(*cli.Context, error) {},
	}
}
