package scenario

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
)

// snapshotting is the node configuration with every snapshot on.
func snapshotting() node.Config {
	c := node.DefaultConfig()
	c.SnapshotOrders, c.SnapshotPositions, c.SnapshotPositionsInterval = true, true, 2*time.Second
	return c
}

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// stream renders the first n calls of a scenario as text: one line per call
// with its kind, id and encoded payload (msgpack as hex).
func stream(t testing.TB, opts Options, enc string, n int) []byte {
	t.Helper()
	c, err := codecs.ByName(enc)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for call := range New(opts).All() {
		if int(call.Seq) >= n {
			break
		}
		var b []byte
		if call.Payload != nil {
			if b, err = c.Encode(call.Payload); err != nil {
				t.Fatal(err)
			}
		}
		if enc == codecs.MsgPack {
			fmt.Fprintf(&buf, "%d %s %s %x\n", call.Seq, call.Kind, call.ID, b)
		} else {
			fmt.Fprintf(&buf, "%d %s %s %s\n", call.Seq, call.Kind, call.ID, b)
		}
	}
	return buf.Bytes()
}

// TestGolden pins the first 400 calls of seed 42 under both encodings.
// Refresh with: go test ./node/scenario -run TestGolden -update
func TestGolden(t *testing.T) {
	opts := Options{Seed: 42, Orders: 200, Node: snapshotting(), PurgeClosed: true, PurgeInterval: time.Second}
	for _, enc := range codecs.Names() {
		got := stream(t, opts, enc, 400)
		path := filepath.Join("testdata", "seed42."+enc+".golden")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s stream differs from %s; if intended, run go test -update", enc, path)
		}
	}
}

func TestDeterministic(t *testing.T) {
	opts := Options{Seed: 9, Orders: 500, Node: snapshotting(), PurgeClosed: true, PurgeInterval: time.Second}
	a := stream(t, opts, codecs.MsgPack, 1<<30)
	b := stream(t, opts, codecs.MsgPack, 1<<30)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed and options gave different streams")
	}
	opts.Seed = 10
	if c := stream(t, opts, codecs.MsgPack, 1<<30); bytes.Equal(a, c) {
		t.Fatal("seeds 9 and 10 gave the same stream")
	}
}

func TestCallMix(t *testing.T) {
	counts := map[Kind]int{}
	orders := map[string]string{} // client order id -> last event type
	lc := DefaultLifecycle()
	lc.CalculatedAccounts = true
	for c := range New(Options{Seed: 1, Orders: 3000, Node: snapshotting(), Lifecycle: &lc, PurgeClosed: true, PurgeInterval: time.Second}).All() {
		counts[c.Kind]++
		if c.Kind == UpdateOrder {
			orders[c.ID] = payloads.TypeOf(c.Payload)
		}
	}
	for _, k := range Kinds() {
		if counts[k] == 0 {
			t.Errorf("no %s calls", k)
		}
	}
	if n := counts[AddOrder]; n < 3000 {
		t.Errorf("AddOrder = %d, want at least 3000 (released emulated orders are added twice)", n)
	}
	final := map[string]int{}
	for _, typ := range orders {
		final[typ]++
	}
	// Realistic proportions: most orders fill, a good share cancels, few
	// reject or expire.
	frac := func(typ string) float64 { return float64(final[typ]) / float64(len(orders)) }
	if f := frac(payloads.TypeOrderFilled); f < 0.5 || f > 0.85 {
		t.Errorf("filled fraction %.2f", f)
	}
	if f := frac(payloads.TypeOrderCanceled); f < 0.1 || f > 0.4 {
		t.Errorf("canceled fraction %.2f", f)
	}
	if f := frac(payloads.TypeOrderRejected); f <= 0 || f > 0.05 {
		t.Errorf("rejected fraction %.3f", f)
	}
	if f := frac(payloads.TypeOrderExpired); f <= 0 || f > 0.1 {
		t.Errorf("expired fraction %.3f", f)
	}
	if counts[UpdateOrder] < 3*3000 {
		t.Errorf("only %d order updates for 3000 orders", counts[UpdateOrder])
	}
}

var uuid4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// onGrid checks s is written with exactly prec decimals and is a multiple of inc.
func onGrid(t *testing.T, what, s string, prec int, inc int64) {
	t.Helper()
	u, p, err := payloads.ParseFixed(s)
	if err != nil || p != prec || u%inc != 0 || u <= 0 {
		t.Fatalf("%s %q: want precision %d on increment %d units (%v)", what, s, prec, inc, err)
	}
}

type instInfo struct {
	pricePrec, sizePrec int
	tick, step          int64
}

func instrumentInfo(t *testing.T, v any) (string, instInfo) {
	grid := func(inc string) (int64, int) {
		u, p, err := payloads.ParseFixed(inc)
		if err != nil {
			t.Fatal(err)
		}
		return u, p
	}
	switch p := v.(type) {
	case *payloads.CryptoPerpetual:
		tick, _ := grid(p.PriceIncrement)
		step, _ := grid(p.SizeIncrement)
		return p.ID, instInfo{p.PricePrecision, p.SizePrecision, tick, step}
	case *payloads.CurrencyPair:
		tick, _ := grid(p.PriceIncrement)
		lot, _ := grid(*p.LotSize)
		return p.ID, instInfo{p.PricePrecision, p.SizePrecision, tick, lot}
	case *payloads.Equity:
		tick, _ := grid(p.PriceIncrement)
		return p.ID, instInfo{p.PricePrecision, 0, tick, 1}
	case *payloads.FuturesContract:
		tick, _ := grid(p.PriceIncrement)
		step, _ := grid(p.SizeIncrement)
		return p.ID, instInfo{p.PricePrecision, p.SizePrecision, tick, step}
	}
	t.Fatalf("not an instrument: %T", v)
	return "", instInfo{}
}

// TestValueFormats walks a history and checks prices sit on their tick with
// the instrument's precision, quantities on their increment, fills sum to
// the order quantity, positions equal the signed sum of their fills, event
// ids are UUID4 and ts_init never goes back.
func TestValueFormats(t *testing.T) {
	insts := map[string]instInfo{}
	type ord struct {
		qty, filled int64
		done        string
	}
	orders := map[string]*ord{}
	positions := map[string]int64{}
	var lastTs int64
	checkTs := func(s string) {
		ns, err := payloads.ParseTimestamp(s)
		if err != nil {
			t.Fatal(err)
		}
		if ns < lastTs {
			t.Fatalf("ts_init %d before %d", ns, lastTs)
		}
		lastTs = ns
	}
	for c := range New(Options{Seed: 5, Orders: 5000, Strategies: 6, Node: snapshotting()}).All() {
		switch p := c.Payload.(type) {
		case *payloads.CryptoPerpetual, *payloads.CurrencyPair, *payloads.Equity, *payloads.FuturesContract:
			id, info := instrumentInfo(t, p)
			insts[id] = info
		case *payloads.OrderInitialized:
			in := insts[p.InstrumentID]
			onGrid(t, "quantity", p.Quantity, in.sizePrec, in.step)
			if p.OrderType == "LIMIT" {
				onGrid(t, "price", *p.Options.Price, in.pricePrec, in.tick)
			}
			q, _, _ := payloads.ParseFixed(p.Quantity)
			orders[p.ClientOrderID] = &ord{qty: q}
			if !uuid4.MatchString(p.EventID) {
				t.Fatalf("event id %q is not a UUID4", p.EventID)
			}
			checkTs(p.TsInit)
		case *payloads.OrderFilled:
			if c.Kind == AddPosition || c.Kind == UpdatePosition {
				q, _, _ := payloads.ParseFixed(p.LastQty)
				if p.OrderSide == "SELL" {
					q = -q
				}
				if c.Kind == AddPosition && positions[c.ID] != 0 {
					t.Fatalf("position %s reopened while not flat (%d)", c.ID, positions[c.ID])
				}
				positions[c.ID] += q
				if c.Position.Closed != (positions[c.ID] == 0) {
					t.Fatalf("position %s closed=%v with quantity %d", c.ID, c.Position.Closed, positions[c.ID])
				}
				if *p.PositionID != c.ID {
					t.Fatalf("fill names position %s, call %s", *p.PositionID, c.ID)
				}
				continue
			}
			in := insts[p.InstrumentID]
			onGrid(t, "last_qty", p.LastQty, in.sizePrec, in.step)
			onGrid(t, "last_px", p.LastPx, in.pricePrec, in.tick)
			if _, _, cur, err := payloads.ParseMoney(p.Commission); err != nil || cur != p.Currency {
				t.Fatalf("commission %q in %s: %v", p.Commission, p.Currency, err)
			}
			q, _, _ := payloads.ParseFixed(p.LastQty)
			o := orders[p.ClientOrderID]
			o.filled += q
			if o.filled > o.qty {
				t.Fatalf("order %s overfilled: %d of %d", p.ClientOrderID, o.filled, o.qty)
			}
			if o.filled == o.qty {
				o.done = "filled"
			}
			checkTs(p.TsInit)
		case *payloads.OrderCanceled:
			orders[p.ClientOrderID].done = "canceled"
			checkTs(p.TsInit)
		case *payloads.OrderExpired:
			orders[p.ClientOrderID].done = "canceled"
			checkTs(p.TsInit)
		case *payloads.OrderRejected:
			orders[p.ClientOrderID].done = "rejected"
		case *payloads.AccountState:
			for _, b := range p.Balances {
				tot, _, err1 := payloads.ParseFixed(b.Total)
				lck, _, err2 := payloads.ParseFixed(b.Locked)
				fr, _, err3 := payloads.ParseFixed(b.Free)
				if err1 != nil || err2 != nil || err3 != nil || tot-lck != fr {
					t.Fatalf("balance %+v does not add up", b)
				}
			}
		case *payloads.PositionSnapshot:
			units := positions[p.PositionID]
			side := map[bool]string{true: "LONG", false: "SHORT"}[units > 0]
			if units == 0 {
				side = "FLAT"
			}
			if p.Side != side || p.Quantity != payloads.FormatFixed(abs(units), insts[p.InstrumentID].sizePrec) {
				t.Fatalf("snapshot of position %s at %d units: side %s quantity %s", p.PositionID, units, p.Side, p.Quantity)
			}
		}
	}
	for id, o := range orders {
		switch o.done {
		case "filled":
			if o.filled != o.qty {
				t.Errorf("order %s filled %d of %d", id, o.filled, o.qty)
			}
		case "canceled", "rejected":
			if o.filled >= o.qty {
				t.Errorf("order %s %s after filling %d of %d", id, o.done, o.filled, o.qty)
			}
		default:
			t.Errorf("order %s never closed", id)
		}
	}
	var netting, hedging int
	for id := range positions {
		if id[:2] == "P-" {
			hedging++
		} else {
			netting++
		}
	}
	if netting == 0 || hedging == 0 {
		t.Errorf("netting positions %d, hedging %d: want both", netting, hedging)
	}
}

// TestTimestampModes checks both timestamp modes carry the same nanoseconds.
func TestTimestampModes(t *testing.T) {
	a := New(Options{Seed: 3, Orders: 200})
	iso := node.DefaultConfig()
	iso.TimestampsISO8601 = true
	b := New(Options{Seed: 3, Orders: 200, Node: iso})
	n := 0
	for {
		ca, okA := a.Next()
		cb, okB := b.Next()
		if okA != okB {
			t.Fatal("streams differ in length")
		}
		if !okA {
			break
		}
		ta, tb := tsFields(ca.Payload), tsFields(cb.Payload)
		if len(ta) != len(tb) {
			t.Fatalf("call %d: %d vs %d timestamps", ca.Seq, len(ta), len(tb))
		}
		for i := range ta {
			na, errA := payloads.ParseTimestamp(ta[i])
			nb, errB := payloads.ParseTimestamp(tb[i])
			if errA != nil || errB != nil || na != nb {
				t.Fatalf("call %d: %q and %q differ (%v %v)", ca.Seq, ta[i], tb[i], errA, errB)
			}
			// pandas' isoformat: 9, 6 or no fractional digits (payloads.FormatTimestamp).
			if !isoTimestamp.MatchString(tb[i]) {
				t.Fatalf("ISO timestamp %q", tb[i])
			}
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("only %d timestamps compared", n)
	}
}

var isoTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6}|\.\d{9})?Z$`)

func tsFields(v any) []string {
	switch p := v.(type) {
	case payloads.Event:
		e, i := p.EventTimes()
		return []string{e, i}
	case *payloads.CryptoPerpetual:
		return []string{p.TsEvent, p.TsInit}
	case *payloads.PositionSnapshot:
		return []string{p.TsOpened, p.TsSnapshot}
	}
	return nil
}

// TestStreamsInConstantMemory generates a million orders (fewer under the
// race detector, which makes this 10x slower) and checks the live heap does
// not grow with the count.
func TestStreamsInConstantMemory(t *testing.T) {
	orders := int64(1_000_000)
	if raceEnabled {
		orders = 50_000
	}
	g := New(Options{Seed: 1, Orders: orders, PurgeClosed: true, PurgeInterval: 10 * time.Second, PurgeBuffer: 5 * time.Second})
	var ms runtime.MemStats
	heapAt := func() uint64 {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var base, peak uint64
	var n int64
	for c := range g.All() {
		if _, released := c.Payload.(*payloads.OrderReleased); released {
			n-- // its add_order was the second of that order
		}
		if c.Kind == AddOrder {
			n++
			if n == orders/10 {
				base = heapAt()
			}
			if n%(orders/5) == 0 {
				peak = max(peak, heapAt())
			}
		}
	}
	if n != orders {
		t.Fatalf("generated %d orders, want %d", n, orders)
	}
	t.Logf("%d orders: heap %d KiB after 10%%, peak %d KiB", n, base>>10, peak>>10)
	if peak > base+4<<20 {
		t.Errorf("heap grew from %d KiB to %d KiB over %d orders", base>>10, peak>>10, orders)
	}
}

func TestCommands(t *testing.T) {
	l := keyspace.Layout{TraderID: "TRADER-001"}
	g := New(Options{Seed: 1, Orders: 50, PurgeClosed: true, PurgeInterval: time.Second, Node: snapshotting()})
	for c := range g.All() {
		cmds := c.Commands(l, []byte("x"))
		if len(cmds) == 0 {
			t.Fatalf("%s produced no commands", c.Kind)
		}
		if key := cmds[0].Key(); key == "" || key[:len("trader-TRADER-001:")] != "trader-TRADER-001:" {
			t.Fatalf("%s: first key %q", c.Kind, key)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := (Options{}).Validate(); err != nil {
		t.Fatal(err)
	}
	lc := Lifecycle{Modify: 1.5, Lists: -0.1}
	bad := Options{Orders: -1, MaxInFlight: -2, PurgeInterval: time.Microsecond, PurgeBuffer: -time.Second, Lifecycle: &lc,
		Node: node.Config{Flavour: "ruby", PersistAccountEvents: true, SnapshotPositionsInterval: time.Nanosecond}}
	err := bad.Validate()
	if err == nil {
		t.Fatal("Validate accepted bad options")
	}
	for _, want := range []string{"orders = -1", "max in-flight = -2", "purge interval = 1µs", "snapshot positions interval = 1ns", "purge buffer = -1s",
		"modify share = 1.5", "lists share = -0.1", `node "ruby"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func ExampleGenerator_All() {
	g := New(Options{Seed: 7, Orders: 1, Instruments: 1})
	for c := range g.All() {
		fmt.Println(c.Seq, c.Kind, c.ID, payloads.TypeOf(c.Payload))
	}
	// Output:
	// 0 add_currency ETH Currency
	// 1 add_currency USDT Currency
	// 2 add_instrument ETHUSDT-PERP.BINANCE CryptoPerpetual
	// 3 add_account BINANCE-001 AccountState
	// 4 add_order O-20240115-093012-001-001-1 OrderInitialized
	// 5 update_order O-20240115-093012-001-001-1 OrderSubmitted
	// 6 update_order O-20240115-093012-001-001-1 OrderAccepted
	// 7 update_order O-20240115-093012-001-001-1 OrderPendingCancel
	// 8 update_order O-20240115-093012-001-001-1 OrderCanceled
}
