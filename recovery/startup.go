package recovery

import (
	"context"
	"strings"
	"sync"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/startup"
	"github.com/rbench/rbench/results"
)

// Startup load styles (node/startup): the Python node reads one command
// at a time; the Rust LiveNode reads every collection at once, pipelined
// on one connection.
const (
	StyleSequential = string(startup.Sequential)
	StyleRust       = string(startup.Rust)
)

// StartupOptions configure StartupLoad.
type StartupOptions struct {
	// Prefix is the trader key with its trailing ':', e.g.
	// "trader-RBENCH-001:".
	// default: none, required
	Prefix string
	// Style is StyleSequential or StyleRust.
	// default: StyleSequential
	Style string
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
	// Flavour is the node that wrote the payloads, which decides how
	// Codec decodes them (startup.Options.Flavour).
	// default: node.Python
	Flavour node.Flavour
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
		BulkReadBatchSize: opts.BulkReadBatchSize,
		Codec:             opts.Codec,
		Flavour:           opts.Flavour,
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
