package keyspace

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrStopScan, returned by a Scan callback, ends the scan early; Scan then
// returns nil.
var ErrStopScan = errors.New("stop the scan")

// ScanOptions configure Scan. The zero value scans with the node's COUNT
// and yields keys as SCAN returns them.
type ScanOptions struct {
	// Count is SCAN's COUNT hint.
	// default: ScanCount (5000, the node's)
	Count int64
	// Dedupe yields every key once. SCAN may return a key twice when the
	// keyspace is resized during the scan; callers that count or compare
	// need this, at the cost of remembering every key seen. The node does
	// not dedupe, so its startup replay leaves this off.
	// default: false
	Dedupe bool
	// Timeout bounds each SCAN round trip (on top of ctx).
	// default: none
	Timeout time.Duration
	// Observe, when set, is called after every SCAN round trip with the
	// command (its reply or error) and when it was sent, before its keys
	// are yielded: the startup replay times each one.
	// default: nil
	Observe func(cmd *redis.ScanCmd, sent time.Time)
}

// Scan calls page with every batch of keys starting with the literal prefix
// (SCAN MATCH MatchPrefix(prefix) COUNT opts.Count until the cursor is 0),
// on every primary of a cluster client. The pattern is exact, and each key
// is checked against prefix again before it is yielded: a key outside the
// prefix never reaches page. page runs on one goroutine at a time; it may
// keep the slice; empty pages are skipped. Returning ErrStopScan from page
// ends the scan without error; any other error ends it with that error.
//
// An empty prefix scans every key; only readers may pass one (CleanPrefix
// refuses it).
func Scan(ctx context.Context, c redis.UniversalClient, prefix string, opts ScanOptions, page func(keys []string) error) error {
	if opts.Count <= 0 {
		opts.Count = ScanCount
	}
	s := &scanner{prefix: prefix, pattern: MatchPrefix(prefix), opts: opts, page: page}
	if opts.Dedupe {
		s.seen = make(map[string]struct{})
	}
	var err error
	if cc, ok := c.(*redis.ClusterClient); ok {
		// ForEachMaster runs its function on every primary at once; s.mu
		// keeps page on one goroutine at a time.
		ctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		err = cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			if err := s.node(ctx, m); err != nil {
				cancel(err)
				return err
			}
			return nil
		})
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			err = cause
		}
	} else {
		err = s.node(ctx, c)
	}
	if errors.Is(err, ErrStopScan) {
		return nil
	}
	return err
}

// Keys returns every key starting with prefix (Scan with opts), in SCAN's
// order.
func Keys(ctx context.Context, c redis.UniversalClient, prefix string, opts ScanOptions) ([]string, error) {
	var keys []string
	err := Scan(ctx, c, prefix, opts, func(page []string) error {
		keys = append(keys, page...)
		return nil
	})
	return keys, err
}

// FirstKey returns one key starting with prefix, or "" when there is none.
func FirstKey(ctx context.Context, c redis.UniversalClient, prefix string) (string, error) {
	var key string
	err := Scan(ctx, c, prefix, ScanOptions{Count: 1000}, func(page []string) error {
		if len(page) == 0 {
			return nil
		}
		key = page[0]
		return ErrStopScan
	})
	return key, err
}

type scanner struct {
	prefix, pattern string
	opts            ScanOptions
	page            func([]string) error

	mu   sync.Mutex
	seen map[string]struct{}
}

// node scans one server.
func (s *scanner) node(ctx context.Context, c redis.UniversalClient) error {
	var cursor uint64
	for {
		cctx, cancel := ctx, context.CancelFunc(func() {})
		if s.opts.Timeout > 0 {
			cctx, cancel = context.WithTimeout(ctx, s.opts.Timeout)
		}
		// Spelled as the node's client spells it (SCAN c MATCH p COUNT n);
		// go-redis's Scan writes the keywords in lower case.
		cmd := redis.NewScanCmd(cctx, c.Process, "SCAN", cursor, "MATCH", s.pattern, "COUNT", s.opts.Count)
		sent := time.Now()
		_ = c.Process(cctx, cmd)
		keys, next, err := cmd.Result()
		cancel()
		if err := s.yield(cmd, sent, keys); err != nil {
			return err
		}
		if err != nil {
			return fmt.Errorf("SCAN %d MATCH %s COUNT %d: %w", cursor, s.pattern, s.opts.Count, err)
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

func (s *scanner) yield(cmd *redis.ScanCmd, sent time.Time, keys []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.Observe != nil {
		s.opts.Observe(cmd, sent)
	}
	if cmd.Err() != nil {
		return nil
	}
	// The pattern is exact, but a key wrongly taken for ours could be
	// deleted: check the prefix again.
	own := keys[:0]
	for _, k := range keys {
		if !strings.HasPrefix(k, s.prefix) {
			continue
		}
		if s.seen != nil {
			if _, dup := s.seen[k]; dup {
				continue
			}
			s.seen[k] = struct{}{}
		}
		own = append(own, k)
	}
	if len(own) == 0 {
		return nil
	}
	return s.page(own)
}
