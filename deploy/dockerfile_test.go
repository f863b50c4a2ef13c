// Package deploy_test checks the ways rbench is shipped: the Dockerfile at
// the repository's root, compose's rbench service and the Kubernetes
// manifests in this folder. Docker cannot run on the machines these tests
// run on, so the Dockerfile is parsed and its build steps are replayed here,
// each RUN in a folder standing for its stage's file system (see
// replayDockerfile); what only docker does (pulling the base images,
// isolating the stages) is not tested.
package deploy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/rbench/rbench/localredis"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	line int
	cmd  string // upper case: FROM, ARG, RUN, ...
	args string
}

// parseDockerfile splits a Dockerfile into instructions, refusing unknown
// ones and a continuation at the end of the file.
func parseDockerfile(data []byte) ([]instruction, error) {
	known := []string{"FROM", "ARG", "ENV", "WORKDIR", "COPY", "RUN", "ENTRYPOINT", "CMD", "USER", "LABEL", "EXPOSE"}
	var out []instruction
	var cur strings.Builder
	start := 0
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimRight(raw, " \t\r")
		if cur.Len() == 0 {
			t := strings.TrimSpace(line)
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			start = i + 1
		} else if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue // a comment inside a continued instruction
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\"))
			cur.WriteString(" ")
			continue
		}
		cur.WriteString(line)
		text := strings.TrimSpace(cur.String())
		cur.Reset()
		cmd, args, _ := strings.Cut(text, " ")
		cmd = strings.ToUpper(cmd)
		if !slices.Contains(known, cmd) {
			return nil, fmt.Errorf("line %d: unknown instruction %q", start, cmd)
		}
		n := len(strings.Fields(args))
		switch {
		case cmd == "FROM" && n != 1 && n != 3:
			return nil, fmt.Errorf("line %d: FROM takes an image, or an image, AS and a name", start)
		case cmd == "COPY" && n < 2, n == 0:
			return nil, fmt.Errorf("line %d: %s lacks arguments", start, cmd)
		}
		out = append(out, instruction{line: start, cmd: cmd, args: strings.TrimSpace(args)})
	}
	if cur.Len() > 0 {
		return nil, fmt.Errorf("line %d: the file ends inside a continued instruction", start)
	}
	return out, nil
}

var argRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

func expand(s string, vars map[string]string) string {
	return argRef.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.Trim(m, "${}")
		if v, ok := vars[name]; ok {
			return v
		}
		return m
	})
}

// stage is one FROM's file system during the replay.
type stage struct {
	name, image string
	root        string // stands for the stage's "/"
	workdir     string // absolute inside the stage
	args        map[string]string
	entrypoint  string
}

func (s *stage) path(p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(s.workdir, p)
	}
	return filepath.Join(s.root, p)
}

// replayDockerfile runs the Dockerfile's steps outside docker: each stage
// gets a folder for its root, WORKDIR a folder inside it, COPY copies from
// the build context (the git-listed files less .dockerignore's patterns) or
// an earlier stage's folder, and RUN runs its command with sh in the
// stage's working folder, its ARGs in the environment. The RUN steps use
// the host's tools (go, npm, tar, sha256sum) instead of the base images'.
func replayDockerfile(t *testing.T, root string, ins []instruction) map[string]*stage {
	t.Helper()
	ctxFiles := buildContext(t, root)
	global := map[string]string{}
	stages := map[string]*stage{}
	var cur *stage
	for i, in := range ins {
		where := fmt.Sprintf("Dockerfile:%d %s", in.line, in.cmd)
		switch in.cmd {
		case "ARG":
			name, def, hasDef := strings.Cut(in.args, "=")
			if cur == nil {
				global[name] = def
				continue
			}
			if !hasDef {
				def = global[name]
			}
			cur.args[name] = def
		case "FROM":
			f := strings.Fields(expand(in.args, global))
			s := &stage{image: f[0], root: filepath.Join(t.TempDir(), fmt.Sprintf("stage%d", i)), workdir: "/", args: map[string]string{}}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			if strings.Contains(s.image, "$") {
				t.Fatalf("%s: image %q refers to an undefined ARG", where, s.image)
			}
			if err := os.MkdirAll(s.root, 0o755); err != nil {
				t.Fatal(err)
			}
			stages[s.name] = s
			cur = s
		case "WORKDIR":
			cur.workdir = expand(in.args, cur.args)
			if err := os.MkdirAll(cur.path("."), 0o755); err != nil {
				t.Fatal(err)
			}
		case "COPY":
			f := strings.Fields(in.args)
			from := ""
			if v, ok := strings.CutPrefix(f[0], "--from="); ok {
				from, f = v, f[1:]
			}
			srcs, dst := f[:len(f)-1], cur.path(f[len(f)-1])
			for _, src := range srcs {
				if from != "" {
					s, ok := stages[from]
					if !ok {
						t.Fatalf("%s: --from=%s names no earlier stage", where, from)
					}
					copyFile(t, s.path(src), dstFor(dst, src, strings.HasSuffix(f[len(f)-1], "/")))
					continue
				}
				n := 0
				for _, name := range ctxFiles {
					if src == "." || name == src {
						target := filepath.Join(dst, name)
						if src != "." {
							target = dstFor(dst, name, strings.HasSuffix(f[len(f)-1], "/"))
						}
						copyFile(t, filepath.Join(root, name), target)
						n++
					}
				}
				if n == 0 {
					t.Fatalf("%s: %s is not in the build context", where, src)
				}
			}
		case "RUN":
			env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
			for _, k := range []string{"GOPATH", "GOMODCACHE", "GOCACHE", "GOFLAGS", "GOPROXY", "TMPDIR"} {
				if v, ok := os.LookupEnv(k); ok {
					env = append(env, k+"="+v)
				}
			}
			if v, err := exec.Command("go", "env", "GOCACHE").Output(); err == nil {
				env = append(env, "GOCACHE="+strings.TrimSpace(string(v)))
			}
			for k, v := range cur.args {
				env = append(env, k+"="+v)
			}
			cmd := exec.Command("sh", "-ec", in.args)
			cmd.Dir = cur.path(".")
			cmd.Env = env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s (stage %s, %s) failed: %v\n%s", where, cur.name, cur.image, err, out)
			}
		case "ENTRYPOINT":
			var f []string
			if !strings.HasPrefix(in.args, "[") {
				t.Fatalf("%s: use the exec form [\"...\"] so no shell is needed", where)
			}
			for _, p := range strings.Split(strings.Trim(in.args, "[]"), ",") {
				f = append(f, strings.Trim(strings.TrimSpace(p), `"`))
			}
			cur.entrypoint = f[0]
		}
	}
	stages[""] = cur // the final stage, the image
	return stages
}

func dstFor(dst, src string, dstIsDir bool) string {
	if dstIsDir {
		return filepath.Join(dst, filepath.Base(src))
	}
	return dst
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, info.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}

// buildContext lists the files docker would send: the work tree's files
// git knows (tracked, and new ones not ignored) less .dockerignore's
// patterns.
func buildContext(t *testing.T, root string) []string {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatalf(".dockerignore: %v (without it .env and .git would be sent to the build)", err)
	}
	var patterns []string
	for _, l := range strings.Split(string(ignore), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, strings.TrimSuffix(l, "/"))
		}
	}
	var files []string
	for _, name := range strings.Split(string(out), "\x00") {
		if name == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, name)); err != nil {
			continue // deleted in the work tree
		}
		skip := false
		for _, p := range patterns {
			for dir := name; dir != "." && !skip; dir = filepath.Dir(dir) {
				m, _ := filepath.Match(p, dir)
				skip = m
			}
		}
		if !skip {
			files = append(files, name)
		}
	}
	return files
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// makeVar returns the value of NAME := VALUE in the Makefile.
func makeVar(t *testing.T, makefile []byte, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + `\s*:?=\s*(\S+)`).FindSubmatch(makefile)
	if m == nil {
		t.Fatalf("Makefile has no %s", name)
	}
	return string(m[1])
}

// TestDockerfile parses the Dockerfile, checks what it pins against the
// Makefile and go.mod, replays its build steps (the chart library from npm,
// checked against its sha256; the static build) and runs the image's
// entrypoint: it must write a report, which a `go install` build cannot.
func TestDockerfile(t *testing.T) {
	root := repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	ins, err := parseDockerfile(data)
	if err != nil {
		t.Fatal(err)
	}
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	args := map[string]string{}
	var froms []string
	for _, in := range ins {
		switch in.cmd {
		case "ARG":
			if k, v, ok := strings.Cut(in.args, "="); ok {
				args[k] = v
			}
		case "FROM":
			froms = append(froms, strings.Fields(in.args)[0])
		}
	}
	// One pinned chart library: the Dockerfile's must be the Makefile's.
	for _, name := range []string{"ECHARTS_VERSION", "ECHARTS_SHA256"} {
		if got, want := args[name], makeVar(t, makefile, name); got != want {
			t.Errorf("Dockerfile %s=%s, Makefile says %s", name, got, want)
		}
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goVersion == nil || args["GO_VERSION"] != string(goVersion[1]) {
		t.Errorf("Dockerfile GO_VERSION=%s, go.mod says go %s", args["GO_VERSION"], goVersion)
	}
	for _, f := range froms {
		if strings.HasSuffix(f, ":latest") || !strings.Contains(f, ":") {
			t.Errorf("FROM %s: pin a tag", f)
		}
	}
	if len(froms) < 3 {
		t.Errorf("FROM %v: want the assets, build and final stages (multi-stage)", froms)
	}

	stages := replayDockerfile(t, root, ins)
	img := stages[""]
	if img.entrypoint == "" {
		t.Fatal("the final stage has no ENTRYPOINT")
	}
	bin := img.path(img.entrypoint)
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "docker") {
		t.Fatalf("%s --version: %v\n%s (want the VERSION build arg, docker)", img.entrypoint, err, out)
	}
	t.Run("report", func(t *testing.T) {
		// The image's binary writes reports: the chart library is embedded.
		dir := t.TempDir()
		res := filepath.Join(dir, "run.json")
		srv := localredis.ForTest(t, localredis.Options{})
		cmd := exec.Command(bin, "run", "--workload", "raw", "--ops", "200", "-c", "2", "--keys", "20", "--threads", "1", "--out", res, "--report")
		cmd.Dir, cmd.Env = dir, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "REDIS_URL=" + srv.URL()}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("the image's rbench run --report: %v\n%s", err, out)
		}
		if fi, err := os.Stat(filepath.Join(dir, "report.html")); err != nil || fi.Size() < 500_000 {
			t.Errorf("report.html: %v (size %d; the chart library alone is about 1 MB)", err, sizeOf(fi))
		}
	})
	t.Run("compose", func(t *testing.T) { testComposeService(t, root, bin) })
}

// composeFile is the part of compose/docker-compose.redis.yml the rbench
// service uses.
type composeFile struct {
	Services map[string]struct {
		Profiles []string `yaml:"profiles"`
		Build    struct {
			Context    string `yaml:"context"`
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
		DependsOn   map[string]struct{ Condition string } `yaml:"depends_on"`
		Environment map[string]string                     `yaml:"environment"`
		Command     []string                              `yaml:"command"`
		Volumes     []string                              `yaml:"volumes"`
		Healthcheck any                                   `yaml:"healthcheck"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// testComposeService checks compose's rbench service builds this
// Dockerfile, waits for a healthy Redis, reaches it by its service name with
// its password, and runs its command as written: here the image's binary
// runs that command against a throwaway server with a password, the
// service name replaced by the server's address.
func testComposeService(t *testing.T, root, bin string) {
	composeDir := filepath.Join(root, "compose")
	raw, err := os.ReadFile(filepath.Join(composeDir, "docker-compose.redis.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var f composeFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	svc, ok := f.Services["rbench"]
	if !ok {
		t.Fatal("compose has no rbench service")
	}
	if df := filepath.Join(composeDir, svc.Build.Context, svc.Build.Dockerfile); df != filepath.Join(root, "Dockerfile") {
		t.Errorf("build %s/%s is not the repository's Dockerfile", svc.Build.Context, svc.Build.Dockerfile)
	}
	redisSvc, ok := f.Services[svc.Environment["REDIS_HOST"]]
	if !ok || redisSvc.Healthcheck == nil {
		t.Errorf("REDIS_HOST=%s is not a service with a healthcheck", svc.Environment["REDIS_HOST"])
	}
	if svc.DependsOn[svc.Environment["REDIS_HOST"]].Condition != "service_healthy" {
		t.Errorf("depends_on %v: wait for a healthy Redis", svc.DependsOn)
	}
	if !strings.HasPrefix(svc.Environment["REDIS_PASSWORD"], "${REDIS_PASSWORD:?") {
		t.Errorf("REDIS_PASSWORD=%q: take compose's ${REDIS_PASSWORD:?...}", svc.Environment["REDIS_PASSWORD"])
	}
	if !slices.Contains(svc.Profiles, "bench") {
		t.Errorf("profiles %v: the rbench service runs only when asked (--profile bench)", svc.Profiles)
	}
	var resultsVol string
	for _, v := range svc.Volumes {
		if src, dst, _ := strings.Cut(v, ":"); dst == "/work/results" {
			resultsVol = src
		}
	}
	if _, ok := f.Volumes[resultsVol]; !ok {
		t.Errorf("volumes %v: mount a named volume at /work/results (the image's WORKDIR is /work)", svc.Volumes)
	}
	const password = "compose-test-secret"
	srv := localredis.ForTest(t, localredis.Options{Password: password})
	dir := filepath.Join(t.TempDir(), "work")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, svc.Command...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"REDIS_HOST=127.0.0.1", fmt.Sprintf("REDIS_PORT=%d", srv.Port()), "REDIS_PASSWORD=" + password}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("rbench %s: %v\n%s", strings.Join(svc.Command, " "), err, out)
	}
	if strings.Contains(string(out), password) {
		t.Errorf("the password appears in the output:\n%s", out)
	}
	reports, _ := filepath.Glob(filepath.Join(dir, "results", "run-*", "report.html"))
	if len(reports) != 1 {
		t.Errorf("want one report under results/ (the volume), found %v:\n%s", reports, out)
	}
}

func sizeOf(fi os.FileInfo) int64 {
	if fi == nil {
		return 0
	}
	return fi.Size()
}

// TestDockerfileParser shows the parser refuses what docker would.
func TestDockerfileParser(t *testing.T) {
	for _, bad := range []string{"FORM golang:1.26\n", "FROM golang:1.26 AS\n", "FROM a:1\nCOPY onlyone\n", "FROM a:1\nRUN\n"} {
		if _, err := parseDockerfile([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	ins, err := parseDockerfile([]byte("# c\nFROM a:1 AS x\nRUN one \\\n  # inner comment\n  two\n"))
	if err != nil || len(ins) != 2 || ins[1].args != "one    two" {
		t.Errorf("%+v %v", ins, err)
	}
}
