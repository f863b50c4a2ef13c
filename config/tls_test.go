package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/localredis"
)

func load(flags map[string]string) (*config.Config, error) {
	return config.Load(config.Input{Flags: flags, LookupEnv: func(string) (string, bool) { return "", false }, EnvFile: os.DevNull})
}

// TestTLSSettings: the TLS files are read and checked with the rest of the
// configuration, every problem at once, naming the variable, the path and
// the fix, and never the key's contents.
func TestTLSSettings(t *testing.T) {
	dir := t.TempDir()
	certs, err := localredis.GenerateCerts(dir)
	if err != nil {
		t.Fatal(err)
	}
	other, err := localredis.GenerateCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keyBytes, err := os.ReadFile(certs.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	on := func(kv ...string) map[string]string {
		f := map[string]string{config.VarHost: "cache", config.VarTLS: "true"}
		for i := 0; i < len(kv); i += 2 {
			f[kv[i]] = kv[i+1]
		}
		return f
	}
	for _, tc := range []struct {
		name  string
		flags map[string]string
		want  []string
	}{
		{"all good", on(config.VarTLSCACert, certs.CACert, config.VarTLSCert, certs.ClientCert, config.VarTLSKey, certs.ClientKey, config.VarTLSSNI, "cache.example.com"), nil},
		{"TLS options without TLS", map[string]string{config.VarHost: "cache", config.VarTLSCACert: certs.CACert, config.VarTLSInsecure: "true"},
			[]string{"REDIS_TLS_CACERT=" + certs.CACert + " (from flag --cacert): a TLS option, but TLS is off: add --tls", "REDIS_TLS_INSECURE=true (from flag --insecure)"}},
		{"a missing CA", on(config.VarTLSCACert, filepath.Join(dir, "nope.pem")), []string{"REDIS_TLS_CACERT=" + filepath.Join(dir, "nope.pem"), "no such file"}},
		{"a CA file without a certificate", on(config.VarTLSCACert, notPEM), []string{"holds no PEM certificate"}},
		{"a device as the CA: read bounded", on(config.VarTLSCACert, "/dev/zero"), []string{"REDIS_TLS_CACERT=/dev/zero", "larger than the 1 MiB"}},
		{"a directory as the key", on(config.VarTLSCert, certs.ClientCert, config.VarTLSKey, dir), []string{"REDIS_TLS_KEY=" + dir, "cannot"}},
		{"a certificate without its key", on(config.VarTLSCert, certs.ClientCert), []string{"REDIS_TLS_CERT=", "needs its private key: set --key FILE"}},
		{"a key without its certificate", on(config.VarTLSKey, certs.ClientKey), []string{"REDIS_TLS_KEY=", "needs its client certificate: set --cert FILE"}},
		{"a key of another certificate", on(config.VarTLSCert, certs.ClientCert, config.VarTLSKey, other.ClientKey),
			[]string{"REDIS_TLS_KEY=" + other.ClientKey, "do not make a pair"}},
		{"the key given as the certificate", on(config.VarTLSCert, certs.ClientKey, config.VarTLSKey, certs.ClientKey), []string{"do not make a pair"}},
		{"a bad SNI", on(config.VarTLSSNI, "not a name"), []string{"REDIS_TLS_SNI=\"not a name\""}},
		{"a bad protocol", on(config.VarProtocol, "4"), []string{"REDIS_PROTOCOL=4", "2 (RESP2"}},
		{"cluster with a database", map[string]string{config.VarHost: "cache", config.VarCluster: "true", config.VarDB: "2"}, []string{"database 0 only"}},
		{"a bad cluster mode", map[string]string{config.VarHost: "cache", config.VarCluster: "maybe"}, []string{"REDIS_CLUSTER=maybe", "true, false or auto"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(tc.flags)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if c.TLSFiles.RootCAs == nil || c.TLSFiles.Certificate == nil || c.TLSServerName != "cache.example.com" {
					t.Errorf("TLS files not loaded: %+v", c.TLSFiles)
				}
				for _, s := range c.Settings() {
					if strings.Contains(s.Display(), "PRIVATE KEY") {
						t.Errorf("%s shows the key", s.Name)
					}
				}
				return
			}
			if err == nil {
				t.Fatalf("loaded, want an error containing %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), strings.TrimSpace(string(keyBytes[30:60]))) {
				t.Errorf("error repeats the key's contents: %v", err)
			}
		})
	}
}

// TestURLOptions: a rediss:// URL's query options set the TLS, protocol
// and cluster variables, and a flag beats them.
func TestURLOptions(t *testing.T) {
	certs, err := localredis.GenerateCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c, err := load(map[string]string{config.VarURL: "rediss://cache:6380/0?tls_insecure=1&tls_cacert=" + certs.CACert + "&protocol=3&tls_sni=cache.example.com", config.VarTLSSNI: "other.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.TLS || !c.TLSInsecure || c.TLSFiles.CACert != certs.CACert || c.Protocol != 3 || c.TLSServerName != "other.example.com" {
		t.Errorf("got TLS %v insecure %v CA %q protocol %d SNI %q", c.TLS, c.TLSInsecure, c.TLSFiles.CACert, c.Protocol, c.TLSServerName)
	}
	if s, _ := c.Setting(config.VarTLSInsecure); s.Origin != "flag --url" {
		t.Errorf("REDIS_TLS_INSECURE origin %q, want the URL's", s.Origin)
	}
}
