package localredis

import (
	"context"
	"testing"
)

// ForTest starts a throwaway server for a test and stops it, removing its
// directory, when the test ends. A missing redis-server fails the test: the
// integration tests are the point, so they must never pass by skipping.
func ForTest(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s, err := Start(context.Background(), opts)
	if err != nil {
		tb.Fatalf("starting a throwaway redis-server: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Errorf("stopping the throwaway redis-server: %v", err)
		}
	})
	return s
}

// ClusterForTest starts a throwaway cluster for a test and stops it when
// the test ends. A missing redis-server or a Redis without cluster support
// fails the test.
func ClusterForTest(tb testing.TB, opts ClusterOptions) *Cluster {
	tb.Helper()
	c, err := StartCluster(context.Background(), opts)
	if err != nil {
		tb.Fatalf("starting a throwaway cluster: %v", err)
	}
	tb.Cleanup(func() {
		if err := c.Stop(); err != nil {
			tb.Errorf("stopping the throwaway cluster: %v", err)
		}
	})
	return c
}
