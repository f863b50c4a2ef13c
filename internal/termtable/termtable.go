// Package termtable prints the tables rbench writes to a terminal, fitted
// to a width (120 columns unless the terminal is wider): columns that say
// nothing (every cell empty, "-" or "n/a") are left out; when the rest is
// still too wide, headers wrap at their spaces, then the widest columns that
// may wrap are narrowed and their cells wrapped at spaces (or slashes, or
// anywhere, for a long word).
// Widths count runes, so "µs" is two columns.
package termtable

import (
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
)

// DefaultWidth is the width a table fits when the output is not a wider
// terminal.
const DefaultWidth = 120

// minWrap is the narrowest a wrapped column gets.
const minWrap = 8

// gap is the space between columns.
const gap = 2

// Table is a table to print.
type Table struct {
	Head []string
	Rows [][]string
	// Wrap lists the columns that may wrap, by index; none: the last
	// column only, unless NoWrap.
	Wrap   []int
	NoWrap bool
	// Keep lists columns shown even when they say nothing (a verdict
	// column of dashes still says something).
	Keep []int
}

// Width is the width to fit for output w: the terminal's when w is a
// terminal wider than DefaultWidth, else DefaultWidth.
func Width(w io.Writer) int {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > DefaultWidth {
			return cols
		}
	}
	return DefaultWidth
}

// empty reports whether a cell says nothing.
func empty(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || s == "-" || s == "n/a"
}

func contains(list []int, i int) bool {
	for _, v := range list {
		if v == i {
			return true
		}
	}
	return false
}

// Fitted returns the table with its empty columns dropped (Keep aside).
func (t Table) Fitted() Table {
	var keep []int
	for c := range t.Head {
		if contains(t.Keep, c) {
			keep = append(keep, c)
			continue
		}
		for _, r := range t.Rows {
			if c < len(r) && !empty(r[c]) {
				keep = append(keep, c)
				break
			}
		}
	}
	out := Table{}
	for k, c := range keep {
		out.Head = append(out.Head, t.Head[c])
		if contains(t.Wrap, c) || (len(t.Wrap) == 0 && !t.NoWrap && c == len(t.Head)-1) {
			out.Wrap = append(out.Wrap, k)
		}
		if contains(t.Keep, c) {
			out.Keep = append(out.Keep, k)
		}
	}
	if len(t.Wrap) == 0 && !t.NoWrap && len(keep) > 0 && keep[len(keep)-1] != len(t.Head)-1 {
		out.Wrap = append(out.Wrap, len(keep)-1)
	}
	for _, r := range t.Rows {
		row := make([]string, len(keep))
		for k, c := range keep {
			if c < len(r) {
				row[k] = r[c]
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// Write prints the table fitted to width: empty columns dropped, then wrap
// columns narrowed until the lines fit (or reach their narrowest).
func (t Table) Write(w io.Writer, width int) error {
	t = t.Fitted()
	n := len(t.Head)
	if n == 0 {
		return nil
	}
	widths := make([]int, n)
	for c := range t.Head {
		widths[c] = utf8.RuneCountInString(t.Head[c])
		for _, r := range t.Rows {
			widths[c] = max(widths[c], utf8.RuneCountInString(r[c]))
		}
	}
	total := func() int {
		s := gap * (n - 1)
		for _, v := range widths {
			s += v
		}
		return s
	}
	// First let headers wrap at their spaces, the column that gains most
	// first, until the table fits: a column need be no wider than its
	// widest cell and its header's longest word.
	for total() > width {
		best, gain := -1, 0
		for c := range t.Head {
			narrow := 0
			for _, word := range strings.Fields(t.Head[c]) {
				narrow = max(narrow, utf8.RuneCountInString(word))
			}
			for _, r := range t.Rows {
				narrow = max(narrow, utf8.RuneCountInString(r[c]))
			}
			if g := widths[c] - narrow; g > gain {
				best, gain = c, g
			}
		}
		if best < 0 {
			break
		}
		widths[best] -= gain
	}
	// Then narrow the wrap columns, the widest first, a column at a time.
	for total() > width {
		best := -1
		for _, c := range t.Wrap {
			if widths[c] > minWrap && (best < 0 || widths[c] > widths[best]) {
				best = c
			}
		}
		if best < 0 {
			break
		}
		widths[best]--
	}
	var b strings.Builder
	line := func(cells []string) {
		wrapped := make([][]string, n)
		lines := 1
		for c := range cells {
			wrapped[c] = wrap(cells[c], widths[c])
			lines = max(lines, len(wrapped[c]))
		}
		for l := 0; l < lines; l++ {
			var sb strings.Builder
			for c := range cells {
				s := ""
				if l < len(wrapped[c]) {
					s = wrapped[c][l]
				}
				sb.WriteString(s)
				if c < n-1 {
					sb.WriteString(strings.Repeat(" ", widths[c]-utf8.RuneCountInString(s)+gap))
				}
			}
			b.WriteString(strings.TrimRight(sb.String(), " "))
			b.WriteByte('\n')
		}
	}
	line(t.Head)
	for _, r := range t.Rows {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wrap breaks s into lines of at most width runes: at spaces, else after a
// slash, comma, dash or underscore, else anywhere.
func wrap(s string, width int) []string {
	if utf8.RuneCountInString(s) <= width {
		return []string{s}
	}
	var out []string
	var cur []rune
	for _, word := range strings.Fields(s) {
		wr := []rune(word)
		for len(wr) > width {
			// A word longer than the column: break it at its last slash
			// or comma that fits, else at the width.
			if len(cur) > 0 {
				out = append(out, string(cur))
				cur = nil
			}
			cut := width
			for i := width - 1; i > width/2; i-- {
				if wr[i] == '/' || wr[i] == ',' || wr[i] == '-' || wr[i] == '_' {
					cut = i + 1
					break
				}
			}
			out = append(out, string(wr[:cut]))
			wr = wr[cut:]
		}
		switch {
		case len(cur) == 0:
			cur = wr
		case len(cur)+1+len(wr) <= width:
			cur = append(append(cur, ' '), wr...)
		default:
			out = append(out, string(cur))
			cur = wr
		}
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

// Paragraph writes text wrapped to width, each line after the first indented
// by hang spaces more than first (a bullet's continuation lines under its
// text).
func Paragraph(w io.Writer, first, text string, hang, width int) error {
	lines := wrap(text, max(minWrap, width-utf8.RuneCountInString(first)))
	var b strings.Builder
	for i, l := range lines {
		if i == 0 {
			b.WriteString(first)
		} else {
			b.WriteString(strings.Repeat(" ", hang))
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
