package config

import (
	"errors"
	"fmt"
	"net/url"
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
	for k, vs := range u.Query() {
		if k != "db" {
			// Neither the name nor the value is repeated: ?password=...
			// or a password pasted after the '?' would be.
			return r, errors.New("query parameters are not supported, except ?db=N; a password goes in the URL's userinfo (redis://:PASSWORD@host) or in REDIS_PASSWORD")
		}
		if r.HasDB {
			return r, errors.New("the database is given twice (path and ?db=)")
		}
		n, ok := parseDigits(vs[len(vs)-1])
		if !ok {
			return r, errors.New("db= is not an integer >= 0")
		}
		r.DB, r.HasDB = n, true
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
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		q := rest[i+1:]
		if v, ok := strings.CutPrefix(q, "db="); !ok || strings.Trim(v, "0123456789") != "" {
			rest = rest[:i+1] + Redacted
		}
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
