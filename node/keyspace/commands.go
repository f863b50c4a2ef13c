package keyspace

// OrderArgs describes an order at one cache call: its ids and the index sets
// it belongs to after the event being written.
type OrderArgs struct {
	ClientOrderID string
	PositionID    string // "" when not known yet (a hedging order that opens a position)
	ClientID      string // "" when the order names no execution client
	Emulated      bool   // held by the local emulator
	InFlight      bool   // submitted/pending, not yet acknowledged by the venue
	Open          bool   // accepted and working at the venue
	Closed        bool   // filled, canceled, rejected or expired
}

// PositionArgs describes a position after the fill being written.
type PositionArgs struct {
	PositionID string
	Closed     bool // flat after this fill
}

// AddOrder is add_order: RPUSH orders:x, SADD index:orders, SADD
// index:orders_emulated when emulated, HSET index:order_client when a client
// is named, HSET index:order_position when the position is known.
func (l Layout) AddOrder(o OrderArgs, payload []byte) []Cmd {
	return l.AppendAddOrder(make([]Cmd, 0, 5), o, payload)
}

// AppendAddOrder appends AddOrder's commands to dst.
func (l Layout) AppendAddOrder(dst []Cmd, o OrderArgs, payload []byte) []Cmd {
	dst = append(dst,
		Cmd{"RPUSH", l.OrderKey(o.ClientOrderID), payload},
		Cmd{"SADD", l.IndexKey(IndexOrders), o.ClientOrderID})
	if o.Emulated {
		dst = append(dst, Cmd{"SADD", l.IndexKey(IndexOrdersEmulated), o.ClientOrderID})
	}
	if o.ClientID != "" {
		dst = append(dst, Cmd{"HSET", l.IndexKey(IndexOrderClient), o.ClientOrderID, o.ClientID})
	}
	if o.PositionID != "" {
		dst = append(dst, Cmd{"HSET", l.IndexKey(IndexOrderPosition), o.ClientOrderID, o.PositionID})
	}
	return dst
}

// UpdateOrder is update_order for each later event: RPUSHX orders:x, SADD
// index:order_ids, SADD or SREM index:orders_inflight, SREM+SADD between
// index:orders_open and index:orders_closed when the order is open or closed,
// SADD or SREM index:orders_emulated.
func (l Layout) UpdateOrder(o OrderArgs, payload []byte) []Cmd {
	return l.AppendUpdateOrder(make([]Cmd, 0, 6), o, payload)
}

// AppendUpdateOrder appends UpdateOrder's commands to dst.
func (l Layout) AppendUpdateOrder(dst []Cmd, o OrderArgs, payload []byte) []Cmd {
	id := o.ClientOrderID
	dst = append(dst,
		Cmd{"RPUSHX", l.OrderKey(id), payload},
		Cmd{"SADD", l.IndexKey(IndexOrderIDs), id})
	if o.InFlight {
		dst = append(dst, Cmd{"SADD", l.IndexKey(IndexOrdersInflight), id})
	} else {
		dst = append(dst, Cmd{"SREM", l.IndexKey(IndexOrdersInflight), id})
	}
	switch {
	case o.Closed:
		dst = append(dst,
			Cmd{"SREM", l.IndexKey(IndexOrdersOpen), id},
			Cmd{"SADD", l.IndexKey(IndexOrdersClosed), id})
	case o.Open:
		dst = append(dst,
			Cmd{"SREM", l.IndexKey(IndexOrdersClosed), id},
			Cmd{"SADD", l.IndexKey(IndexOrdersOpen), id})
	}
	if o.Emulated {
		dst = append(dst, Cmd{"SADD", l.IndexKey(IndexOrdersEmulated), id})
	} else {
		dst = append(dst, Cmd{"SREM", l.IndexKey(IndexOrdersEmulated), id})
	}
	return dst
}

// AddPosition is add_position: DEL positions:x, RPUSH positions:x (the
// opening fill), SADD index:positions, SADD index:positions_open.
func (l Layout) AddPosition(p PositionArgs, payload []byte) []Cmd {
	return l.AppendAddPosition(make([]Cmd, 0, 4), p, payload)
}

// AppendAddPosition appends AddPosition's commands to dst.
func (l Layout) AppendAddPosition(dst []Cmd, p PositionArgs, payload []byte) []Cmd {
	key := l.PositionKey(p.PositionID)
	return append(dst,
		Cmd{"DEL", key},
		Cmd{"RPUSH", key, payload},
		Cmd{"SADD", l.IndexKey(IndexPositions), p.PositionID},
		Cmd{"SADD", l.IndexKey(IndexPositionsOpen), p.PositionID})
}

// UpdatePosition is update_position: RPUSHX positions:x, then SADD/SREM
// moving the id between index:positions_open and index:positions_closed.
func (l Layout) UpdatePosition(p PositionArgs, payload []byte) []Cmd {
	return l.AppendUpdatePosition(make([]Cmd, 0, 3), p, payload)
}

// AppendUpdatePosition appends UpdatePosition's commands to dst.
func (l Layout) AppendUpdatePosition(dst []Cmd, p PositionArgs, payload []byte) []Cmd {
	id := p.PositionID
	dst = append(dst, Cmd{"RPUSHX", l.PositionKey(id), payload})
	if p.Closed {
		return append(dst,
			Cmd{"SREM", l.IndexKey(IndexPositionsOpen), id},
			Cmd{"SADD", l.IndexKey(IndexPositionsClosed), id})
	}
	return append(dst,
		Cmd{"SADD", l.IndexKey(IndexPositionsOpen), id},
		Cmd{"SREM", l.IndexKey(IndexPositionsClosed), id})
}

// AddAccount is add_account: RPUSH accounts:x with the first AccountState.
func (l Layout) AddAccount(accountID string, payload []byte) []Cmd {
	return []Cmd{{"RPUSH", l.AccountKey(accountID), payload}}
}

// UpdateAccount is update_account: RPUSHX accounts:x with a later AccountState.
// The list grows forever, as upstream.
func (l Layout) UpdateAccount(accountID string, payload []byte) []Cmd {
	return []Cmd{{"RPUSHX", l.AccountKey(accountID), payload}}
}

// AddInstrument is add_instrument: SET instruments:x.
func (l Layout) AddInstrument(instrumentID string, payload []byte) []Cmd {
	return []Cmd{{"SET", l.InstrumentKey(instrumentID), payload}}
}

// AddCurrency is add_currency: SET currencies:x.
func (l Layout) AddCurrency(code string, payload []byte) []Cmd {
	return []Cmd{{"SET", l.CurrencyKey(code), payload}}
}

// SnapshotPosition is a position snapshot: RPUSH snapshots:positions:x.
func (l Layout) SnapshotPosition(positionID string, payload []byte) []Cmd {
	return []Cmd{{"RPUSH", l.PositionSnapshotKey(positionID), payload}}
}

// Heartbeat is SET health:heartbeat with an ISO-8601 time.
func (l Layout) Heartbeat(iso8601 string) []Cmd {
	return []Cmd{{"SET", l.HeartbeatKey(), iso8601}}
}

// PurgeOrder is the purge of a closed order: DEL orders:x, SREM from the six
// order index sets, HDEL from the two order hashes.
func (l Layout) PurgeOrder(clientOrderID string) []Cmd {
	id := clientOrderID
	return []Cmd{
		{"DEL", l.OrderKey(id)},
		{"SREM", l.IndexKey(IndexOrders), id},
		{"SREM", l.IndexKey(IndexOrdersOpen), id},
		{"SREM", l.IndexKey(IndexOrdersClosed), id},
		{"SREM", l.IndexKey(IndexOrdersEmulated), id},
		{"SREM", l.IndexKey(IndexOrdersInflight), id},
		{"SREM", l.IndexKey(IndexOrderIDs), id},
		{"HDEL", l.IndexKey(IndexOrderPosition), id},
		{"HDEL", l.IndexKey(IndexOrderClient), id},
	}
}

// PurgePosition is the purge of a closed position: DEL positions:x and SREM
// from the three position index sets.
func (l Layout) PurgePosition(positionID string) []Cmd {
	id := positionID
	return []Cmd{
		{"DEL", l.PositionKey(id)},
		{"SREM", l.IndexKey(IndexPositions), id},
		{"SREM", l.IndexKey(IndexPositionsOpen), id},
		{"SREM", l.IndexKey(IndexPositionsClosed), id},
	}
}
