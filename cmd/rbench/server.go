package main

import (
	"fmt"
	"net/url"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/localredis"
)

func serverCommand() *cli.Command {
	return &cli.Command{
		Name:  "server",
		Usage: "run a throwaway redis-server in the foreground until Ctrl-C",
		UsageText: `rbench server [--port N] [--persistence MODE] [--requirepass PASSWORD] [--cluster N [--replicas M]] [--tls [--tls-auth-clients]]

Examples:
  rbench server                       # prints its URL; Ctrl-C stops it
  rbench server --port 6380 --persistence aof-always
  rbench server --cluster 3           # three primaries; prints redis://...?cluster=true
  rbench server --cluster 3 --replicas 1
  rbench server --tls --tls-auth-clients   # prints rediss://...?tls_cacert=...&tls_cert=...&tls_key=...
  REDIS_URL=$(rbench server & ...)    # the URL is the only line on stdout`,
		Description: `Starts redis-server (from PATH or --redis-server) with compose/redis.conf on
127.0.0.1 in a fresh temporary directory, prints its URL on stdout, and on
Ctrl-C (or SIGTERM) stops it by its pid and removes the directory.
With --requirepass the printed URL shows the password as ****.
With --cluster N it starts N primaries on free ports instead, splits the
16384 slots among them, joins them (CLUSTER MEET) and waits for
cluster_state:ok; --replicas M adds M replicas per primary.
With --tls it also serves TLS on a free port, with a throwaway CA and server
and client certificates generated for it (removed on exit), and prints a
rediss:// URL naming them; --tls-auth-clients requires the client
certificate (tls-auth-clients yes). The plain port stays open on 127.0.0.1.`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "port", Aliases: []string{"p"}, Usage: "port on 127.0.0.1 (default: a free one)"},
			&cli.StringFlag{Name: "persistence", Value: string(localredis.AOFEverysec), Usage: "aof-always, aof-everysec, rdb or none"},
			&cli.StringFlag{Name: "requirepass", Usage: "require this password from clients"},
			&cli.StringFlag{Name: flagRedisServer, Usage: "redis-server binary (default: from PATH)", TakesFile: true},
			&cli.IntFlag{Name: "cluster", Usage: "start a Redis Cluster of `N` primaries (1-100) instead of one server"},
			&cli.IntFlag{Name: "replicas", Usage: "with --cluster: `M` replicas per primary (0-5)"},
			&cli.BoolFlag{Name: "tls", Usage: "also serve TLS, with a throwaway CA and certificates; prints a rediss:// URL naming them"},
			&cli.BoolFlag{Name: "tls-auth-clients", Usage: "with --tls: require a client certificate (the printed URL carries one)"},
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
			if c.Bool("tls-auth-clients") && !c.Bool("tls") {
				in.bad("--tls-auth-clients requires client certificates on TLS: add --tls")
			}
			if err := in.err(); err != nil {
				return err
			}
			tlsOpts, certs, err := serverTLS(c)
			if err != nil {
				return failure(err)
			}
			if certs != nil {
				defer os.RemoveAll(certs.Dir)
			}
			if c.IsSet("cluster") {
				return serveCluster(c, p, tlsOpts, certs)
			}
			srv, err := localredis.Start(c.Context, localredis.Options{
				Binary:      c.String(flagRedisServer),
				Port:        c.Int("port"),
				Persistence: p,
				Password:    c.String("requirepass"),
				TLS:         tlsOpts,
			})
			if err != nil {
				return failure(err)
			}
			fmt.Fprintf(os.Stderr, "rbench: throwaway redis-server at %s (pid %d, dir %s, %s); Ctrl-C stops it and removes the directory\n",
				srv.Addr(), srv.Pid(), srv.Dir(), srv.Persistence())
			if certs != nil {
				fmt.Fprintf(os.Stderr, "rbench: TLS on %s with the throwaway CA %s (removed when rbench exits); the plain port %s stays open on loopback\n", srv.TLSAddr(), certs.CACert, srv.Addr())
				fmt.Fprintln(c.App.Writer, config.RedactURL(tlsURL(srv.TLSURL(), certs, c.Bool("tls-auth-clients"), "")))
			} else {
				fmt.Fprintln(c.App.Writer, config.RedactURL(srv.URL()))
			}
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
func serveCluster(c *cli.Context, p localredis.Persistence, tlsOpts *localredis.TLS, certs *localredis.Certs) error {
	cl, err := localredis.StartCluster(c.Context, localredis.ClusterOptions{
		Primaries: c.Int("cluster"),
		Replicas:  c.Int("replicas"),
		Server:    localredis.Options{Binary: c.String(flagRedisServer), Persistence: p, Password: c.String("requirepass"), TLS: tlsOpts},
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
	if certs != nil {
		fmt.Fprintf(os.Stderr, "rbench: TLS on every node (tls-cluster yes), first at %s, with the throwaway CA %s (removed when rbench exits)\n", cl.Primaries[0].TLSAddr(), certs.CACert)
		fmt.Fprintln(c.App.Writer, config.RedactURL(tlsURL(cl.Primaries[0].TLSURL(), certs, c.Bool("tls-auth-clients"), "cluster=true")))
	} else {
		fmt.Fprintln(c.App.Writer, config.RedactURL(cl.URL()))
	}
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

// serverTLS generates the throwaway CA and certificates of `rbench server
// --tls` in a directory of their own; nil without --tls.
func serverTLS(c *cli.Context) (*localredis.TLS, *localredis.Certs, error) {
	if !c.Bool("tls") {
		return nil, nil, nil
	}
	dir, err := os.MkdirTemp("", "rbench-tls-")
	if err != nil {
		return nil, nil, fmt.Errorf("a directory for the throwaway certificates: %w", err)
	}
	certs, err := localredis.GenerateCerts(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("generating the throwaway certificates: %w", err)
	}
	return &localredis.TLS{CertFile: certs.ServerCert, KeyFile: certs.ServerKey, CACertFile: certs.CACert, AuthClients: c.Bool("tls-auth-clients")}, certs, nil
}

// tlsURL is base (a rediss:// URL) with the query options naming the CA
// and, when the server asks for one, the client certificate.
func tlsURL(base string, certs *localredis.Certs, client bool, extra string) string {
	q := url.Values{}
	q.Set("tls_cacert", certs.CACert)
	if client {
		q.Set("tls_cert", certs.ClientCert)
		q.Set("tls_key", certs.ClientKey)
	}
	s := base + "?" + q.Encode()
	if extra != "" {
		s += "&" + extra
	}
	return s
}
