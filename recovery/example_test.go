package recovery_test

import (
	"fmt"
	"time"

	"github.com/rbench/rbench/recovery"
)

// Judge applies what Redis promises to the losses a verification found. A
// process kill under appendfsync everysec loses nothing, so every loss
// fails; a host crash may lose the writes of the last LossWindow, so those
// are excused and only the older one fails.
func ExampleJudge() {
	crash := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)
	v := &recovery.Verification{Losses: []int64{
		crash.Add(-30 * time.Second).UnixNano(),
		crash.Add(-800 * time.Millisecond).UnixNano(),
		crash.Add(-10 * time.Millisecond).UnixNano(),
	}}
	for _, stop := range []string{recovery.StopKill, recovery.StopHostCrash} {
		p := recovery.BasePromise("aof-everysec", stop, recovery.DefaultLossWindow)
		j := recovery.Judge(v, crash, p)
		fmt.Printf("%s: lost %d, excused %d, acknowledged %v to %v before the crash\n", stop, j.Lost, j.Excused, j.FirstBefore, j.LastBefore)
	}
	// Output:
	// process-kill: lost 3, excused 0, acknowledged 30s to 10ms before the crash
	// host-crash: lost 1, excused 2, acknowledged 30s to 10ms before the crash
}
