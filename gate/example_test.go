package gate_test

import (
	"fmt"

	"github.com/rbench/rbench/gate"
)

func ExampleParse() {
	for _, expr := range []string{"write.p99<1ms", "op.add_order@json.p99.9.service <= 2ms", "p(99)<1", "write.avg<200", "write.p99<1xs"} {
		t, err := gate.Parse(expr)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s %s %gus\n", t.Metric, t.Op, t.Value)
	}
	// Output:
	// write.p99 < 1000us
	// op.add_order@json.p99.9.service <= 2000us
	// all.p99 < 1000us
	// write.mean < 200000us
	// threshold "write.p99<1xs": column 12: unknown unit "xs" for the duration write.p99: use ns, us, ms or s
	//   write.p99<1xs
	//              ^
}
