package keyspace

// The Rust LiveNode's Redis commands per cache call, read from
// NautilusTrader 1.231.0 (commit a95c8042b0): the cache
// (crates/common/src/cache/mod.rs) calls the database adapter
// (crates/infrastructure/src/redis/cache.rs), whose every
// insert/update/delete is one message of the writer's queue. Where the Rust
// node sends what the Python node sends (update_position, accounts,
// instruments, currencies, snapshots, index_order_position) the Python
// builders serve both; only the three calls below differ, and purges,
// which a Rust node never sends to Redis (see RustPurges).
//
// The reference page (trading-cache-model.md, "Rust LiveNode differences")
// lists add_order and add_position without the HSET of
// index:order_position that comes first; upstream sends it: Cache.add_order
// and Cache.add_position call add_position_id, which calls the database's
// index_order_position, before the database call (mod.rs:4172-4179,
// 4346-4351, 4231-4245; cache.rs:1851-1863).

// RustAddOrder is the Rust Cache.add_order: when a position id is passed,
// HSET index:order_position (add_position_id, mod.rs:4172-4179), then the
// adapter's add_order (cache.rs:1619-1649): one replace_list message,
// MULTI DEL RPUSH orders:{coid} EXEC unbuffered (cache.rs:983-1005); SADD
// index:orders; SADD index:orders_emulated when the order has an emulation
// trigger; HSET index:order_client when a client id is passed. The Python
// node's second HSET of index:order_position is not sent.
func (l Layout) RustAddOrder(o OrderArgs, payload []byte) Seq {
	return l.AppendRustAddOrder(Seq{}, o, payload)
}

// AppendRustAddOrder appends RustAddOrder's steps to s.
func (l Layout) AppendRustAddOrder(s Seq, o OrderArgs, payload []byte) Seq {
	id := o.ClientOrderID
	key := l.OrderKey(id)
	if o.PositionID != "" {
		s = s.queue(Cmd{"HSET", l.IndexKey(IndexOrderPosition), id, o.PositionID})
	}
	s = s.queue(Cmd{"DEL", key}, Cmd{"RPUSH", key, payload})
	s = s.queue(Cmd{"SADD", l.IndexKey(IndexOrders), id})
	if o.Emulated {
		s = s.queue(Cmd{"SADD", l.IndexKey(IndexOrdersEmulated), id})
	}
	if o.ClientID != "" {
		s = s.queue(Cmd{"HSET", l.IndexKey(IndexOrderClient), id, o.ClientID})
	}
	return s
}

// RustUpdateOrder is the Rust Cache.update_order (mod.rs:4521-4626): one
// UpdateOrder message (cache.rs:1890-1902), which the writer, whatever its
// buffer, handles on the spot (cache.rs:816-829): it sends what it has
// queued, then update_order_event_log (cache.rs:882-928): LRANGE
// orders:{coid} 0 -1 (the whole list, a plain read), MULTI RPUSHX EXEC,
// decodes every event of the list and the new one, rebuilds the order, and
// sends its indexes as one MULTI/EXEC (update_order_indexes,
// cache.rs:1092-1170): SADD index:orders; SADD index:order_ids once the
// order has a venue order id; SADD index:orders_inflight when in flight
// (never while emulated, orders/mod.rs:482-493), else SREM; when open SREM
// index:orders_closed and SADD index:orders_open, when closed the reverse;
// SADD index:orders_emulated while the order has an emulation trigger and
// is not closed, else SREM. A read and two transactions per event. An
// empty LRANGE reply (no list) ends the call there: the node logs a warning
// and sends nothing more (cache.rs:891-894).
func (l Layout) RustUpdateOrder(o OrderArgs, payload []byte) Seq {
	return l.AppendRustUpdateOrder(Seq{}, o, payload)
}

// AppendRustUpdateOrder appends RustUpdateOrder's steps to s.
func (l Layout) AppendRustUpdateOrder(s Seq, o OrderArgs, payload []byte) Seq {
	id := o.ClientOrderID
	key := l.OrderKey(id)
	s = s.read(Cmd{"LRANGE", key, 0, -1})
	s = s.tx(Cmd{"RPUSHX", key, payload})
	n := len(s.Cmds)
	s.Cmds = append(s.Cmds, Cmd{"SADD", l.IndexKey(IndexOrders), id})
	if o.HasVenueOrderID {
		s.Cmds = append(s.Cmds, Cmd{"SADD", l.IndexKey(IndexOrderIDs), id})
	}
	if !o.Emulated && o.Status.InFlight() {
		s.Cmds = append(s.Cmds, Cmd{"SADD", l.IndexKey(IndexOrdersInflight), id})
	} else {
		s.Cmds = append(s.Cmds, Cmd{"SREM", l.IndexKey(IndexOrdersInflight), id})
	}
	switch {
	case o.Open():
		s.Cmds = append(s.Cmds,
			Cmd{"SREM", l.IndexKey(IndexOrdersClosed), id},
			Cmd{"SADD", l.IndexKey(IndexOrdersOpen), id})
	case o.Status.Closed():
		s.Cmds = append(s.Cmds,
			Cmd{"SREM", l.IndexKey(IndexOrdersOpen), id},
			Cmd{"SADD", l.IndexKey(IndexOrdersClosed), id})
	}
	if o.Emulated && !o.Status.Closed() {
		s.Cmds = append(s.Cmds, Cmd{"SADD", l.IndexKey(IndexOrdersEmulated), id})
	} else {
		s.Cmds = append(s.Cmds, Cmd{"SREM", l.IndexKey(IndexOrdersEmulated), id})
	}
	s.Steps = append(s.Steps, Step{Kind: Tx, N: len(s.Cmds) - n, Decode: true})
	return s
}

// RustAddPosition is the Rust Cache.add_position (mod.rs:4337-4385):
// HSET index:order_position {opening coid} {pid} (add_position_id,
// mod.rs:4346-4351), then the adapter's add_position (cache.rs:1660-1683):
// one replace_list message, MULTI DEL RPUSH positions:{pid} EXEC
// unbuffered; SADD index:positions; SADD index:positions_open; SREM
// index:positions_closed (a netting id that reopens).
func (l Layout) RustAddPosition(p PositionArgs, payload []byte) Seq {
	return l.AppendRustAddPosition(Seq{}, p, payload)
}

// AppendRustAddPosition appends RustAddPosition's steps to s.
func (l Layout) AppendRustAddPosition(s Seq, p PositionArgs, payload []byte) Seq {
	key := l.PositionKey(p.PositionID)
	s = s.queue(Cmd{"HSET", l.IndexKey(IndexOrderPosition), p.OpeningOrderID, p.PositionID})
	s = s.queue(Cmd{"DEL", key}, Cmd{"RPUSH", key, payload})
	s = s.queue(Cmd{"SADD", l.IndexKey(IndexPositions), p.PositionID})
	s = s.queue(Cmd{"SADD", l.IndexKey(IndexPositionsOpen), p.PositionID})
	return s.queue(Cmd{"SREM", l.IndexKey(IndexPositionsClosed), p.PositionID})
}

// RustPurges is false: the Rust node's purges of closed orders and
// positions (Cache.purge_order and purge_position, mod.rs:3141-3370) clear
// its memory only; nothing reads purge_from_database
// (crates/execution/src/engine/config.rs:96 is its only use), so the
// adapter's delete_order and delete_position (cache.rs:1749-1836) are never
// called and the keys stay in Redis.
const RustPurges = false
