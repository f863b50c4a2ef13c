package main

import (
	"errors"
	"flag"
	"strings"
)

// Exit codes, documented in the README.
const (
	exitOK = 0
	// exitFailure: the target is unreachable or unhealthy, a run had errors,
	// or acknowledged writes were lost.
	exitFailure = 1
	// exitUsage: bad flags, configuration or input files.
	exitUsage = 2
	// exitThreshold: a gate threshold failed (k6 uses the same code).
	exitThreshold = 99
)

// exitError carries the exit code a command wants main to use.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as bad input (exit 2).
func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// failure marks err as a failed check or run (exit 1).
func failure(err error) error { return &exitError{code: exitFailure, err: err} }

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	// urfave/cli reports unknown flags and missing arguments as plain errors.
	msg := err.Error()
	if strings.HasPrefix(msg, "flag provided but not defined") ||
		strings.HasPrefix(msg, "invalid value") ||
		strings.Contains(msg, "Required flag") {
		return exitUsage
	}
	return exitFailure
}
