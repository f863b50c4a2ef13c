package termtable

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWriteFits(t *testing.T) {
	long := strings.Repeat("a long explanation that goes on ", 8)
	tests := []struct {
		name  string
		table Table
		width int
		want  []string // lines that must appear (trimmed)
		not   []string
	}{
		{
			name:  "fits as it is",
			table: Table{Head: []string{"op", "count"}, Rows: [][]string{{"add_order", "12"}}},
			width: 120,
			want:  []string{"op         count", "add_order  12"},
		},
		{
			name:  "empty columns dropped",
			table: Table{Head: []string{"op", "p99.9", "errors", "verdict"}, Rows: [][]string{{"a", "n/a", "-", "-"}, {"b", "n/a", "", "-"}}, Keep: []int{3}},
			width: 120,
			want:  []string{"op  verdict", "a   -"},
			not:   []string{"p99.9", "errors"},
		},
		{
			name:  "last column wraps",
			table: Table{Head: []string{"metric", "actual"}, Rows: [][]string{{"read.p99", long}}},
			width: 60,
			want:  []string{"metric    actual", "read.p99  a long explanation that goes on a long explanation", "          that goes on"},
		},
		{
			name:  "headers wrap first",
			table: Table{Head: []string{"startup seq", "startup conc", "trading ready"}, Rows: [][]string{{"1.84s", "0.61s", "2.30s"}}},
			width: 25,
			want:  []string{"startup  startup  trading", "seq      conc     ready", "1.84s    0.61s    2.30s"},
		},
		{
			name:  "a long word is cut at a slash",
			table: Table{Head: []string{"a", "path"}, Rows: [][]string{{"x", "results/run-20261201-105349-populate/run.json"}}, Wrap: []int{1}},
			width: 40,
			want:  []string{"x  results/run-20261201-105349-populate/", "   run.json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.table.Write(&b, tt.width); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			for _, l := range lines {
				if n := utf8.RuneCountInString(l); n > tt.width {
					t.Errorf("line of %d runes, wider than %d: %q", n, tt.width, l)
				}
			}
			for _, w := range tt.want {
				found := false
				for _, l := range lines {
					found = found || strings.TrimSpace(l) == strings.TrimSpace(w)
				}
				if !found {
					t.Errorf("no line %q in\n%s", w, b.String())
				}
			}
			for _, n := range tt.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("%q is still in\n%s", n, b.String())
				}
			}
		})
	}
}

func TestWrapNeverLosesText(t *testing.T) {
	s := "DEL + RPUSH (add_position), RPUSHX (update_position), DEL (purge_position)"
	for w := 5; w < 80; w++ {
		got := strings.Join(wrap(s, w), " ")
		if strings.Join(strings.Fields(got), "") != strings.Join(strings.Fields(s), "") {
			t.Fatalf("width %d: %q lost text of %q", w, got, s)
		}
		for _, l := range wrap(s, w) {
			if utf8.RuneCountInString(l) > w {
				t.Fatalf("width %d: line %q too long", w, l)
			}
		}
	}
}
