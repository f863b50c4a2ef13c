package main

import (
	"os"
	"runtime/debug"
)

// defaultMemoryLimit is rbench's soft Go heap limit when GOMEMLIMIT is not
// set, in bytes.
const defaultMemoryLimit = 128 << 20

// rbench usually shares its host with the Redis it measures. A load
// generator allocates fast (go-redis commands, encoded payloads) and with
// GOGC alone its heap grows to twice the live histograms before each
// collection: populate at 50 connections peaked at 132 MB RSS without the
// limit and 80 MB with a 100 MiB one. The limit is soft: a larger live heap
// (a read workload over millions of keys) still gets the memory it needs.
func init() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
