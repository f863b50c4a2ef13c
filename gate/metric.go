package gate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rbench/rbench/results"
)

// Metric is a parsed metric name.
type Metric struct {
	// Name is the canonical spelling, e.g. "write.p99.9.service".
	Name string
	Kind Kind
	// Scope is "class", "op" or "global".
	Scope string
	// Class is write, read, startup or all when Scope is "class".
	Class string
	// Op is the op kind when Scope is "op".
	Op string
	// Encoding narrows class and op metrics to one encoding; "" means all.
	Encoding string
	// Stat is min, mean, max, pN, rate, count or errors for class and op
	// metrics; for global ones it is the whole name (errors.timeout, late).
	Stat string
	// Percentile is N of a pN stat.
	Percentile float64
	// Service selects service time instead of response time.
	Service bool
}

// Classes a class metric may name; "all" is every op.
var Classes = []string{results.ClassWrite, results.ClassRead, results.ClassStartup, "all"}

// globalMetrics are the metrics outside any class or op, with their kind.
var globalMetrics = map[string]Kind{
	"errors":            Count,
	"errors.timeout":    Count,
	"errors.connection": Count,
	"errors.server":     Count,
	"errors.decode":     Count,
	"errors.other":      Count,
	"errors.pct":        Percent,
	"rate":              Rate,
	"late":              Count,
	"late.max":          Duration,
	"startup.total":     Duration,
	"recovery.lost":     Count,
	"recovery.ready":    Duration,
	"recovery.corrupt":  Count,
	"writer.lag.p99":    Duration,
	"writer.queue.max":  Count,
	"writer.busy":       Percent,
}

// ParseMetric parses a metric name alone (see the package doc).
func ParseMetric(s string) (Metric, error) {
	return parseMetric(s, func(off int, format string, args ...any) error {
		return &SyntaxError{Expr: s, Col: off + 1, Msg: fmt.Sprintf(format, args...)}
	})
}

type failFunc func(off int, format string, args ...any) error

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func parseMetric(s string, fail failFunc) (Metric, error) {
	if k, ok := globalMetrics[s]; ok {
		return Metric{Name: s, Kind: k, Scope: "global", Stat: s}, nil
	}
	if rest, ok := strings.CutPrefix(s, "late."); ok && strings.HasPrefix(rest, "p") {
		// The sender's own lateness: late.p99, late.p50.
		m := Metric{Scope: "global"}
		if err := parseStat(&m, rest, len("late."), fail); err != nil {
			return m, err
		}
		if m.Service {
			return m, fail(len(s)-len(".service"), "late.%s has no service variant: it is the sender's own lateness", strings.TrimSuffix(rest, ".service"))
		}
		m.Stat = "late." + m.Stat
		m.Name = m.Stat
		return m, nil
	}
	if enc, ok := strings.CutPrefix(s, "rate@"); ok {
		if err := checkName(enc, 5, "encoding", fail); err != nil {
			return Metric{}, err
		}
		return Metric{Name: s, Kind: Rate, Scope: "class", Class: "all", Encoding: enc, Stat: "rate"}, nil
	}
	var m Metric
	var rest string
	var restAt int
	if after, ok := strings.CutPrefix(s, "op."); ok {
		m.Scope = "op"
		sel, r, found := strings.Cut(after, ".")
		name, enc, hasEnc := strings.Cut(sel, "@")
		if err := checkName(name, 3, "op name", fail); err != nil {
			return m, err
		}
		m.Op = name
		if hasEnc {
			if err := checkName(enc, 3+len(name)+1, "encoding", fail); err != nil {
				return m, err
			}
			m.Encoding = enc
		}
		if !found {
			return m, fail(len(s), "missing statistic after %q: add .p99, .max, .rate, ...", s)
		}
		rest, restAt = r, 3+len(sel)+1
	} else {
		sel, r, found := strings.Cut(s, ".")
		class, enc, hasEnc := strings.Cut(sel, "@")
		if !isClass(class) {
			if strings.HasPrefix(s, "errors.") || strings.HasPrefix(s, "recovery.") || strings.HasPrefix(s, "late.") || strings.HasPrefix(s, "writer.") {
				return m, fail(0, "unknown metric %q: known ones are %s", s, knownGlobals())
			}
			return m, fail(0, "unknown metric %q: start with a class (write, read, startup, all), op.NAME, or use one of %s", s, knownGlobals())
		}
		m.Scope, m.Class = "class", class
		if hasEnc {
			if err := checkName(enc, len(class)+1, "encoding", fail); err != nil {
				return m, err
			}
			m.Encoding = enc
		}
		if !found {
			return m, fail(len(s), "missing statistic after %q: add .p99, .max, .rate, ...", s)
		}
		rest, restAt = r, len(sel)+1
	}
	if err := parseStat(&m, rest, restAt, fail); err != nil {
		return m, err
	}
	m.Name = canonical(m)
	return m, nil
}

func checkName(name string, at int, what string, fail failFunc) error {
	if name == "" {
		return fail(at, "empty %s", what)
	}
	for i := 0; i < len(name); i++ {
		if !isNameChar(name[i]) {
			return fail(at+i, "%q is not allowed in an %s", string(name[i]), what)
		}
	}
	return nil
}

func isClass(s string) bool {
	for _, c := range Classes {
		if s == c {
			return true
		}
	}
	return false
}

func knownGlobals() string {
	return "errors, errors.timeout, errors.connection, errors.server, errors.decode, errors.other, errors.pct, rate, late, late.max, late.pN, startup.total, recovery.lost, recovery.ready, recovery.corrupt, writer.lag.p99, writer.queue.max, writer.busy"
}

func parseStat(m *Metric, rest string, at int, fail failFunc) error {
	switch rest {
	case "rate":
		m.Stat, m.Kind = "rate", Rate
		return nil
	case "count", "errors":
		m.Stat, m.Kind = rest, Count
		return nil
	case "":
		return fail(at, "missing statistic: add p99, max, rate, ...")
	}
	stat := rest
	if s, ok := strings.CutSuffix(stat, ".service"); ok {
		stat, m.Service = s, true
	} else if s, ok := strings.CutSuffix(stat, ".response"); ok {
		stat = s
	}
	m.Kind = Duration
	switch stat {
	case "min", "mean", "max":
		m.Stat = stat
		return nil
	}
	if !strings.HasPrefix(stat, "p") {
		return fail(at, "unknown statistic %q: use min, mean, max, pN (p50, p99, p99.9, ...), rate, count or errors, then optionally .service", rest)
	}
	num := stat[1:]
	for i := 0; i < len(num); i++ {
		if (num[i] < '0' || num[i] > '9') && num[i] != '.' {
			return fail(at+1+i, "bad percentile %q: write p followed by a number, e.g. p99 or p99.9", stat)
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" || strings.HasSuffix(num, ".") || strings.HasPrefix(num, ".") {
		return fail(at+1, "bad percentile %q: write p followed by a number, e.g. p99 or p99.9", stat)
	}
	if v <= 0 || v > 100 {
		return fail(at+1, "percentile %s is outside (0, 100]", num)
	}
	m.Stat, m.Percentile = "p"+strconv.FormatFloat(v, 'f', -1, 64), v
	return nil
}

func canonical(m Metric) string {
	var b strings.Builder
	if m.Scope == "op" {
		b.WriteString("op." + m.Op)
	} else {
		b.WriteString(m.Class)
	}
	if m.Encoding != "" {
		b.WriteString("@" + m.Encoding)
	}
	b.WriteString("." + m.Stat)
	if m.Service {
		b.WriteString(".service")
	}
	return b.String()
}

// String returns the canonical name.
func (m Metric) String() string { return m.Name }
