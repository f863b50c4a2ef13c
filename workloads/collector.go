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
// second with a reply: seconds without any reply (a stall) are zeros.
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
		if i < len(got) && got[i].T == t {
			out = append(out, got[i])
			i++
			continue
		}
		out = append(out, results.Second{T: t})
	}
	return out
}

// progress prints one progress line; final ends it.
func (c *collector) progress(now time.Time, final bool) {
	w := c.p.opts.Progress
	if w == nil {
		return
	}
	var ops, errs int64
	for _, r := range c.ph.recorders() {
		ops += r.ops.Load()
		errs += r.errored.Load()
	}
	elapsed := now.Sub(c.ph.start)
	rate := 0.0
	if dt := now.Sub(c.lastPrint).Seconds(); dt > 0 {
		rate = float64(ops-c.lastOps) / dt
	}
	if final && elapsed > 0 {
		rate = float64(ops) / elapsed.Seconds()
	}
	c.mu.Lock()
	p99 := c.lastP99
	c.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s", c.p.encoding, fmtElapsed(elapsed))
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
	fmt.Fprintf(&b, "  %.0f %s  p99 %s  errors %d", rate, label, fmtUs(p99), errs)
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

func fmtElapsed(d time.Duration) string {
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// fmtUs formats microseconds for people: 812us, 1.24ms, 2.50s.
func fmtUs(us float64) string {
	switch {
	case us <= 0:
		return "-"
	case us < 1000:
		return fmt.Sprintf("%.0fus", us)
	case us < 1_000_000:
		return fmt.Sprintf("%.2fms", us/1000)
	default:
		return fmt.Sprintf("%.2fs", us/1e6)
	}
}
