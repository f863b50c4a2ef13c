package recovery

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	redisinfo "github.com/rbench/rbench/internal/info"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/scenario"
	"github.com/rbench/rbench/results"
)

// testRun runs cycles against a new throwaway server with small, quick
// settings and fails the test if the run does not finish.
func testRun(t *testing.T, p localredis.Persistence, restarter func(*localredis.Server) Restarter, tweak func(*Options)) *results.Recovery {
	t.Helper()
	rec, err := testRunErr(t, context.Background(), p, restarter, tweak)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// testRunErr is testRun for runs that may not finish.
func testRunErr(t *testing.T, ctx context.Context, p localredis.Persistence, restarter func(*localredis.Server) Restarter, tweak func(*Options)) (*results.Recovery, error) {
	t.Helper()
	srv := localredis.ForTest(t, localredis.Options{Persistence: p})
	rdb := newClient(t, srv)
	var log strings.Builder
	opts := Options{
		Client: rdb,
		NewClient: func() redis.UniversalClient {
			return connect.NewClient(connect.ClientOptions{Addr: srv.Addr(), MaxRetries: -1, PoolSize: 1})
		},
		Restarter:   restarter(srv),
		Keys:        1500,
		Cycles:      1,
		WriteDuring: true,
		WriteRate:   1000,
		WriteLead:   300 * time.Millisecond,
		Log:         &log,
	}
	if tweak != nil {
		tweak(&opts)
	}
	rec, err := Run(ctx, opts)
	t.Log("\n" + log.String())
	if rec == nil {
		t.Fatalf("no recovery section: %v", err)
	}
	return rec, err
}

func kill(srv *localredis.Server) Restarter     { return &LocalRestarter{Server: srv} }
func graceful(srv *localredis.Server) Restarter { return &LocalRestarter{Server: srv, Graceful: true} }

// mixedSources makes writer 0 the trading node (scenario generator, msgpack
// payloads) and the others synthetic extra load.
func mixedSources(o *Options) {
	codec, err := codecs.ByName(codecs.MsgPack)
	if err != nil {
		panic(err)
	}
	o.NewSource = func(prefix string, seed int64, w int) Source {
		if w == 0 {
			return NewScenarioSource(keyspace.Layout{}, codec, scenario.Options{Seed: seed})
		}
		return NewSynthetic(prefix, seed, w)
	}
	o.Decode = PayloadDecoder(DefaultPrefix, codec, node.Python)
	o.Codec = codec
}

func TestKillAOFAlwaysLosesNothing(t *testing.T) {
	rec := testRun(t, localredis.AOFAlways, kill, func(o *Options) { o.Cycles = 2; o.FastPopulate = true; mixedSources(o) })
	if len(rec.Cycles) != 2 {
		t.Fatalf("%d cycles", len(rec.Cycles))
	}
	for _, c := range rec.Cycles {
		if c.Lost != 0 || c.LostWithinWindow != 0 || c.Verdict != "pass" {
			t.Errorf("cycle %d: lost %d (+%d), verdict %s, examples %v", c.Cycle, c.Lost, c.LostWithinWindow, c.Verdict, c.Examples)
		}
		if c.WritesDuring == 0 {
			t.Errorf("cycle %d: no writes acknowledged during the restart", c.Cycle)
		}
		if c.ReadySec <= 0 || c.TradingReadySec < c.ReadySec || c.StartupSequentialSec <= 0 {
			t.Errorf("cycle %d: timings %+v", c.Cycle, c)
		}
		if n := c.Integrity["instruments"].Verified; n < 12 {
			t.Errorf("cycle %d: %d instruments verified, want the scenario's 12 and more", c.Cycle, n)
		}
		if c.Integrity["orders"].Verified == 0 {
			t.Errorf("cycle %d: no orders verified: %+v", c.Cycle, c.Integrity)
		}
		if c.LoadedBytes <= 0 {
			t.Errorf("cycle %d: loaded bytes %d", c.Cycle, c.LoadedBytes)
		}
		if !c.AOFEnabled || c.AOFSizeBytes == 0 {
			t.Errorf("cycle %d: AOF figures missing: enabled %v size %d", c.Cycle, c.AOFEnabled, c.AOFSizeBytes)
		}
	}
	if rec.Verdict != "pass" || rec.Persistence != "aof-always" || rec.Mode != ModeKill {
		t.Errorf("recovery %s/%s verdict %s %v", rec.Persistence, rec.Mode, rec.Verdict, rec.Reasons)
	}
}

func TestKillNoPersistenceReportsLoss(t *testing.T) {
	rec := testRun(t, localredis.None, kill, nil)
	c := rec.Cycles[0]
	// Everything written before the kill is gone; only the writes after
	// the restart remain.
	if c.Lost < c.Items/2 {
		t.Errorf("lost %d of %d items", c.Lost, c.Items)
	}
	if c.Integrity["orders"].MissingKeys == 0 {
		t.Errorf("orders: %+v", c.Integrity["orders"])
	}
	if rec.Verdict != "fail" || len(rec.Reasons) == 0 {
		t.Errorf("verdict %s %v", rec.Verdict, rec.Reasons)
	}
	// All of it is what no persistence loses by design: nothing else
	// removed data, and the restarted server's writes are all there.
	if c.LostUnexplained != 0 || !strings.Contains(strings.Join(rec.Reasons, " "), "lost by design: none does not keep them") {
		t.Errorf("%d losses unexplained; reasons %v", c.LostUnexplained, rec.Reasons)
	}
	if !strings.Contains(rec.Promise, "keeps nothing") {
		t.Errorf("promise %q", rec.Promise)
	}
	if !strings.Contains(strings.Join(rec.Notes, " "), "not configured to keep the state") {
		t.Errorf("notes do not say the server keeps nothing: %v", rec.Notes)
	}
}

func TestGracefulEverysecLosesNothing(t *testing.T) {
	rec := testRun(t, localredis.AOFEverysec, graceful, nil)
	c := rec.Cycles[0]
	if c.Lost != 0 || c.LostWithinWindow != 0 || rec.Verdict != "pass" {
		t.Errorf("lost %d (+%d), verdict %s %v %v", c.Lost, c.LostWithinWindow, rec.Verdict, rec.Reasons, c.Examples)
	}
	if rec.LossWindowSec != 0 {
		t.Errorf("graceful restart allows a loss window of %vs", rec.LossWindowSec)
	}
}

func TestCorruptAndWrongTypeReported(t *testing.T) {
	var damaged []string
	rec := testRun(t, localredis.AOFAlways, kill, func(o *Options) {
		o.WriteDuring = false
		mixedSources(o)
		o.BeforeVerify = func(ctx context.Context, _ int) error {
			all, err := keyspace.Keys(ctx, o.Client, DefaultPrefix+"orders:", keyspace.ScanOptions{})
			if err != nil {
				return err
			}
			var keys []string // the node's orders, whose payloads decode
			for _, k := range all {
				if !IsSynthetic(DefaultPrefix, k) {
					keys = append(keys, k)
				}
			}
			damaged = keys[:2]
			if err := o.Client.LSet(ctx, keys[0], 0, "\xc1garbage").Err(); err != nil {
				return err
			}
			return o.Client.Eval(ctx, "redis.call('DEL', KEYS[1]); return redis.call('SET', KEYS[1], 'x')", []string{keys[1]}).Err()
		}
	})
	c := rec.Cycles[0]
	o := c.Integrity["orders"]
	if o.Corrupt != 1 || o.WrongType != 1 || c.Lost != 0 {
		t.Errorf("orders %+v, lost %d", o, c.Lost)
	}
	if rec.Verdict != "fail" || rec.Corrupt != 1 || rec.WrongType != 1 {
		t.Errorf("verdict %s corrupt %d wrong type %d", rec.Verdict, rec.Corrupt, rec.WrongType)
	}
	ex := strings.Join(c.Examples, "\n")
	if !strings.Contains(ex, damaged[0]+": payload does not decode") {
		t.Errorf("the garbage payload is not reported as undecodable:\n%s", ex)
	}
	for _, k := range damaged {
		if !strings.Contains(ex, k) {
			t.Errorf("examples do not name %s:\n%s", k, ex)
		}
	}
}

// A torn AOF tail after a process kill: the server comes back
// (aof-load-truncated yes) and the lost tail is reported, in the elements
// that are missing. A process kill does not tear the AOF under any fsync
// policy (Redis wrote it before replying), so the loss is not Redis's: it
// fails under aof-always and aof-everysec alike, as unexplained.
func TestTruncatedAOFTailReported(t *testing.T) {
	const cut = 3000
	for _, p := range []localredis.Persistence{localredis.AOFAlways, localredis.AOFEverysec} {
		t.Run(string(p), func(t *testing.T) {
			rec := testRun(t, p, func(srv *localredis.Server) Restarter {
				return &LocalRestarter{Server: srv, AfterStop: func() error {
					files, err := filepath.Glob(filepath.Join(srv.Dir(), "appendonlydir", "*.incr.aof"))
					if err != nil || len(files) != 1 {
						t.Fatalf("incr AOF files: %v %v", files, err)
					}
					fi, err := os.Stat(files[0])
					if err != nil {
						return err
					}
					return os.Truncate(files[0], fi.Size()-cut)
				}}
			}, func(o *Options) { o.WriteDuring = false })
			c := rec.Cycles[0]
			if postponed(c) {
				// everysec on a slow disk: Redis had not written the
				// last writes at the kill, its own loss, which hides ours.
				t.Logf("Redis postponed writes at the kill: %s", c.Promise)
				if c.LostWithinWindow == 0 {
					t.Errorf("a postponed-write loss not excused: %+v", c)
				}
				return
			}
			if c.Lost == 0 || c.LostUnexplained != c.Lost || c.LostWithinWindow != 0 || rec.Verdict != results.RecoveryFail {
				t.Fatalf("truncated tail: lost %d (%d unexplained, +%d excused), verdict %s %v", c.Lost, c.LostUnexplained, c.LostWithinWindow, rec.Verdict, rec.Reasons)
			}
			if !strings.Contains(strings.Join(rec.Reasons, " "), "that Redis does not lose") {
				t.Errorf("reasons do not say the loss is not Redis's: %v", rec.Reasons)
			}
			var tail int64
			for _, ig := range c.Integrity {
				tail += ig.MissingTail + ig.MissingKeys + ig.MissingMembers
				if ig.Corrupt != 0 || ig.WrongType != 0 || ig.MissingMiddle != 0 {
					t.Errorf("a truncated tail shows up as damage: %+v", ig)
				}
			}
			if tail == 0 {
				t.Errorf("no missing tail, keys or members: %+v", c.Integrity)
			}
			if c.Lost > 200 {
				t.Errorf("cutting %d bytes lost %d items: more than the tail", cut, c.Lost)
			}
		})
	}
}

func TestCmdRestarter(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{})
	tests := []struct {
		name    string
		command string
		wantErr string
	}{
		{"server stays up", "true", ""},
		// The command's words never reach the error, in its name or its
		// output: they may hold a password.
		{"command fails", "echo $((40+2)) --password s3cr3t-pw; exit 3", "restart command echo [+5 words redacted]: exit status 3; output: 42 *** ***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &CmdRestarter{Command: tt.command, Addr: srv.Addr(), Timeout: 5 * time.Second,
				NewClient: func() redis.UniversalClient {
					return connect.NewClient(connect.ClientOptions{Addr: srv.Addr(), MaxRetries: -1})
				}}
			tm, err := r.Restart(ctx)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "s3cr3t") {
					t.Fatalf("error %v, want one mentioning %q and no secret", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tm.Ready <= 0 || tm.Ready < tm.PortOpen || tm.Start.IsZero() {
				t.Errorf("timing %+v", tm)
			}
		})
	}
}

func TestPersistenceOf(t *testing.T) {
	tests := []struct {
		s    results.RecoveryServer
		want string
	}{
		{results.RecoveryServer{AppendOnly: "yes", AppendFsync: "always"}, "aof-always"},
		{results.RecoveryServer{AppendOnly: "yes", AppendFsync: "everysec", Save: "3600 1"}, "aof-everysec"},
		{results.RecoveryServer{AppendOnly: "yes", AppendFsync: "no"}, "aof-no"},
		{results.RecoveryServer{AppendOnly: "no", Save: "3600 1 300 100"}, "rdb"},
		{results.RecoveryServer{AppendOnly: "no", Save: ""}, "none"},
		{results.RecoveryServer{AppendOnly: "no", AppendFsync: "unknown", Save: "unknown"}, "unknown"},
	}
	for _, tt := range tests {
		if have := PersistenceOf(tt.s); have != tt.want {
			t.Errorf("PersistenceOf(%+v) = %s, want %s", tt.s, have, tt.want)
		}
	}
}

func TestParseLoadTime(t *testing.T) {
	log := []byte(`1:M 25 Nov 2026 17:00:00.000 * DB loaded from base file appendonly.aof.1.base.rdb: 0.001 seconds
1:M 25 Nov 2026 17:00:00.100 * DB loaded from incr file appendonly.aof.1.incr.aof: 0.120 seconds
1:M 25 Nov 2026 17:00:00.100 * DB loaded from append only file: 0.121 seconds
`)
	d, ok := parseLoadTime(log)
	if !ok || d != 121*time.Millisecond {
		t.Errorf("parseLoadTime = %v, %v; want 121ms", d, ok)
	}
	if _, ok := parseLoadTime([]byte("Ready to accept connections\n")); ok {
		t.Error("a log without a load line gave a load time")
	}
}

// TestKillRustNodeLosesNothing runs the Rust LiveNode's writer through a
// kill under aof-always, unbuffered and buffered: its serde payloads and
// call sequences (update_order's read of the whole list, then its own
// transactions) are all kept, decode as the Rust node's, and the startup
// loads read them as that node would.
func TestKillRustNodeLosesNothing(t *testing.T) {
	for _, buffer := range []time.Duration{0, 20 * time.Millisecond} {
		t.Run(buffer.String(), func(t *testing.T) {
			codec, err := codecs.ByName(codecs.MsgPack)
			if err != nil {
				t.Fatal(err)
			}
			cfg := node.DefaultConfig()
			cfg.Flavour = node.Rust
			var lranges int64
			rec := testRun(t, localredis.AOFAlways, kill, func(o *Options) {
				o.Cycles, o.FastPopulate, o.Writers, o.BufferInterval, o.Node = 1, true, 1, buffer, cfg
				o.NewSource = func(prefix string, seed int64, w int) Source {
					return NewScenarioSource(keyspace.Layout{}, codec, scenario.Options{Seed: seed, Node: cfg})
				}
				o.Decode = PayloadDecoder(DefaultPrefix, codec, node.Rust)
				o.Codec = codec
				o.BeforeRestart = func(ctx context.Context, _ int) error {
					// Nothing but the writers has read a list yet: every
					// LRANGE is a Rust update_order's.
					txt, err := o.Client.Info(ctx, "commandstats").Result()
					if err != nil {
						return err
					}
					lranges, _ = redisinfo.CommandCalls(redisinfo.Parse(txt), "lrange")
					return nil
				}
			})
			if rec.Verdict != results.RecoveryPass {
				t.Fatalf("verdict %s: %v", rec.Verdict, rec.Reasons)
			}
			c := rec.Cycles[0]
			if c.Integrity["orders"].Verified == 0 || c.WritesDuring == 0 {
				t.Errorf("orders verified %d, writes during %d: %+v", c.Integrity["orders"].Verified, c.WritesDuring, c.Integrity)
			}
			if lranges == 0 {
				t.Error("no LRANGE before the restart: the writer did not send the Rust update_order's read")
			}
			for _, sl := range c.Startup {
				if sl.Undecodable != 0 || sl.Keys["orders"] == 0 {
					t.Errorf("startup load %s: keys %v, %d undecodable", sl.Style, sl.Keys, sl.Undecodable)
				}
			}
		})
	}
}
