// Package browsertest opens rbench reports in a real headless Chromium
// (Debian's chromium package at /usr/bin/chromium, or $RBENCH_CHROMIUM) with
// networking disabled, and checks that every chart drew and nothing logged
// an error. It has only tests; a missing browser fails them.
package browsertest
