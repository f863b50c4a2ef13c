package resp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/redis/go-redis/v9"
)

// reader is a Conn reading canned bytes (no server): the parser's tests.
func reader(s string, size int) *Conn {
	return &Conn{br: bufio.NewReaderSize(strings.NewReader(s), size)}
}

func TestRead(t *testing.T) {
	big := strings.Repeat("x", 100)
	for _, tc := range []struct {
		name, in string
		want     Reply
		err      error
	}{
		{"ok", "+OK\r\n", Reply{Kind: SimpleString, Data: []byte("OK")}, nil},
		{"error", "-WRONGTYPE Operation against a key\r\n", Reply{Kind: ErrorReply, Data: []byte("WRONGTYPE Operation against a key")}, nil},
		{"integer", ":-42\r\n", Reply{Kind: Integer, N: -42}, nil},
		{"bulk", "$5\r\nhello\r\n", Reply{Kind: BulkString, N: 5, Data: []byte("hello")}, nil},
		{"empty bulk", "$0\r\n\r\n", Reply{Kind: BulkString, N: 0, Data: []byte{}}, nil},
		{"null bulk", "$-1\r\n", Reply{Kind: BulkString, N: -1}, nil},
		{"bulk larger than the buffer", "$100\r\n" + big + "\r\n", Reply{Kind: BulkString, N: 100, Data: []byte(big)}, nil},
		{"bulk holding CRLF", "$4\r\na\r\nb\r\n", Reply{Kind: BulkString, N: 4, Data: []byte("a\r\nb")}, nil},
		{"array header", "*3\r\n", Reply{Kind: Array, N: 3}, nil},
		{"null array", "*-1\r\n", Reply{Kind: Array, N: -1}, nil},
		{"unknown type", "!3\r\n", Reply{}, ErrProtocol},
		{"no CR", "+OK\n", Reply{}, ErrProtocol},
		{"bad length", "$x\r\n", Reply{}, ErrProtocol},
		{"negative length", "$-2\r\n", Reply{}, ErrProtocol},
		{"overflow", ":99999999999999999999\r\n", Reply{}, ErrProtocol},
		{"bulk without CRLF", "$2\r\nabcd\r\n", Reply{}, ErrProtocol},
		{"truncated bulk", "$10\r\nabc", Reply{}, io.ErrUnexpectedEOF},
		{"truncated big bulk", "$100\r\nabc", Reply{}, io.ErrUnexpectedEOF},
		{"nothing", "", Reply{}, io.EOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := reader(tc.in, 64).Read(context.Background())
			if !errors.Is(err, tc.err) {
				t.Fatalf("Read(%q) error %v, want %v", tc.in, err, tc.err)
			}
			if err == nil && (got.Kind != tc.want.Kind || got.N != tc.want.N || !bytes.Equal(got.Data, tc.want.Data)) {
				t.Fatalf("Read(%q) = %c %d %q, want %c %d %q", tc.in, got.Kind, got.N, got.Data, tc.want.Kind, tc.want.N, tc.want.Data)
			}
		})
	}
}

// Replies follow one another in one buffer; each Read consumes exactly one.
func TestReadSequence(t *testing.T) {
	c := reader("+OK\r\n$3\r\nabc\r\n$-1\r\n:7\r\n", 4096)
	var got []string
	for {
		r, err := c.Read(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(r.Kind)+strconv.FormatInt(r.N, 10)+string(r.Data))
	}
	if want := "+0OK $3abc $-1 :7"; strings.Join(got, " ") != want {
		t.Fatalf("got %q, want %q", strings.Join(got, " "), want)
	}
}

func TestWriteArgs(t *testing.T) {
	var buf bytes.Buffer
	c := &Conn{bw: bufio.NewWriter(&buf)}
	c.WriteArgs("SET", "k", "")
	c.WriteArrayHeader(2)
	c.WriteBulk("GET")
	c.WriteRaw([]byte("$1\r\nk\r\n"))
	if err := c.bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"; buf.String() != want {
		t.Fatalf("wrote %q, want %q", buf.String(), want)
	}
}

// FuzzRead: no input makes Read panic or return more data than it was
// given; a reply that parses re-encodes to the bytes it was read from.
func FuzzRead(f *testing.F) {
	for _, s := range []string{"+OK\r\n", "-ERR x\r\n", ":1\r\n", "$3\r\nabc\r\n", "$-1\r\n", "*2\r\n", "$99999999999\r\n", "$1\r\nab"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c := reader(string(in), 16)
		consumed := 0
		for {
			r, err := c.Read(context.Background())
			if err != nil {
				return
			}
			enc := encode(r)
			if consumed+len(enc) > len(in) || !bytes.Equal(in[consumed:consumed+len(enc)], enc) {
				t.Fatalf("reply %c %d %q re-encodes to %q, not the input's bytes at %d: %q", r.Kind, r.N, r.Data, enc, consumed, in)
			}
			consumed += len(enc)
		}
	})
}

func encode(r Reply) []byte {
	switch r.Kind {
	case SimpleString, ErrorReply:
		return append(append([]byte{byte(r.Kind)}, r.Data...), '\r', '\n')
	case BulkString:
		if r.N < 0 {
			return []byte("$-1\r\n")
		}
		b := append([]byte("$"+strconv.FormatInt(r.N, 10)+"\r\n"), r.Data...)
		return append(b, '\r', '\n')
	default:
		return []byte(string(r.Kind) + strconv.FormatInt(r.N, 10) + "\r\n")
	}
}

// Against a real server: AUTH with a user, SELECT, pipelined SET/GET, an
// error reply that leaves the connection usable, and a deadline.
func TestDialRealRedis(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None, Password: "s3cret"})
	ctx := context.Background()
	admin := connect.NewClient(connect.ClientOptions{Addr: srv.Addr(), Password: "s3cret", DB: 3})
	defer admin.Close()

	if _, err := Dial(ctx, Options{Addr: srv.Addr(), Password: "wrong"}); err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("Dial with a wrong password: %v, want an AUTH error", err)
	}
	var rerr redis.Error
	if _, err := Dial(ctx, Options{Addr: srv.Addr(), Password: "wrong"}); !errors.As(err, &rerr) {
		t.Fatalf("AUTH failure %v is not a redis.Error", err)
	}

	c, err := Dial(ctx, Options{Addr: srv.Addr(), Username: "default", Password: "s3cret", DB: 3, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.WriteArgs("SET", "resp:k", "v1")
	c.WriteArgs("LPUSH", "resp:list", "x")
	c.WriteArgs("GET", "resp:list")
	c.WriteArgs("GET", "resp:k")
	c.WriteArgs("GET", "resp:missing")
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{"+OK", ":1", "-WRONGTYPE", "$v1", "$"}
	for i, w := range want {
		r, err := c.Read(context.Background())
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		got := string(r.Kind) + string(r.Data)
		if r.Kind == Integer {
			got = ":" + strconv.FormatInt(r.N, 10)
		}
		if !strings.HasPrefix(got, w) {
			t.Errorf("reply %d = %q, want %q...", i, got, w)
		}
	}
	if v, err := admin.Get(ctx, "resp:k").Result(); err != nil || v != "v1" {
		t.Fatalf("DB 3 holds resp:k = %q, %v: SELECT was not applied", v, err)
	}

	// A reply that never comes ends at the deadline, as a timeout.
	c.WriteArgs("BLPOP", "resp:empty", "0")
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	// (A timeout error is the assertion: how long it took is the
	// machine's, and no test here bounds a duration.)
	_, err = c.Read(context.Background())
	var nerr net.Error
	if !errors.As(err, &nerr) || !nerr.Timeout() {
		t.Fatalf("blocked read: %v, want a timeout", err)
	}
}

// TestConnHonoursContext: with no Options.Timeout, a reply that never
// comes (BLPOP of an empty list) ends when the context is cancelled or its
// deadline passes, with the context's error; a context already done sends
// nothing; and the connection is usable again with a live context when no
// command was left in flight.
func TestConnHonoursContext(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	blocked := func(t *testing.T, ctx context.Context) error {
		t.Helper()
		c, err := Dial(context.Background(), Options{Addr: srv.Addr()})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		done := make(chan error, 1)
		go func() {
			c.WriteArgs("BLPOP", "resp:never", "0")
			if err := c.Flush(ctx); err != nil {
				done <- err
				return
			}
			_, err := c.Read(ctx)
			done <- err
		}()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute): // a hang guard, not a measurement
			t.Fatal("the blocked read ignored its context")
			return nil
		}
	}
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			time.Sleep(50 * time.Millisecond)
			cancel()
		}()
		if err := blocked(t, ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if err := blocked(t, ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("done before", func(t *testing.T) {
		c, err := Dial(context.Background(), Options{Addr: srv.Addr()})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		c.WriteArgs("PING")
		if err := c.Flush(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Flush with a cancelled context: %v, want context.Canceled", err)
		}
		// Nothing was sent: a live context gets the PING's reply.
		if err := c.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if r, err := c.Read(context.Background()); err != nil || string(r.Data) != "PONG" {
			t.Fatalf("after a cancelled Flush: %q %v, want PONG", r.Data, err)
		}
	})
	t.Run("interrupted, then a new context", func(t *testing.T) {
		c, err := Dial(context.Background(), Options{Addr: srv.Addr()})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ctx, cancel := context.WithCancel(context.Background())
		c.WriteArgs("PING")
		if err := c.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Read(ctx); err != nil {
			t.Fatal(err)
		}
		cancel() // interrupts nothing in flight, but sets a past deadline
		c.WriteArgs("PING")
		if err := c.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if r, err := c.Read(context.Background()); err != nil || string(r.Data) != "PONG" {
			t.Fatalf("after the old context's cancel: %q %v, want PONG", r.Data, err)
		}
	})
}
