package report

import (
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
