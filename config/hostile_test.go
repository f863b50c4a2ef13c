package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rbench/rbench/internal/input"
)

func TestStrictNumbers(t *testing.T) {
	for _, tc := range []struct{ name, val string }{
		{VarPort, "+80"}, {VarPort, "-0"}, {VarPort, "0x50"}, {VarPort, "80.0"}, {VarPort, "1_000"},
		{VarDB, "+1"}, {VarDB, "-0"}, {VarDB, "1e1"},
	} {
		_, err := load(t, nil, map[string]string{tc.name: tc.val}, "")
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Setting.Name != tc.name {
			t.Errorf("%s=%s: %v, want one problem naming %s", tc.name, tc.val, err, tc.name)
		}
	}
	if c, err := load(t, nil, map[string]string{VarPort: " 6380 ", VarDB: "03"}, ""); err != nil || c.Port != 6380 || c.DB != 3 {
		t.Errorf("padded digits: %+v, %v", c, err)
	}
}

func TestEncodingLists(t *testing.T) {
	c, err := load(t, nil, map[string]string{VarEncoding: "msgpack,json"}, "")
	if err != nil || !slices.Equal(c.Encodings, []string{"msgpack", "json"}) || c.Encoding != "msgpack" {
		t.Fatalf("RBENCH_ENCODING=msgpack,json: %+v, %v", c, err)
	}
	c, err = load(t, map[string]string{VarEncoding: " json , msgpack"}, nil, "")
	if err != nil || !slices.Equal(c.Encodings, []string{"json", "msgpack"}) {
		t.Fatalf("--encoding ' json , msgpack': %+v, %v", c, err)
	}
	for _, bad := range []string{"msgpack,,json", "", " ", "msgpack,", ",json", "json,json", "msgpack,xml"} {
		_, err := load(t, map[string]string{VarEncoding: bad}, nil, "")
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Problems[0].Setting.Name != VarEncoding {
			t.Errorf("--encoding %q: %v, want refused", bad, err)
		}
	}
}

// secretIn fails when out holds secret.
func secretIn(t *testing.T, what, out, secret string) {
	t.Helper()
	if strings.Contains(out, secret) {
		t.Errorf("%s leaks %q: %s", what, secret, out)
	}
}

func TestMalformedURLsNeverShowThePassword(t *testing.T) {
	for _, tc := range []struct{ url, secret string }{
		{"redis//:SECRET@h:6379", "SECRET"},
		{"redis://h:6379/0?password=secret", "secret"},
		{"redis://u:SEK#RET@h", "SEK"},
		{"redis://u:SEK/RET@h", "SEK"},
		{"redis://u:SEK?RET@h", "SEK"},
		{"redis://:SECRET", "SECRET"},
		{"redis://:SECRET@", "SECRET"},
		{"redis://:SECRET@h:port", "SECRET"},
		{"redis://:pa ss@h", "pa ss"},
		{"redis://h/0#SECRET", "SECRET"},
		{"redis://h:6379?SECRET", "SECRET"},
		{"rediss://u:SECRET@h:6379/x", "SECRET"},
		{"redis://u:SECRET@h?db=x", "SECRET"},
		{"redis://:SECR%zzET@h", "SECR"},
	} {
		_, err := load(t, nil, map[string]string{VarURL: tc.url}, "")
		if err == nil {
			t.Errorf("%s was accepted", tc.url)
			continue
		}
		secretIn(t, "the error for "+tc.url, err.Error(), tc.secret)
		secretIn(t, "RedactURL("+tc.url+")", RedactURL(tc.url), tc.secret)
		if _, perr := ParseURL(tc.url); perr != nil {
			secretIn(t, "ParseURL("+tc.url+")", perr.Error(), tc.secret)
		}
	}
}

func TestDotenvErrorsNeverQuoteValues(t *testing.T) {
	for _, doc := range []string{
		"REDIS_PASSWORD=\"SECRET\"tail\n",
		"REDIS_PASSWORD='SECRET'tail\n",
		"REDIS_PASSWORD=\"SECRET\n",
		"SECRET\n",
	} {
		_, err := load(t, nil, nil, doc)
		if err == nil {
			t.Errorf("%q was accepted", doc)
			continue
		}
		secretIn(t, "the error for "+doc, err.Error(), "SECRET")
		secretIn(t, "the error for "+doc, err.Error(), "tail")
	}
}

func TestEnvFileIsBounded(t *testing.T) {
	_, err := Load(Input{EnvFile: "/dev/zero", LookupEnv: env(nil)})
	if !errors.Is(err, ErrInvalid) || !errors.Is(err, input.ErrTooLarge) {
		t.Errorf("--env-file /dev/zero: %v, want ErrInvalid and ErrTooLarge", err)
	}
}

// FuzzLoad drives Load with fuzzed flags, environment and .env text: it
// never panics, fails only with ErrInvalid, and neither its error, Map nor
// any Display ever holds the password, given as REDIS_PASSWORD and placed
// in REDIS_URL where a password goes (pre:SECRET@post) or in its query
// (pre?password=SECRET), however malformed the rest.
func FuzzLoad(f *testing.F) {
	f.Add("6380", "redis://u", "h:1/2", false, "msgpack,json", "REDIS_DB=3\n", "S3CRET")
	f.Add("+80", "redis//", "h:6379", false, "", "REDIS_PASSWORD=\"S3CRET\"x\n", "S3CRET")
	f.Add("", "redis://u", "h", false, "msgpack,,json", "", "S3C#RET")
	f.Add("1", "redis://h:6379/0", "", true, "json", "export X='y'\n", "S3CRET")
	f.Fuzz(func(t *testing.T, port, pre, post string, query bool, enc, dotenv, secret string) {
		url := pre + ":" + secret + "@" + post
		if query {
			url = pre + "?password=" + secret
		}
		environ := map[string]string{VarPort: port, VarURL: url, VarEncoding: enc}
		in := Input{Flags: map[string]string{VarPassword: secret}, LookupEnv: env(environ)}
		if dotenv != "" {
			in.EnvFile = filepath.Join(t.TempDir(), "test.env")
			if err := os.WriteFile(in.EnvFile, []byte(dotenv), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		c, err := Load(in)
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("error %v does not match ErrInvalid", err)
		}
		// A secret too short, or one the text around it holds, cannot be
		// told apart from that text.
		if len(secret) < 4 || strings.ContainsAny(secret, "@*") ||
			strings.Contains(pre+post+port+enc+dotenv, secret) {
			return
		}
		for _, word := range []string{"redis", "rediss", "allowed", "invalid", "configuration", "password", "integer", "from", "flag", "env", "file", "default", "msgpack", "json", "problems", "scheme", "unix"} {
			if strings.Contains(word, secret) {
				return
			}
		}
		if err != nil {
			secretIn(t, "the error", strings.ReplaceAll(err.Error(), in.EnvFile, ".env"), secret)
			return
		}
		for k, v := range c.Map() {
			secretIn(t, "Map()["+k+"]", v, secret)
		}
		for _, s := range c.Settings() {
			secretIn(t, "Display of "+s.Name, s.Display(), secret)
		}
	})
}
