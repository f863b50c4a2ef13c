package workloads

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/rbench/rbench/results"
)

// collectEvery is how often the collector takes the workers' finished
// seconds.
const collectEvery = 200 * time.Millisecond

// collector merges the workers' per-second histograms across workers into
// the per-second series, and prints progress.
type collector struct {
	ph   *phase
	p    *pass
	mu   sync.Mutex
	open map[int]*secAgg // seconds not yet final
	next int             // first second not yet final
	// done[k] holds kind k's final seconds in increasing T.
	done    [][]results.Second
	lastP99 float64 // us, worst kind of the latest final second

	// progress
	lastOps   int64
	lastPrint time.Time
	printed   bool
}

type secAgg struct {
	hists  []*hdrhistogram.Histogram
	count  []int64
	errors []int64
}

func newCollector(ph *phase, p *pass) *collector {
	return &collector{ph: ph, p: p, open: map[int]*secAgg{}, done: make([][]results.Second, len(ph.kinds))}
}

// start runs the collector until the returned stop is called; stop takes the
// last seconds (the recorders must be closed by then) and ends the progress
// line.
func (c *collector) start(ctx context.Context) (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(collectEvery)
		defer t.Stop()
		c.lastPrint = time.Now()
		for {
			select {
			case <-quit:
				return
			case now := <-t.C:
				c.collect()
				if now.Sub(c.lastPrint) >= c.p.opts.ProgressEvery {
					c.progress(now, false)
				}
			}
		}
	}()
	return func() {
		close(quit)
		wg.Wait()
		c.collect()
		if c.printed || c.p.opts.Progress != nil {
			c.progress(time.Now(), true)
		}
	}
}

// collect takes finished seconds from every recorder and finalises the
// seconds every recorder has moved past.
func (c *collector) collect() {
	c.mu.Lock()
	defer c.mu.Unlock()
	recs := c.ph.recorders()
	wm := int64(math.MaxInt64)
	for _, r := range recs {
		// Read the watermark before taking: seconds below it are then
		// certainly among the snapshots taken.
		if w := r.watermark.Load(); w < wm {
			wm = w
		}
		for _, s := range r.take() {
			a := c.open[s.sec]
			if a == nil {
				n := len(c.ph.kinds)
				a = &secAgg{hists: make([]*hdrhistogram.Histogram, n), count: make([]int64, n), errors: make([]int64, n)}
				c.open[s.sec] = a
			}
			if a.hists[s.kind] == nil {
				a.hists[s.kind] = s.hist
			} else {
				a.hists[s.kind].Merge(s.hist)
				s.hist.Reset()
				secondPool.Put(s.hist)
			}
			a.count[s.kind] += s.count
			a.errors[s.kind] += s.errors
		}
	}
	for {
		if int64(c.next) >= wm {
			return
		}
		if wm == math.MaxInt64 && len(c.open) == 0 {
			return
		}
		c.finalize(c.next)
		c.next++
	}
}

func (c *collector) finalize(sec int) {
	a := c.open[sec]
	if a == nil {
		return
	}
	delete(c.open, sec)
	worst := 0.0
	for k, h := range a.hists {
		if h == nil && a.errors[k] == 0 {
			continue
		}
		s := results.Second{T: sec, Count: a.count[k], Errors: a.errors[k]}
		if h != nil {
			s.P50 = float64(h.ValueAtQuantile(50))
			s.P99 = float64(h.ValueAtQuantile(99))
			s.Max = float64(h.Max())
			s.HDR, _ = results.EncodeHDR(h)
			worst = max(worst, s.P99)
			h.Reset()
			secondPool.Put(h)
		}
		c.done[k] = append(c.done[k], s)
	}
	c.lastP99 = worst
}

// series returns kind k's per-second series, dense from second 0 to the last
// second with a reply: seconds without any reply (a stall) are zeros. A
// second the phase covered only in part (it ended measured into it) is
// marked Partial: its count is not a per-second rate.
func (c *collector) series(k int, measured time.Duration) []results.Second {
	c.mu.Lock()
	defer c.mu.Unlock()
	got := c.done[k]
	if len(got) == 0 {
		return nil
	}
	last := got[len(got)-1].T
	out := make([]results.Second, 0, last+1)
	i := 0
	for t := 0; t <= last; t++ {
		s := results.Second{T: t}
		if i < len(got) && got[i].T == t {
			s = got[i]
			i++
		}
		s.Partial = time.Duration(t+1)*time.Second > measured
		out = append(out, s)
	}
	return out
}

// progress prints one progress line; final ends it. While the phase runs
// the p99 is the latest whole second's (worst kind); the final line's rate
// and p99 are the whole phase's, from every recorder's histograms, so it
// agrees with the table. In open loop it shows the target and achieved
// rates and the backlog: operations due but not yet sent.
func (c *collector) progress(now time.Time, final bool) {
	w := c.p.opts.Progress
	if w == nil {
		return
	}
	recs := c.ph.recorders()
	var ops, errs int64
	for _, r := range recs {
		ops += r.ops.Load()
		errs += r.errored.Load()
	}
	elapsed := now.Sub(c.ph.start)
	if final && !c.ph.end.IsZero() {
		elapsed = c.ph.end.Sub(c.ph.start)
	}
	rate := 0.0
	if dt := now.Sub(c.lastPrint).Seconds(); dt > 0 {
		rate = float64(ops-c.lastOps) / dt
	}
	if final && elapsed > 0 {
		rate = float64(ops) / elapsed.Seconds()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[%s", c.p.encoding)
	if l := c.p.opts.progressLabel; l != "" {
		b.WriteString(" " + l)
	}
	fmt.Fprintf(&b, "] %s", fmtElapsed(elapsed))
	if c.ph.dur > 0 && c.ph.dur < untilDone {
		fmt.Fprintf(&b, "/%s", fmtElapsed(c.ph.dur))
	}
	if c.ph.ops > 0 {
		fmt.Fprintf(&b, "  ops %d/%d", ops, c.ph.ops)
	} else {
		fmt.Fprintf(&b, "  ops %d", ops)
	}
	label := "ops/s"
	if final {
		label = "ops/s avg"
	}
	if p := c.ph.pacer; p != nil {
		sent := c.ph.sent.Load()
		if final {
			target := targetRate(p, c.ph.dur, c.ph.ops, elapsed)
			due := scheduled(p, c.ph.dur, c.ph.ops)
			fmt.Fprintf(&b, "  target %.0f/s  achieved %.0f %s", target, rate, label)
			if dropped := due - sent; dropped > 0 {
				fmt.Fprintf(&b, "  dropped %d", dropped)
			}
		} else {
			t := min(elapsed, c.ph.dur)
			if c.ph.dur <= 0 {
				t = elapsed
			}
			due := int64(slotsBefore(p, t))
			fmt.Fprintf(&b, "  target %.0f/s  achieved %.0f %s  backlog %d", p.Rate(elapsed), rate, label, max(0, due-sent))
		}
	} else {
		fmt.Fprintf(&b, "  %.0f %s", rate, label)
	}
	if final {
		p99, n := wholeP99(recs)
		fmt.Fprintf(&b, "  p99 %s (n=%d)", p99, n)
	} else {
		c.mu.Lock()
		p99 := c.lastP99
		c.mu.Unlock()
		fmt.Fprintf(&b, "  p99 %s", fmtUs(p99))
	}
	fmt.Fprintf(&b, "  errors %d", errs)
	if errs > 0 {
		b.WriteString(" !")
	}
	if c.p.opts.Interactive {
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(w, "\r\033[K%s%s", b.String(), end)
	} else {
		fmt.Fprintln(w, b.String())
	}
	c.printed = true
	c.lastOps = ops
	c.lastPrint = now
}

// wholeP99 is the response-time p99 of every op of the phase together, from
// the recorders' histograms (they are closed when it is called): "n/a"
// below the p99's sample floor.
func wholeP99(recs []*Recorder) (string, int64) {
	h := results.NewHistogram()
	for _, r := range recs {
		for _, kr := range r.kinds {
			if kr == nil {
				continue
			}
			if kr.response != nil {
				h.Merge(kr.response)
			} else {
				h.Merge(kr.service)
			}
		}
	}
	n := h.TotalCount()
	if !results.Enough(0.99, n) {
		return "n/a", n
	}
	return fmtUs(float64(h.ValueAtQuantile(99))), n
}

func fmtElapsed(d time.Duration) string {
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// fmtUs formats microseconds for people: 812us, 1.24ms, 2.50s.
func fmtUs(us float64) string {
	switch {
	case us <= 0:
		return "-"
	case results.Beyond(us):
		return results.BeyondLabel
	case us < 1000:
		return fmt.Sprintf("%.0fus", us)
	case us < 1_000_000:
		return fmt.Sprintf("%.2fms", us/1000)
	default:
		return fmt.Sprintf("%.2fs", us/1e6)
	}
}
