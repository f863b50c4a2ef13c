package config

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// RedisURL is a parsed REDIS_URL: redis://[user[:password]@]host[:port][/db],
// rediss://... (TLS) or unix:///path/to/redis.sock[?db=N].
type RedisURL struct {
	Scheme string // redis, rediss or unix
	// Host is the hostname or IP (IPv6 without brackets), or the socket path
	// for unix URLs.
	Host string
	// Port is 0 when the URL names none.
	Port        int
	Username    string
	Password    string
	HasPassword bool
	// DB is the database number; HasDB tells whether the URL names one.
	DB    int
	HasDB bool
	// Options are the query options other than db, each as the variable
	// it sets (?tls_insecure=1 is REDIS_TLS_INSECURE=1), in URL order.
	Options []URLOption
}

// URLOption is one query option of a Redis URL.
type URLOption struct {
	Name  string // as in the URL: tls_cacert
	Var   string // the variable it sets: REDIS_TLS_CACERT
	Value string
}

// urlOptions maps the query options a Redis URL may carry (besides db) to
// the variables they set. The tls_* ones need rediss://.
var urlOptions = []struct{ name, v string }{
	{"tls_cacert", VarTLSCACert},
	{"tls_cert", VarTLSCert},
	{"tls_key", VarTLSKey},
	{"tls_insecure", VarTLSInsecure},
	{"tls_sni", VarTLSSNI},
	{"protocol", VarProtocol},
	{"cluster", VarCluster},
}

func urlOption(name string) (string, bool) {
	for _, o := range urlOptions {
		if o.name == name {
			return o.v, true
		}
	}
	return "", false
}

// URLOptionNames lists the query options, for messages and docs.
func URLOptionNames() string {
	names := []string{"db"}
	for _, o := range urlOptions {
		names = append(names, o.name)
	}
	return strings.Join(names, ", ")
}

// TLS reports whether the URL asks for TLS (rediss://).
func (u RedisURL) TLS() bool { return u.Scheme == "rediss" }

// ParseURL parses a Redis URL. Its errors never repeat any part of the URL
// a password could be in: a malformed URL (a '#' or '/' in a password cuts
// it short, and the rest reads as a port or a path) gets an explanation
// instead of the fragment that failed.
func ParseURL(s string) (RedisURL, error) {
	var r RedisURL
	if s == "" {
		return r, errors.New("empty URL")
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Error repeats the whole URL and its messages quote fragments
		// of it (`invalid port ":SEK" after host` for redis://u:SEK#RET@h):
		// say what went wrong without them.
		return r, errors.New("not a URL" + encodingHint(s))
	}
	r.Scheme = strings.ToLower(u.Scheme)
	if u.User != nil {
		r.Username = u.User.Username()
		r.Password, r.HasPassword = u.User.Password()
	}
	switch r.Scheme {
	case "redis", "rediss":
		if u.Opaque != "" || u.Host == "" {
			return r, errors.New("no host: write redis://host:port/db" + encodingHint(s))
		}
		host := u.Hostname()
		if host == "" {
			return r, errors.New("no host: write redis://host:port/db" + encodingHint(s))
		}
		r.Host = host
		if p := u.Port(); p != "" {
			n, ok := parseDigits(p)
			if !ok || n < 1 || n > 65535 {
				return r, errors.New("the port is not an integer 1-65535" + encodingHint(s))
			}
			r.Port = n
		} else if strings.HasSuffix(u.Host, ":") {
			return r, errors.New("empty port after ':': write host:port with a port 1-65535")
		}
		path := strings.Trim(u.Path, "/")
		if path != "" {
			n, ok := parseDigits(path)
			if !ok {
				return r, errors.New("the database in the path is not an integer >= 0" + encodingHint(s))
			}
			r.DB, r.HasDB = n, true
		}
	case "unix":
		if u.Path == "" || u.Host != "" {
			return r, errors.New("unix URLs are unix:///absolute/path/to/redis.sock[?db=N]")
		}
		r.Host = u.Path
	case "":
		return r, errors.New("no scheme: write redis://host:port/db, rediss://... for TLS, or unix:///path")
	default:
		return r, fmt.Errorf("scheme %q is not redis, rediss or unix", truncate(u.Scheme))
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return r, errors.New("a '#' ends the URL early" + encodingHint(s))
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return r, errors.New("the query after '?' is malformed" + encodingHint(s))
	}
	// url.Values is a map: walk the names in the URL's order so options
	// (and any error) come out the same each time.
	var order []string
	for part := range strings.SplitSeq(u.RawQuery, "&") {
		k, _, _ := strings.Cut(part, "=")
		if k, err := url.QueryUnescape(k); err == nil && !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	for _, k := range order {
		vs := q[k]
		if len(vs) == 0 {
			continue
		}
		if len(vs) > 1 {
			if _, known := urlOption(k); known || k == "db" {
				return r, fmt.Errorf("the query option %s is given %d times: give it once", k, len(vs))
			}
			return r, errors.New("a query option is given twice: give each once")
		}
		if k == "db" {
			if r.HasDB {
				return r, errors.New("the database is given twice (path and ?db=)")
			}
			n, ok := parseDigits(vs[0])
			if !ok {
				return r, errors.New("db= is not an integer >= 0")
			}
			r.DB, r.HasDB = n, true
			continue
		}
		v, ok := urlOption(k)
		if !ok {
			// Neither the name nor the value is repeated: ?password=...
			// or a password pasted after the '?' would be.
			return r, errors.New("a query option is not supported; supported: " + URLOptionNames() + "; a password goes in the URL's userinfo (redis://:PASSWORD@host) or in REDIS_PASSWORD")
		}
		if strings.HasPrefix(k, "tls_") && r.Scheme != "rediss" {
			return r, fmt.Errorf("%s is a TLS option: write rediss:// for TLS, or drop it", k)
		}
		r.Options = append(r.Options, URLOption{Name: k, Var: v, Value: vs[0]})
	}
	return r, nil
}

// encodingHint explains the usual cause of a malformed URL with a password:
// a reserved character in it that must be percent-encoded.
func encodingHint(s string) string {
	if !strings.Contains(s, "@") && !strings.Contains(s, "?") {
		return ""
	}
	return " (a password holding '#', '/', '?', '@' or ':' must percent-encode them: %23, %2F, %3F, %40, %3A; or set it in REDIS_PASSWORD instead)"
}

// parseDigits reads a non-negative decimal integer of at most 9 digits,
// refusing signs, spaces and everything else strconv.Atoi tolerates.
func parseDigits(s string) (int, bool) {
	if s == "" || len(s) > 9 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// plainQuery reports whether a URL's query holds only the options rbench
// knows (db=N, tls_cacert=PATH, ...), none of which is a secret, so a
// redacted URL may show it.
func plainQuery(q string) bool {
	for part := range strings.SplitSeq(q, "&") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return false
		}
		if k == "db" {
			if v == "" || strings.Trim(v, "0123456789") != "" {
				return false
			}
			continue
		}
		if _, known := urlOption(k); !known {
			return false
		}
	}
	return true
}

// RedactURL hides the password of a Redis URL, and whatever could hold
// one in a malformed URL, with ****. It errs on the side of hiding more:
// everything between the scheme and the last '@' but the username, a port
// that is not a number, a query other than ?db=N, a fragment.
func RedactURL(s string) string {
	head, rest := "", s
	if i := strings.Index(s, "://"); i >= 0 {
		head, rest = s[:i+3], s[i+3:]
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		user := rest[:at]
		if colon := strings.Index(user, ":"); colon >= 0 {
			user = user[:colon+1] + Redacted
		} else if strings.ContainsAny(user, "/?#") {
			user = Redacted
		}
		head, rest = head+user+"@", rest[at+1:]
	}
	// A fragment, or a query other than ?db=N, may hold a password.
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i+1] + Redacted
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 && !plainQuery(rest[i+1:]) {
		rest = rest[:i+1] + Redacted
	}
	// Without an '@', a password typed as redis://:SECRET reads as a port.
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if auth := rest[:end]; !strings.HasPrefix(auth, "[") {
		if c := strings.LastIndex(auth, ":"); c >= 0 && strings.Trim(auth[c+1:], "0123456789") != "" {
			rest = auth[:c+1] + Redacted + rest[end:]
		}
	}
	return head + rest
}
