package workloads

import (
	"context"
	"fmt"
	"time"
)

// MaxStartAhead bounds Options.StartAt (and rbench run --start-at): a start
// further ahead is a typo more often than a plan.
const MaxStartAhead = 24 * time.Hour

// CheckStartAt refuses a start time in the past or more than MaxStartAhead
// ahead of now; zero (no start time) is fine.
func CheckStartAt(t, now time.Time) error {
	switch {
	case t.IsZero():
		return nil
	case !t.After(now):
		return fmt.Errorf("%w: start at %s: that is %s in the past; give a time ahead, e.g. %s",
			ErrBadSpec, t.UTC().Format(time.RFC3339), now.Sub(t).Round(time.Second), now.Add(2*time.Minute).UTC().Format(time.RFC3339))
	case t.Sub(now) > MaxStartAhead:
		return fmt.Errorf("%w: start at %s: that is %s ahead, more than %s; give a nearer time",
			ErrBadSpec, t.UTC().Format(time.RFC3339), t.Sub(now).Round(time.Second), MaxStartAhead)
	}
	return nil
}

// waitStart waits, in the first pass, until lead before Options.StartAt
// (lead is the warm-up, timed to end at the start). Later passes, and runs
// without a start time, go on at once.
func (p *pass) waitStart(ctx context.Context, lead time.Duration) error {
	at := p.opts.StartAt
	if !p.first || at.IsZero() {
		return nil
	}
	wait := time.Until(at.Add(-lead))
	if wait <= 0 {
		return nil
	}
	fmt.Fprintf(p.opts.Log, "[%s] waiting %s for --start-at %s\n", p.encoding, wait.Round(time.Millisecond), at.UTC().Format(time.RFC3339Nano))
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// beforeMeasure holds the measured phase until the fleet is ready (its
// barrier) and, in the first pass, until Options.StartAt; a start after
// StartAt is noted in the results.
func (p *pass) beforeMeasure(ctx context.Context) error {
	if g := p.opts.startGate; g != nil {
		if err := g(ctx, p.encoding); err != nil {
			return err
		}
	}
	if err := p.waitStart(ctx, 0); err != nil {
		return err
	}
	if at := p.opts.StartAt; p.first && !at.IsZero() {
		if late := time.Since(at); late > 10*time.Millisecond {
			p.notes = append(p.notes, fmt.Sprintf("the %s pass's measured phase started %s after --start-at %s: set-up took longer than the time left; generators started together overlap only from then",
				p.encoding, late.Round(time.Millisecond), at.UTC().Format(time.RFC3339)))
		}
	}
	return nil
}
