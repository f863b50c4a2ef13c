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
// HistMinUs to HistMaxUs microseconds at HistDigits significant digits.
// Like every hdrhistogram-go histogram it is not safe for concurrent use:
// give each worker its own and Merge them.
func NewHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(HistMinUs, HistMaxUs, HistDigits)
}

// Summarize computes the latency summary of h, in microseconds. An empty (or
// nil) histogram gives the zero Latency.
func Summarize(h *hdrhistogram.Histogram) Latency {
	if h == nil || h.TotalCount() == 0 {
		return Latency{}
	}
	// ValueAtQuantile takes a percentile (0-100), not a fraction.
	return Latency{
		Min:   float64(h.Min()),
		Mean:  h.Mean(),
		P50:   float64(h.ValueAtQuantile(50)),
		P90:   float64(h.ValueAtQuantile(90)),
		P99:   float64(h.ValueAtQuantile(99)),
		P999:  float64(h.ValueAtQuantile(99.9)),
		P9999: float64(h.ValueAtQuantile(99.99)),
		Max:   float64(h.Max()),
	}
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
		return fmt.Errorf("%d values outside the %d-%d us range", dropped, HistMinUs, HistMaxUs)
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
