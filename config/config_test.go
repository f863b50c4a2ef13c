package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func load(t *testing.T, flags, environ map[string]string, dotenv string) (*Config, error) {
	t.Helper()
	in := Input{Flags: flags, LookupEnv: env(environ)}
	if dotenv != "" {
		in.EnvFile = filepath.Join(t.TempDir(), "test.env")
		if err := os.WriteFile(in.EnvFile, []byte(dotenv), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return Load(in)
}

func TestDefaults(t *testing.T) {
	t.Chdir(t.TempDir()) // no ./.env
	c, err := Load(Input{LookupEnv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr() != "127.0.0.1:6379" || c.DB != 0 || c.TLS || c.Encoding != "msgpack" || c.TraderID != "RBENCH-001" ||
		c.ConnectTimeout != 5*time.Second || c.ResponseTimeout != 3*time.Second || c.Debug || c.EnvFile != "" {
		t.Errorf("defaults: %+v", c)
	}
	if c.Configured() {
		t.Error("Configured() with nothing set, want false (throwaway server)")
	}
	if c.Prefix() != "trader-RBENCH-001:" {
		t.Errorf("Prefix() = %q", c.Prefix())
	}
	for _, s := range c.Settings() {
		if s.Source != FromDefault {
			t.Errorf("%s from %s, want default", s.Name, s.Source)
		}
	}
}

// TestValidation has one case per rule, valid and invalid; invalid ones must
// name the variable, the source, the value and what is allowed.
func TestValidation(t *testing.T) {
	cases := []struct {
		name    string
		environ map[string]string
		wantErr []string // substrings; nil means valid
	}{
		{"hostname", map[string]string{"REDIS_HOST": "redis.example.com"}, nil},
		{"single label host", map[string]string{"REDIS_HOST": "redis"}, nil},
		{"host with digits and hyphen", map[string]string{"REDIS_HOST": "cache-01.a1.internal"}, nil},
		{"trailing dot", map[string]string{"REDIS_HOST": "redis.example.com."}, nil},
		{"ipv4", map[string]string{"REDIS_HOST": "10.0.0.7"}, nil},
		{"ipv6", map[string]string{"REDIS_HOST": "::1"}, nil},
		{"ipv6 brackets", map[string]string{"REDIS_HOST": "[fe80::1]"}, nil},
		{"ipv6 zone", map[string]string{"REDIS_HOST": "fe80::1%eth0"}, nil},
		{"ipv4-mapped ipv6", map[string]string{"REDIS_HOST": "::ffff:10.0.0.1"}, nil},
		{"unix socket", map[string]string{"REDIS_HOST": "/var/run/redis/redis.sock"}, nil},
		{"host underscore", map[string]string{"REDIS_HOST": "bad_host"}, []string{"REDIS_HOST", "bad_host", "env REDIS_HOST", "RFC 1123"}},
		{"host leading hyphen", map[string]string{"REDIS_HOST": "-redis"}, []string{"REDIS_HOST", "-redis"}},
		{"host label too long", map[string]string{"REDIS_HOST": strings.Repeat("a", 64) + ".com"}, []string{"REDIS_HOST"}},
		{"host bad ipv4", map[string]string{"REDIS_HOST": "999.1.1.1"}, []string{"REDIS_HOST", "999.1.1.1"}},
		{"host with port", map[string]string{"REDIS_HOST": "redis:6379"}, []string{"REDIS_HOST", "redis:6379"}},
		{"ipv4 in brackets", map[string]string{"REDIS_HOST": "[10.0.0.1]"}, []string{"REDIS_HOST"}},
		{"host relative path", map[string]string{"REDIS_HOST": "run/redis.sock"}, []string{"REDIS_HOST", "unix socket path"}},
		{"port min", map[string]string{"REDIS_PORT": "1"}, nil},
		{"port max", map[string]string{"REDIS_PORT": "65535"}, nil},
		{"port zero", map[string]string{"REDIS_PORT": "0"}, []string{"REDIS_PORT=0", "env REDIS_PORT", "1-65535"}},
		{"port too big", map[string]string{"REDIS_PORT": "70000"}, []string{"REDIS_PORT=70000", "1-65535"}},
		{"port text", map[string]string{"REDIS_PORT": "redis"}, []string{"REDIS_PORT=redis", "1-65535"}},
		{"db zero", map[string]string{"REDIS_DB": "0"}, nil},
		{"db 15", map[string]string{"REDIS_DB": "15"}, nil},
		{"db negative", map[string]string{"REDIS_DB": "-1"}, []string{"REDIS_DB=-1", ">= 0"}},
		{"db text", map[string]string{"REDIS_DB": "one"}, []string{"REDIS_DB=one", ">= 0"}},
		{"encoding json", map[string]string{"RBENCH_ENCODING": "json"}, nil},
		{"encoding bad", map[string]string{"RBENCH_ENCODING": "protobuf"}, []string{"RBENCH_ENCODING=protobuf", "msgpack or json"}},
		{"encoding case", map[string]string{"RBENCH_ENCODING": "JSON"}, []string{"RBENCH_ENCODING=JSON"}},
		{"timeout duration", map[string]string{"REDIS_CONNECT_TIMEOUT": "250ms"}, nil},
		{"timeout seconds", map[string]string{"REDIS_RESPONSE_TIMEOUT": "2.5"}, nil},
		{"timeout zero", map[string]string{"REDIS_CONNECT_TIMEOUT": "0s"}, []string{"REDIS_CONNECT_TIMEOUT=0s", "positive duration"}},
		{"timeout negative", map[string]string{"REDIS_RESPONSE_TIMEOUT": "-1s"}, []string{"REDIS_RESPONSE_TIMEOUT=-1s", "positive duration"}},
		{"timeout text", map[string]string{"REDIS_RESPONSE_TIMEOUT": "soon"}, []string{"REDIS_RESPONSE_TIMEOUT=soon"}},
		{"tls yes", map[string]string{"REDIS_TLS": "yes"}, nil},
		{"tls bad", map[string]string{"REDIS_TLS": "maybe"}, []string{"REDIS_TLS=maybe", "true or false"}},
		{"tls over unix", map[string]string{"REDIS_TLS": "true", "REDIS_HOST": "/tmp/r.sock"}, []string{"REDIS_TLS", "unix socket"}},
		{"user with password", map[string]string{"REDIS_USERNAME": "app", "REDIS_PASSWORD": "pw"}, nil},
		{"user without password", map[string]string{"REDIS_USERNAME": "app"}, []string{"REDIS_USERNAME=app", "needs a password"}},
		{"password only", map[string]string{"REDIS_PASSWORD": "pw"}, nil},
		{"trader id", map[string]string{"RBENCH_TRADER_ID": "TRADER-007"}, nil},
		{"trader id colon", map[string]string{"RBENCH_TRADER_ID": "A:B"}, []string{"RBENCH_TRADER_ID=A:B", "letters, digits, '_', '.' or '-'"}},
		{"trader id space", map[string]string{"RBENCH_TRADER_ID": "A B"}, []string{`RBENCH_TRADER_ID="A B"`, "letters, digits"}},
		{"trader id tab", map[string]string{"RBENCH_TRADER_ID": "A\tB"}, []string{"RBENCH_TRADER_ID", "letters, digits"}},
		// Glob characters: the id would match other traders' keys.
		{"trader id star", map[string]string{"RBENCH_TRADER_ID": "*"}, []string{"RBENCH_TRADER_ID=*", "glob characters"}},
		{"trader id question mark", map[string]string{"RBENCH_TRADER_ID": "?"}, []string{"RBENCH_TRADER_ID=?", "glob characters"}},
		{"trader id glob suffix", map[string]string{"RBENCH_TRADER_ID": "A*"}, []string{"RBENCH_TRADER_ID=A*"}},
		{"trader id class", map[string]string{"RBENCH_TRADER_ID": "[ab]"}, []string{"RBENCH_TRADER_ID=[ab]"}},
		{"trader id too long", map[string]string{"RBENCH_TRADER_ID": strings.Repeat("A", 65)}, []string{"1-64"}},
		{"debug bad", map[string]string{"RBENCH_DEBUG": "verbose"}, []string{"RBENCH_DEBUG=verbose"}},
		{"url ok", map[string]string{"REDIS_URL": "redis://cache:6380/2"}, nil},
		{"url bad scheme", map[string]string{"REDIS_URL": "http://cache:6380"}, []string{"REDIS_URL", "scheme", "redis://"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, nil, tc.environ, "")
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.wantErr)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not match ErrInvalid: %v", err)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("error is not a *ValidationError: %T", err)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestValidationReportsEveryProblem(t *testing.T) {
	_, err := load(t, map[string]string{VarDB: "-3"}, map[string]string{
		"REDIS_PORT": "70000", "RBENCH_ENCODING": "xml", "REDIS_CONNECT_TIMEOUT": "-1s",
	}, "REDIS_HOST=bad_host\n")
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *ValidationError, got %v", err)
	}
	want := map[string]string{
		VarPort: "env REDIS_PORT", VarEncoding: "env RBENCH_ENCODING", VarConnectTimeout: "env REDIS_CONNECT_TIMEOUT",
		VarDB: "flag --db", VarHost: "test.env:1",
	}
	if len(ve.Problems) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(ve.Problems), len(want), err)
	}
	for _, p := range ve.Problems {
		origin, ok := want[p.Setting.Name]
		if !ok {
			t.Errorf("unexpected problem %s", p)
			continue
		}
		if !strings.Contains(p.String(), origin) {
			t.Errorf("problem %q does not name its source %q", p, origin)
		}
	}
}

func TestPrecedence(t *testing.T) {
	cases := []struct {
		name       string
		flags      map[string]string
		environ    map[string]string
		dotenv     string
		variable   string
		want       string
		wantSource Source
	}{
		{"default", nil, nil, "", VarPort, "6379", FromDefault},
		{".env over default", nil, nil, "REDIS_PORT=6001", VarPort, "6001", FromDotenv},
		{"env over .env", nil, map[string]string{"REDIS_PORT": "6002"}, "REDIS_PORT=6001", VarPort, "6002", FromEnv},
		{"flag over env", map[string]string{VarPort: "6003"}, map[string]string{"REDIS_PORT": "6002"}, "REDIS_PORT=6001", VarPort, "6003", FromFlag},
		{"empty env does not hide .env", nil, map[string]string{"REDIS_PORT": ""}, "REDIS_PORT=6001", VarPort, "6001", FromDotenv},
		{"REDISCLI_AUTH", nil, map[string]string{"REDISCLI_AUTH": "a"}, "", VarPassword, "a", FromEnv},
		{"REDIS_PASSWORD over REDISCLI_AUTH", nil, map[string]string{"REDISCLI_AUTH": "a", "REDIS_PASSWORD": "b"}, "", VarPassword, "b", FromEnv},
		{"REDISCLI_AUTH in .env", nil, nil, "REDISCLI_AUTH=c", VarPassword, "c", FromDotenv},
		{"env REDISCLI_AUTH over .env REDIS_PASSWORD", nil, map[string]string{"REDISCLI_AUTH": "a"}, "REDIS_PASSWORD=d", VarPassword, "a", FromEnv},
		{"URL host over default", nil, map[string]string{"REDIS_URL": "redis://cache:7000/3"}, "", VarHost, "cache", FromEnv},
		{"URL port over default", nil, map[string]string{"REDIS_URL": "redis://cache:7000/3"}, "", VarPort, "7000", FromEnv},
		{"URL db", nil, map[string]string{"REDIS_URL": "redis://cache:7000/3"}, "", VarDB, "3", FromEnv},
		{"URL without port keeps REDIS_PORT", nil, map[string]string{"REDIS_URL": "redis://cache", "REDIS_PORT": "7001"}, "", VarPort, "7001", FromEnv},
		{"single variable wins a tie", nil, map[string]string{"REDIS_URL": "redis://cache:7000", "REDIS_PORT": "7001"}, "", VarPort, "7001", FromEnv},
		{"URL from env beats .env host", nil, map[string]string{"REDIS_URL": "redis://cache:7000"}, "REDIS_HOST=other", VarHost, "cache", FromEnv},
		{"host flag beats URL from env", map[string]string{VarHost: "flaghost"}, map[string]string{"REDIS_URL": "redis://cache:7000"}, "", VarHost, "flaghost", FromFlag},
		{"URL password", nil, map[string]string{"REDIS_URL": "redis://u:p%40ss@cache"}, "", VarPassword, "p@ss", FromEnv},
		{"rediss sets TLS", nil, map[string]string{"REDIS_URL": "rediss://cache"}, "", VarTLS, "true", FromEnv},
		{"debug selects json", map[string]string{VarDebug: "true"}, nil, "", VarEncoding, "json", FromFlag},
		{"explicit encoding beats debug", map[string]string{VarDebug: "true"}, map[string]string{"RBENCH_ENCODING": "msgpack"}, "", VarEncoding, "msgpack", FromEnv},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, tc.flags, tc.environ, tc.dotenv)
			if err != nil {
				t.Fatal(err)
			}
			s, _ := c.Setting(tc.variable)
			if s.Value != tc.want || s.Source != tc.wantSource {
				t.Errorf("%s = %q from %s, want %q from %s", tc.variable, s.Value, s.Source, tc.want, tc.wantSource)
			}
		})
	}
}

func TestURLFillsConfig(t *testing.T) {
	c, err := load(t, nil, map[string]string{"REDIS_URL": "rediss://app:s3cret@[::1]:6390/4"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "::1" || c.Port != 6390 || c.Username != "app" || c.Password != "s3cret" || c.DB != 4 || !c.TLS {
		t.Errorf("config from URL: %+v", c)
	}
	if c.Addr() != "[::1]:6390" {
		t.Errorf("Addr() = %q", c.Addr())
	}
	if !c.Configured() {
		t.Error("Configured() = false with REDIS_URL set")
	}
	c, err = load(t, nil, map[string]string{"REDIS_URL": "unix:///tmp/redis.sock?db=2"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Network != "unix" || c.Addr() != "/tmp/redis.sock" || c.DB != 2 {
		t.Errorf("unix URL: network %s addr %s db %d", c.Network, c.Addr(), c.DB)
	}
}

func TestConfigured(t *testing.T) {
	cases := []struct {
		name    string
		flags   map[string]string
		environ map[string]string
		dotenv  string
		want    bool
	}{
		{"nothing", nil, nil, "", false},
		{"port only", nil, map[string]string{"REDIS_PORT": "6380"}, "", false},
		{"password only", nil, map[string]string{"REDIS_PASSWORD": "x"}, "", false},
		{"host flag", map[string]string{VarHost: "127.0.0.1"}, nil, "", true},
		{"host env", nil, map[string]string{"REDIS_HOST": "127.0.0.1"}, "", true},
		{"host .env", nil, nil, "REDIS_HOST=127.0.0.1", true},
		{"url .env", nil, nil, "REDIS_URL=redis://x", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, tc.flags, tc.environ, tc.dotenv)
			if err != nil {
				t.Fatal(err)
			}
			if c.Configured() != tc.want {
				t.Errorf("Configured() = %v, want %v", c.Configured(), tc.want)
			}
		})
	}
}

func TestEnvFile(t *testing.T) {
	t.Run("default ./.env is read when present", func(t *testing.T) {
		t.Chdir(t.TempDir())
		if err := os.WriteFile(".env", []byte("export RBENCH_TRADER_ID='T-9'\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(Input{LookupEnv: env(nil)})
		if err != nil {
			t.Fatal(err)
		}
		s, _ := c.Setting(VarTraderID)
		if c.TraderID != "T-9" || c.EnvFile != ".env" || s.Origin != "file .env:1" {
			t.Errorf("trader id %q env file %q origin %q", c.TraderID, c.EnvFile, s.Origin)
		}
	})
	t.Run("named file missing", func(t *testing.T) {
		_, err := Load(Input{LookupEnv: env(nil), EnvFile: filepath.Join(t.TempDir(), "nope.env")})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "nope.env") {
			t.Errorf("err = %v, want ErrInvalid naming the file", err)
		}
	})
	t.Run("malformed file names the line", func(t *testing.T) {
		_, err := load(t, nil, nil, "# ok\nREDIS_HOST=x\nREDIS_PASSWORD hunter2\n")
		if !errors.Is(err, ErrInvalid) || !errors.Is(err, ErrDotenv) || !strings.Contains(err.Error(), "test.env:3") {
			t.Errorf("err = %v, want ErrInvalid naming test.env:3", err)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error repeats the line's secret: %v", err)
		}
	})
}

func TestRedaction(t *testing.T) {
	const pw = "hunter2-secret"
	cases := []struct {
		name    string
		flags   map[string]string
		environ map[string]string
	}{
		{"password flag", map[string]string{VarPassword: pw}, nil},
		{"password env", nil, map[string]string{"REDIS_PASSWORD": pw}},
		{"REDISCLI_AUTH", nil, map[string]string{"REDISCLI_AUTH": pw}},
		{"in URL", nil, map[string]string{"REDIS_URL": "redis://app:" + pw + "@cache:6379/0"}},
		{"in URL, password only", nil, map[string]string{"REDIS_URL": "redis://:" + pw + "@cache"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, tc.flags, tc.environ, "")
			if err != nil {
				t.Fatal(err)
			}
			if c.Password != pw {
				t.Fatalf("Password = %q, want the real one for the client", c.Password)
			}
			for _, s := range c.Settings() {
				if strings.Contains(s.Display(), pw) {
					t.Errorf("%s displays the password: %q", s.Name, s.Display())
				}
			}
			for k, v := range c.Map() {
				if strings.Contains(v, pw) {
					t.Errorf("Map()[%s] holds the password", k)
				}
			}
			if s, _ := c.Setting(VarPassword); s.Display() != Redacted {
				t.Errorf("password displays as %q, want %s", s.Display(), Redacted)
			}
		})
	}
	// Errors must not leak it either, even about a malformed URL.
	for _, u := range []string{"redis://app:" + pw + "@cache:99999", "redis://app:" + pw + "@cache:6379/x", "redis://app:" + pw + "@ca che", "ftp://app:" + pw + "@cache"} {
		_, err := load(t, nil, map[string]string{"REDIS_URL": u}, "")
		if err == nil {
			t.Errorf("%s: no error", RedactURL(u))
			continue
		}
		if strings.Contains(err.Error(), pw) {
			t.Errorf("error leaks the password: %v", err)
		}
	}
	_, err := load(t, nil, map[string]string{"REDIS_PASSWORD": pw, "REDIS_PORT": "0"}, "")
	if err == nil || strings.Contains(err.Error(), pw) {
		t.Errorf("err = %v", err)
	}
}

func TestWithTarget(t *testing.T) {
	c, err := load(t, nil, map[string]string{"RBENCH_TRADER_ID": "T-1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	w := c.WithTarget("127.0.0.1", 40001, "")
	if w.Addr() != "127.0.0.1:40001" || w.TraderID != "T-1" || w.Configured() {
		t.Errorf("WithTarget: addr %s trader %s configured %v", w.Addr(), w.TraderID, w.Configured())
	}
	if c.Addr() != "127.0.0.1:6379" {
		t.Errorf("WithTarget changed the original: %s", c.Addr())
	}
}
