package keyspace_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/rbench/rbench/node/keyspace"
)

// The messages of every cache call as NautilusTrader 1.231's Python node
// sends them, written by hand from ../shared/reference/trading-cache-model.md
// ("Commands per cache call") and upstream's source, not from this package:
// cache/database.pyx:988-1051,1133-1276, cache/cache.pyx:2257-2273,
// 2296-2327,2381-2417, crates/infrastructure/src/redis/cache.rs:543-618, and
// the order state machine of model/orders/base.pyx:428-456. Each line is one
// message of the node's writer, one Redis command, one MULTI/EXEC when
// unbuffered: the command, its key after the trader key, then its other
// arguments. {coid}, {pid}, {cid}, {open} (the opening order's client order
// id), {aid}, {iid} and {code} stand for the call's ids, <payload> for the
// encoded value.
var sequences = []struct {
	variant string
	want    []string
}{
	{"add_order", []string{
		"RPUSH orders:{coid} <payload>",
		"SADD index:orders {coid}"}},
	{"add_order +position_id", []string{
		"HSET index:order_position {coid} {pid}", // Cache.add_position_id, before the database call
		"RPUSH orders:{coid} <payload>",
		"SADD index:orders {coid}",
		"HSET index:order_position {coid} {pid}"}}, // Database.add_order again
	{"add_order +client_id", []string{
		"RPUSH orders:{coid} <payload>",
		"SADD index:orders {coid}",
		"HSET index:order_client {coid} {cid}"}},
	{"add_order +position_id +client_id", []string{
		"HSET index:order_position {coid} {pid}",
		"RPUSH orders:{coid} <payload>",
		"SADD index:orders {coid}",
		"HSET index:order_position {coid} {pid}",
		"HSET index:order_client {coid} {cid}"}},
	{"add_order +emulated", []string{
		"RPUSH orders:{coid} <payload>",
		"SADD index:orders {coid}",
		"SADD index:orders_emulated {coid}"}},
	{"add_order +emulated +client_id", []string{
		"RPUSH orders:{coid} <payload>",
		"SADD index:orders {coid}",
		"SADD index:orders_emulated {coid}",
		"HSET index:order_client {coid} {cid}"}},
	// update_order: RPUSHX, [SADD order_ids once there is a venue order
	// id], SADD/SREM inflight, open or closed moves, SADD/SREM emulated.
	{"update_order OrderEmulated", []string{
		"RPUSHX orders:{coid} <payload>",
		"SREM index:orders_inflight {coid}",
		"SADD index:orders_emulated {coid}"}},
	{"update_order OrderReleased", []string{
		"RPUSHX orders:{coid} <payload>",
		"SREM index:orders_inflight {coid}",
		"SREM index:orders_emulated {coid}"}},
	{"update_order OrderSubmitted", []string{ // 3
		"RPUSHX orders:{coid} <payload>",
		"SADD index:orders_inflight {coid}",
		"SREM index:orders_emulated {coid}"}},
	{"update_order OrderRejected", []string{ // 5
		"RPUSHX orders:{coid} <payload>",
		"SREM index:orders_inflight {coid}",
		"SREM index:orders_open {coid}",
		"SADD index:orders_closed {coid}",
		"SREM index:orders_emulated {coid}"}},
	{"update_order OrderAccepted", []string{ // 6
		"RPUSHX orders:{coid} <payload>",
		"SADD index:order_ids {coid}",
		"SREM index:orders_inflight {coid}",
		"SREM index:orders_closed {coid}",
		"SADD index:orders_open {coid}",
		"SREM index:orders_emulated {coid}"}},
	{"update_order OrderPendingUpdate", []string{
		"RPUSHX orders:{coid} <payload>",
		"SADD index:order_ids {coid}",
		"SADD index:orders_inflight {coid}",
		"SREM index:orders_closed {coid}",
		"SADD index:orders_open {coid}",
		"SREM index:orders_emulated {coid}"}},
	{"update_order OrderUpdated", []string{
		"RPUSHX orders:{coid} <payload>",
		"SADD index:order_ids {coid}",
		"SREM index:orders_inflight {coid}",
		"SREM index:orders_closed {coid}",
		"SADD index:orders_open {coid}",
		"SREM index:orders_emulated {coid}"}},
	{"update_order OrderPendingCancel", []string{ // 6
		"RPUSHX orders:{coid} <payload>",
		"SADD index:order_ids {coid}",
		"SADD index:orders_inflight {coid}",
		"SREM index:orders_closed {coid}",
		"SADD index:orders_open {coid}",
		"SREM index:orders_emulated {coid}"}},
	{"update_order OrderCanceled", []string{ // 6
		"RPUSHX orders:{coid} <payload>",
		"SADD index:order_ids {coid}",
		"SREM index:orders_inflight {coid}",
		"SREM index:orders_open {coid}",
		"SADD index:orders_closed {coid}",
		"SREM index:orders_emulated {coid}"}},
	{"update_order OrderCanceled -venue_order_id", []string{ // canceled by the emulator, or before the venue accepted it
		"RPUSHX orders:{coid} <payload>",
		"SREM index:orders_inflight {coid}",
		"SREM index:orders_open {coid}",
		"SADD index:orders_closed {coid}",
		"SREM index:orders_emulated {coid}"}},
	{"update_order OrderExpired", []string{
		"RPUSHX orders:{coid} <payload>",
		"SADD index:order_ids {coid}",
		"SREM index:orders_inflight {coid}",
		"SREM index:orders_open {coid}",
		"SADD index:orders_closed {coid}",
		"SREM index:orders_emulated {coid}"}},
	{"update_order OrderFilled partial", []string{
		"RPUSHX orders:{coid} <payload>",
		"SADD index:order_ids {coid}",
		"SREM index:orders_inflight {coid}",
		"SREM index:orders_closed {coid}",
		"SADD index:orders_open {coid}",
		"SREM index:orders_emulated {coid}"}},
	{"update_order OrderFilled", []string{ // 6
		"RPUSHX orders:{coid} <payload>",
		"SADD index:order_ids {coid}",
		"SREM index:orders_inflight {coid}",
		"SREM index:orders_open {coid}",
		"SADD index:orders_closed {coid}",
		"SREM index:orders_emulated {coid}"}},
	{"index_order_position", []string{
		"HSET index:order_position {coid} {pid}"}},
	{"add_position", []string{
		"HSET index:order_position {open} {pid}",
		"DEL positions:{pid}",
		"RPUSH positions:{pid} <payload>",
		"SADD index:positions {pid}",
		"SADD index:positions_open {pid}"}},
	{"update_position", []string{
		"RPUSHX positions:{pid} <payload>",
		"SADD index:positions_open {pid}",
		"SREM index:positions_closed {pid}"}},
	{"update_position closed", []string{
		"RPUSHX positions:{pid} <payload>",
		"SADD index:positions_closed {pid}",
		"SREM index:positions_open {pid}"}},
	{"add_account", []string{"RPUSH accounts:{aid} <payload>"}},
	{"update_account", []string{"RPUSHX accounts:{aid} <payload>"}},
	{"add_instrument", []string{"SET instruments:{iid} <payload>"}},
	{"add_currency", []string{"SET currencies:{code} <payload>"}},
	{"snapshot_order", []string{"RPUSH snapshots:orders:{coid} <payload>"}},
	{"snapshot_position", []string{"RPUSH snapshots:positions:{pid} <payload>"}},
	{"purge_order", []string{ // 9
		"DEL orders:{coid}",
		"SREM index:order_ids {coid}",
		"SREM index:orders {coid}",
		"SREM index:orders_open {coid}",
		"SREM index:orders_closed {coid}",
		"SREM index:orders_emulated {coid}",
		"SREM index:orders_inflight {coid}",
		"HDEL index:order_position {coid}",
		"HDEL index:order_client {coid}"}},
	{"purge_position", []string{ // 4
		"DEL positions:{pid}",
		"SREM index:positions {pid}",
		"SREM index:positions_open {pid}",
		"SREM index:positions_closed {pid}"}},
}

// expected returns the messages of variant with its ids filled in, or
// false when the table has no such variant.
func expected(variant string, ids map[string]string) ([]string, bool) {
	for _, s := range sequences {
		if s.variant == variant {
			out := make([]string, len(s.want))
			for i, w := range s.want {
				for k, v := range ids {
					w = strings.ReplaceAll(w, "{"+k+"}", v)
				}
				out[i] = w
			}
			return out, true
		}
	}
	return nil, false
}

// relative renders commands as the table writes them: the key after the
// trader key, a payload argument as <payload>.
func relative(l keyspace.Layout, cmds []keyspace.Cmd, payload []byte) []string {
	var out []string
	for _, c := range cmds {
		parts := make([]string, len(c))
		for i, a := range c {
			switch v := a.(type) {
			case []byte:
				if string(v) == string(payload) {
					a = "<payload>"
				}
			case string:
				if i == 1 {
					a = strings.TrimPrefix(v, l.Prefix()+keyspace.Delimiter)
				}
			}
			parts[i] = fmt.Sprint(a)
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

// TestCommandsAgainstTable checks every builder against the hand-written
// sequences.
func TestCommandsAgainstTable(t *testing.T) {
	l := keyspace.Layout{TraderID: "T"}
	p := []byte("\x81\xa4type\xa5Order")
	ids := map[string]string{"coid": "O-1", "pid": "P-1", "cid": "BINANCE", "open": "O-0", "aid": "BINANCE-001",
		"iid": "ETHUSDT-PERP.BINANCE", "code": "USDT"}
	o := func(st keyspace.OrderStatus, venue bool) keyspace.OrderArgs {
		return keyspace.OrderArgs{ClientOrderID: "O-1", Status: st, HasVenueOrderID: venue}
	}
	emulated := o(keyspace.StatusEmulated, false)
	emulated.Emulated = true
	pos := keyspace.PositionArgs{PositionID: "P-1", OpeningOrderID: "O-0"}
	closed := pos
	closed.Closed = true
	got := map[string][]keyspace.Cmd{
		"add_order":                                  l.AddOrder(keyspace.OrderArgs{ClientOrderID: "O-1"}, p),
		"add_order +position_id":                     l.AddOrder(keyspace.OrderArgs{ClientOrderID: "O-1", PositionID: "P-1"}, p),
		"add_order +client_id":                       l.AddOrder(keyspace.OrderArgs{ClientOrderID: "O-1", ClientID: "BINANCE"}, p),
		"add_order +position_id +client_id":          l.AddOrder(keyspace.OrderArgs{ClientOrderID: "O-1", PositionID: "P-1", ClientID: "BINANCE"}, p),
		"add_order +emulated":                        l.AddOrder(keyspace.OrderArgs{ClientOrderID: "O-1", Emulated: true}, p),
		"add_order +emulated +client_id":             l.AddOrder(keyspace.OrderArgs{ClientOrderID: "O-1", Emulated: true, ClientID: "BINANCE"}, p),
		"update_order OrderEmulated":                 l.UpdateOrder(emulated, p),
		"update_order OrderReleased":                 l.UpdateOrder(o(keyspace.StatusReleased, false), p),
		"update_order OrderSubmitted":                l.UpdateOrder(o(keyspace.StatusSubmitted, false), p),
		"update_order OrderRejected":                 l.UpdateOrder(o(keyspace.StatusRejected, false), p),
		"update_order OrderAccepted":                 l.UpdateOrder(o(keyspace.StatusAccepted, true), p),
		"update_order OrderPendingUpdate":            l.UpdateOrder(o(keyspace.StatusPendingUpdate, true), p),
		"update_order OrderUpdated":                  l.UpdateOrder(o(keyspace.StatusAccepted, true), p),
		"update_order OrderPendingCancel":            l.UpdateOrder(o(keyspace.StatusPendingCancel, true), p),
		"update_order OrderCanceled":                 l.UpdateOrder(o(keyspace.StatusCanceled, true), p),
		"update_order OrderCanceled -venue_order_id": l.UpdateOrder(o(keyspace.StatusCanceled, false), p),
		"update_order OrderExpired":                  l.UpdateOrder(o(keyspace.StatusExpired, true), p),
		"update_order OrderFilled partial":           l.UpdateOrder(o(keyspace.StatusPartiallyFilled, true), p),
		"update_order OrderFilled":                   l.UpdateOrder(o(keyspace.StatusFilled, true), p),
		"index_order_position":                       l.IndexOrderPosition("O-1", "P-1"),
		"add_position":                               l.AddPosition(pos, p),
		"update_position":                            l.UpdatePosition(pos, p),
		"update_position closed":                     l.UpdatePosition(closed, p),
		"add_account":                                l.AddAccount("BINANCE-001", p),
		"update_account":                             l.UpdateAccount("BINANCE-001", p),
		"add_instrument":                             l.AddInstrument("ETHUSDT-PERP.BINANCE", p),
		"add_currency":                               l.AddCurrency("USDT", p),
		"snapshot_order":                             l.SnapshotOrder("O-1", p),
		"snapshot_position":                          l.SnapshotPosition("P-1", p),
		"purge_order":                                l.PurgeOrder("O-1"),
		"purge_position":                             l.PurgePosition("P-1"),
	}
	if len(got) != len(sequences) {
		t.Fatalf("%d builder calls for %d table rows", len(got), len(sequences))
	}
	for _, s := range sequences {
		cmds, ok := got[s.variant]
		if !ok {
			t.Errorf("%s: no builder call", s.variant)
			continue
		}
		want, _ := expected(s.variant, ids)
		if g := relative(l, cmds, p); !reflect.DeepEqual(g, want) {
			t.Errorf("%s:\n got %q\nwant %q", s.variant, g, want)
		}
	}
}

// TestOrderStatus checks the in-flight, open and closed predicates against
// model/orders/base.pyx:428-456, status by status.
func TestOrderStatus(t *testing.T) {
	tests := []struct {
		s                      keyspace.OrderStatus
		name                   string
		inflight, open, closed bool
	}{
		{keyspace.StatusInitialized, "INITIALIZED", false, false, false},
		{keyspace.StatusDenied, "DENIED", false, false, true},
		{keyspace.StatusEmulated, "EMULATED", false, false, false},
		{keyspace.StatusReleased, "RELEASED", false, false, false},
		{keyspace.StatusSubmitted, "SUBMITTED", true, false, false},
		{keyspace.StatusAccepted, "ACCEPTED", false, true, false},
		{keyspace.StatusRejected, "REJECTED", false, false, true},
		{keyspace.StatusCanceled, "CANCELED", false, false, true},
		{keyspace.StatusExpired, "EXPIRED", false, false, true},
		{keyspace.StatusTriggered, "TRIGGERED", false, true, false},
		{keyspace.StatusPendingUpdate, "PENDING_UPDATE", true, true, false},
		{keyspace.StatusPendingCancel, "PENDING_CANCEL", true, true, false},
		{keyspace.StatusPartiallyFilled, "PARTIALLY_FILLED", false, true, false},
		{keyspace.StatusFilled, "FILLED", false, false, true},
	}
	for _, tt := range tests {
		a := keyspace.OrderArgs{Status: tt.s}
		if tt.s.String() != tt.name || tt.s.InFlight() != tt.inflight || a.Open() != tt.open || tt.s.Closed() != tt.closed {
			t.Errorf("%s: name %s inflight %v open %v closed %v", tt.name, tt.s, tt.s.InFlight(), a.Open(), tt.s.Closed())
		}
		// An order with an emulation trigger is never open (base.pyx:429-430).
		if a.Emulated = true; a.Open() {
			t.Errorf("%s: emulated order reported open", tt.name)
		}
	}
}
