package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rbench/rbench/localredis"
	"github.com/rbench/rbench/results"
)

// targetRbench runs the binary in a fresh directory with only env.
func targetRbench(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	dir := t.TempDir()
	return execRbench(t, dir, cliEnv(dir, env...), args...)
}

// TestTLSCommands: every command that connects reaches a real TLS
// redis-server that requires a client certificate, with the CA and the
// client certificate the test generated, by flags and by a rediss:// URL;
// without the certificate it fails with the fix; the key's path is shown,
// its contents never.
func TestTLSCommands(t *testing.T) {
	certs, err := localredis.GenerateCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None, TLS: &localredis.TLS{
		CertFile: certs.ServerCert, KeyFile: certs.ServerKey, CACertFile: certs.CACert, AuthClients: true}})
	port := strconv.Itoa(srv.TLSPort())
	tlsFlags := []string{"--host", "127.0.0.1", "--port", port, "--tls", "--cacert", certs.CACert, "--cert", certs.ClientCert, "--key", certs.ClientKey, "--retries", "0"}
	key, err := os.ReadFile(certs.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	keyLine := strings.Split(string(key), "\n")[1]
	noKey := func(t *testing.T, s string) {
		t.Helper()
		if strings.Contains(s, keyLine) || strings.Contains(s, "PRIVATE KEY") {
			t.Errorf("the key's contents were printed:\n%s", s)
		}
	}

	t.Run("ping", func(t *testing.T) {
		out, errOut, code := targetRbench(t, nil, append([]string{"ping"}, tlsFlags...)...)
		if code != 0 || !strings.Contains(out, "PONG") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
	})
	t.Run("ping by URL", func(t *testing.T) {
		url := "rediss://127.0.0.1:" + port + "/0?tls_cacert=" + certs.CACert + "&tls_cert=" + certs.ClientCert + "&tls_key=" + certs.ClientKey
		out, errOut, code := targetRbench(t, []string{"REDIS_URL=" + url}, "ping", "--retries", "0")
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
	})
	t.Run("ping without the client certificate", func(t *testing.T) {
		out, errOut, code := targetRbench(t, nil, "ping", "--host", "127.0.0.1", "--port", port, "--tls", "--cacert", certs.CACert, "--retries", "0")
		if code != exitFailure || !strings.Contains(errOut, "requires a client certificate") || !strings.Contains(errOut, "--cert FILE and --key FILE") {
			t.Fatalf("exit %d, want %d with the fix\n%s%s", code, exitFailure, out, errOut)
		}
	})
	t.Run("ping --insecure", func(t *testing.T) {
		out, errOut, code := targetRbench(t, nil, "ping", "--host", "127.0.0.1", "--port", port, "--tls", "--insecure",
			"--cert", certs.ClientCert, "--key", certs.ClientKey, "--retries", "0")
		if code != 0 || !strings.Contains(out, "warning: TLS without verifying the server's certificate (--insecure)") {
			t.Fatalf("exit %d, want 0 and a warning\n%s%s", code, out, errOut)
		}
	})
	t.Run("config", func(t *testing.T) {
		out, errOut, code := targetRbench(t, nil, append([]string{"config"}, tlsFlags...)...)
		if code != 0 || !strings.Contains(out, certs.ClientKey) || !strings.Contains(out, "REDIS_TLS_CACERT") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		noKey(t, out+errOut)
	})
	t.Run("run raw, direct client over TLS", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "run.json")
		out, errOut, code := targetRbench(t, nil, append([]string{"run", "-w", "raw", "--ops", "2000", "--warmup", "0s", "--keys", "100", "--out", path}, tlsFlags...)...)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		if strings.Contains(errOut, "sending through go-redis") {
			t.Errorf("raw left its direct client over TLS:\n%s", errOut)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		noKey(t, string(raw)+out+errOut)
		if !strings.Contains(string(raw), certs.ClientKey) {
			t.Errorf("the results file does not record the key's path")
		}
	})
	t.Run("recover reads the server's persistence over TLS", func(t *testing.T) {
		out, errOut, code := targetRbench(t, nil, append([]string{"recover", "--cycles", "1", "--keys", "100"}, tlsFlags...)...)
		if code != exitUsage || !strings.Contains(errOut, "Its persistence (from") {
			t.Fatalf("exit %d, want %d with the server's persistence\n%s%s", code, exitUsage, out, errOut)
		}
	})
	t.Run("a TLS option without TLS", func(t *testing.T) {
		_, errOut, code := targetRbench(t, nil, "ping", "--host", "127.0.0.1", "--port", port, "--cacert", certs.CACert)
		if code != exitUsage || !strings.Contains(errOut, "TLS is off: add --tls") {
			t.Fatalf("exit %d, want %d\n%s", code, exitUsage, errOut)
		}
	})
}

// TestClusterCommands: `rbench server --cluster 3` starts a cluster that
// ping and run use (detected from the server), raw's keys land on every
// primary and the server view samples all three, a trading workload says
// plainly that NautilusTrader has no cluster mode, startup-load and
// recover are refused, and Ctrl-C leaves nothing behind.
func TestClusterCommands(t *testing.T) {
	dir := t.TempDir()
	cmd := execCommand(t, dir, "server", "--cluster", "3", "--persistence", "none")
	url, br := startServerCommand(t, cmd)
	if !strings.HasSuffix(url, "/0?cluster=true") {
		t.Errorf("URL %q does not ask for a cluster", url)
	}
	// Read the node lines (pid, dir) as they come; the rest after Ctrl-C.
	type node struct {
		pid int
		dir string
	}
	var nodes []node
	nodeRE := regexp.MustCompile(`cluster primary 127\.0\.0\.1:\d+ \(pid (\d+), dir (\S+)\)`)
	for len(nodes) < 3 {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the node lines: %v", err)
		}
		if m := nodeRE.FindStringSubmatch(line); m != nil {
			pid, _ := strconv.Atoi(m[1])
			nodes = append(nodes, node{pid, m[2]})
		}
	}
	env := []string{"REDIS_URL=" + url}
	hostOnly := []string{"REDIS_URL=" + strings.TrimSuffix(url, "?cluster=true")} // detected, not asked

	t.Run("ping", func(t *testing.T) {
		out, errOut, code := targetRbench(t, hostOnly, "ping", "--retries", "0")
		if code != 0 || !strings.Contains(out, "cluster") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
	})
	t.Run("run raw", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "run.json")
		out, errOut, code := targetRbench(t, hostOnly, "run", "-w", "raw", "--ops", "3000", "--keys", "300", "--warmup", "0s", "--out", path, "--retries", "0")
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		if !strings.Contains(errOut, "raw's keys spread over every hash slot") {
			t.Errorf("no cluster note:\n%s", errOut)
		}
		run := loadRun(t, path)
		if run.Server == nil || len(run.Server.Nodes) != 3 {
			t.Fatalf("server view nodes %v, want the 3 primaries", run.Server)
		}
		var set int64
		for _, l := range run.Server.Latency {
			if l.Command == "set" || l.Command == "get" {
				set += l.Calls
			}
		}
		if set < 3000 {
			t.Errorf("server-side SET+GET calls %d over the primaries, want at least the 3000 measured", set)
		}
		if got := run.Meta.Config["REDIS_CLUSTER"]; got != "true" {
			t.Errorf("results record REDIS_CLUSTER=%q", got)
		}
	})
	t.Run("run order-flow says NautilusTrader has no cluster mode", func(t *testing.T) {
		out, errOut, code := targetRbench(t, env, "run", "-w", "order-flow", "--ops", "300", "--warmup", "0s", "--out", filepath.Join(t.TempDir(), "r.json"), "--retries", "0")
		if code != 0 || !strings.Contains(errOut, "NautilusTrader 1.231 has no cluster mode") || !strings.Contains(errOut, "what would a cluster give") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
	})
	t.Run("startup-load refused", func(t *testing.T) {
		_, errOut, code := targetRbench(t, env, "run", "-w", "startup-load", "--retries", "0")
		if code != exitUsage || !strings.Contains(errOut, "CROSSSLOT") {
			t.Fatalf("exit %d, want %d\n%s", code, exitUsage, errOut)
		}
	})
	t.Run("recover refused", func(t *testing.T) {
		// Detected (REDIS_CLUSTER auto), refused once connected; asked
		// for (cluster=true), refused before connecting.
		_, errOut, code := targetRbench(t, hostOnly, "recover", "--cycles", "1", "--restart-cmd", "true", "--retries", "0")
		if code != exitUsage || !strings.Contains(errOut, "is a Redis Cluster") {
			t.Fatalf("exit %d, want %d\n%s", code, exitUsage, errOut)
		}
		_, errOut, code = targetRbench(t, env, "recover", "--cycles", "1", "--restart-cmd", "true", "--retries", "0")
		if code != exitUsage || !strings.Contains(errOut, "asks for a Redis Cluster") {
			t.Fatalf("exit %d, want %d\n%s", code, exitUsage, errOut)
		}
	})
	t.Run("recover --cluster refused before a throwaway cluster starts", func(t *testing.T) {
		_, errOut, code := targetRbench(t, nil, "recover", "--cycles", "1", "--cluster")
		if code != exitUsage || !strings.Contains(errOut, "asks for a Redis Cluster") || strings.Contains(errOut, "started") {
			t.Fatalf("exit %d, want %d\n%s", code, exitUsage, errOut)
		}
	})

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(br)
	if err := cmd.Wait(); err != nil {
		t.Errorf("rbench server --cluster after SIGINT: %v\n%s", err, rest)
	}
	for _, n := range nodes {
		if !processGone(n.pid) {
			t.Errorf("cluster node pid %d still running after Ctrl-C", n.pid)
		}
		if _, err := os.Stat(n.dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("dir %s left behind after Ctrl-C: %v", n.dir, err)
		}
	}
}

func loadRun(t *testing.T, path string) *results.Run {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r results.Run
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// execCommand is the binary as an *exec.Cmd in dir with a minimal
// environment, for a test that talks to it while it runs.
func execCommand(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(rbenchBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = cliEnv(dir)
	return cmd
}

// TestRESP3AndACLCommands: --resp 3 and an ACL user reach every command
// that connects; raw says it leaves its RESP2 client for go-redis.
func TestRESP3AndACLCommands(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None,
		Args: []string{"--user", "bench", "on", ">s3cret", "~*", "&*", "+@all"}})
	env := []string{"REDIS_PASSWORD=s3cret"}
	flags := []string{"--host", "127.0.0.1", "--port", strconv.Itoa(srv.Port()), "--user", "bench", "--resp", "3", "--retries", "0"}
	out, errOut, code := targetRbench(t, env, append([]string{"ping"}, flags...)...)
	if code != 0 || !strings.Contains(out, "PONG") {
		t.Fatalf("ping: exit %d\n%s%s", code, out, errOut)
	}
	path := filepath.Join(t.TempDir(), "run.json")
	out, errOut, code = targetRbench(t, env, append([]string{"run", "-w", "raw", "--ops", "1000", "--keys", "100", "--warmup", "0s", "--out", path}, flags...)...)
	if code != 0 || !strings.Contains(errOut, "speaks RESP2 only, and --resp 3 asks for RESP3") {
		t.Fatalf("run: exit %d\n%s%s", code, out, errOut)
	}
	if r := loadRun(t, path); r.Meta.Config["REDIS_PROTOCOL"] != "3" || r.Meta.Config["REDIS_USERNAME"] != "bench" {
		t.Errorf("results config %v", r.Meta.Config)
	}
	out, errOut, code = targetRbench(t, env, append([]string{"run", "-w", "order-flow", "--ops", "200", "--warmup", "0s", "--out", filepath.Join(t.TempDir(), "o.json")}, flags...)...)
	if code != 0 {
		t.Fatalf("run order-flow: exit %d\n%s%s", code, out, errOut)
	}
	_, errOut, code = targetRbench(t, env, append([]string{"recover", "--cycles", "1"}, flags...)...)
	if code != exitUsage || !strings.Contains(errOut, "Its persistence (from") {
		t.Fatalf("recover: exit %d\n%s", code, errOut)
	}
	_, errOut, code = targetRbench(t, []string{"REDIS_PASSWORD=wrong"}, append([]string{"ping"}, flags...)...)
	if code != exitFailure || !strings.Contains(errOut, "WRONGPASS") {
		t.Fatalf("a wrong password: exit %d\n%s", code, errOut)
	}
}

// TestServerTLS: `rbench server --tls --tls-auth-clients` prints a
// rediss:// URL naming its throwaway CA and client certificate, which ping
// uses as it is; Ctrl-C removes the certificates with the server.
func TestServerTLS(t *testing.T) {
	cmd := execCommand(t, t.TempDir(), "server", "--tls", "--tls-auth-clients", "--persistence", "none")
	url, br := startServerCommand(t, cmd)
	for _, want := range []string{"rediss://127.0.0.1:", "tls_cacert=", "tls_cert=", "tls_key="} {
		if !strings.Contains(url, want) {
			t.Errorf("URL %q lacks %s", url, want)
		}
	}
	var caDir string
	caRE := regexp.MustCompile(`throwaway CA (\S+)/ca\.crt`)
	for caDir == "" {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading stderr: %v", err)
		}
		if m := caRE.FindStringSubmatch(line); m != nil {
			caDir = m[1]
		}
	}
	out, errOut, code := targetRbench(t, []string{"REDIS_URL=" + url}, "ping", "--retries", "0")
	if code != 0 || !strings.Contains(out, "PONG") {
		t.Fatalf("ping of the printed URL: exit %d\n%s%s", code, out, errOut)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(br)
	if err := cmd.Wait(); err != nil {
		t.Errorf("rbench server --tls after SIGINT: %v\n%s", err, rest)
	}
	if _, err := os.Stat(caDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the certificates' directory %s is left behind: %v", caDir, err)
	}
}
