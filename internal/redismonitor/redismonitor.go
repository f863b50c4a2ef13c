// Package redismonitor reads a Redis server's MONITOR stream on a
// connection of its own, so what it sees is exactly what reached the
// server: the tests' one MONITOR reader and one parser of its lines
// (`1700000000.123456 [0 127.0.0.1:5555] "SET" "k" "\x00v"`, arguments
// quoted as sdscatrepr writes them: \\ \" \n \r \t \a \b and \xHH).
package redismonitor

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// ErrParse wraps Next's errors about a line it could not parse; the
// stream goes on after one. Any other error of Next ends the stream.
var ErrParse = errors.New("unparsable MONITOR line")

// Line is one command MONITOR reported.
type Line struct {
	// At is the server's time, seconds since the epoch.
	At float64
	// DB is the database number, Client the connection's address as the
	// server names it: "127.0.0.1:51234", "unix:/path", "lua".
	DB, Client string
	// Args are the command and its arguments, unquoted; the name as the
	// client sent it.
	Args []string
}

// Name is the command's name upper-cased, "" for an empty line.
func (l Line) Name() string {
	if len(l.Args) == 0 {
		return ""
	}
	return strings.ToUpper(l.Args[0])
}

// Parse reads one MONITOR line; a leading '+' (the simple-string reply)
// and trailing line breaks are allowed.
func Parse(s string) (Line, error) {
	orig := s
	s = strings.TrimRight(strings.TrimPrefix(s, "+"), "\r\n")
	ts, rest, ok := strings.Cut(s, " [")
	if !ok {
		return Line{}, fmt.Errorf("MONITOR line %q: no [db client]", orig)
	}
	at, err := strconv.ParseFloat(ts, 64)
	if err != nil {
		return Line{}, fmt.Errorf("MONITOR line %q: time %q: %w", orig, ts, err)
	}
	who, rest, ok := strings.Cut(rest, "]")
	if !ok {
		return Line{}, fmt.Errorf("MONITOR line %q: no [db client]", orig)
	}
	db, client, _ := strings.Cut(who, " ")
	l := Line{At: at, DB: db, Client: client}
	for {
		rest = strings.TrimLeft(rest, " ")
		if rest == "" {
			break
		}
		if rest[0] != '"' {
			return Line{}, fmt.Errorf("MONITOR line %q: argument not quoted at %q", orig, rest)
		}
		var b strings.Builder
		i := 1
		for ; i < len(rest) && rest[i] != '"'; i++ {
			if rest[i] != '\\' {
				b.WriteByte(rest[i])
				continue
			}
			i++
			if i >= len(rest) {
				return Line{}, fmt.Errorf("MONITOR line %q: dangling escape", orig)
			}
			switch rest[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'a':
				b.WriteByte('\a')
			case 'b':
				b.WriteByte('\b')
			case 'x':
				if i+2 >= len(rest) {
					return Line{}, fmt.Errorf("MONITOR line %q: short \\x escape", orig)
				}
				v, err := strconv.ParseUint(rest[i+1:i+3], 16, 8)
				if err != nil {
					return Line{}, fmt.Errorf("MONITOR line %q: bad \\x escape", orig)
				}
				b.WriteByte(byte(v))
				i += 2
			default: // \\ and \"
				b.WriteByte(rest[i])
			}
		}
		if i >= len(rest) {
			return Line{}, fmt.Errorf("MONITOR line %q: unterminated argument", orig)
		}
		l.Args = append(l.Args, b.String())
		rest = rest[i+1:]
	}
	if len(l.Args) == 0 {
		return Line{}, fmt.Errorf("MONITOR line %q: no command", orig)
	}
	return l, nil
}

// Conn is a connection in MONITOR mode. It is not safe for concurrent
// use.
type Conn struct {
	conn net.Conn
	r    *bufio.Reader
}

// Dial connects to addr (TCP) and turns MONITOR on.
func Dial(addr string) (*Conn, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	c := &Conn{conn: conn, r: bufio.NewReaderSize(conn, 1<<20)}
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte("*1\r\n$7\r\nMONITOR\r\n")); err != nil {
		conn.Close()
		return nil, err
	}
	if line, err := c.r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "+OK") {
		conn.Close()
		return nil, fmt.Errorf("MONITOR answered %q: %v", line, err)
	}
	_ = conn.SetDeadline(time.Time{})
	return c, nil
}

// Next returns the next command the server ran, waiting until deadline
// (zero: no limit). An unparsable line is an error wrapping ErrParse; the
// stream goes on.
func (c *Conn) Next(deadline time.Time) (Line, error) {
	_ = c.conn.SetReadDeadline(deadline)
	line, err := c.r.ReadString('\n')
	if err != nil {
		return Line{}, err
	}
	l, err := Parse(line)
	if err != nil {
		return l, fmt.Errorf("%w: %w", ErrParse, err)
	}
	return l, nil
}

// Close ends the connection; a Next waiting returns an error.
func (c *Conn) Close() error { return c.conn.Close() }
