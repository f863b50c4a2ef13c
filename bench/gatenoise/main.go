// Command gatenoise measures rbench gate's false-alarm and detection rates
// on this machine, the figures docs/gates.md quotes. On one throwaway
// redis-server it makes, per round, three sides of identical order-flow
// runs: a baseline A, a run B, and a run C during which a second client
// sends DEBUG SLEEP in a loop (a real regression, sized by calibration
// runs so that it doubles the machine's typical write p99: the loop keeps
// the server asleep -blocked of the time). Each side is
// -segments short runs interleaved with the others' (A1 B1 C1 A2 B2 C2
// ...) and merged as repeats, with their noise model, as `rbench merge --as
// repeats` does: a shared machine's load drifts over tens of seconds, and
// interleaving makes the drift hit every side alike. B and C are gated
// against A as `rbench gate --baseline A B` does (package gate, the same
// code) at the default settings: B failing is a false alarm, C failing a
// detection.
//
//	go run ./bench/gatenoise                    # 10 rounds, about 43 minutes
//	go run ./bench/gatenoise -sleep 4ms         # C's sleep pinned, not calibrated
//	go run ./bench/gatenoise -rounds 3 -keep
//	go run ./bench/gatenoise -regate DIR        # merge and judge kept results again
//	make gatenoise
//
// Each round's line gives the write p99 of A, B and C (merged, and in
// brackets the typical repeat's, which the gate compares), the verdicts
// (with what the statistical test alone said, as with --allow-partial, and
// [invalid] when a run was INVALID, which the gate refuses by default) and
// the load average. A run INVALID only on the machine's account (the
// validity checks' generator_cpu, generator_slow, machine_busy,
// sender_late: a busy host, not Redis) is run again, once (-retries), as a
// CI job would re-measure it, and left out of its side's merge when it is
// INVALID again (-drop-invalid); the line counts both. It is not part of
// make test: it runs for minutes and its figures are the machine's, not a
// test's.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/gate"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
)

type options struct {
	rbench   string
	rounds   int
	duration time.Duration
	segments int
	rate     float64
	workload string
	blocked  float64
	band     float64
	retries  int
	sleep    time.Duration
	// dropInvalid leaves a side's machine-INVALID runs out of its merge.
	dropInvalid bool
	keep        bool
	regate      string
	extra       []string
}

func main() {
	var o options
	flag.StringVar(&o.rbench, "rbench", "bin/rbench", "rbench binary (make build)")
	flag.IntVar(&o.rounds, "rounds", 10, "rounds (each: baseline A, identical B, regressed C)")
	flag.DurationVar(&o.duration, "duration", 4*time.Second, "measured time of each run")
	flag.IntVar(&o.segments, "segments", 20, "interleaved runs per side and round (A1 B1 C1 A2 B2 C2 ...), merged as repeats")
	flag.Float64Var(&o.rate, "rate", 500, "open-loop rate of each run (ops/s)")
	flag.StringVar(&o.workload, "workload", "order-flow", "workload of each run")
	flag.Float64Var(&o.blocked, "blocked", 0.05, "share of time the DEBUG SLEEP loop keeps the server asleep in run C")
	flag.Float64Var(&o.band, "max-regression", 0.10, "the gate's --max-regression (the default 10%)")
	flag.IntVar(&o.retries, "retries", 1, "run again, up to `N` times, a run that is INVALID only on the machine's account (rbench's CPU or sender, the client side slow while Redis was not), as a CI job re-measures such a run")
	flag.DurationVar(&o.sleep, "sleep", 0, "C's DEBUG SLEEP `D` instead of calibrating it (a host busy during the calibration sizes it far too long)")
	flag.BoolVar(&o.dropInvalid, "drop-invalid", true, "leave out of a side's merge the runs still INVALID on the machine's account after -retries (at least 5 runs remain)")
	flag.BoolVar(&o.keep, "keep", false, "keep the results files (their folder is printed)")
	flag.StringVar(&o.regate, "regate", "", "gate the results a -keep run left in `DIR` again instead of running anything")
	flag.Parse()
	o.extra = flag.Args()
	if o.rounds < 1 || o.segments < 1 || o.duration <= 0 || o.rate <= 0 || !(o.blocked > 0 && o.blocked < 0.5) {
		fmt.Fprintln(os.Stderr, "gatenoise: -rounds, -duration and -rate must be positive, -blocked in (0, 0.5)")
		os.Exit(2)
	}
	var err error
	if o.regate != "" {
		err = regate(o)
	} else {
		err = run(context.Background(), o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gatenoise:", err)
		os.Exit(1)
	}
}

// tally counts a series of gate verdicts.
type tally struct{ failed, failedTest, invalid, n int }

func (t tally) String() string {
	return fmt.Sprintf("%d of %d failed (statistical test alone: %d; runs INVALID: %d)", t.failed, t.n, t.failedTest, t.invalid)
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "gatenoise-")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	srv, err := localredis.Start(ctx, localredis.Options{Args: []string{"--enable-debug-command", "local"}})
	if err != nil {
		return fmt.Errorf("throwaway server: %w", err)
	}
	defer srv.Stop()
	// The regression is sized by measurement: five plain runs, then five
	// under a trial sleep (the plain runs' median p99 long, every
	// sleep/blocked), then the sleep scaled so that the p99 rise doubles
	// the plain median (the rise is about proportional to the sleep:
	// calls that arrive during one wait for its rest). Medians, so that a
	// run or two caught by a busy host do not size it.
	sleep, typical := o.sleep, 0.0
	if sleep <= 0 {
		if sleep, typical, err = sizeSleep(ctx, o, srv, dir); err != nil {
			return err
		}
	}
	period := time.Duration(float64(sleep) / o.blocked)
	sized := "pinned by -sleep"
	if typical > 0 {
		sized = "typical p99 " + gate.FormatDuration(typical)
	}
	fmt.Printf("gatenoise: %d rounds of %s %s --rate %g, each side %d interleaved runs of %s, on %s; C with DEBUG SLEEP %s every %s (%s); load %s\n",
		o.rounds, o.rbench, o.workload, o.rate, o.segments, o.duration, srv.Addr(), sleep.Round(time.Microsecond), period.Round(time.Millisecond),
		sized, loadAvg())
	var fa, det tally
	for i := 1; i <= o.rounds; i++ {
		retried, dropped := 0, 0
		var segs [3][]*results.Run
		for k := 1; k <= o.segments; k++ {
			for side, name := range []string{"a", "b", "c"} {
				f := filepath.Join(dir, fmt.Sprintf("r%02d-%s-%d.json", i, name, k))
				var r *results.Run
				for attempt := 0; ; attempt++ {
					stop := func() {}
					if name == "c" {
						stop = sleepLoop(ctx, srv, sleep, period)
					}
					err := rbenchRun(ctx, o, srv, f)
					stop()
					if err != nil {
						return err
					}
					if r, err = results.ReadFile(f); err != nil {
						return err
					}
					if attempt >= o.retries || !machineInvalid(r) {
						break
					}
					retried++
				}
				segs[side] = append(segs[side], r)
			}
		}
		var files [3]string
		for side, name := range []string{"a", "b", "c"} {
			files[side] = filepath.Join(dir, fmt.Sprintf("r%02d-%s.json", i, name))
			n, err := mergeRepeats(o, segs[side], files[side])
			if err != nil {
				return err
			}
			dropped += n
		}
		line, err := judgeRound(o, i, files[0], files[1], files[2], &fa, &det)
		if err != nil {
			return err
		}
		if retried > 0 {
			line += fmt.Sprintf("; %d runs INVALID on the machine's account run again", retried)
		}
		if dropped > 0 {
			line += fmt.Sprintf("; %d still INVALID so, left out", dropped)
		}
		fmt.Println(line)
	}
	printTotals(fa, det)
	if o.keep {
		fmt.Printf("results kept in %s (go run ./bench/gatenoise -regate %s)\n", dir, dir)
	}
	return nil
}

// mergeRepeats merges one side's interleaved runs as rbench merge --as
// repeats does, with their noise model, into out. With -drop-invalid it
// leaves out the runs still INVALID on the machine's account after their
// retries (as a CI job would leave out a run the tool says did not measure
// Redis), as long as NoiseMinRepeats remain, and returns how many.
func mergeRepeats(o options, runs []*results.Run, out string) (dropped int, err error) {
	if o.dropInvalid {
		kept := slices.DeleteFunc(slices.Clone(runs), machineInvalid)
		if len(kept) >= results.NoiseMinRepeats {
			dropped, runs = len(runs)-len(kept), kept
		}
	}
	m, err := results.MergeWith(results.MergeOptions{As: results.MergeRepeats}, runs...)
	if err != nil {
		return 0, err
	}
	if m.Noise, err = results.EstimateNoise(m, runs, results.NoiseSeed); err != nil {
		return 0, err
	}
	return dropped, m.WriteFile(out)
}

// machineInvalid reports whether r is INVALID only for problems the
// machine explains (rbench's CPU, its sender, time spent outside Redis on
// a busy host), which a second run may not have; an INVALID run for any
// other reason (errors, the rate missed) is kept, and the gate refuses it.
func machineInvalid(r *results.Run) bool {
	if r.Validity == nil || r.Validity.Valid {
		return false
	}
	for _, p := range r.Validity.Problems {
		if p.Severity != results.SeverityInvalid {
			continue
		}
		if !slices.Contains([]string{results.ProblemGeneratorCPU, results.ProblemGeneratorSlow, results.ProblemMachineBusy, results.ProblemSenderLate}, p.Kind) {
			return false
		}
	}
	return true
}

// sizeSleep measures the DEBUG SLEEP that doubles the typical write p99
// (see run) and returns it with that p99.
func sizeSleep(ctx context.Context, o options, srv *localredis.Server, dir string) (time.Duration, float64, error) {
	plain, err := calibrate(ctx, o, srv, dir, "calibrate", 0)
	if err != nil {
		return 0, 0, err
	}
	trial := min(time.Duration(plain)*time.Microsecond, 500*time.Millisecond)
	c, err := calibrate(ctx, o, srv, dir, "calibrate-sleep", trial)
	if err != nil {
		return 0, 0, err
	}
	sleep := trial * 4 // the trial sleep hardly showed: a much longer one
	if c > 1.1*plain {
		sleep = time.Duration(float64(trial) * plain / (c - plain))
	}
	sleep = min(max(sleep, 100*time.Microsecond), 500*time.Millisecond)
	fmt.Printf("gatenoise: calibration: median write p99 %s plain, %s under a DEBUG SLEEP of %s: the sleep that doubles it is about %s\n",
		gate.FormatDuration(plain), gate.FormatDuration(c), trial.Round(time.Microsecond), sleep.Round(time.Microsecond))
	return sleep, plain, nil
}

// calibrate makes five runs (under DEBUG SLEEP d every d/blocked when d >
// 0; files dir/name-K.json) and returns their median write p99.
func calibrate(ctx context.Context, o options, srv *localredis.Server, dir, name string, d time.Duration) (float64, error) {
	var p99s []float64
	for k := 0; k < 5; k++ {
		var period time.Duration
		if d > 0 {
			period = time.Duration(float64(d) / o.blocked)
		}
		v, err := calibrationRun(ctx, o, srv, filepath.Join(dir, fmt.Sprintf("%s-%d.json", name, k)), d, period)
		if err != nil {
			return 0, err
		}
		p99s = append(p99s, v)
	}
	return median(p99s), nil
}

// calibrationRun is one run (under a DEBUG SLEEP loop when d > 0) and its
// write p99.
func calibrationRun(ctx context.Context, o options, srv *localredis.Server, f string, d, period time.Duration) (float64, error) {
	stop := func() {}
	if d > 0 {
		stop = sleepLoop(ctx, srv, d, period)
	}
	err := rbenchRun(ctx, o, srv, f)
	stop()
	if err != nil {
		return 0, err
	}
	r, err := results.ReadFile(f)
	if err != nil {
		return 0, err
	}
	v, err := gate.Value(r, mustMetric("write.p99"))
	if err != nil {
		return 0, fmt.Errorf("calibration: write.p99: %w", err)
	}
	return v, nil
}

func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	return s[len(s)/2]
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func regate(o options) error {
	var fa, det tally
	for i := 1; i <= 1000; i++ {
		a := filepath.Join(o.regate, fmt.Sprintf("r%02d-a.json", i))
		if _, err := os.Stat(a); err != nil {
			break
		}
		dropped, err := remerge(o, i)
		if err != nil {
			return err
		}
		line, err := judgeRound(o, i, a, strings.Replace(a, "-a.json", "-b.json", 1), strings.Replace(a, "-a.json", "-c.json", 1), &fa, &det)
		if err != nil {
			return err
		}
		if dropped > 0 {
			line += fmt.Sprintf("; %d runs INVALID on the machine's account left out", dropped)
		}
		fmt.Println(line)
	}
	printTotals(fa, det)
	return nil
}

// remerge merges round i's kept runs again (at most -segments of them per
// side), so that a folder an older build left is judged with this build's
// noise model.
func remerge(o options, i int) (dropped int, err error) {
	for _, name := range []string{"a", "b", "c"} {
		var runs []*results.Run
		for k := 1; k <= o.segments; k++ {
			r, err := results.ReadFile(filepath.Join(o.regate, fmt.Sprintf("r%02d-%s-%d.json", i, name, k)))
			if errors.Is(err, os.ErrNotExist) {
				break
			}
			if err != nil {
				return 0, err
			}
			runs = append(runs, r)
		}
		if len(runs) == 0 {
			continue // a folder of merged sides only: judged as they are
		}
		n, err := mergeRepeats(o, runs, filepath.Join(o.regate, fmt.Sprintf("r%02d-%s.json", i, name)))
		if err != nil {
			return 0, err
		}
		dropped += n
	}
	return dropped, nil
}

func printTotals(fa, det tally) {
	fmt.Printf("false alarms (B vs A): %s\n", fa)
	fmt.Printf("detections (C vs A):   %s\n", det)
}

func mustMetric(s string) gate.Metric {
	m, err := gate.ParseMetric(s)
	if err != nil {
		panic(err)
	}
	return m
}

// judgeRound gates B and C against A and formats the round's line.
func judgeRound(o options, i int, a, b, c string, fa, det *tally) (string, error) {
	runs := make([]*results.Run, 3)
	for k, p := range []string{a, b, c} {
		r, err := results.ReadFile(p)
		if err != nil {
			return "", err
		}
		runs[k] = r
	}
	// The merged p99 and, in brackets, the typical repeat's (the geometric
	// mean the gate compares when a side has repeats).
	p99 := func(r *results.Run) string {
		v, err := gate.Value(r, mustMetric("write.p99"))
		if err != nil {
			return "n/a"
		}
		s := gate.FormatDuration(v)
		if f, ok := r.Noise.Figure("write.p99"); ok && f.Typical > 0 {
			s += " (" + gate.FormatDuration(f.Typical) + ")"
		}
		return s
	}
	verdict := func(cur *results.Run, t *tally) string {
		rep := gate.CompareBaselineWith(runs[0], cur, gate.BaselineOptions{MaxRegression: o.band})
		test := gate.CompareBaselineWith(runs[0], cur, gate.BaselineOptions{MaxRegression: o.band, AllowPartial: true})
		t.n++
		s := "pass"
		if !rep.Passed() {
			t.failed++
			s = "FAIL"
		}
		if !test.Passed() {
			t.failedTest++
			var why []string
			for _, r := range test.Results {
				if !r.Pass {
					why = append(why, r.Metric)
				}
			}
			s += " (test: " + strings.Join(why, ",") + ")"
		}
		if len(rep.Incomplete) > 0 {
			t.invalid++
			s += " [invalid]"
		}
		return s
	}
	load := 0.0
	if p := runs[2].Pacing; len(p) > 0 {
		load = p[len(p)-1].LoadAvg
	}
	return fmt.Sprintf("round %2d: p99 A %s B %s C %s; B vs A %s; C vs A %s; load %.2f (now %s)",
		i, p99(runs[0]), p99(runs[1]), p99(runs[2]), verdict(runs[1], fa), verdict(runs[2], det), load, loadAvg()), nil
}

func rbenchRun(ctx context.Context, o options, srv *localredis.Server, out string) error {
	args := append([]string{"run", "--url", "redis://" + srv.Addr(), "-w", o.workload,
		"--rate", fmt.Sprint(o.rate), "--duration", o.duration.String(), "--out", out, "-q"}, o.extra...)
	cmd := exec.CommandContext(ctx, o.rbench, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		// Exit 1 with results written: operations failed; the gate judges it.
		if errors.As(err, &ee) && ee.ExitCode() == 1 {
			if _, serr := os.Stat(out); serr == nil {
				return nil
			}
		}
		return fmt.Errorf("%s %s: %w\n%s", o.rbench, strings.Join(args, " "), err, stderr.String())
	}
	return nil
}

// sleepLoop sends DEBUG SLEEP d every period from its own connection until
// stopped: the server serves nothing while it sleeps.
func sleepLoop(ctx context.Context, srv *localredis.Server, d, period time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	client := connect.NewClient(connect.FromServer(srv))
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = client.Do(ctx, "DEBUG", "SLEEP", fmt.Sprintf("%.6f", d.Seconds())).Err()
			}
		}
	}()
	return func() {
		cancel()
		<-done
		_ = client.Close()
	}
}
