package connect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rbench/rbench/config"
)

// ErrUnreachable is matched by Connect's error when every attempt failed on a
// transient error (nothing listening, timeouts, resets, a server still LOADING).
var ErrUnreachable = errors.New("redis unreachable")

// ErrRejected is matched by Connect's error when the server or the TLS
// handshake refused the connection in a way retrying cannot fix
// (WRONGPASS, NOAUTH, TLS errors, an unknown host).
var ErrRejected = errors.New("redis rejected the connection")

// Connect checks that the configured server answers PING with PONG,
// retrying transient failures with exponential backoff and jitter, and
// failing at once on authentication, TLS and configuration errors. Each
// retry is logged (attempt, delay, cause). A cancelled ctx stops it at once.
func Connect(ctx context.Context, cfg *config.Config, opts Options) error {
	opts = opts.withDefaults()
	attempts := max(opts.Retries, 0) + 1
	delay := opts.BackoffMin
	for attempt := 1; ; attempt++ {
		opts.Logger.Debug("connecting", "addr", cfg.Addr(), "attempt", attempt, "of", attempts, "tls", cfg.TLS, "db", cfg.DB)
		err := probe(ctx, cfg)
		if err == nil {
			if attempt > 1 {
				opts.Logger.Info("connected", "addr", cfg.Addr(), "attempt", attempt)
			}
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("connecting to %s: %w", cfg.Addr(), context.Cause(ctx))
		}
		if !Transient(err) {
			return fmt.Errorf("connecting to %s: %w: %w", cfg.Addr(), ErrRejected, explain(err, cfg))
		}
		if attempt >= attempts {
			return fmt.Errorf("connecting to %s: %w after %s: %w", cfg.Addr(), ErrUnreachable, plural(attempt, "attempt"), explain(err, cfg))
		}
		wait := jitter(delay)
		opts.Logger.Warn("redis not reachable, retrying", "addr", cfg.Addr(), "attempt", attempt, "of", attempts, "delay", wait.Round(time.Millisecond), "cause", err.Error())
		select {
		case <-ctx.Done():
			return fmt.Errorf("connecting to %s: %w", cfg.Addr(), context.Cause(ctx))
		case <-time.After(wait):
		}
		delay = min(delay*2, opts.BackoffMax)
	}
}

// jitter adds up to 20% so many clients restarted together do not retry in
// lockstep.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration(rand.Int64N(int64(d)/5+1))
}

// probe makes one connection attempt with a throwaway single-connection
// client, so go-redis's own dial retries and pool error caching do not stretch
// or hide the attempt.
func probe(ctx context.Context, cfg *config.Config) error {
	o := FromConfig(cfg)
	// One server answers for the attempt: the seed of a cluster too.
	o.PoolSize, o.MaxRetries, o.DialerRetries, o.Cluster = 1, -1, 1, false
	var asked atomic.Bool
	o.certRequested = func() { asked.Store(true) }
	c := NewClient(o)
	defer c.Close()
	pong, err := c.Ping(ctx).Result()
	if err != nil {
		if asked.Load() && !Transient(err) || asked.Load() && isReset(err) {
			// With TLS 1.3 the server judges the client's certificate after
			// the client's handshake is done, so its refusal may arrive as
			// an alert or as a reset connection.
			return &certRequiredError{err}
		}
		return err
	}
	if pong != "PONG" {
		return fmt.Errorf("PING answered %q, not PONG", pong)
	}
	return nil
}

// Transient reports whether err is worth retrying: connection refused,
// reset or aborted, timeouts, a unix socket not there yet, a connection
// closed by a starting server, or a server still loading its data.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	var cv *tls.CertificateVerificationError
	var rh tls.RecordHeaderError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var cr *certRequiredError
	if errors.As(err, &cr) {
		return false
	}
	if errors.As(err, &cv) || errors.As(err, &rh) || errors.As(err, &ua) || errors.As(err, &hn) {
		return false
	}
	msg := err.Error()
	for _, p := range []string{"WRONGPASS", "NOAUTH", "NOPERM", "ERR AUTH", "ERR invalid password", "ERR Client sent AUTH", "tls:", "x509:"} {
		if strings.Contains(msg, p) {
			return false
		}
	}
	for _, p := range []string{"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ENOENT) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTimeout || dns.IsTemporary
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return false
}

// isReset reports a connection the server closed or reset.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// certRequiredError is a connection that the TLS server dropped after it
// asked for a client certificate: it refused the one offered, or the lack
// of one. Not worth retrying.
type certRequiredError struct{ err error }

func (e *certRequiredError) Error() string { return e.err.Error() }
func (e *certRequiredError) Unwrap() error { return e.err }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
