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
	if r.Samples > 0 {
		// A percentile is shown with the samples it rests on.
		return fmt.Sprintf("%s n=%d", r.Actual, r.Samples)
	}
	return r.Actual
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

func (r Report) summary() string {
	n, f, sk := len(r.Results), r.Failed(), r.Skipped()
	if len(r.Incomplete) > 0 {
		return fmt.Sprintf("FAIL: %d of %d thresholds failed: the run is incomplete (%s), so none can pass", f, n, strings.Join(r.Incomplete, "; "))
	}
	skipped := ""
	if sk > 0 {
		skipped = fmt.Sprintf(" (%d skipped: too few samples)", sk)
	}
	if f == 0 {
		return fmt.Sprintf("PASS: %d of %d thresholds passed%s", n-sk, n, skipped)
	}
	return fmt.Sprintf("FAIL: %d of %d thresholds failed%s", f, n, skipped)
}

// WriteMarkdown writes the report as a GitHub-flavoured Markdown table, for
// a CI job summary ($GITHUB_STEP_SUMMARY).
func (r Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	icon := "✅"
	if !r.Passed() {
		icon = "❌"
	}
	fmt.Fprintf(&b, "### rbench gate %s %s\n\n", icon, r.summary())
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
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
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
// empty). CI systems show it as test results.
func (r Report) WriteJUnit(w io.Writer, suite string) error {
	if suite == "" {
		suite = "rbench gate"
	}
	s := junitSuite{Name: suite, Tests: len(r.Results), Failures: r.Failed(), Skipped: r.Skipped()}
	for _, x := range r.Results {
		c := junitCase{Name: x.Metric + " " + x.Threshold, Classname: "rbench.gate",
			SystemOut: "actual: " + x.actualOrDetail()}
		if x.Skipped {
			c.Skipped = &junitSkipped{Message: x.Detail}
		}
		if !x.Pass {
			msg := fmt.Sprintf("%s: actual %s, want %s", x.Metric, x.Actual, x.Threshold)
			if x.Detail != "" {
				msg += ": " + x.Detail
			}
			c.Failure = &junitFailure{Message: msg, Type: "threshold", Text: msg}
		}
		s.Cases = append(s.Cases, c)
	}
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
