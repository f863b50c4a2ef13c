package recovery

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
)

// The ways recover was fooled into a pass (issue 15), each against a real
// throwaway server.

// timedSource is a Synthetic source that remembers when each order list it
// creates in the live flow was made, so a test can remove the orders
// acknowledged in a given span from another client.
type timedSource struct {
	*Synthetic
	mu   *sync.Mutex
	made map[string]time.Time
}

func (s timedSource) Next() Call {
	c := s.Synthetic.Next()
	for _, cmd := range c {
		if key := argString(cmd[1]); cmd[0] == "RPUSH" && strings.Contains(key, ":orders:") {
			s.mu.Lock()
			s.made[key] = time.Now()
			s.mu.Unlock()
		}
	}
	return c
}

// timedSources makes every writer a timedSource and returns the keys made
// between two times.
func timedSources(o *Options) (madeBetween func(from, to time.Time) []string) {
	var mu sync.Mutex
	made := map[string]time.Time{}
	o.NewSource = func(prefix string, seed int64, w int) Source {
		return timedSource{NewSynthetic(prefix, seed, w), &mu, made}
	}
	return func(from, to time.Time) []string {
		mu.Lock()
		defer mu.Unlock()
		var keys []string
		for k, at := range made {
			if at.After(from) && at.Before(to) {
				keys = append(keys, k)
			}
		}
		return keys
	}
}

// otherClient deletes keys as another client of the server would. It may
// run on a goroutine of its own, so it reports with t.Errorf.
func otherClient(t *testing.T, o *Options, keys []string) {
	t.Helper()
	if len(keys) == 0 {
		t.Errorf("no keys to delete: the writers made no orders in the span")
		return
	}
	rdb := o.NewClient()
	defer rdb.Close()
	if err := rdb.Del(context.Background(), keys...).Err(); err != nil {
		t.Errorf("deleting %d keys from another client: %v", len(keys), err)
	}
}

// (a) Under aof-everysec a process kill loses nothing: keys deleted from
// another client 0.35-1.7 s before the kill were excused as "within the
// window" and passed. They must fail, as losses nothing in Redis explains.
func TestEverysecKillDoesNotExcuseDeletedKeys(t *testing.T) {
	var deleted int
	rec := testRun(t, localredis.AOFEverysec, kill, func(o *Options) {
		madeBetween := timedSources(o)
		o.Writers = 2
		o.WriteLead = 2 * time.Second
		o.BeforeRestart = func(ctx context.Context, _ int) error {
			now := time.Now()
			keys := madeBetween(now.Add(-1700*time.Millisecond), now.Add(-350*time.Millisecond))
			deleted = len(keys)
			otherClient(t, o, keys)
			return nil
		}
	})
	c := rec.Cycles[0]
	t.Logf("deleted %d order lists; %s", deleted, c.Promise)
	if postponed(c) {
		// Redis did postpone AOF writes at the crash (a slow disk): then,
		// and only then, the loss is Redis's to excuse.
		if c.LostWithinWindow == 0 || !strings.Contains(c.Promise, "are excused") {
			t.Errorf("Redis postponed writes but the loss was not excused by it: %+v", c)
		}
		return
	}
	if rec.Verdict != results.RecoveryFail || c.Lost == 0 || c.LostUnexplained != c.Lost || c.LostWithinWindow != 0 {
		t.Fatalf("verdict %s: lost %d (%d unexplained, +%d excused); want a failure, nothing excused", rec.Verdict, c.Lost, c.LostUnexplained, c.LostWithinWindow)
	}
	// Each deleted order is missing, unless its first write was still on
	// its way when the other client deleted it.
	if got := c.Integrity["orders"].MissingKeys; got == 0 || got > int64(deleted) {
		t.Errorf("%d order keys missing, %d deleted", got, deleted)
	}
	if !strings.Contains(c.Promise, "no postponed write") || !strings.Contains(strings.Join(rec.Reasons, " "), "something other than its persistence removed them") {
		t.Errorf("the output does not say which promise was checked and broken:\n%s\n%v", c.Promise, rec.Reasons)
	}
}

// postponed reports whether INFO showed Redis postponing AOF writes at the
// crash of cycle c (everysec on a slow disk), which excuses a kill's loss.
func postponed(c results.RecoveryCycle) bool {
	return c.AOFDelayedFsyncEnd > c.AOFDelayedFsyncStart || (c.AOFPendingFsyncAtCrash > 0 && c.AOFBufferAtCrash > 0)
}

// restartOnExit restarts srv (same port and directory) once its process
// exits, as a supervisor would after the operator's restart command killed
// it; the command itself then only has to kill.
func restartOnExit(t *testing.T, srv *localredis.Server) {
	t.Helper()
	exited := srv.Exited()
	go func() {
		<-exited
		if err := srv.StartProcess(); err != nil {
			t.Errorf("restarting the killed server: %v", err)
		}
	}()
}

func cmdRestarter(srv *localredis.Server, command string) *CmdRestarter {
	return &CmdRestarter{Command: command, Addr: srv.Addr(), Timeout: 10 * time.Second,
		NewClient: func() redis.UniversalClient {
			return connect.NewClient(connect.ClientOptions{Addr: srv.Addr(), MaxRetries: -1, PoolSize: 1, DialTimeout: time.Second, ReadTimeout: time.Second})
		}}
}

// (b) With a restart command, the crash is when the server died, not when
// the command was launched: writes acknowledged between the launch and the
// death that then vanish were forgiven as "follow-on". They must fail.
func TestCmdRestartJudgedFromTheDeath(t *testing.T) {
	var deleted int
	rec := testRun(t, localredis.AOFAlways, func(srv *localredis.Server) Restarter {
		restartOnExit(t, srv)
		// The command takes 1.5 s before it kills: a docker stop's grace.
		return cmdRestarter(srv, fmt.Sprintf("sleep 1.5; kill -9 %d", srv.Pid()))
	}, func(o *Options) {
		madeBetween := timedSources(o)
		o.BeforeRestart = func(ctx context.Context, _ int) error {
			launch := time.Now()
			go func() {
				// Half a second into the command, delete the orders made
				// since its launch, while the server still runs.
				time.Sleep(500 * time.Millisecond)
				keys := madeBetween(launch, time.Now())
				deleted = len(keys)
				otherClient(t, o, keys)
			}()
			return nil
		}
	})
	c := rec.Cycles[0]
	if c.DiedBy != "connection" || c.DiedSec < 1.5 {
		t.Errorf("died %.3fs after the launch (%s); the command killed it 1.5 s in", c.DiedSec, c.DiedBy)
	}
	if rec.Verdict != results.RecoveryFail || c.Lost == 0 || c.LostUnexplained != c.Lost {
		t.Fatalf("deleted %d orders acknowledged after the launch, before the death: verdict %s, lost %d (%d unexplained), follow-on %d",
			deleted, rec.Verdict, c.Lost, c.LostUnexplained, c.LostFollowOn)
	}
	if got := c.Integrity["orders"].MissingKeys; got == 0 || got > int64(deleted) {
		t.Errorf("%d order keys missing, %d deleted", got, deleted)
	}
}

// (c) A restart command that restarts nothing (true) passed. It must not:
// the run_id did not change, so nothing was tested; the run is incomplete.
func TestCmdRestartThatRestartsNothing(t *testing.T) {
	rec, err := testRunErr(t, context.Background(), localredis.AOFAlways, func(srv *localredis.Server) Restarter {
		return cmdRestarter(srv, "true")
	}, nil)
	if !errors.Is(err, ErrNotRestarted) {
		t.Fatalf("error %v, want ErrNotRestarted", err)
	}
	reasons := strings.Join(rec.Reasons, "\n")
	if rec.Verdict != results.RecoveryIncomplete || !strings.Contains(reasons, "same run_id") || !strings.Contains(reasons, "0 of 1 cycles verified") {
		t.Fatalf("verdict %s, reasons:\n%s", rec.Verdict, reasons)
	}
	c := rec.Cycles[0]
	if c.Verdict != results.RecoveryIncomplete || c.RunIDBefore == "" || c.RunIDBefore != c.RunIDAfter {
		t.Errorf("cycle %+v", c)
	}
}

// A server that does not come back (a corrupt AOF) leaves the run
// incomplete, with the server's own words in the reasons.
func TestServerDoesNotComeBack(t *testing.T) {
	rec, err := testRunErr(t, context.Background(), localredis.AOFAlways, func(srv *localredis.Server) Restarter {
		return &LocalRestarter{Server: srv, Timeout: 10 * time.Second, AfterStop: func() error {
			files, err := filepath.Glob(filepath.Join(srv.Dir(), "appendonlydir", "*.incr.aof"))
			if err != nil || len(files) != 1 {
				return fmt.Errorf("incr AOF files: %v %v", files, err)
			}
			b, err := os.ReadFile(files[0])
			if err != nil {
				return err
			}
			return os.WriteFile(files[0], append([]byte("garbage\r\n"), b...), 0o600)
		}}
	}, func(o *Options) { o.Cycles = 2; o.WriteDuring = false })
	if err == nil {
		t.Fatal("no error for a server that did not come back")
	}
	reasons := strings.Join(rec.Reasons, "\n")
	if rec.Verdict != results.RecoveryIncomplete || !strings.Contains(reasons, "cycle 1 of 2 could not be carried out") ||
		!strings.Contains(reasons, "Bad file format") || !strings.Contains(reasons, "0 of 2 cycles verified") {
		t.Fatalf("verdict %s, reasons:\n%s", rec.Verdict, reasons)
	}
	if rec.Lost != 0 || len(rec.Cycles) != 1 || rec.CyclesPlanned != 2 {
		t.Errorf("lost %d, %d cycles of %d", rec.Lost, len(rec.Cycles), rec.CyclesPlanned)
	}
}

// An interrupted run returns what it has, incomplete.
func TestInterruptedRunIsIncomplete(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	rec, err := testRunErr(t, ctx, localredis.AOFAlways, kill, func(o *Options) {
		o.Cycles = 2
		o.BeforeRestart = func(context.Context, int) error {
			cancel(errors.New("interrupt"))
			return nil
		}
	})
	if err == nil {
		t.Fatal("no error from an interrupted run")
	}
	reasons := strings.Join(rec.Reasons, "\n")
	if rec.Verdict != results.RecoveryIncomplete || !strings.Contains(reasons, "interrupted during cycle 1 of 2 (interrupt)") {
		t.Fatalf("verdict %s, reasons:\n%s", rec.Verdict, reasons)
	}
}
