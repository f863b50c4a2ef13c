package results

import "testing"

func TestWorseVerdict(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{RecoveryPass, RecoveryPass, RecoveryPass},
		{RecoveryPass, RecoveryFail, RecoveryFail},
		{RecoveryFail, RecoveryPass, RecoveryFail},
		{RecoveryFail, RecoveryIncomplete, RecoveryIncomplete},
		{RecoveryIncomplete, RecoveryPass, RecoveryIncomplete},
		{RecoveryPass, "", RecoveryIncomplete}, // never judged
		{"", RecoveryFail, RecoveryIncomplete},
	}
	for _, tt := range tests {
		if have := WorseVerdict(tt.a, tt.b); have != tt.want {
			t.Errorf("WorseVerdict(%q, %q) = %q, want %q", tt.a, tt.b, have, tt.want)
		}
	}
	for v, judged := range map[string]bool{RecoveryPass: true, RecoveryFail: true, RecoveryIncomplete: false, "": false} {
		if have := (&Recovery{Verdict: v}).Judged(); have != judged {
			t.Errorf("Recovery{Verdict: %q}.Judged() = %v", v, have)
		}
	}
}
