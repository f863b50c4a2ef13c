package payloads_test

import (
	"go/build"
	"strings"
	"testing"
)

// TestImportsNoEngine: node/payloads and everything it imports from this
// module stay inside node/ (the node's model imports nothing of the
// engine: not workloads/, results/, recovery/, plan/).
func TestImportsNoEngine(t *testing.T) {
	const module = "github.com/rbench/rbench/"
	seen := map[string]bool{}
	var walk func(path string)
	walk = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		pkg, err := build.Import(path, ".", 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if !strings.HasPrefix(imp, module+"node/") {
				t.Errorf("%s imports %s, outside node/", path, imp)
			}
			walk(imp)
		}
	}
	walk(module + "node/payloads")
	if !seen[module+"node/codecs"] {
		t.Fatalf("the walk did not reach node/codecs: %v", seen)
	}
}
