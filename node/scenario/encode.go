package scenario

import (
	"fmt"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/payloads"
)

// The one encoding of a scenario call's payload, shared by every engine
// that writes the node's calls (workloads, recovery, plan), so that the
// three write the same bytes for the same node.

// ApplyInstrumentInfo sets an AddInstrument call's info as cfg says
// (node.Config.InstrumentInfo: the venue's record seeded by seed, as
// exchange adapters store it, or null); other calls are left alone. It is
// apart from EncodePayload so that an engine timing the encoding times the
// codec alone.
func (c *Call) ApplyInstrumentInfo(cfg node.Config, seed int64) error {
	if c.Kind != AddInstrument {
		return nil
	}
	mode := payloads.InstrumentInfoVenue
	if cfg.InstrumentInfo == node.InfoNone {
		mode = payloads.InstrumentInfoNone
	}
	if err := payloads.ApplyInstrumentInfo(c.Payload, mode, seed); err != nil {
		return fmt.Errorf("instrument %s: %w", c.ID, err)
	}
	return nil
}

// EncodePayload encodes c's payload as a node of flavour f stores it, nil
// for calls without one (purges, index writes): the Python node's payload
// as it is, the Rust LiveNode's in its serde form (payloads.ToRust; a
// position list holds bare fills, payloads.ToRustFill).
func (c *Call) EncodePayload(codec codecs.Codec, f node.Flavour) ([]byte, error) {
	if c.Payload == nil {
		return nil, nil
	}
	if f != node.Rust {
		return codec.Encode(c.Payload)
	}
	var v any
	var err error
	if fill, ok := c.Payload.(*payloads.OrderFilled); ok && (c.Kind == AddPosition || c.Kind == UpdatePosition) {
		v, err = payloads.ToRustFill(fill)
	} else {
		v, err = payloads.ToRust(c.Payload, c.ID)
	}
	if err != nil {
		return nil, err
	}
	return codec.Encode(v)
}
