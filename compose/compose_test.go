package compose_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/rbench/rbench/compose"
	"github.com/rbench/rbench/connect"
	"github.com/rbench/rbench/localredis"
)

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Ports       []string          `yaml:"ports"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

func TestComposeFile(t *testing.T) {
	raw, err := os.ReadFile("docker-compose.redis.yml")
	if err != nil {
		t.Fatal(err)
	}
	var f composeFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	svc, ok := f.Services["redis"]
	if !ok {
		t.Fatalf("no redis service in %v", f.Services)
	}
	if !strings.HasPrefix(svc.Image, "redis:7") {
		t.Errorf("image %q, want redis:7.x", svc.Image)
	}
	const conf = "/usr/local/etc/redis/redis.conf"
	if !slices.Contains(svc.Volumes, "./redis.conf:"+conf+":ro") {
		t.Errorf("volumes %q do not mount ./redis.conf read-only at %s", svc.Volumes, conf)
	}
	if len(svc.Command) < 2 || svc.Command[0] != "redis-server" || svc.Command[1] != conf {
		t.Errorf("command %q does not start redis-server with %s", svc.Command, conf)
	}
	i := slices.Index(svc.Command, "--requirepass")
	if i < 0 || i+1 >= len(svc.Command) || !strings.HasPrefix(svc.Command[i+1], "${REDIS_PASSWORD:?") {
		t.Errorf("command %q lacks --requirepass ${REDIS_PASSWORD:?...}", svc.Command)
	}
	if !strings.HasPrefix(svc.Environment["REDISCLI_AUTH"], "${REDIS_PASSWORD") {
		t.Errorf("REDISCLI_AUTH = %q: the healthcheck needs the password", svc.Environment["REDISCLI_AUTH"])
	}
	hc := strings.Join(svc.Healthcheck.Test, " ")
	if !strings.Contains(hc, "redis-cli") || !strings.Contains(hc, "ping") || !strings.Contains(hc, "PONG") {
		t.Errorf("healthcheck %q is not redis-cli ping checking for PONG", hc)
	}
	var dataVolume string
	for _, v := range svc.Volumes {
		if src, dst, _ := strings.Cut(v, ":"); strings.HasPrefix(dst, "/data") {
			dataVolume = src
		}
	}
	if _, ok := f.Volumes[dataVolume]; dataVolume == "" || !ok {
		t.Errorf("/data is not a named volume (volumes %q, top-level %v)", svc.Volumes, f.Volumes)
	}
	if !slices.ContainsFunc(svc.Ports, func(p string) bool { return strings.HasSuffix(p, ":6379") }) {
		t.Errorf("ports %q do not publish 6379", svc.Ports)
	}
}

// TestRedisConfStarts runs redis-server with compose/redis.conf and nothing
// but port, bind and dir overridden, as compose does, and checks the
// durability settings the trading cache relies on.
func TestRedisConfStarts(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is required: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "redis.conf"), compose.RedisConf, 0o600); err != nil {
		t.Fatal(err)
	}
	port, err := localredis.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, filepath.Join(dir, "redis.conf"), "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir, "--logfile", "redis.log")
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	c := connect.NewClient(connect.ClientOptions{Addr: "127.0.0.1:" + strconv.Itoa(port)})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		if err := c.Ping(ctx).Err(); err == nil {
			break
		} else if ctx.Err() != nil {
			log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			t.Fatalf("redis-server with compose/redis.conf did not answer: %v\n%s", err, log)
		}
		select {
		case err := <-done:
			log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			t.Fatalf("redis-server exited (%v):\n%s", err, log)
		case <-time.After(20 * time.Millisecond):
		}
	}
	want := map[string]string{
		"appendonly":       "yes",
		"appendfsync":      "everysec",
		"save":             "",
		"maxmemory-policy": "noeviction",
	}
	for k, v := range want {
		got, err := c.ConfigGet(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		if got[k] != v {
			t.Errorf("CONFIG GET %s = %q, want %q", k, got[k], v)
		}
	}
	// The AOF is written into the directory, where compose's volume is.
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "appendonlydir")); errors.Is(err, os.ErrNotExist) {
		t.Error("no appendonlydir in the server's dir")
	}
}
