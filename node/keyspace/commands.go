package keyspace

// The Python TradingNode's Redis commands per cache call, read from
// NautilusTrader 1.231.0 (commit a95c8042b0). Each Cmd a builder returns is
// one message of the node's writer: one self._backing.insert/update/delete
// (nautilus_trader/cache/database.pyx) or one delete_order/delete_position
// item (crates/infrastructure/src/redis/cache.rs:543-618) becomes exactly one
// Redis command. Unbuffered, the writer sends every message as its own
// MULTI/EXEC, one after another (cache.rs:741-745,766-773); buffered, it
// sends everything queued in an interval as one MULTI/EXEC. The builders
// return data; the engine does the sending.
//
// The Rust LiveNode writes differently (issue 12) and is not modelled here.

// OrderStatus is an order's state in upstream's state machine
// (nautilus_trader/model/orders/base.pyx:_ORDER_STATE_TABLE). update_order
// derives the index commands from it.
type OrderStatus uint8

// Order statuses, as upstream's OrderStatus.
const (
	StatusInitialized OrderStatus = iota + 1
	StatusDenied
	StatusEmulated
	StatusReleased
	StatusSubmitted
	StatusAccepted
	StatusRejected
	StatusCanceled
	StatusExpired
	StatusTriggered
	StatusPendingUpdate
	StatusPendingCancel
	StatusPartiallyFilled
	StatusFilled
)

var statusNames = [...]string{"", "INITIALIZED", "DENIED", "EMULATED", "RELEASED", "SUBMITTED", "ACCEPTED",
	"REJECTED", "CANCELED", "EXPIRED", "TRIGGERED", "PENDING_UPDATE", "PENDING_CANCEL", "PARTIALLY_FILLED", "FILLED"}

// String is upstream's name of the status ("PARTIALLY_FILLED").
func (s OrderStatus) String() string {
	if int(s) < len(statusNames) && s != 0 {
		return statusNames[s]
	}
	return "OrderStatus(?)"
}

// InFlight is Order.is_inflight (base.pyx:451-456): sent to the venue and
// not yet answered.
func (s OrderStatus) InFlight() bool {
	return s == StatusSubmitted || s == StatusPendingCancel || s == StatusPendingUpdate
}

// Working is the status half of Order.is_open (base.pyx:428-440); an
// emulated order is never open, see OrderArgs.Open.
func (s OrderStatus) Working() bool {
	switch s {
	case StatusAccepted, StatusTriggered, StatusPendingCancel, StatusPendingUpdate, StatusPartiallyFilled:
		return true
	}
	return false
}

// Closed is Order.is_closed (base.pyx:442-449).
func (s OrderStatus) Closed() bool {
	switch s {
	case StatusDenied, StatusRejected, StatusCanceled, StatusExpired, StatusFilled:
		return true
	}
	return false
}

// OrderArgs is what a cache call knows of an order.
type OrderArgs struct {
	ClientOrderID string
	// PositionID is the position id passed to submit_order (add_order only;
	// "" when none was passed, the usual case).
	PositionID string
	// ClientID is the execution client id passed to submit_order (add_order
	// only; "" when none was passed, the default).
	ClientID string
	// Status is the order's status after the event written (update_order).
	Status OrderStatus
	// HasVenueOrderID is whether the order has a venue order id after the
	// event (update_order): set by OrderAccepted or the first fill.
	HasVenueOrderID bool
	// Emulated is whether the order carries an emulation trigger
	// (order.emulation_trigger != NO_TRIGGER): true from its OrderInitialized
	// until the emulator releases or cancels it.
	Emulated bool
}

// Open is Order.is_open (base.pyx:428-440): working at the venue and not
// held by the emulator.
func (o OrderArgs) Open() bool { return !o.Emulated && o.Status.Working() }

// PositionArgs is what a cache call knows of a position.
type PositionArgs struct {
	PositionID string
	// OpeningOrderID is the client order id of the order whose fill opened
	// the position (add_position).
	OpeningOrderID string
	// Closed is whether the position is flat after the fill (update_position).
	Closed bool
}

// AddOrder is Cache.add_order: when a position id is passed, HSET
// index:order_position (cache.pyx:2257-2264 via add_position_id,
// cache.pyx:2326-2327), then Database.add_order (database.pyx:988-1023):
// RPUSH orders:{coid}, SADD index:orders, SADD index:orders_emulated when
// emulated, HSET index:order_position again when a position id is passed,
// HSET index:order_client when a client id is passed.
func (l Layout) AddOrder(o OrderArgs, payload []byte) []Cmd {
	return l.AppendAddOrder(make([]Cmd, 0, 6), o, payload)
}

// AppendAddOrder appends AddOrder's commands to dst.
func (l Layout) AppendAddOrder(dst []Cmd, o OrderArgs, payload []byte) []Cmd {
	id := o.ClientOrderID
	if o.PositionID != "" {
		dst = append(dst, Cmd{"HSET", l.IndexKey(IndexOrderPosition), id, o.PositionID})
	}
	dst = append(dst,
		Cmd{"RPUSH", l.OrderKey(id), payload},
		Cmd{"SADD", l.IndexKey(IndexOrders), id})
	if o.Emulated {
		dst = append(dst, Cmd{"SADD", l.IndexKey(IndexOrdersEmulated), id})
	}
	if o.PositionID != "" {
		dst = append(dst, Cmd{"HSET", l.IndexKey(IndexOrderPosition), id, o.PositionID})
	}
	if o.ClientID != "" {
		dst = append(dst, Cmd{"HSET", l.IndexKey(IndexOrderClient), id, o.ClientID})
	}
	return dst
}

// UpdateOrder is Database.update_order for every later order event
// (database.pyx:1150-1193): RPUSHX orders:{coid}; SADD index:order_ids once
// the order has a venue order id; SADD index:orders_inflight when in flight,
// else SREM; when open SREM index:orders_closed and SADD index:orders_open,
// when closed SREM index:orders_open and SADD index:orders_closed (neither
// for INITIALIZED, EMULATED or RELEASED); SADD index:orders_emulated when
// emulated, else SREM. Submitted is 3 commands, Rejected 5,
// Accepted/PendingCancel/Filled/Canceled 6.
func (l Layout) UpdateOrder(o OrderArgs, payload []byte) []Cmd {
	return l.AppendUpdateOrder(make([]Cmd, 0, 6), o, payload)
}

// AppendUpdateOrder appends UpdateOrder's commands to dst.
func (l Layout) AppendUpdateOrder(dst []Cmd, o OrderArgs, payload []byte) []Cmd {
	id := o.ClientOrderID
	dst = append(dst, Cmd{"RPUSHX", l.OrderKey(id), payload})
	if o.HasVenueOrderID {
		// index_venue_order_id sends [coid, venue id]; the SET keeps the
		// first element only (cache.rs:950-961).
		dst = append(dst, Cmd{"SADD", l.IndexKey(IndexOrderIDs), id})
	}
	if o.Status.InFlight() {
		dst = append(dst, Cmd{"SADD", l.IndexKey(IndexOrdersInflight), id})
	} else {
		dst = append(dst, Cmd{"SREM", l.IndexKey(IndexOrdersInflight), id})
	}
	switch {
	case o.Open():
		dst = append(dst,
			Cmd{"SREM", l.IndexKey(IndexOrdersClosed), id},
			Cmd{"SADD", l.IndexKey(IndexOrdersOpen), id})
	case o.Status.Closed():
		dst = append(dst,
			Cmd{"SREM", l.IndexKey(IndexOrdersOpen), id},
			Cmd{"SADD", l.IndexKey(IndexOrdersClosed), id})
	}
	if o.Emulated {
		dst = append(dst, Cmd{"SADD", l.IndexKey(IndexOrdersEmulated), id})
	} else {
		dst = append(dst, Cmd{"SREM", l.IndexKey(IndexOrdersEmulated), id})
	}
	return dst
}

// IndexOrderPosition is Database.index_order_position on its own
// (database.pyx:1073-1091): HSET index:order_position {coid} {pid}. The
// execution engine sends it for the children of an OTO order when the
// parent's fill leaves a position open (execution/engine.pyx:1668-1680).
func (l Layout) IndexOrderPosition(clientOrderID, positionID string) []Cmd {
	return []Cmd{{"HSET", l.IndexKey(IndexOrderPosition), clientOrderID, positionID}}
}

// AddPosition is Cache.add_position: HSET index:order_position {opening
// coid} {pid} (cache.pyx:2381-2386 via add_position_id,
// cache.pyx:2326-2327), then
// Database.add_position (database.pyx:1025-1051): DEL positions:{pid}
// (a netting id is reused when the position reopens or flips), RPUSH
// positions:{pid} with the opening fill, SADD index:positions, SADD
// index:positions_open.
func (l Layout) AddPosition(p PositionArgs, payload []byte) []Cmd {
	return l.AppendAddPosition(make([]Cmd, 0, 5), p, payload)
}

// AppendAddPosition appends AddPosition's commands to dst.
func (l Layout) AppendAddPosition(dst []Cmd, p PositionArgs, payload []byte) []Cmd {
	key := l.PositionKey(p.PositionID)
	return append(dst,
		Cmd{"HSET", l.IndexKey(IndexOrderPosition), p.OpeningOrderID, p.PositionID},
		Cmd{"DEL", key},
		Cmd{"RPUSH", key, payload},
		Cmd{"SADD", l.IndexKey(IndexPositions), p.PositionID},
		Cmd{"SADD", l.IndexKey(IndexPositionsOpen), p.PositionID})
}

// UpdatePosition is Database.update_position (database.pyx:1195-1224):
// RPUSHX positions:{pid}, then while open SADD index:positions_open and
// SREM index:positions_closed, once flat SADD index:positions_closed and
// SREM index:positions_open.
func (l Layout) UpdatePosition(p PositionArgs, payload []byte) []Cmd {
	return l.AppendUpdatePosition(make([]Cmd, 0, 3), p, payload)
}

// AppendUpdatePosition appends UpdatePosition's commands to dst.
func (l Layout) AppendUpdatePosition(dst []Cmd, p PositionArgs, payload []byte) []Cmd {
	id := p.PositionID
	dst = append(dst, Cmd{"RPUSHX", l.PositionKey(id), payload})
	if p.Closed {
		return append(dst,
			Cmd{"SADD", l.IndexKey(IndexPositionsClosed), id},
			Cmd{"SREM", l.IndexKey(IndexPositionsOpen), id})
	}
	return append(dst,
		Cmd{"SADD", l.IndexKey(IndexPositionsOpen), id},
		Cmd{"SREM", l.IndexKey(IndexPositionsClosed), id})
}

// AddAccount is Database.add_account (database.pyx:970-986): RPUSH
// accounts:{id} with the first AccountState. Not sent with
// persist_account_events=false (cache.pyx:2107).
func (l Layout) AddAccount(accountID string, payload []byte) []Cmd {
	return []Cmd{{"RPUSH", l.AccountKey(accountID), payload}}
}

// UpdateAccount is Database.update_account (database.pyx:1133-1148): RPUSHX
// accounts:{id} with a later AccountState. The list is never trimmed
// (database.pyx:869-889). Not sent with persist_account_events=false
// (cache.pyx:2588).
func (l Layout) UpdateAccount(accountID string, payload []byte) []Cmd {
	return []Cmd{{"RPUSHX", l.AccountKey(accountID), payload}}
}

// AddInstrument is Database.add_instrument (database.pyx:934-950): SET
// instruments:{id}.
func (l Layout) AddInstrument(instrumentID string, payload []byte) []Cmd {
	return []Cmd{{"SET", l.InstrumentKey(instrumentID), payload}}
}

// AddCurrency is Database.add_currency (database.pyx:909-932): SET
// currencies:{code}.
func (l Layout) AddCurrency(code string, payload []byte) []Cmd {
	return []Cmd{{"SET", l.CurrencyKey(code), payload}}
}

// SnapshotOrder is Database.snapshot_order_state (database.pyx:1226-1242):
// RPUSH snapshots:orders:{coid} with the order's to_dict(). Sent with
// snapshot_orders=true after every order event the execution engine
// applies (execution/engine.pyx:988,1123,1619).
func (l Layout) SnapshotOrder(clientOrderID string, payload []byte) []Cmd {
	return []Cmd{{"RPUSH", l.OrderSnapshotKey(clientOrderID), payload}}
}

// SnapshotPosition is Database.snapshot_position_state
// (database.pyx:1244-1276): RPUSH snapshots:positions:{pid}. Sent with
// snapshot_positions=true when a position opens, changes or closes, and
// every snapshot_positions_interval_secs per open position
// (execution/engine.pyx:1762,1814,1931-1966).
func (l Layout) SnapshotPosition(positionID string, payload []byte) []Cmd {
	return []Cmd{{"RPUSH", l.PositionSnapshotKey(positionID), payload}}
}

// PurgeOrder is RedisCacheDatabase.delete_order (cache.rs:543-584), sent
// when the execution engine purges a closed order with
// purge_from_database=true (cache.pyx:928-1027): DEL orders:{coid}, SREM
// from index:order_ids, orders, orders_open, orders_closed,
// orders_emulated and orders_inflight, HDEL from index:order_position and
// index:order_client: nine messages.
func (l Layout) PurgeOrder(clientOrderID string) []Cmd {
	id := clientOrderID
	return []Cmd{
		{"DEL", l.OrderKey(id)},
		{"SREM", l.IndexKey(IndexOrderIDs), id},
		{"SREM", l.IndexKey(IndexOrders), id},
		{"SREM", l.IndexKey(IndexOrdersOpen), id},
		{"SREM", l.IndexKey(IndexOrdersClosed), id},
		{"SREM", l.IndexKey(IndexOrdersEmulated), id},
		{"SREM", l.IndexKey(IndexOrdersInflight), id},
		{"HDEL", l.IndexKey(IndexOrderPosition), id},
		{"HDEL", l.IndexKey(IndexOrderClient), id},
	}
}

// PurgePosition is RedisCacheDatabase.delete_position (cache.rs:591-618):
// DEL positions:{pid}, SREM from index:positions, positions_open and
// positions_closed.
func (l Layout) PurgePosition(positionID string) []Cmd {
	id := positionID
	return []Cmd{
		{"DEL", l.PositionKey(id)},
		{"SREM", l.IndexKey(IndexPositions), id},
		{"SREM", l.IndexKey(IndexPositionsOpen), id},
		{"SREM", l.IndexKey(IndexPositionsClosed), id},
	}
}
