package recovery

import (
	"fmt"
	"strings"

	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/keyspace"
	"github.com/rbench/rbench/node/payloads"
	"github.com/rbench/rbench/node/scenario"
)

// ScenarioSource is a Source that writes what the trading node writes: the
// scenario generator's cache calls (currencies, instruments, accounts, then
// orders through their lifecycle with their positions and account states),
// with the keyspace package's exact commands and payloads encoded by a
// codec. One ScenarioSource is one node's single cache writer; its stream is
// reproducible for a given seed.
type ScenarioSource struct {
	gen    *scenario.Generator
	layout keyspace.Layout
	codec  codecs.Codec
	err    error
}

// NewScenarioSource returns a Source for layout, encoding with codec. opts
// shapes the scenario; its Orders is raised so the stream does not end.
func NewScenarioSource(layout keyspace.Layout, codec codecs.Codec, opts scenario.Options) *ScenarioSource {
	opts.Orders = 1 << 40
	if opts.TraderID == "" {
		opts.TraderID = layout.TraderID
	}
	return &ScenarioSource{gen: scenario.New(opts), layout: layout, codec: codec}
}

// Err is the first encoding error met; calls whose payload failed to encode
// are skipped.
func (s *ScenarioSource) Err() error { return s.err }

func (s *ScenarioSource) next() (Call, scenario.Kind) {
	for {
		c, ok := s.gen.Next()
		if !ok {
			return nil, 0
		}
		var payload []byte
		if c.Payload != nil {
			b, err := s.codec.Encode(c.Payload)
			if err != nil {
				if s.err == nil {
					s.err = fmt.Errorf("encoding %s %s: %w", c.Kind, c.ID, err)
				}
				continue
			}
			payload = b
		}
		cmds := c.Commands(s.layout, payload)
		call := make(Call, len(cmds))
		for i, cmd := range cmds {
			call[i] = Cmd(cmd)
		}
		return call, c.Kind
	}
}

// Populate returns calls until they have written n distinct keys (index
// sets and hashes included).
func (s *ScenarioSource) Populate(n int) []Call {
	var calls []Call
	keys := make(map[string]struct{})
	for len(keys) < n {
		c, _ := s.next()
		if c == nil {
			break
		}
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

// Next returns the next call of the stream.
func (s *ScenarioSource) Next() Call {
	c, _ := s.next()
	return c
}

// PayloadDecoder returns a VerifyOptions.Decode that decodes every payload
// under prefix with codec into the payload type its "type" field names,
// skipping Synthetic keys (random bytes), index, health and general keys
// (no payloads).
func PayloadDecoder(prefix string, codec codecs.Codec) func(key, collection string, payload []byte) error {
	return func(key, collection string, payload []byte) error {
		switch {
		case collection == keyspace.Index, collection == keyspace.Health, collection == keyspace.General,
			IsSynthetic(prefix, key), strings.HasSuffix(key, ":state"):
			// No payloads: id sets, a timestamp, the node's opaque general
			// values, random bytes, a strategy's or actor's own state.
			return nil
		}
		_, err := payloads.Decode(codec, payload)
		return err
	}
}
