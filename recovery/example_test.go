package recovery_test

import (
	"fmt"
	"time"

	"github.com/rbench/rbench/recovery"
)

// Judge splits the losses a verification found by the persistence policy's
// window: under appendfsync everysec, writes acknowledged in the last
// LossWindow before a crash may be lost; older ones may not.
func ExampleJudge() {
	crash := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)
	v := &recovery.Verification{Losses: []int64{
		crash.Add(-30 * time.Second).UnixNano(),       // lost from long before the crash: a failure
		crash.Add(-800 * time.Millisecond).UnixNano(), // the last second's writes: allowed
		crash.Add(-10 * time.Millisecond).UnixNano(),
	}}
	j := recovery.Judge(v, crash, recovery.DefaultLossWindow)
	fmt.Printf("lost %d, within the window %d, acknowledged %v to %v before the crash\n", j.Lost, j.Within, j.FirstBefore, j.LastBefore)
	// Output: lost 1, within the window 2, acknowledged 30s to 10ms before the crash
}
