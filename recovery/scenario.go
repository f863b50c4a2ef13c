package recovery

import (
	"fmt"
	"strings"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/node/scenario"
)

// ScenarioSource is a Source that writes what the trading node writes: the
// scenario generator's cache calls (currencies, instruments, accounts, then
// orders through their lifecycle with their positions and account states),
// with the keyspace package's exact commands and payloads encoded by a
// codec, as the node of the scenario's node.Config sends them (the Python
// TradingNode's one message per command, or the Rust LiveNode's sequences
// and serde payloads: scenario.Call.AppendSeq, EncodePayload). One
// ScenarioSource is one node's single cache writer; its stream is
// reproducible for a given seed.
type ScenarioSource struct {
	gen    *scenario.Generator
	layout keyspace.Layout
	codec  codecs.Codec
	node   node.Config
	seed   int64
	seq    keyspace.Seq
	err    error
}

// NewScenarioSource returns a Source for layout, encoding with codec. opts
// shapes the scenario (opts.Node the node modelled); its Orders is raised
// so the stream does not end.
func NewScenarioSource(layout keyspace.Layout, codec codecs.Codec, opts scenario.Options) *ScenarioSource {
	opts.Orders = 1 << 40
	if opts.TraderID == "" {
		opts.TraderID = layout.TraderID
	}
	cfg := opts.Node
	if cfg.Flavour == "" {
		cfg = node.DefaultConfig()
	}
	cfg, _ = cfg.Effective()
	return &ScenarioSource{gen: scenario.New(opts), layout: layout, codec: codec, node: cfg, seed: opts.Seed}
}

// Err is the first encoding error met; calls whose payload failed to encode
// are skipped.
func (s *ScenarioSource) Err() error { return s.err }

// next leaves the next call's commands and steps in s.seq (valid until the
// next call) and returns its kind; false at the end of the stream.
func (s *ScenarioSource) next() (scenario.Kind, bool) {
	for {
		c, ok := s.gen.Next()
		if !ok {
			return 0, false
		}
		if err := c.ApplyInstrumentInfo(s.node, s.seed); err != nil {
			if s.err == nil {
				s.err = err
			}
			continue
		}
		payload, err := c.EncodePayload(s.codec, s.node.Flavour)
		if err != nil {
			if s.err == nil {
				s.err = fmt.Errorf("encoding %s %s: %w", c.Kind, c.ID, err)
			}
			continue
		}
		s.seq = c.AppendSeq(s.seq.Reset(), s.layout, s.node.Flavour, payload)
		if s.seq.Len() == 0 {
			continue // a call this node sends nothing for (the Rust node's purges)
		}
		return c.Kind, true
	}
}

// writes is s.seq's commands without its plain reads (the Rust
// update_order's LRANGE), each command as it is written.
func (s *ScenarioSource) writes() Call {
	call := make(Call, 0, s.seq.Len())
	i := 0
	for _, st := range s.seq.Steps {
		if st.Kind != keyspace.Read {
			for _, cmd := range s.seq.Cmds[i : i+st.N] {
				call = append(call, Cmd(cmd))
			}
		}
		i += st.N
	}
	return call
}

// Populate returns calls until they have written n distinct keys (index
// sets and hashes included).
func (s *ScenarioSource) Populate(n int) []Call {
	var calls []Call
	keys := make(map[string]struct{})
	for len(keys) < n {
		if _, ok := s.next(); !ok {
			break
		}
		c := s.writes()
		calls = append(calls, c)
		for _, cmd := range c {
			switch strings.ToUpper(cmd[0].(string)) {
			case "DEL", "UNLINK", "SREM", "HDEL", "RPUSHX":
			default:
				keys[argString(cmd[1])] = struct{}{}
			}
		}
	}
	return calls
}

// Next returns the next call of the stream: its writes, in order (a Rust
// update_order's read of its list left out).
func (s *ScenarioSource) Next() Call {
	if _, ok := s.next(); !ok {
		return nil
	}
	return s.writes()
}

// NextSteps returns the next call as the node's writer sends it: every
// command, the Rust update_order's read included, and the steps that
// group them (keyspace.Step). The Writer sends it with WriteSteps.
func (s *ScenarioSource) NextSteps() (Call, []keyspace.Step) {
	if _, ok := s.next(); !ok {
		return nil, nil
	}
	call := make(Call, len(s.seq.Cmds))
	for i, cmd := range s.seq.Cmds {
		call[i] = Cmd(cmd)
	}
	return call, append([]keyspace.Step(nil), s.seq.Steps...)
}

// PayloadDecoder returns a VerifyOptions.Decode that decodes every payload
// under prefix with codec as a node of flavour f wrote it (payloads.Decode,
// or payloads.DecodeRust for the Rust LiveNode's serde payloads),
// skipping Synthetic keys (random bytes), index, health and general keys
// (no payloads).
func PayloadDecoder(prefix string, codec codecs.Codec, f node.Flavour) func(key, collection string, payload []byte) error {
	return func(key, collection string, payload []byte) error {
		switch {
		case collection == keyspace.Index, collection == keyspace.Health, collection == keyspace.General,
			IsSynthetic(prefix, key), strings.HasSuffix(key, ":state"):
			// No payloads: id sets, a timestamp, the node's opaque general
			// values, random bytes, a strategy's or actor's own state.
			return nil
		}
		if f == node.Rust {
			_, err := payloads.DecodeRust(codec, payload)
			return err
		}
		_, err := payloads.Decode(codec, payload)
		return err
	}
}
