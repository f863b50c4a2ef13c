package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		in      string
		want    RedisURL
		wantErr string
	}{
		{in: "redis://localhost", want: RedisURL{Scheme: "redis", Host: "localhost"}},
		{in: "redis://localhost:6380/2", want: RedisURL{Scheme: "redis", Host: "localhost", Port: 6380, DB: 2, HasDB: true}},
		{in: "redis://:pw@h:1/0", want: RedisURL{Scheme: "redis", Host: "h", Port: 1, Password: "pw", HasPassword: true, HasDB: true}},
		{in: "redis://user:pw@h", want: RedisURL{Scheme: "redis", Host: "h", Username: "user", Password: "pw", HasPassword: true}},
		{in: "redis://user@h", want: RedisURL{Scheme: "redis", Host: "h", Username: "user"}},
		{in: "redis://u:p%3Aw%40@h", want: RedisURL{Scheme: "redis", Host: "h", Username: "u", Password: "p:w@", HasPassword: true}},
		{in: "rediss://h:6380", want: RedisURL{Scheme: "rediss", Host: "h", Port: 6380}},
		{in: "REDIS://h", want: RedisURL{Scheme: "redis", Host: "h"}},
		{in: "redis://[::1]:6379", want: RedisURL{Scheme: "redis", Host: "::1", Port: 6379}},
		{in: "redis://h/", want: RedisURL{Scheme: "redis", Host: "h"}},
		{in: "redis://h?db=3", want: RedisURL{Scheme: "redis", Host: "h", DB: 3, HasDB: true}},
		{in: "unix:///run/redis.sock", want: RedisURL{Scheme: "unix", Host: "/run/redis.sock"}},
		{in: "unix:///run/redis.sock?db=5", want: RedisURL{Scheme: "unix", Host: "/run/redis.sock", DB: 5, HasDB: true}},
		{in: "", wantErr: "empty"},
		{in: "localhost:6379", wantErr: "scheme"},
		{in: "cache", wantErr: "no scheme"},
		{in: "http://h", wantErr: `scheme "http"`},
		{in: "redis://", wantErr: "no host"},
		{in: "redis://:6379", wantErr: "no host"},
		{in: "redis://h:0", wantErr: "1-65535"},
		{in: "redis://h:65536", wantErr: "1-65535"},
		{in: "redis://h:port", wantErr: "not a URL"},
		{in: "redis://h:", wantErr: "empty port"},
		{in: "redis://h/-1", wantErr: ">= 0"},
		{in: "redis://h/db", wantErr: ">= 0"},
		{in: "redis://h/1?db=2", wantErr: "twice"},
		{in: "redis://h?db=x", wantErr: ">= 0"},
		{in: "redis://h?timeout=1s", wantErr: "a query option is not supported; supported: db, tls_cacert"},
		{in: "rediss://h?tls_insecure=1", want: RedisURL{Scheme: "rediss", Host: "h", Options: []URLOption{{"tls_insecure", VarTLSInsecure, "1"}}}},
		{in: "rediss://h/2?tls_cacert=%2Fetc%2Fca.pem&tls_sni=cache.example.com&protocol=3", want: RedisURL{Scheme: "rediss", Host: "h", DB: 2, HasDB: true,
			Options: []URLOption{{"tls_cacert", VarTLSCACert, "/etc/ca.pem"}, {"tls_sni", VarTLSSNI, "cache.example.com"}, {"protocol", VarProtocol, "3"}}}},
		{in: "rediss://h?tls_cert=c.pem&tls_key=k.pem", want: RedisURL{Scheme: "rediss", Host: "h", Options: []URLOption{{"tls_cert", VarTLSCert, "c.pem"}, {"tls_key", VarTLSKey, "k.pem"}}}},
		{in: "redis://h?cluster=true", want: RedisURL{Scheme: "redis", Host: "h", Options: []URLOption{{"cluster", VarCluster, "true"}}}},
		{in: "redis://h?tls_insecure=1", wantErr: "tls_insecure is a TLS option: write rediss://"},
		{in: "rediss://h?protocol=3&protocol=2", wantErr: "protocol is given 2 times"},
		{in: "rediss://h?s3cr3t&s3cr3t", wantErr: "given twice"},
		{in: "unix://host/path", wantErr: "unix:///"},
		{in: "redis://h h", wantErr: "not a URL"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseURL(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"redis://h:6379/0", "redis://h:6379/0"},
		{"redis://user@h", "redis://user@h"},
		{"redis://:pw@h:6379/0", "redis://:****@h:6379/0"},
		{"rediss://user:pw@h", "rediss://user:****@h"},
		{"redis://u:p@ss:w@rd@h", "redis://u:****@h"},
		{"redis://u:p/w@h", "redis://u:****@h"},
		{"not a url", "not a url"},
		{"rediss://:pw@h/0?tls_cacert=/ca.pem&tls_insecure=1", "rediss://:****@h/0?tls_cacert=/ca.pem&tls_insecure=1"},
		{"rediss://h/0?tls_cacert=/ca.pem&pw", "rediss://h/0?****"},
		{"redis://h?db=1&password=x", "redis://h?****"},
		{"", ""},
	}
	for _, tc := range cases {
		if got := RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzParseURL: no panic, errors never repeat the password, and the
// redacted form never holds it.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"redis://h", "redis://u:pw@h:6379/1", "rediss://[::1]:1/2?db=3", "unix:///s?db=1", "redis://:%zz@h", "http://x", "::", "redis://u:p@@h:99999/x", "rediss://:pw@h?tls_insecure=1&tls_cacert=/ca.pem&tls_sni=x", "redis://h?cluster=true&protocol=3&protocol=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			if u.HasPassword && len(u.Password) >= 4 && strings.Contains(err.Error(), u.Password) {
				t.Fatalf("error %q repeats the password %q", err, u.Password)
			}
			return
		}
		if u.Scheme != "unix" && (u.Port < 0 || u.Port > 65535) {
			t.Fatalf("port %d out of range from %q", u.Port, s)
		}
		if u.DB < 0 {
			t.Fatalf("db %d from %q", u.DB, s)
		}
		if u.HasPassword && len(u.Password) >= 4 && !strings.Contains(u.Host, u.Password) &&
			!strings.Contains(u.Username, u.Password) && strings.Contains(RedactURL(s), u.Password) && !strings.Contains(s, "%") {
			t.Fatalf("RedactURL(%q) = %q keeps the password %q", s, RedactURL(s), u.Password)
		}
	})
}
