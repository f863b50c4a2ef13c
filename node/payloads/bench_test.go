package payloads_test

import (
	"testing"

	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/node/scenario"
)

// BenchmarkCodecs measures encode and decode of each payload type under each
// codec: go test ./node/payloads -run '^$' -bench Codecs -benchmem
// (the scenario's seed-7 sample, or the fixed example for a type the
// scenario does not write).
func BenchmarkCodecs(b *testing.B) {
	for _, k := range payloads.Kinds {
		v, err := scenario.Sample(k.Name, scenario.Options{Seed: 7})
		if err != nil {
			if v, err = payloads.ExampleOf(k.Name, false); err != nil {
				b.Fatal(err)
			}
		}
		for _, c := range allCodecs(b) {
			data, err := c.Encode(v)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(k.Name+"/"+c.Name()+"/encode", func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				buf := make([]byte, 0, 2*len(data))
				for b.Loop() {
					buf, err = c.AppendEncode(buf[:0], v)
					if err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(k.Name+"/"+c.Name()+"/decode", func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					out := k.New()
					if err := c.Decode(data, out); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
