package keyspace

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestKeys(t *testing.T) {
	tests := []struct {
		l         Layout
		got, want string
	}{
		{Layout{}, Layout{}.Prefix(), "trader-RBENCH-001"},
		{Layout{TraderID: "TRADER-001"}, Layout{TraderID: "TRADER-001"}.OrderKey("O-1"), "trader-TRADER-001:orders:O-1"},
		{Layout{TraderID: "T", InstanceID: "msgpack"}, Layout{TraderID: "T", InstanceID: "msgpack"}.PositionKey("P-1"), "trader-T:msgpack:positions:P-1"},
		{Layout{}, Layout{}.IndexKey(IndexOrderPosition), "trader-RBENCH-001:index:order_position"},
		{Layout{}, Layout{}.PositionSnapshotKey("X"), "trader-RBENCH-001:snapshots:positions:X"},
		{Layout{}, Layout{}.ScanPattern(Orders), "trader-RBENCH-001:orders*"},
		{Layout{}, Layout{}.InstrumentKey("EUR/USD.SIM"), "trader-RBENCH-001:instruments:EUR/USD.SIM"},
		{Layout{}, Layout{}.HeartbeatKey(), "trader-RBENCH-001:health:heartbeat"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.l, tt.got, tt.want)
		}
	}
	if id, ok := (Layout{}).IDFromKey(Orders, "trader-RBENCH-001:orders:O-7"); !ok || id != "O-7" {
		t.Errorf("IDFromKey = %q, %v", id, ok)
	}
	if _, ok := (Layout{}).IDFromKey(Orders, "trader-RBENCH-001:positions:O-7"); ok {
		t.Error("IDFromKey matched another collection")
	}
}

// render turns commands into redis-cli-like lines for comparison.
func render(cmds []Cmd) []string {
	var out []string
	for _, c := range cmds {
		parts := make([]string, len(c))
		for i, a := range c {
			if b, ok := a.([]byte); ok {
				a = string(b)
			}
			parts[i] = fmt.Sprint(a)
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

func TestCommands(t *testing.T) {
	l := Layout{TraderID: "T"}
	p := []byte("<payload>")
	tests := []struct {
		name string
		got  []Cmd
		want []string
	}{
		{"add_order", l.AddOrder(OrderArgs{ClientOrderID: "O-1", PositionID: "P-1", ClientID: "BINANCE"}, p), []string{
			"RPUSH trader-T:orders:O-1 <payload>",
			"SADD trader-T:index:orders O-1",
			"HSET trader-T:index:order_client O-1 BINANCE",
			"HSET trader-T:index:order_position O-1 P-1"}},
		{"add_order emulated, no ids", l.AddOrder(OrderArgs{ClientOrderID: "O-1", Emulated: true}, p), []string{
			"RPUSH trader-T:orders:O-1 <payload>",
			"SADD trader-T:index:orders O-1",
			"SADD trader-T:index:orders_emulated O-1"}},
		{"update_order submitted", l.UpdateOrder(OrderArgs{ClientOrderID: "O-1", InFlight: true}, p), []string{
			"RPUSHX trader-T:orders:O-1 <payload>",
			"SADD trader-T:index:order_ids O-1",
			"SADD trader-T:index:orders_inflight O-1",
			"SREM trader-T:index:orders_emulated O-1"}},
		{"update_order accepted", l.UpdateOrder(OrderArgs{ClientOrderID: "O-1", Open: true}, p), []string{
			"RPUSHX trader-T:orders:O-1 <payload>",
			"SADD trader-T:index:order_ids O-1",
			"SREM trader-T:index:orders_inflight O-1",
			"SREM trader-T:index:orders_closed O-1",
			"SADD trader-T:index:orders_open O-1",
			"SREM trader-T:index:orders_emulated O-1"}},
		{"update_order filled", l.UpdateOrder(OrderArgs{ClientOrderID: "O-1", Closed: true}, p), []string{
			"RPUSHX trader-T:orders:O-1 <payload>",
			"SADD trader-T:index:order_ids O-1",
			"SREM trader-T:index:orders_inflight O-1",
			"SREM trader-T:index:orders_open O-1",
			"SADD trader-T:index:orders_closed O-1",
			"SREM trader-T:index:orders_emulated O-1"}},
		{"add_position", l.AddPosition(PositionArgs{PositionID: "P-1"}, p), []string{
			"DEL trader-T:positions:P-1",
			"RPUSH trader-T:positions:P-1 <payload>",
			"SADD trader-T:index:positions P-1",
			"SADD trader-T:index:positions_open P-1"}},
		{"update_position closed", l.UpdatePosition(PositionArgs{PositionID: "P-1", Closed: true}, p), []string{
			"RPUSHX trader-T:positions:P-1 <payload>",
			"SREM trader-T:index:positions_open P-1",
			"SADD trader-T:index:positions_closed P-1"}},
		{"update_position open", l.UpdatePosition(PositionArgs{PositionID: "P-1"}, p), []string{
			"RPUSHX trader-T:positions:P-1 <payload>",
			"SADD trader-T:index:positions_open P-1",
			"SREM trader-T:index:positions_closed P-1"}},
		{"add_account", l.AddAccount("A-1", p), []string{"RPUSH trader-T:accounts:A-1 <payload>"}},
		{"update_account", l.UpdateAccount("A-1", p), []string{"RPUSHX trader-T:accounts:A-1 <payload>"}},
		{"add_instrument", l.AddInstrument("ETHUSDT-PERP.BINANCE", p), []string{"SET trader-T:instruments:ETHUSDT-PERP.BINANCE <payload>"}},
		{"add_currency", l.AddCurrency("USDT", p), []string{"SET trader-T:currencies:USDT <payload>"}},
		{"snapshot_position", l.SnapshotPosition("P-1", p), []string{"RPUSH trader-T:snapshots:positions:P-1 <payload>"}},
		{"purge_order", l.PurgeOrder("O-1"), []string{
			"DEL trader-T:orders:O-1",
			"SREM trader-T:index:orders O-1",
			"SREM trader-T:index:orders_open O-1",
			"SREM trader-T:index:orders_closed O-1",
			"SREM trader-T:index:orders_emulated O-1",
			"SREM trader-T:index:orders_inflight O-1",
			"SREM trader-T:index:order_ids O-1",
			"HDEL trader-T:index:order_position O-1",
			"HDEL trader-T:index:order_client O-1"}},
		{"purge_position", l.PurgePosition("P-1"), []string{
			"DEL trader-T:positions:P-1",
			"SREM trader-T:index:positions P-1",
			"SREM trader-T:index:positions_open P-1",
			"SREM trader-T:index:positions_closed P-1"}},
	}
	for _, tt := range tests {
		if got := render(tt.got); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// TestEveryKeyInTable checks every key a command builder writes matches a
// pattern of Table, so the table (and the doc) cannot miss one.
func TestEveryKeyInTable(t *testing.T) {
	l := Layout{TraderID: "T"}
	var cmds []Cmd
	o := OrderArgs{ClientOrderID: "O", PositionID: "P", ClientID: "C", Emulated: true, InFlight: true}
	cmds = append(cmds, l.AddOrder(o, nil)...)
	cmds = append(cmds, l.UpdateOrder(o, nil)...)
	o.Open, o.InFlight = true, false
	cmds = append(cmds, l.UpdateOrder(o, nil)...)
	cmds = append(cmds, l.AddPosition(PositionArgs{PositionID: "P"}, nil)...)
	cmds = append(cmds, l.UpdatePosition(PositionArgs{PositionID: "P", Closed: true}, nil)...)
	cmds = append(cmds, l.AddAccount("A", nil)...)
	cmds = append(cmds, l.AddInstrument("I", nil)...)
	cmds = append(cmds, l.AddCurrency("C", nil)...)
	cmds = append(cmds, l.SnapshotPosition("P", nil)...)
	cmds = append(cmds, l.Heartbeat("2024-01-15T09:30:12.000000000Z")...)
	cmds = append(cmds, l.PurgeOrder("O")...)
	cmds = append(cmds, l.PurgePosition("P")...)
	for _, c := range cmds {
		rel := strings.TrimPrefix(c.Key(), l.Prefix()+":")
		found := false
		for _, e := range Table {
			if matchPattern(e.Pattern, rel) {
				found = true
				if !strings.Contains(e.Write, c.Name()) {
					t.Errorf("%s %s: table row %q does not list %s", c.Name(), rel, e.Pattern, c.Name())
				}
			}
		}
		if !found {
			t.Errorf("key %q (%s) has no row in Table", rel, c.Name())
		}
	}
}

// matchPattern matches "orders:{client_order_id}" against "orders:O".
func matchPattern(pattern, key string) bool {
	pp, kp := strings.Split(pattern, ":"), strings.Split(key, ":")
	if len(pp) != len(kp) {
		return false
	}
	for i := range pp {
		if !strings.HasPrefix(pp[i], "{") && pp[i] != kp[i] {
			return false
		}
	}
	return true
}

// TestDocMatchesTable keeps docs/redis-keys.md in step with Table: the doc's
// layout table must list the same rows, in the same order.
func TestDocMatchesTable(t *testing.T) {
	f, err := os.Open("../../docs/redis-keys.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []Entry
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "| key after") {
			in = true
			continue
		}
		if !in {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		if strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 5 {
			t.Fatalf("doc row %q has %d cells, want 5", line, len(cells))
		}
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		rows = append(rows, Entry{cells[0], cells[1], cells[2], cells[3], cells[4]})
	}
	if !reflect.DeepEqual(rows, Table) {
		t.Errorf("docs/redis-keys.md layout table differs from keyspace.Table; regenerate it with\n  go run ./node/keyspace/internal/gendoc\ngot  %+v\nwant %+v", rows, Table)
	}
}

func ExampleLayout_AddOrder() {
	l := Layout{TraderID: "TRADER-001"}
	for _, c := range l.AddOrder(OrderArgs{ClientOrderID: "O-20240115-093012-001-001-1", ClientID: "BINANCE"}, []byte("...")) {
		fmt.Println(c.Name(), c.Key())
	}
	// Output:
	// RPUSH trader-TRADER-001:orders:O-20240115-093012-001-001-1
	// SADD trader-TRADER-001:index:orders
	// HSET trader-TRADER-001:index:order_client
}
