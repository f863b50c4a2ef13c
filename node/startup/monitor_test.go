package startup_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// monitor records the commands a server executes (MONITOR) on a raw
// connection of its own, so what it sees is exactly what reached Redis.
type monitor struct {
	conn net.Conn
	r    *bufio.Reader
}

func startMonitor(t *testing.T, addr string) *monitor {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	m := &monitor{conn: conn, r: bufio.NewReaderSize(conn, 1<<20)}
	if _, err := conn.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatal(err)
	}
	if line, err := m.r.ReadString('\n'); err != nil || line != "+OK\r\n" {
		t.Fatalf("MONITOR answered %q, %v", line, err)
	}
	return m
}

// until returns every command (name upper-cased, then its arguments) the
// server ran until it runs one whose arguments are exactly stop, which is
// left out.
func (m *monitor) until(t *testing.T, stop ...string) [][]string {
	t.Helper()
	_ = m.conn.SetReadDeadline(time.Now().Add(time.Minute))
	var cmds [][]string
	for {
		line, err := m.r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading MONITOR: %v", err)
		}
		cmd, err := parseMonitorLine(strings.TrimRight(line, "\r\n"))
		if err != nil {
			t.Fatalf("%v in %q", err, line)
		}
		cmd[0] = strings.ToUpper(cmd[0])
		if strings.EqualFold(strings.Join(cmd, " "), strings.Join(stop, " ")) {
			return cmds
		}
		cmds = append(cmds, cmd)
	}
}

// parseMonitorLine parses `1700000000.123456 [0 127.0.0.1:5555] "SET" "k" "v"`:
// arguments are quoted as sdscatrepr writes them (\\ \" \n \r \t \a \b
// and \xHH).
func parseMonitorLine(line string) ([]string, error) {
	_, rest, ok := strings.Cut(line, "] ")
	if !ok {
		return nil, fmt.Errorf("no client field")
	}
	var args []string
	for len(rest) > 0 {
		if rest[0] == ' ' {
			rest = rest[1:]
			continue
		}
		if rest[0] != '"' {
			return nil, fmt.Errorf("argument not quoted at %q", rest)
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
				return nil, fmt.Errorf("dangling escape")
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
					return nil, fmt.Errorf("short \\x escape")
				}
				v, err := strconv.ParseUint(rest[i+1:i+3], 16, 8)
				if err != nil {
					return nil, err
				}
				b.WriteByte(byte(v))
				i += 2
			default:
				b.WriteByte(rest[i])
			}
		}
		if i >= len(rest) {
			return nil, fmt.Errorf("unterminated argument")
		}
		args = append(args, b.String())
		rest = rest[i+1:]
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("no command")
	}
	return args, nil
}

// sendRaw runs one command on a connection of its own, as a marker in the
// MONITOR stream.
func sendRaw(t *testing.T, ctx context.Context, addr string, args ...string) {
	t.Helper()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(conn).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
}
