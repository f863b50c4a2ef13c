package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/rbench/rbench/node/payloads"
)

func buildPayloadsCLI(t *testing.T) string { return rbenchBinary(t) }

func runPayloadsCLI(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return execRbench(t, t.TempDir(), nil, args...)
}

func TestPayloadsCLI(t *testing.T) {
	bin := buildPayloadsCLI(t)

	t.Run("table", func(t *testing.T) {
		out, errOut, code := runPayloadsCLI(t, bin, "payloads", "--budget", "1ms")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		m := regexp.MustCompile(`(?m)^\s*order-filled\s+(\d+)\s+(\d+)\s`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no order-filled row:\n%s", out)
		}
		jsonB, mpB := atoi(t, m[1]), atoi(t, m[2])
		if jsonB < 560 || jsonB > 650 || mpB < 480 || mpB > 560 {
			t.Errorf("order-filled %d B JSON / %d B msgpack, want near 600 / 520", jsonB, mpB)
		}
		for _, typ := range []string{"order-initialized", "account-state", "position-snapshot", "currency-pair", "equity", "crypto-perpetual", "futures-contract"} {
			if !strings.Contains(out, typ) {
				t.Errorf("table lacks %s", typ)
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		out, errOut, code := runPayloadsCLI(t, bin, "payloads", "--json", "--budget", "1ms")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var doc struct {
			Payloads []payloadRow `json:"payloads"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if len(doc.Payloads) != len(payloads.Kinds) {
			t.Fatalf("%d rows, want one per payload type (%d)", len(doc.Payloads), len(payloads.Kinds))
		}
		for _, r := range doc.Payloads {
			if r.JSONBytes <= 0 || r.MsgpackBytes <= 0 || r.MsgpackBytes >= r.JSONBytes || r.MsgpackEncodeNs <= 0 || r.JSONDecodeNs <= 0 {
				t.Errorf("implausible row %+v", r)
			}
		}
	})

	t.Run("sample json is stable and complete", func(t *testing.T) {
		args := []string{"payloads", "sample", "order-filled", "--encoding", "json", "--seed", "7"}
		a, errOut, code := runPayloadsCLI(t, bin, args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		b, _, _ := runPayloadsCLI(t, bin, args...)
		if a != b {
			t.Fatal("two runs with seed 7 printed different samples")
		}
		// Every field of the reference example, in its order.
		ref := []string{"type", "trader_id", "strategy_id", "instrument_id", "client_order_id", "venue_order_id",
			"account_id", "trade_id", "position_id", "order_side", "order_type", "last_qty", "last_px", "currency",
			"commission", "liquidity_side", "event_id", "ts_event", "ts_init", "info", "reconciliation"}
		var keys []string
		for _, m := range regexp.MustCompile(`(?m)^  "([a-z_]+)":`).FindAllStringSubmatch(a, -1) {
			keys = append(keys, m[1])
		}
		if strings.Join(keys, ",") != strings.Join(ref, ",") {
			t.Errorf("keys %v\nwant %v", keys, ref)
		}
		if !strings.Contains(a, `"type": "OrderFilled"`) || !regexp.MustCompile(`"commission": "\d+\.\d{8} USDT"`).MatchString(a) {
			t.Errorf("sample:\n%s", a)
		}
		c, _, _ := runPayloadsCLI(t, bin, "payloads", "sample", "order-filled", "--seed", "8")
		if c == a {
			t.Error("seeds 7 and 8 printed the same sample")
		}
	})

	t.Run("sample msgpack", func(t *testing.T) {
		out, errOut, code := runPayloadsCLI(t, bin, "payloads", "sample", "account-state", "--encoding=msgpack", "--iso8601")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !regexp.MustCompile(`(?m)^# \d+ bytes msgpack\n[0-9a-f]+\n# decoded\n\{`).MatchString(out) {
			t.Errorf("output:\n%s", out)
		}
		if !regexp.MustCompile(`"ts_event": "2024-01-15T\d\d:\d\d:\d\d\.\d{9}Z"`).MatchString(out) {
			t.Errorf("no ISO-8601 timestamp:\n%s", out)
		}
	})

	t.Run("keys", func(t *testing.T) { testKeysCLI(t, bin) })

	t.Run("usage errors", func(t *testing.T) {
		for _, args := range [][]string{
			{"payloads", "sample", "order-filed"},
			{"payloads", "sample"},
			{"payloads", "sample", "order-filled", "--encoding", "xml"},
			{"payloads", "sample", "order-filled", "--seed", "x"},
			{"payloads", "--budget", "0s"},
			{"keys", "extra"},
		} {
			_, errOut, code := runPayloadsCLI(t, bin, args...)
			if code != 2 || errOut == "" {
				t.Errorf("rbench %v: exit %d, stderr %q; want exit 2 with a message", args, code, errOut)
			}
		}
	})
}

func atoi(t *testing.T, s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
