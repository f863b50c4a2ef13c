package config

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/rbench/rbench/internal/input"
)

// ErrDotenv marks a .env file that cannot be parsed.
var ErrDotenv = errors.New("malformed .env file")

// DotenvError reports the first malformed line of a .env file.
type DotenvError struct {
	File string // file name, "" when parsed from a reader
	Line int    // 1-based line number
	Msg  string
}

func (e *DotenvError) Error() string {
	name := e.File
	if name == "" {
		name = ".env"
	}
	return fmt.Sprintf("%s:%d: %s", name, e.Line, e.Msg)
}

// Is makes errors.Is(err, ErrDotenv) and errors.Is(err, ErrInvalid) hold, so
// the CLI maps a bad .env file to exit code 2 like any bad configuration.
func (e *DotenvError) Is(target error) bool { return target == ErrDotenv || target == ErrInvalid }

// Entry is one KEY=VALUE assignment of a .env file.
type Entry struct {
	Key   string
	Value string
	Line  int
}

// ParseDotenv reads a .env file: one KEY=VALUE per line, blank lines and
// lines starting with # ignored, an optional leading "export ", values bare
// (a " #" starts a comment, surrounding spaces trimmed), 'single-quoted'
// (literal) or "double-quoted" (\n, \t, \", \\ escapes). Keys are shell
// identifiers. A later assignment of a key overrides an earlier one, as in
// a shell. Variable expansion ($VAR) is deliberately not done: a password
// holding a $ must arrive intact.
func ParseDotenv(r io.Reader) ([]Entry, error) {
	var out []Entry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			line = strings.TrimSpace(rest)
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			// The line is not echoed: it may be a password missing its "=".
			return nil, &DotenvError{Line: n, Msg: "not a KEY=VALUE assignment"}
		}
		key = strings.TrimSpace(key)
		if !validKey(key) {
			return nil, &DotenvError{Line: n, Msg: fmt.Sprintf("key %q is not a variable name (letters, digits and _, not starting with a digit)", truncate(key))}
		}
		v, err := parseValue(strings.TrimSpace(val))
		if err != nil {
			// The error never quotes the value: it may be a password.
			return nil, &DotenvError{Line: n, Msg: fmt.Sprintf("%s: %v", key, err)}
		}
		out = append(out, Entry{Key: key, Value: v, Line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, &DotenvError{Line: n + 1, Msg: err.Error()}
	}
	return out, nil
}

// MaxDotenvSize bounds a .env file: a screen of variables, not data.
const MaxDotenvSize = 1 << 20

// ReadDotenv parses the named file, at most MaxDotenvSize bytes (checked by
// stat and while reading); errors carry its name.
func ReadDotenv(path string) ([]Entry, error) {
	data, err := input.ReadFile(context.Background(), path, MaxDotenvSize)
	if err != nil {
		return nil, err
	}
	entries, err := ParseDotenv(bytes.NewReader(data))
	var de *DotenvError
	if errors.As(err, &de) {
		de.File = path
	}
	return entries, err
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for i, c := range k {
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

func parseValue(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	switch v[0] {
	case '\'':
		end := strings.IndexByte(v[1:], '\'')
		if end < 0 {
			return "", errors.New("unterminated single quote")
		}
		if err := trailing(v[end+2:]); err != nil {
			return "", err
		}
		return v[1 : end+1], nil
	case '"':
		var b strings.Builder
		for i := 1; i < len(v); i++ {
			c := v[i]
			switch c {
			case '"':
				if err := trailing(v[i+1:]); err != nil {
					return "", err
				}
				return b.String(), nil
			case '\\':
				if i+1 >= len(v) {
					return "", errors.New("unterminated double quote")
				}
				i++
				switch v[i] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case 'r':
					b.WriteByte('\r')
				case '"', '\\', '$', '\'':
					b.WriteByte(v[i])
				default:
					b.WriteByte('\\')
					b.WriteByte(v[i])
				}
			default:
				b.WriteByte(c)
			}
		}
		return "", errors.New("unterminated double quote")
	}
	// Bare value: a comment needs whitespace before the #, so "pa#ss" stays whole.
	for i := 1; i < len(v); i++ {
		if v[i] == '#' && (v[i-1] == ' ' || v[i-1] == '\t') {
			v = v[:i]
			break
		}
	}
	return strings.TrimSpace(v), nil
}

// trailing accepts only spaces and a comment after a closing quote.
func trailing(rest string) error {
	rest = strings.TrimSpace(rest)
	if rest == "" || rest[0] == '#' {
		return nil
	}
	return errors.New("unexpected text after the closing quote (quote the whole value, or escape the quote inside it)")
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
