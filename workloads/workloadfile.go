package workloads

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// UnmarshalYAML reads a workload file's mapping into s (ReadSpec calls it)
// with two additions for the trading workloads:
//
//   - ops (or ops_mix) may be a mapping of op kinds to weights,
//     ops: {add_order: 3, update_order: 10, read_order: 5, get_instrument: 2},
//     which becomes OpsMix; ops as a number is still the operation count;
//   - the trading parameters purge, purge_interval, purge_buffer, style, bulk_read_batch and
//     startup_concurrency may stand at the top level; they go into Params.
//
// Any other key must be a Spec field: an unknown key is an error naming it.
func (s *Spec) UnmarshalYAML(n *yaml.Node) error {
	type plain Spec // without this method
	if n.Kind != yaml.MappingNode {
		// yaml.v3's own "cannot unmarshal" error names what was found.
		var p plain
		err := n.Decode(&p)
		*s = Spec(p)
		return err
	}
	known := specKeys()
	rest := &yaml.Node{Kind: yaml.MappingNode, Tag: n.Tag, Line: n.Line, Column: n.Column}
	var mix string
	params := map[string]any{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		switch {
		case (name == "ops" || name == "ops_mix") && v.Kind == yaml.MappingNode:
			m, err := mixFromYAML(name, v)
			if err != nil {
				return err
			}
			mix = m
		case isTradingParam(name):
			var val any
			if err := v.Decode(&val); err != nil {
				return fmt.Errorf("line %d: %s: %w", v.Line, name, err)
			}
			params[strings.ReplaceAll(name, "-", "_")] = val
		case known[name]:
			rest.Content = append(rest.Content, k, v)
		default:
			// Worded like yaml.v3's own error so ReadSpec names the key.
			return fmt.Errorf("line %d: field %s not found in type workloads.Spec", k.Line, name)
		}
	}
	var p plain
	if err := rest.Decode(&p); err != nil {
		return err
	}
	*s = Spec(p)
	if mix != "" {
		s.OpsMix = mix
	}
	if len(params) > 0 {
		if s.Params == nil {
			s.Params = map[string]any{}
		}
		for k, v := range params {
			s.Params[k] = v
		}
	}
	return nil
}

func isTradingParam(name string) bool {
	switch strings.ReplaceAll(name, "-", "_") {
	case ParamPurge, ParamPurgeInterval, ParamPurgeBuffer, ParamStyle, ParamBulkReadBatch, ParamStartupConcurrency:
		return true
	}
	return false
}

// specKeys are the yaml names of Spec's fields.
func specKeys() map[string]bool {
	t := reflect.TypeOf(Spec{})
	keys := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}

// mixFromYAML turns {add_order: 3, read_order: 5} into "add_order:3,read_order:5"
// in file order.
func mixFromYAML(key string, v *yaml.Node) (string, error) {
	var parts []string
	var total float64
	seen := map[string]bool{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, w := v.Content[i], v.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "" || strings.ContainsAny(k.Value, ":, \t") || seen[k.Value] {
			return "", fmt.Errorf("line %d: %s: %q is not an op kind name such as add_order (or appears twice)", k.Line, key, k.Value)
		}
		seen[k.Value] = true
		f, err := strconv.ParseFloat(w.Value, 64)
		if w.Kind != yaml.ScalarNode || err != nil || !(f >= 0 && f <= 1e9) {
			return "", fmt.Errorf("line %d: %s: weight of %s %q: want a number from 0 to 1e9", w.Line, key, k.Value, w.Value)
		}
		total += f
		parts = append(parts, k.Value+":"+strconv.FormatFloat(f, 'g', -1, 64))
	}
	if total <= 0 {
		return "", fmt.Errorf("line %d: %s: an empty mix; give op kinds positive weights, e.g. {add_order: 3, read_order: 5}", v.Line, key)
	}
	return strings.Join(parts, ","), nil
}
