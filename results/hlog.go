package results

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// IntervalLogName is the HdrHistogram interval log WriteRunDir writes next
// to the .hgrm files.
const IntervalLogName = "response.hlog"

// IntervalLogDigits is the precision of the interval log's histograms:
// finer than the per-second histograms they are copied from (2 digits), so
// moving them from microseconds to nanoseconds adds at most 0.1%.
const IntervalLogDigits = 3

// IntervalTag is the tag of an op kind's histograms in the interval log:
// op@encoding, as gates name them (add_order@msgpack), with anything but
// letters, digits and _ . @ - replaced, since a tag may hold no comma or
// space.
func IntervalTag(op Op) string {
	tag := op.Name
	if op.Encoding != "" {
		tag += "@" + op.Encoding
	}
	return tagUnsafe.ReplaceAllString(tag, "_")
}

var tagUnsafe = regexp.MustCompile(`[^A-Za-z0-9_.@-]+`)

// WriteIntervalLog writes run's per-second response-time histograms as an
// HdrHistogram interval log (format 1.3, hdrhistogram-go's log writer):
// one interval per second of the measured phase per op kind and encoding,
// tagged IntervalTag, in time order. HistogramLogAnalyzer,
// HistogramLogProcessor and the other HdrHistogram log readers read it.
// Values are NANOSECONDS, the unit those tools assume (they show
// milliseconds); results files keep microseconds. A second without a reply
// is an empty interval, so the log's counts are the series' counts, second
// by second. Each encoding pass's seconds start at that pass's measured
// start (PassStart).
func WriteIntervalLog(w io.Writer, run *Run) error {
	type interval struct {
		start time.Time
		tag   string
		hdr   string
	}
	var ivs []interval
	for _, op := range run.Ops {
		start := PassStart(run, op.Encoding)
		tag := IntervalTag(op)
		for _, s := range op.Series {
			ivs = append(ivs, interval{start: start.Add(time.Duration(s.T) * time.Second), tag: tag, hdr: s.HDR})
		}
	}
	sort.SliceStable(ivs, func(i, j int) bool { return ivs[i].start.Before(ivs[j].start) })
	lw := hdrhistogram.NewHistogramLogWriter(w)
	base := run.Meta.Start
	if len(ivs) > 0 && (base.IsZero() || ivs[0].start.Before(base)) {
		base = ivs[0].start
	}
	baseMs := base.UnixMilli()
	lw.SetBaseTime(baseMs)
	if err := lw.OutputComment(fmt.Sprintf("[rbench %s run %s: response time (intended send to reply) per second per op kind, tagged op@encoding; values in nanoseconds]", run.Meta.Tool.Version, run.Meta.RunID)); err != nil {
		return err
	}
	if err := lw.OutputLogFormatVersion(); err != nil {
		return err
	}
	if err := lw.OutputStartTime(baseMs); err != nil {
		return err
	}
	if err := lw.OutputBaseTime(baseMs); err != nil {
		return err
	}
	if err := lw.OutputLegend(); err != nil {
		return err
	}
	ns := hdrhistogram.New(HistMinUs*1000, HistMaxUs*1000, IntervalLogDigits)
	for _, iv := range ivs {
		ns.Reset()
		if iv.hdr != "" {
			us, err := DecodeHDR(iv.hdr)
			if err != nil {
				return fmt.Errorf("interval log: %s at %s: %w", iv.tag, iv.start.UTC().Format(time.RFC3339), err)
			}
			for _, b := range us.Distribution() {
				if b.Count > 0 {
					// The bucket's highest equivalent value, as its
					// percentiles read back.
					if err := ns.RecordValues(b.To*1000, b.Count); err != nil {
						return fmt.Errorf("interval log: %s: %w", iv.tag, err)
					}
				}
			}
		}
		ns.SetTag(iv.tag)
		ns.SetStartTimeMs(iv.start.UnixMilli())
		ns.SetEndTimeMs(iv.start.Add(time.Second).UnixMilli())
		if err := lw.OutputIntervalHistogram(ns); err != nil {
			return fmt.Errorf("interval log: %s: %w", iv.tag, err)
		}
	}
	return nil
}

// PassStart is when an encoding pass's measured phase started, the second
// 0 of its ops' series: its pacing's start; in files older than that, the
// run's measured start for every pass, else its start plus the warm-up
// (early by the set-up's time).
func PassStart(run *Run, encoding string) time.Time {
	for _, p := range run.Pacing {
		if p.Encoding == encoding && !p.Start.IsZero() {
			return p.Start
		}
	}
	if !run.Meta.MeasuredStart.IsZero() {
		return run.Meta.MeasuredStart
	}
	return run.Meta.Start.Add(time.Duration(run.Meta.WarmupSec * float64(time.Second)))
}

// writeIntervalLogFile writes IntervalLogName into dir when run has
// per-second series.
func writeIntervalLogFile(dir string, run *Run) error {
	has := false
	for _, op := range run.Ops {
		has = has || len(op.Series) > 0
	}
	if !has {
		return nil
	}
	var buf bytes.Buffer
	if err := WriteIntervalLog(&buf, run); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, IntervalLogName), buf.Bytes())
}
