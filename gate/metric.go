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
	"errors.rate":       Fraction,
	"rate":              Rate,
	"late":              Count,
	"late.max":          Duration,
	"startup.total":     Duration,
	"recovery.lost":     Count,
	"recovery.ready":    Duration,
	"recovery.corrupt":  Count,
	"recovery.load":     Duration,
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

// k6Bare are k6's statistic names written alone ('p(99)<1', 'avg<200'):
// over every op, as k6's are over every request of its metric.
var k6Bare = map[string]bool{"avg": true, "med": true, "min": true, "max": true, "count": true, "mean": true}

func parseMetric(s string, fail failFunc) (Metric, error) {
	if k, ok := globalMetrics[s]; ok {
		return Metric{Name: s, Kind: k, Scope: "global", Stat: s}, nil
	}
	if k6Bare[s] || strings.HasPrefix(s, "p(") || isBarePercentile(s) {
		m := Metric{Scope: "class", Class: "all"}
		if err := parseStat(&m, s, 0, fail); err != nil {
			return m, err
		}
		m.Name = canonical(m)
		return m, nil
	}
	if rest, ok := strings.CutPrefix(s, "server."); ok {
		return parseServer(s, rest, fail)
	}
	if rest, ok := strings.CutPrefix(s, "writer.lag."); ok {
		// The writer's lag: writer.lag.p99, writer.lag.p(99.9), writer.lag.max.
		m := Metric{Scope: "global"}
		if err := parseStat(&m, rest, len("writer.lag."), fail); err != nil {
			return m, err
		}
		if m.Kind != Duration || m.Service {
			return m, fail(len("writer.lag."), "writer.lag takes min, mean (avg), max or pN, found %q", rest)
		}
		m.Stat = "writer.lag." + m.Stat
		m.Name = m.Stat
		return m, nil
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
			if strings.ContainsAny(s, "()|") {
				return m, fail(strings.IndexAny(s, "()|"), "unknown metric %q: start with a class (write, read, startup, all), op.NAME, server.COMMAND, or use one of %s", s, knownGlobals())
			}
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
	return "errors, errors.timeout, errors.connection, errors.server, errors.decode, errors.other, errors.pct, errors.rate, rate, late, late.max, late.pN, startup.total, recovery.lost, recovery.ready, recovery.corrupt, recovery.load, writer.lag.pN, writer.queue.max, writer.busy, server.COMMAND.pN"
}

// isBarePercentile: p99, p99.9 written alone.
func isBarePercentile(s string) bool {
	if len(s) < 2 || s[0] != 'p' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return false
		}
	}
	return true
}

// parseServer parses server.COMMAND.STAT: Redis's own latency of one
// command (LATENCY HISTOGRAM), e.g. server.exec.p99, server.config|get.max.
func parseServer(s, rest string, fail failFunc) (Metric, error) {
	const at = len("server.")
	i := strings.LastIndexByte(rest, '.')
	// A percentile's own dot (server.exec.p99.9) is not the separator.
	if j := strings.LastIndex(rest, ".p"); j >= 0 && j < i {
		if _, err := strconv.ParseFloat(rest[j+2:], 64); err == nil {
			i = j
		}
	}
	if j := strings.Index(rest, ".p("); j >= 0 {
		i = j
	}
	if i <= 0 {
		return Metric{}, fail(len(s), "missing statistic after %q: add .p99, .max or .count, e.g. server.exec.p99", s)
	}
	cmd, stat := rest[:i], rest[i+1:]
	for k := 0; k < len(cmd); k++ {
		if c := cmd[k]; !(isNameChar(c) || c == '|') {
			return Metric{}, fail(at+k, "%q is not allowed in a Redis command name", string(c))
		}
	}
	m := Metric{Scope: "server", Op: strings.ToLower(cmd)}
	if stat == "count" || stat == "calls" {
		m.Stat, m.Kind = "count", Count
	} else {
		if err := parseStat(&m, stat, at+i+1, fail); err != nil {
			return m, err
		}
		if m.Kind != Duration || m.Service || m.Stat == "min" || m.Stat == "mean" {
			return m, fail(at+i+1, "server.%s takes pN (p50, p99, p99.9), max or count: Redis's LATENCY HISTOGRAM has power-of-two buckets, no min or mean", cmd)
		}
	}
	m.Name = "server." + m.Op + "." + m.Stat
	return m, nil
}

func parseStat(m *Metric, rest string, at int, fail failFunc) error {
	// k6's spellings of the same statistics.
	switch {
	case rest == "avg" || strings.HasPrefix(rest, "avg."):
		rest = "mean" + rest[3:]
	case rest == "med" || strings.HasPrefix(rest, "med."):
		rest = "p50" + rest[3:]
	case strings.HasPrefix(rest, "p("):
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return fail(at+len(rest), "unclosed %q: write p(99) or p(99.9)", "p(")
		}
		rest = "p" + rest[2:end] + rest[end+1:]
	}
	if strings.ContainsAny(rest, "()") {
		return fail(at+strings.IndexAny(rest, "()"), "unexpected %q in statistic %q: write p(99), p99, avg, med, min, max, count or rate", string(rest[strings.IndexAny(rest, "()")]), rest)
	}
	switch rest {
	case "rate":
		m.Stat, m.Kind = "rate", Rate
		return nil
	case "count", "errors":
		m.Stat, m.Kind = rest, Count
		return nil
	case "errors.rate":
		m.Stat, m.Kind = rest, Fraction
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
