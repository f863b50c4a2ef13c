package results

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// NewHistogram returns an empty latency histogram with rbench's shared range:
// HistMinUs to HistMaxUs microseconds (1 us to 1 hour) at HistDigits
// significant digits. Record with ClampUs, which puts a value beyond the
// range at its top, where Summarize counts it as overflow.
// Like every hdrhistogram-go histogram it is not safe for concurrent use:
// give each worker its own and Merge them.
func NewHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(HistMinUs, HistMaxUs, HistDigits)
}

// NewCodecHistogram returns an empty codec-time histogram: nanoseconds, 1 ns
// to CodecMaxNs (60 s), CodecDigits significant digits.
func NewCodecHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, CodecMaxNs, CodecDigits)
}

// NewSendLateHistogram returns an empty send-lateness histogram:
// nanoseconds, 1 ns to SendLateMaxNs (1 hour), SendLateDigits significant
// digits.
func NewSendLateHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, SendLateMaxNs, SendLateDigits)
}

// ClampUs converts a latency to whole microseconds within the latency
// histograms' range: faster than 1 us counts as 1 us, and anything beyond
// HistMaxUs as HistMaxUs, the top, where it is counted as overflow.
func ClampUs(d time.Duration) int64 {
	return clamp(int64(d/time.Microsecond), HistMinUs, HistMaxUs)
}

// ClampNs converts a duration to nanoseconds within 1 and top (CodecMaxNs
// or SendLateMaxNs), like ClampUs.
func ClampNs(d time.Duration, top int64) int64 { return clamp(int64(d), 1, top) }

func clamp(v, lo, hi int64) int64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// Summarize computes the latency summary of h, in microseconds, with its
// sample count and overflow: the samples in the histogram's top bucket,
// where values beyond its range were put (ClampUs). An empty (or nil)
// histogram gives the zero Latency.
func Summarize(h *hdrhistogram.Histogram) Latency {
	if h == nil || h.TotalCount() == 0 {
		return Latency{}
	}
	// ValueAtQuantile takes a percentile (0-100), not a fraction.
	return Latency{
		Min:      float64(h.Min()),
		Mean:     h.Mean(),
		P50:      float64(h.ValueAtQuantile(50)),
		P90:      float64(h.ValueAtQuantile(90)),
		P99:      float64(h.ValueAtQuantile(99)),
		P999:     float64(h.ValueAtQuantile(99.9)),
		P9999:    float64(h.ValueAtQuantile(99.99)),
		Max:      float64(h.Max()),
		Count:    h.TotalCount(),
		Overflow: Overflow(h),
	}
}

// SummarizeNs is Summarize for a histogram of nanoseconds (codec times,
// send lateness); the summary is in microseconds all the same. Overflow
// figures are the histogram's top (60 s, 1 h) in microseconds.
func SummarizeNs(h *hdrhistogram.Histogram) Latency {
	l := Summarize(h)
	l.Min, l.Mean, l.P50, l.P90 = l.Min/1e3, l.Mean/1e3, l.P50/1e3, l.P90/1e3
	l.P99, l.P999, l.P9999, l.Max = l.P99/1e3, l.P999/1e3, l.P9999/1e3, l.Max/1e3
	return l
}

// Overflow counts the samples of h in its top bucket: values beyond its
// range recorded at the top (ClampUs, ClampNs), and any within the top
// bucket's width (0.1% at 3 digits) below it.
func Overflow(h *hdrhistogram.Histogram) int64 {
	if h == nil || h.TotalCount() == 0 {
		return 0
	}
	top := h.HighestTrackableValue()
	if !h.ValuesAreEquivalent(h.Max(), top) {
		return 0 // the common case: nothing reached the top
	}
	var n int64
	for _, b := range h.Distribution() {
		if b.Count > 0 && h.ValuesAreEquivalent(b.From, top) {
			n += b.Count
		}
	}
	return n
}

// EncodeHDR encodes h in HdrHistogram's V2 compressed format, base64: the
// form Java, C and Go HdrHistogram tools read (HistogramLogProcessor and
// friends). A nil histogram encodes as "".
func EncodeHDR(h *hdrhistogram.Histogram) (string, error) {
	if h == nil {
		return "", nil
	}
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return "", fmt.Errorf("encode histogram: %w", err)
	}
	// hdrhistogram-go's Encode already returns base64 text.
	return string(b), nil
}

// DecodeHDR decodes a histogram written by EncodeHDR (V2 compressed,
// base64). Its size and the range and digits its header declares are
// checked against what rbench writes before anything is allocated
// (checkEncodedHDR), and values beyond the declared range are refused.
// Errors wrap ErrCorrupt.
func DecodeHDR(s string) (*hdrhistogram.Histogram, error) {
	if err := checkEncodedHDR(s); err != nil {
		return nil, err
	}
	h, err := decodeHDRSafe(s)
	if err != nil {
		return nil, fmt.Errorf("%w: histogram: %v", ErrCorrupt, err)
	}
	if err := checkHDRValues(h); err != nil {
		return nil, err
	}
	return h, nil
}

// decodeHDRSafe turns a panic inside the third-party decoder into an error:
// a results file is untrusted input and must never crash rbench.
func decodeHDRSafe(s string) (h *hdrhistogram.Histogram, err error) {
	defer func() {
		if r := recover(); r != nil {
			h, err = nil, fmt.Errorf("decoder panicked: %v", r)
		}
	}()
	return hdrhistogram.Decode([]byte(s))
}

// mergeHDR adds the histogram encoded in s into dst. It fails when any value
// falls outside dst's range, since that would lose data silently.
func mergeHDR(dst *hdrhistogram.Histogram, s string) error {
	h, err := DecodeHDR(s)
	if err != nil {
		return err
	}
	if dropped := dst.Merge(h); dropped != 0 {
		return fmt.Errorf("%d values outside the histogram's range (%d-%d)", dropped, dst.LowestTrackableValue(), dst.HighestTrackableValue())
	}
	return nil
}

// MergeHDRs decodes and merges encoded histograms into one new histogram with
// rbench's range. Percentiles of a group of operations come from here, never
// from averaging their summaries. Empty strings are skipped.
func MergeHDRs(encoded ...string) (*hdrhistogram.Histogram, error) {
	dst := NewHistogram()
	for _, s := range encoded {
		if s == "" {
			continue
		}
		if err := mergeHDR(dst, s); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

// hgrmTicksPerHalfDistance matches HdrHistogram's own .hgrm output
// (outputPercentileDistribution with 5 ticks per half distance).
const hgrmTicksPerHalfDistance = 5

// WriteHGRM writes h as a classic HdrHistogram percentile distribution
// (.hgrm): Value, Percentile, TotalCount and 1/(1-Percentile) columns with
// values in milliseconds, then the #[Mean ...] footer. HdrHistogram's
// plotter (hdrhistogram.github.io/HdrHistogram/plotFiles.html) reads it.
func WriteHGRM(w io.Writer, h *hdrhistogram.Histogram) error {
	if h == nil {
		return errors.New("write hgrm: nil histogram")
	}
	// Values are microseconds; the .hgrm convention is milliseconds.
	_, err := h.PercentilesPrint(w, hgrmTicksPerHalfDistance, 1000)
	if err != nil {
		return fmt.Errorf("write hgrm: %w", err)
	}
	return nil
}

// OpFromHistograms builds the Op of one operation kind under one encoding
// from its merged service-time and response-time histograms (microseconds).
// measured is the measured part of the run (warm-up excluded) and gives
// Rate = successful ops / second; zero leaves Rate at 0. A nil response means
// closed loop, where response time equals service time. Errors and byte
// counts are left for the caller to fill in.
func OpFromHistograms(name, class, encoding string, service, response *hdrhistogram.Histogram, measured time.Duration) (Op, error) {
	if service == nil {
		return Op{}, fmt.Errorf("op %s/%s: nil service histogram", name, encoding)
	}
	if response == nil {
		response = service
	}
	sv, err := EncodeHDR(service)
	if err != nil {
		return Op{}, fmt.Errorf("op %s/%s: service: %w", name, encoding, err)
	}
	rs, err := EncodeHDR(response)
	if err != nil {
		return Op{}, fmt.Errorf("op %s/%s: response: %w", name, encoding, err)
	}
	op := Op{
		Name:        name,
		Class:       class,
		Encoding:    encoding,
		Count:       service.TotalCount(),
		Service:     Summarize(service),
		Response:    Summarize(response),
		ServiceHDR:  sv,
		ResponseHDR: rs,
	}
	if measured > 0 {
		op.Rate = roundRate(float64(op.Count) / measured.Seconds())
	}
	return op, nil
}

// roundRate keeps rates readable in JSON (0.001 ops/s is far below noise).
func roundRate(r float64) float64 { return math.Round(r*1000) / 1000 }

// legacyHistMax is the top of every histogram in files written before the
// hour range: 60 s of latency in microseconds, and codec times in
// nanoseconds with the same bounds (60 ms).
const legacyHistMax = 60_000_000

// KnownHDRRange reports whether a histogram's declared range (lowest and
// highest trackable value) is one rbench writes or has written: latency and
// per-second histograms (1..HistMaxUs), codec times (1..CodecMaxNs), send
// lateness (1..SendLateMaxNs), and 1..60,000,000 in files older than the
// hour range. A reader that checks a file's histograms before decoding them
// takes the list from here, so a new range is added in one place.
func KnownHDRRange(lowest, highest int64) bool {
	if lowest != 1 {
		return false
	}
	switch highest {
	case HistMaxUs, CodecMaxNs, SendLateMaxNs, legacyHistMax:
		return true
	}
	return false
}
