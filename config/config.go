// Package config resolves rbench's settings from, highest first, command-line
// flags, the environment, a .env file and defaults, and validates them all at
// once. Every effective value remembers where it came from, so `rbench config`
// can show it and an error can say which source to fix. Passwords are never
// shown: they print as ****.
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/rbench/rbench/node/keyspace"
)

// Redacted replaces secrets wherever rbench prints or records configuration.
const Redacted = "****"

// ErrInvalid is matched (errors.Is) by every configuration error: a value
// that fails validation, a malformed .env file, a missing --env-file. The CLI
// maps it to exit code 2.
var ErrInvalid = errors.New("invalid configuration")

// Variable names.
const (
	VarURL             = "REDIS_URL"
	VarHost            = "REDIS_HOST"
	VarPort            = "REDIS_PORT"
	VarUsername        = "REDIS_USERNAME"
	VarPassword        = "REDIS_PASSWORD"
	VarCLIAuth         = "REDISCLI_AUTH"
	VarDB              = "REDIS_DB"
	VarTLS             = "REDIS_TLS"
	VarTLSCACert       = "REDIS_TLS_CACERT"
	VarTLSCert         = "REDIS_TLS_CERT"
	VarTLSKey          = "REDIS_TLS_KEY"
	VarTLSInsecure     = "REDIS_TLS_INSECURE"
	VarTLSSNI          = "REDIS_TLS_SNI"
	VarProtocol        = "REDIS_PROTOCOL"
	VarCluster         = "REDIS_CLUSTER"
	VarConnectTimeout  = "REDIS_CONNECT_TIMEOUT"
	VarResponseTimeout = "REDIS_RESPONSE_TIMEOUT"
	VarEncoding        = "RBENCH_ENCODING"
	VarTraderID        = "RBENCH_TRADER_ID"
	VarDebug           = "RBENCH_DEBUG"
)

// Defaults.
const (
	DefaultHost            = "127.0.0.1"
	DefaultPort            = 6379
	DefaultConnectTimeout  = 5 * time.Second
	DefaultResponseTimeout = 3 * time.Second
	// DefaultEncoding is the trading node's default (CacheConfig encoding="msgpack").
	DefaultEncoding = "msgpack"
	DefaultTraderID = "RBENCH-001"
	// DefaultEnvFile is read when present and no --env-file is given.
	DefaultEnvFile = ".env"
)

// Encodings are the accepted RBENCH_ENCODING values.
var Encodings = []string{"msgpack", "json"}

// Var describes one configuration variable; Vars drives the CLI flags,
// `rbench config` and docs/configuration.md.
type Var struct {
	Name    string // environment / .env name
	Flag    string // long flag name without dashes
	Default string // "" when none
	Help    string
	Secret  bool
}

// Vars lists every variable in display order. REDISCLI_AUTH is an alias of
// REDIS_PASSWORD (as redis-cli reads it) and has no row of its own.
var Vars = []Var{
	{Name: VarURL, Flag: "url", Help: "server URL: redis://[user:password@]host:port/db, rediss:// for TLS, unix:///path.sock; its parts yield to REDIS_HOST etc. from the same or a higher source", Secret: true},
	{Name: VarHost, Flag: "host", Default: DefaultHost, Help: "server hostname, IP address or unix socket path; when neither this nor REDIS_URL is set rbench starts a throwaway redis-server"},
	{Name: VarPort, Flag: "port", Default: strconv.Itoa(DefaultPort), Help: "server port, 1-65535"},
	{Name: VarUsername, Flag: "user", Help: "ACL username (needs a password)"},
	{Name: VarPassword, Flag: "password", Help: "password (REDISCLI_AUTH is read too); always shown as ****", Secret: true},
	{Name: VarDB, Flag: "db", Default: "0", Help: "database number, >= 0"},
	{Name: VarTLS, Flag: "tls", Default: "false", Help: "connect with TLS (true/false)"},
	{Name: VarTLSCACert, Flag: "cacert", Help: "TLS: PEM file of the CA(s) that signed the server's certificate (default: the system's trusted CAs)"},
	{Name: VarTLSCert, Flag: "cert", Help: "TLS: PEM client certificate, for a server with tls-auth-clients (needs --key)"},
	{Name: VarTLSKey, Flag: "key", Help: "TLS: PEM private key of --cert; the path is shown, the key never"},
	{Name: VarTLSInsecure, Flag: "insecure", Default: "false", Help: "TLS: do not verify the server's certificate (testing only: anyone on the path can read and change the traffic)"},
	{Name: VarTLSSNI, Flag: "sni", Help: "TLS: server name sent in the handshake and checked against the certificate (default: the host)"},
	{Name: VarProtocol, Flag: "resp", Default: "2", Help: "RESP protocol version: 2 (the trading node's) or 3 (HELLO 3)"},
	{Name: VarCluster, Flag: "cluster", Default: "auto", Help: "Redis Cluster: true (a cluster client), false (one server) or auto (asks the server: INFO cluster_enabled)"},
	{Name: VarConnectTimeout, Flag: "connect-timeout", Default: DefaultConnectTimeout.String(), Help: "dial timeout per attempt, a positive duration (5s, 500ms; a bare number is seconds)"},
	{Name: VarResponseTimeout, Flag: "response-timeout", Default: DefaultResponseTimeout.String(), Help: "read/write timeout per command, a positive duration"},
	{Name: VarEncoding, Flag: "encoding", Default: DefaultEncoding, Help: "payload encoding: msgpack (the trading node's default) or json; run and plan take a list run in turn (msgpack,json)"},
	{Name: VarTraderID, Flag: "trader-id", Default: DefaultTraderID, Help: "trader id; every key rbench writes starts with trader-{id}: (letters, digits, '_', '.', '-')"},
	{Name: VarDebug, Flag: "debug", Default: "false", Help: "debug variant: JSON encoding (unless RBENCH_ENCODING is set) and verbose logging"},
}

// LookupVar returns the Var called name.
func LookupVar(name string) (Var, bool) {
	for _, v := range Vars {
		if v.Name == name {
			return v, true
		}
	}
	return Var{}, false
}

// Source is where a value came from, highest precedence first: flag, env,
// .env, default. A value taken from REDIS_URL has the URL's source.
type Source string

// Sources.
const (
	FromFlag    Source = "flag"
	FromEnv     Source = "env"
	FromDotenv  Source = ".env"
	FromDefault Source = "default"
)

func (s Source) rank() int {
	switch s {
	case FromFlag:
		return 3
	case FromEnv:
		return 2
	case FromDotenv:
		return 1
	}
	return 0
}

// Setting is one effective value and where it came from.
type Setting struct {
	Name string // variable name, e.g. REDIS_PORT
	// Value is the text as given. For secrets it is the secret itself: print
	// Display instead.
	Value  string
	Source Source
	// Origin says exactly where, to tell the user what to edit: "flag --port",
	// "env REDIS_PORT", "file .env:3", "env REDIS_URL" (a part of the URL)
	// or "default".
	Origin string
	Secret bool
}

// Display is Value with passwords replaced by ****.
func (s Setting) Display() string {
	switch {
	case s.Secret && s.Name == VarURL:
		return RedactURL(s.Value)
	case s.Secret && s.Value != "":
		return Redacted
	}
	return s.Value
}

// Input is what Load reads besides the process environment.
type Input struct {
	// Flags holds the values of the flags the user set, by variable name
	// (REDIS_PORT: "6380"). Flags left at their zero value must be absent.
	Flags map[string]string
	// LookupEnv reads the environment.
	// default: os.LookupEnv
	LookupEnv func(string) (string, bool)
	// EnvFile is the .env file to read; a named file that does not exist is
	// an error.
	// default: ./.env when it exists, else none
	EnvFile string
}

// Config is the effective, validated configuration. Use Load to make one.
type Config struct {
	// Network is "tcp", or "unix" when Host is a socket path.
	Network  string
	Host     string
	Port     int
	Username string
	Password string
	DB       int
	TLS      bool
	// TLSFiles and the settings after it refine TLS (see tls.go).
	TLSFiles TLSFiles
	// TLSInsecure skips the verification of the server's certificate.
	TLSInsecure bool
	// TLSServerName is the name sent as SNI and checked against the
	// server's certificate; "" means the host.
	TLSServerName string
	// Protocol is the RESP version, 2 or 3.
	Protocol int
	// Cluster says whether the target is a Redis Cluster.
	Cluster ClusterMode
	// ConnectTimeout bounds each dial; ResponseTimeout each command's read
	// and write.
	ConnectTimeout  time.Duration
	ResponseTimeout time.Duration
	// Encoding is the first of Encodings: commands that write one
	// encoding use it, those that run several in turn (run, plan) use
	// Encodings.
	Encoding  string
	Encodings []string
	TraderID  string
	Debug     bool
	// EnvFile is the .env file that was read, "" when none.
	EnvFile string

	settings map[string]Setting
}

// Problem is one invalid value.
type Problem struct {
	Setting Setting
	// Allowed says what would be accepted, e.g. "an integer 1-65535".
	Allowed string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s=%s (from %s): %s", p.Setting.Name, quoteIfNeeded(p.Setting.Display()), p.Setting.Origin, p.Allowed)
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) || r == '"' }) {
		return strconv.Quote(s)
	}
	return s
}

// ValidationError lists every invalid value at once.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid configuration: " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid configuration (%d problems):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) hold.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Load resolves and validates the configuration. Its error matches ErrInvalid
// and, for bad values, is a *ValidationError naming every problem.
func Load(in Input) (*Config, error) {
	lookup := in.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	c := &Config{settings: map[string]Setting{}}

	dotenv := map[string]Entry{}
	path := in.EnvFile
	if path == "" {
		if _, err := os.Stat(DefaultEnvFile); err == nil {
			path = DefaultEnvFile
		}
	}
	if path != "" {
		entries, err := ReadDotenv(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%w: env file %s does not exist: create it (see .env.example) or drop --env-file", ErrInvalid, path)
			}
			if errors.Is(err, ErrDotenv) {
				return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
			}
			return nil, fmt.Errorf("%w: reading env file: %w", ErrInvalid, err)
		}
		for _, e := range entries {
			dotenv[e.Key] = e
		}
		c.EnvFile = path
	}

	resolve := func(v Var, aliases ...string) Setting {
		s := Setting{Name: v.Name, Secret: v.Secret}
		if val, ok := in.Flags[v.Name]; ok {
			s.Value, s.Source, s.Origin = val, FromFlag, "flag --"+v.Flag
			return s
		}
		for _, n := range append([]string{v.Name}, aliases...) {
			if val, ok := lookup(n); ok && val != "" {
				s.Value, s.Source, s.Origin = val, FromEnv, "env "+n
				return s
			}
		}
		for _, n := range append([]string{v.Name}, aliases...) {
			if e, ok := dotenv[n]; ok && e.Value != "" {
				s.Value, s.Source, s.Origin = e.Value, FromDotenv, fmt.Sprintf("file %s:%d", path, e.Line)
				return s
			}
		}
		s.Value, s.Source, s.Origin = v.Default, FromDefault, "default"
		return s
	}
	for _, v := range Vars {
		var aliases []string
		if v.Name == VarPassword {
			aliases = []string{VarCLIAuth}
		}
		c.settings[v.Name] = resolve(v, aliases...)
	}

	var problems []Problem
	bad := func(s Setting, allowed string) { problems = append(problems, Problem{Setting: s, Allowed: allowed}) }

	// REDIS_URL parts compete with the single variables by source; on a tie
	// the single variable wins, being the more specific.
	if us := c.settings[VarURL]; us.Value != "" {
		u, err := ParseURL(us.Value)
		if err != nil {
			bad(us, err.Error()+"; allowed: redis://[user:password@]host[:port][/db], rediss://... or unix:///path.sock")
		} else {
			from := func(name, val string, present bool) {
				cur := c.settings[name]
				if !present || cur.Source.rank() >= us.Source.rank() && cur.Source != FromDefault {
					return
				}
				c.settings[name] = Setting{Name: name, Value: val, Source: us.Source, Origin: us.Origin, Secret: cur.Secret}
			}
			from(VarHost, u.Host, true)
			from(VarPort, strconv.Itoa(u.Port), u.Port != 0)
			from(VarUsername, u.Username, u.Username != "")
			from(VarPassword, u.Password, u.HasPassword)
			from(VarDB, strconv.Itoa(u.DB), u.HasDB)
			from(VarTLS, strconv.FormatBool(u.TLS()), u.Scheme != "unix")
			for _, o := range u.Options {
				from(o.Var, o.Value, true)
			}
		}
	}

	host := c.settings[VarHost]
	c.Host, c.Network = host.Value, "tcp"
	if strings.HasPrefix(c.Host, "/") {
		c.Network = "unix"
	} else if h, ok := validHost(c.Host); ok {
		c.Host = h
	} else {
		bad(host, "allowed: a hostname (RFC 1123), an IPv4 or IPv6 address, or an absolute unix socket path")
	}

	port := c.settings[VarPort]
	if n, ok := parseDigits(strings.TrimSpace(port.Value)); !ok || n < 1 || n > 65535 {
		bad(port, "allowed: an integer 1-65535")
	} else {
		c.Port = n
	}

	c.Username = c.settings[VarUsername].Value
	c.Password = c.settings[VarPassword].Value
	if c.Username != "" && c.Password == "" {
		bad(c.settings[VarUsername], "a username needs a password (the trading node refuses one without it too): set REDIS_PASSWORD or --password, or drop the username")
	}

	db := c.settings[VarDB]
	if n, ok := parseDigits(strings.TrimSpace(db.Value)); !ok {
		bad(db, "allowed: an integer >= 0")
	} else {
		c.DB = n
	}

	tls := c.settings[VarTLS]
	if b, err := parseBool(tls.Value); err != nil {
		bad(tls, "allowed: true or false (also 1/0, yes/no, on/off)")
	} else {
		c.TLS = b
	}
	if c.TLS && c.Network == "unix" {
		bad(tls, "TLS over a unix socket is not supported: set REDIS_TLS=false or use a TCP host")
	}
	problems = append(problems, c.loadTLS()...)

	proto := c.settings[VarProtocol]
	switch strings.TrimSpace(proto.Value) {
	case "2":
		c.Protocol = 2
	case "3":
		c.Protocol = 3
	default:
		bad(proto, "allowed: 2 (RESP2, what the trading node speaks) or 3 (RESP3)")
	}

	cl := c.settings[VarCluster]
	if m, err := ParseClusterMode(cl.Value); err != nil {
		bad(cl, "allowed: true, false or auto (ask the server)")
	} else {
		c.Cluster = m
	}

	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{VarConnectTimeout, &c.ConnectTimeout}, {VarResponseTimeout, &c.ResponseTimeout}} {
		s := c.settings[d.name]
		v, err := parseDuration(s.Value)
		if err != nil || v <= 0 {
			bad(s, "allowed: a positive duration such as 5s, 500ms or 1m (a bare number is seconds)")
			continue
		}
		*d.dst = v
	}

	dbg := c.settings[VarDebug]
	if b, err := parseBool(dbg.Value); err != nil {
		bad(dbg, "allowed: true or false")
	} else {
		c.Debug = b
	}

	enc := c.settings[VarEncoding]
	if c.Debug && enc.Source == FromDefault {
		enc = Setting{Name: VarEncoding, Value: "json", Source: dbg.Source, Origin: dbg.Origin}
		c.settings[VarEncoding] = enc
	}
	if list, err := ParseEncodings(enc.Value); err != nil {
		bad(enc, err.Error())
	} else {
		c.Encodings, c.Encoding = list, list[0]
	}

	tid := c.settings[VarTraderID]
	if err := checkTraderID(tid.Value); err != nil {
		bad(tid, err.Error())
	} else {
		c.TraderID = tid.Value
	}

	if c.Cluster == ClusterOn && c.DB != 0 {
		bad(c.settings[VarDB], "a Redis Cluster has database 0 only: drop REDIS_DB (or --db), or connect to a single server with --cluster=false")
	}

	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	return c, nil
}

// checkTraderID applies keyspace's trader-id rule, the one every command
// checks before it connects.
func checkTraderID(s string) error {
	if !keyspace.ValidTraderID(s) {
		return fmt.Errorf("allowed: 1-%d letters, digits, '_', '.' or '-', such as TRADER-001 (the id becomes the key prefix \"trader-{id}:\"; glob characters such as * ? [ ] would let it match other traders' keys)", keyspace.MaxTraderIDLen)
	}
	return nil
}

// ParseEncodings reads RBENCH_ENCODING or --encoding: one encoding, or a
// comma-separated list run one after the other (msgpack,json), each one of
// Encodings, none empty and none twice.
func ParseEncodings(s string) ([]string, error) {
	allowed := errors.New("allowed: msgpack or json, or a list run in turn such as msgpack,json")
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty; %w", allowed)
	}
	var out []string
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		switch {
		case e == "":
			return nil, fmt.Errorf("an empty entry in the list; %w", allowed)
		case !slices.Contains(Encodings, e):
			return nil, allowed
		case slices.Contains(out, e):
			return nil, fmt.Errorf("%s twice; %w", e, allowed)
		}
		out = append(out, e)
	}
	return out, nil
}

// validHost accepts an RFC 1123 hostname, an IPv4 address or an IPv6
// literal (bare or in brackets) and returns it without brackets.
func validHost(h string) (string, bool) {
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		ip, err := netip.ParseAddr(h[1 : len(h)-1])
		return h[1 : len(h)-1], err == nil && ip.Is6()
	}
	// netip, unlike net.ParseIP, accepts IPv6 zones (fe80::1%eth0).
	if _, err := netip.ParseAddr(h); err == nil {
		return h, true
	}
	if len(h) == 0 || len(h) > 253 {
		return "", false
	}
	labels := strings.Split(strings.TrimSuffix(h, "."), ".")
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", false
		}
		for _, c := range l {
			if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return "", false
			}
		}
	}
	// An all-numeric dotted name that failed ParseIP (999.1.1.1) is a bad
	// address, not a hostname.
	if strings.Trim(strings.ReplaceAll(h, ".", ""), "0123456789") == "" {
		return "", false
	}
	return h, true
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "t", "true", "yes", "y", "on":
		return true, nil
	case "0", "f", "false", "no", "n", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean", s)
}

func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f > 1e9 {
			return 0, errors.New("too long")
		}
		return time.Duration(f * float64(time.Second)), nil
	}
	return time.ParseDuration(s)
}

// Configured reports whether a target was named (REDIS_URL or REDIS_HOST by
// flag, environment or .env). When it is not, rbench starts a throwaway
// redis-server instead of touching whatever listens on the default address.
func (c *Config) Configured() bool {
	return c.settings[VarURL].Value != "" || c.settings[VarHost].Source != FromDefault
}

// Addr is host:port, or the socket path for unix sockets.
func (c *Config) Addr() string {
	if c.Network == "unix" {
		return c.Host
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// Prefix is the key prefix every key rbench writes starts with:
// "trader-{trader_id}:".
func (c *Config) Prefix() string { return "trader-" + c.TraderID + ":" }

// Setting returns the effective value of the variable name.
func (c *Config) Setting(name string) (Setting, bool) {
	s, ok := c.settings[name]
	return s, ok
}

// Settings lists every variable in Vars order. Print Display, not Value.
func (c *Config) Settings() []Setting {
	out := make([]Setting, 0, len(Vars))
	for _, v := range Vars {
		out = append(out, c.settings[v.Name])
	}
	return out
}

// Map is the configuration as name -> displayed value, secrets as ****, for
// results files (results.Meta.Config).
func (c *Config) Map() map[string]string {
	m := make(map[string]string, len(c.settings))
	for _, s := range c.Settings() {
		m[s.Name] = s.Display()
	}
	return m
}

// WithTarget returns a copy of c pointed at a server rbench started itself:
// host, port and password replace the configured ones, sourced "throwaway".
func (c *Config) WithTarget(host string, port int, password string) *Config {
	cp := *c
	cp.settings = make(map[string]Setting, len(c.settings))
	for k, v := range c.settings {
		cp.settings[k] = v
	}
	cp.Network, cp.Host, cp.Port, cp.Password, cp.Username, cp.TLS = "tcp", host, port, password, "", false
	cp.TLSFiles, cp.TLSInsecure, cp.TLSServerName, cp.Cluster = TLSFiles{}, false, "", ClusterOff
	set := func(name, val string) {
		s := cp.settings[name]
		s.Value, s.Source, s.Origin = val, FromDefault, "throwaway server"
		cp.settings[name] = s
	}
	set(VarHost, host)
	set(VarPort, strconv.Itoa(port))
	set(VarPassword, password)
	set(VarUsername, "")
	set(VarTLS, "false")
	for _, name := range []string{VarTLSCACert, VarTLSCert, VarTLSKey, VarTLSSNI} {
		set(name, "")
	}
	set(VarTLSInsecure, "false")
	set(VarCluster, "false")
	return &cp
}

// WithCluster returns a copy of c with the cluster mode decided (a
// cluster client or not), from origin: "detected: INFO cluster_enabled:1"
// when rbench asked the server, as `rbench config` and results files show.
func (c *Config) WithCluster(on bool, origin string) *Config {
	cp := *c
	cp.settings = make(map[string]Setting, len(c.settings))
	for k, v := range c.settings {
		cp.settings[k] = v
	}
	cp.Cluster = ClusterOff
	if on {
		cp.Cluster = ClusterOn
	}
	s := cp.settings[VarCluster]
	s.Value, s.Origin = cp.Cluster.String(), origin
	cp.settings[VarCluster] = s
	return &cp
}

// Logger returns rbench's logger writing text to w: info level, debug level
// with Debug.
func (c *Config) Logger(w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	if c.Debug {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
