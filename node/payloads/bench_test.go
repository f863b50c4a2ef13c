package payloads_test

import (
	"testing"

	"github.com/rbench/rbench/node/payloads"
)

// BenchmarkCodecs measures encode and decode of each payload type under each
// codec: go test ./payloads -run '^$' -bench Codecs -benchmem
func BenchmarkCodecs(b *testing.B) {
	for _, k := range payloads.Kinds {
		v := sample(b, k.Name, 7)
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
