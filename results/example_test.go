package results_test

import (
	"fmt"

	"github.com/rbench/rbench/results"
)

func ExampleSummarize() {
	h := results.NewHistogram()
	for v := int64(1); v <= 1000; v++ {
		h.RecordValue(v) // microseconds
	}
	l := results.Summarize(h)
	fmt.Printf("p50=%.0fus p99=%.0fus max=%.0fus mean=%.1fus\n", l.P50, l.P99, l.Max, l.Mean)
	// Output: p50=500us p99=990us max=1000us mean=500.5us
}
