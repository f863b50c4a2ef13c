package keyspace

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/rbench/rbench/node"
)

func TestKeys(t *testing.T) {
	tests := []struct {
		l         Layout
		got, want string
	}{
		{Layout{}, Layout{}.Prefix(), "trader-RBENCH-001"},
		{Layout{TraderID: "TRADER-001"}, Layout{TraderID: "TRADER-001"}.OrderKey("O-1"), "trader-TRADER-001:orders:O-1"},
		{Layout{TraderID: "T", InstanceID: "3f2b6c1e-8a4d-4e0f-9b7a-2c5d1e6f8a90"}, Layout{TraderID: "T", InstanceID: "3f2b6c1e-8a4d-4e0f-9b7a-2c5d1e6f8a90"}.PositionKey("P-1"), "trader-T:3f2b6c1e-8a4d-4e0f-9b7a-2c5d1e6f8a90:positions:P-1"},
		{Layout{}, Layout{}.IndexKey(IndexOrderPosition), "trader-RBENCH-001:index:order_position"},
		{Layout{}, Layout{}.PositionSnapshotKey("X"), "trader-RBENCH-001:snapshots:positions:X"},
		{Layout{}, Layout{}.ScanPattern(Orders), "trader-RBENCH-001:orders*"},
		{Layout{}, Layout{}.ScanPattern(General), "trader-RBENCH-001:general:*"}, // database.pyx:264
		{Layout{}, Layout{}.InstrumentKey("EUR/USD.SIM"), "trader-RBENCH-001:instruments:EUR/USD.SIM"},
		{Layout{}, Layout{}.OrderSnapshotKey("O-1"), "trader-RBENCH-001:snapshots:orders:O-1"},
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

// TestEveryKeyInTable checks every key a command builder writes matches a
// pattern of Table, so the table (and the doc) cannot miss one.
func TestEveryKeyInTable(t *testing.T) {
	l := Layout{TraderID: "T"}
	var cmds []Cmd
	o := OrderArgs{ClientOrderID: "O", PositionID: "P", ClientID: "C", Emulated: true, Status: StatusEmulated}
	cmds = append(cmds, l.AddOrder(o, nil)...)
	cmds = append(cmds, l.UpdateOrder(o, nil)...)
	o.Emulated, o.Status, o.HasVenueOrderID = false, StatusPendingCancel, true
	cmds = append(cmds, l.UpdateOrder(o, nil)...)
	o.Status = StatusFilled
	cmds = append(cmds, l.UpdateOrder(o, nil)...)
	cmds = append(cmds, l.IndexOrderPosition("O", "P")...)
	cmds = append(cmds, l.SnapshotOrder("O", nil)...)
	cmds = append(cmds, l.AddPosition(PositionArgs{PositionID: "P", OpeningOrderID: "O"}, nil)...)
	cmds = append(cmds, l.UpdatePosition(PositionArgs{PositionID: "P", Closed: true}, nil)...)
	cmds = append(cmds, l.AddAccount("A", nil)...)
	cmds = append(cmds, l.AddInstrument("I", nil)...)
	cmds = append(cmds, l.AddCurrency("C", nil)...)
	cmds = append(cmds, l.SnapshotPosition("P", nil)...)
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
		if len(cells) != 6 {
			t.Fatalf("doc row %q has %d cells, want 6", line, len(cells))
		}
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		rows = append(rows, Entry{cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]})
	}
	if !reflect.DeepEqual(rows, Table) {
		t.Errorf("docs/redis-keys.md layout table differs from keyspace.Table; regenerate it with\n  go run ./node/keyspace/internal/gendoc\ngot  %+v\nwant %+v", rows, Table)
	}
}

// TestLayoutFor checks the instance slot holds the node's UUID only with
// use_instance_id (cache.rs:1172-1187).
func TestLayoutFor(t *testing.T) {
	c := node.DefaultConfig()
	if got := LayoutFor("T", c, 7).Prefix(); got != "trader-T" {
		t.Errorf("default: prefix %q, want trader-T", got)
	}
	c.UseInstanceID = true
	if got, want := LayoutFor("T", c, 7).Prefix(), "trader-T:"+NewInstanceID(7); got != want {
		t.Errorf("use_instance_id: prefix %q, want %q", got, want)
	}
	c.InstanceID = "3f2b6c1e-8a4d-4e0f-9b7a-2c5d1e6f8a90"
	if got := LayoutFor("T", c, 7).Prefix(); got != "trader-T:3f2b6c1e-8a4d-4e0f-9b7a-2c5d1e6f8a90" {
		t.Errorf("instance id given: prefix %q", got)
	}
}

// TestWrittenBy checks which rows a default run writes.
func TestWrittenBy(t *testing.T) {
	def := Writes{AccountEvents: true, Emulated: true}
	for _, e := range Table {
		want := e.When == WhenAlways || e.When == WhenAccountEvents || e.When == WhenEmulated
		if e.WrittenBy(def) != want {
			t.Errorf("%s (%s): written by a default run = %v", e.Pattern, e.When, !want)
		}
		all := Writes{true, true, true, true, true}
		if e.WrittenBy(all) == (e.When == WhenNever) {
			t.Errorf("%s (%s): written with every option = %v", e.Pattern, e.When, e.WrittenBy(all))
		}
	}
}

func ExampleLayout_AddOrder() {
	l := Layout{TraderID: "TRADER-001"}
	o := OrderArgs{ClientOrderID: "O-20240115-093012-001-003-1", PositionID: "P-20240115-093011-001-003-1"}
	for _, c := range l.AddOrder(o, []byte("...")) {
		fmt.Println(c.Name(), c.Key())
	}
	// Output:
	// HSET trader-TRADER-001:index:order_position
	// RPUSH trader-TRADER-001:orders:O-20240115-093012-001-003-1
	// SADD trader-TRADER-001:index:orders
	// HSET trader-TRADER-001:index:order_position
}
