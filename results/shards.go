package results

import (
	"fmt"
	"sort"
	"strings"
)

// checkShards makes sure runs that are parts of one split spec (rbench run
// --shard I/N) are merged only all together: every part exactly once, of
// one whole spec, and not mixed with other runs. Runs without shards pass.
func checkShards(runs []*Run, labels []string) error {
	var first *Shard
	seen := map[int][]string{}
	var plain []string
	for i, r := range runs {
		s := r.Meta.Workload.Shard
		if s == nil {
			plain = append(plain, labels[i])
			continue
		}
		if first == nil {
			first = s
		}
		w := *s
		w.Index = first.Index
		if w != *first {
			return fmt.Errorf("%w: %s is a part of another split spec than %s (%s vs %s): merge the parts of one spec together", ErrMerge, labels[i], labels[0], describeShard(s), describeShard(first))
		}
		seen[s.Index] = append(seen[s.Index], labels[i])
	}
	if first == nil {
		return nil
	}
	if len(plain) > 0 {
		return fmt.Errorf("%w: %s are parts of a spec split over %d generators (--shard) and %s is not: merge the parts together first", ErrMerge, strings.Join(seen[first.Index], ", "), first.Count, strings.Join(plain, ", "))
	}
	if all, ok := seen[0]; ok {
		// A merge of all the parts already: nothing more of them may come.
		if len(runs) > 1 {
			return fmt.Errorf("%w: %s already holds all %d parts of its spec; merging more of them would count them twice", ErrMerge, all[0], first.Count)
		}
		return nil
	}
	var missing, twice []string
	for i := 1; i <= first.Count; i++ {
		switch n := len(seen[i]); {
		case n == 0:
			missing = append(missing, fmt.Sprint(i))
		case n > 1:
			twice = append(twice, fmt.Sprintf("%d (%s)", i, strings.Join(seen[i], ", ")))
		}
	}
	var probs []string
	if len(twice) > 0 {
		probs = append(probs, "given twice: part "+strings.Join(twice, ", part "))
	}
	if len(missing) > 0 {
		probs = append(probs, fmt.Sprintf("missing: part %s of %d", strings.Join(missing, ", "), first.Count))
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: the runs are parts of one spec split over %d generators (--shard), and every part must be merged exactly once: %s", ErrMerge, first.Count, strings.Join(probs, "; "))
	}
	return nil
}

func describeShard(s *Shard) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d generators", s.Count)
	if s.Nodes > 0 {
		fmt.Fprintf(&b, ", %d nodes", s.Nodes)
	}
	if s.Connections > 0 {
		fmt.Fprintf(&b, ", %d connections", s.Connections)
	}
	if s.Ops > 0 {
		fmt.Fprintf(&b, ", %d ops", s.Ops)
	}
	if s.Rate > 0 {
		fmt.Fprintf(&b, ", rate %g", s.Rate)
	}
	if s.RateSchedule != "" {
		fmt.Fprintf(&b, ", schedule %s", s.RateSchedule)
	}
	return b.String()
}

// applyShards makes the merge of all of a spec's parts describe the whole
// spec: its connections, ops and rate (raw), its fleet (trading), and
// Shard with Index 0 (their writer figures merge as any concurrent runs',
// mergeRunWriters).
func applyShards(out *Run, runs []*Run) error {
	s := runs[0].Meta.Workload.Shard
	if s == nil || s.Index == 0 || len(runs) < 2 {
		return nil
	}
	whole := *s
	whole.Index = 0
	w := &out.Meta.Workload
	w.Shard = &whole
	if whole.Connections > 0 {
		w.Connections = whole.Connections
	}
	w.Ops = whole.Ops
	if whole.Rate > 0 || whole.RateSchedule != "" {
		w.Rate = whole.Rate
		if whole.RateSchedule != "" {
			w.Pacer = whole.RateSchedule
		} else {
			w.Pacer = fmt.Sprintf("constant %g/s", whole.Rate)
		}
	}
	ids := map[string]bool{}
	for _, r := range runs {
		for _, id := range r.Meta.Workload.TraderIDs {
			ids[id] = true
		}
		if id, ok := r.Meta.Workload.Params["trader_id"].(string); ok && len(r.Meta.Workload.TraderIDs) == 0 {
			ids[id] = true
		}
	}
	w.TraderIDs = w.TraderIDs[:0:0]
	for id := range ids {
		w.TraderIDs = append(w.TraderIDs, id)
	}
	sort.Strings(w.TraderIDs)
	if whole.Nodes > 1 {
		w.Nodes = whole.Nodes
	}
	return nil
}

// traderID is the run's (first) trader id.
func (w Workload) traderID() string {
	if len(w.TraderIDs) > 0 {
		return w.TraderIDs[0]
	}
	id, _ := w.Params["trader_id"].(string)
	return id
}

// isShards reports whether runs are parts of a split spec.
func isShards(runs []*Run) bool {
	return len(runs) > 0 && runs[0].Meta.Workload.Shard != nil
}

// shardNormalized returns runs, parts of a split spec given as the whole
// spec they describe (copies; other runs as they are), for comparing specs.
func shardNormalized(runs []*Run) []*Run {
	out := make([]*Run, len(runs))
	for i, r := range runs {
		out[i] = r
		s := r.Meta.Workload.Shard
		if s == nil {
			continue
		}
		c := *r
		w := &c.Meta.Workload
		if s.Connections > 0 {
			w.Connections = s.Connections
		}
		if s.Ops > 0 || s.Connections > 0 {
			w.Ops = s.Ops
		}
		if s.Rate > 0 || s.RateSchedule != "" {
			w.Rate, w.Pacer = s.Rate, s.RateSchedule
		}
		w.Nodes, w.TraderIDs = s.Nodes, nil
		out[i] = &c
	}
	return out
}
