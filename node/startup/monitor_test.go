package startup_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/rbench/rbench/internal/redismonitor"
)

// monitor records the commands a server executes (MONITOR) on a raw
// connection of its own, so what it sees is exactly what reached Redis.
type monitor struct{ c *redismonitor.Conn }

func startMonitor(t *testing.T, addr string) *monitor {
	t.Helper()
	c, err := redismonitor.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &monitor{c: c}
}

// until returns every command (name upper-cased, then its arguments) the
// server ran until it runs one whose arguments are exactly stop, which is
// left out.
func (m *monitor) until(t *testing.T, stop ...string) [][]string {
	t.Helper()
	var cmds [][]string
	for _, c := range m.untilFrom(t, stop...) {
		cmds = append(cmds, c.args)
	}
	return cmds
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
