package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/config"
)

func configCommand() *cli.Command {
	return &cli.Command{
		Name:  "config",
		Usage: "print the effective configuration and where each value came from",
		UsageText: `rbench config [--json] [connection flags]

Examples:
  rbench config
  REDIS_URL=redis://:secret@cache:6379/2 rbench config --trader-id TRADER-007
  rbench config --env-file prod.env --json`,
		Description: `Sources, highest first: flags, environment, the .env file (--env-file,
default ./.env when present), defaults. Passwords always print as ****.
Exits 2 when the configuration is invalid, naming every problem.`,
		Flags: append(connectionFlags(), &cli.BoolFlag{Name: "json", Usage: "print JSON"}),
		Action: func(c *cli.Context) error {
			in := newInputs(c)
			cfg := in.config()
			in.connection()
			if err := in.err(); err != nil {
				return err
			}
			if c.Bool("json") {
				return writeConfigJSON(c.App.Writer, cfg)
			}
			return writeConfigText(c.App.Writer, cfg)
		},
	}
}

type configSettingJSON struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
	Origin string `json:"origin"`
}

type configJSON struct {
	Target     string              `json:"target"`
	Configured bool                `json:"configured"`
	Prefix     string              `json:"prefix"`
	EnvFile    string              `json:"env_file"`
	Settings   []configSettingJSON `json:"settings"`
}

func writeConfigJSON(w io.Writer, cfg *config.Config) error {
	out := configJSON{Target: cfg.Addr(), Configured: cfg.Configured(), Prefix: cfg.Prefix(), EnvFile: cfg.EnvFile}
	if !cfg.Configured() {
		out.Target = "throwaway"
	}
	for _, s := range cfg.Settings() {
		out.Settings = append(out.Settings, configSettingJSON{Name: s.Name, Value: s.Display(), Source: string(s.Source), Origin: s.Origin})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeConfigText(w io.Writer, cfg *config.Config) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tVALUE\tSOURCE")
	for _, s := range cfg.Settings() {
		v := s.Display()
		if v == "" {
			v = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, v, s.Origin)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if cfg.Configured() {
		fmt.Fprintf(w, "target:   %s\n", cfg.Addr())
	} else {
		fmt.Fprintln(w, "target:   none configured: commands start a throwaway redis-server (set REDIS_URL or REDIS_HOST to use yours)")
	}
	fmt.Fprintf(w, "prefix:   %s\n", cfg.Prefix())
	envFile := cfg.EnvFile
	if envFile == "" {
		envFile = "none"
	}
	fmt.Fprintf(w, "env file: %s\n", envFile)
	return nil
}
