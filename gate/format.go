package gate

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// format renders a value of kind k with its unit: durations (microseconds)
// in the largest unit that keeps them at or above 1.
func format(k Kind, v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	switch k {
	case Duration:
		return FormatDuration(v)
	case Percent:
		return trim(v, 3) + "%"
	case Rate:
		if v != 0 && math.Abs(v) < 10 {
			return strconv.FormatFloat(v, 'g', 3, 64) + "/s" // 0.01/s, not 0/s
		}
		return trim(v, 1) + "/s"
	case Fraction:
		return strconv.FormatFloat(v, 'g', 4, 64)
	default:
		return trim(v, 3)
	}
}

// FormatDuration renders microseconds as ns, us, ms or s with at most three
// decimals: 0.25 -> 250ns, 812 -> 812us, 1500 -> 1.5ms, 2.5e6 -> 2.5s.
func FormatDuration(us float64) string {
	switch a := math.Abs(us); {
	case a == 0:
		return "0"
	case a < 1:
		return trim(us*1000, 0) + "ns"
	case a < 1000:
		return trim(us, 3) + "us"
	case a < 1_000_000:
		return trim(us/1000, 3) + "ms"
	default:
		return trim(us/1e6, 3) + "s"
	}
}

func trim(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func fmtPct(p float64) string { return trim(p, 2) + "%" }

func signedPct(p float64) string {
	if p >= 0 {
		return "+" + fmt.Sprintf("%.1f%%", p)
	}
	return fmt.Sprintf("%.1f%%", p)
}

// ParsePercent parses a band such as "10%" (or "10") into a fraction (0.1).
func ParsePercent(s string) (float64, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 || v > 1000 || math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not a percentage: write e.g. 10%%", s)
	}
	return v / 100, nil
}
