package localredis

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestClusterWithReplicas: two primaries with a replica each form one
// cluster; every slot is served, each replica follows its primary and has
// synced, and Stop leaves no directory behind.
func TestClusterWithReplicas(t *testing.T) {
	ctx := context.Background()
	c, err := StartCluster(ctx, ClusterOptions{Primaries: 2, Replicas: 1, Server: Options{Persistence: None, Password: "pw with space"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	if len(c.Primaries) != 2 || len(c.Replicas) != 2 {
		t.Fatalf("%d primaries, %d replicas", len(c.Primaries), len(c.Replicas))
	}
	info, err := c.Primaries[0].Do(ctx, "CLUSTER", "INFO")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:4", "cluster_size:2"} {
		if !strings.Contains(info, want) {
			t.Errorf("CLUSTER INFO lacks %s:\n%s", want, info)
		}
	}
	for i, r := range c.Replicas {
		repl, err := r.Do(ctx, "INFO", "replication")
		if err != nil {
			t.Fatal(err)
		}
		p := c.Primaries[i%len(c.Primaries)]
		if !strings.Contains(repl, "role:slave") || !strings.Contains(repl, "master_port:"+strings.TrimPrefix(p.Addr(), "127.0.0.1:")) || !strings.Contains(repl, "master_link_status:up") {
			t.Errorf("replica %s does not follow %s:\n%s", r.Addr(), p.Addr(), repl)
		}
	}
	if !strings.HasSuffix(c.URL(), "?cluster=true") || !strings.Contains(c.URL(), ":pw with space@") {
		t.Errorf("URL %q", c.URL())
	}
	dirs := []string{}
	for _, s := range c.Servers() {
		dirs = append(dirs, s.Dir())
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("directory %s still there after Stop (%v)", d, err)
		}
	}
}

// TestStartClusterRefuses: bad sizes and a fixed port or directory.
func TestStartClusterRefuses(t *testing.T) {
	for _, o := range []ClusterOptions{{Primaries: -1}, {Primaries: 101}, {Replicas: 6}, {Server: Options{Port: 7000}}, {Server: Options{Dir: "/tmp/x"}}} {
		if c, err := StartCluster(context.Background(), o); err == nil {
			c.Stop()
			t.Errorf("StartCluster(%+v) started", o)
		}
	}
}
