// Package localredis starts and stops throwaway redis-server processes on a
// free loopback port in a private directory.
//
// rbench uses it when no target is configured (the `make run` path), for the
// recovery cycles that must kill and restart the server, for capacity plans
// that need a clean keyspace, and in every integration test. A Server only
// ever signals the process it started, by its pid.
package localredis

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rbench/rbench/compose"
)

// ErrNotInstalled is returned by Start when no redis-server binary can be found.
var ErrNotInstalled = errors.New("redis-server not found on PATH: install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis), pass --redis-server PATH, or start compose/docker-compose.redis.yml and point rbench at it with REDIS_URL")

// ErrExited is returned when the server process exits before it answers PING.
var ErrExited = errors.New("redis-server exited")

// Persistence selects how the throwaway server keeps its data on disk.
type Persistence string

const (
	// AOFAlways fsyncs the append-only file after every write: no acknowledged
	// write may be lost in a crash.
	AOFAlways Persistence = "aof-always"
	// AOFEverysec fsyncs once a second, the compose file's and Redis's
	// recommended setting: a crash may lose about one second of writes.
	AOFEverysec Persistence = "aof-everysec"
	// RDB takes snapshots on Redis 7's default schedule only.
	RDB Persistence = "rdb"
	// None keeps nothing: every restart starts empty.
	None Persistence = "none"
)

// Persistences lists the accepted values, in the order help texts show them.
var Persistences = []Persistence{AOFAlways, AOFEverysec, RDB, None}

// ParsePersistence checks s against Persistences.
func ParsePersistence(s string) (Persistence, error) {
	for _, p := range Persistences {
		if string(p) == s {
			return p, nil
		}
	}
	return "", fmt.Errorf("persistence %q is not one of aof-always, aof-everysec, rdb, none", s)
}

// args are the command-line overrides applied on top of compose/redis.conf.
func (p Persistence) args() []string {
	switch p {
	case AOFAlways:
		return []string{"--appendonly", "yes", "--appendfsync", "always", "--save", ""}
	case RDB:
		return []string{"--appendonly", "no", "--save", "3600 1 300 100 60 10000"}
	case None:
		return []string{"--appendonly", "no", "--save", ""}
	default:
		return []string{"--appendonly", "yes", "--appendfsync", "everysec", "--save", ""}
	}
}

// Options configure Start. The zero value starts redis-server from PATH with
// compose/redis.conf and AOF everysec on a free port in a new temp dir.
type Options struct {
	// Binary is the redis-server executable.
	// default: "redis-server" looked up on PATH
	Binary string
	// Dir is the server's working directory (AOF, RDB, log). A Dir given here
	// is kept by Stop; one made by Start is removed by Stop.
	// default: a new directory under os.TempDir()
	Dir string
	// Port to listen on at 127.0.0.1.
	// default: a free port chosen by the kernel
	Port int
	// Persistence mode.
	// default: AOFEverysec
	Persistence Persistence
	// Password, when set, is required from clients (requirepass).
	// default: none
	Password string
	// Args are extra redis-server arguments, appended last so they win,
	// e.g. {"--rename-command", "LATENCY", ""}.
	Args []string
	// StartTimeout bounds the wait for the first PONG after each start.
	// default: 15s
	StartTimeout time.Duration
	// TLS, when set, also serves TLS on a second free port (TLSPort); the
	// plain port stays open on 127.0.0.1 for readiness checks and set-up.
	// default: none
	TLS *TLS
}

// TLS configures a throwaway server's TLS port: redis-server's tls-port,
// tls-cert-file, tls-key-file, tls-ca-cert-file and tls-auth-clients.
type TLS struct {
	CertFile, KeyFile string
	// CACertFile verifies client certificates; needed with AuthClients.
	CACertFile string
	// AuthClients requires a client certificate signed by CACertFile
	// (tls-auth-clients yes); false does not ask for one (no).
	AuthClients bool
}

func (t *TLS) args(port int) []string {
	auth := "no"
	if t.AuthClients {
		auth = "yes"
	}
	args := []string{"--tls-port", strconv.Itoa(port), "--tls-cert-file", t.CertFile, "--tls-key-file", t.KeyFile, "--tls-auth-clients", auth}
	if t.CACertFile != "" {
		args = append(args, "--tls-ca-cert-file", t.CACertFile)
	}
	return args
}

// clusterArgs make a cluster node's bus and replication TLS too, so that
// CLUSTER SLOTS tells a TLS client the nodes' TLS ports (and a plain one
// their plain ports).
func (t *TLS) clusterArgs() []string {
	return []string{"--tls-cluster", "yes", "--tls-replication", "yes"}
}

// Server is a running (or stopped) throwaway redis-server.
type Server struct {
	opts    Options
	binary  string
	dir     string
	ownsDir bool
	port    int
	tlsPort int

	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
	stopped bool
}

// Start launches redis-server and waits until it answers PING.
func Start(ctx context.Context, opts Options) (*Server, error) {
	binary := opts.Binary
	if binary == "" {
		binary = "redis-server"
	}
	path, err := exec.LookPath(binary)
	if err != nil {
		if opts.Binary != "" {
			return nil, fmt.Errorf("redis-server binary %q: %w: %w", opts.Binary, err, ErrNotInstalled)
		}
		return nil, ErrNotInstalled
	}
	if opts.Persistence == "" {
		opts.Persistence = AOFEverysec
	}
	if _, err := ParsePersistence(string(opts.Persistence)); err != nil {
		return nil, err
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 15 * time.Second
	}
	s := &Server{opts: opts, binary: path, dir: opts.Dir}
	if s.dir == "" {
		// Directories of earlier rbench processes that were killed
		// before they could remove their own go first.
		_, _ = RemoveStale("")
		s.dir, err = os.MkdirTemp("", dirPattern)
		if err != nil {
			return nil, fmt.Errorf("creating the throwaway server's directory: %w", err)
		}
		s.ownsDir = true
		if err := writeOwner(s.dir, 0); err != nil {
			s.removeDir()
			return nil, fmt.Errorf("marking the throwaway server's directory: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(s.dir, "redis.conf"), serverConf(opts.Password), 0o600); err != nil {
		s.removeDir()
		return nil, fmt.Errorf("writing redis.conf: %w", err)
	}

	// A port picked free can be taken by someone else before redis binds it;
	// try a few fresh ones before giving up.
	const attempts = 5
	for i := 0; ; i++ {
		s.port = opts.Port
		if s.port == 0 {
			if s.port, err = FreePort(); err != nil {
				s.removeDir()
				return nil, err
			}
		}
		if opts.TLS != nil && (i > 0 || s.tlsPort == 0) {
			if s.tlsPort, err = FreePort(); err != nil {
				s.removeDir()
				return nil, err
			}
		}
		err = s.start(ctx, true)
		if err == nil {
			return s, nil
		}
		if opts.Port != 0 || i == attempts-1 || !strings.Contains(s.logTail(), "Address already in use") {
			s.removeDir()
			return nil, err
		}
	}
}

// serverConf is compose/redis.conf plus, when set, the requirepass line.
// Every byte of the password is written as a \xHH escape inside double
// quotes, which Redis's config parser reads back exactly whatever the
// password holds (spaces, quotes, '#').
func serverConf(password string) []byte {
	conf := append([]byte(nil), compose.RedisConf...)
	if password == "" {
		return conf
	}
	var b strings.Builder
	b.WriteString("\n# set by rbench (localredis.Options.Password); masterauth lets a\n# cluster replica sync from its primary\n")
	for _, directive := range []string{"requirepass", "masterauth"} {
		b.WriteString(directive + " \"")
		for i := 0; i < len(password); i++ {
			fmt.Fprintf(&b, "\\x%02x", password[i])
		}
		b.WriteString("\"\n")
	}
	return append(conf, b.String()...)
}

// FreePort asks the kernel for a loopback TCP port that is free right now.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free loopback port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) start(ctx context.Context, wait bool) error {
	args := []string{
		filepath.Join(s.dir, "redis.conf"),
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--dir", s.dir,
		"--daemonize", "no",
		"--logfile", "redis.log",
		"--pidfile", "",
	}
	args = append(args, s.opts.Persistence.args()...)
	if s.opts.TLS != nil {
		args = append(args, s.opts.TLS.args(s.tlsPort)...)
	}
	// The password is in redis.conf (mode 0600), never in argv, which
	// every user of the machine can read in ps and /proc.
	args = append(args, s.opts.Args...)
	cmd := exec.Command(s.binary, args...)
	cmd.Dir = s.dir
	// Its own process group: a Ctrl-C in the terminal reaches rbench, which
	// then stops the server in order, instead of killing both at once. If
	// rbench itself dies without stopping it (SIGKILL, a test timeout), the
	// kernel terminates the server too rather than leaving an orphan.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", s.binary, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.mu.Lock()
	s.cmd, s.exited, s.stopped = cmd, exited, false
	s.mu.Unlock()
	if s.ownsDir {
		// Best effort: without it a later Start only sees this process.
		_ = writeOwner(s.dir, cmd.Process.Pid)
	}

	if !wait {
		return nil
	}
	if err := s.WaitReady(ctx); err != nil {
		_ = s.signal(syscall.SIGKILL)
		<-exited
		return err
	}
	return nil
}

// WaitReady polls until the server answers PING with PONG (not LOADING), the
// process exits, StartTimeout passes or ctx ends.
func (s *Server) WaitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.StartTimeout)
	defer cancel()
	s.mu.Lock()
	exited := s.exited
	s.mu.Unlock()
	for {
		reply, err := s.ping(ctx)
		if err == nil && reply == "+PONG" {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("%w before answering PING on %s; its log ends:\n%s", ErrExited, s.Addr(), s.logTail())
		case <-ctx.Done():
			return fmt.Errorf("redis-server on %s not ready (last reply %q, error %v): %w", s.Addr(), reply, err, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// ping speaks just enough RESP to tell PONG from LOADING without a client library.
func (s *Server) ping(ctx context.Context) (string, error) {
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	conn, err := d.DialContext(dctx, "tcp", s.Addr())
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	r := bufio.NewReader(conn)
	if s.opts.Password != "" {
		if _, err := fmt.Fprintf(conn, "*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n", len(s.opts.Password), s.opts.Password); err != nil {
			return "", err
		}
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		if !strings.HasPrefix(line, "+OK") {
			return strings.TrimSpace(line), nil
		}
	}
	if _, err := conn.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return "", err
	}
	line, err := r.ReadString('\n')
	return strings.TrimSpace(line), err
}

// Addr is host:port for clients.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Port the server listens on; it stays the same across restarts.
func (s *Server) Port() int { return s.port }

// TLSPort is the port serving TLS, 0 without Options.TLS.
func (s *Server) TLSPort() int { return s.tlsPort }

// TLSAddr is host:port of the TLS port, "" without Options.TLS.
func (s *Server) TLSAddr() string {
	if s.tlsPort == 0 {
		return ""
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.tlsPort))
}

// Dir is the server's working directory, holding redis.conf, redis.log and
// the AOF or RDB files.
func (s *Server) Dir() string { return s.dir }

// Password is the requirepass the server was started with, if any.
func (s *Server) Password() string { return s.opts.Password }

// Persistence is the mode the server was started with.
func (s *Server) Persistence() Persistence { return s.opts.Persistence }

// URL is a redis:// URL for the server, with the password when there is one.
func (s *Server) URL() string {
	if s.opts.Password != "" {
		return "redis://:" + s.opts.Password + "@" + s.Addr() + "/0"
	}
	return "redis://" + s.Addr() + "/0"
}

// TLSURL is a rediss:// URL for the TLS port, with the password when
// there is one; "" without Options.TLS.
func (s *Server) TLSURL() string {
	if s.tlsPort == 0 {
		return ""
	}
	if s.opts.Password != "" {
		return "rediss://:" + s.opts.Password + "@" + s.TLSAddr() + "/0"
	}
	return "rediss://" + s.TLSAddr() + "/0"
}

// Pid of the running process, or 0 when it is not running.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.cmd.Process == nil || s.isExited() {
		return 0
	}
	return s.cmd.Process.Pid
}

func (s *Server) isExited() bool {
	select {
	case <-s.exited:
		return true
	default:
		return false
	}
}

func (s *Server) signal(sig syscall.Signal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.isExited() {
		return nil
	}
	return s.cmd.Process.Signal(sig)
}

// Kill sends SIGKILL, as a crash would, and waits for the process to go. The
// directory and its files stay for Restart.
func (s *Server) Kill() error {
	if err := s.signal(syscall.SIGKILL); err != nil {
		return fmt.Errorf("killing redis-server pid %d: %w", s.Pid(), err)
	}
	s.waitExit(0)
	return nil
}

// Terminate sends SIGTERM, which makes redis-server shut down as SHUTDOWN
// does (fsync the AOF, save an RDB when save points are set), and waits up to
// timeout before killing it.
func (s *Server) Terminate(timeout time.Duration) error {
	if err := s.signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("stopping redis-server: %w", err)
	}
	if !s.waitExit(timeout) {
		return s.Kill()
	}
	return nil
}

// Exited is closed when the current process has exited.
func (s *Server) Exited() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exited
}

// waitExit waits for the process to exit, forever when timeout is 0.
func (s *Server) waitExit(timeout time.Duration) bool {
	exited := s.Exited()
	if exited == nil {
		return true
	}
	if timeout == 0 {
		<-exited
		return true
	}
	select {
	case <-exited:
		return true
	case <-time.After(timeout):
		return false
	}
}

// Restart starts the server again on the same port, directory and options,
// after Kill, Terminate or a SHUTDOWN sent by a client. It returns once the
// server answers PING, which includes loading the AOF or RDB.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	running := s.cmd != nil && !s.isExited()
	s.mu.Unlock()
	if running {
		return fmt.Errorf("restart: redis-server pid %d is still running", s.Pid())
	}
	return s.start(ctx, true)
}

// StartProcess starts the process again like Restart but returns as soon as
// it is launched, so callers can time the port opening and the end of
// LOADING themselves.
func (s *Server) StartProcess() error {
	s.mu.Lock()
	running := s.cmd != nil && !s.isExited()
	s.mu.Unlock()
	if running {
		return fmt.Errorf("start: redis-server pid %d is still running", s.Pid())
	}
	return s.start(context.Background(), false)
}

// Stop terminates the server (SIGTERM, then SIGKILL after 10 s) and removes
// the directory Start created. It is safe to call more than once.
func (s *Server) Stop() error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return nil
	}
	s.stopped = true
	s.mu.Unlock()
	err := s.Terminate(10 * time.Second)
	s.removeDir()
	return err
}

func (s *Server) removeDir() {
	if s.ownsDir {
		_ = os.RemoveAll(s.dir)
	}
}

// LogTail returns the last lines of the server's log, for error messages.
func (s *Server) LogTail() string { return s.logTail() }

func (s *Server) logTail() string {
	b, err := os.ReadFile(filepath.Join(s.dir, "redis.log"))
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}
