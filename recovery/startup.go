package recovery

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/results"
)

// Startup load styles: the Python node reads lists one after another, the
// Rust node concurrently.
const (
	StyleSequential = "sequential"
	StyleConcurrent = "concurrent"
)

// StartupOptions configure StartupLoad.
type StartupOptions struct {
	// Prefix is the trader key with its trailing ':', e.g.
	// "trader-RBENCH-001:".
	// default: none, required
	Prefix string
	// Style is StyleSequential or StyleConcurrent.
	// default: StyleSequential
	Style string
	// Concurrency is how many reads are in flight in the concurrent style.
	// default: 32
	Concurrency int
	// Codec, when set, decodes every payload read, as the node does, and
	// finds each position's instrument in its first fill. Keys of Synthetic
	// sources are read but not decoded.
	// default: nil (no decoding; positions GET the instruments round-robin)
	Codec codecs.Codec
	// Encoding labels the result.
	// default: Codec's name, or "raw"
	Encoding string
}

// StartupLoad replays what a trading node reads when it starts from the
// cache (trading cache model, "Startup load"): SCAN MATCH ... COUNT 5000 per
// collection; one MGET of general, currencies and instruments; one LRANGE
// per account, order and position; HGETALL of index:order_position and
// index:order_client; and one GET of its instrument per position. It returns
// the totals and the latency histogram of every command (microseconds).
//
// Payloads that do not decode are not an error here (the verification
// reports them); a position whose instrument is unknown reads the
// instruments found round-robin: the same round trips and bytes.
func StartupLoad(ctx context.Context, rdb redis.UniversalClient, opts StartupOptions) (results.StartupLoad, *hdrhistogram.Histogram, error) {
	if opts.Prefix == "" {
		return results.StartupLoad{}, nil, ErrNoPrefix
	}
	if opts.Style == "" {
		opts.Style = StyleSequential
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 32
	}
	if opts.Encoding == "" {
		opts.Encoding = "raw"
		if opts.Codec != nil {
			opts.Encoding = opts.Codec.Name()
		}
	}
	s := &startup{rdb: rdb, opts: opts, hist: results.NewHistogram(), res: results.StartupLoad{
		Encoding: opts.Encoding, Style: opts.Style, Keys: make(map[string]int64)}}
	start := time.Now()
	err := s.run(ctx, opts)
	s.res.TotalSec = time.Since(start).Seconds()
	return s.res, s.hist, err
}

type startup struct {
	rdb  redis.UniversalClient
	opts StartupOptions
	mu   sync.Mutex
	hist *hdrhistogram.Histogram
	res  results.StartupLoad
}

func (s *startup) record(d time.Duration, bytes int64) {
	s.mu.Lock()
	_ = s.hist.RecordValue(max(1, d.Microseconds()))
	s.res.Commands++
	s.res.Bytes += bytes
	s.mu.Unlock()
}

func (s *startup) scan(ctx context.Context, prefix, collection string) ([]string, error) {
	var keys []string
	var cursor uint64
	match := prefix + collection + "*" // as the node: {trader_key}:{collection}*
	for {
		t := time.Now()
		page, next, err := s.rdb.Scan(ctx, cursor, match, keyspace.ScanCount).Result()
		var n int64
		for _, k := range page {
			n += int64(len(k))
		}
		s.record(time.Since(t), n)
		if err != nil {
			return nil, fmt.Errorf("SCAN MATCH %s: %w", match, err)
		}
		keys = append(keys, page...)
		if next == 0 {
			break
		}
		cursor = next
	}
	s.res.Keys[collection] = int64(len(keys))
	return keys, nil
}

// mget reads keys in one MGET, decoding the values when decode is set
// (general values are the node's opaque bytes).
func (s *startup) mget(ctx context.Context, keys []string, decode bool) error {
	if len(keys) == 0 {
		return nil
	}
	t := time.Now()
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	var n int64
	for i, v := range vals {
		if str, ok := v.(string); ok {
			n += int64(len(str))
			if decode {
				s.decode(keys[i], str)
			}
		}
	}
	s.record(time.Since(t), n)
	if err != nil {
		return fmt.Errorf("MGET %d keys: %w", len(keys), err)
	}
	return nil
}

// reads runs one read per key, one after another or Concurrency at a time.
func (s *startup) reads(ctx context.Context, opts StartupOptions, keys []string, read func(ctx context.Context, i int, key string) error) error {
	if opts.Style == StyleSequential {
		for i, k := range keys {
			if err := read(ctx, i, k); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		next = make(chan int)
	)
	for range min(opts.Concurrency, len(keys)) {
		wg.Go(func() {
			for i := range next {
				if err := read(ctx, i, keys[i]); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for i := range keys {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// lrange reads a list and decodes its elements; it returns the first one
// decoded (nil when not decoded).
func (s *startup) lrange(ctx context.Context, key string) (any, error) {
	t := time.Now()
	vals, err := s.rdb.LRange(ctx, key, 0, -1).Result()
	var n int64
	for _, v := range vals {
		n += int64(len(v))
	}
	s.record(time.Since(t), n)
	if err != nil {
		return nil, fmt.Errorf("LRANGE %s: %w", key, err)
	}
	var first any
	if s.opts.Codec != nil && !IsSynthetic(s.opts.Prefix, key) {
		for i, v := range vals {
			p, err := payloads.Decode(s.opts.Codec, []byte(v))
			if i == 0 && err == nil {
				first = p
			}
		}
	}
	return first, nil
}

func (s *startup) decode(key, v string) {
	if s.opts.Codec != nil && !IsSynthetic(s.opts.Prefix, key) {
		_, _ = payloads.Decode(s.opts.Codec, []byte(v))
	}
}

func (s *startup) run(ctx context.Context, opts StartupOptions) error {
	p := opts.Prefix
	var instruments []string
	for _, coll := range []string{keyspace.General, keyspace.Currencies, keyspace.Instruments} {
		keys, err := s.scan(ctx, p, coll)
		if err != nil {
			return err
		}
		if err := s.mget(ctx, keys, coll != keyspace.General); err != nil {
			return err
		}
		if coll == keyspace.Instruments {
			instruments = keys
		}
	}
	accounts, err := s.scan(ctx, p, "accounts")
	if err != nil {
		return err
	}
	lr := func(ctx context.Context, _ int, key string) error { _, err := s.lrange(ctx, key); return err }
	if err := s.reads(ctx, opts, accounts, lr); err != nil {
		return err
	}
	orders, err := s.scan(ctx, p, "orders")
	if err != nil {
		return err
	}
	for _, idx := range []string{"index:order_position", "index:order_client"} {
		t := time.Now()
		m, err := s.rdb.HGetAll(ctx, p+idx).Result()
		var n int64
		for k, v := range m {
			n += int64(len(k) + len(v))
		}
		s.record(time.Since(t), n)
		if err != nil {
			return fmt.Errorf("HGETALL %s: %w", p+idx, err)
		}
	}
	if err := s.reads(ctx, opts, orders, lr); err != nil {
		return err
	}
	positions, err := s.scan(ctx, p, "positions")
	if err != nil {
		return err
	}
	return s.reads(ctx, opts, positions, func(ctx context.Context, i int, key string) error {
		first, err := s.lrange(ctx, key)
		if err != nil {
			return err
		}
		var ikey string
		if fill, ok := first.(*payloads.OrderFilled); ok {
			ikey = p + keyspace.Instruments + keyspace.Delimiter + fill.InstrumentID
		} else if len(instruments) > 0 {
			ikey = instruments[i%len(instruments)]
		} else {
			return nil
		}
		t := time.Now()
		v, err := s.rdb.Get(ctx, ikey).Result()
		s.record(time.Since(t), int64(len(v)))
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("GET %s: %w", ikey, err)
		}
		s.decode(ikey, v)
		return nil
	})
}
