package connect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/rbench/rbench/config"
)

// explain adds, to a connection error that retrying cannot fix, what to
// change: a TLS failure says which certificate or setting is at fault and
// the flag that fixes it, naming the CA file it was checked against.
// Other errors come back as they are.
func explain(err error, cfg *config.Config) error {
	if err == nil {
		return nil
	}
	hint := tlsHint(err, cfg)
	if hint == "" {
		if strings.Contains(err.Error(), "SELECT is not allowed in cluster mode") {
			hint = "the server is a Redis Cluster node, which has database 0 only: drop REDIS_DB (or --db)"
		}
	}
	if hint == "" {
		return err
	}
	return fmt.Errorf("%w; %s", err, hint)
}

// caName is the CA the server's certificate was checked against, for
// messages.
func caName(cfg *config.Config) string {
	if cfg.TLSFiles.CACert != "" {
		s, _ := cfg.Setting(config.VarTLSCACert)
		return fmt.Sprintf("the CA in %s (%s)", cfg.TLSFiles.CACert, s.Origin)
	}
	return "the system's trusted CAs (no --cacert given)"
}

func tlsHint(err error, cfg *config.Config) string {
	if !cfg.TLS {
		return ""
	}
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var inv x509.CertificateInvalidError
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	msg := err.Error()
	switch {
	case errors.As(err, &ua):
		return fmt.Sprintf("the server's certificate is not signed by %s: give the CA that signed it with --cacert FILE (REDIS_TLS_CACERT, or ?tls_cacert= in a rediss:// URL), or --insecure to skip verification (testing only)", caName(cfg))
	case errors.As(err, &hn):
		name := cfg.TLSServerName
		if name == "" {
			name = cfg.Host
		}
		return fmt.Sprintf("the server's certificate does not carry the name %s: connect by a name it carries, or give that name with --sni NAME (REDIS_TLS_SNI)", name)
	case errors.As(err, &inv):
		return fmt.Sprintf("the server's certificate, checked against %s, is not valid (%s): renew it on the server, or --insecure to skip verification (testing only)", caName(cfg), inv.Detail)
	case errors.As(err, &rh) || strings.Contains(msg, "first record does not look like a TLS handshake"):
		return "the server does not speak TLS on this port: drop --tls (or use redis://), or connect to its tls-port"
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(msg, "i/o timeout"):
		// A server without TLS reads the handshake as a command and waits
		// for its end: the dial times out rather than failing.
		return fmt.Sprintf("with TLS on, a server that does not speak TLS on port %d never answers the handshake: check that it is the server's tls-port, or drop --tls", cfg.Port)
	case errors.As(err, new(*certRequiredError)) || strings.Contains(msg, "certificate required") || errors.As(err, &alert) && alert == 116:
		if cfg.TLSFiles.Certificate == nil {
			return "the server requires a client certificate (tls-auth-clients yes): give --cert FILE and --key FILE (REDIS_TLS_CERT, REDIS_TLS_KEY)"
		}
		return refusedCert(cfg)
	case strings.Contains(msg, "tls: unknown certificate authority") || strings.Contains(msg, "tls: bad certificate"):
		if cfg.TLSFiles.Certificate == nil {
			return "the server requires a client certificate (tls-auth-clients yes): give --cert FILE and --key FILE (REDIS_TLS_CERT, REDIS_TLS_KEY)"
		}
		return refusedCert(cfg)
	}
	return ""
}

func refusedCert(cfg *config.Config) string {
	return fmt.Sprintf("the server refused the client certificate %s: it is not signed by a CA the server trusts (its tls-ca-cert-file), or has expired; give a certificate that CA issued", cfg.TLSFiles.Cert)
}
