package node_test

import (
	"os/exec"
	"strings"
	"testing"
)

// engine lists the packages the node's model must not import: it describes
// what a node sends, and the engines (and the client builder) send it.
var engine = []string{"workloads", "recovery", "plan", "results", "connect", "config", "localredis", "serverview", "report", "gate", "compose", "cmd"}

// TestNodeImportsNothingOfTheEngine checks every package under node/,
// tests left out.
func TestNodeImportsNothingOfTheEngine(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "github.com/rbench/rbench/node/...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		for _, imp := range f[1:] {
			rest, ok := strings.CutPrefix(imp, "github.com/rbench/rbench/")
			if !ok {
				continue
			}
			top, _, _ := strings.Cut(rest, "/")
			for _, e := range engine {
				if top == e {
					t.Errorf("%s imports %s", f[0], imp)
				}
			}
		}
	}
}
