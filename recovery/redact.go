package recovery

import (
	"fmt"
	"sort"
	"strings"
)

// RedactCommand is how a restart command appears in results, logs and
// errors: its program name and how many words followed, never the words
// themselves, since any of them may be a password (redis-cli -a PW,
// REDISCLI_AUTH=PW, a URL with credentials, a docker -e). No hash either:
// a hash of a short command with a weak password can be confirmed by
// guessing. Leading NAME=value assignments count as redacted words, and a
// program name that looks like it carries a credential is redacted too.
//
//	docker compose -f compose/docker-compose.redis.yml restart redis -> docker [+5 words redacted]
func RedactCommand(cmd string) string {
	words := strings.Fields(cmd)
	prog := -1
	for i, w := range words {
		if !strings.Contains(w, "=") {
			prog = i
			break
		}
	}
	if prog < 0 || strings.ContainsAny(words[prog], "@:'\"$`") {
		return fmt.Sprintf("[%d words redacted]", len(words))
	}
	rest := len(words) - 1
	if rest == 0 {
		return words[prog]
	}
	return fmt.Sprintf("%s [+%d words redacted]", words[prog], rest)
}

// MaskCommandWords replaces in out (a restart command's output) every word
// of cmd other than its program name, and every part of such a word around
// = : @ / , ; & | ( ) < > and quotes, with "***", so that a command that echoes its
// arguments cannot print a password it was given. Parts shorter than four
// characters are left alone (they are options and numbers, and masking
// them would garble the output).
func MaskCommandWords(out, cmd string) string {
	if out == "" {
		return out
	}
	words := strings.Fields(cmd)
	prog := ""
	for _, w := range words {
		if !strings.Contains(w, "=") {
			prog = w
			break
		}
	}
	seen := map[string]bool{}
	var secrets []string
	add := func(s string) {
		s = strings.Trim(s, `'"`)
		if len(s) >= 4 && s != prog && !seen[s] {
			seen[s] = true
			secrets = append(secrets, s)
		}
	}
	for _, w := range words {
		add(w)
		for _, part := range strings.FieldsFunc(w, func(r rune) bool { return strings.ContainsRune(`=:@/,;&|()<>'"`, r) }) {
			add(part)
		}
	}
	// Longest first, so a word is masked whole before its parts.
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	for _, s := range secrets {
		out = strings.ReplaceAll(out, s, "***")
	}
	return out
}
