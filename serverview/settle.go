package serverview

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/internal/info"
	"github.com/rbench/rbench/results"
)

// ErrNotSettled is returned when the server keeps an AOF rewrite running or
// its AOF buffer non-empty past the caller's deadline.
var ErrNotSettled = errors.New("the server did not settle")

// pollEvery is how often Settle and RewriteAOF look again; Redis checks its
// fork child ten times a second (hz 10), so finer polling gains nothing.
const pollEvery = 10 * time.Millisecond

// Settle returns an INFO sample taken once the server's AOF buffer is empty
// and no AOF rewrite runs, so AOFSize and AOFBaseSize count every write
// already acknowledged (appendfsync everysec holds writes back while a
// background fsync runs). The data's memory is UsedMemory - ClientMemory:
// a pipelining writer leaves megabytes in its query buffer. ctx bounds the
// wait; T of the sample is 0.
func Settle(ctx context.Context, client redis.UniversalClient) (results.ServerSecond, error) {
	for {
		txt, err := client.Info(ctx).Result()
		if err != nil {
			return results.ServerSecond{}, fmt.Errorf("INFO: %w", err)
		}
		sec := ParseInfo(txt)
		if sec.AOFBuffer == 0 && !sec.AOFRewriteInProgress && info.Parse(txt)["aof_rewrite_scheduled"] != "1" {
			return sec, nil
		}
		select {
		case <-ctx.Done():
			return sec, fmt.Errorf("%w: AOF buffer %d bytes, rewrite running %v: %w", ErrNotSettled, sec.AOFBuffer, sec.AOFRewriteInProgress, ctx.Err())
		case <-time.After(pollEvery):
		}
	}
}

// RewriteAOF runs BGREWRITEAOF (joining one already running) and waits for
// it to finish; it fails when the rewrite does (aof_last_bgrewrite_status
// err) or ctx ends first. Only for servers whose AOF the caller may rewrite:
// a rewrite forks, which stalls a busy server.
func RewriteAOF(ctx context.Context, client redis.UniversalClient) error {
	if err := client.BgRewriteAOF(ctx).Err(); err != nil && !strings.Contains(err.Error(), "already in progress") {
		return fmt.Errorf("BGREWRITEAOF: %w", err)
	}
	if _, err := Settle(ctx, client); err != nil {
		return fmt.Errorf("waiting for the AOF rewrite: %w", err)
	}
	txt, err := client.Info(ctx, "persistence").Result()
	if err != nil {
		return fmt.Errorf("INFO persistence: %w", err)
	}
	if st := info.Parse(txt)["aof_last_bgrewrite_status"]; st != "ok" {
		return fmt.Errorf("the AOF rewrite failed (aof_last_bgrewrite_status %q): see the server's log", st)
	}
	return nil
}
