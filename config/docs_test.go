package config

import (
	"os"
	"strings"
	"testing"
)

// TestEnvExample: .env.example documents every variable, and with its
// commented assignments switched on it is a valid configuration.
func TestEnvExample(t *testing.T) {
	raw, err := os.ReadFile("../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	var on strings.Builder
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "#"); ok && len(rest) > 0 && rest[0] >= 'A' && rest[0] <= 'Z' && strings.Contains(rest, "=") {
			line = rest
		}
		on.WriteString(line)
	}
	entries, err := ParseDotenv(strings.NewReader(on.String()))
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	for _, e := range entries {
		set[e.Key] = true
	}
	for _, v := range Vars {
		if !set[v.Name] {
			t.Errorf(".env.example has no %s= line", v.Name)
		}
		if !strings.Contains(string(raw), "--"+v.Flag) {
			t.Errorf(".env.example does not name the flag --%s", v.Flag)
		}
	}
	if !strings.Contains(string(raw), VarCLIAuth) {
		t.Errorf(".env.example does not mention %s", VarCLIAuth)
	}
	path := t.TempDir() + "/example.env"
	if err := os.WriteFile(path, []byte(on.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(Input{LookupEnv: func(string) (string, bool) { return "", false }, EnvFile: path}); err != nil {
		t.Errorf(".env.example, uncommented, is not valid: %v", err)
	}
}

// TestConfigurationDoc: docs/configuration.md lists every variable and flag.
func TestConfigurationDoc(t *testing.T) {
	raw, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars {
		if !strings.Contains(string(raw), "`"+v.Name+"`") || !strings.Contains(string(raw), "`--"+v.Flag+"`") {
			t.Errorf("docs/configuration.md lacks `%s` or `--%s`", v.Name, v.Flag)
		}
		if v.Default != "" && !strings.Contains(string(raw), "`"+v.Default+"`") {
			t.Errorf("docs/configuration.md lacks the default `%s` of %s", v.Default, v.Name)
		}
	}
}
