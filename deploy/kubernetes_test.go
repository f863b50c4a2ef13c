package deploy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
)

// The parts of a Kubernetes Job these tests read.
type container struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Env   []struct {
		Name      string `yaml:"name"`
		ValueFrom struct {
			SecretKeyRef struct{ Name, Key string } `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	VolumeMounts []struct{ Name, MountPath string } `yaml:"volumeMounts"`
}

type job struct {
	Kind     string `yaml:"kind"`
	Metadata struct{ Name string }
	Spec     struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		BackoffLimit   *int   `yaml:"backoffLimit"`
		Template       struct {
			Spec struct {
				RestartPolicy   string      `yaml:"restartPolicy"`
				InitContainers  []container `yaml:"initContainers"`
				Containers      []container `yaml:"containers"`
				SecurityContext struct {
					FSGroup int `yaml:"fsGroup"`
				} `yaml:"securityContext"`
				Volumes []struct {
					Name                  string
					PersistentVolumeClaim struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			}
		}
	}
}

func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("kubernetes", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(false)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// rbenchBin builds the command once for these tests.
func rbenchBin(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rbench-deploy-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "rbench")
		if out, err := exec.Command("go", "build", "-o", binPath, "../cmd/rbench").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

var k8sVar = regexp.MustCompile(`\$\(([A-Z_]+)\)`)

// podArgs turns a container's args into what Kubernetes passes for pod
// index (it expands $(VAR) from the container's environment), with the
// volume's mount path moved to dir and START_AT replaced, as the docs'
// sed does.
func podArgs(args []string, index int, dir, startAt string, shrink map[string]string) []string {
	var out []string
	for _, a := range args {
		a = k8sVar.ReplaceAllStringFunc(a, func(m string) string {
			if m == "$(JOB_COMPLETION_INDEX)" {
				return strconv.Itoa(index)
			}
			return m
		})
		a = strings.ReplaceAll(a, "/results", dir)
		a = strings.ReplaceAll(a, "START_AT", startAt)
		if name, _, ok := strings.Cut(a, "="); ok {
			if v, ok := shrink[name]; ok {
				a = name + "=" + v
			}
		}
		out = append(out, a)
	}
	return out
}

// TestKubernetesJobs checks the Indexed Job of generators and the merge Job
// against each other (one N everywhere, the files one writes are the files
// the other reads, one volume, the Redis URL from a Secret), then runs
// their pods' commands here: N processes with the generator's arguments,
// JOB_COMPLETION_INDEX set as Kubernetes sets it (the load made small: a
// shorter duration and rate, fewer connections and keys), then the merge's
// init container and its report container.
func TestKubernetesJobs(t *testing.T) {
	var gen, merge job
	readYAML(t, "generators.yaml", &gen)
	readYAML(t, "merge.yaml", &merge)
	var pvc struct {
		Kind     string `yaml:"kind"`
		Metadata struct{ Name string }
		Spec     struct {
			AccessModes []string `yaml:"accessModes"`
		}
	}
	readYAML(t, "results-volume.yaml", &pvc)
	g := gen.Spec
	if gen.Kind != "Job" || g.CompletionMode != "Indexed" || g.Completions < 2 || g.Parallelism != g.Completions {
		t.Fatalf("generators: kind %s, completion mode %q, completions %d, parallelism %d: want an Indexed Job running every pod at once", gen.Kind, g.CompletionMode, g.Completions, g.Parallelism)
	}
	if g.BackoffLimit == nil || *g.BackoffLimit != 0 || g.Template.Spec.RestartPolicy != "Never" {
		t.Errorf("generators: a retried generator measures outside the shared window; want backoffLimit 0 and restartPolicy Never")
	}
	n := g.Completions
	gc := g.Template.Spec.Containers[0]
	args := strings.Join(gc.Args, " ")
	for _, want := range []string{fmt.Sprintf("--shard=k8s/%d", n), "--start-at=START_AT", "--out=/results/shard-$(JOB_COMPLETION_INDEX).json"} {
		if !strings.Contains(args, want) {
			t.Errorf("generator args %q lack %s", args, want)
		}
	}
	if len(gc.Env) == 0 || gc.Env[0].Name != "REDIS_URL" || gc.Env[0].ValueFrom.SecretKeyRef.Name == "" {
		t.Errorf("generator env %+v: want REDIS_URL from a Secret", gc.Env)
	}
	mc := merge.Spec.Template.Spec.InitContainers
	if len(mc) != 1 || mc[0].Args[0] != "merge" {
		t.Fatalf("merge: want one init container running rbench merge, got %+v", mc)
	}
	var inputs []string
	for _, a := range mc[0].Args[1:] {
		if !strings.HasPrefix(a, "-") {
			inputs = append(inputs, a)
		}
	}
	var want []string
	for i := 0; i < n; i++ {
		want = append(want, fmt.Sprintf("/results/shard-%d.json", i))
	}
	if strings.Join(inputs, " ") != strings.Join(want, " ") {
		t.Errorf("merge reads %v, the generators write %v", inputs, want)
	}
	for _, j := range []job{gen, merge} {
		v := j.Spec.Template.Spec.Volumes
		if len(v) != 1 || v[0].PersistentVolumeClaim.ClaimName != pvc.Metadata.Name || j.Spec.Template.Spec.SecurityContext.FSGroup != 65532 {
			t.Errorf("%s: volumes %+v fsGroup %d: want the claim %s, writable by the image's user 65532", j.Metadata.Name, v, j.Spec.Template.Spec.SecurityContext.FSGroup, pvc.Metadata.Name)
		}
	}
	if pvc.Kind != "PersistentVolumeClaim" || len(pvc.Spec.AccessModes) != 1 || pvc.Spec.AccessModes[0] != "ReadWriteMany" {
		t.Errorf("results volume %s %v: generators on several machines write it at once, want ReadWriteMany", pvc.Kind, pvc.Spec.AccessModes)
	}

	// The pods, here.
	bin := rbenchBin(t)
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	dir := t.TempDir()
	startAt := time.Now().Add(4 * time.Second).UTC().Format(time.RFC3339)
	shrink := map[string]string{"--connections": "4", "--rate": "2000", "--duration": "2s", "--warmup": "500ms", "--keys": "1000"}
	var wg sync.WaitGroup
	outs := make([][]byte, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		cmd := exec.Command(bin, append(podArgs(gc.Args, i, dir, startAt, shrink), "--threads=1")...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "REDIS_URL=" + srv.URL(), "JOB_COMPLETION_INDEX=" + strconv.Itoa(i)}
		cmd.Dir = dir
		wg.Add(1)
		go func() { defer wg.Done(); outs[i], errs[i] = cmd.CombinedOutput() }()
	}
	wg.Wait()
	for i := range errs {
		if errs[i] != nil {
			t.Fatalf("generator pod %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	for _, c := range []container{mc[0], merge.Spec.Template.Spec.Containers[0]} {
		cmd := exec.Command(bin, podArgs(c.Args, 0, dir, startAt, nil)...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("merge job's %s container: %v\n%s", c.Name, err, out)
		}
	}
	m, err := results.ReadFile(filepath.Join(dir, "merged.json"))
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Meta.Workload.Shard; s == nil || s.Count != n || s.Index != 0 || m.Meta.Workload.Connections != 4 {
		t.Errorf("merged workload %+v shard %+v: want all %d parts of the spec", m.Meta.Workload, s, n)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.html")); err != nil {
		t.Errorf("the merge job's report: %v", err)
	}
}
