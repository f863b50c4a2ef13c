// Package resp is a minimal RESP2 client connection: write commands into a
// buffer, flush them in one write, read the replies one by one. It exists
// for one caller, the raw workload, whose job is to load Redis as hard as
// redis-benchmark and memtier_benchmark do from the same CPU. go-redis, which
// every other workload uses, spends about twice their CPU per pipelined
// command (hooks, retries, pool bookkeeping, push-notification and
// client-side-cache checks around every batch), and on a machine where the
// load generator shares cores with redis-server that CPU is throughput.
// docs/performance.md has the profile and the figures.
//
// A Conn is not safe for concurrent use. After any error from Flush or
// Read the reply stream can no longer be trusted: close the Conn.
package resp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Sentinel errors.
var (
	// ErrProtocol reports bytes that are not a RESP2 reply.
	ErrProtocol = errors.New("resp: protocol error")
)

// Error is an error reply from the server (-ERR ..., -WRONGTYPE ...). It
// satisfies go-redis's redis.Error interface, so code that classifies
// go-redis errors classifies these the same way.
type Error string

func (e Error) Error() string { return string(e) }

// RedisError marks Error as a reply from Redis, not a transport failure.
func (Error) RedisError() {}

// Kind is a reply's RESP2 type byte.
type Kind byte

// Reply kinds.
const (
	SimpleString Kind = '+'
	ErrorReply   Kind = '-'
	Integer      Kind = ':'
	BulkString   Kind = '$'
	Array        Kind = '*'
)

// Reply is one reply, or the header of an array whose elements the next
// Reads return.
type Reply struct {
	Kind Kind
	// N is the integer of an Integer, the length of a BulkString or an
	// Array, -1 for a null bulk string or array.
	N int64
	// Data is a SimpleString's or ErrorReply's text or a BulkString's
	// bytes. It points into the Conn's buffer: valid until the next Read.
	Data []byte
}

// Options configure Dial.
type Options struct {
	// Dial opens the transport, e.g. go-redis's Options.Dialer, which
	// already handles TLS and unix sockets.
	// default: a net.Dialer
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Network and Addr of the server.
	// default: "tcp"; Addr is required
	Network, Addr string
	// Username and Password, when Password is set, are sent with AUTH.
	// default: no AUTH
	Username, Password string
	// DB is selected with SELECT when not 0.
	// default: 0
	DB int
	// Timeout bounds each round trip (Flush and the Reads after it); the
	// context's deadline, when earlier, bounds it too.
	// default: 0, no deadline but the context's
	Timeout time.Duration
	// BufferSize is the size of the read and the write buffer.
	// default: 32 KiB, as go-redis
	BufferSize int
}

// Conn is one connection. Its round trips honour a context: Flush bounds
// the round trip by the context's deadline (or Options.Timeout, whichever
// is earlier), and a cancelled context interrupts a Flush or Read that is
// blocked; their errors then wrap the context's (context.Canceled,
// context.DeadlineExceeded). A Conn is not safe for concurrent use.
type Conn struct {
	nc      net.Conn
	bw      *bufio.Writer
	br      *bufio.Reader
	timeout time.Duration
	scratch []byte // bulk strings larger than the read buffer
	num     []byte // formatting lengths

	// The context whose cancellation interrupts the connection's I/O:
	// bound once per context (a worker's batches share one), so that a
	// round trip does not allocate.
	bound       context.Context
	unbind      func() bool
	deadline    time.Time   // the deadline set on nc, zero for none
	interrupted atomic.Bool // a cancellation set a past deadline since
	mu          sync.Mutex  // orders an old context's interruption before a rebinding
	gen         uint64      // the binding's number, under mu
}

// Dial connects and authenticates.
func Dial(ctx context.Context, o Options) (*Conn, error) {
	if o.Addr == "" {
		return nil, fmt.Errorf("resp: Options.Addr is empty: set the server's host:port or socket path")
	}
	network := o.Network
	if network == "" {
		network = "tcp"
	}
	dial := o.Dial
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	nc, err := dial(ctx, network, o.Addr)
	if err != nil {
		return nil, fmt.Errorf("resp: dialing %s: %w", o.Addr, err)
	}
	c := NewConn(nc, o.BufferSize, o.Timeout)
	if err := c.handshake(ctx, o); err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

// NewConn wraps an open connection; bufferSize 0 means 32 KiB.
func NewConn(nc net.Conn, bufferSize int, timeout time.Duration) *Conn {
	if bufferSize <= 0 {
		bufferSize = 32 << 10
	}
	return &Conn{
		nc:      nc,
		bw:      bufio.NewWriterSize(nc, bufferSize),
		br:      bufio.NewReaderSize(nc, bufferSize),
		timeout: timeout,
		num:     make([]byte, 0, 20),
	}
}

func (c *Conn) handshake(ctx context.Context, o Options) error {
	var cmds [][]string
	if o.Password != "" {
		if o.Username != "" {
			cmds = append(cmds, []string{"AUTH", o.Username, o.Password})
		} else {
			cmds = append(cmds, []string{"AUTH", o.Password})
		}
	}
	if o.DB != 0 {
		cmds = append(cmds, []string{"SELECT", strconv.Itoa(o.DB)})
	}
	if len(cmds) == 0 {
		return nil
	}
	for _, args := range cmds {
		c.WriteArgs(args...)
	}
	if err := c.Flush(ctx); err != nil {
		return fmt.Errorf("resp: %s: %w", cmds[0][0], err)
	}
	for _, args := range cmds {
		r, err := c.Read(ctx)
		if err != nil {
			return fmt.Errorf("resp: %s: %w", args[0], err)
		}
		if r.Kind == ErrorReply {
			return fmt.Errorf("resp: %s: %w", args[0], Error(r.Data))
		}
	}
	return nil
}

// Close closes the connection.
func (c *Conn) Close() error {
	if c.unbind != nil {
		c.unbind()
	}
	return c.nc.Close()
}

// pastDeadline interrupts blocked I/O: a deadline already gone.
var pastDeadline = time.Unix(1, 0)

// watch makes ctx's cancellation interrupt the connection's I/O, once per
// context.
func (c *Conn) watch(ctx context.Context) {
	if ctx == c.bound {
		return
	}
	if c.unbind != nil {
		c.unbind()
	}
	// An old context's interruption that already started either finishes
	// before this (and Flush sees interrupted) or does nothing.
	c.mu.Lock()
	c.gen++
	gen := c.gen
	c.mu.Unlock()
	c.bound, c.unbind = ctx, nil
	if ctx.Done() == nil {
		return // never cancelled
	}
	c.unbind = context.AfterFunc(ctx, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.gen == gen {
			_ = c.nc.SetDeadline(pastDeadline)
			c.interrupted.Store(true)
		}
	})
}

// ctxErr is err, wrapped in ctx's error when ctx ended (cancelled, or its
// deadline passed: the I/O deadline Flush set from it).
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%w: %w", cerr, err)
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) && errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	return err
}

// WriteArgs buffers one command, e.g. WriteArgs("GET", key).
func (c *Conn) WriteArgs(args ...string) {
	c.writeHeader('*', len(args))
	for _, a := range args {
		c.WriteBulk(a)
	}
}

// WriteArrayHeader buffers the start of a command of n arguments; follow
// it with n WriteBulk calls. WriteArgs without the variadic slice, for hot
// paths.
func (c *Conn) WriteArrayHeader(n int) { c.writeHeader('*', n) }

// WriteRaw buffers bytes already in RESP form: a command, or part of one,
// encoded once and sent many times.
func (c *Conn) WriteRaw(b []byte) { c.bw.Write(b) }

// WriteBulk buffers one argument.
func (c *Conn) WriteBulk(s string) {
	c.writeHeader('$', len(s))
	c.bw.WriteString(s)
	c.bw.WriteString("\r\n")
}

func (c *Conn) writeHeader(kind byte, n int) {
	c.num = append(c.num[:0], kind)
	c.num = strconv.AppendInt(c.num, int64(n), 10)
	c.num = append(c.num, '\r', '\n')
	c.bw.Write(c.num)
}

// Flush sends what is buffered. It starts the round trip's deadline
// (Options.Timeout from now, or ctx's deadline when earlier), which also
// bounds the Reads that follow, and makes ctx's cancellation interrupt
// them.
func (c *Conn) Flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.watch(ctx)
	var dl time.Time
	if c.timeout > 0 {
		dl = time.Now().Add(c.timeout)
	}
	if d, ok := ctx.Deadline(); ok && (dl.IsZero() || d.Before(dl)) {
		dl = d
	}
	if !dl.Equal(c.deadline) || c.interrupted.Swap(false) {
		if err := c.nc.SetDeadline(dl); err != nil {
			return err
		}
		c.deadline = dl
	}
	// A cancellation between the check above and SetDeadline would have
	// its interruption overwritten: look again (one that comes later runs
	// its AfterFunc after this).
	if err := ctx.Err(); err != nil {
		_ = c.nc.SetDeadline(pastDeadline)
		c.deadline = pastDeadline
		return err
	}
	if err := c.bw.Flush(); err != nil {
		return ctxErr(ctx, err)
	}
	return nil
}

// Read reads the next reply, within the deadline the Flush before it set.
// An error reply is a Reply of kind ErrorReply, not an error: errors are
// transport or protocol failures, and ctx's when it ended.
func (c *Conn) Read(ctx context.Context) (Reply, error) {
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return Reply{}, fmt.Errorf("%w: reply line longer than %d bytes", ErrProtocol, c.br.Size())
		}
		return Reply{}, ctxErr(ctx, err)
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return Reply{}, fmt.Errorf("%w: line %q does not end in CRLF", ErrProtocol, line)
	}
	body := line[1 : len(line)-2]
	switch k := Kind(line[0]); k {
	case SimpleString, ErrorReply:
		return Reply{Kind: k, Data: body}, nil
	case Integer:
		n, err := parseInt(body)
		if err != nil {
			return Reply{}, err
		}
		return Reply{Kind: k, N: n}, nil
	case Array:
		n, err := parseInt(body)
		if err != nil || n < -1 {
			return Reply{}, fmt.Errorf("%w: array length %q", ErrProtocol, body)
		}
		return Reply{Kind: k, N: n}, nil
	case BulkString:
		n, err := parseInt(body)
		if err != nil || n < -1 || n > 512<<20 {
			return Reply{}, fmt.Errorf("%w: bulk length %q", ErrProtocol, body)
		}
		if n == -1 {
			return Reply{Kind: k, N: -1}, nil
		}
		data, err := c.readBulk(int(n))
		if err != nil {
			return Reply{}, ctxErr(ctx, err)
		}
		return Reply{Kind: k, N: n, Data: data}, nil
	default:
		return Reply{}, fmt.Errorf("%w: unknown reply type %q", ErrProtocol, line[0])
	}
}

// readBulk returns n bytes and consumes their CRLF. Values that fit the
// read buffer are returned in place (no copy); larger ones are copied into
// scratch.
func (c *Conn) readBulk(n int) ([]byte, error) {
	total := n + 2
	var data []byte
	if total <= c.br.Size() {
		b, err := c.br.Peek(total)
		if err != nil {
			return nil, eof(err)
		}
		data = b
	} else {
		if cap(c.scratch) < total {
			c.scratch = make([]byte, total)
		}
		data = c.scratch[:total]
		if _, err := io.ReadFull(c.br, data); err != nil {
			return nil, eof(err)
		}
	}
	if data[n] != '\r' || data[n+1] != '\n' {
		return nil, fmt.Errorf("%w: bulk string of %d bytes not followed by CRLF", ErrProtocol, n)
	}
	if total <= c.br.Size() {
		_, _ = c.br.Discard(total) // Peek returned total bytes
	}
	return data[:n], nil
}

// A reply cut short is a dropped connection, not a clean end of stream.
func eof(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// parseInt parses a RESP length or integer without allocating. Redis writes
// them canonically; anything else (a leading zero, "-0") is not Redis.
func parseInt(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 20 {
		return 0, fmt.Errorf("%w: integer %q", ErrProtocol, b)
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
		if len(b) == 0 {
			return 0, fmt.Errorf("%w: integer \"-\"", ErrProtocol)
		}
	}
	if len(b) > 1 && b[0] == '0' || neg && b[0] == '0' {
		return 0, fmt.Errorf("%w: integer %q has a leading zero", ErrProtocol, b)
	}
	var n int64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, fmt.Errorf("%w: integer %q", ErrProtocol, b)
		}
		d := int64(ch - '0')
		if n > (1<<63-1-d)/10 {
			return 0, fmt.Errorf("%w: integer %q overflows int64", ErrProtocol, b)
		}
		n = n*10 + d
	}
	if neg {
		n = -n
	}
	return n, nil
}
