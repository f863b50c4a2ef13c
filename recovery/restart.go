package recovery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	redisinfo "github.com/rbench/rbench/internal/info"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
)

// Restart modes.
const (
	ModeKill     = "kill"     // SIGKILL the throwaway server: a crash
	ModeGraceful = "graceful" // SHUTDOWN from a client: fsync/save, then exit
	ModeCmd      = "cmd"      // the operator's restart command (external servers)
)

// ErrExternalNoCmd is returned when asked to restart a server rbench did not
// start without a restart command: rbench never signals a process it did not
// start.
var ErrExternalNoCmd = errors.New("the target is an external Redis that rbench did not start, so rbench will not kill or shut it down; " +
	"pass --restart-cmd with the command that restarts it (for the compose deployment: --restart-cmd \"docker compose -f compose/docker-compose.redis.yml restart redis\"), " +
	"or unset REDIS_URL/--host to let rbench start a throwaway redis-server")

// Timing is one restart as the clock saw it.
type Timing struct {
	// Start is when the server was told to stop: the SIGKILL, the SHUTDOWN,
	// or the restart command's launch. The restart timings count from it.
	Start time.Time
	// Died is when the old server process was seen to exit (the crash that
	// losses are judged against); zero when the Restarter cannot see the
	// process (a restart command): Run then takes the moment its watching
	// connection dropped.
	Died time.Time
	// Stop is the time until the old process was gone; 0 when not known.
	Stop time.Duration
	// PortOpen and Ready are from Start until the port accepted a TCP
	// connection and until PING answered PONG instead of LOADING.
	PortOpen, Ready time.Duration
	// Load is the server's own AOF/RDB load time, -1 when unknown;
	// LoadSource says where it came from ("log", "info").
	Load       time.Duration
	LoadSource string
	// LoadBytes is the size of the AOF/RDB files the server loaded: the
	// files on disk for a local server, INFO loading_total_bytes seen while
	// an external one was LOADING; -1 when unknown.
	LoadBytes int64
	// CmdOutput is the restart command's combined output (mode cmd).
	CmdOutput string
}

// Restarter restarts a Redis server and times it.
type Restarter interface {
	// Mode is ModeKill, ModeGraceful or ModeCmd.
	Mode() string
	// Restart takes the server down and waits until it answers PING.
	Restart(ctx context.Context) (Timing, error)
}

// LocalRestarter restarts a throwaway server rbench started.
type LocalRestarter struct {
	Server *localredis.Server
	// Graceful sends SHUTDOWN instead of SIGKILL.
	// default: false (kill)
	Graceful bool
	// Timeout bounds each wait (shutdown, port, ready).
	// default: 60s
	Timeout time.Duration
	// AfterStop, when set, runs while the server is down (tests truncate
	// the AOF here, as a torn write would).
	// default: nil
	AfterStop func() error
}

// Mode implements Restarter.
func (r *LocalRestarter) Mode() string {
	if r.Graceful {
		return ModeGraceful
	}
	return ModeKill
}

// Restart implements Restarter.
func (r *LocalRestarter) Restart(ctx context.Context) (Timing, error) {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	srv := r.Server
	logPath := filepath.Join(srv.Dir(), "redis.log")
	var tm Timing
	if r.Graceful {
		o := connect.FromServer(srv)
		o.MaxRetries = -1
		rdb := connect.NewClient(o)
		tm.Start = time.Now()
		// SHUTDOWN answers nothing when it works: the connection closes.
		err := rdb.Do(ctx, "SHUTDOWN").Err()
		_ = rdb.Close()
		if err != nil && !isConnClosed(err) {
			return tm, fmt.Errorf("SHUTDOWN refused: %w", err)
		}
		select {
		case <-srv.Exited():
		case <-time.After(timeout):
			return tm, fmt.Errorf("redis-server still running %v after SHUTDOWN", timeout)
		case <-ctx.Done():
			return tm, ctx.Err()
		}
	} else {
		tm.Start = time.Now()
		if err := srv.Kill(); err != nil { // returns once the process is gone
			return tm, err
		}
	}
	tm.Died = time.Now()
	tm.Stop = tm.Died.Sub(tm.Start)
	if r.AfterStop != nil {
		if err := r.AfterStop(); err != nil {
			return tm, err
		}
	}
	logOffset := fileSize(logPath)
	onDisk := persistedBytes(srv.Dir())
	if err := srv.StartProcess(); err != nil {
		return tm, err
	}
	newClient := func() redis.UniversalClient {
		o := connect.FromServer(srv)
		o.MaxRetries, o.PoolSize, o.DialTimeout, o.ReadTimeout = -1, 1, time.Second, time.Second
		return connect.NewClient(o)
	}
	if err := waitUp(ctx, &tm, srv.Addr(), newClient, timeout, srv.Exited()); err != nil {
		return tm, fmt.Errorf("%w; its log ends:\n%s", err, srv.LogTail())
	}
	tm.LoadBytes = onDisk
	if d, ok := loadTimeFromLog(logPath, logOffset); ok {
		tm.Load, tm.LoadSource = d, "log"
	}
	return tm, nil
}

// CmdRestarter restarts an external server with the operator's command,
// run by sh -c, then waits for it. The command may hold a password: errors
// name it by RedactCommand and mask its words in its output.
type CmdRestarter struct {
	// Command is the shell command that restarts the server.
	// default: none, required
	Command string
	// HostCrash declares that the command crashes the host (a power cut, a
	// VM reset), not just the redis-server process: losses are then judged
	// by what an fsync policy keeps through a host crash.
	// default: false (a process kill or shutdown)
	HostCrash bool
	// Addr is the server's host:port, for the port-open time.
	// default: "" (not measured: a unix socket, say)
	Addr string
	// NewClient returns a client for the server (credentials, TLS) used to
	// PING it until it answers; it should not retry.
	// default: none, required
	NewClient func() redis.UniversalClient
	// Timeout bounds the command and each wait.
	// default: 120s
	Timeout time.Duration
}

// Mode implements Restarter.
func (r *CmdRestarter) Mode() string { return ModeCmd }

// Restart implements Restarter.
func (r *CmdRestarter) Restart(ctx context.Context) (Timing, error) {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 120 * time.Second
	}
	var tm Timing
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(cctx, "sh", "-c", r.Command)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	tm.Start = time.Now()
	err := cmd.Run()
	tm.CmdOutput = MaskCommandWords(strings.TrimSpace(out.String()), r.Command)
	if err != nil {
		return tm, fmt.Errorf("restart command %s: %w; output: %s", RedactCommand(r.Command), err, tm.CmdOutput)
	}
	if err := waitUp(ctx, &tm, r.Addr, r.NewClient, timeout, nil); err != nil {
		return tm, err
	}
	return tm, nil
}

// waitUp polls the port, then PING, filling tm.PortOpen and tm.Ready (and
// tm.Load from the LOADING replies it saw, when the log gives nothing).
func waitUp(ctx context.Context, tm *Timing, addr string, newClient func() redis.UniversalClient, timeout time.Duration, exited <-chan struct{}) error {
	tm.Load, tm.LoadBytes = -1, -1
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := func() error {
		select {
		case <-exited:
			return localredis.ErrExited
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
			return nil
		}
	}
	for addr != "" {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			tm.PortOpen = time.Since(tm.Start)
			break
		}
		if err := tick(); err != nil {
			return fmt.Errorf("waiting for %s to accept connections: %w", addr, err)
		}
	}
	rdb := newClient()
	defer rdb.Close()
	var loadingSince time.Time
	for {
		err := rdb.Ping(ctx).Err()
		if err == nil {
			tm.Ready = time.Since(tm.Start)
			if !loadingSince.IsZero() {
				tm.Load, tm.LoadSource = time.Since(loadingSince), "info"
			}
			return nil
		}
		if strings.HasPrefix(err.Error(), "LOADING") && loadingSince.IsZero() {
			loadingSince = time.Now()
			// INFO answers while loading; its loading_* fields exist only then.
			if info, ierr := rdb.Info(ctx, "persistence").Result(); ierr == nil {
				if n, perr := strconv.ParseInt(redisinfo.Parse(info)["loading_total_bytes"], 10, 64); perr == nil {
					tm.LoadBytes = n
				}
			}
		}
		if terr := tick(); terr != nil {
			return fmt.Errorf("waiting for the server to answer PING (last error: %v): %w", err, terr)
		}
	}
}

func isConnClosed(err error) bool {
	if errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "EOF") || strings.Contains(s, "connection reset") || strings.Contains(s, "broken pipe")
}

// persistedBytes is what a local server will load when it starts: the
// files of its AOF directory when there is one, else its RDB file.
func persistedBytes(dir string) int64 {
	files, _ := filepath.Glob(filepath.Join(dir, "appendonlydir", "*"))
	var n int64
	for _, f := range files {
		if !strings.HasSuffix(f, ".manifest") {
			n += fileSize(f)
		}
	}
	if len(files) == 0 {
		n = fileSize(filepath.Join(dir, "dump.rdb"))
	}
	return n
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// Redis logs "DB loaded from append only file: 0.123 seconds" (AOF) or "DB
// loaded from disk: 0.123 seconds" (RDB) when loading ends.
var loadedRE = regexp.MustCompile(`DB loaded from (?:append only file|disk): ([0-9.]+) seconds`)

func loadTimeFromLog(path string, offset int64) (time.Duration, bool) {
	b, err := os.ReadFile(path)
	if err != nil || int64(len(b)) < offset {
		return 0, false
	}
	return parseLoadTime(b[offset:])
}

func parseLoadTime(log []byte) (time.Duration, bool) {
	m := loadedRE.FindAllSubmatch(log, -1)
	if len(m) == 0 {
		return 0, false
	}
	sec, err := strconv.ParseFloat(string(m[len(m)-1][1]), 64)
	if err != nil {
		return 0, false
	}
	return time.Duration(sec * float64(time.Second)), true
}

// ServerSettings reads the server's persistence configuration: CONFIG GET,
// or INFO persistence when CONFIG is renamed away (managed Redis).
func ServerSettings(ctx context.Context, rdb redis.UniversalClient) results.RecoveryServer {
	var s results.RecoveryServer
	m, err := rdb.ConfigGet(ctx, "appendonly").Result()
	if err == nil {
		s.Source = "config"
		s.AppendOnly = m["appendonly"]
		if m, err := rdb.ConfigGet(ctx, "appendfsync").Result(); err == nil {
			s.AppendFsync = m["appendfsync"]
		}
		if m, err := rdb.ConfigGet(ctx, "save").Result(); err == nil {
			s.Save = m["save"]
		}
		return s
	}
	info, err := rdb.Info(ctx, "persistence").Result()
	if err != nil {
		s.Source = "unknown"
		return s
	}
	f := redisinfo.Parse(info)
	s.Source = "info"
	if f["aof_enabled"] == "1" {
		s.AppendOnly = "yes"
	} else {
		s.AppendOnly = "no"
	}
	// INFO says nothing of appendfsync or the save points.
	s.AppendFsync, s.Save = "unknown", "unknown"
	return s
}

// PersistenceOf names what a server's settings amount to, in the terms of
// localredis.Persistence (plus "aof-no" for appendfsync no).
func PersistenceOf(s results.RecoveryServer) string {
	switch {
	case s.AppendOnly == "yes" && s.AppendFsync == "always":
		return string(localredis.AOFAlways)
	case s.AppendOnly == "yes" && s.AppendFsync == "no":
		return "aof-no"
	case s.AppendOnly == "yes":
		return string(localredis.AOFEverysec)
	case s.Save != "" && s.Save != "unknown":
		return string(localredis.RDB)
	case s.Save == "unknown":
		return "unknown"
	default:
		return string(localredis.None)
	}
}

// fillServerFigures copies INFO persistence and DBSIZE into c.
func fillServerFigures(ctx context.Context, rdb redis.UniversalClient, c *results.RecoveryCycle) error {
	info, err := rdb.Info(ctx, "persistence").Result()
	if err != nil {
		return fmt.Errorf("INFO persistence: %w", err)
	}
	f := redisinfo.Parse(info)
	atoi := func(k string) int64 { n, _ := strconv.ParseInt(f[k], 10, 64); return n }
	c.KeysLoaded = atoi("rdb_last_load_keys_loaded")
	c.KeysExpired = atoi("rdb_last_load_keys_expired")
	c.AOFEnabled = f["aof_enabled"] == "1"
	c.AOFSizeBytes = atoi("aof_current_size")
	c.AOFBaseSizeBytes = atoi("aof_base_size")
	c.AOFRewriteInProgress = f["aof_rewrite_in_progress"] == "1"
	c.AOFRewriteScheduled = f["aof_rewrite_scheduled"] == "1"
	c.AOFLastWriteStatus = f["aof_last_write_status"]
	c.AOFLastBgrewriteState = f["aof_last_bgrewrite_status"]
	if n, err := rdb.DBSize(ctx).Result(); err == nil {
		c.DBSize = n
	}
	return nil
}
