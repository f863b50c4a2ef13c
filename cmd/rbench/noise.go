package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/results"
)

// attachNoise stores run's noise model (results.EstimateNoise) in it, so a
// baseline made from it carries its own spread: from the repeats when there
// are enough of them (the inputs of a merge of repeats), else a block
// bootstrap over its seconds. A run it cannot be computed for keeps none;
// the gate then holds its figures to the fixed band and says so.
func attachNoise(c *cli.Context, run *results.Run, inputs []*results.Run) {
	var repeats []*results.Run
	if run.Meta.Merge == results.MergeRepeats && len(inputs) > 1 {
		repeats = inputs
	}
	n, err := results.EstimateNoise(run, repeats, results.NoiseSeed)
	if err != nil {
		fmt.Fprintf(c.App.ErrWriter, "rbench: warning: no noise model in the results: %v\n", err)
		return
	}
	run.Noise = n
}
