package recovery

import (
	"context"
	"strings"
	"sync"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/startup"
	"github.com/rbench/rbench/results"
)

// Startup load styles (node/startup): the Python node reads one command
// at a time; the concurrent style keeps several reads in flight.
const (
	StyleSequential = string(startup.Sequential)
	StyleConcurrent = string(startup.Concurrent)
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
	// BulkReadBatchSize chunks the MGETs, as the node's
	// bulk_read_batch_size.
	// default: 0 (one MGET per collection)
	BulkReadBatchSize int
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
// cache, with node/startup's replay (startup.Load), and returns the totals
// and the latency histogram of every command (microseconds). Payloads that
// do not decode are counted in the result, not errors (the verification
// judges them); Synthetic sources' keys are read but not decoded.
func StartupLoad(ctx context.Context, rdb redis.UniversalClient, opts StartupOptions) (results.StartupLoad, *hdrhistogram.Histogram, error) {
	if opts.Prefix == "" {
		return results.StartupLoad{}, nil, ErrNoPrefix
	}
	if opts.Encoding == "" {
		opts.Encoding = "raw"
		if opts.Codec != nil {
			opts.Encoding = opts.Codec.Name()
		}
	}
	var mu sync.Mutex
	hist := results.NewHistogram()
	res, err := startup.Load(ctx, rdb, startup.Options{
		TraderKey:         strings.TrimSuffix(opts.Prefix, ":"),
		Style:             startup.Style(opts.Style),
		Concurrency:       opts.Concurrency,
		BulkReadBatchSize: opts.BulkReadBatchSize,
		Codec:             opts.Codec,
		Opaque:            func(key string) bool { return IsSynthetic(opts.Prefix, key) },
		Observe: func(ev startup.Event) {
			mu.Lock()
			_ = hist.RecordValue(max(1, ev.Took.Microseconds()))
			mu.Unlock()
		},
	})
	return results.StartupLoad{
		Encoding: opts.Encoding, Style: string(res.Style), TotalSec: res.Total.Seconds(),
		Keys: res.Keys, Commands: res.Commands, Bytes: res.Bytes, Undecodable: res.Undecodable,
	}, hist, err
}
