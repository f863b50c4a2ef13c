package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// Bad input gets one line that names the mistake and, where a near name
// exists, what was meant; it exits 2 (exitUsage) and never dumps the whole
// help. `rbench help CMD` shows a command's help.

// helpCommand is `rbench help [COMMAND]`.
func helpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "show the help of rbench or of one command",
		ArgsUsage: "[COMMAND]",
		UsageText: "rbench help [COMMAND]\n\nExamples:\n  rbench help\n  rbench help run",
		Action: func(c *cli.Context) error {
			switch name := c.Args().First(); {
			case c.Args().Len() > 1:
				return usageError(fmt.Errorf("help: give one command, not %d: rbench help run", c.Args().Len()))
			case name == "":
				return cli.ShowAppHelp(c)
			case c.App.Command(name) != nil:
				// From the app's context: ShowCommandHelp looks for name
				// among the subcommands of the context's command.
				return cli.ShowCommandHelp(c.Lineage()[1], name)
			default:
				return unknownCommand(c.App, name)
			}
		},
	}
}

// unknownCommand is the error for a command rbench does not have.
func unknownCommand(app *cli.App, name string) error {
	var names []string
	for _, cmd := range app.Commands {
		if !cmd.Hidden {
			names = append(names, cmd.Names()...)
		}
	}
	msg := fmt.Sprintf("unknown command %q", name)
	if s := closest(name, names); s != "" {
		msg += fmt.Sprintf(": did you mean %q?", s)
	}
	return usageError(errors.New(msg + " (rbench --help lists the commands)"))
}

// appAction runs when no command matched: an unknown command is bad input,
// no argument at all shows the help.
func appAction(c *cli.Context) error {
	if c.Args().Present() {
		return unknownCommand(c.App, c.Args().First())
	}
	return cli.ShowAppHelp(c)
}

// onUsageError turns urfave's flag errors (an unknown flag, a bad value)
// into one line naming the command, with the flag meant when there is a
// near one, instead of the command's whole help.
func onUsageError(c *cli.Context, err error, _ bool) error {
	where, help := "", "rbench --help"
	var flags []cli.Flag
	if c.Command != nil && c.Command.Name != "" && c.Command.Name != c.App.Name {
		where, help = c.Command.Name+": ", "rbench help "+c.Command.Name
		flags = c.Command.Flags
	} else {
		flags = c.App.Flags
	}
	msg := err.Error()
	if given, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name := strings.TrimLeft(given, "-")
		var names []string
		for _, f := range flags {
			names = append(names, f.Names()...)
		}
		names = append(names, "help")
		// The flag package says -name whichever dashes were typed.
		if len(name) > 1 {
			given = "--" + name
		}
		msg = "unknown flag " + given
		if s := closest(name, names); s != "" {
			dash := "--"
			if len(s) == 1 {
				dash = "-"
			}
			msg += fmt.Sprintf(": did you mean %s%s?", dash, s)
		}
	}
	return usageError(fmt.Errorf("%s%s (%s lists the flags)", where, msg, help))
}

// withUsageErrors gives every command the one-line usage errors.
func withUsageErrors(cmds []*cli.Command) []*cli.Command {
	for _, c := range cmds {
		c.OnUsageError = onUsageError
		withUsageErrors(c.Subcommands)
	}
	return cmds
}

// closest is the name nearest to s within a third of its length in edits
// (at least 1), a prefix of it, or a name it is a prefix of; "" when none,
// or when s is too short to guess from.
func closest(s string, names []string) string {
	if len([]rune(s)) < 3 {
		return ""
	}
	best, bestD := "", 0
	for _, n := range names {
		if len(n) < 2 {
			continue // -c, -d: a one-letter guess would be noise
		}
		d := editDistance(strings.ToLower(s), strings.ToLower(n))
		if strings.HasPrefix(n, s) || strings.HasPrefix(s, n) {
			d = min(d, 1)
		}
		if best == "" || d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" || bestD > max(1, len(s)/3) {
		return ""
	}
	return best
}

// editDistance is the Damerau-Levenshtein (optimal string alignment)
// distance: a swap of two neighbours counts one edit ("rnu" is "run").
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
