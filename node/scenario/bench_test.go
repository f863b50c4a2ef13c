package scenario

import (
	"testing"

	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
)

// BenchmarkGenerate measures the generator alone: cache calls per second
// with payloads built but not encoded.
func BenchmarkGenerate(b *testing.B) {
	g := New(Options{Seed: 1, Orders: 1 << 40})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := g.Next(); !ok {
			b.Fatal("stream ended")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

// BenchmarkGenerateEncode measures what a writer needs per call: the call,
// its payload encoded as msgpack and its Redis commands.
func BenchmarkGenerateEncode(b *testing.B) {
	g := New(Options{Seed: 1, Orders: 1 << 40})
	c, err := codecs.ByName(codecs.MsgPack)
	if err != nil {
		b.Fatal(err)
	}
	l := keyspace.Layout{}
	var buf []byte
	var cmds []keyspace.Cmd
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		call, ok := g.Next()
		if !ok {
			b.Fatal("stream ended")
		}
		buf = buf[:0]
		if call.Payload != nil {
			if buf, err = c.AppendEncode(buf, call.Payload); err != nil {
				b.Fatal(err)
			}
		}
		cmds = call.AppendCommands(cmds[:0], l, buf)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}
