package serverview

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/results"
)

// A Redis Cluster is sampled primary by primary: one Sampler per primary
// (each on a connection of its own to that node), merged at Stop into one
// view of the whole cluster, whose Nodes lists the primaries. Counters,
// memory, keys and clients add up over the primaries at each sample;
// latency histograms add bucket by bucket (never averaged); slow logs are
// joined. Replicas are left out: the workload writes to and reads from
// primaries only.

// startCluster starts one child sampler per primary of cc.
func startCluster(ctx context.Context, cc *redis.ClusterClient, opts Options) *Sampler {
	s := &Sampler{
		opts: opts, client: cc, done: make(chan struct{}),
		refused: map[string]bool{}, warned: map[string]bool{}, slowStartID: -1,
	}
	close(s.done) // no loop of its own: the children sample
	s.view.IntervalSec = opts.Interval.Seconds()
	s.ctx, s.cancel = context.WithCancel(ctx)
	var mu sync.Mutex
	var primaries []*redis.Client
	err := cc.ForEachMaster(ctx, func(_ context.Context, c *redis.Client) error {
		mu.Lock()
		primaries = append(primaries, c)
		mu.Unlock()
		return nil
	})
	if err != nil {
		s.warn("listing the cluster's primaries: " + err.Error())
	}
	slices.SortFunc(primaries, func(a, b *redis.Client) int { return strings.Compare(a.Options().Addr, b.Options().Addr) })
	s.children = []*Sampler{} // non-nil: a cluster's sampler, even with no primary found
	child := opts
	child.Memory = nil // MEMORY USAGE goes through the cluster client, which finds each key's node
	for _, c := range primaries {
		s.children = append(s.children, Start(ctx, c, child))
		s.view.Nodes = append(s.view.Nodes, c.Options().Addr)
	}
	return s
}

// stopCluster stops the children and merges their views into s.view.
func (s *Sampler) stopCluster() {
	views := make([]results.ServerView, len(s.children))
	var wg sync.WaitGroup
	for i, c := range s.children {
		wg.Go(func() { views[i] = c.Stop() })
	}
	wg.Wait()
	merged := mergeViews(s.view.Nodes, views)
	s.mu.Lock()
	defer s.mu.Unlock()
	merged.IntervalSec = s.view.IntervalSec
	merged.Unavailable = append(s.view.Unavailable, merged.Unavailable...)
	merged.Warnings = append(s.view.Warnings, merged.Warnings...)
	s.view = merged
}

// mergeViews is the view of a whole cluster from its primaries' views
// (nodes[i] is views[i]'s address).
func mergeViews(nodes []string, views []results.ServerView) results.ServerView {
	out := results.ServerView{Nodes: nodes}
	if len(views) == 0 {
		return out
	}
	out.Passes = views[0].Passes
	// The samplers tick together; a primary that missed a sample (a slow
	// INFO) shortens the series rather than mixing seconds.
	n := len(views[0].Series)
	for _, v := range views[1:] {
		n = min(n, len(v.Series))
	}
	for i := range n {
		sum := views[0].Series[i]
		sum.Keys = nil
		for j, v := range views {
			x := v.Series[i]
			if j > 0 {
				sum.UsedMemory += x.UsedMemory
				sum.UsedMemoryRSS += x.UsedMemoryRSS
				sum.ClientMemory += x.ClientMemory
				sum.AOFBuffer += x.AOFBuffer
				sum.OpsPerSec += x.OpsPerSec
				sum.CommandsPerSec += x.CommandsPerSec
				sum.TotalCommands += x.TotalCommands
				sum.ConnectedClients += x.ConnectedClients
				sum.AOFSize += x.AOFSize
				sum.AOFBaseSize += x.AOFBaseSize
				sum.AOFRewriteInProgress = sum.AOFRewriteInProgress || x.AOFRewriteInProgress
				if x.AOFLastRewriteStatus != "" && x.AOFLastRewriteStatus != "ok" {
					sum.AOFLastRewriteStatus = x.AOFLastRewriteStatus
				}
				sum.EvictedKeys += x.EvictedKeys
				sum.RejectedConnections += x.RejectedConnections
				sum.CowBytes += x.CowBytes
				sum.AOFLastCowBytes += x.AOFLastCowBytes
				sum.LatestForkUs = max(sum.LatestForkUs, x.LatestForkUs)
			}
			for db, k := range x.Keys {
				if sum.Keys == nil {
					sum.Keys = map[string]int64{}
				}
				sum.Keys[db] += k
			}
		}
		sum.Fragmentation = 0
		if sum.UsedMemory > 0 {
			sum.Fragmentation = float64(sum.UsedMemoryRSS) / float64(sum.UsedMemory)
		}
		out.Series = append(out.Series, sum)
	}
	hists := map[string]CommandHistogram{}
	for _, v := range views {
		for _, l := range v.Latency {
			h := hists[l.Command]
			if h.Counts == nil {
				h.Counts = map[int64]int64{}
			}
			h.Calls += l.Calls
			for _, b := range l.Buckets {
				h.Counts[b.LeUs] += b.Count
			}
			hists[l.Command] = h
		}
	}
	out.Latency, _ = Difference(nil, hists)
	for i, v := range views {
		out.Slowlog = append(out.Slowlog, v.Slowlog...)
		out.SlowlogMissed += v.SlowlogMissed
		out.Memory = append(out.Memory, v.Memory...)
		for _, u := range v.Unavailable {
			out.Unavailable = appendOnce(out.Unavailable, fmt.Sprintf("%s (on %s)", u, nodes[i]))
		}
		for _, w := range v.Warnings {
			out.Warnings = appendOnce(out.Warnings, fmt.Sprintf("%s (on %s)", w, nodes[i]))
		}
	}
	slices.SortStableFunc(out.Slowlog, func(a, b results.SlowlogEntry) int { return int(a.Time - b.Time) })
	return out
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
