package connect

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rbench/rbench/internal/info"
	"github.com/rbench/rbench/results"
)

// MinVersion is the oldest Redis rbench vouches for: 6.2 brought the
// commands and INFO fields trading nodes and rbench rely on.
const MinVersion = "6.2"

// DefaultPings is how many PINGs Health times.
const DefaultPings = 5

// Health is what `rbench ping` reports about a server.
type Health struct {
	Addr      string `json:"addr"`
	Throwaway bool   `json:"throwaway"`
	// Reply is the answer to PING; healthy servers say PONG.
	Reply           string `json:"reply"`
	Version         string `json:"server_version"`
	Mode            string `json:"mode"`
	Role            string `json:"role"`
	AOFEnabled      bool   `json:"aof_enabled"`
	Appendfsync     string `json:"appendfsync"` // "" when CONFIG GET is not allowed
	Save            string `json:"save"`        // RDB save points, "" when off
	SaveKnown       bool   `json:"save_known"`
	Maxmemory       int64  `json:"maxmemory"` // bytes, 0 means no limit
	MaxmemoryPolicy string `json:"maxmemory_policy"`
	// Pings is how many PINGs were timed; latencies are round trips.
	Pings     int           `json:"pings"`
	RTTMin    time.Duration `json:"rtt_min_ns"`
	RTTMedian time.Duration `json:"rtt_median_ns"`
	RTTMax    time.Duration `json:"rtt_max_ns"`
	Warnings  []string      `json:"warnings,omitempty"`
}

// Healthy reports whether PING answered PONG. Warnings do not make a server
// unhealthy.
func (h *Health) Healthy() bool { return h.Reply == "PONG" }

// Persistent reports whether the server keeps data across a restart (AOF on
// or RDB save points set).
func (h *Health) Persistent() bool {
	return h.AOFEnabled || (h.SaveKnown && strings.TrimSpace(h.Save) != "")
}

// Health pings the server pings times (0: DefaultPings), reads INFO and the
// persistence settings, and lists warnings: a version below 6.2, persistence
// off, and a maxmemory-policy that evicts keys.
func (t *Target) Health(ctx context.Context, pings int) (*Health, error) {
	h, err := CheckHealth(ctx, t.Client, pings, t.Addr(), t.Throwaway())
	if h != nil && t.Config.TLS && t.Config.TLSInsecure {
		h.Warnings = append(h.Warnings, "TLS without verifying the server's certificate (--insecure): anyone on the path can read and change the traffic; give the server's CA with --cacert instead")
	}
	return h, err
}

// CheckHealth is Target.Health for any client.
func CheckHealth(ctx context.Context, c redis.UniversalClient, pings int, addr string, throwaway bool) (*Health, error) {
	if pings <= 0 {
		pings = DefaultPings
	}
	h := &Health{Addr: addr, Throwaway: throwaway, Pings: pings}
	rtts := make([]time.Duration, 0, pings)
	for range pings {
		start := time.Now()
		reply, err := c.Ping(ctx).Result()
		rtt := time.Since(start)
		if err != nil {
			return h, fmt.Errorf("PING %s: %w", addr, err)
		}
		h.Reply = reply
		if reply != "PONG" {
			return h, fmt.Errorf("PING %s answered %q, not PONG", addr, reply)
		}
		rtts = append(rtts, rtt)
	}
	slices.Sort(rtts)
	h.RTTMin, h.RTTMedian, h.RTTMax = rtts[0], rtts[len(rtts)/2], rtts[len(rtts)-1]

	raw, err := c.Info(ctx, "server", "persistence", "memory", "replication").Result()
	if err != nil {
		return h, fmt.Errorf("INFO %s: %w", addr, err)
	}
	fields := parseInfo(raw)
	h.Version = fields["redis_version"]
	h.Mode = fields["redis_mode"]
	h.Role = fields["role"]
	h.AOFEnabled = fields["aof_enabled"] == "1"
	h.Maxmemory, _ = info.Int64(fields, "maxmemory")
	h.MaxmemoryPolicy = fields["maxmemory_policy"]

	// CONFIG is often renamed or denied on managed Redis; report what INFO
	// gives and say what is unknown.
	if m, err := c.ConfigGet(ctx, "appendfsync").Result(); err == nil {
		h.Appendfsync = m["appendfsync"]
	}
	if m, err := c.ConfigGet(ctx, "save").Result(); err == nil {
		if v, ok := m["save"]; ok {
			h.Save, h.SaveKnown = v, true
		}
	}

	if h.Version != "" && versionLess(h.Version, MinVersion) {
		h.Warnings = append(h.Warnings, fmt.Sprintf("Redis %s is older than %s: upgrade, rbench and the trading node are not tested against it", h.Version, MinVersion))
	}
	switch {
	case !h.AOFEnabled && h.SaveKnown && strings.TrimSpace(h.Save) == "":
		h.Warnings = append(h.Warnings, "persistence is off (appendonly no, no save points): a restart loses every order, position and account; set appendonly yes (compose/redis.conf)")
	case !h.AOFEnabled && !h.SaveKnown:
		h.Warnings = append(h.Warnings, "AOF is off and CONFIG GET save is not allowed: persistence may be off; a restart could lose the cache")
	case !h.AOFEnabled:
		h.Warnings = append(h.Warnings, "AOF is off, only RDB snapshots ("+h.Save+"): a crash loses every write since the last snapshot; set appendonly yes")
	}
	if h.MaxmemoryPolicy != "" && h.MaxmemoryPolicy != "noeviction" {
		h.Warnings = append(h.Warnings, fmt.Sprintf("maxmemory-policy %s can evict keys: evicting a trading cache silently loses orders or positions; set maxmemory-policy noeviction", h.MaxmemoryPolicy))
	}
	return h, nil
}

// Info describes the server for results files.
func (t *Target) Info(ctx context.Context) (results.Target, error) {
	h, err := t.Health(ctx, 1)
	if err != nil {
		return results.Target{Addr: t.Addr(), Throwaway: t.Throwaway()}, err
	}
	return h.Target(), nil
}

// Target converts h to the results file's form.
func (h *Health) Target() results.Target {
	return results.Target{
		Addr:            h.Addr,
		Throwaway:       h.Throwaway,
		ServerVersion:   h.Version,
		Mode:            h.Mode,
		Role:            h.Role,
		AOFEnabled:      h.AOFEnabled,
		Appendfsync:     h.Appendfsync,
		Save:            h.Save,
		Maxmemory:       h.Maxmemory,
		MaxmemoryPolicy: h.MaxmemoryPolicy,
	}
}

// parseInfo is the one INFO parser's (internal/info).
func parseInfo(raw string) map[string]string { return info.Parse(raw) }

// versionLess compares dotted numeric versions; missing parts count as 0.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(pa), len(pb)) {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}
