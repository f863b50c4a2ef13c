package redismonitor

import (
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		line    string
		want    Line
		wantErr string
	}{
		{`+1700000000.123456 [0 127.0.0.1:5555] "SET" "k" "v"` + "\r\n", Line{At: 1700000000.123456, DB: "0", Client: "127.0.0.1:5555", Args: []string{"SET", "k", "v"}}, ""},
		{`1.5 [3 unix:/tmp/r.sock] "rpush" "a b" "\x00\xff\\\"\n\r\t\a\b"`, Line{At: 1.5, DB: "3", Client: "unix:/tmp/r.sock", Args: []string{"rpush", "a b", "\x00\xff\\\"\n\r\t\a\b"}}, ""},
		{`1.5 [0 lua] "GET" ""`, Line{At: 1.5, DB: "0", Client: "lua", Args: []string{"GET", ""}}, ""},
		{`1.5 "GET"`, Line{}, "no [db client]"},
		{`x [0 a] "GET"`, Line{}, "time"},
		{`1.5 [0 a] GET`, Line{}, "not quoted"},
		{`1.5 [0 a] "GET`, Line{}, "unterminated"},
		{`1.5 [0 a] "\`, Line{}, "dangling escape"},
		{`1.5 [0 a] "\x4`, Line{}, "short \\x escape"},
		{`1.5 [0 a] "\xzz"`, Line{}, "bad \\x escape"},
		{`1.5 [0 a]`, Line{}, "no command"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.line)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q) error %v, want %q", tt.line, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.At != tt.want.At || got.DB != tt.want.DB || got.Client != tt.want.Client || !slices.Equal(got.Args, tt.want.Args) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
		}
	}
	if n := (Line{Args: []string{"rpush"}}).Name(); n != "RPUSH" {
		t.Errorf("Name %q", n)
	}
}

// FuzzParse: a parsed line has a command, and Parse never panics.
func FuzzParse(f *testing.F) {
	f.Add(`+1700000000.123456 [0 127.0.0.1:5555] "SET" "k" "\x00v"` + "\r\n")
	f.Add(`1 [0 a] "\"`)
	f.Add(`1 [0 a] "\x"`)
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Parse(s)
		if err == nil && len(l.Args) == 0 {
			t.Fatalf("no args from %q", s)
		}
	})
}
