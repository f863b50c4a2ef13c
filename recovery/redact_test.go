package recovery

import (
	"regexp"
	"strings"
	"testing"
)

func TestRedactCommand(t *testing.T) {
	tests := []struct{ cmd, want string }{
		{"docker compose -f compose/docker-compose.redis.yml restart redis", "docker [+5 words redacted]"},
		{"true", "true"},
		{"  systemctl   restart redis  ", "systemctl [+2 words redacted]"},
		{"REDISCLI_AUTH=hunter2 redis-cli shutdown", "redis-cli [+2 words redacted]"},
		{"redis-cli -a hunter2 -u redis://:hunter2@h:6379 shutdown", "redis-cli [+5 words redacted]"},
		{"A=1 B=2", "[2 words redacted]"},
		{"redis://:hunter2@h:6379", "[1 words redacted]"},
		{"'sh' -c 'x'", "[3 words redacted]"},
		{"", "[0 words redacted]"},
	}
	for _, tt := range tests {
		have := RedactCommand(tt.cmd)
		if have != tt.want {
			t.Errorf("RedactCommand(%q) = %q, want %q", tt.cmd, have, tt.want)
		}
		if strings.Contains(have, "hunter2") {
			t.Errorf("RedactCommand(%q) leaks the password: %q", tt.cmd, have)
		}
	}
}

func TestMaskCommandWords(t *testing.T) {
	cmd := "REDISCLI_AUTH=hunter2 redis-cli -u redis://admin:s3cr3t@db.internal:6379 shutdown; echo done"
	out := "connecting to redis://admin:s3cr3t@db.internal:6379 as admin with hunter2\nError: Connection refused"
	have := MaskCommandWords(out, cmd)
	for _, secret := range []string{"hunter2", "s3cr3t", "admin", "db.internal"} {
		if strings.Contains(have, secret) {
			t.Errorf("%q survives in %q", secret, have)
		}
	}
	if !strings.Contains(have, "Error: Connection refused") {
		t.Errorf("the command's own words are gone from %q", have)
	}
}

var redactedRE = regexp.MustCompile(`^(\S+|\S+ \[\+\d+ words redacted\]|\[\d+ words redacted\])$`)

// FuzzRedactCommand: whatever the command, the redacted form is the program
// name (never an assignment, never one carrying a credential) and a count;
// no other word of the command survives.
func FuzzRedactCommand(f *testing.F) {
	for _, s := range []string{"docker compose restart redis", "A=b c d", "redis-cli -a pw", "x@y:z w", "", " \t\n", "a\u00a0b c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cmd string) {
		have := RedactCommand(cmd)
		if !redactedRE.MatchString(have) {
			t.Fatalf("RedactCommand(%q) = %q: not a program name and a count", cmd, have)
		}
		prog, _, _ := strings.Cut(have, " ")
		if strings.HasPrefix(prog, "[") {
			return
		}
		if strings.ContainsAny(prog, "=@:'\"$`") {
			t.Fatalf("RedactCommand(%q) keeps %q", cmd, prog)
		}
		if words := strings.Fields(cmd); !contains(words, prog) {
			t.Fatalf("RedactCommand(%q) = %q: %q is not a word of the command", cmd, have, prog)
		}
	})
}

func contains(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}
