package report

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
)

// The directory pattern always matches (README.md is committed), so a build
// made before `make assets` still compiles; Render reports the missing file.
//
//go:embed assets
var assetFS embed.FS

// chartLibraryPath is the embedded chart library, relative to the package.
const chartLibraryPath = "assets/echarts.min.js"

// chartLibrary returns the embedded ECharts build. Tests replace it to run
// without the asset.
var chartLibrary = func() ([]byte, error) { return readChartLibrary(assetFS) }

func readChartLibrary(fsys fs.FS) ([]byte, error) {
	b, err := fs.ReadFile(fsys, chartLibraryPath)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("%w: report/%s was not embedded in this build; run `make assets` (it fetches echarts from the npm registry) and rebuild", ErrNoChartLibrary, chartLibraryPath)
	}
	return b, nil
}

// CheckChartLibrary returns nil when this build embedded the chart library,
// else an error wrapping ErrNoChartLibrary that names the file and the fix.
// Binaries built with `go install .../cmd/rbench@version` lack it (it is
// fetched by make, not committed), so commands call this before they run
// anything that ends in a report.
func CheckChartLibrary() error {
	_, err := chartLibrary()
	return err
}

// checkInlineScript refuses a script that would end its <script> element
// early when inlined; html/template inserts template.JS verbatim.
func checkInlineScript(name string, b []byte) error {
	low := bytes.ToLower(b)
	for _, bad := range []string{"</script", "<!--", "<script"} {
		if bytes.Contains(low, []byte(bad)) {
			return fmt.Errorf("report: %s contains %q and cannot be inlined into a <script> element", name, bad)
		}
	}
	return nil
}
