package scenario

import (
	"fmt"

	"github.com/rbench/rbench/node/payloads"
)

// sampleOrders bounds the search for a sample; every kind shows up far sooner.
const sampleOrders = 5000

// Sample returns one payload of the given kind (payloads.Kind name, e.g.
// "order-filled") from the scenario of opts, with order and position
// snapshots on: the first one about the first instrument
// (ETHUSDT-PERP.BINANCE, the reference example's) or its account, else the
// first of the kind; for position snapshots, the first closed position. An
// account state is taken once it carries two margins (a busy margin
// account), else the first with one.
func Sample(kind string, opts Options) (any, error) {
	k, err := payloads.KindByName(kind)
	if err != nil {
		return nil, err
	}
	if opts.Orders == 0 {
		opts.Orders = sampleOrders
	}
	opts = opts.withDefaults()
	opts.Node.SnapshotOrders, opts.Node.SnapshotPositions, opts.Node.PersistAccountEvents = true, true, true
	g := New(opts)
	firstInst, firstAcct := g.insts[0].id, g.accounts[0].id
	var fallback any
	for c := range g.All() {
		if payloads.TypeOf(c.Payload) != k.Type {
			continue
		}
		if st, ok := c.Payload.(*payloads.AccountState); ok && len(st.Margins) < 2 {
			if st.AccountID == firstAcct && len(st.Margins) == 1 && fallback == nil {
				fallback = c.Payload
			}
			continue
		}
		if ps, ok := c.Payload.(*payloads.PositionSnapshot); ok {
			if ps.TsClosed != nil {
				return c.Payload, nil
			}
			continue
		}
		inst, acct := about(c.Payload)
		if (inst == "" && acct == "") || inst == firstInst || (inst == "" && acct == firstAcct) {
			return c.Payload, nil
		}
		if fallback == nil {
			fallback = c.Payload
		}
	}
	if fallback != nil {
		return fallback, nil
	}
	return nil, fmt.Errorf("scenario: no %s in the first %d orders of seed %d", k.Name, opts.Orders, opts.Seed)
}

// about returns the instrument and account a payload concerns ("" when none).
func about(v any) (instrument, account string) {
	switch p := v.(type) {
	case *payloads.AccountState:
		return "", p.AccountID
	case *payloads.PositionSnapshot:
		return p.InstrumentID, p.AccountID
	case payloads.OrderEvent:
		return p.OrderIdentity().InstrumentID, ""
	case *payloads.LimitOrderSnapshot:
		return p.InstrumentID, ""
	case *payloads.MarketOrderSnapshot:
		return p.InstrumentID, ""
	}
	return "", ""
}
