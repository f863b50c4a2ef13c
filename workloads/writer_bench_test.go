package workloads

import (
	"context"
	"testing"

	"github.com/rbench/rbench/localredis"
)

// BenchmarkWriterCall runs order-flow closed loop on one connection for
// b.N cache calls against a throwaway server: ns/op is a cache call's whole
// cost (encode, the writer's transactions, recording), allocs/op the
// engine's and go-redis's allocations per call (set-up amortised over b.N).
func BenchmarkWriterCall(b *testing.B) {
	srv := localredis.ForTest(b, localredis.Options{Persistence: localredis.None})
	c := newClient(b, srv, 1)
	b.ReportAllocs()
	b.ResetTimer()
	run, err := Run(context.Background(), Options{Client: c, Spec: Spec{Workload: "order-flow", Connections: 1, Ops: int64(b.N)}})
	if err != nil {
		b.Fatal(err)
	}
	if n := totalErrors(run.Errors); n > 0 {
		b.Fatalf("%d errors", n)
	}
}
