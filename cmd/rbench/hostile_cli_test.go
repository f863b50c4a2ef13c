package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/rbench/rbench/internal/lockedbuf"
	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
)

// hostileRun is one run of the binary: output, exit code, wall time and
// peak resident memory (from rusage).
type hostileRun struct {
	stdout, stderr string
	code           int
	elapsed        time.Duration
	maxRSS         int64 // bytes
}

func (r hostileRun) all() string { return r.stdout + r.stderr }

// A child's ru_maxrss counts the memory of the process it was forked
// from until it execs (Go forks with CLONE_VM, and exec keeps the old
// mm's high-water mark), so a large test process would inflate it. The
// binary is therefore started from a small launcher: this test binary
// re-executed with launchEnv set, which runs the command and writes its
// peak RSS to the file named by rssEnv.
const (
	launchEnv = "RBENCH_TEST_LAUNCH"
	rssEnv    = "RBENCH_TEST_RSS_FILE"
)

func init() {
	if os.Getenv(launchEnv) != "1" {
		return
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, launchEnv+"=") && !strings.HasPrefix(kv, rssEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	err := cmd.Run()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && cmd.ProcessState != nil {
		os.WriteFile(os.Getenv(rssEnv), []byte(strconv.FormatInt(ru.Maxrss*1024, 10)), 0o600)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		os.Exit(125)
	}
	os.Exit(0)
}

// runMeasured runs the binary in dir with the environment env plus a
// minimal one, and measures it.
func runMeasured(t *testing.T, dir string, env []string, args ...string) hostileRun {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rssFile := filepath.Join(t.TempDir(), "rss")
	cmd := exec.Command(self, append([]string{rbenchBinary(t)}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(cliEnv(dir, env...), launchEnv+"=1", rssEnv+"="+rssFile)
	var o, e lockedbuf.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	start := time.Now()
	err = cmd.Run()
	r := hostileRun{stdout: o.String(), stderr: e.String(), elapsed: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(rssFile)
	if err != nil {
		t.Fatalf("the launcher recorded no peak RSS: %v\n%s", err, r.all())
	}
	r.maxRSS, _ = strconv.ParseInt(string(b), 10, 64)
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
		t.Errorf("rbench %s printed a stack trace:\n%s", strings.Join(args, " "), r.stderr)
	}
	return r
}

// The bounds a hostile input must stay within. The wall time is loose (the
// machine is shared): the failures it guards against took minutes or were
// killed by the OOM killer at 24 GB.
const (
	hostileWall = 10 * time.Second
	hostileRSS  = 100 << 20
)

func checkBounded(t *testing.T, what string, r hostileRun) {
	t.Helper()
	if r.code != exitUsage {
		t.Errorf("%s: exit %d, want 2\n%s", what, r.code, r.all())
	}
	if r.elapsed > hostileWall {
		t.Errorf("%s: took %s", what, r.elapsed)
	}
	if r.maxRSS > hostileRSS {
		t.Errorf("%s: peak RSS %d MB, want under %d MB", what, r.maxRSS>>20, hostileRSS>>20)
	}
	t.Logf("%s: exit %d in %s, peak RSS %.1f MB", what, r.code, r.elapsed.Round(time.Millisecond), float64(r.maxRSS)/(1<<20))
}

// TestEveryFileFlagIsBounded gives /dev/zero to every flag and argument
// that names a file: each exits 2 at once within 100 MB, before anything
// connects or starts.
func TestEveryFileFlagIsBounded(t *testing.T) {
	dir := t.TempDir()
	good := writeRun(t, dir, "good", 100, 200, 300)
	z := "/dev/zero"
	cases := [][]string{
		{"gate", "--thresholds", z, good},
		{"gate", "-t", "errors==0", z},
		{"gate", "-t", "errors==0", "--baseline", z, good},
		{"gate", "-t", "errors==0", "--junit", z, good},
		{"report", z},
		{"report", "-o", z, good},
		{"merge", "-o", filepath.Join(dir, "m.json"), z, good},
		{"merge", "-o", z, good, good},
		{"compare", z, good},
		{"compare", good, z},
		{"plan", "--profile", z},
		{"plan", "--orders", "1000", "--out", z},
		{"plan", "--orders", "1000", "--results-dir", z},
		{"plan", "--orders", "1000", "--env-file", z},
		{"plan", "--orders", "1000", "--redis-server", z},
		{"run", "--workload-file", z},
		{"run", "--out", z},
		{"run", "--results-dir", z},
		{"run", "--env-file", z},
		{"run", "--redis-server", z},
		{"recover", "--out", z},
		{"recover", "--results-dir", z},
		{"recover", "--env-file", z},
		{"recover", "--redis-server", z},
		{"config", "--env-file", z},
		{"ping", "--env-file", z},
		{"ping", "--redis-server", z},
		{"server", "--redis-server", z},
	}
	for _, args := range cases {
		r := runMeasured(t, dir, nil, args...)
		what := strings.Join(args, " ")
		checkBounded(t, what, r)
		if strings.Contains(r.stderr, "throwaway redis-server at") {
			t.Errorf("%s started a server before refusing its input:\n%s", what, r.stderr)
		}
	}
}

// hostileHistograms writes the file that kept report and merge busy for
// 100 s: thousands of histograms each declaring 1..2^63 at 5 digits.
func hostileHistograms(t *testing.T, dir string) string {
	t.Helper()
	h := hdrhistogram.New(1, math.MaxInt64, 5)
	enc, err := results.EncodeHDR(h)
	if err != nil {
		t.Fatal(err)
	}
	service := results.NewHistogram()
	service.RecordValue(100)
	op, err := results.OpFromHistograms("set", results.ClassWrite, "raw", service, nil, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5400 {
		op.Series = append(op.Series, results.Second{T: i, Count: 1, HDR: enc})
	}
	r := results.NewRun(results.Meta{RunID: "hostile", Name: "raw"})
	r.Ops = []results.Op{op}
	p := filepath.Join(dir, "hostile.json")
	if err := r.WriteFile(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHostileHistogramsFailAtOnce(t *testing.T) {
	dir := t.TempDir()
	bad := hostileHistograms(t, dir)
	for _, args := range [][]string{
		{"report", "-o", filepath.Join(dir, "r.html"), bad},
		{"merge", "-o", filepath.Join(dir, "m.json"), bad, bad},
		{"gate", "-t", "errors==0", bad},
		{"compare", bad, bad},
	} {
		r := runMeasured(t, dir, nil, args...)
		checkBounded(t, strings.Join(args, " "), r)
		if !strings.Contains(r.stderr, "rbench writes 1..3600000000 (latency)") {
			t.Errorf("%s: the error does not name the geometry:\n%s", args[0], r.stderr)
		}
	}
}

// TestBadResultsRefusedAtLoad: negative counts, a rate of 1e308 and
// counts that overflow when merged are refused with the file, the field
// and the value.
func TestBadResultsRefusedAtLoad(t *testing.T) {
	dir := t.TempDir()
	edit := func(name string, f func(*results.Run)) string {
		p := writeRun(t, dir, name, 100, 200)
		r, err := results.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f(r)
		if err := r.WriteFile(p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	neg := edit("negative", func(r *results.Run) { r.Ops[0].Count = -3; r.Errors.Timeout = -1 })
	huge := edit("huge", func(r *results.Run) { r.Ops[0].Rate = 1e308 })
	max := edit("max", func(r *results.Run) { r.Ops[0].Count = math.MaxInt64 })
	for _, tc := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"report", "-o", filepath.Join(dir, "r.html"), neg}, []string{neg, "count is -3", "errors timeout is -1"}},
		{[]string{"gate", "-t", "errors==0", huge}, []string{huge, "ops_per_sec is 1e+308"}},
		{[]string{"merge", "-o", filepath.Join(dir, "m.json"), huge, huge}, []string{huge, "ops_per_sec is 1e+308"}},
		{[]string{"merge", "-o", filepath.Join(dir, "m.json"), max, max}, []string{"add_order/msgpack count", "9223372036854775807 + 9223372036854775807", "overflow"}},
	} {
		r := runMeasured(t, dir, nil, tc.args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", tc.args, r.code, r.all())
		}
		for _, w := range tc.wants {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args[0], w, r.stderr)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "m.json")); err == nil {
		t.Error("merge wrote a file from runs it refused")
	}
}

// TestEveryBadInputAtOnce: each command names all of its bad inputs in
// one go, before connecting or starting a server.
func TestEveryBadInputAtOnce(t *testing.T) {
	dir := t.TempDir()
	good := writeRun(t, dir, "good", 100)
	for _, tc := range []struct {
		env   []string
		args  []string
		wants []string
	}{
		{nil, []string{"run", "--keys", "0", "--value-size", "-1", "-P", "0", "--read-ratio", "2"},
			[]string{"4 problems", "--keys 0", "--value-size -1", "--pipeline 0", "read_ratio 2"}},
		{nil, []string{"run", "-w", "populate", "--encoding", "msgpack,,json"}, []string{"empty entry"}},
		{nil, []string{"run", "-w", "populate", "--encoding", ""}, []string{`--encoding ""`}},
		{nil, []string{"run", "-d", "0s"}, []string{"--duration 0s"}},
		{nil, []string{"run", "--seed", "0", "--target-p99", "0s", "--warmup", "-1s", "--threads", "-2", "--retries", "-1", "--backoff-min", "0s"},
			[]string{"6 problems", "--seed 0", "--target-p99 0s", "--warmup -1s", "--threads -2", "--retries -1", "--backoff-min 0s"}},
		{[]string{"REDIS_PORT=+80"}, []string{"ping"}, []string{"REDIS_PORT=+80"}},
		{[]string{"REDIS_PORT=+80", "RBENCH_ENCODING=msgpack,,json"}, []string{"run", "--keys", "0", "--param", "=x"},
			[]string{"4 problems", "REDIS_PORT=+80", "RBENCH_ENCODING", "--keys 0", `--param "=x"`}},
		{nil, []string{"gate", "--format", "yaml", "--max-regression", "x", "-t", "write.p99<<1", good}, []string{"3 problems", "--format", "--max-regression", "--threshold"}},
		{nil, []string{"report", "--target", "0s", "--name", "a", "--name", "b", good}, []string{"2 problems", "--target 0s", "2 --name values"}},
		{nil, []string{"compare", "--noise", "lots", "--format", "x", good}, []string{"3 problems", "--noise", "--format", "exactly two"}},
		{nil, []string{"plan", "--scales", "10,abc", "--fork-copy-share", "2", "--memory-share", "0", "--repeats", "0", "--encoding", "msgpack,,json"},
			[]string{"--scales", "--fork-copy-share 2", "--memory-share", "--repeats 0", "empty entry", "no history to project"}},
		{nil, []string{"recover", "--mode", "nap", "--cycles", "0", "--write-rate", "-1", "--persistence", "tape", "--encoding", "msgpack,json"},
			[]string{"5 problems", "--mode", "--cycles 0", "--write-rate -1", "--persistence", "recover writes one encoding"}},
		{nil, []string{"ping", "--pings", "0", "--backoff-max", "-1s"}, []string{"2 problems", "--pings 0", "--backoff-max -1s"}},
		{nil, []string{"server", "--port", "-1", "--persistence", "tape", "--requirepass", ""}, []string{"3 problems", "--port -1", "--persistence", "--requirepass"}},
	} {
		r := runMeasured(t, dir, tc.env, tc.args...)
		what := strings.Join(append(tc.env, tc.args...), " ")
		if r.code != exitUsage {
			t.Errorf("%s: exit %d, want 2\n%s", what, r.code, r.all())
		}
		for _, w := range tc.wants {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", what, w, r.stderr)
			}
		}
		if strings.Contains(r.stderr, "throwaway redis-server at") {
			t.Errorf("%s started a server before refusing its input", what)
		}
	}
}

// TestEncodingListFromTheEnvironment: RBENCH_ENCODING=msgpack,json runs
// both encodings, as --encoding msgpack,json does (a real run on a
// throwaway server).
func TestEncodingListFromTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run.json")
	r := runMeasured(t, dir, []string{"RBENCH_ENCODING=msgpack,json"}, "run", "-w", "populate", "--keys", "200", "-q", "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.all())
	}
	run, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(run.Meta.Workload.Encodings, ","); got != "msgpack,json" {
		t.Errorf("encodings run: %s, want msgpack,json", got)
	}
}

var secretURLs = []struct{ url, secret string }{
	{"redis//:SECRET@h:6379", "SECRET"},
	{"redis://h:6379/0?password=secret", "secret"},
	{"redis://u:SEK#RET@h", "SEK"},
	{"redis://:SECRET", "SECRET"},
}

// TestSecretsNeverPrinted: malformed URLs, a password given by flag on a
// real run (stdout, stderr, results, .hgrm files, report) and the
// throwaway server's command line never show the password.
func TestSecretsNeverPrinted(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range secretURLs {
		for _, args := range [][]string{{"ping", "--url", tc.url}, {"config", "--url", tc.url}, {"run", "--url", tc.url}} {
			r := runMeasured(t, dir, nil, args...)
			if r.code != exitUsage || strings.Contains(r.all(), tc.secret) {
				t.Errorf("%s: exit %d, output holds %q:\n%s", strings.Join(args, " "), r.code, tc.secret, r.all())
			}
		}
		r := runMeasured(t, dir, []string{"REDIS_URL=" + tc.url}, "config", "--json")
		if strings.Contains(r.all(), tc.secret) {
			t.Errorf("REDIS_URL=%s: output holds %q:\n%s", tc.url, tc.secret, r.all())
		}
	}

	const pw = "PW-7f3a-SECRET"
	srv := localredis.ForTest(t, localredis.Options{Password: pw})
	res := filepath.Join(dir, "results")
	for _, auth := range [][]string{
		{"-h", "127.0.0.1", "-p", strconv.Itoa(srv.Port()), "-a", pw},
		{"--url", "redis://:" + pw + "@127.0.0.1:" + strconv.Itoa(srv.Port()) + "/0"},
		{"--url", "redis://default:" + pw + "@127.0.0.1:" + strconv.Itoa(srv.Port()) + "/0", "--debug"},
	} {
		args := append([]string{"run", "-w", "populate", "--keys", "100", "--report", "--results-dir", res}, auth...)
		r := runMeasured(t, dir, nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.all())
		}
		if strings.Contains(r.all(), pw) {
			t.Errorf("%v: the output holds the password:\n%s", auth, r.all())
		}
		r = runMeasured(t, dir, []string{"REDIS_PASSWORD=" + pw}, "ping", "--json", "-h", "127.0.0.1", "-p", strconv.Itoa(srv.Port()), "--debug")
		if r.code != 0 || strings.Contains(r.all(), pw) {
			t.Errorf("ping: exit %d, output holds the password: %v\n%s", r.code, strings.Contains(r.all(), pw), r.all())
		}
	}
	filepath.Walk(res, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		if b, _ := os.ReadFile(p); strings.Contains(string(b), pw) {
			t.Errorf("%s holds the password", p)
		}
		return nil
	})

	// rbench server: the password stays out of redis-server's argv.
	cmd := exec.Command(rbenchBinary(t), "server", "--requirepass", pw)
	cmd.Env = cliEnv(dir)
	var o, e lockedbuf.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	pid := waitAnnounced(t, &e)
	argv, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(argv), pw) {
		t.Errorf("redis-server's command line holds the password: %q", argv)
	}
	if strings.Contains(o.String()+e.String(), pw) {
		t.Errorf("rbench server printed the password:\n%s%s", o.String(), e.String())
	}
}

var serverPidRE = regexp.MustCompile(`\(pid (\d+), dir (\S+?),`)

// waitAnnounced waits for a throwaway server's announcement on stderr and
// returns its pid.
func waitAnnounced(t *testing.T, stderr *lockedbuf.Buffer) int {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := serverPidRE.FindStringSubmatch(stderr.String()); m != nil {
			pid, _ := strconv.Atoi(m[1])
			return pid
		}
	}
	t.Fatalf("no announcement:\n%s", stderr.String())
	return 0
}

// TestKilledRbenchLeavesNoDirectory: a SIGKILLed rbench cannot remove its
// throwaway server's directory; the next rbench that starts one does.
func TestKilledRbenchLeavesNoDirectory(t *testing.T) {
	tmp := t.TempDir() // a private TMPDIR: other tests' servers stay out of it
	env := func() []string { return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "TMPDIR=" + tmp} }
	cmd := exec.Command(rbenchBinary(t), "server")
	cmd.Env = env()
	var o, e lockedbuf.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := waitAnnounced(t, &e)
	dir := serverPidRE.FindStringSubmatch(e.String())[2]
	cmd.Process.Kill()
	cmd.Wait()
	for deadline := time.Now().Add(20 * time.Second); !processGone(pid) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !processGone(pid) {
		t.Fatalf("redis-server %d outlived its rbench", pid)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the directory is gone already (%v): nothing to test", err)
	}
	ping := exec.Command(rbenchBinary(t), "ping")
	ping.Env = env()
	if out, err := ping.CombinedOutput(); err != nil {
		t.Fatalf("ping: %v\n%s", err, out)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s is still there after the next start (%v)", dir, err)
	}
}

// TestOutputPathsCheckedFirst: an output path that cannot be written is
// refused before the run starts, not after it.
func TestOutputPathsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"run", "--out", dir},
		{"run", "--out", "/dev/full"},
		{"run", "--out", "/proc/version/run.json"},
		{"run", "--results-dir", "/proc/rbench-results"},
		{"plan", "--orders", "1000", "--out", dir},
		{"recover", "--out", dir},
		{"report", "-o", dir, writeRun(t, dir, "r", 100)},
		{"merge", "-o", dir, writeRun(t, dir, "m", 100)},
	} {
		r := runMeasured(t, dir, nil, args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "--") {
			t.Errorf("%v: exit %d, want 2 naming the flag\n%s", args, r.code, r.all())
		}
		if strings.Contains(r.stderr, "throwaway redis-server at") {
			t.Errorf("%v started a server before refusing its output path", args)
		}
	}
}

// TestFullOrReadOnlyResultsDir mounts a tiny and a read-only tmpfs in a
// mount namespace of its own (root only) and points --results-dir at them.
func TestFullOrReadOnlyResultsDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("no unshare(1)")
	}
	bin := rbenchBinary(t)
	for _, tc := range []struct{ mount, want string }{
		{"size=64k", "free on the filesystem"},
		{"ro", "cannot write in"},
	} {
		mnt := t.TempDir()
		script := fmt.Sprintf("mount -t tmpfs -o %s tmpfs %s && exec %s run -w raw --ops 100 --results-dir %s/results", tc.mount, mnt, bin, mnt)
		cmd := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c", script)
		cmd.Env = cliEnv(t.TempDir())
		out, err := cmd.CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != exitUsage || !strings.Contains(string(out), tc.want) {
			t.Errorf("tmpfs -o %s: %v, want exit 2 saying %q\n%s", tc.mount, err, tc.want, out)
		}
		if strings.Contains(string(out), "throwaway redis-server at") {
			t.Errorf("tmpfs -o %s: the run started before the output path was refused", tc.mount)
		}
	}
}

// TestInterruptedPlanKeepsItsScales: SIGINT after the first scale writes
// the scales measured, marked incomplete, and exits 1; a gate on them fails.
func TestInterruptedPlanKeepsItsScales(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(rbenchBinary(t), "plan", "--scales", "100,2000000", "--orders", "1000", "--results-dir", filepath.Join(dir, "results"))
	cmd.Dir = dir
	cmd.Env = cliEnv(dir)
	var o, e lockedbuf.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(e.String(), "100 keys measured") && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(e.String(), "100 keys measured") {
		cmd.Process.Kill()
		t.Fatalf("the first scale was never measured:\n%s", e.String())
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitFailure {
		t.Fatalf("interrupted plan: %v, want exit 1\n%s%s", err, o.String(), e.String())
	}
	runs, _ := filepath.Glob(filepath.Join(dir, "results", "run-*", "run.json"))
	if len(runs) != 1 {
		t.Fatalf("run folders: %v\n%s%s", runs, o.String(), e.String())
	}
	run, err := results.ReadFile(runs[0])
	if err != nil {
		t.Fatal(err)
	}
	if run.Plan == nil || len(run.Plan.Scales) != 1 || run.Plan.Scales[0] != 100 || len(run.Plan.Points) == 0 {
		t.Errorf("plan kept: %+v", run.Plan)
	}
	if len(run.Incomplete) == 0 || !strings.Contains(run.Incomplete[0], "interrupted") {
		t.Errorf("incomplete = %q, want the interruption", run.Incomplete)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(runs[0]), results.IncompleteMarker)); err != nil {
		t.Errorf("the run folder is not marked incomplete: %v", err)
	}
	r := runMeasured(t, dir, nil, "gate", "-t", "errors==0", runs[0])
	if r.code != exitThreshold || !strings.Contains(r.stdout, "incomplete") {
		t.Errorf("gate on an incomplete plan: exit %d, want 99 saying incomplete\n%s", r.code, r.all())
	}
}

// TestSignalStopsALoad: SIGINT stops a read that would otherwise wait for
// ever (a pipe that never ends), for results files and the small files.
func TestSignalStopsALoad(t *testing.T) {
	dir := t.TempDir()
	good := writeRun(t, dir, "good", 100)
	for _, args := range [][]string{
		{"report", "-o", filepath.Join(dir, "r.html"), "FIFO"},
		{"gate", "-t", "errors==0", "FIFO"},
		{"gate", "--thresholds", "FIFO", good},
		{"run", "--workload-file", "FIFO"},
	} {
		fifo := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		// Held open for writing and never closed: the reader waits.
		w, err := os.OpenFile(fifo, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		w.WriteString("{")
		for i := range args {
			if args[i] == "FIFO" {
				args[i] = fifo
			}
		}
		cmd := exec.Command(rbenchBinary(t), args...)
		cmd.Dir = dir
		cmd.Env = cliEnv(dir)
		var o, e lockedbuf.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitFailure || !strings.Contains(e.String(), "interrupted") {
				t.Errorf("%v: %v, want exit 1 saying interrupted\n%s", args, err, e.String())
			}
		case <-time.After(hostileWall):
			cmd.Process.Kill()
			t.Errorf("%v: still reading %s after SIGINT", args, hostileWall)
		}
		w.Close()
	}
}

// TestIncompleteResultsJSON checks the incomplete field reads back as
// written (shared format, additive).
func TestIncompleteResultsJSON(t *testing.T) {
	r := results.NewRun(results.Meta{RunID: "x"})
	r.Incomplete = []string{"interrupted"}
	b, _ := json.Marshal(r)
	if !strings.Contains(string(b), `"incomplete":["interrupted"]`) {
		t.Errorf("%s", b)
	}
}
