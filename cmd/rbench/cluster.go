package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/rbench/rbench/connect"
)

// clusterNote is what `rbench run` says before it runs against a Redis
// Cluster, and whether it runs at all. NautilusTrader 1.231 has no cluster
// mode: its cache talks to one server, so a trading workload against a
// cluster answers "what would a cluster give", not "what my node sees
// today", and the run says so. Its writes still run as upstream sends them,
// one MULTI/EXEC per Redis command, which holds one key and so runs on
// that key's primary. The startup load's MGETs span hash slots, which a
// cluster refuses (CROSSSLOT), so startup-load is refused.
func clusterNote(w io.Writer, t *connect.Target, workload string) error {
	if !t.IsCluster() {
		return nil
	}
	switch workload {
	case "raw":
		fmt.Fprintln(w, "rbench: the target is a Redis Cluster: raw's keys spread over every hash slot, so over every primary; raw sends through go-redis's cluster client")
		return nil
	case "startup-load":
		return usageError(errors.New("--workload startup-load: the target is a Redis Cluster, and the node's startup load MGETs keys of many hash slots at once, which a cluster refuses (CROSSSLOT); NautilusTrader 1.231 has no cluster mode. Run startup-load against a single server"))
	}
	fmt.Fprintln(w, "rbench: WARNING: the target is a Redis Cluster, and NautilusTrader 1.231 has no cluster mode: its cache connects to one Redis server. These figures answer \"what would a cluster give\", not \"what my node sees today\". Each of the node's writes is one MULTI/EXEC holding one key, so it runs on that key's primary; with --buffer-interval, go-redis splits a buffered MULTI/EXEC into one per hash slot, so it is no longer one transaction.")
	return nil
}
