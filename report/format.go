package report

// How figures read: latencies in µs, ms, s or h with three significant
// digits (60,030,975 µs is "60.0 s"), counts and rates with thousands
// separators, bytes in binary units. Tables carry the exact figure in each
// cell's tip; the page script formats axes the same way.

import (
	"math"
	"strconv"
	"strings"

	"github.com/rbench/rbench/results"
)

// fmtNum prints v with at most three decimals and no trailing zeros: exact
// figures for tips and fitted constants.
func fmtNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}

// fmtCount prints a count with thousands separators: 71,143.
func fmtCount(v int64) string {
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// sig3 prints v with three significant digits, trailing zeros kept (1.23,
// 12.3, 123, 1,234), so figures of one column line up in precision.
func sig3(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	d := 0
	if a := math.Abs(v); a > 0 {
		d = min(3, max(0, 2-int(math.Floor(math.Log10(a)))))
	}
	s := strconv.FormatFloat(v, 'f', d, 64)
	if d == 0 {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return fmtCount(n)
		}
	}
	return s
}

// fmtUs prints a latency given in microseconds the way people read it.
// Whole microseconds (histogram values) print without decimals.
func fmtUs(v float64) string {
	switch a := math.Abs(v); {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "-"
	case results.Beyond(v):
		// At or past the histograms' top: only known to be at least that.
		return results.BeyondLabel
	case a >= 3600e6:
		return sig3(v/3600e6) + " h"
	case a >= 1e6:
		return sig3(v/1e6) + " s"
	case a >= 1e3:
		return sig3(v/1e3) + " ms"
	case v == math.Trunc(v):
		return fmtCount(int64(v)) + " µs"
	default:
		return sig3(v) + " µs"
	}
}

// fmtUsShort is fmtUs without trailing zeros, for round figures such as a
// target: "1 ms", not "1.00 ms".
func fmtUsShort(v float64) string {
	s := fmtUs(v)
	num, unit, _ := strings.Cut(s, " ")
	if strings.Contains(num, ".") {
		num = strings.TrimRight(strings.TrimRight(num, "0"), ".")
	}
	return num + " " + unit
}

// fmtNs prints a codec time given in nanoseconds.
func fmtNs(v float64) string {
	if math.Abs(v) >= 1e3 {
		return fmtUs(v / 1e3)
	}
	return sig3(v) + " ns"
}

// fmtBytes prints a byte count in binary units, three significant digits;
// the next unit takes over at 1,000 of the last (0.98 MiB, not 1,001 KiB).
func fmtBytes(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	if math.Abs(v) < 1000 {
		return fmtCount(int64(math.Round(v))) + " B"
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	v /= 1024
	for math.Abs(v) >= 1000 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return sig3(v) + " " + units[i]
}

// fmtRate prints a rate per second: whole numbers with separators from 100
// up, three significant digits below.
func fmtRate(v float64) string {
	if math.Abs(v) >= 100 {
		return fmtCount(int64(math.Round(v)))
	}
	return sig3(v)
}

// fmtPct prints a share (0.17) as a percentage ("17%").
func fmtPct(share float64) string {
	p := share * 100
	if p >= 10 || p == math.Trunc(p) {
		return strconv.FormatFloat(math.Round(p), 'f', 0, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// joinName builds a series name from its non-empty parts, dropping a part
// that repeats the one before it ("populate · populate" is "populate").
func joinName(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" && (len(out) == 0 || out[len(out)-1] != p) {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}
