package recovery

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
)

// TestEverysecKillLosesOnlyPostponedWrites is the evidence for the everysec
// promise recover checks: a SIGKILL under appendfsync everysec loses
// acknowledged writes only when Redis had postponed them (a background
// fsync pending, the AOF buffer not written), which aof_delayed_fsync does
// not count unless the postponement reached 2 s. It kills a server under a
// pipelined write load RBENCH_EVERYSEC_RUNS times (it takes about 1.5 s a
// run, so it is not part of make test):
//
//	RBENCH_EVERYSEC_RUNS=30 go test ./recovery -run TestEverysecKillLosesOnlyPostponedWrites -v
func TestEverysecKillLosesOnlyPostponedWrites(t *testing.T) {
	runs, _ := strconv.Atoi(os.Getenv("RBENCH_EVERYSEC_RUNS"))
	if runs <= 0 {
		t.Skip("set RBENCH_EVERYSEC_RUNS to run this experiment (docs/recovery-guide.md)")
	}
	ctx := context.Background()
	payload := make([]byte, 2000)
	var lossy, excused int
	for run := 0; run < runs; run++ {
		srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.AOFEverysec})
		rdb := connect.NewClient(connect.ClientOptions{Addr: srv.Addr(), MaxRetries: -1, PoolSize: 1})
		info := connect.NewClient(connect.ClientOptions{Addr: srv.Addr(), MaxRetries: -1})
		first, err := readSample(ctx, info)
		if err != nil {
			t.Fatal(err)
		}
		acked := 0
		for deadline := time.Now().Add(1200 * time.Millisecond); time.Now().Before(deadline); acked += 50 {
			if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				for j := 0; j < 50; j++ {
					p.Set(ctx, fmt.Sprintf("k%d", acked+j), payload, 0)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		last, err := readSample(ctx, info)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Kill(); err != nil {
			t.Fatal(err)
		}
		if err := srv.Restart(ctx); err != nil {
			t.Fatal(err)
		}
		n, err := rdb.DBSize(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		seen := last.delayedFsync > first.delayedFsync || (last.pendingFsync > 0 && last.aofBuffer > 0)
		t.Logf("run %2d: %6d acknowledged, %6d lost; at the kill aof_pending_bio_fsync %d, aof_buffer_length %d, aof_delayed_fsync %d -> %d",
			run, acked, int64(acked)-n, last.pendingFsync, last.aofBuffer, first.delayedFsync, last.delayedFsync)
		if int64(acked) > n {
			lossy++
			if !seen {
				t.Errorf("run %d: %d acknowledged writes lost with no postponement in INFO", run, int64(acked)-n)
			}
		}
		if seen {
			excused++
		}
		_ = rdb.Close()
		_ = info.Close()
		_ = srv.Stop()
	}
	t.Logf("%d of %d kills lost acknowledged writes; %d showed a postponement", lossy, runs, excused)
}
