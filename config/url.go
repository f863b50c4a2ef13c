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

// ParseURL parses a Redis URL. Errors never repeat the password.
func ParseURL(s string) (RedisURL, error) {
	var r RedisURL
	if s == "" {
		return r, errors.New("empty URL")
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Error repeats the whole URL, password included: keep only the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return r, fmt.Errorf("not a URL (%v)", redactAll(err.Error(), s))
	}
	r.Scheme = strings.ToLower(u.Scheme)
	if u.User != nil {
		r.Username = u.User.Username()
		r.Password, r.HasPassword = u.User.Password()
	}
	q := u.Query()
	switch r.Scheme {
	case "redis", "rediss":
		if u.Opaque != "" || u.Host == "" {
			return r, errors.New("no host: write redis://host:port/db")
		}
		host := u.Hostname()
		if host == "" {
			return r, errors.New("no host: write redis://host:port/db")
		}
		r.Host = host
		if p := u.Port(); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > 65535 {
				return r, fmt.Errorf("port %q is not an integer 1-65535", p)
			}
			r.Port = n
		} else if strings.HasSuffix(u.Host, ":") {
			return r, errors.New("empty port after ':': write host:port with a port 1-65535")
		}
		path := strings.Trim(u.Path, "/")
		if path != "" {
			n, err := strconv.Atoi(path)
			if err != nil || n < 0 {
				return r, fmt.Errorf("database %q in the path is not an integer >= 0", truncate(path))
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
	for k, vs := range q {
		if k != "db" {
			return r, fmt.Errorf("query parameter %q is not supported (only db)", truncate(k))
		}
		if r.HasDB {
			return r, errors.New("the database is given twice (path and ?db=)")
		}
		n, err := strconv.Atoi(vs[len(vs)-1])
		if err != nil || n < 0 {
			return r, fmt.Errorf("db=%q is not an integer >= 0", truncate(vs[len(vs)-1]))
		}
		r.DB, r.HasDB = n, true
	}
	return r, nil
}

// RedactURL replaces the password of a Redis URL with ****. It works on
// malformed URLs too, erring on the side of hiding more.
func RedactURL(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		return s
	}
	rest := s[i+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return s
	}
	colon := strings.Index(rest[:at], ":")
	if colon < 0 {
		return s
	}
	return s[:i+3] + rest[:colon+1] + Redacted + rest[at:]
}

// redactAll removes any trace of the URL's password from msg.
func redactAll(msg, rawURL string) string {
	i := strings.Index(rawURL, "://")
	if i >= 0 {
		rest := rawURL[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if colon := strings.Index(rest[:at], ":"); colon >= 0 {
				if pw := rest[colon+1 : at]; pw != "" {
					msg = strings.ReplaceAll(msg, pw, Redacted)
					if dec, err := url.PathUnescape(pw); err == nil && dec != "" {
						msg = strings.ReplaceAll(msg, dec, Redacted)
					}
				}
			}
		}
	}
	return msg
}
