package report

import (
	"strings"
	"testing"

	"github.com/rbench/rbench/results"
)

func TestServerCommand(t *testing.T) {
	tests := []struct {
		op    results.Op
		want  string
		about string
	}{
		{results.Op{Name: "set", Class: results.ClassWrite}, "set", "raw write"},
		{results.Op{Name: "get", Class: results.ClassRead}, "get", "raw read"},
		{results.Op{Name: "startup.lrange_order", Class: results.ClassStartup}, "lrange", "startup read"},
		{results.Op{Name: "startup.mget", Class: results.ClassStartup}, "mget", "startup MGET"},
		{results.Op{Name: "get_instrument", Class: results.ClassRead}, "get", "trading read of a string"},
		{results.Op{Name: "read_order", Class: results.ClassRead}, "lrange", "trading read of a list"},
		{results.Op{Name: "add_order", Class: results.ClassWrite}, "exec", "trading write: one MULTI/EXEC"},
		{results.Op{Name: "mystery", Class: results.ClassRead}, "", "unknown read"},
	}
	for _, tt := range tests {
		if have := serverCommand(tt.op); have != tt.want {
			t.Errorf("%s: serverCommand(%s) = %q, want %q", tt.about, tt.op.Name, have, tt.want)
		}
	}
}

// TestClusterNote: a run against a Redis Cluster says, in the server
// section, that its figures are sums over the primaries and that the node
// has no cluster mode; a single server's says nothing of the kind.
func TestClusterNote(t *testing.T) {
	notes := func(r *results.Run) string {
		p, err := buildPage([]*results.Run{r}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Sections {
			if s.ID == "server" {
				return strings.Join(s.Notes, "\n")
			}
		}
		t.Fatal("no server section")
		return ""
	}
	single := shared()
	if n := notes(single); strings.Contains(n, "Cluster") {
		t.Errorf("a single server's notes mention a cluster: %s", n)
	}
	cl := shared()
	cl.Server.Nodes = []string{"10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"}
	if n := notes(cl); !strings.Contains(n, "a Redis Cluster of 3 primaries (10.0.0.1:6379, 10.0.0.2:6379, 10.0.0.3:6379)") || !strings.Contains(n, "no cluster mode") {
		t.Errorf("cluster notes: %s", n)
	}
}
