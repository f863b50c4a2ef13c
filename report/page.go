package report

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rbench/rbench/results"
)

// page is everything the HTML template shows. Strings in it are plain text:
// html/template escapes them for their context.
type page struct {
	Title    string
	Subtitle string
	Sections []section
	// Charts holds every chart's option, serialised by chartsJSON.
	Charts []chartSpec
}

// section is one <section> of the report, skipped when it has no blocks.
type section struct {
	ID     string
	Title  string
	Notes  []string
	Blocks []block
}

// block is a chart with the table of its exact numbers beside it, or a
// table (or list) alone.
type block struct {
	Title  string
	Note   string
	Chart  *chartRef
	Tables []table
	List   []string
}

// chartRef places a chart's element in the page.
type chartRef struct {
	ID     string
	Height int // px
}

type table struct {
	Caption string
	Head    []string
	Rows    [][]cell
	// Scroll caps the height of long tables (per-second series).
	Scroll bool
}

type cell struct {
	Text  string
	Class string // num, pass, fail, muted or ""
}

// Axis kinds and units the page script knows how to label. They travel in
// chartSpec so that no JavaScript is built from strings.
const (
	axisNines    = "nines"    // x = -log10(1 - q)
	axisCategory = "category" // op names, payload types
	axisSeconds  = "seconds"  // seconds into the measured run
	axisCycle    = "cycle"

	unitUs    = "us"
	unitOps   = "ops/s"
	unitBytes = "bytes"
	unitNs    = "ns"
	unitSec   = "s"
	unitCount = "count"
)

// chartSpec is one chart as the page script receives it: go-echarts' option
// object plus the hints the script turns into axis and tooltip formatters.
type chartSpec struct {
	ID     string         `json:"id"`
	X      string         `json:"x"`
	Y      string         `json:"y"`
	YLog   bool           `json:"ylog,omitempty"`
	Target float64        `json:"target_us,omitempty"` // keep the target line in view
	Option map[string]any `json:"option"`
}

// chartsJSON serialises the chart specs for a <script type="application/json">
// element. encoding/json escapes <, > and & (and U+2028/9), so a name such as
// "</script>" cannot end the element.
func chartsJSON(specs []chartSpec) (string, error) {
	if specs == nil {
		specs = []chartSpec{}
	}
	b, err := json.Marshal(specs)
	if err != nil {
		return "", fmt.Errorf("report: encode charts: %w", err)
	}
	return string(b), nil
}

// echartsOption is what go-echarts' Line and Bar offer once configured.
type echartsOption interface {
	Validate()
	JSON() map[string]any
}

// fmtNum prints v with at most three decimals and no trailing zeros, so
// integers from histograms print as integers.
func fmtNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}

// fmtInt prints a count with thousands separators left out, so pasting into a
// spreadsheet gives a number.
func fmtInt(v int64) string { return strconv.FormatInt(v, 10) }

func num(v float64) cell  { return cell{Text: fmtNum(v), Class: "num"} }
func inum(v int64) cell   { return cell{Text: fmtInt(v), Class: "num"} }
func text(s string) cell  { return cell{Text: s} }
func muted(s string) cell { return cell{Text: s, Class: "muted"} }

func verdict(pass bool) cell {
	if pass {
		return cell{Text: "PASS", Class: "pass"}
	}
	return cell{Text: "FAIL", Class: "fail"}
}

// fmtDuration prints a latency in microseconds the way people read it.
func fmtUs(us float64) string {
	switch {
	case results.Beyond(us):
		return results.BeyondLabel
	case us >= 1e6:
		return fmtNum(us/1e6) + " s"
	case us >= 1e3:
		return fmtNum(us/1e3) + " ms"
	default:
		return fmtNum(us) + " µs"
	}
}

// joinName builds a series name from its non-empty parts.
func joinName(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}
