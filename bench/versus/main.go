// Command versus holds rbench's raw workload against redis-benchmark on one
// throwaway redis-server: the same SET/GET mix, value size, connections and
// pipeline depth, run back to back in alternating pairs so that drift on a
// shared machine hits both tools alike. It prints every pair and the median
// ratio per case, the figure docs/performance.md quotes.
//
//	go run ./bench/versus                       # 5 pairs per case
//	go run ./bench/versus -pairs 9 -min-ratio 0.9
//	go run ./bench/versus -- --param client=go-redis   # extra rbench run flags
//
// Two keyspaces are compared because redis-benchmark, without -r, sends
// every request to one key ("key:__rand_int__" unexpanded): that keeps the
// server's work per command about four times lower than over 10,000 keys,
// and a comparison of rbench's default (10,000 keys) against it measures the
// keyspace, not the clients. "-r K" for redis-benchmark and "--keys K" for
// rbench make the two send the same traffic; K=1 is the client-bound case
// where the server has CPU to spare and the faster client wins.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
)

type options struct {
	rbench         string
	redisBenchmark string
	pairs          int
	duration       time.Duration
	connections    int
	valueSize      int
	pipelines      []int
	keyspaces      []int
	minRatio       float64
	threads        int
	extra          []string
}

func main() {
	var o options
	var pipelines, keyspaces string
	flag.StringVar(&o.rbench, "rbench", "bin/rbench", "rbench binary (make build)")
	flag.StringVar(&o.redisBenchmark, "redis-benchmark", "redis-benchmark", "redis-benchmark binary")
	flag.IntVar(&o.pairs, "pairs", 5, "alternating runs of each tool per case")
	flag.DurationVar(&o.duration, "duration", 8*time.Second, "rbench's measured time per run; redis-benchmark gets about the same for SET and GET together")
	flag.IntVar(&o.connections, "connections", 50, "connections (redis-benchmark -c)")
	flag.IntVar(&o.valueSize, "value-size", 256, "value bytes (redis-benchmark -d)")
	flag.StringVar(&pipelines, "pipelines", "1,16", "pipeline depths (redis-benchmark -P)")
	flag.StringVar(&keyspaces, "keyspaces", "10000,1", "keyspace sizes (rbench --keys, redis-benchmark -r; 1: redis-benchmark without -r)")
	flag.Float64Var(&o.minRatio, "min-ratio", 0, "exit 1 when a case's median rbench/redis-benchmark ratio is below this (0: report only)")
	flag.IntVar(&o.threads, "threads", 0, "rbench --threads (GOMAXPROCS; 0: rbench's default, which leaves this local server a core)")
	flag.Parse()
	o.extra = flag.Args() // more rbench run flags, after --
	var err error
	if o.pipelines, err = parseInts("-pipelines", pipelines); err == nil {
		o.keyspaces, err = parseInts("-keyspaces", keyspaces)
	}
	if err == nil && o.pairs < 1 {
		err = fmt.Errorf("-pairs %d: need at least 1", o.pairs)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "versus:", err)
		os.Exit(2)
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "versus:", err)
		os.Exit(1)
	}
}

func parseInts(field, s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s %q: want positive integers separated by commas, e.g. 1,16", field, s)
		}
		out = append(out, n)
	}
	return out, nil
}

// errBelowRatio marks a run whose medians missed -min-ratio.
var errBelowRatio = errors.New("rbench below the required ratio")

func run(ctx context.Context, o options) error {
	if _, err := os.Stat(o.rbench); err != nil {
		return fmt.Errorf("-rbench %s: %w (run make build first)", o.rbench, err)
	}
	if _, err := exec.LookPath(o.redisBenchmark); err != nil {
		return fmt.Errorf("-redis-benchmark %s: %w (apt-get install redis-tools)", o.redisBenchmark, err)
	}
	srv, err := localredis.Start(ctx, localredis.Options{Persistence: localredis.None})
	if err != nil {
		return err
	}
	defer srv.Stop()
	tmp, err := os.MkdirTemp("", "rbench-versus-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	host, _ := os.Hostname()
	fmt.Printf("rbench raw vs redis-benchmark: SET/GET %d B, %d connections, %d pairs per case, redis-server on port %d, %s, %s\n\n",
		o.valueSize, o.connections, o.pairs, srv.Port(), host, time.Now().UTC().Format(time.RFC3339))
	fmt.Println("| pipeline | keys | pair | redis-benchmark SET / GET / combined ops/s (CPU/op) | rbench ops/s (CPU/op) | ratio |")
	fmt.Println("|---|---|---|---|---|---|")
	var failed []string
	type summary struct {
		pipeline, keys int
		ratios         []float64
	}
	var summaries []summary
	for _, p := range o.pipelines {
		for _, k := range o.keyspaces {
			// A first guess at redis-benchmark's rate sizes its -n; each
			// pair's figure sizes the next.
			guess := min(40_000*float64(p), 600_000)
			var ratios []float64
			for i := 1; i <= o.pairs; i++ {
				n := int(guess * o.duration.Seconds() / 2)
				rb, err := runRedisBenchmark(ctx, o, srv.Port(), p, k, n)
				if err != nil {
					return err
				}
				guess = rb.combined
				own, err := runRbench(ctx, o, srv.Port(), p, k, filepath.Join(tmp, "run.json"))
				if err != nil {
					return err
				}
				ratio := own.ops / rb.combined
				ratios = append(ratios, ratio)
				fmt.Printf("| %d | %d | %d | %.0f / %.0f / %.0f (%.2f us) | %.0f (%.2f us) | %.2fx |\n",
					p, k, i, rb.set, rb.get, rb.combined, rb.cpuPerOp, own.ops, own.cpuPerOp, ratio)
			}
			summaries = append(summaries, summary{p, k, ratios})
		}
	}
	fmt.Println()
	for _, s := range summaries {
		slices.Sort(s.ratios)
		med := median(s.ratios)
		fmt.Printf("pipeline %2d, %5d keys: median %.2fx (range %.2f-%.2fx over %d pairs)\n",
			s.pipeline, s.keys, med, s.ratios[0], s.ratios[len(s.ratios)-1], len(s.ratios))
		if o.minRatio > 0 && med < o.minRatio {
			failed = append(failed, fmt.Sprintf("pipeline %d, %d keys: %.2fx", s.pipeline, s.keys, med))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w %.2fx: %s", errBelowRatio, o.minRatio, strings.Join(failed, "; "))
	}
	return nil
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

type benchFigures struct {
	set, get, combined float64
	cpuPerOp           float64 // microseconds of user+system CPU per request
}

// redis-benchmark -q ends each test with "SET: 523834.47 requests per second, ...".
var rpsLine = regexp.MustCompile(`(?m)^\s*(SET|GET): ([0-9.]+) requests per second`)

func runRedisBenchmark(ctx context.Context, o options, port, pipeline, keys, n int) (benchFigures, error) {
	args := []string{"-h", "127.0.0.1", "-p", strconv.Itoa(port), "-t", "set,get",
		"-d", strconv.Itoa(o.valueSize), "-c", strconv.Itoa(o.connections),
		"-n", strconv.Itoa(n), "-P", strconv.Itoa(pipeline), "-q"}
	if keys > 1 {
		args = append(args, "-r", strconv.Itoa(keys))
	}
	cmd := exec.CommandContext(ctx, o.redisBenchmark, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return benchFigures{}, fmt.Errorf("redis-benchmark %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	var f benchFigures
	// Progress lines end in \r; the summaries are what is left after them.
	text := strings.ReplaceAll(out.String(), "\r", "\n")
	for _, m := range rpsLine.FindAllStringSubmatch(text, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		if m[1] == "SET" {
			f.set = v
		} else {
			f.get = v
		}
	}
	if f.set == 0 || f.get == 0 {
		return f, fmt.Errorf("redis-benchmark %s: no SET and GET figures in its output:\n%s", strings.Join(args, " "), text)
	}
	// Both tests send n requests: the combined rate is all requests over
	// all the time, not the mean of the two rates.
	f.combined = 2 / (1/f.set + 1/f.get)
	f.cpuPerOp = cpu(cmd.ProcessState) / float64(2*n)
	return f, nil
}

type rbenchFigures struct {
	ops      float64
	cpuPerOp float64 // includes setup, which writes every key once
}

func runRbench(ctx context.Context, o options, port, pipeline, keys int, out string) (rbenchFigures, error) {
	args := []string{"run", "--workload", "raw", "--host", "127.0.0.1", "--port", strconv.Itoa(port),
		"--connections", strconv.Itoa(o.connections), "--pipeline", strconv.Itoa(pipeline),
		"--value-size", strconv.Itoa(o.valueSize), "--keys", strconv.Itoa(keys),
		"--duration", o.duration.String(), "--threads", strconv.Itoa(o.threads),
		"--quiet", "--clean", "--out", out}
	args = append(args, o.extra...)
	cmd := exec.CommandContext(ctx, o.rbench, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return rbenchFigures{}, fmt.Errorf("rbench %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	r, err := results.ReadFile(out)
	if err != nil {
		return rbenchFigures{}, err
	}
	var f rbenchFigures
	var count int64
	for _, op := range r.Ops {
		f.ops += op.Rate
		count += op.Count
	}
	if count > 0 {
		f.cpuPerOp = cpu(cmd.ProcessState) / float64(count)
	}
	return f, nil
}

// cpu is a finished process's user+system time in microseconds.
func cpu(ps *os.ProcessState) float64 {
	return float64((ps.UserTime() + ps.SystemTime()).Microseconds())
}
