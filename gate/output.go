package gate

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/rbench/rbench/internal/termtable"
)

func verdict(pass bool) string {
	if pass {
		return "PASS"
	}
	return "FAIL"
}

// verdict is PASS, FAIL or SKIP.
func (r Result) verdict() string {
	if r.Skipped {
		return "SKIP"
	}
	return verdict(r.Pass)
}

func (r Result) actualOrDetail() string {
	if (r.Actual == "-" || r.Actual == "n/a") && r.Detail != "" {
		return r.Actual + " (" + r.Detail + ")"
	}
	s := r.Actual
	if r.Samples > 0 {
		// A percentile is shown with the samples it rests on.
		s = fmt.Sprintf("%s n=%d", r.Actual, r.Samples)
	}
	if r.Note != "" {
		s += ": " + r.Note
	}
	return s
}

// stableName is the check's name without any measured figure.
func (r Result) stableName() string {
	if r.Name != "" {
		return r.Name
	}
	return r.Metric
}

// Skipped counts the checks that were not decided.
func (r Report) Skipped() int {
	n := 0
	for _, x := range r.Results {
		if x.Skipped {
			n++
		}
	}
	return n
}

// WriteText writes the report as an aligned table with a summary line,
// fitted to the terminal (120 columns): a long detail wraps in its column.
func (r Report) WriteText(w io.Writer) error {
	t := termtable.Table{Head: []string{"METRIC", "THRESHOLD", "ACTUAL", "RESULT"}, Wrap: []int{2}, Keep: []int{0, 1, 2, 3}}
	for _, x := range r.Results {
		t.Rows = append(t.Rows, []string{x.Metric, x.Threshold, x.actualOrDetail(), x.verdict()})
	}
	if err := t.Write(w, termtable.Width(w)); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, r.summary())
	return err
}

// Summary is the report's summary line ("FAIL: 1 of 3 thresholds failed").
func (r Report) Summary() string { return r.summary() }

// Verdict is PASS, FAIL or SKIP.
func (r Result) Verdict() string { return r.verdict() }

// ActualText is the actual value as the text output shows it: with the
// samples behind a percentile, a baseline check's note, or why it is
// missing.
func (r Result) ActualText() string { return r.actualOrDetail() }

func (r Report) summary() string {
	n, f, sk := len(r.Results), r.Failed(), r.Skipped()
	if len(r.Incomplete) > 0 && !r.AllowPartial {
		return fmt.Sprintf("FAIL: %d of %d thresholds failed: %s, so none can pass (--allow-partial judges them anyway)", f, n, strings.Join(r.Incomplete, "; "))
	}
	partial := ""
	if len(r.Incomplete) > 0 {
		partial = fmt.Sprintf(" (judged with --allow-partial although %s)", strings.Join(r.Incomplete, "; "))
	}
	skipped := ""
	if sk > 0 {
		skipped = fmt.Sprintf(" (%d skipped: too few samples)", sk)
	}
	if f == 0 {
		return fmt.Sprintf("PASS: %d of %d thresholds passed%s%s", n-sk, n, skipped, partial)
	}
	return fmt.Sprintf("FAIL: %d of %d thresholds failed%s%s", f, n, skipped, partial)
}

// WriteMarkdown writes the report as a GitHub-flavoured Markdown table, for
// a CI job summary ($GITHUB_STEP_SUMMARY).
func (r Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	icon := "✅"
	if !r.Passed() {
		icon = "❌"
	}
	fmt.Fprintf(&b, "### rbench gate %s %s\n\n", icon, mdCell(r.summary()))
	var names []string
	for _, f := range []struct{ label, v string }{{"Run", r.Run}, {"Baseline", r.Baseline}, {"Report", r.ReportFile}} {
		if f.v != "" {
			names = append(names, fmt.Sprintf("%s: `%s`", f.label, mdCode(f.v)))
		}
	}
	if len(names) > 0 {
		b.WriteString(strings.Join(names, " · ") + "\n\n")
	}
	for _, x := range r.Results {
		if x.Warning != "" {
			fmt.Fprintf(&b, "> ⚠️ %s\n\n", mdCell(x.Warning))
		}
	}
	b.WriteString("| Metric | Threshold | Actual | Result |\n|---|---|---|---|\n")
	for _, x := range r.Results {
		res := "✅ PASS"
		switch {
		case x.Skipped:
			res = "⏭ SKIP"
		case !x.Pass:
			res = "❌ FAIL"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", mdCode(x.Metric), mdCell(x.Threshold), mdCell(x.actualOrDetail()), res)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCell escapes what would break a table cell or render as markup.
func mdCell(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "'")
	return r.Replace(s)
}

func mdCode(s string) string {
	return strings.NewReplacer("|", `\|`, "`", "'", "\n", " ").Replace(s)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML, one test case per check, a
// failed check as <failure>; suite names the test suite ("rbench gate" when
// empty). CI systems show it as test results and keep each test case's
// history by its name, so a name never holds a measured figure: it is the
// threshold as written, or "write.p99 vs baseline"; the figures go in the
// message and <system-out>. time is how long each check took to evaluate.
func (r Report) WriteJUnit(w io.Writer, suite string) error {
	if suite == "" {
		suite = "rbench gate"
	}
	s := junitSuite{Name: suite, Tests: len(r.Results), Failures: r.Failed(), Skipped: r.Skipped()}
	if !r.Start.IsZero() {
		s.Timestamp = r.Start.UTC().Format("2006-01-02T15:04:05")
	}
	var total float64
	for _, x := range r.Results {
		total += x.Seconds
		c := junitCase{Name: x.stableName(), Classname: "rbench.gate", Time: fmt.Sprintf("%.6f", x.Seconds),
			SystemOut: "actual: " + x.actualOrDetail()}
		if x.Skipped {
			c.Skipped = &junitSkipped{Message: x.Detail}
		}
		if !x.Pass {
			msg := fmt.Sprintf("%s: actual %s, want %s", x.Metric, x.Actual, x.Threshold)
			if x.Note != "" {
				msg += ": " + x.Note
			}
			if x.Detail != "" {
				msg += ": " + x.Detail
			}
			if len(r.Incomplete) > 0 && !r.AllowPartial {
				msg += ": " + strings.Join(r.Incomplete, "; ")
			}
			c.Failure = &junitFailure{Message: msg, Type: "threshold", Text: msg}
		}
		s.Cases = append(s.Cases, c)
	}
	s.Time = fmt.Sprintf("%.6f", total)
	doc := junitSuites{Name: suite, Tests: s.Tests, Failures: s.Failures, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
