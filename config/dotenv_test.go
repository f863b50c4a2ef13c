package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseDotenv(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []Entry
	}{
		{"plain", "A=1\nB=two", []Entry{{"A", "1", 1}, {"B", "two", 2}}},
		{"comments and blanks", "# c\n\n  # indented\nA=1\n", []Entry{{"A", "1", 4}}},
		{"export prefix", "export A=1\nexport\tB=2", []Entry{{"A", "1", 1}, {"B", "2", 2}}},
		{"exporter is a key", "exporter=1", []Entry{{"exporter", "1", 1}}},
		{"spaces around", "  A = spaced value  ", []Entry{{"A", "spaced value", 1}}},
		{"empty value", "A=", []Entry{{"A", "", 1}}},
		{"inline comment", "A=1 # the port", []Entry{{"A", "1", 1}}},
		{"hash without space", "A=pa#ss", []Entry{{"A", "pa#ss", 1}}},
		{"equals in value", "A=x=y", []Entry{{"A", "x=y", 1}}},
		{"single quotes literal", `A='a \n $B # x'`, []Entry{{"A", `a \n $B # x`, 1}}},
		{"double quotes escapes", `A="a\nb\t\"c\" \\ \$"`, []Entry{{"A", "a\nb\t\"c\" \\ $", 1}}},
		{"double quotes with comment after", `A="x y" # c`, []Entry{{"A", "x y", 1}}},
		{"unknown escape kept", `A="\d"`, []Entry{{"A", `\d`, 1}}},
		{"dollar not expanded", "A=$HOME", []Entry{{"A", "$HOME", 1}}},
		{"crlf", "A=1\r\nB=2\r\n", []Entry{{"A", "1", 1}, {"B", "2", 2}}},
		{"bom", "\ufeffA=1", []Entry{{"A", "1", 1}}},
		{"later wins order kept", "A=1\nA=2", []Entry{{"A", "1", 1}, {"A", "2", 2}}},
		{"underscore and digits", "_A1=x", []Entry{{"_A1", "x", 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDotenv(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseDotenvErrors(t *testing.T) {
	cases := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"no equals", "A=1\nJUSTAWORD", 2, "KEY=VALUE"},
		{"bad key", "A-B=1", 1, "not a variable name"},
		{"key starts with digit", "\n1A=1", 2, "not a variable name"},
		{"empty key", "=1", 1, "not a variable name"},
		{"unterminated single", "A='x", 1, "unterminated single quote"},
		{"unterminated double", "# c\n\nA=\"x", 3, "unterminated double quote"},
		{"trailing backslash", `A="x\`, 1, "unterminated double quote"},
		{"junk after quote", `A="x" y`, 1, "after the closing quote"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDotenv(strings.NewReader(tc.in))
			var de *DotenvError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *DotenvError", err)
			}
			if de.Line != tc.line || !strings.Contains(de.Msg, tc.msg) {
				t.Errorf("line %d msg %q, want line %d containing %q", de.Line, de.Msg, tc.line, tc.msg)
			}
			if !errors.Is(err, ErrDotenv) || !errors.Is(err, ErrInvalid) {
				t.Error("error does not match ErrDotenv and ErrInvalid")
			}
			if !strings.Contains(err.Error(), ":"+string(rune('0'+tc.line))+":") {
				t.Errorf("message %q lacks the line number", err)
			}
		})
	}
}

// FuzzParseDotenv: no panic; either entries with valid keys and line numbers
// within the input, or an error naming a line.
func FuzzParseDotenv(f *testing.F) {
	for _, s := range []string{"A=1", "export A='x'\n#c\nB=\"y\\n\" # z", "A", "A=\"", "\ufeffA=1\r\n", "1=2", "A='x' y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Count(s, "\n") + 1
		entries, err := ParseDotenv(strings.NewReader(s))
		if err != nil {
			var de *DotenvError
			if !errors.As(err, &de) || de.Line < 1 || de.Line > lines+1 || de.Msg == "" {
				t.Fatalf("error %v: want a *DotenvError with a line in 1..%d", err, lines)
			}
			return
		}
		for _, e := range entries {
			if !validKey(e.Key) || e.Line < 1 || e.Line > lines {
				t.Fatalf("bad entry %+v from %q", e, s)
			}
		}
	})
}
