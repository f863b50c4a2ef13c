package report

// The encodings section: msgpack vs JSON payloads, codec cost, memory and
// latency side by side.

import (
	"math"

	"github.com/rbench/rbench/results"
)

func (b *builder) encodings() section {
	s := section{ID: "encodings", Title: "msgpack vs JSON", Notes: []string{"The same trading objects written in each encoding: what they cost on the wire, in the client, in Redis latency and in Redis memory."}}
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
							return num(get(v, m))
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
		payloadChart("Encode and decode cost per type", unitNs, "ns/object", []string{"encode", "decode"}, func(p results.PayloadSize, m string) float64 {
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

	if blk, ok := b.memoryPerKey(); ok {
		s.Blocks = append(s.Blocks, blk)
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
		br := b.newBar(kinds, unitUs, "latency µs", heightBar)
		t := table{Caption: "response time, µs", Head: []string{"op"}}
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
				return op.Response.P50
			}
			return op.Response.P99
		}
		for _, c := range cols {
			vals := make([]float64, len(kinds))
			for j, k := range kinds {
				vals[j] = value(c, k)
			}
			br.add(b.name(c.run, c.encoding, c.pct), vals)
			t.Head = append(t.Head, b.name(c.run, c.encoding, c.pct))
		}
		for _, k := range kinds {
			row := []cell{text(k)}
			for _, c := range cols {
				if v := value(c, k); !math.IsNaN(v) {
					row = append(row, num(v))
				} else {
					row = append(row, muted("-"))
				}
			}
			t.Rows = append(t.Rows, row)
		}
		s.Blocks = append(s.Blocks, block{Title: "Latency per op, side by side", Chart: b.addBar(br, heightBar), Tables: []table{t}})
	}

	// Client-side codec time measured during the run.
	ct := table{Caption: "client-side codec time per operation, µs", Head: []string{"op", "series", "encode p50", "encode p99", "decode p50", "decode p99"}}
	for i, r := range b.runs {
		for _, op := range r.Ops {
			if op.Encode == nil && op.Decode == nil {
				continue
			}
			row := []cell{text(op.Name), text(b.name(i, op.Encoding))}
			for _, l := range []*results.Latency{op.Encode, op.Decode} {
				if l == nil {
					row = append(row, muted("-"), muted("-"))
					continue
				}
				row = append(row, num(l.P50), num(l.P99))
			}
			ct.Rows = append(ct.Rows, row)
		}
	}
	if len(ct.Rows) > 0 && (len(ps) > 0 || len(kinds) > 0) {
		s.Blocks = append(s.Blocks, block{Title: "Codec time during the run", Tables: []table{ct}})
	}
	return s
}

// memoryPerKey charts MEMORY USAGE per collection and encoding, sampled by
// the server view at the end of the run.
func (b *builder) memoryPerKey() (block, bool) {
	var cols []string
	seenCol := map[string]bool{}
	type key struct {
		run      int
		encoding string
	}
	var keys []key
	seenKey := map[key]bool{}
	vals := map[key]map[string]results.MemoryUsage{}
	for i, r := range b.runs {
		if r.Server == nil {
			continue
		}
		for _, m := range r.Server.Memory {
			if !seenCol[m.Collection] {
				seenCol[m.Collection] = true
				cols = append(cols, m.Collection)
			}
			k := key{i, m.Encoding}
			if !seenKey[k] {
				seenKey[k] = true
				keys = append(keys, k)
				vals[k] = map[string]results.MemoryUsage{}
			}
			vals[k][m.Collection] = m
		}
	}
	if len(keys) == 0 {
		return block{}, false
	}
	br := b.newBar(cols, unitBytes, "bytes per key", heightBar)
	t := table{Caption: "MEMORY USAGE per key, bytes (mean over the sampled keys)", Head: []string{"series", "collection", "sampled", "mean", "p50", "max", "total"}}
	for _, k := range keys {
		v := make([]float64, len(cols))
		for j, c := range cols {
			v[j] = math.NaN()
			if m, ok := vals[k][c]; ok {
				v[j] = m.MeanBytes
			}
		}
		br.add(b.name(k.run, k.encoding), v)
		for _, c := range cols {
			if m, ok := vals[k][c]; ok {
				t.Rows = append(t.Rows, []cell{text(b.name(k.run, k.encoding)), text(c), inum(int64(m.Sampled)), num(m.MeanBytes), inum(m.P50Bytes), inum(m.MaxBytes), inum(m.TotalBytes)})
			}
		}
	}
	return block{Title: "Redis memory per key, by collection", Chart: b.addBar(br, heightBar), Tables: []table{t}}, true
}
