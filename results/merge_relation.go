package results

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
)

// How runs relate (concurrent generators or repeats), what makes them
// comparable, and the figures a merge of repeats keeps of each run.

// relation tells from the runs' measured windows whether they ran at the
// same time or one after another.
func relation(runs []*Run, labels []string) (how, note string, err error) {
	if len(runs) == 1 {
		return MergeConcurrent, "", nil
	}
	type window struct{ start, end time.Time }
	ws := make([]window, len(runs))
	for i, r := range runs {
		w := window{r.Meta.MeasuredStart, r.Meta.MeasuredEnd}
		if w.start.IsZero() || !w.end.After(w.start) {
			w = window{r.Meta.Start, r.Meta.End}
		}
		if w.start.IsZero() || !w.end.After(w.start) {
			return MergeConcurrent, "the runs carry no measured times, so they were merged as concurrent generators (rates add); say --as repeats if they ran one after another", nil
		}
		ws[i] = w
	}
	var concurrent, sequential [][2]int
	for i := range ws {
		for j := i + 1; j < len(ws); j++ {
			a, b := ws[i], ws[j]
			overlap := minTime(a.end, b.end).Sub(maxTime(a.start, b.start))
			shorter := min(a.end.Sub(a.start), b.end.Sub(b.start))
			switch {
			case overlap >= shorter/2:
				concurrent = append(concurrent, [2]int{i, j})
			case overlap <= shorter/100:
				sequential = append(sequential, [2]int{i, j})
			default:
				return "", "", fmt.Errorf("%w: %s and %s overlap for %.0f%% of the shorter one's measured time: neither at the same time nor one after the other (say --as concurrent or --as repeats)",
					ErrMerge, labels[i], labels[j], 100*overlap.Seconds()/shorter.Seconds())
			}
		}
	}
	switch {
	case len(sequential) == 0:
		return MergeConcurrent, "", nil
	case len(concurrent) == 0:
		return MergeRepeats, "", nil
	}
	c := concurrent[0]
	s := sequential[0]
	return "", "", fmt.Errorf("%w: some runs ran at the same time (%s and %s) and others one after another (%s and %s): merge each group of concurrent runs first, then merge those results as repeats",
		ErrMerge, labels[c[0]], labels[c[1]], labels[s[0]], labels[s[1]])
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// specDiffs lists what differs between the first run's workload and the
// others', for the fields that make runs comparable. Seeds, the workload
// file's path, the trader id (concurrent generators need their own) and the
// threads (a property of each generator's machine) may differ.
func specDiffs(runs []*Run, labels []string) []string {
	a := runs[0].Meta.Workload
	var out []string
	for i, r := range runs[1:] {
		b := r.Meta.Workload
		var d []string
		cmp := func(field string, x, y any) {
			if !reflect.DeepEqual(x, y) {
				d = append(d, fmt.Sprintf("%s %v vs %v", field, show(x), show(y)))
			}
		}
		cmp("workload", a.Name, b.Name)
		cmp("pipeline", a.Pipeline, b.Pipeline)
		cmp("duration_sec", a.DurationSec, b.DurationSec)
		cmp("ops", a.Ops, b.Ops)
		cmp("warmup_sec", a.WarmupSec, b.WarmupSec)
		cmp("connections", a.Connections, b.Connections)
		cmp("rate", a.Rate, b.Rate)
		cmp("pacer", a.Pacer, b.Pacer)
		cmp("keys", a.Keys, b.Keys)
		cmp("encodings", a.Encodings, b.Encodings)
		cmp("read_ratio", a.ReadRatio, b.ReadRatio)
		cmp("buffer_interval_ms", a.BufferIntervalMS, b.BufferIntervalMS)
		cmp("distribution", a.Distribution, b.Distribution)
		cmp("drain", a.Drain, b.Drain)
		keys := map[string]bool{}
		for k := range a.Params {
			keys[k] = true
		}
		for k := range b.Params {
			keys[k] = true
		}
		var names []string
		for k := range keys {
			if k != "trader_id" && k != "threads" {
				names = append(names, k)
			}
		}
		sort.Strings(names)
		for _, k := range names {
			cmp("param "+k, fmt.Sprint(a.Params[k]), fmt.Sprint(b.Params[k]))
		}
		if len(d) > 0 {
			out = append(out, fmt.Sprintf("%s and %s: %s", labels[0], labels[i+1], strings.Join(d, ", ")))
		}
	}
	return out
}

func show(v any) string {
	switch x := v.(type) {
	case string:
		if x == "" || x == "<nil>" {
			return "(none)"
		}
		return x
	case []string:
		return "[" + strings.Join(x, ",") + "]"
	}
	return fmt.Sprint(v)
}

// repeatOf keeps one repeat's own figures.
func repeatOf(r *Run, label string) Repeat {
	rep := Repeat{Source: label, Start: r.Meta.MeasuredStart, MeasuredSec: r.Meta.MeasuredSec}
	if rep.Start.IsZero() {
		rep.Start = r.Meta.Start
	}
	for _, op := range r.Ops {
		rep.Ops = append(rep.Ops, RepeatOp{Name: op.Name, Class: op.Class, Encoding: op.Encoding, Count: op.Count, Errors: op.Errors,
			Rate: op.Rate, Response: op.Response, Service: op.Service})
	}
	for _, p := range r.Pacing {
		rep.Pacing = append(rep.Pacing, RepeatPacing{Encoding: p.Encoding, TargetRate: p.TargetRate, AchievedRate: p.AchievedRate, Dropped: p.Dropped})
	}
	return rep
}

// Repeat is one run's own figures in a merge of repeats.
type Repeat struct {
	// Source labels the run (its file or run id).
	Source string `json:"source"`
	// Start is when its measured part started; MeasuredSec how long it was.
	Start       time.Time      `json:"start"`
	MeasuredSec float64        `json:"measured_sec"`
	Ops         []RepeatOp     `json:"ops"`
	Pacing      []RepeatPacing `json:"pacing,omitempty"`
}

// RepeatOp is one op kind's figures in one repeat.
type RepeatOp struct {
	Name     string  `json:"op"`
	Class    string  `json:"class"`
	Encoding string  `json:"encoding"`
	Count    int64   `json:"count"`
	Errors   int64   `json:"errors"`
	Rate     float64 `json:"ops_per_sec"`
	Response Latency `json:"response"`
	Service  Latency `json:"service"`
}

// RepeatPacing is one pass's rates in one repeat.
type RepeatPacing struct {
	Encoding     string  `json:"encoding"`
	TargetRate   float64 `json:"target_rate"`
	AchievedRate float64 `json:"achieved_rate"`
	Dropped      int64   `json:"dropped,omitempty"`
}
