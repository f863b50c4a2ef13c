package workloads

import (
	"bufio"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/rbench/rbench/internal/redismonitor"
)

// monLine is one command the server's MONITOR reported.
type monLine struct {
	at     float64 // server time, seconds
	client string  // e.g. 127.0.0.1:51234
	name   string  // upper case: MULTI, RPUSH, EXEC, ...
	key    string  // the first argument
	arg    string  // the second argument
}

// monitor reads the server's MONITOR stream on a connection of its own
// until the returned stop is called, which returns every command seen.
func monitor(t *testing.T, addr string) (stop func() []monLine) {
	t.Helper()
	c, err := redismonitor.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var lines []monLine
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			l, err := c.Next(time.Time{})
			if errors.Is(err, redismonitor.ErrParse) {
				continue // a line it cannot parse: the others still count
			}
			if err != nil {
				return // closed by stop
			}
			m := monLine{at: l.At, client: l.Client, name: l.Name()}
			if len(l.Args) > 1 {
				m.key = l.Args[1]
			}
			if len(l.Args) > 2 {
				m.arg = l.Args[2]
			}
			mu.Lock()
			lines = append(lines, m)
			mu.Unlock()
		}
	}()
	return func() []monLine {
		// MONITOR feeds a command when it has run; give the last ones a
		// moment to arrive before closing.
		time.Sleep(100 * time.Millisecond)
		c.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return lines
	}
}

// measured returns the lines between the ECHO markers a test's OnMeasure
// sends at the start and the end of the measured phase.
func measuredLines(lines []monLine, marker string) []monLine {
	start, end := -1, len(lines)
	for i, l := range lines {
		if l.name == "ECHO" && l.key == marker+"-start" && start < 0 {
			start = i
		}
		if l.name == "ECHO" && l.key == marker+"-end" {
			end = i
		}
	}
	if start < 0 {
		return nil
	}
	return lines[start+1 : end]
}

// echo sends ECHO msg on a connection of its own (a marker in MONITOR).
func echo(t *testing.T, addr, msg string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Error(err)
		return
	}
	defer conn.Close()
	_, _ = conn.Write([]byte("ECHO " + msg + "\r\n"))
	_, _ = bufio.NewReader(conn).ReadString('\n')
}
