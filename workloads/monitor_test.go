package workloads

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// monLine is one command the server's MONITOR reported.
type monLine struct {
	at     float64 // server time, seconds
	client string  // e.g. 127.0.0.1:51234
	name   string  // upper case: MULTI, RPUSH, EXEC, ...
	key    string  // the first argument, unescaped only as far as keys need
	arg    string  // the second argument, as MONITOR escapes it
}

// monitor reads the server's MONITOR stream on a connection of its own
// until the returned stop is called, which returns every command seen.
func monitor(t *testing.T, addr string) (stop func() []monLine) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReaderSize(conn, 1<<20)
	if l, err := rd.ReadString('\n'); err != nil || !strings.HasPrefix(l, "+OK") {
		t.Fatalf("MONITOR: %q %v", l, err)
	}
	var mu sync.Mutex
	var lines []monLine
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			l, err := rd.ReadString('\n')
			if err != nil {
				return
			}
			if m, ok := parseMonitor(l); ok {
				mu.Lock()
				lines = append(lines, m)
				mu.Unlock()
			}
		}
	}()
	return func() []monLine {
		// MONITOR feeds a command when it has run; give the last ones a
		// moment to arrive before closing.
		time.Sleep(100 * time.Millisecond)
		conn.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return lines
	}
}

// parseMonitor reads `+1700000000.123456 [0 127.0.0.1:5000] "SET" "k" "v"`.
func parseMonitor(l string) (monLine, bool) {
	l = strings.TrimSuffix(strings.TrimPrefix(l, "+"), "\r\n")
	ts, rest, ok := strings.Cut(l, " [")
	if !ok {
		return monLine{}, false
	}
	at, err := strconv.ParseFloat(ts, 64)
	if err != nil {
		return monLine{}, false
	}
	client, rest, ok := strings.Cut(rest, "] ")
	if !ok {
		return monLine{}, false
	}
	_, client, _ = strings.Cut(client, " ") // drop the db number
	args := quotedArgs(rest, 3)
	if len(args) == 0 {
		return monLine{}, false
	}
	m := monLine{at: at, client: client, name: strings.ToUpper(args[0])}
	if len(args) > 1 {
		m.key = args[1]
	}
	if len(args) > 2 {
		m.arg = args[2]
	}
	return m, true
}

// quotedArgs returns the first n "quoted" arguments of a MONITOR line;
// escapes are kept as written (keys here have none).
func quotedArgs(s string, n int) []string {
	var out []string
	for len(out) < n {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			return out
		}
		s = s[i+1:]
		j := 0
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		if j > len(s) {
			return out
		}
		out = append(out, s[:j])
		if j == len(s) {
			return out
		}
		s = s[j+1:]
	}
	return out
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
