package report

import (
	"encoding/json"
	"fmt"
	"strings"
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

// section is one <section> of the report, skipped when it has no blocks
// and no cards.
type section struct {
	ID    string
	Title string
	// Cards are the verdict banner: one card per encoding and class (or per
	// recovery, per plan projection), shown before everything else.
	Cards  []card
	Notes  []string
	Blocks []block
}

// card is one verdict of the banner: the status word, what it judges and
// the figure and reason it rests on.
type card struct {
	Status string // PASS, FAIL, INVALID, NO VERDICT, INCOMPLETE, PLAN ...
	Class  string // pass, fail, invalid, none: the colour
	Title  string // "writes · msgpack"
	Figure string // "p99 94 µs"
	Reason string // "under the 1 ms target, 71,143 writes"
}

// block is a chart with the table of its exact numbers beside it, or a
// table (or list) alone.
type block struct {
	Title  string
	Note   string
	Chart  *chartRef
	Tables []table
	List   []string
	// Alert styles the list as problems (validity notes, dangers).
	Alert bool
	// Stack puts the tables under the chart, at full width: they are too
	// wide to sit beside it (set by layout).
	Stack bool
}

// besideWidthPx is the room tables get beside a chart on a 1400 px page.
const besideWidthPx = 680

// layout stacks every block whose widest table would not fit beside its
// chart.
func layout(p *page) {
	for i := range p.Sections {
		for j := range p.Sections[i].Blocks {
			blk := &p.Sections[i].Blocks[j]
			for _, t := range blk.Tables {
				blk.Stack = blk.Stack || (blk.Chart != nil && tableWidth(t) > besideWidthPx)
			}
		}
	}
}

// tableWidth estimates a table's width in px at 12 px: each column as wide
// as its widest cell (headers wrap, so their longest word) plus padding.
func tableWidth(t table) int {
	w := 0
	for c := range t.Head {
		col := 0
		for _, word := range strings.Fields(t.Head[c]) {
			col = max(col, len([]rune(word)))
		}
		for _, r := range t.Rows {
			if c < len(r) {
				col = max(col, len([]rune(r[c].Text)))
			}
		}
		w += col*7 + 14
	}
	return w
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
	// Scroll caps the height of long tables (per-second series) on screen;
	// print shows every row.
	Scroll bool
}

type cell struct {
	Text  string
	Class string // num, pass, fail, muted or ""
	// Title is the exact figure behind a rounded Text (a hover tip).
	Title string
}

// Axis kinds and units the page script knows how to label. They travel in
// chartSpec so that no JavaScript is built from strings.
const (
	axisNines    = "nines"    // x = -log10(1 - q)
	axisCategory = "category" // op names, payload types
	axisSeconds  = "seconds"  // whole seconds, from 0
	axisKeys     = "keys"     // keys in the dataset, log scale

	unitUs    = "us"
	unitOps   = "ops/s"
	unitBytes = "bytes"
	unitNs    = "ns"
	unitSec   = "s"
	unitCount = "count"
	unitLevel = "level" // heat map rows: latency bands, labelled by the data
)

// chartSpec is one chart as the page script receives it: the ECharts option
// object plus the hints the script turns into axis and tooltip formatters.
type chartSpec struct {
	ID   string `json:"id"`
	X    string `json:"x"`
	Y    string `json:"y"`
	YLog bool   `json:"ylog,omitempty"`
	// Horizontal bars: the value axis is x, the categories run down y.
	Horizontal bool `json:"horizontal,omitempty"`
	// Heatmap: x seconds, y latency bands, the colour log10(count + 1) and
	// the count itself in the fourth value.
	Heatmap bool           `json:"heatmap,omitempty"`
	Target  float64        `json:"target_us,omitempty"` // keep the target line in view
	Option  map[string]any `json:"option"`
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

func num(v float64) cell  { return cell{Text: fmtNum(v), Class: "num"} }
func inum(v int64) cell   { return cell{Text: fmtCount(v), Class: "num"} }
func text(s string) cell  { return cell{Text: s} }
func muted(s string) cell { return cell{Text: s, Class: "muted"} }

// us is a latency cell in readable units, the exact microseconds in its tip.
func us(v float64) cell {
	return cell{Text: fmtUs(v), Class: "num", Title: fmtNum(v) + " µs"}
}

// secs is a time in seconds, readable.
func secs(v float64) cell {
	return cell{Text: fmtUs(v * 1e6), Class: "num", Title: fmtNum(v) + " s"}
}

// bytesCell is a byte count in binary units, the exact count in its tip.
func bytesCell(v float64) cell {
	return cell{Text: fmtBytes(v), Class: "num", Title: fmtCount(int64(v)) + " B"}
}

// rate is a rate per second with thousands separators.
func rate(v float64) cell { return cell{Text: fmtRate(v), Class: "num", Title: fmtNum(v)} }

func verdict(pass bool) cell {
	if pass {
		return cell{Text: "PASS", Class: "pass"}
	}
	return cell{Text: "FAIL", Class: "fail"}
}

func errCell(n int64) cell {
	if n > 0 {
		return cell{Text: fmtCount(n), Class: "num fail"}
	}
	return inum(n)
}
