package serverview

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/rbench/rbench/results"
)

// Bounds of a LATENCY HISTOGRAM reply: Redis keeps power-of-two buckets
// from 1 us to about 2^30 us (its histograms stop at 1000 s) for each of
// its few hundred commands; a reply beyond these is not from Redis.
const (
	maxLatencyCommands = 10_000
	maxLatencyBuckets  = 256
	maxBucketUs        = 1 << 40
)

// CommandHistogram is one command's LATENCY HISTOGRAM entry with the buckets made
// non-cumulative: Counts[le] is the calls with latency in (previous le, le]
// microseconds.
type CommandHistogram struct {
	Calls  int64
	Counts map[int64]int64
}

// ParseLatencyHistogram decodes the reply of LATENCY HISTOGRAM as go-redis
// returns it: a map (RESP3) or a flat array of pairs (RESP2) from command
// name to {"calls": n, "histogram_usec": {upper bound us: cumulative count}}.
// Redis sends only the buckets whose cumulative count grew, and the counts
// are cumulative; the result holds per-bucket counts.
func ParseLatencyHistogram(reply any) (map[string]CommandHistogram, error) {
	cmds, err := pairs(reply)
	if err != nil {
		return nil, formatErr("top level: %v", err)
	}
	if len(cmds) > maxLatencyCommands {
		return nil, formatErr("%d commands, more than the %d Redis has", len(cmds), maxLatencyCommands)
	}
	out := make(map[string]CommandHistogram, len(cmds))
	for _, c := range cmds {
		name, ok := str(c[0])
		if !ok {
			return nil, formatErr("command name %v (%T)", c[0], c[0])
		}
		fields, err := pairs(c[1])
		if err != nil {
			return nil, formatErr("command %s: %v", name, err)
		}
		h := CommandHistogram{Counts: map[int64]int64{}}
		for _, f := range fields {
			key, _ := str(f[0])
			switch key {
			case "calls":
				n, ok := num(f[1])
				if !ok {
					return nil, formatErr("command %s: calls %v (%T)", name, f[1], f[1])
				}
				if n < 0 {
					return nil, formatErr("command %s: calls %d", name, n)
				}
				h.Calls = n
			case "histogram_usec":
				buckets, err := pairs(f[1])
				if err != nil {
					return nil, formatErr("command %s histogram: %v", name, err)
				}
				if len(buckets) > maxLatencyBuckets {
					return nil, formatErr("command %s: %d buckets, more than the %d Redis keeps", name, len(buckets), maxLatencyBuckets)
				}
				type cum struct{ le, n int64 }
				cs := make([]cum, 0, len(buckets))
				for _, b := range buckets {
					le, ok1 := num(b[0])
					n, ok2 := num(b[1])
					if !ok1 || !ok2 {
						return nil, formatErr("command %s bucket %v: %v", name, b[0], b[1])
					}
					if le < 1 || le > maxBucketUs {
						return nil, formatErr("command %s: bucket bound %d us is outside 1 us to 2^40 us", name, le)
					}
					cs = append(cs, cum{le, n})
				}
				slices.SortFunc(cs, func(a, b cum) int { return cmp64(a.le, b.le) })
				var prev int64
				for _, c := range cs {
					if c.n < prev {
						return nil, formatErr("command %s: cumulative count falls at %d us", name, c.le)
					}
					h.Counts[c.le] += c.n - prev
					prev = c.n
				}
			}
		}
		out[strings.ToLower(name)] = h
	}
	return out, nil
}

// Difference subtracts the start histograms from the end ones, per command
// and bucket, and summarises each command that ran in between, sorted by
// name. reset reports a count that went backwards (statistics reset or the
// server restarted); those buckets count as zero.
func Difference(start, end map[string]CommandHistogram) (lat []results.ServerLatency, reset bool) {
	for name, e := range end {
		s := start[name]
		calls := e.Calls - s.Calls
		if calls < 0 {
			reset = true
			calls = 0
		}
		var buckets []results.LatencyBucket
		var total int64
		for le, n := range e.Counts {
			d := n - s.Counts[le]
			if d < 0 {
				reset = true
				continue
			}
			if d > 0 {
				buckets = append(buckets, results.LatencyBucket{LeUs: le, Count: d})
				total += d
			}
		}
		if calls == 0 && total == 0 {
			continue
		}
		slices.SortFunc(buckets, func(a, b results.LatencyBucket) int { return cmp64(a.LeUs, b.LeUs) })
		l := results.ServerLatency{Command: name, Calls: calls, Count: total, Buckets: buckets}
		if total > 0 {
			l.P50Us = quantile(buckets, total, 0.50)
			l.P99Us = quantile(buckets, total, 0.99)
			l.P999Us = quantile(buckets, total, 0.999)
			l.MaxUs = float64(buckets[len(buckets)-1].LeUs)
		}
		lat = append(lat, l)
	}
	slices.SortFunc(lat, func(a, b results.ServerLatency) int { return strings.Compare(a.Command, b.Command) })
	return lat, reset
}

// quantile returns the upper bound of the bucket holding the q-th call.
func quantile(buckets []results.LatencyBucket, total int64, q float64) float64 {
	rank := int64(math.Ceil(q * float64(total)))
	if rank < 1 {
		rank = 1
	}
	var seen int64
	for _, b := range buckets {
		seen += b.Count
		if seen >= rank {
			return float64(b.LeUs)
		}
	}
	return float64(buckets[len(buckets)-1].LeUs)
}

// pairs reads a RESP3 map or a RESP2 flat array of alternating keys and
// values as key/value pairs.
func pairs(v any) ([][2]any, error) {
	switch m := v.(type) {
	case map[any]any:
		out := make([][2]any, 0, len(m))
		for k, v := range m {
			out = append(out, [2]any{k, v})
		}
		return out, nil
	case map[string]any:
		out := make([][2]any, 0, len(m))
		for k, v := range m {
			out = append(out, [2]any{k, v})
		}
		return out, nil
	case []any:
		if len(m)%2 != 0 {
			return nil, formatErr("odd array length %d", len(m))
		}
		out := make([][2]any, 0, len(m)/2)
		for i := 0; i < len(m); i += 2 {
			out = append(out, [2]any{m[i], m[i+1]})
		}
		return out, nil
	case nil:
		return nil, nil
	}
	return nil, formatErr("%T is neither a map nor an array", v)
}

func str(v any) (string, bool) {
	switch s := v.(type) {
	case string:
		return s, true
	case []byte:
		return string(s), true
	}
	return "", false
}

func num(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		return i, err == nil
	}
	return 0, false
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
