package serverview

import (
	"context"
	"errors"
	"fmt"
	"github.com/rbench/rbench/node/keyspace"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/results"
)

// memory runs MeasureMemory for the sampler's targets at Stop.
func (s *Sampler) memory(ctx context.Context) {
	if len(s.opts.Memory) == 0 || s.isRefused("MEMORY") {
		return
	}
	usage, err := MeasureMemory(ctx, s.client, s.opts.Memory, s.opts)
	var ce *commandError
	if errors.As(err, &ce) {
		s.failed(ce.cmd, ce.err)
	} else if err != nil {
		s.failed("MEMORY", err)
	}
	s.mu.Lock()
	s.view.Memory = usage
	s.mu.Unlock()
}

// commandError names the command an error came from.
type commandError struct {
	cmd string
	err error
}

func (e *commandError) Error() string { return e.cmd + ": " + e.err.Error() }
func (e *commandError) Unwrap() error { return e.err }

// MeasureMemory samples MEMORY USAGE on up to opts.MemoryKeysPerCollection
// keys per collection under each target's prefix, found with SCAN MATCH
// (never KEYS), visiting at most opts.MemoryMaxScan keys per prefix. It
// returns one MemoryUsage per prefix and collection, sorted by encoding and
// collection. An error (a refused SCAN or MEMORY, a lost connection) stops
// the sampling; what was measured before it is returned with it.
func MeasureMemory(ctx context.Context, client redis.UniversalClient, targets []MemoryTarget, opts Options) ([]results.MemoryUsage, error) {
	opts = opts.withDefaults()
	var out []results.MemoryUsage
	for _, t := range targets {
		prefix := t.Prefix
		if !strings.HasSuffix(prefix, ":") {
			prefix += ":"
		}
		keys, err := sampleKeys(ctx, client, prefix, opts)
		if err != nil {
			return out, err
		}
		names := make([]string, 0, len(keys))
		for c := range keys {
			names = append(names, c)
		}
		slices.Sort(names)
		for _, c := range names {
			sizes := make([]int64, 0, len(keys[c]))
			for _, k := range keys[c] {
				args := []any{"MEMORY", "USAGE", k, "SAMPLES", opts.MemorySamples}
				cctx, cancel := context.WithTimeout(ctx, opts.Timeout)
				n, err := client.Do(cctx, args...).Int64()
				cancel()
				if err == redis.Nil {
					continue // deleted since SCAN saw it
				}
				if err != nil {
					err = &commandError{"MEMORY", fmt.Errorf("MEMORY USAGE %s: %w", k, err)}
					if len(sizes) > 0 {
						out = append(out, summarize(prefix, t.Encoding, c, sizes))
					}
					return out, err
				}
				sizes = append(sizes, n)
			}
			if len(sizes) > 0 {
				out = append(out, summarize(prefix, t.Encoding, c, sizes))
			}
		}
	}
	return out, nil
}

// sampleKeys scans prefix* and groups up to opts.MemoryKeysPerCollection
// keys by the segment after the prefix.
func sampleKeys(ctx context.Context, client redis.UniversalClient, prefix string, opts Options) (map[string][]string, error) {
	keys := map[string][]string{}
	visited := 0
	err := keyspace.Scan(ctx, client, prefix, keyspace.ScanOptions{Count: 1000, Timeout: opts.Timeout}, func(page []string) error {
		for _, k := range page {
			c := Collection(prefix, k)
			if c == "" || len(keys[c]) >= opts.MemoryKeysPerCollection {
				continue
			}
			keys[c] = append(keys[c], k)
		}
		if visited += len(page); visited >= opts.MemoryMaxScan {
			return keyspace.ErrStopScan
		}
		return nil
	})
	if err != nil {
		return keys, &commandError{"SCAN", err}
	}
	return keys, nil
}

// Collection returns the key segment after prefix: "orders" for
// "trader-X:orders:O-1" under "trader-X:", "" when key is not under prefix
// or has nothing after it.
func Collection(prefix, key string) string {
	rest, ok := strings.CutPrefix(key, prefix)
	if !ok {
		return ""
	}
	c, _, _ := strings.Cut(rest, ":")
	return c
}

func summarize(prefix, encoding, collection string, sizes []int64) results.MemoryUsage {
	slices.Sort(sizes)
	var total int64
	for _, n := range sizes {
		total += n
	}
	return results.MemoryUsage{
		Prefix:     prefix,
		Encoding:   encoding,
		Collection: collection,
		Sampled:    len(sizes),
		MeanBytes:  float64(total) / float64(len(sizes)),
		P50Bytes:   sizes[(len(sizes)-1)/2],
		MaxBytes:   sizes[len(sizes)-1],
		TotalBytes: total,
	}
}
