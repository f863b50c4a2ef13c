//go:build !race

package workloads

// raceDetector is true under -race, which slows the hot loop several times.
const raceDetector = false
