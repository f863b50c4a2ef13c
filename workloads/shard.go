package workloads

import (
	"fmt"
	"time"
)

// ShardPacer is generator Index's part (from 0) of a schedule split over
// Count generators: its operation k is the whole schedule's operation
// k*Count + Index. Together the generators send exactly the whole
// schedule, each at 1/Count of its rate, interleaved rather than in blocks
// so that a step or ramp schedule steps at the same moment on every one.
type ShardPacer struct {
	P            Pacer
	Index, Count int
}

// Pace implements Pacer.
func (p ShardPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	return p.P.Pace(elapsed, hits*uint64(p.Count)+uint64(p.Index))
}

// Rate implements Pacer.
func (p ShardPacer) Rate(elapsed time.Duration) float64 { return p.P.Rate(elapsed) / float64(p.Count) }

func (p ShardPacer) String() string {
	return fmt.Sprintf("shard %d/%d of %s", p.Index+1, p.Count, pacerString(p.P))
}

// ShardShare is generator index's (from 0) share of total when total
// things (operations, connections) are dealt out over count generators one
// by one: total/count, one more for the first total%count. The shares add
// up to total, and ShardPacer's operations are dealt the same way.
func ShardShare(total int64, index, count int) int64 {
	if count <= 1 {
		return total
	}
	n := total / int64(count)
	if int64(index) < total%int64(count) {
		n++
	}
	return n
}

// ShardFirst is the number of things dealt to generators before index.
func ShardFirst(total int64, index, count int) int64 {
	var n int64
	for i := 0; i < index; i++ {
		n += ShardShare(total, i, count)
	}
	return n
}
