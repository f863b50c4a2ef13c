package connect

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/localredis"
)

// tlsServer starts a throwaway redis-server serving TLS with certificates
// this test generates (hosts: what the server certificate carries).
func tlsServer(t *testing.T, authClients bool, hosts ...string) (*localredis.Server, *localredis.Certs) {
	t.Helper()
	certs, err := localredis.GenerateCerts(t.TempDir(), hosts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None, TLS: &localredis.TLS{
		CertFile: certs.ServerCert, KeyFile: certs.ServerKey, CACertFile: certs.CACert, AuthClients: authClients}})
	return srv, certs
}

// TestTLS connects to a real TLS redis-server: with its CA, with a wrong
// CA (a clear error naming the CA file and the fix), with and without the
// client certificate it requires, with --insecure, and with --sni.
func TestTLS(t *testing.T) {
	ctx := context.Background()
	plain, certs := tlsServer(t, false)
	mtls, mcerts := tlsServer(t, true)
	named, ncerts := tlsServer(t, false, "redis.test")
	other, err := localredis.GenerateCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	port := func(s *localredis.Server) string { return strconv.Itoa(s.TLSPort()) }
	base := func(s *localredis.Server, kv ...string) map[string]string {
		f := map[string]string{config.VarHost: "127.0.0.1", config.VarPort: port(s), config.VarTLS: "true"}
		for i := 0; i < len(kv); i += 2 {
			f[kv[i]] = kv[i+1]
		}
		return f
	}
	for _, tc := range []struct {
		name    string
		flags   map[string]string
		wantErr []string // all must appear; nil: connects
	}{
		{"the server's CA", base(plain, config.VarTLSCACert, certs.CACert), nil},
		{"a wrong CA", base(plain, config.VarTLSCACert, other.CACert),
			[]string{"not signed by the CA in " + other.CACert, "--cacert FILE", "--insecure"}},
		{"no CA: the system's", base(plain), []string{"system's trusted CAs", "--cacert FILE"}},
		{"--insecure, wrong CA", base(plain, config.VarTLSCACert, other.CACert, config.VarTLSInsecure, "true"), nil},
		{"--insecure, no CA", base(plain, config.VarTLSInsecure, "true"), nil},
		{"client certificate required, none given", base(mtls, config.VarTLSCACert, mcerts.CACert),
			[]string{"requires a client certificate", "--cert FILE and --key FILE"}},
		{"client certificate required and given", base(mtls, config.VarTLSCACert, mcerts.CACert,
			config.VarTLSCert, mcerts.ClientCert, config.VarTLSKey, mcerts.ClientKey), nil},
		{"client certificate of another CA", base(mtls, config.VarTLSCACert, mcerts.CACert,
			config.VarTLSCert, other.ClientCert, config.VarTLSKey, other.ClientKey), []string{"refused the client certificate " + other.ClientCert}},
		{"certificate for redis.test, no --sni", base(named, config.VarTLSCACert, ncerts.CACert),
			[]string{"does not carry the name 127.0.0.1", "--sni NAME"}},
		{"certificate for redis.test, --sni redis.test", base(named, config.VarTLSCACert, ncerts.CACert, config.VarTLSSNI, "redis.test"), nil},
		{"certificate for redis.test, --sni other.test", base(named, config.VarTLSCACert, ncerts.CACert, config.VarTLSSNI, "other.test"),
			[]string{"does not carry the name other.test"}},
		{"TLS to the plain port", map[string]string{config.VarHost: "127.0.0.1", config.VarPort: strconv.Itoa(plain.Port()), config.VarTLS: "true",
			config.VarTLSCACert: certs.CACert, config.VarConnectTimeout: "300ms"},
			[]string{"unreachable", "does not speak TLS on port " + strconv.Itoa(plain.Port()), "tls-port"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg, err := Open(ctx, cfgFor(t, tc.flags), Options{Retries: -1})
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				defer tg.Close()
				// Every client the target makes speaks TLS: the workers' too.
				w := tg.WorkerClient(2)
				defer w.Close()
				if err := w.Set(ctx, "trader-TLS:k", "v", 0).Err(); err != nil {
					t.Fatalf("worker client: %v", err)
				}
				return
			}
			if err == nil {
				tg.Close()
				t.Fatalf("connected, want an error containing %q", tc.wantErr)
			}
			if !errors.Is(err, ErrRejected) && !strings.Contains(tc.name, "plain port") {
				t.Errorf("error is not ErrRejected (it would be retried): %v", err)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestTLSConfig: the one tls.Config follows the options (SNI, the pool,
// the client certificate, --insecure), and a cluster leaves the name to
// each node's address unless --sni is given.
func TestTLSConfig(t *testing.T) {
	if TLSConfig(ClientOptions{Addr: "h:1"}) != nil {
		t.Error("a TLS config without TLS")
	}
	c := TLSConfig(ClientOptions{Addr: "cache.example.com:6380", TLS: true})
	if c.ServerName != "cache.example.com" || c.InsecureSkipVerify || c.RootCAs != nil {
		t.Errorf("defaults: %+v", c)
	}
	if c := TLSConfig(ClientOptions{Addr: "10.0.0.1:6380", TLS: true, ServerName: "cache.example.com", TLSInsecure: true}); c.ServerName != "cache.example.com" || !c.InsecureSkipVerify {
		t.Errorf("--sni, --insecure: %+v", c)
	}
	if c := TLSConfig(ClientOptions{Addr: "10.0.0.1:6380", TLS: true, Cluster: true}); c.ServerName != "" {
		t.Errorf("cluster without --sni: ServerName %q, want each node's own", c.ServerName)
	}
}
