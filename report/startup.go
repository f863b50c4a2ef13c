package report

// The startup section: the node's startup load.

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

func (b *builder) startup() section {
	s := section{ID: "startup", Title: "Startup load", Notes: []string{"The node's startup: loading every cached instrument, account, order and position back from Redis."}}
	var cats []string
	seen := map[string]bool{}
	t := table{Head: []string{"run", "encoding", "style", "total s", "commands", "bytes", "keys"}}
	for i, r := range b.runs {
		for _, st := range r.Startup {
			c := joinName(st.Encoding, st.Style)
			if !seen[c] {
				seen[c] = true
				cats = append(cats, c)
			}
			t.Rows = append(t.Rows, []cell{text(b.opts.Names[i]), text(st.Encoding), text(st.Style), num(st.TotalSec), inum(st.Commands), inum(st.Bytes), text(keysText(st.Keys))})
		}
	}
	if len(cats) == 0 {
		return s
	}
	br := b.newBar(cats, unitSec, "seconds", heightBar)
	for i, r := range b.runs {
		vals := make([]float64, len(cats))
		for j := range vals {
			vals[j] = math.NaN()
		}
		for _, st := range r.Startup {
			for j, c := range cats {
				if c == joinName(st.Encoding, st.Style) {
					vals[j] = st.TotalSec
				}
			}
		}
		br.add(b.name(i, "startup load"), vals)
	}
	s.Blocks = append(s.Blocks, block{Title: "Startup load time", Chart: b.addBar(br, heightBar), Tables: []table{t}})
	return s
}

func keysText(keys map[string]int64) string {
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s=%d", k, keys[k])
	}
	return strings.Join(parts, " ")
}
