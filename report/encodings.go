package report

// The encodings section: msgpack vs JSON payloads, codec cost, memory and
// latency side by side.

import (
	"math"
	"slices"
	"strings"

	"github.com/rbench/rbench/results"
)

// payloadEncodings lists the payload encodings the runs measured (raw is
// none): the section compares them, so it needs at least one, and its title
// names them.
func (b *builder) payloadEncodings() []string {
	var out []string
	add := func(e string) {
		if e != "" && e != "raw" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	for _, r := range b.runs {
		for _, op := range r.Ops {
			add(op.Encoding)
		}
		for _, p := range r.Payloads {
			add(p.Encoding)
		}
	}
	return out
}

func (b *builder) encodings() section {
	encs := b.payloadEncodings()
	s := section{ID: "encodings", Title: "Payloads", Notes: []string{"The trading objects the node writes: their size on the wire and what encoding and decoding them costs in the client."}}
	switch {
	case len(encs) == 0:
		return s // a raw run writes no payloads
	case len(encs) == 2 && slices.Contains(encs, "msgpack") && slices.Contains(encs, "json"):
		s.Title = "msgpack vs JSON"
	case len(encs) > 1:
		s.Title = "Encodings compared: " + strings.Join(encs, ", ")
	}
	if len(encs) > 1 {
		s.Notes = []string{"The same trading objects written in each encoding: what they cost on the wire, in the client and in Redis latency (Redis memory per key: see Redis server)."}
	}
	// Payload rows keyed by run and encoding, over the payload types.
	type payloadSeries struct {
		run      int
		encoding string
		byType   map[string]results.PayloadSize
	}
	var types []string
	seenType := map[string]bool{}
	var ps []*payloadSeries
	for i, r := range b.runs {
		idx := map[string]*payloadSeries{}
		for _, p := range r.Payloads {
			if !seenType[p.Type] {
				seenType[p.Type] = true
				types = append(types, p.Type)
			}
			cur := idx[p.Encoding]
			if cur == nil {
				cur = &payloadSeries{run: i, encoding: p.Encoding, byType: map[string]results.PayloadSize{}}
				idx[p.Encoding] = cur
				ps = append(ps, cur)
			}
			cur.byType[p.Type] = p
		}
	}
	if len(ps) > 0 {
		payloadChart := func(title, unit, yName string, metrics []string, get func(results.PayloadSize, string) float64) {
			format := bytesCell
			if unit == unitNs {
				format = func(v float64) cell { return cell{Text: fmtNs(v), Class: "num", Title: fmtNum(v) + " ns"} }
			}
			br := b.newBar(types, unit, yName, heightBar)
			t := table{Caption: yName, Head: []string{"type"}}
			var cols []func(string) cell
			for _, p := range ps {
				for _, m := range metrics {
					name := b.name(p.run, p.encoding, m)
					vals := make([]float64, len(types))
					for j, ty := range types {
						v, ok := p.byType[ty]
						vals[j] = math.NaN()
						if ok {
							vals[j] = get(v, m)
						}
					}
					br.add(name, vals)
					t.Head = append(t.Head, name)
					byType := p.byType
					m := m
					cols = append(cols, func(ty string) cell {
						if v, ok := byType[ty]; ok {
							return format(get(v, m))
						}
						return muted("-")
					})
				}
			}
			for _, ty := range types {
				row := []cell{text(ty)}
				for _, col := range cols {
					row = append(row, col(ty))
				}
				t.Rows = append(t.Rows, row)
			}
			s.Blocks = append(s.Blocks, block{Title: title, Chart: b.addBar(br, heightBar), Tables: []table{t}})
		}
		payloadChart("Payload size per type", unitBytes, "bytes", []string{""}, func(p results.PayloadSize, _ string) float64 { return float64(p.Bytes) })
		payloadChart("Encode and decode cost per type", unitNs, "per object", []string{"encode", "decode"}, func(p results.PayloadSize, m string) float64 {
			if m == "encode" {
				return p.EncodeNs
			}
			return p.DecodeNs
		})
		hasMem := false
		for _, p := range ps {
			for _, v := range p.byType {
				hasMem = hasMem || v.MemoryPerKey > 0
			}
		}
		if hasMem {
			payloadChart("Redis memory per key, by payload type", unitBytes, "bytes per key", []string{""}, func(p results.PayloadSize, _ string) float64 {
				if p.MemoryPerKey == 0 {
					return math.NaN()
				}
				return p.MemoryPerKey
			})
		}
	}

	// Latency side by side, for op kinds measured in more than one encoding.
	var kinds []string
	for _, kind := range b.opKinds() {
		encs := map[string]bool{}
		for _, r := range b.runs {
			for _, op := range r.Ops {
				if op.Name == kind {
					encs[op.Encoding] = true
				}
			}
		}
		if len(encs) > 1 {
			kinds = append(kinds, kind)
		}
	}
	if len(kinds) > 0 {
		br := b.newBar(kinds, unitUs, "latency", heightBar)
		t := table{Caption: "response time; n/a where the op has too few samples for the percentile", Head: []string{"op"}}
		type col struct {
			run      int
			encoding string
			pct      string
		}
		var cols []col
		seen := map[col]bool{}
		for i, r := range b.runs {
			for _, op := range r.Ops {
				for _, pct := range []string{"p50", "p99"} {
					c := col{i, op.Encoding, pct}
					if !seen[c] {
						seen[c] = true
						cols = append(cols, c)
					}
				}
			}
		}
		value := func(c col, kind string) float64 {
			op := findOp(b.runs[c.run], opKey{kind, c.encoding})
			if op == nil {
				return math.NaN()
			}
			if c.pct == "p50" {
				if !results.Enough(0.5, op.Count) {
					return math.Inf(1)
				}
				return op.Response.P50
			}
			if !results.Enough(0.99, op.Count) {
				return math.Inf(1)
			}
			return op.Response.P99
		}
		for _, c := range cols {
			vals := make([]float64, len(kinds))
			for j, k := range kinds {
				if vals[j] = value(c, k); math.IsInf(vals[j], 1) {
					vals[j] = math.NaN() // too few samples: no bar
				}
			}
			br.add(b.name(c.run, c.encoding, c.pct), vals)
			t.Head = append(t.Head, b.name(c.run, c.encoding, c.pct))
		}
		for _, k := range kinds {
			row := []cell{text(k)}
			for _, c := range cols {
				switch v := value(c, k); {
				case math.IsInf(v, 1):
					row = append(row, cell{Text: "n/a", Class: "num muted", Title: results.TooFewSamples})
				case math.IsNaN(v):
					row = append(row, muted("-"))
				default:
					row = append(row, us(v))
				}
			}
			t.Rows = append(t.Rows, row)
		}
		s.Blocks = append(s.Blocks, block{Title: "Latency per op, side by side", Chart: b.addBar(br, heightBar), Tables: []table{t}})
	}

	// Client-side codec time measured during the run.
	ct := table{Caption: "client-side codec time per operation", Head: []string{"op", "series", "encode p50", "encode p99", "decode p50", "decode p99"}}
	for i, r := range b.runs {
		for _, op := range r.Ops {
			if op.Encode == nil && op.Decode == nil {
				continue
			}
			row := []cell{text(op.Name), text(b.name(i, encodingLabel(op.Encoding)))}
			for _, l := range []*results.Latency{op.Encode, op.Decode} {
				if l == nil {
					row = append(row, muted("-"), muted("-"))
					continue
				}
				row = append(row, floorUs(0.5, op.Count, l.P50), floorUs(0.99, op.Count, l.P99))
			}
			ct.Rows = append(ct.Rows, row)
		}
	}
	if len(ct.Rows) > 0 && (len(ps) > 0 || len(kinds) > 0) {
		s.Blocks = append(s.Blocks, block{Title: "Codec time during the run", Tables: []table{ct}})
	}
	return s
}
