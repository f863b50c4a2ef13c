package gate

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/rbench/rbench/internal/termtable"

	"github.com/rbench/rbench/results"
)

// Verdicts of a Change.
const (
	Noise  = "~ noise"
	Better = "better"
	Worse  = "worse"
	OnlyA  = "only in A"
	OnlyB  = "only in B"
	// TooFew: a percentile below its sample floor in A or B; not judged.
	TooFew = results.TooFewSamples
)

// Change is one statistic of one class or op kind in two runs.
type Change struct {
	// Scope is a class (write, read, startup) or an op kind with its
	// encoding (add_order@msgpack).
	Scope string
	// Stat is p50, p90, p99, p99.9, p99.99, max (response time) or rate.
	Stat string
	Kind Kind
	// A and B are the values (microseconds or ops/s); NaN when missing.
	A, B float64
	// DeltaPct is (B-A)/A in percent; NaN when either is missing or A is 0.
	DeltaPct float64
	// Verdict is Noise, Better, Worse, OnlyA, OnlyB or TooFew.
	Verdict string
	// FewA and FewB mark a percentile below its sample floor in A or B
	// (shown as n/a; its value is NaN).
	FewA, FewB bool
	// NA and NB are the samples behind the scope's figures in A and B.
	NA, NB int64
}

var compareStats = []string{"p50", "p90", "p99", "p99.9", "p99.99", "max", "rate"}

// Compare sets run b against run a, per class and per op kind and
// encoding, for each response-time percentile and the rate. A change within
// noise (a fraction: 0.05 is 5%) either way is marked Noise. A percentile
// below its sample floor in either run is marked TooFew, never judged.
func Compare(a, b *results.Run, noise float64) []Change {
	return CompareWith(a, b, CompareOptions{Noise: noise})
}

// CompareOptions configure CompareWith.
type CompareOptions struct {
	// Noise is the band (a fraction) within which a change is Noise.
	Noise float64
	// MatchOp pairs op kinds by name alone, whatever their encoding, so a
	// msgpack run and a JSON run compare call for call (rbench compare
	// --match op): add_order in A against add_order in B. The scope reads
	// "add_order msgpack→json".
	MatchOp bool
}

// encodingsOf lists the encodings of ops named name in run.
func encodingsOf(run *results.Run, name string) string {
	var encs []string
	for _, op := range run.Ops {
		if op.Name == name && !slices.Contains(encs, op.Encoding) {
			encs = append(encs, op.Encoding)
		}
	}
	if len(encs) == 0 {
		return "-"
	}
	return strings.Join(encs, "+")
}

// CompareWith is Compare with options.
func CompareWith(a, b *results.Run, o CompareOptions) []Change {
	noise := o.Noise
	av, bv := newView(a), newView(b)
	var scopes []Metric
	for _, class := range []string{results.ClassWrite, results.ClassRead, results.ClassStartup} {
		m := Metric{Scope: "class", Class: class}
		if len(av.ops(m)) > 0 || len(bv.ops(m)) > 0 {
			scopes = append(scopes, m)
		}
	}
	seen := map[[2]string]bool{}
	for _, r := range []*results.Run{a, b} {
		for _, op := range r.Ops {
			k := [2]string{op.Name, op.Encoding}
			if o.MatchOp {
				k[1] = ""
			}
			if !seen[k] {
				seen[k] = true
				scopes = append(scopes, Metric{Scope: "op", Op: op.Name, Encoding: k[1]})
			}
		}
	}
	var out []Change
	for _, s := range scopes {
		scope := s.Class
		if s.Scope == "op" {
			scope = s.Op
			if s.Encoding != "" {
				scope += "@" + s.Encoding
			}
			if o.MatchOp {
				scope += " " + encodingsOf(a, s.Op) + "→" + encodingsOf(b, s.Op)
			}
		}
		for _, stat := range compareStats {
			m := s
			m.Stat, m.Kind = stat, Duration
			if stat == "rate" {
				m.Kind = Rate
			} else if stat != "max" {
				fmt.Sscanf(stat[1:], "%g", &m.Percentile)
			}
			m.Name = canonical(m)
			c := Change{Scope: scope, Stat: stat, Kind: m.Kind, A: math.NaN(), B: math.NaN(), DeltaPct: math.NaN()}
			for _, op := range av.ops(m) {
				c.NA += op.Count
			}
			for _, op := range bv.ops(m) {
				c.NB += op.Count
			}
			v, err := av.value(m)
			if err == nil {
				c.A = v
			}
			c.FewA = errors.Is(err, ErrTooFewSamples)
			v, err = bv.value(m)
			if err == nil {
				c.B = v
			}
			c.FewB = errors.Is(err, ErrTooFewSamples)
			hasA, hasB := !math.IsNaN(c.A) || c.FewA, !math.IsNaN(c.B) || c.FewB
			switch {
			case !hasA && !hasB:
				continue
			case !hasB:
				c.Verdict = OnlyA
			case !hasA:
				c.Verdict = OnlyB
			case c.FewA || c.FewB:
				c.Verdict = TooFew
			default:
				c.Verdict = judge(&c, noise)
			}
			out = append(out, c)
		}
	}
	return out
}

func judge(c *Change, noise float64) string {
	if c.A == 0 {
		if c.B == 0 {
			c.DeltaPct = 0
			return Noise
		}
		if c.Kind == Rate {
			return Better
		}
		return Worse
	}
	c.DeltaPct = 100 * (c.B - c.A) / c.A
	if math.Abs(c.DeltaPct) <= noise*100 {
		return Noise
	}
	up := c.DeltaPct > 0
	if c.Kind == Rate {
		up = !up // a higher rate is better
	}
	if up {
		return Worse
	}
	return Better
}

func (c Change) cells() [5]string {
	delta := "-"
	if !math.IsNaN(c.DeltaPct) {
		delta = signedPct(c.DeltaPct)
	}
	a, b := format(c.Kind, c.A), format(c.Kind, c.B)
	if c.FewA {
		a = "n/a"
	}
	if c.FewB {
		b = "n/a"
	}
	return [5]string{c.Scope, c.Stat, a, b, delta}
}

// WriteCompare writes changes as an aligned table fitted to the terminal
// (120 columns); aName and bName head the value columns (the file names,
// wrapped at their slashes when long).
func WriteCompare(w io.Writer, changes []Change, aName, bName string) error {
	t := termtable.Table{Head: []string{"SCOPE", "STAT", "A: " + aName, "B: " + bName, "CHANGE", "VERDICT", "N A", "N B"}, Wrap: []int{2, 3}, Keep: []int{0, 1, 2, 3, 4, 5}}
	last := ""
	for _, c := range changes {
		cl := c.cells()
		if cl[0] == last {
			cl[0] = ""
		} else {
			last = cl[0]
		}
		t.Rows = append(t.Rows, []string{cl[0], cl[1], cl[2], cl[3], cl[4], c.Verdict, fmt.Sprint(c.NA), fmt.Sprint(c.NB)})
	}
	return t.Write(w, termtable.Width(w))
}

// WriteCompareMarkdown writes changes as a GitHub-flavoured Markdown table.
func WriteCompareMarkdown(w io.Writer, changes []Change, aName, bName string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "| Scope | Stat | A: %s | B: %s | Change | Verdict | n A | n B |\n|---|---|---:|---:|---:|---|---:|---:|\n", mdCell(aName), mdCell(bName))
	for _, c := range changes {
		cl := c.cells()
		v := c.Verdict
		switch v {
		case Worse:
			v = "🔺 worse"
		case Better:
			v = "🟢 better"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %d | %d |\n", mdCode(cl[0]), cl[1], cl[2], cl[3], cl[4], v, c.NA, c.NB)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
