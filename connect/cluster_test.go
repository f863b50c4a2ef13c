package connect

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/localredis"
)

// TestCluster: a real three-primary cluster is detected from the server
// (INFO cluster_enabled), every client the target makes is a cluster
// client whose keys land on every primary, --cluster=false keeps a single
// server's client, and --cluster with no target starts a throwaway
// cluster.
func TestCluster(t *testing.T) {
	ctx := context.Background()
	cl := localredis.ClusterForTest(t, localredis.ClusterOptions{Server: localredis.Options{Persistence: localredis.None}})
	flags := map[string]string{config.VarHost: "127.0.0.1", config.VarPort: strconv.Itoa(cl.Primaries[1].Port())}

	tg, err := Open(ctx, cfgFor(t, flags), Options{Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if !tg.IsCluster() {
		t.Fatal("a cluster node not detected as one")
	}
	if s, _ := tg.Config.Setting(config.VarCluster); s.Value != "true" || s.Origin != "detected: INFO cluster_enabled:1" {
		t.Errorf("REDIS_CLUSTER = %q from %q", s.Value, s.Origin)
	}
	for name, c := range map[string]redis.UniversalClient{"Client": tg.Client, "WorkerClient": tg.WorkerClient(3), "WriterClient": tg.WriterClient()} {
		if _, ok := c.(*redis.ClusterClient); !ok {
			t.Errorf("%s is a %T, want a cluster client", name, c)
		}
	}
	w := tg.WorkerClient(3)
	defer w.Close()
	pipe := w.Pipeline()
	for i := range 300 {
		pipe.Set(ctx, "trader-CL:k"+strconv.Itoa(i), "v", 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatalf("a pipeline over every slot: %v", err)
	}
	for _, p := range cl.Primaries {
		n, err := p.Do(ctx, "DBSIZE")
		if err != nil || n == "0" {
			t.Errorf("primary %s holds %s keys (%v): the keys did not spread", p.Addr(), n, err)
		}
	}

	off := map[string]string{config.VarCluster: "false"}
	for k, v := range flags {
		off[k] = v
	}
	single, err := Open(ctx, cfgFor(t, off), Options{Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer single.Close()
	if _, ok := single.Client.(*redis.Client); !ok || single.IsCluster() {
		t.Errorf("--cluster=false gave a %T", single.Client)
	}

	db := map[string]string{config.VarDB: "1"}
	for k, v := range flags {
		db[k] = v
	}
	if tg, err := Open(ctx, cfgFor(t, db), Options{Retries: -1}); err == nil {
		tg.Close()
		t.Error("database 1 on a cluster accepted")
	}

	own, err := Open(ctx, cfgFor(t, map[string]string{config.VarCluster: "true"}), Options{Retries: -1, Persistence: localredis.None, Announce: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if own.Cluster == nil || len(own.Cluster.Primaries) != 3 || !own.Throwaway() || !own.IsCluster() {
		t.Errorf("--cluster without a target: cluster %v, throwaway %v", own.Cluster, own.Throwaway())
	}
	if err := own.Client.Ping(ctx).Err(); err != nil {
		t.Error(err)
	}
	dir := own.Cluster.Primaries[0].Dir()
	if err := own.Close(); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the throwaway cluster's directory %s is still there (%v)", dir, err)
	}
}

// TestClusterOverTLS: a cluster whose nodes serve TLS (tls-cluster yes)
// is detected and used over TLS: the cluster client learns each node's TLS
// port and verifies each against the CA.
func TestClusterOverTLS(t *testing.T) {
	ctx := context.Background()
	certs, err := localredis.GenerateCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cl := localredis.ClusterForTest(t, localredis.ClusterOptions{Server: localredis.Options{Persistence: localredis.None,
		TLS: &localredis.TLS{CertFile: certs.ServerCert, KeyFile: certs.ServerKey, CACertFile: certs.CACert}}})
	tg, err := Open(ctx, cfgFor(t, map[string]string{config.VarHost: "127.0.0.1", config.VarPort: strconv.Itoa(cl.Primaries[0].TLSPort()),
		config.VarTLS: "true", config.VarTLSCACert: certs.CACert}), Options{Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if !tg.IsCluster() {
		t.Fatal("not detected as a cluster")
	}
	for i := range 100 {
		if err := tg.Client.Set(ctx, "trader-TLSCL:k"+strconv.Itoa(i), "v", 0).Err(); err != nil {
			t.Fatalf("SET over TLS on the cluster: %v", err)
		}
	}
	for _, p := range cl.Primaries {
		if n, _ := p.Do(ctx, "DBSIZE"); n == "0" {
			t.Errorf("primary %s holds no keys", p.Addr())
		}
	}
}
