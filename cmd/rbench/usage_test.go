package main

import (
	"strings"
	"testing"
)

func TestClosest(t *testing.T) {
	names := []string{"run", "report", "recover", "gate", "compare", "plan", "duration", "threshold", "connections", "c", "db"}
	for _, tt := range []struct{ have, want string }{
		{"rnu", "run"},      // a swap is one edit
		{"repot", "report"}, // a letter missing
		{"duraton", "duration"},
		{"thresold", "threshold"},
		{"connection", "connections"}, // a prefix
		{"gat", "gate"},
		{"Q", ""},         // too short to guess
		{"xyzzy", ""},     // nothing near
		{"plans", "plan"}, // a name it starts with
	} {
		if have := closest(tt.have, names); have != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.have, have, tt.want)
		}
	}
}

// TestUsageErrors runs the binary: a help topic, an unknown command and a
// flag typo each get one line (no help dump), the near name, and exit 2.
func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		want string // on stderr, or stdout for help
	}{
		{[]string{"help", "run"}, 0, "rbench run - run a workload"},
		{[]string{"help"}, 0, "COMMANDS:"},
		{[]string{"rnu"}, 2, `unknown command "rnu": did you mean "run"?`},
		{[]string{"help", "rnu"}, 2, `unknown command "rnu": did you mean "run"?`},
		{[]string{"run", "--duraton", "5s"}, 2, "run: unknown flag --duraton: did you mean --duration? (rbench help run lists the flags)"},
		{[]string{"gate", "--thresold", "write.p99<1ms", "x.json"}, 2, "gate: unknown flag --thresold: did you mean --threshold?"},
		{[]string{"--colour"}, 2, "unknown flag --colour (rbench --help lists the flags)"},
		{[]string{"run", "--duration", "soon"}, 2, `run: invalid value "soon" for flag -duration`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, code := runRbench(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			out := stdout + stderr
			if !strings.Contains(out, tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out)
			}
			if tt.code != 0 {
				if n := strings.Count(strings.TrimSpace(stderr), "\n") + 1; n > 1 || stdout != "" {
					t.Errorf("%d lines on stderr and %d bytes on stdout, want one line of error:\n%s%s", n, len(stdout), stdout, stderr)
				}
			}
		})
	}
}
