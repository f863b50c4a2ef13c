package connect

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/config"
	"github.com/rbench/rbench/localredis"
)

// clientInfo returns the fields of CLIENT INFO for c's connection.
func clientInfo(t *testing.T, c redis.UniversalClient) map[string]string {
	t.Helper()
	s, err := c.Do(context.Background(), "CLIENT", "INFO").Text()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, f := range strings.Fields(s) {
		k, v, _ := strings.Cut(f, "=")
		m[k] = v
	}
	return m
}

// TestEveryClientSpeaksRESP2 checks that each way of getting a client
// gives one on the configured database, authenticated, speaking RESP2 (the
// node's protocol), with the per-client settings its caller asked for.
func TestEveryClientSpeaksRESP2(t *testing.T) {
	ctx := context.Background()
	const pw = "s3cret"
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None, Password: pw})
	cfg := cfgFor(t, map[string]string{config.VarHost: "127.0.0.1", config.VarPort: srv.Addr()[strings.LastIndex(srv.Addr(), ":")+1:],
		config.VarPassword: pw, config.VarDB: "3"})
	tg, err := Open(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()

	// go-redis stores "no retries" (-1) as 0, and its default as 3.
	type want struct {
		pool, retries int
		pipelinePool  bool // pipelines share the main pool
		db            string
	}
	for _, tc := range []struct {
		name string
		c    redis.UniversalClient
		want want
	}{
		{"Target.Client", tg.Client, want{pool: 0, retries: 3, db: "3"}},
		{"NewClient(7)", tg.NewClient(7), want{pool: 7, retries: 3, db: "3"}},
		{"WorkerClient(5)", tg.WorkerClient(5), want{pool: 5, retries: 0, pipelinePool: true, db: "3"}},
		{"WriterClient", tg.WriterClient(), want{pool: 1, retries: 0, db: "3"}},
		{"ProbeClient", tg.ProbeClient(time.Second), want{pool: 1, retries: 0, db: "3"}},
		{"FromServer", NewClient(FromServer(srv)), want{pool: 0, retries: 3, db: "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info := clientInfo(t, tc.c)
			if info["resp"] != "2" || info["db"] != tc.want.db {
				t.Errorf("CLIENT INFO resp=%s db=%s, want resp=2 db=%s", info["resp"], info["db"], tc.want.db)
			}
			o := tc.c.(*redis.Client).Options()
			if tc.want.pool > 0 && o.PoolSize != tc.want.pool {
				t.Errorf("PoolSize %d, want %d", o.PoolSize, tc.want.pool)
			}
			if o.MaxRetries != tc.want.retries {
				t.Errorf("MaxRetries %d, want %d", o.MaxRetries, tc.want.retries)
			}
			if got := o.PipelinePoolSize < 0; got != tc.want.pipelinePool {
				t.Errorf("PipelinePoolSize %d: pipelines on the main pool %v, want %v", o.PipelinePoolSize, got, tc.want.pipelinePool)
			}
			// Sibling keeps the connection settings and the protocol.
			sib := Sibling(tc.c.(*redis.Client), "rbench-test")
			defer sib.Close()
			si := clientInfo(t, sib)
			if si["resp"] != "2" || si["db"] != tc.want.db || si["name"] != "rbench-test" {
				t.Errorf("Sibling: CLIENT INFO resp=%s db=%s name=%s", si["resp"], si["db"], si["name"])
			}
			if tc.c != tg.Client {
				tc.c.Close()
			}
		})
	}
}

// TestSiblingKeepsRESP3 checks that Sibling copies the protocol rather than
// imposing RESP2: the server view must read what its client reads.
func TestSiblingKeepsRESP3(t *testing.T) {
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None})
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), Protocol: 3})
	defer c.Close()
	sib := Sibling(c, "rbench-test")
	defer sib.Close()
	if got := clientInfo(t, sib)["resp"]; got != "3" {
		t.Errorf("Sibling of a RESP3 client speaks RESP%s", got)
	}
}

// TestRESP3AndACLUser: with --resp 3 and an ACL user, every client the
// target makes (and the server view's Sibling) speaks RESP3 as that user.
func TestRESP3AndACLUser(t *testing.T) {
	ctx := context.Background()
	srv := localredis.ForTest(t, localredis.Options{Persistence: localredis.None,
		Args: []string{"--user", "bench", "on", ">s3cret", "~*", "&*", "+@all"}})
	cfg := cfgFor(t, map[string]string{config.VarHost: "127.0.0.1", config.VarPort: strconv.Itoa(srv.Port()),
		config.VarUsername: "bench", config.VarPassword: "s3cret", config.VarProtocol: "3"})
	tg, err := Open(ctx, cfg, Options{Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	for name, c := range map[string]redis.UniversalClient{
		"Target.Client": tg.Client, "WorkerClient": tg.WorkerClient(2), "WriterClient": tg.WriterClient(),
		"ProbeClient": tg.ProbeClient(time.Second), "Sibling": Sibling(tg.Client.(*redis.Client), "rbench-test"),
	} {
		info := clientInfo(t, c)
		if info["resp"] != "3" || info["user"] != "bench" {
			t.Errorf("%s: CLIENT INFO resp=%s user=%s, want resp=3 user=bench", name, info["resp"], info["user"])
		}
		if c != tg.Client {
			c.Close()
		}
	}
	bad := cfgFor(t, map[string]string{config.VarHost: "127.0.0.1", config.VarPort: strconv.Itoa(srv.Port()),
		config.VarUsername: "bench", config.VarPassword: "wrong"})
	if _, err := Open(ctx, bad, Options{Retries: -1}); err == nil || !errors.Is(err, ErrRejected) {
		t.Errorf("a wrong password for the ACL user: %v", err)
	}
}
