package gate_test

import (
	"fmt"

	"github.com/rbench/rbench/gate"
)

func ExampleParse() {
	for _, expr := range []string{"write.p99<1ms", "op.add_order@json.p99.9.service <= 2ms", "write.p99<1"} {
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
	// threshold "write.p99<1": column 11: write.p99 is a duration: give the value a unit (ns, us, ms or s), e.g. write.p99<1ms
	//   write.p99<1
	//             ^
}
