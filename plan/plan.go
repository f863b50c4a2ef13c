package plan

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/plan/capacity"
	"github.com/rbench/rbench/results"
)

// Result is a finished plan: the results section and what it was built
// from.
type Result struct {
	Plan results.Plan
	// Mixes are the datasets measured, one per encoding and scale.
	Mixes []Mix
	// Models are the fitted costs per encoding, as projected.
	Models []capacity.Model
	// Notes are fits that could not be made or used, in words.
	Notes []string
}

// PoorR2 is the R² below which a fit is called out as poor.
const PoorR2 = 0.9

// Run measures (Measure), then fits and projects (Analyze). When the
// measurement stops part-way (ctx ends, a scale fails) after at least one
// scale, it returns the result of the scales measured together with the
// error, so the caller can keep them.
func Run(ctx context.Context, opts Options, profile capacity.Profile, popts capacity.ProjectOptions) (*Result, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	load0, _ := LoadAverage()
	points, mixes, err := Measure(ctx, o)
	if err != nil {
		if len(mixes) == 0 {
			return nil, err
		}
		// Interrupted or failed part-way: keep the scales measured so far.
		res := partial(points, mixes, profile, popts)
		res.Plan.Node = string(o.Node.Flavour)
		return res, err
	}
	load1, _ := LoadAverage()
	res, err := Analyze(points, mixes, profile, popts)
	if err != nil {
		return nil, err
	}
	if cpus := float64(runtime.NumCPU()); max(load0, load1) > cpus {
		res.Notes = append(res.Notes, fmt.Sprintf("the machine was busy while measuring (load average %.1f on %d CPUs): the times (AOF load, startup loads) are pessimistic; memory and AOF sizes are not affected", max(load0, load1), runtime.NumCPU()))
	}
	res.Plan.Scales = o.Scales
	res.Plan.Encodings = o.Encodings
	res.Plan.Node = string(o.Node.Flavour)
	return res, nil
}

// partial is the result of a plan stopped part-way: the points of the
// scales measured, fitted and projected when they allow it.
func partial(points []results.PlanPoint, mixes []Mix, profile capacity.Profile, popts capacity.ProjectOptions) *Result {
	res, err := Analyze(points, mixes, profile, popts)
	if err == nil {
		return res
	}
	res = &Result{Mixes: mixes, Notes: []string{"the measured points could not be fitted: " + err.Error()}}
	res.Plan.Points = points
	for _, m := range mixes {
		if !slices.Contains(res.Plan.Encodings, m.Encoding) {
			res.Plan.Encodings = append(res.Plan.Encodings, m.Encoding)
		}
		if !slices.Contains(res.Plan.Scales, m.Scale) {
			res.Plan.Scales = append(res.Plan.Scales, m.Scale)
		}
	}
	slices.Sort(res.Plan.Scales)
	return res
}

// Analyze fits every figure of the points, builds one model per encoding
// and projects it to profile, whose zero counts are filled from the mix
// measured at the largest scale (FillProfile).
func Analyze(points []results.PlanPoint, mixes []Mix, profile capacity.Profile, popts capacity.ProjectOptions) (*Result, error) {
	profile, err := capacity.Normalize(profile)
	if err != nil {
		return nil, err
	}
	res := &Result{Mixes: mixes}
	fits, skipped := fitPoints(points)
	res.Notes = append(res.Notes, skipped...)
	res.Plan.Points = points
	res.Plan.Fits = fits
	for _, f := range fits {
		if SingleX(f.Fit) {
			continue
		}
		what := strings.TrimSpace(f.Figure + " " + f.Style)
		switch {
		case Slope(f.Fit) <= 0:
			res.Notes = append(res.Notes, fmt.Sprintf("%s %s %s: the fit does not grow with the data (cost per unit %.3g, R² %.3f): the machine was busy or the scales are too close together; rerun, or widen --scales", f.Encoding, f.Collection, what, Slope(f.Fit), f.Fit.R2))
		case f.Fit.R2 < PoorR2:
			res.Notes = append(res.Notes, fmt.Sprintf("%s %s %s: a poor fit (R² %.3f): the points do not lie on a line; the machine was busy or the scales are too close together; rerun, or widen --scales", f.Encoding, f.Collection, what, f.Fit.R2))
		}
	}
	var encodings []string
	var scales []int64
	for _, m := range mixes {
		if !slices.Contains(encodings, m.Encoding) {
			encodings = append(encodings, m.Encoding)
		}
		if !slices.Contains(scales, m.Scale) {
			scales = append(scales, m.Scale)
		}
	}
	slices.Sort(scales)
	res.Plan.Scales, res.Plan.Encodings = scales, encodings
	seen := map[string]bool{}
	for _, enc := range encodings {
		mix, ok := Largest(mixes, enc)
		if !ok {
			continue
		}
		var modelled []results.PlanFit
		for _, f := range fits {
			switch {
			case f.Figure == results.FigureAOFLoad || f.Figure == results.FigureLoad:
			case (f.Figure == results.FigureMemory || f.Figure == results.FigureAOF) && slices.Contains(Modelled, f.Collection):
			default:
				continue
			}
			modelled = append(modelled, f)
		}
		m, skipped := capacity.ModelFromFits(enc, modelled, mix.BaseMemory+mix.OtherMemory, mix.EventsPerOrder(), mix.InstrumentBytes)
		res.Notes = append(res.Notes, skipped...)
		res.Models = append(res.Models, m)
		pr, dangers, err := capacity.Project(m, FillProfile(profile, mix), popts)
		if err != nil {
			return nil, fmt.Errorf("projecting %s: %w", enc, err)
		}
		res.Plan.Projections = append(res.Plan.Projections, pr)
		for _, d := range dangers {
			if seen[d.Kind+"\x00"+d.Message] {
				continue
			}
			seen[d.Kind+"\x00"+d.Message] = true
			if len(encodings) > 1 && encodingSpecific(d.Kind) {
				d.Message = enc + ": " + d.Message
			}
			res.Plan.Dangers = append(res.Plan.Dangers, d)
		}
	}
	return res, nil
}

// encodingSpecific reports whether a danger's figures depend on the
// encoding's model (so the same kind may be raised once per encoding).
func encodingSpecific(kind string) bool {
	switch kind {
	case capacity.DangerMaxmemoryExceeded, capacity.DangerMachineMemory, capacity.DangerMGETInstruments:
		return true
	}
	return false
}

// Largest returns the mix of the largest scale measured under encoding.
func Largest(mixes []Mix, encoding string) (Mix, bool) {
	var best Mix
	ok := false
	for _, m := range mixes {
		if m.Encoding == encoding && (!ok || m.Scale > best.Scale) {
			best, ok = m, true
		}
	}
	return best, ok
}

// FillProfile fills a profile's zero counts from the mix measured: events
// per order as measured; positions and account events in the measured
// proportion to orders; instruments and accounts as measured. Orders must
// already be set (capacity.Normalize).
func FillProfile(p capacity.Profile, m Mix) capacity.Profile {
	orders := float64(m.Keys[keyspace.Orders])
	if p.EventsPerOrder == 0 {
		p.EventsPerOrder = math.Round(m.EventsPerOrder()*100) / 100
	}
	if p.Positions == 0 && orders > 0 {
		p.Positions = int64(math.Round(float64(p.Orders) * float64(m.Keys[keyspace.Positions]) / orders))
	}
	if p.Instruments == 0 {
		p.Instruments = m.Keys[keyspace.Instruments]
	}
	if p.Accounts == 0 {
		p.Accounts = m.Keys[keyspace.Accounts]
	}
	if p.AccountEvents == 0 && !p.NoAccountEvents && orders > 0 && p.Accounts > 0 {
		perOrder := float64(m.AccountEvents) / orders
		p.AccountEvents = int64(math.Round(float64(p.Orders) * perOrder / float64(p.Accounts)))
	}
	return p
}

// fitPoints fits like capacity.FitPoints, except that a figure measured at
// a single x (instruments: the node trades the same instruments at every
// history size) gets a proportional fit, y = x · mean(y/x), with N points,
// MinX == MaxX and R² 0: there is no slope to test, only a cost per unit.
func fitPoints(points []results.PlanPoint) ([]results.PlanFit, []string) {
	type key struct{ enc, coll, fig, style, unit string }
	xs := map[key]map[float64]bool{}
	for _, p := range points {
		k := key{p.Encoding, p.Collection, p.Figure, p.Style, p.XUnit}
		if xs[k] == nil {
			xs[k] = map[float64]bool{}
		}
		xs[k][p.X] = true
	}
	var fitted []results.PlanPoint
	single := map[key][]results.PlanPoint{}
	var order []key
	for _, p := range points {
		k := key{p.Encoding, p.Collection, p.Figure, p.Style, p.XUnit}
		if len(xs[k]) >= 2 || p.X <= 0 {
			fitted = append(fitted, p)
			continue
		}
		if _, ok := single[k]; !ok {
			order = append(order, k)
		}
		single[k] = append(single[k], p)
	}
	fits, skipped := capacity.FitPoints(fitted)
	for _, k := range order {
		pts := single[k]
		var per, worst float64
		for _, p := range pts {
			per += p.Y / p.X
		}
		per /= float64(len(pts))
		for _, p := range pts {
			if p.Y != 0 {
				worst = max(worst, math.Abs(p.Y-per*p.X)/math.Abs(p.Y))
			}
		}
		x := pts[0].X
		fits = append(fits, results.PlanFit{Encoding: k.enc, Collection: k.coll, Figure: k.fig, Style: k.style, XUnit: k.unit,
			Fit: results.Fit{Model: results.ModelLinear, B: per, MaxRelResidual: worst, N: len(pts), MinX: x, MaxX: x}})
	}
	return fits, skipped
}

// SingleX reports whether a fit was measured at one x only (a cost per
// unit without a slope to test; its R² means nothing).
func SingleX(f results.Fit) bool { return f.N > 0 && f.MinX == f.MaxX }

// LoadAverage is the machine's one-minute load average from /proc/loadavg.
func LoadAverage() (float64, error) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, fmt.Errorf("/proc/loadavg is empty")
	}
	return strconv.ParseFloat(f[0], 64)
}
