package localredis

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// ClusterOptions configure StartCluster. The zero value starts three
// primaries and no replicas, each with Options' defaults.
type ClusterOptions struct {
	// Primaries is how many primaries share the 16384 slots.
	// default: 3
	Primaries int
	// Replicas is how many replicas each primary gets.
	// default: 0
	Replicas int
	// Server is the options of every node; Port and Dir must be zero
	// (each node gets a free port and a directory of its own).
	// default: Options' defaults
	Server Options
	// FormTimeout bounds the wait for cluster_state:ok on every node.
	// default: 30s
	FormTimeout time.Duration
}

// Cluster is a throwaway Redis Cluster: several redis-server processes on
// loopback ports, joined with CLUSTER MEET, the slots split evenly among
// the primaries with CLUSTER ADDSLOTSRANGE, each replica attached with
// CLUSTER REPLICATE.
type Cluster struct {
	// Primaries hold the slots, in slot order; Replicas follow them, each
	// replicating Primaries[i % len(Primaries)].
	Primaries, Replicas []*Server
}

// StartCluster starts a cluster and waits until every node reports
// cluster_state:ok and knows every other node. On failure it stops what it
// started.
func StartCluster(ctx context.Context, opts ClusterOptions) (*Cluster, error) {
	if opts.Primaries == 0 {
		opts.Primaries = 3
	}
	if opts.Primaries < 1 || opts.Primaries > 100 || opts.Replicas < 0 || opts.Replicas > 5 {
		return nil, fmt.Errorf("a cluster of %d primaries with %d replicas each: allowed: 1-100 primaries, 0-5 replicas", opts.Primaries, opts.Replicas)
	}
	if opts.Server.Port != 0 || opts.Server.Dir != "" {
		return nil, errors.New("ClusterOptions.Server: Port and Dir are chosen per node; leave them zero")
	}
	if opts.FormTimeout <= 0 {
		opts.FormTimeout = 30 * time.Second
	}
	c := &Cluster{}
	fail := func(err error) (*Cluster, error) {
		_ = c.Stop()
		return nil, err
	}
	start := func() (*Server, error) {
		o := opts.Server
		bus, err := FreePort()
		if err != nil {
			return nil, err
		}
		// The bus port is set, not left at port+10000, which is past
		// 65535 for a free port above 55535.
		o.Args = append([]string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "5000", "--cluster-port", strconv.Itoa(bus)}, o.Args...)
		if o.TLS != nil {
			o.Args = append(o.TLS.clusterArgs(), o.Args...)
		}
		return Start(ctx, o)
	}
	for range opts.Primaries {
		s, err := start()
		if err != nil {
			return fail(fmt.Errorf("starting a cluster primary: %w", err))
		}
		c.Primaries = append(c.Primaries, s)
	}
	for range opts.Primaries * opts.Replicas {
		s, err := start()
		if err != nil {
			return fail(fmt.Errorf("starting a cluster replica: %w", err))
		}
		c.Replicas = append(c.Replicas, s)
	}
	const slots = 16384
	for i, s := range c.Primaries {
		lo, hi := i*slots/opts.Primaries, (i+1)*slots/opts.Primaries-1
		if _, err := s.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", strconv.Itoa(lo), strconv.Itoa(hi)); err != nil {
			return fail(fmt.Errorf("CLUSTER ADDSLOTSRANGE %d %d on %s (needs Redis 7): %w", lo, hi, s.Addr(), err))
		}
	}
	all := c.Servers()
	for _, s := range all[1:] {
		if _, err := all[0].Do(ctx, "CLUSTER", "MEET", "127.0.0.1", strconv.Itoa(s.Port()), s.busPort()); err != nil {
			return fail(fmt.Errorf("CLUSTER MEET %s: %w", s.Addr(), err))
		}
	}
	ctx, cancel := context.WithTimeout(ctx, opts.FormTimeout)
	defer cancel()
	for i, r := range c.Replicas {
		p := c.Primaries[i%len(c.Primaries)]
		id, err := p.Do(ctx, "CLUSTER", "MYID")
		if err != nil {
			return fail(fmt.Errorf("CLUSTER MYID on %s: %w", p.Addr(), err))
		}
		// REPLICATE needs the replica to know the primary by now.
		for {
			_, err := r.Do(ctx, "CLUSTER", "REPLICATE", id)
			if err == nil {
				break
			}
			if err := sleep(ctx, 50*time.Millisecond); err != nil {
				return fail(fmt.Errorf("CLUSTER REPLICATE on %s: %w", r.Addr(), err))
			}
		}
	}
	want := "cluster_known_nodes:" + strconv.Itoa(len(all))
	for _, s := range all {
		for {
			info, err := s.Do(ctx, "CLUSTER", "INFO")
			if err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, want+"\r\n") {
				break
			}
			if err := sleep(ctx, 50*time.Millisecond); err != nil {
				return fail(fmt.Errorf("the cluster did not form on %s within %s (last CLUSTER INFO: %.200q): %w", s.Addr(), opts.FormTimeout, info, err))
			}
		}
	}
	// A replica serves reads only once it has synced: wait for its link.
	for _, r := range c.Replicas {
		for {
			info, err := r.Do(ctx, "INFO", "replication")
			if err == nil && strings.Contains(info, "master_link_status:up") {
				break
			}
			if err := sleep(ctx, 50*time.Millisecond); err != nil {
				return fail(fmt.Errorf("replica %s did not sync: %w", r.Addr(), err))
			}
		}
	}
	return c, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// busPort is the node's cluster bus port, from its --cluster-port argument.
func (s *Server) busPort() string {
	for i, a := range s.opts.Args {
		if a == "--cluster-port" && i+1 < len(s.opts.Args) {
			return s.opts.Args[i+1]
		}
	}
	return strconv.Itoa(s.port + 10000)
}

// Servers lists the primaries, then the replicas.
func (c *Cluster) Servers() []*Server {
	return append(append([]*Server(nil), c.Primaries...), c.Replicas...)
}

// Addr is the first primary's host:port, a seed node for a cluster client.
func (c *Cluster) Addr() string { return c.Primaries[0].Addr() }

// Addrs are every node's host:port, primaries first.
func (c *Cluster) Addrs() []string {
	var out []string
	for _, s := range c.Servers() {
		out = append(out, s.Addr())
	}
	return out
}

// Password is the nodes' requirepass, if any.
func (c *Cluster) Password() string { return c.Primaries[0].Password() }

// URL is a redis:// URL of the first primary that asks for a cluster
// client (?cluster=true), with the password when there is one.
func (c *Cluster) URL() string { return c.Primaries[0].URL() + "?cluster=true" }

// Stop stops every node and removes their directories.
func (c *Cluster) Stop() error {
	var errs []error
	for _, s := range c.Servers() {
		errs = append(errs, s.Stop())
	}
	return errors.Join(errs...)
}

// Do sends one command on a connection of its own (authenticated with the
// server's password) and returns a simple, integer or bulk reply as text;
// an error reply is an error. It is the set-up channel of a throwaway
// server, for the few commands that form a cluster, not a client.
func (s *Server) Do(ctx context.Context, args ...string) (string, error) {
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := d.DialContext(dctx, "tcp", s.Addr())
	if err != nil {
		return "", err
	}
	defer conn.Close()
	deadline, _ := dctx.Deadline()
	_ = conn.SetDeadline(deadline)
	r := bufio.NewReader(conn)
	send := func(args ...string) (string, error) {
		var b strings.Builder
		fmt.Fprintf(&b, "*%d\r\n", len(args))
		for _, a := range args {
			fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
		}
		if _, err := io.WriteString(conn, b.String()); err != nil {
			return "", err
		}
		return readReply(r)
	}
	if pw := s.opts.Password; pw != "" {
		if _, err := send("AUTH", pw); err != nil {
			return "", fmt.Errorf("AUTH: %w", err)
		}
	}
	return send(args...)
}

// readReply reads one RESP2 reply that is not an array.
func readReply(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return "", errors.New("empty reply")
	}
	switch line[0] {
	case '+', ':':
		return line[1:], nil
	case '-':
		return "", errors.New(line[1:])
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < -1 || n > 64<<20 {
			return "", fmt.Errorf("bulk length %q", line[1:])
		}
		if n < 0 {
			return "", nil
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(r, b); err != nil {
			return "", err
		}
		return string(b[:n]), nil
	}
	return "", fmt.Errorf("unexpected reply %.40q", line)
}
