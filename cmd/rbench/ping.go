package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rbench/rbench/connect"
)

func pingCommand() *cli.Command {
	return &cli.Command{
		Name:  "ping",
		Usage: "check that Redis answers and is fit to hold a trading cache",
		UsageText: `rbench ping [--json] [--pings N] [connection flags]

Examples:
  rbench ping -h 127.0.0.1 -p 6379 -a "$REDIS_PASSWORD"
  REDIS_URL=rediss://default:secret@cache.example.com:6380/0 rbench ping --json
  rbench ping            # no target configured: checks a throwaway redis-server`,
		Description: `PING must answer PONG. Reports the server version, role, persistence
(AOF, appendfsync, RDB save points), maxmemory and its policy, and the
round-trip latency of a few PINGs. Warns when the version is below 6.2, when
persistence is off, and when maxmemory-policy can evict keys.
Exit status: 0 healthy, 1 unreachable or unhealthy, 2 bad configuration.`,
		Flags: append(connectionFlags(),
			&cli.BoolFlag{Name: "json", Usage: "print JSON"},
			&cli.IntFlag{Name: "pings", Value: connect.DefaultPings, Usage: "PINGs to time"},
		),
		Action: func(c *cli.Context) error {
			in := newInputs(c)
			if c.Int("pings") < 1 || c.Int("pings") > 1_000_000 {
				in.bad("--pings %d: allowed: an integer from 1 to 1000000", c.Int("pings"))
			}
			in.config()
			in.connection()
			if err := in.err(); err != nil {
				return err
			}
			t, err := openTarget(c)
			if err != nil {
				if c.Bool("json") && exitCode(err) == exitFailure {
					_ = writePingJSON(c.App.Writer, nil, err)
				}
				return err
			}
			defer t.Close()
			h, err := t.Health(c.Context, c.Int("pings"))
			if c.Bool("json") {
				if werr := writePingJSON(c.App.Writer, h, err); werr != nil && err == nil {
					err = werr
				}
			} else if err == nil {
				writePingText(c.App.Writer, h)
			}
			if err != nil {
				return failure(fmt.Errorf("unhealthy: %w", err))
			}
			return nil
		},
	}
}

type pingJSON struct {
	Healthy bool `json:"healthy"`
	*connect.Health
	RTTMinUs    float64 `json:"rtt_min_us,omitempty"`
	RTTMedianUs float64 `json:"rtt_median_us,omitempty"`
	RTTMaxUs    float64 `json:"rtt_max_us,omitempty"`
	Error       string  `json:"error,omitempty"`
}

func writePingJSON(w io.Writer, h *connect.Health, err error) error {
	out := pingJSON{Health: h}
	if h != nil {
		out.Healthy = err == nil && h.Healthy()
		out.RTTMinUs, out.RTTMedianUs, out.RTTMaxUs = us(h.RTTMin), us(h.RTTMedian), us(h.RTTMax)
	}
	if err != nil {
		out.Error = err.Error()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func writePingText(w io.Writer, h *connect.Health) {
	kind := "external"
	if h.Throwaway {
		kind = "throwaway"
	}
	fmt.Fprintf(w, "%s from %s (%s)\n", h.Reply, h.Addr, kind)
	fmt.Fprintf(w, "  version      %s (%s, %s)\n", h.Version, h.Mode, h.Role)
	aof := "off"
	if h.AOFEnabled {
		aof = "on, appendfsync " + orUnknown(h.Appendfsync)
	}
	save := "unknown"
	if h.SaveKnown {
		save = fmt.Sprintf("%q", h.Save)
	}
	fmt.Fprintf(w, "  persistence  AOF %s; RDB save %s\n", aof, save)
	mm := "no limit"
	if h.Maxmemory > 0 {
		mm = fmt.Sprintf("%d bytes", h.Maxmemory)
	}
	fmt.Fprintf(w, "  maxmemory    %s, policy %s\n", mm, h.MaxmemoryPolicy)
	fmt.Fprintf(w, "  latency      min %s, median %s, max %s (%d PINGs)\n",
		round(h.RTTMin), round(h.RTTMedian), round(h.RTTMax), h.Pings)
	for _, warn := range h.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
}

func round(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(10 * time.Microsecond)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
