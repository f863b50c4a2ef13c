package capacity_test

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/rbench/rbench/plan/capacity"
	"github.com/rbench/rbench/results"
)

func lin(a, b float64) capacity.Fit { return capacity.Fit{Model: results.ModelLinear, A: a, B: b} }

// handModel: every figure linear, so the projection can be checked by hand.
func handModel() capacity.Model {
	orders := capacity.CollectionModel{Collection: "orders", Unit: capacity.UnitOrders, EventsPerKey: 4, Memory: lin(0, 2000), AOF: lin(0, 2500)}
	orders.Memory.MaxX = 50_000 // measured up to 50K orders: the profile is 2x beyond
	return capacity.Model{
		Encoding:   "msgpack",
		BaseMemory: 1_000_000,
		Collections: []capacity.CollectionModel{
			orders,
			{Collection: "index", Unit: capacity.UnitOrders, Memory: lin(0, 100), AOF: lin(0, 150)},
			{Collection: "positions", Unit: capacity.UnitPositions, Memory: lin(0, 1000), AOF: lin(0, 1200)},
			{Collection: "instruments", Unit: capacity.UnitInstruments, Memory: lin(0, 800), AOF: lin(0, 900)},
			{Collection: "accounts", Unit: capacity.UnitAccountEvents, Memory: lin(0, 600), AOF: lin(0, 700)},
		},
		AOFLoad:         lin(0.5, 1e-8), // 100 MB/s after 0.5 s
		Load:            map[string]capacity.Fit{"sequential": lin(0, 1e-4), "concurrent": lin(0, 2e-5)},
		InstrumentBytes: 600,
	}
}

func handProfile() capacity.Profile {
	return capacity.Profile{OrdersPerDay: 10_000, RetentionDays: 10, EventsPerOrder: 4, Positions: 20_000, Instruments: 500, Accounts: 2, AccountEvents: 10_000}
}

func TestProjectByHand(t *testing.T) {
	pr, dangers, err := capacity.Project(handModel(), handProfile(), capacity.ProjectOptions{
		Maxmemory: 200_000_000, MaxmemoryPolicy: "allkeys-lru", MachineMemory: 1_000_000_000,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Memory: 1,000,000 base + orders 100,000 x 2,000 + index 100,000 x 100
	// + positions 20,000 x 1,000 + instruments 500 x 800 + accounts
	// 2 x 10,000 x 600 = 243,400,000.
	ints := []struct {
		name       string
		have, want int64
	}{
		{"orders", pr.Profile.Orders, 100_000},
		{"dataset", pr.DatasetBytes, 243_400_000},
		{"rss (x1.2)", pr.RSSBytes, 292_080_000},
		{"fork headroom (x1.0)", pr.ForkHeadroomBytes, 243_400_000},
		{"memory needed", pr.MemoryNeededBytes, 535_480_000},
		// AOF: 250M + 15M + 24M + 450K + 14M.
		{"aof", pr.AOFBytes, 303_450_000},
		{"aof disk peak (x3)", pr.AOFDiskPeakBytes, 910_350_000},
		// Fixed part 1,400,000; per unit of history 242,000,000:
		// (200M - 1.4M) / 242M x 100,000 = 82,066.1.
		{"max orders", pr.MaxOrders, 82_066},
		{"machine memory", pr.MachineMemory, 1_000_000_000},
	}
	for _, c := range ints {
		if c.have != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.have, c.want)
		}
	}
	floats := []struct {
		name       string
		have, want float64
	}{
		{"aof load", pr.AOFLoadSec, 0.5 + 3.0345},
		// Keys loaded: 100,000 + 20,000 + 500 + 2 = 120,502.
		{"ready sequential", pr.ReadySec["sequential"], 3.5345 + 12.0502},
		{"ready concurrent", pr.ReadySec["concurrent"], 3.5345 + 2.41004},
		{"max retention days", pr.MaxRetentionDays, 8.2066},
		{"extrapolation", pr.Extrapolation, 2},
	}
	for _, c := range floats {
		if !near(c.have, c.want, 1e-9) {
			t.Errorf("%s = %v, want %v", c.name, c.have, c.want)
		}
	}
	kinds := map[string]string{}
	for _, d := range dangers {
		kinds[d.Kind] = d.Message
	}
	for _, k := range []string{capacity.DangerEvictingPolicy, capacity.DangerMaxmemoryExceeded, capacity.DangerMachineMemory, capacity.DangerAccountEvents} {
		if kinds[k] == "" {
			t.Errorf("danger %s missing from %+v", k, dangers)
		}
	}
	if _, ok := kinds[capacity.DangerMGETInstruments]; ok || len(dangers) != 4 {
		t.Errorf("dangers %+v, want exactly the four above", dangers)
	}
	if !strings.Contains(kinds[capacity.DangerMachineMemory], "510.7 MiB") || !strings.Contains(kinds[capacity.DangerEvictingPolicy], "noeviction") {
		t.Errorf("messages lack the figures or the fix: %q", kinds)
	}
}

func TestProjectQuietProfile(t *testing.T) {
	p := handProfile()
	p.NoAccountEvents = true
	pr, dangers, err := capacity.Project(handModel(), p, capacity.ProjectOptions{MaxmemoryPolicy: "noeviction", MachineMemory: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(dangers) != 0 || pr.MaxOrders != 0 || pr.MachineMemory != 0 {
		t.Errorf("dangers %+v, max orders %d, machine %d", dangers, pr.MaxOrders, pr.MachineMemory)
	}
	if pr.DatasetBytes != 243_400_000-12_000_000 {
		t.Errorf("dataset without account events = %d", pr.DatasetBytes)
	}
}

func TestProjectEventsPerOrderScaling(t *testing.T) {
	p := handProfile()
	p.EventsPerOrder = 8 // twice what was measured: orders cost twice as much
	pr, _, err := capacity.Project(handModel(), p, capacity.ProjectOptions{MachineMemory: -1})
	if err != nil {
		t.Fatal(err)
	}
	if pr.Collections[0].MemoryBytes != 400_000_000 || pr.Collections[0].AOFBytes != 500_000_000 {
		t.Errorf("orders %+v, want doubled", pr.Collections[0])
	}
	if len(pr.Notes) == 0 || !strings.Contains(strings.Join(pr.Notes, " "), "8.0") {
		t.Errorf("no note on the scaling: %q", pr.Notes)
	}
}

func TestMGETDanger(t *testing.T) {
	tests := []struct {
		name        string
		instruments int64
		batch       int
		bytes       float64
		want        bool
		suggest     int
	}{
		{"few small", 500, 0, 600, false, 5000},
		{"many keys", 20_000, 0, 600, true, 5000},
		{"batched", 20_000, 1000, 600, false, 5000},
		{"huge values", 5_000, 0, 20_000, true, 500}, // 100 MB reply; 500 x 20 KB = 10 MB <= 16 MB
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := handModel()
			m.InstrumentBytes = tt.bytes
			p := handProfile()
			p.Instruments, p.BulkReadBatchSize, p.NoAccountEvents = tt.instruments, tt.batch, true
			_, dangers, err := capacity.Project(m, p, capacity.ProjectOptions{MachineMemory: -1})
			if err != nil {
				t.Fatal(err)
			}
			got := len(dangers) == 1 && dangers[0].Kind == capacity.DangerMGETInstruments
			if got != tt.want || (!tt.want && len(dangers) != 0) {
				t.Fatalf("dangers %+v, want MGET danger %v", dangers, tt.want)
			}
			if s := capacity.SuggestBatch(tt.bytes, capacity.ProjectOptions{}); s != tt.suggest {
				t.Errorf("suggested batch %d, want %d", s, tt.suggest)
			}
			if tt.want && !strings.Contains(dangers[0].Message, "bulk_read_batch_size") {
				t.Errorf("message %q does not say what to set", dangers[0].Message)
			}
		})
	}
}

func TestProjectBadInput(t *testing.T) {
	p := handProfile()
	p.Positions = -1
	if _, _, err := capacity.Project(handModel(), p, capacity.ProjectOptions{}); !errors.Is(err, capacity.ErrProfile) || !strings.Contains(err.Error(), "positions") {
		t.Errorf("negative positions: %v", err)
	}
	m := handModel()
	m.Collections[0].Unit = "furlongs"
	if _, _, err := capacity.Project(m, handProfile(), capacity.ProjectOptions{}); err == nil || !strings.Contains(err.Error(), "furlongs") {
		t.Errorf("unknown unit: %v", err)
	}
}

func TestLargestHistoryBelowBase(t *testing.T) {
	pr, _, err := capacity.Project(handModel(), handProfile(), capacity.ProjectOptions{Maxmemory: 1_000_000, MachineMemory: -1})
	if err != nil {
		t.Fatal(err)
	}
	if pr.MaxOrders != 0 || len(pr.Notes) == 0 {
		t.Errorf("max orders %d, notes %q", pr.MaxOrders, pr.Notes)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 5 << 30: "5.0 GiB", math.MaxInt64: "8388608.0 TiB"} {
		if have := capacity.Bytes(n); have != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, have, want)
		}
	}
}

func TestParseMemTotal(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"MemTotal:        8023456 kB\nMemFree: 1 kB\n", 8023456 * 1024, true},
		{"MemFree: 1 kB\n", 0, false},
		{"MemTotal: x kB\n", 0, false},
		{"MemTotal: 5 MB\n", 0, false},
		{"MemTotal:\n", 0, false},
	}
	for _, tt := range tests {
		have, err := capacity.ParseMemTotal(strings.NewReader(tt.in))
		if have != tt.want || (err == nil) != tt.ok {
			t.Errorf("%q: %d, %v", tt.in, have, err)
		}
	}
	if n, err := capacity.MemTotal(); err != nil || n <= 0 {
		t.Errorf("this machine: %d, %v", n, err)
	}
}

func FuzzParseMemTotal(f *testing.F) {
	f.Add("MemTotal: 1 kB\n")
	f.Add("MemTotal: 99999999999999999999 kB")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := capacity.ParseMemTotal(strings.NewReader(s))
		if err == nil && n < 0 {
			t.Errorf("%q parsed to %d", s, n)
		}
	})
}

func TestModelFromFits(t *testing.T) {
	fits := []results.PlanFit{
		{Encoding: "json", Collection: "orders", Figure: results.FigureMemory, Fit: lin(0, 2500)},
		{Encoding: "msgpack", Collection: "orders", Figure: results.FigureMemory, Fit: lin(0, 2000)},
		{Encoding: "msgpack", Collection: "orders", Figure: results.FigureAOF, Fit: lin(0, 2500)},
		{Encoding: "msgpack", Collection: "index", Figure: results.FigureMemory, Fit: lin(0, 100)},
		{Encoding: "msgpack", Collection: "index", Figure: results.FigureAOF, Fit: lin(0, 150)},
		{Encoding: "msgpack", Collection: "positions", Figure: results.FigureMemory, Fit: lin(0, 1000)},
		{Encoding: "msgpack", Collection: "positions", Figure: results.FigureAOF, Fit: lin(0, 1200)},
		{Encoding: "msgpack", Collection: "instruments", Figure: results.FigureMemory, Fit: lin(0, 800)},
		{Encoding: "msgpack", Collection: "instruments", Figure: results.FigureAOF, Fit: lin(0, 900)},
		{Encoding: "msgpack", Collection: "accounts", Figure: results.FigureMemory, Fit: lin(0, 600)},
		{Encoding: "msgpack", Collection: "accounts", Figure: results.FigureAOF, Fit: lin(0, 700)},
		{Encoding: "msgpack", Collection: "total", Figure: results.FigureAOFLoad, Fit: lin(0.5, 1e-8)},
		{Encoding: "msgpack", Collection: "total", Figure: results.FigureLoad, Style: "sequential", Fit: lin(0, 1e-4)},
		{Encoding: "msgpack", Collection: "total", Figure: results.FigureLoad, Style: "concurrent", Fit: lin(0, 2e-5)},
		{Encoding: "msgpack", Collection: "currencies", Figure: results.FigureMemory, Fit: lin(0, 1)},
	}
	m, skipped := capacity.ModelFromFits("msgpack", fits, 1_000_000, 4, 600)
	if len(skipped) != 1 || !strings.Contains(skipped[0], "currencies") {
		t.Errorf("skipped %q, want currencies only", skipped)
	}
	want := handModel()
	want.Collections[0].Memory.MaxX = 0
	if !reflect.DeepEqual(m, want) {
		t.Errorf("have %+v\nwant %+v", m, want)
	}
}

func TestPolicyDanger(t *testing.T) {
	for pol, want := range map[string]string{"": "", "noeviction": "", "allkeys-lru": "silently deletes", "volatile-ttl": "only keys with a TTL"} {
		pr := results.PlanProjection{Profile: capacity.Profile{NoAccountEvents: true}}
		d := capacity.Dangers(pr, capacity.Model{}, capacity.ProjectOptions{MaxmemoryPolicy: pol})
		if want == "" && len(d) != 0 || want != "" && (len(d) != 1 || d[0].Kind != capacity.DangerEvictingPolicy || !strings.Contains(d[0].Message, want)) {
			t.Errorf("policy %q: %+v, want %q", pol, d, want)
		}
	}
}
