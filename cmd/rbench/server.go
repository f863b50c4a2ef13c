package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/localredis"
)

func serverCommand() *cli.Command {
	return &cli.Command{
		Name:  "server",
		Usage: "run a throwaway redis-server in the foreground until Ctrl-C",
		UsageText: `rbench server [--port N] [--persistence MODE] [--requirepass PASSWORD]

Examples:
  rbench server                       # prints its URL; Ctrl-C stops it
  rbench server --port 6380 --persistence aof-always
  REDIS_URL=$(rbench server & ...)    # the URL is the only line on stdout`,
		Description: `Starts redis-server (from PATH or --redis-server) with compose/redis.conf on
127.0.0.1 in a fresh temporary directory, prints its URL on stdout, and on
Ctrl-C (or SIGTERM) stops it by its pid and removes the directory.
With --requirepass the printed URL shows the password as ****.`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "port", Aliases: []string{"p"}, Usage: "port on 127.0.0.1 (default: a free one)"},
			&cli.StringFlag{Name: "persistence", Value: string(localredis.AOFEverysec), Usage: "aof-always, aof-everysec, rdb or none"},
			&cli.StringFlag{Name: "requirepass", Usage: "require this password from clients"},
			&cli.StringFlag{Name: flagRedisServer, Usage: "redis-server binary (default: from PATH)", TakesFile: true},
		},
		Action: func(c *cli.Context) error {
			in := newInputs(c)
			p, err := localredis.ParsePersistence(c.String("persistence"))
			if err != nil {
				in.add(fmt.Errorf("--persistence: %w", err))
			}
			if port := c.Int("port"); port < 0 || port > 65535 {
				in.bad("--port %d: allowed: an integer 1-65535, or 0 for a free port", port)
			}
			if c.IsSet("requirepass") && c.String("requirepass") == "" {
				in.bad("--requirepass is empty: give a password, or drop --requirepass for none")
			}
			in.binary(flagRedisServer)
			if err := in.err(); err != nil {
				return err
			}
			srv, err := localredis.Start(c.Context, localredis.Options{
				Binary:      c.String(flagRedisServer),
				Port:        c.Int("port"),
				Persistence: p,
				Password:    c.String("requirepass"),
			})
			if err != nil {
				return failure(err)
			}
			fmt.Fprintf(os.Stderr, "rbench: throwaway redis-server at %s (pid %d, dir %s, %s); Ctrl-C stops it and removes the directory\n",
				srv.Addr(), srv.Pid(), srv.Dir(), srv.Persistence())
			fmt.Fprintln(c.App.Writer, config.RedactURL(srv.URL()))
			select {
			case <-c.Context.Done():
				if err := srv.Stop(); err != nil {
					return failure(err)
				}
				fmt.Fprintln(os.Stderr, "rbench: redis-server stopped, directory removed")
				return nil
			case <-srv.Exited():
				_ = srv.Stop()
				return failure(fmt.Errorf("redis-server exited unexpectedly; its log ended:\n%s", srv.LogTail()))
			}
		},
	}
}
