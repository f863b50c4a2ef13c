package payloads

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FormatFixed formats units scaled by 10^-precision as a fixed-precision
// decimal string: FormatFixed(254025, 2) == "2540.25", FormatFixed(500, 3) ==
// "0.500". This is how prices, quantities and money amounts are written.
func FormatFixed(units int64, precision int) string {
	var buf [48]byte
	return string(AppendFixed(buf[:0], units, precision))
}

// AppendFixed appends FormatFixed(units, precision) to dst.
func AppendFixed(dst []byte, units int64, precision int) []byte {
	neg := units < 0
	u := uint64(units)
	if neg {
		dst = append(dst, '-')
		u = uint64(-units)
	}
	var buf [24]byte
	digits := strconv.AppendUint(buf[:0], u, 10)
	if precision <= 0 {
		return append(dst, digits...)
	}
	if len(digits) <= precision {
		dst = append(dst, '0', '.')
		for i := len(digits); i < precision; i++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	cut := len(digits) - precision
	dst = append(dst, digits[:cut]...)
	dst = append(dst, '.')
	return append(dst, digits[cut:]...)
}

// ErrFormat wraps every parse failure of a value string.
var ErrFormat = errors.New("bad value format")

// ParseFixed parses a decimal string into units of 10^-precision and the
// precision it was written with ("2540.25" gives 254025, 2).
func ParseFixed(s string) (units int64, precision int, err error) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || intPart == "-" || (hasDot && frac == "") {
		return 0, 0, fmt.Errorf("%w: decimal %q", ErrFormat, s)
	}
	digits := intPart + frac
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || strings.ContainsAny(digits[1:], "+-") || digits[0] == '+' {
		return 0, 0, fmt.Errorf("%w: decimal %q", ErrFormat, s)
	}
	return v, len(frac), nil
}

// FormatMoney writes an amount the way the node does: "0.25402500 USDT".
func FormatMoney(units int64, precision int, currency string) string {
	b := AppendFixed(make([]byte, 0, 24+len(currency)), units, precision)
	b = append(b, ' ')
	return string(append(b, currency...))
}

// ParseMoney splits "0.25402500 USDT" into units of 10^-precision, the
// precision and the currency code.
func ParseMoney(s string) (units int64, precision int, currency string, err error) {
	amount, cur, ok := strings.Cut(s, " ")
	if !ok || cur == "" || strings.Contains(cur, " ") {
		return 0, 0, "", fmt.Errorf("%w: money %q (want \"<amount> <CODE>\")", ErrFormat, s)
	}
	units, precision, err = ParseFixed(amount)
	return units, precision, cur, err
}

// FormatTimestamp writes a top-level timestamp (nanoseconds since the Unix
// epoch): a decimal string by default ("1705311012123456789"), or with
// iso (timestamps_as_iso8601) what the serializer writes:
// pd.Timestamp(ns, unit="ns", tz=utc).isoformat() with "+00:00" replaced by
// "Z" (serialization/serializer.pyx:96-100). pandas writes nine fractional
// digits when the nanoseconds below the microsecond are not zero, six when
// only they are, none for a whole second:
// "2024-01-15T09:30:12.123456789Z", "2024-01-15T09:30:12.123456Z",
// "2024-01-15T09:30:12Z".
func FormatTimestamp(ns int64, iso bool) string {
	var buf [40]byte
	return string(AppendTimestamp(buf[:0], ns, iso))
}

// AppendTimestamp appends FormatTimestamp(ns, iso) to dst.
func AppendTimestamp(dst []byte, ns int64, iso bool) []byte {
	if !iso {
		return strconv.AppendInt(dst, ns, 10)
	}
	t := time.Unix(0, ns).UTC()
	dst = t.AppendFormat(dst, "2006-01-02T15:04:05")
	switch frac := t.Nanosecond(); {
	case frac == 0:
	case frac%1000 == 0:
		dst = appendPadded(append(dst, '.'), frac/1000, 6)
	default:
		dst = appendPadded(append(dst, '.'), frac, 9)
	}
	return append(dst, 'Z')
}

func appendPadded(dst []byte, v, width int) []byte {
	var buf [12]byte
	digits := strconv.AppendInt(buf[:0], int64(v), 10)
	for i := len(digits); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, digits...)
}

// ParseTimestamp reads either timestamp form back to nanoseconds.
func ParseTimestamp(s string) (int64, error) {
	if strings.Contains(s, "T") {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return 0, fmt.Errorf("%w: timestamp %q: %w", ErrFormat, s, err)
		}
		return t.UnixNano(), nil
	}
	ns, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: timestamp %q (want nanoseconds or ISO-8601)", ErrFormat, s)
	}
	return ns, nil
}

// RoundReturn rounds a position's realized return to 5 places as
// Position.to_dict does with Python's round(x, 5) (model/position.pyx:230):
// the float nearest the correctly rounded decimal, halves to even.
func RoundReturn(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 5, 64), 64)
	return r
}
