package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"

	"github.com/redis/go-redis/v9"
	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/connect"
)

// Flag names shared by every command that connects.
const (
	flagEnvFile     = "env-file"
	flagRetries     = "retries"
	flagBackoffMin  = "backoff-min"
	flagBackoffMax  = "backoff-max"
	flagRedisServer = "redis-server"
	flagClean       = "clean"

	flagCategory = "Connection"
)

// flagAliases gives the redis-cli style short names.
var flagAliases = map[string][]string{
	"host":     {"h"},
	"port":     {"p"},
	"password": {"a"},
	"db":       {"n"},
}

// boolVars are the configuration variables whose flags take no value.
var boolVars = map[string]bool{config.VarTLS: true, config.VarDebug: true, config.VarTLSInsecure: true, config.VarCluster: true}

// configFlags are the flags mirroring the configuration variables, plus
// --env-file. Their values go through package config, which validates them
// together with the environment and .env, so no default is set here: an
// unset flag must not hide the environment.
func configFlags() []cli.Flag {
	var fs []cli.Flag
	for _, v := range config.Vars {
		usage := v.Help + " [$" + v.Name + "]"
		if v.Default != "" && !boolVars[v.Name] {
			usage += " (default: " + v.Default + ")"
		}
		if boolVars[v.Name] {
			fs = append(fs, &cli.BoolFlag{Name: v.Flag, Aliases: flagAliases[v.Flag], Usage: usage, Category: flagCategory})
			continue
		}
		fs = append(fs, &cli.StringFlag{Name: v.Flag, Aliases: flagAliases[v.Flag], Usage: usage, Category: flagCategory})
	}
	return append(fs, &cli.StringFlag{Name: flagEnvFile, Usage: "read variables from this .env file (default: ./.env when present)", Category: flagCategory, TakesFile: true})
}

// connectionFlags are appended to every command that talks to Redis.
func connectionFlags() []cli.Flag {
	return append(configFlags(),
		&cli.IntFlag{Name: flagRetries, Value: connect.DefaultRetries, Usage: "connection retries after the first attempt (0: none)", Category: flagCategory},
		&cli.DurationFlag{Name: flagBackoffMin, Value: connect.DefaultBackoffMin, Usage: "wait before the first retry; doubles each retry, with jitter", Category: flagCategory},
		&cli.DurationFlag{Name: flagBackoffMax, Value: connect.DefaultBackoffMax, Usage: "longest wait between retries", Category: flagCategory},
		&cli.StringFlag{Name: flagRedisServer, Usage: "redis-server binary for the throwaway server started when no target is configured (default: from PATH)", Category: flagCategory, TakesFile: true},
		&cli.BoolFlag{Name: flagClean, Usage: "delete keys already under the trader prefix (trader-{id}:) on an external server instead of refusing to run", Category: flagCategory},
	)
}

// connectionFlagsWithout is connectionFlags minus the named flags, for a
// command that defines its own flag of that name (e.g. a --encoding taking a
// list). The configuration variable then comes from env, .env or default.
func connectionFlagsWithout(names ...string) []cli.Flag {
	var out []cli.Flag
	for _, f := range connectionFlags() {
		if !slices.Contains(names, f.Names()[0]) {
			out = append(out, f)
		}
	}
	return out
}

// ownFlags lists the configuration flags the command took from
// connectionFlags, told apart by their category from a command's own flag of
// the same name.
func ownFlags(c *cli.Context) map[string]bool {
	own := map[string]bool{}
	if c.Command == nil {
		return own
	}
	for _, f := range c.Command.Flags {
		if cf, ok := f.(cli.CategorizableFlag); ok && cf.GetCategory() == flagCategory {
			own[f.Names()[0]] = true
		}
	}
	return own
}

// loadConfig resolves the configuration from the command's flags, the
// environment and the .env file. Its errors are usage errors (exit 2).
func loadConfig(c *cli.Context) (*config.Config, error) {
	flags := map[string]string{}
	own := ownFlags(c)
	for _, v := range config.Vars {
		if !own[v.Flag] || !c.IsSet(v.Flag) {
			continue
		}
		if boolVars[v.Name] {
			flags[v.Name] = strconv.FormatBool(c.Bool(v.Flag))
		} else {
			flags[v.Name] = c.String(v.Flag)
		}
	}
	envFile := ""
	if own[flagEnvFile] {
		envFile = c.String(flagEnvFile)
	}
	cfg, err := config.Load(config.Input{Flags: flags, EnvFile: envFile})
	if err != nil {
		return nil, usageError(err)
	}
	return cfg, nil
}

// targetOptions maps the retry and throwaway-server flags.
func targetOptions(c *cli.Context, log *slog.Logger) (connect.Options, error) {
	o := connect.Options{
		Retries:     c.Int(flagRetries),
		BackoffMin:  c.Duration(flagBackoffMin),
		BackoffMax:  c.Duration(flagBackoffMax),
		RedisServer: c.String(flagRedisServer),
		Logger:      log,
		Announce:    os.Stderr,
	}
	var errs []error
	switch {
	case o.Retries < 0:
		errs = append(errs, fmt.Errorf("--retries %d: allowed: an integer >= 0", o.Retries))
	case o.Retries == 0:
		o.Retries = -1 // connect.Options: 0 means the default
	}
	if o.BackoffMin <= 0 {
		errs = append(errs, fmt.Errorf("--backoff-min %s: allowed: a positive duration such as 100ms or 2s", o.BackoffMin))
	}
	if o.BackoffMax <= 0 {
		errs = append(errs, fmt.Errorf("--backoff-max %s: allowed: a positive duration such as 100ms or 2s", o.BackoffMax))
	}
	if o.BackoffMin > 0 && o.BackoffMax > 0 && o.BackoffMax < o.BackoffMin {
		errs = append(errs, fmt.Errorf("--backoff-max %s is below --backoff-min %s: allowed: a cap at least the first wait", o.BackoffMax, o.BackoffMin))
	}
	if len(errs) > 0 {
		return o, usageError(errors.Join(errs...))
	}
	return o, nil
}

// openTarget loads the configuration and connects (or starts a throwaway
// server, announced on stderr). Errors come wrapped with their exit code:
// bad configuration exits 2, an unreachable or rejecting server 1. The
// caller must Close the target, which also stops a throwaway server.
func openTarget(c *cli.Context) (*connect.Target, error) {
	cfg, err := loadConfig(c)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger(os.Stderr)
	redis.SetLogger(redisLogger{log})
	opts, err := targetOptions(c, log)
	if err != nil {
		return nil, err
	}
	t, err := connect.Open(c.Context, cfg, opts)
	if err != nil {
		if errors.Is(err, config.ErrInvalid) {
			return nil, usageError(err)
		}
		return nil, failure(err)
	}
	return t, nil
}

// openTargetForWrite is openTarget for commands that write keys under
// prefixes (a fleet's nodes, a shard's own trader id; at least one): it
// also refuses an external server that already holds keys under any of
// them, unless --clean deletes them (exit 2 when refused). Call it once
// every input is validated.
func openTargetForWrite(c *cli.Context, prefixes ...string) (*connect.Target, error) {
	t, err := openTarget(c)
	if err != nil {
		return nil, err
	}
	if len(prefixes) == 0 {
		_ = t.Close()
		return nil, errors.New("openTargetForWrite: no prefix given")
	}
	for _, p := range prefixes {
		if err := t.CheckPrefix(c.Context, p, c.Bool(flagClean)); err != nil {
			_ = t.Close()
			if errors.Is(err, connect.ErrPrefixInUse) {
				return nil, usageError(err)
			}
			return nil, failure(err)
		}
	}
	return t, nil
}

// redisLogger sends go-redis's internal messages (pool dial failures that
// the retry loop already reports) to the debug log instead of stderr.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "go-redis: "+fmt.Sprintf(format, v...))
}
