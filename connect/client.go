package connect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/localredis"
)

// ClientOptions is the one home of the settings every go-redis client
// rbench makes is built with: where the server is, who connects, and each
// client's own pool and retry policy. Build them with FromConfig or
// FromServer, adjust the per-client fields, and call NewClient; no other
// package builds a go-redis client.
type ClientOptions struct {
	// Network is "tcp" or "unix"; for "unix", Addr is the socket path.
	// default: "tcp"
	Network string
	// Addr is host:port, or the socket path.
	// default: none, required
	Addr string
	// Username and Password authenticate (AUTH); a Password alone is the
	// default user's.
	// default: none
	Username, Password string
	// DB is the database number SELECTed on each connection.
	// default: 0
	DB int
	// TLS turns TLS on, verifying the server's certificate for ServerName.
	// default: false
	TLS bool
	// ServerName is the name sent as SNI that the TLS certificate must
	// carry.
	// default: the host part of Addr (of each node's address on a cluster)
	ServerName string
	// TLSInsecure skips verifying the server's certificate (--insecure).
	// default: false
	TLSInsecure bool
	// RootCAs verify the server's certificate (--cacert).
	// default: nil, the system's trusted CAs
	RootCAs *x509.CertPool
	// Certificate is the client certificate offered to a server with
	// tls-auth-clients (--cert, --key).
	// default: none
	Certificate *tls.Certificate
	// Protocol is the RESP version: 2 or 3.
	// default: 2
	Protocol int
	// Cluster builds a Redis Cluster client (go-redis's ClusterClient),
	// with Addr as the seed node it learns the others from.
	// default: false, one server
	Cluster bool
	// DialTimeout bounds each connection attempt; ReadTimeout and
	// WriteTimeout each command.
	// default: go-redis's (5 s, 3 s, 3 s)
	DialTimeout, ReadTimeout, WriteTimeout time.Duration

	// PoolSize is the client's connection pool.
	// default: go-redis's (10 per CPU)
	PoolSize int
	// PipelinePoolSize -1 sends pipelines through the main pool; 0 gives
	// them go-redis's separate pool of 10, dialled on first use.
	// default: 0
	PipelinePoolSize int
	// MaxRetries -1 never resends a failed command; 0 is go-redis's 3
	// retries. A benchmark and a recovery writer must not retry: a command
	// resent after a timeout shows as a slow success, and a MULTI/EXEC may
	// be applied twice.
	// default: 0
	MaxRetries int
	// DialerRetries is how many dials one connection attempt makes.
	// default: go-redis's (5)
	DialerRetries int
	// ClientName is sent with CLIENT SETNAME on every connection.
	// default: none
	ClientName string

	// certRequested, when set, is called when a TLS server asks for a
	// client certificate: the connection check tells "the server wants a
	// certificate" from a reset connection with it.
	certRequested func()
}

// FromConfig returns the connection settings of a configuration; the
// per-client fields are left at their defaults.
func FromConfig(cfg *config.Config) ClientOptions {
	return ClientOptions{
		Network:      cfg.Network,
		Addr:         cfg.Addr(),
		Username:     cfg.Username,
		Password:     cfg.Password,
		DB:           cfg.DB,
		TLS:          cfg.TLS,
		ServerName:   cfg.TLSServerName,
		TLSInsecure:  cfg.TLSInsecure,
		RootCAs:      cfg.TLSFiles.RootCAs,
		Certificate:  cfg.TLSFiles.Certificate,
		Protocol:     cfg.Protocol,
		Cluster:      cfg.Cluster == config.ClusterOn,
		DialTimeout:  cfg.ConnectTimeout,
		ReadTimeout:  cfg.ResponseTimeout,
		WriteTimeout: cfg.ResponseTimeout,
	}
}

// FromServer returns the connection settings of a throwaway server.
func FromServer(srv *localredis.Server) ClientOptions {
	return ClientOptions{Network: "tcp", Addr: srv.Addr(), Password: srv.Password()}
}

// FromCluster returns the connection settings of a throwaway cluster: a
// cluster client seeded with its first primary.
func FromCluster(c *localredis.Cluster) ClientOptions {
	return ClientOptions{Network: "tcp", Addr: c.Addr(), Password: c.Password(), Cluster: true}
}

// NewClient returns a client built from o: a single-server client, or a
// cluster client when o.Cluster is set. It speaks RESP2, as the trading
// node's client does (so replies stay plain), unless o.Protocol is 3, and
// sends no CLIENT SETINFO. The caller closes it.
func NewClient(o ClientOptions) redis.UniversalClient {
	u := &redis.UniversalOptions{
		Addrs:            []string{o.Addr},
		Username:         o.Username,
		Password:         o.Password,
		DB:               o.DB,
		Protocol:         o.Protocol,
		DialTimeout:      o.DialTimeout,
		ReadTimeout:      o.ReadTimeout,
		WriteTimeout:     o.WriteTimeout,
		PoolSize:         o.PoolSize,
		PipelinePoolSize: o.PipelinePoolSize,
		MaxRetries:       o.MaxRetries,
		DialerRetries:    o.DialerRetries,
		ClientName:       o.ClientName,
		DisableIdentity:  true,
		IsClusterMode:    o.Cluster,
		TLSConfig:        TLSConfig(o),
	}
	if o.Network == "unix" {
		path := o.Addr
		u.Dialer = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		}
	}
	return build(u)
}

// TLSConfig is the one tls.Config of a connection with o's settings, nil
// without TLS. On a single server the certificate must carry ServerName,
// else the host of Addr; on a cluster, ServerName when set, else each
// node's own host (crypto/tls takes it from the address dialled).
func TLSConfig(o ClientOptions) *tls.Config {
	if !o.TLS {
		return nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: o.RootCAs, InsecureSkipVerify: o.TLSInsecure} //nolint:gosec // --insecure is the user's explicit choice
	if o.Certificate != nil {
		c.Certificates = []tls.Certificate{*o.Certificate}
	}
	if o.certRequested != nil {
		cert, seen := o.Certificate, o.certRequested
		c.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			seen()
			if cert == nil {
				return &tls.Certificate{}, nil // none: the server decides
			}
			return cert, nil
		}
	}
	c.ServerName = o.ServerName
	if c.ServerName == "" && !o.Cluster {
		c.ServerName, _, _ = net.SplitHostPort(o.Addr)
	}
	return c
}

// Sibling returns a new single-connection client to c's server with c's
// connection settings (address, dialer, credentials, database, TLS,
// timeouts, protocol) and none of its state (pool, push processors,
// client-side caching), named name: the server-side view samples INFO on a
// connection of its own this way. The caller closes it.
func Sibling(c *redis.Client, name string) *redis.Client {
	o := c.Options()
	return build(&redis.UniversalOptions{
		Addrs:                        []string{o.Addr},
		Dialer:                       o.Dialer, // go-redis fills it in for every client: TCP, unix or TLS
		OnConnect:                    o.OnConnect,
		Protocol:                     o.Protocol,
		Username:                     o.Username,
		Password:                     o.Password,
		CredentialsProvider:          o.CredentialsProvider,
		CredentialsProviderContext:   o.CredentialsProviderContext,
		StreamingCredentialsProvider: o.StreamingCredentialsProvider,
		DB:                           o.DB,
		MaxRetries:                   o.MaxRetries,
		DialTimeout:                  o.DialTimeout,
		ReadTimeout:                  o.ReadTimeout,
		WriteTimeout:                 o.WriteTimeout,
		TLSConfig:                    o.TLSConfig,
		ClientName:                   name,
		PoolSize:                     1,
		MaxIdleConns:                 1,
		MaintNotificationsConfig:     &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
		DisableIdentity:              o.DisableIdentity,
	}).(*redis.Client)
}

// build is the one place a go-redis client is made; Protocol 0 means RESP2.
func build(u *redis.UniversalOptions) redis.UniversalClient {
	if u.Protocol == 0 {
		u.Protocol = 2
	}
	return redis.NewUniversalClient(u)
}
