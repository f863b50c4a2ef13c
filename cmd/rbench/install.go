package main

import (
	"github.com/rbench/rbench/report"
)

// noChartLibraryFix is what a binary without the embedded chart library
// tells the user. `go install github.com/rbench/rbench/cmd/rbench@VERSION`
// builds such a binary: the library (report/assets/echarts.min.js) is fetched
// from the npm registry by make and never committed, so the module the Go
// proxy serves does not hold it.
const noChartLibraryFix = "this rbench was built without its chart library (report/assets/echarts.min.js), as `go install` builds are, so it cannot write HTML reports. " +
	"Fix: build rbench from a checkout with `make build` (it fetches the library with npm; the binary is bin/rbench), or use the Docker image (Dockerfile)"

// reportBuildable records a problem when flag (--report) is set and this
// binary cannot write reports, so the refusal comes before anything runs
// rather than after a long run whose report then fails.
func (in *inputs) reportBuildable(flag string) {
	if !in.c.Bool(flag) {
		return
	}
	if err := report.CheckChartLibrary(); err != nil {
		in.bad("--%s: %s; or drop --%s and write the report later with such a build: rbench report RESULTS.json", flag, noChartLibraryFix, flag)
	}
}
