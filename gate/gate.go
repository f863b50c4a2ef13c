// Package gate checks rbench results against thresholds, for CI.
//
// # Threshold grammar
//
// A threshold is one k6-like comparison:
//
//	threshold = metric op value
//	op        = "<" | "<=" | ">" | ">=" | "==" | "!="
//	value     = number [unit]          number: 12, 0.5, 1e3
//	unit      = "ns" | "us" | "µs" | "ms" | "s"   (durations: optional, default ms as in k6)
//	          | "%"                               (percent and share metrics: optional)
//
// Spaces around op and before the unit are allowed: `write.p99 < 1 ms`
// equals `write.p99<1ms`, and so does `write.p99<1`.
// Count and rate metrics take a plain number.
//
// k6's spellings read as in k6: p(99) for p99, avg for mean, med for p50;
// a statistic alone (p(99)<1, avg<200, med, min, max, count) is over every
// op, like k6's over every request of its metric. errors.rate is the share
// of failed operations (k6's rate<0.01 on http_req_failed); rate is
// rbench's throughput, and a throughput limit below 1 op/s gets a Warning
// naming errors.rate.
//
// # Metrics
//
// Latency percentiles, response time by default (measured from the intended
// send time, so corrected for coordinated omission), service time (actual send
// to reply) with the ".service" suffix:
//
//	CLASS.STAT            write.p99, read.p99.9, all.max
//	CLASS.STAT.service    write.p99.service
//	op.NAME.STAT          op.add_order.p99
//	op.NAME@ENC.STAT      op.add_order@json.p99.9.service
//	CLASS@ENC.STAT        write@msgpack.p99
//
// CLASS is write, read, startup or all (every op); NAME an op kind (add_order,
// get_instrument, set, ...); ENC an encoding (msgpack, json, raw). STAT is
// min, mean, max or pN for any percentile N in (0, 100]: p50, p90, p95, p99,
// p99.9, p99.99. A class percentile comes from the merged histograms of all
// the ops of that class (of every encoding unless @ENC narrows it), never
// from averaging per-op percentiles.
//
// Counts and rates:
//
//	rate, rate@ENC        total successful ops/s; with several encodings
//	                      (measured one after another) the slowest encoding's
//	CLASS.rate            the same for one class; op.NAME.rate for one op
//	CLASS.count           successful ops; op.NAME.count
//	CLASS.errors          failed ops recorded on the ops; op.NAME.errors
//	errors                all failed operations
//	errors.timeout        failed by class: timeout, connection, server
//	                      (error replies), decode, other
//	errors.pct            failed ops as a percent of all attempted (value in %)
//	late                  sends that left later than the pacer's threshold
//	late.max              the latest send's delay (a duration), backlog included
//	late.pN               the load generator's own send lateness (late.p99):
//	                      actual send minus intended time for the sends that
//	                      were not behind, from the send-lateness histograms
//	startup.total         the slowest startup-load replay (a duration)
//	recovery.lost         acknowledged writes lost over all recovery cycles
//	recovery.ready        the slowest restart-to-trading-ready time (a duration)
//	recovery.corrupt      payloads corrupt or keys of the wrong type after restarts
//	writer.lag.p99        the node writer's lag p99: intended time to the reply of
//	                      a write call's last transaction, all calls merged (a duration)
//	writer.queue.max      the most calls due but not yet taken by the writer (open loop)
//	writer.busy           the writer's share of time in round trips, busiest pass (in %)
//	writer.lag.pN         any percentile of the writer's lag; .min, .mean, .max
//	errors.rate           failed ops as a share (0-1) of all attempted; CLASS.errors.rate
//	server.CMD.pN         Redis's own latency of one command (LATENCY HISTOGRAM);
//	                      server.CMD.max, server.CMD.count
//	recovery.load         the slowest AOF/RDB load the server reported
//
// A metric the results do not contain (read.p99 on a write-only run,
// recovery.lost without a recovery section) fails its threshold with a
// message saying what is missing: it never passes silently. So does every
// recovery.* metric of a recovery that is not complete (verdict incomplete,
// or none): its figures prove nothing.
//
// # Sample floors
//
// A percentile pN rests on enough samples only with at least
// results.MinSamplesPct(N) of them (p99: 1,000, p99.9: 10,000). Below that
// a threshold on it is not decided: it reads "too few samples" and fails,
// unless Options.AllowFewSamples (rbench gate --allow-few-samples) makes it
// a SKIP. Baseline comparisons skip such percentiles always.
//
// # Partial runs and baselines
//
// A run that is partial or invalid (Partial: cut short, a recovery without
// a verdict, found INVALID by the validity checks) fails every threshold
// unless Options.AllowPartial. CompareBaselineWith is a statistical test
// on the runs' noise models (results.Noise); docs/gates.md gives the
// method.
package gate

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrSyntax is wrapped by every *SyntaxError.
var ErrSyntax = errors.New("malformed threshold")

// SyntaxError is a malformed threshold: Col is the 1-based column (in
// characters) where the problem starts.
type SyntaxError struct {
	Expr string
	Col  int
	Msg  string
}

func (e *SyntaxError) Error() string {
	caret := strings.Repeat(" ", max(e.Col-1, 0)) + "^"
	return fmt.Sprintf("threshold %q: column %d: %s\n  %s\n  %s", e.Expr, e.Col, e.Msg, e.Expr, caret)
}

// Is makes errors.Is(err, ErrSyntax) true.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// Op is a comparison operator.
type Op string

// The comparison operators.
const (
	LT Op = "<"
	LE Op = "<="
	GT Op = ">"
	GE Op = ">="
	EQ Op = "=="
	NE Op = "!="
)

// Holds reports whether actual op limit is true.
func (o Op) Holds(actual, limit float64) bool {
	switch o {
	case LT:
		return actual < limit
	case LE:
		return actual <= limit
	case GT:
		return actual > limit
	case GE:
		return actual >= limit
	case EQ:
		return actual == limit
	case NE:
		return actual != limit
	}
	return false
}

// Kind is what a metric measures, which decides the units its value takes.
type Kind int

// Metric kinds.
const (
	// Duration values are microseconds; thresholds need a time unit.
	Duration Kind = iota + 1
	// Count values are plain numbers.
	Count
	// Rate values are operations per second.
	Rate
	// Percent values are 0-100.
	Percent
	// Fraction values are 0-1, a share (k6's Rate metrics: errors.rate);
	// a threshold may give them as a plain number or with %.
	Fraction
)

// Threshold is one parsed expression.
type Threshold struct {
	// Expr is the expression as written, trimmed.
	Expr   string
	Metric Metric
	Op     Op
	// Value is the limit in the metric's unit: microseconds for durations.
	Value float64
	// Warning is set when the expression parses but likely means something
	// else to its writer (k6's rate<0.01, an error rate, on rbench's
	// throughput); the gate prints it.
	Warning string
}

// Parse parses one threshold expression. Errors are *SyntaxError with the
// column of the problem.
func Parse(expr string) (Threshold, error) {
	p := parser{src: expr}
	return p.threshold()
}

type parser struct {
	src string
	pos int // byte offset
}

func (p *parser) fail(at int, format string, args ...any) error {
	return &SyntaxError{Expr: p.src, Col: utf8.RuneCountInString(p.src[:at]) + 1, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

func isMetricChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '@' ||
		c == '(' || c == ')' || c == '|'
}

func (p *parser) threshold() (Threshold, error) {
	var t Threshold
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) && isMetricChar(p.src[p.pos]) {
		p.pos++
	}
	if p.pos == start {
		if p.pos >= len(p.src) {
			return t, p.fail(p.pos, "empty threshold: want METRIC OP VALUE, e.g. write.p99<1ms")
		}
		return t, p.fail(p.pos, "want a metric name (e.g. write.p99), found %q", p.rest(1))
	}
	m, err := parseMetric(p.src[start:p.pos], func(off int, format string, args ...any) error {
		return p.fail(start+off, format, args...)
	})
	if err != nil {
		return t, err
	}
	t.Metric = m
	p.skipSpace()
	opAt := p.pos
	switch {
	case strings.HasPrefix(p.src[p.pos:], "<="), strings.HasPrefix(p.src[p.pos:], ">="),
		strings.HasPrefix(p.src[p.pos:], "=="), strings.HasPrefix(p.src[p.pos:], "!="):
		t.Op = Op(p.src[p.pos : p.pos+2])
		p.pos += 2
	case strings.HasPrefix(p.src[p.pos:], "<"), strings.HasPrefix(p.src[p.pos:], ">"):
		t.Op = Op(p.src[p.pos : p.pos+1])
		p.pos++
	case strings.HasPrefix(p.src[p.pos:], "="):
		return t, p.fail(opAt, "%q is not an operator: use == (or <, <=, >, >=, !=)", "=")
	case p.pos >= len(p.src):
		return t, p.fail(opAt, "missing operator and value after %q: want one of < <= > >= == != then a value", m.Name)
	default:
		return t, p.fail(opAt, "want an operator (< <= > >= == !=), found %q", p.rest(1))
	}
	p.skipSpace()
	numAt := p.pos
	for p.pos < len(p.src) && strings.IndexByte("0123456789.eE+-", p.src[p.pos]) >= 0 {
		// An 'e' only belongs to the number when a digit or sign follows.
		if c := p.src[p.pos]; (c == 'e' || c == 'E') && !(p.pos+1 < len(p.src) && strings.IndexByte("0123456789+-", p.src[p.pos+1]) >= 0) {
			break
		}
		p.pos++
	}
	if p.pos == numAt {
		if p.pos >= len(p.src) {
			return t, p.fail(p.pos, "missing value after %q", string(t.Op))
		}
		return t, p.fail(numAt, "want a number, found %q", p.rest(1))
	}
	num := p.src[numAt:p.pos]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return t, p.fail(numAt, "%q is not a number", num)
	}
	if v < 0 {
		return t, p.fail(numAt, "negative value %s: no metric can be negative", num)
	}
	// "1 ms" reads as "1ms": allow spaces before a known unit.
	if save := p.pos; save < len(p.src) && (p.src[save] == ' ' || p.src[save] == '\t') {
		p.skipSpace()
		if _, ok := durationUnits[strings.TrimSpace(p.src[p.pos:])]; !ok && strings.TrimSpace(p.src[p.pos:]) != "%" {
			p.pos = save
		}
	}
	unitAt := p.pos
	for p.pos < len(p.src) && p.src[p.pos] != ' ' && p.src[p.pos] != '\t' {
		p.pos++
	}
	unit := p.src[unitAt:p.pos]
	p.skipSpace()
	if p.pos < len(p.src) {
		return t, p.fail(p.pos, "unexpected %q after the value", p.src[p.pos:])
	}
	scaled, err := applyUnit(m, v, unit)
	if err != nil {
		at := unitAt
		if unit == "" {
			at = numAt
		}
		return t, p.fail(at, "%s", err.Error())
	}
	t.Value = scaled
	t.Expr = strings.TrimSpace(p.src)
	t.Warning = k6Warning(t)
	return t, nil
}

// k6Warning flags a throughput threshold below 1 op/s: in k6, rate<0.01 on
// a Rate metric (http_req_failed) is an error share, which rbench spells
// errors.rate; rbench's rate is ops/s, and no benchmark gates a throughput
// below one op a second.
func k6Warning(t Threshold) string {
	if t.Metric.Kind != Rate || (t.Op != LT && t.Op != LE) || t.Value >= 1 {
		return ""
	}
	return fmt.Sprintf("%q reads as throughput %s %s ops/s; in k6, rate<%s is a share of failed requests: for that write errors.rate%s%s",
		t.Expr, t.Op, trim(t.Value, 6), trim(t.Value, 6), t.Op, trim(t.Value, 6))
}

func (p *parser) rest(n int) string {
	r := p.src[p.pos:]
	if len(r) > n {
		_, size := utf8.DecodeRuneInString(r)
		r = r[:size]
	}
	return r
}

// durationUnits are microseconds per unit.
var durationUnits = map[string]float64{"ns": 0.001, "us": 1, "µs": 1, "μs": 1, "ms": 1000, "s": 1_000_000}

func applyUnit(m Metric, v float64, unit string) (float64, error) {
	switch m.Kind {
	case Duration:
		if unit == "" {
			// As in k6: a duration without a unit is milliseconds.
			return v * 1000, nil
		}
		f, ok := durationUnits[unit]
		if !ok {
			return 0, fmt.Errorf("unknown unit %q for the duration %s: use ns, us, ms or s", unit, m.Name)
		}
		return v * f, nil
	case Percent:
		if unit != "" && unit != "%" {
			return 0, fmt.Errorf("%s is a percentage: write the value as a number or with %%, not %q", m.Name, unit)
		}
		return v, nil
	case Fraction:
		switch unit {
		case "":
			if v > 1 {
				return 0, fmt.Errorf("%s is a share from 0 to 1 (0.01 is 1%%): %s is more than all operations; write %s%%", m.Name, trim(v, 6), trim(v, 6))
			}
			return v, nil
		case "%":
			return v / 100, nil
		}
		return 0, fmt.Errorf("%s is a share from 0 to 1: write a plain number (0.01) or a percentage (1%%), not %q", m.Name, unit)
	default:
		if unit != "" {
			what := "a count"
			if m.Kind == Rate {
				what = "a rate in ops/s"
			}
			return 0, fmt.Errorf("%s is %s: write a plain number, without %q", m.Name, what, unit)
		}
		return v, nil
	}
}

// ParseList parses thresholds, one per line. Blank lines and lines starting
// with # are skipped, and so is a YAML list marker ("- write.p99<1ms", quotes
// allowed), so a YAML list of strings reads as well. name labels errors
// (usually the file name); they give its line too, one joined error per bad
// line so every one is reported at once.
func ParseList(r io.Reader, name string) ([]Threshold, error) {
	var out []Threshold
	var errs []error
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") || s == "---" {
			continue
		}
		if strings.HasPrefix(s, "- ") || s == "-" {
			s = strings.TrimSpace(s[1:])
		}
		// A trailing YAML comment.
		if i := strings.Index(s, " #"); i >= 0 {
			s = strings.TrimSpace(s[:i])
		}
		if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
			s = s[1 : len(s)-1]
		}
		t, err := Parse(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", name, line, err))
			continue
		}
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s:%d: %w", name, line+1, err))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
