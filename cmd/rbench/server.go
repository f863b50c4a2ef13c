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
		UsageText: `rbench server [--port N] [--persistence MODE] [--requirepass PASSWORD] [--cluster N [--replicas M]]

Examples:
  rbench server                       # prints its URL; Ctrl-C stops it
  rbench server --port 6380 --persistence aof-always
  rbench server --cluster 3           # three primaries; prints redis://...?cluster=true
  rbench server --cluster 3 --replicas 1
  REDIS_URL=$(rbench server & ...)    # the URL is the only line on stdout`,
		Description: `Starts redis-server (from PATH or --redis-server) with compose/redis.conf on
127.0.0.1 in a fresh temporary directory, prints its URL on stdout, and on
Ctrl-C (or SIGTERM) stops it by its pid and removes the directory.
With --requirepass the printed URL shows the password as ****.
With --cluster N it starts N primaries on free ports instead, splits the
16384 slots among them, joins them (CLUSTER MEET) and waits for
cluster_state:ok; --replicas M adds M replicas per primary.`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "port", Aliases: []string{"p"}, Usage: "port on 127.0.0.1 (default: a free one)"},
			&cli.StringFlag{Name: "persistence", Value: string(localredis.AOFEverysec), Usage: "aof-always, aof-everysec, rdb or none"},
			&cli.StringFlag{Name: "requirepass", Usage: "require this password from clients"},
			&cli.StringFlag{Name: flagRedisServer, Usage: "redis-server binary (default: from PATH)", TakesFile: true},
			&cli.IntFlag{Name: "cluster", Usage: "start a Redis Cluster of `N` primaries (1-100) instead of one server"},
			&cli.IntFlag{Name: "replicas", Usage: "with --cluster: `M` replicas per primary (0-5)"},
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
			if n := c.Int("cluster"); c.IsSet("cluster") && (n < 1 || n > 100) {
				in.bad("--cluster %d: allowed: 1-100 primaries", n)
			}
			if m := c.Int("replicas"); m < 0 || m > 5 {
				in.bad("--replicas %d: allowed: 0-5 replicas per primary", m)
			} else if m > 0 && !c.IsSet("cluster") {
				in.bad("--replicas %d: replicas belong to a cluster: add --cluster N", m)
			}
			if c.IsSet("cluster") && c.IsSet("port") {
				in.bad("--port %d: a cluster's nodes each take a free port: drop --port", c.Int("port"))
			}
			if err := in.err(); err != nil {
				return err
			}
			if c.IsSet("cluster") {
				return serveCluster(c, p)
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

// serveCluster is `rbench server --cluster N`: a throwaway cluster in the
// foreground until Ctrl-C.
func serveCluster(c *cli.Context, p localredis.Persistence) error {
	cl, err := localredis.StartCluster(c.Context, localredis.ClusterOptions{
		Primaries: c.Int("cluster"),
		Replicas:  c.Int("replicas"),
		Server:    localredis.Options{Binary: c.String(flagRedisServer), Persistence: p, Password: c.String("requirepass")},
	})
	if err != nil {
		return failure(err)
	}
	for _, s := range cl.Primaries {
		fmt.Fprintf(os.Stderr, "rbench: cluster primary %s (pid %d, dir %s)\n", s.Addr(), s.Pid(), s.Dir())
	}
	for _, s := range cl.Replicas {
		fmt.Fprintf(os.Stderr, "rbench: cluster replica %s (pid %d, dir %s)\n", s.Addr(), s.Pid(), s.Dir())
	}
	fmt.Fprintf(os.Stderr, "rbench: throwaway cluster of %d primaries and %d replicas (%s); Ctrl-C stops it and removes the directories\n",
		len(cl.Primaries), len(cl.Replicas), p)
	fmt.Fprintln(c.App.Writer, config.RedactURL(cl.URL()))
	exited := make(chan *localredis.Server, 1)
	for _, s := range cl.Servers() {
		go func() {
			<-s.Exited()
			select {
			case exited <- s:
			default:
			}
		}()
	}
	select {
	case <-c.Context.Done():
		if err := cl.Stop(); err != nil {
			return failure(err)
		}
		fmt.Fprintln(os.Stderr, "rbench: cluster stopped, directories removed")
		return nil
	case s := <-exited:
		tail := s.LogTail()
		_ = cl.Stop()
		return failure(fmt.Errorf("cluster node %s exited unexpectedly; its log ended:\n%s", s.Addr(), tail))
	}
}
