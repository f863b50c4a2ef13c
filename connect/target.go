// Package connect connects rbench to the Redis server it measures: with retry
// on transient failures, a health check, key-prefix safety, and a throwaway
// redis-server (package localredis) when no target is configured. It is the
// only package that builds go-redis clients (NewClient, from ClientOptions).
package connect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/localredis"
)

// Defaults for Options.
const (
	DefaultRetries    = 5
	DefaultBackoffMin = time.Second
	DefaultBackoffMax = 32 * time.Second
)

// Options configure Open. The zero value retries 5 times with backoff from
// 1 s doubling to 32 s, logs nowhere, and announces a throwaway server on
// stderr.
type Options struct {
	// Retries is how many times a failed connection is retried after the
	// first attempt; -1 means no retry.
	// default: 5
	Retries int
	// BackoffMin is the wait before the first retry; each later wait
	// doubles, plus up to 20% jitter.
	// default: 1s
	BackoffMin time.Duration
	// BackoffMax caps the wait between retries.
	// default: 32s
	BackoffMax time.Duration
	// Logger receives one record per retry (attempt, delay, cause) and
	// debug details.
	// default: discard
	Logger *slog.Logger
	// RedisServer is the redis-server binary for a throwaway server.
	// default: redis-server on PATH
	RedisServer string
	// Persistence of a throwaway server.
	// default: localredis.AOFEverysec
	Persistence localredis.Persistence
	// Announce receives the line announcing a throwaway server (address,
	// directory, pid).
	// default: os.Stderr
	Announce io.Writer
	// PoolSize of Target.Client.
	// default: go-redis's (10 per CPU)
	PoolSize int
}

func (o Options) withDefaults() Options {
	// Retries stays -1 for "none": withDefaults runs again in Connect, and
	// a 0 there would turn back into the default.
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	if o.BackoffMin <= 0 {
		o.BackoffMin = DefaultBackoffMin
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = DefaultBackoffMax
	}
	if o.BackoffMax < o.BackoffMin {
		o.BackoffMax = o.BackoffMin
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Announce == nil {
		o.Announce = os.Stderr
	}
	return o
}

// Target is a connected Redis server.
type Target struct {
	// Client is connected and answered PING.
	Client redis.UniversalClient
	// Server is the throwaway server rbench started, nil for an external one.
	Server *localredis.Server
	// Cluster is the throwaway cluster rbench started (--cluster with no
	// target), nil otherwise.
	Cluster *localredis.Cluster
	// Config is the effective configuration; for a throwaway server it
	// points at that server.
	Config *config.Config

	opts Options
}

// Open connects to the configured server, retrying transient failures, or,
// when cfg names none (cfg.Configured() is false), starts a throwaway
// redis-server (a throwaway cluster of three primaries with --cluster),
// announces it and connects to that. With REDIS_CLUSTER auto it asks the
// server whether it is a cluster node, and the target's Config records the
// answer, so every client it makes is a cluster client or none is. Close
// stops the throwaway server and removes its directory; Open does so itself
// when it fails, including when ctx is cancelled.
func Open(ctx context.Context, cfg *config.Config, opts Options) (*Target, error) {
	opts = opts.withDefaults()
	t := &Target{Config: cfg, opts: opts}
	if opts.Logger.Enabled(ctx, slog.LevelDebug) {
		attrs := []any{"configured", cfg.Configured()}
		for _, st := range cfg.Settings() {
			attrs = append(attrs, st.Name, st.Display()+" ("+st.Origin+")")
		}
		opts.Logger.Debug("configuration", attrs...)
	}
	if !cfg.Configured() && cfg.Cluster == config.ClusterOn {
		cl, err := localredis.StartCluster(ctx, localredis.ClusterOptions{Server: localredis.Options{Binary: opts.RedisServer, Persistence: opts.Persistence}})
		if err != nil {
			return nil, fmt.Errorf("no Redis target configured (REDIS_URL or REDIS_HOST), and starting a throwaway cluster (--cluster) failed: %w", err)
		}
		t.Cluster = cl
		t.Config = cfg.WithTarget("127.0.0.1", cl.Primaries[0].Port(), cl.Password()).WithCluster(true, "throwaway cluster")
		fmt.Fprintf(opts.Announce, "rbench: no Redis target configured (REDIS_URL/REDIS_HOST); started a throwaway cluster of %d primaries at %s (%s); it is stopped and removed when rbench exits\n",
			len(cl.Primaries), strings.Join(cl.Addrs(), ", "), cl.Primaries[0].Persistence())
	} else if !cfg.Configured() {
		srv, err := localredis.Start(ctx, localredis.Options{Binary: opts.RedisServer, Persistence: opts.Persistence})
		if err != nil {
			return nil, fmt.Errorf("no Redis target configured (REDIS_URL or REDIS_HOST), and starting a throwaway redis-server failed: %w", err)
		}
		t.Server = srv
		t.Config = cfg.WithTarget("127.0.0.1", srv.Port(), srv.Password())
		fmt.Fprintf(opts.Announce, "rbench: no Redis target configured (REDIS_URL/REDIS_HOST); started a throwaway redis-server at %s (pid %d, dir %s, %s); it is stopped and removed when rbench exits\n",
			srv.Addr(), srv.Pid(), srv.Dir(), srv.Persistence())
	}
	if err := Connect(ctx, t.Config, opts); err != nil {
		_ = t.Close()
		return nil, err
	}
	if t.Config.Cluster == config.ClusterAuto {
		on, err := detectCluster(ctx, t.Config)
		if err != nil {
			_ = t.Close()
			return nil, err
		}
		origin := "detected: INFO cluster_enabled:0"
		if on {
			origin = "detected: INFO cluster_enabled:1"
		}
		t.Config = t.Config.WithCluster(on, origin)
		if on && t.Config.DB != 0 {
			_ = t.Close()
			return nil, fmt.Errorf("%w: %s is a Redis Cluster node, which has database 0 only: drop REDIS_DB (or --db %d)", config.ErrInvalid, t.Config.Addr(), t.Config.DB)
		}
	}
	t.Client = t.NewClient(opts.PoolSize)
	return t, nil
}

// Addr is the server's host:port or socket path.
func (t *Target) Addr() string { return t.Config.Addr() }

// Throwaway reports whether rbench started the server itself.
func (t *Target) Throwaway() bool { return t.Server != nil || t.Cluster != nil }

// IsCluster reports whether the target is a Redis Cluster (configured or
// detected): its clients are cluster clients.
func (t *Target) IsCluster() bool { return t.Config.Cluster == config.ClusterOn }

// detectCluster asks the server whether it is a cluster node (INFO
// cluster's cluster_enabled), on a connection of its own.
func detectCluster(ctx context.Context, cfg *config.Config) (bool, error) {
	o := FromConfig(cfg)
	o.PoolSize, o.MaxRetries, o.Cluster = 1, -1, false
	c := NewClient(o)
	defer c.Close()
	raw, err := c.Info(ctx, "cluster").Result()
	if err != nil {
		var rerr redis.Error
		if errors.As(err, &rerr) {
			// INFO refused (renamed, ACL): not a cluster as far as rbench
			// can tell; --cluster says otherwise.
			return false, nil
		}
		return false, fmt.Errorf("asking %s whether it is a cluster node (INFO cluster; --cluster=true or false skips it): %w", cfg.Addr(), err)
	}
	return parseInfo(raw)["cluster_enabled"] == "1", nil
}

// ClientOptions returns the target's connection settings, for NewClient.
func (t *Target) ClientOptions() ClientOptions { return FromConfig(t.Config) }

// NewClient returns a new client for the target with its own pool of
// poolSize connections (0: go-redis's default). The caller closes it.
func (t *Target) NewClient(poolSize int) redis.UniversalClient {
	o := t.ClientOptions()
	o.PoolSize = poolSize
	return NewClient(o)
}

// WorkerClient returns the client a benchmark's workers share: one
// connection per worker, pipelines on that same (warmed) pool rather than
// go-redis's separate pipeline pool, which would dial inside the
// measurement, and no retries: go-redis would resend a command that timed
// out or lost its connection, so a failure would show as a slow success
// and a MULTI/EXEC might be applied twice. The caller closes it.
func (t *Target) WorkerClient(workers int) redis.UniversalClient {
	o := t.ClientOptions()
	o.PoolSize, o.PipelinePoolSize, o.MaxRetries = workers, -1, -1
	return NewClient(o)
}

// WriterClient returns one writer connection that never resends a command
// (recover's writers: a transaction retried after a dropped connection
// could be applied twice). The caller closes it.
func (t *Target) WriterClient() redis.UniversalClient {
	o := t.ClientOptions()
	o.PoolSize, o.MaxRetries = 1, -1
	return NewClient(o)
}

// ProbeClient returns a single-connection client with timeouts of timeout
// and no retries, for polling a server that is restarting. The caller
// closes it.
func (t *Target) ProbeClient(timeout time.Duration) redis.UniversalClient {
	o := t.ClientOptions()
	o.PoolSize, o.MaxRetries = 1, -1
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout = timeout, timeout, timeout
	return NewClient(o)
}

// Close closes the client and stops a throwaway server (SIGTERM by pid, then
// its directory is removed). It is safe to call more than once.
func (t *Target) Close() error {
	var errs []error
	if t.Client != nil {
		errs = append(errs, t.Client.Close())
		t.Client = nil
	}
	if t.Server != nil {
		errs = append(errs, t.Server.Stop())
	}
	if t.Cluster != nil {
		errs = append(errs, t.Cluster.Stop())
		t.Cluster = nil
	}
	return errors.Join(errs...)
}

// OnThisMachine reports whether the server shares this machine's CPUs: a
// throwaway server, a unix socket, or a loopback address (which includes a
// container's port published on localhost). A load generator there competes
// with redis-server for cores.
func (t *Target) OnThisMachine() bool {
	return t.Throwaway() || OnThisMachine(t.Config)
}

// OnThisMachine reports whether cfg names a server on this machine: a unix
// socket, localhost or a loopback address.
func OnThisMachine(cfg *config.Config) bool {
	if cfg.Network == "unix" || strings.EqualFold(cfg.Host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(cfg.Host, "[]"))
	return ip != nil && ip.IsLoopback()
}
