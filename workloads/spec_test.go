package workloads

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/keyspace"
)

func TestReadSpec(t *testing.T) {
	have, err := ReadSpec(strings.NewReader(`
workload: raw
connections: 20
pipeline: 4
duration: 30s
warmup: 2s
rate_schedule: "ramp:1000->20000@30s"
keys: 100000
encodings: [raw]
read_ratio: 0.9
value_size: 1024
params:
  note: hello
`))
	if err != nil {
		t.Fatal(err)
	}
	if have.Connections != 20 || have.Pipeline != 4 || time.Duration(have.Duration) != 30*time.Second ||
		time.Duration(have.Warmup) != 2*time.Second || have.RateSchedule != "ramp:1000->20000@30s" ||
		have.Keys != 100000 || *have.ReadRatio != 0.9 || have.ValueSize != 1024 || have.Params["note"] != "hello" {
		t.Errorf("ReadSpec = %+v", have)
	}
	if err := have.WithDefaults().Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestReadSpecErrors(t *testing.T) {
	tests := []struct{ doc, want string }{
		{"connectons: 5\n", `unknown key "connectons"`},
		{"duration: soon\n", `duration "soon"`},
		{"rate: [1]\n", "cannot unmarshal"},
		{"- a\n", "cannot unmarshal"},
	}
	for _, tt := range tests {
		_, err := ReadSpec(strings.NewReader(tt.doc))
		if err == nil || !errors.Is(err, ErrBadSpec) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadSpec(%q) = %v, want an ErrBadSpec containing %q", tt.doc, err, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	neg := -0.5
	tests := []struct {
		spec Spec
		want string
	}{
		{Spec{Connections: -1}, "connections -1"},
		{Spec{Pipeline: 20000}, "pipeline 20000"},
		{Spec{Rate: 100, RateSchedule: "constant:5"}, "both set"},
		{Spec{ReadRatio: &neg}, "read_ratio -0.5"},
		{Spec{Distribution: "pareto"}, `distribution "pareto"`},
		{Spec{TraderID: "a b"}, `trader_id "a b"`},
		{Spec{OpsMix: "set:1,set:2"}, "appears twice"},
		{Spec{Encodings: []string{"json*"}}, `encoding "json*"`},
	}
	for _, tt := range tests {
		err := tt.spec.WithDefaults().Validate()
		if err == nil || !errors.Is(err, ErrBadSpec) && !errors.Is(err, ErrBadRate) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(%+v) = %v, want an error containing %q", tt.spec, err, tt.want)
		}
	}
	if err := (Spec{}).WithDefaults().Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestParseMix(t *testing.T) {
	have, err := ParseMix("set:1, get:3")
	if err != nil || len(have) != 2 || have[1] != (MixEntry{"get", 3}) {
		t.Errorf("ParseMix = %v, %v", have, err)
	}
	for _, bad := range []string{"", "set", "set:-1", "set:0,get:0", "set:x", ":1"} {
		if _, err := ParseMix(bad); !errors.Is(err, ErrBadSpec) {
			t.Errorf("ParseMix(%q) = %v, want ErrBadSpec", bad, err)
		}
	}
}

func FuzzReadSpec(f *testing.F) {
	f.Add("workload: raw\nconnections: 5\nrate: 100\n")
	f.Add("duration: 1s\nops_mix: set:1,get:2\nread_ratio: 0.3\n")
	f.Add("params: {a: [1, 2]}\n")
	f.Fuzz(func(t *testing.T, doc string) {
		s, err := ReadSpec(strings.NewReader(doc))
		if err != nil {
			if !errors.Is(err, ErrBadSpec) {
				t.Fatalf("error does not wrap ErrBadSpec: %v", err)
			}
			return
		}
		// Whatever parses must validate or fail with a named field, never panic.
		if err := s.WithDefaults().Validate(); err != nil && !errors.Is(err, ErrBadSpec) && !errors.Is(err, ErrBadRate) {
			t.Fatalf("Validate error is not ErrBadSpec/ErrBadRate: %v", err)
		}
	})
}

// TestReadSpecNodeKeys: the node's options are top-level keys under
// upstream's names; what a file leaves out keeps upstream's default.
func TestReadSpecNodeKeys(t *testing.T) {
	have, err := ReadSpec(strings.NewReader(`
workload: order-flow
buffer_interval: 100ms
persist_account_events: false
timestamps_iso8601: true
use_instance_id: true
bulk_read_batch: 50
instrument_info: none
`))
	if err != nil {
		t.Fatal(err)
	}
	want := node.DefaultConfig()
	want.BufferInterval = 100 * time.Millisecond
	want.PersistAccountEvents = false
	want.TimestampsISO8601 = true
	want.UseInstanceID = true
	want.BulkReadBatchSize = 50
	want.InstrumentInfo = node.InfoNone
	if have.Node != want {
		t.Errorf("Node = %+v, want %+v", have.Node, want)
	}
	if l := have.WithDefaults().Layout(); l.InstanceID != keyspace.NewInstanceID(DefaultSeed) || l.Prefix() != "trader-RBENCH-001:"+l.InstanceID {
		t.Errorf("layout %+v: want the seeded instance id after the trader key", l)
	}
	if l := (Spec{}).WithDefaults().Layout(); l.Prefix() != "trader-RBENCH-001" {
		t.Errorf("default prefix %q, want trader-RBENCH-001: no encoding, no instance slot", l.Prefix())
	}
	for _, tt := range []struct{ doc, want string }{
		{"buffer_interval: soon\n", `buffer_interval: line 1: "soon"`},
		{"persist_account_events: maybe\n", "persist_account_events: line 1"},
		{"bulk_read_batch_size: [1]\n", "bulk_read_batch_size: line 1: want a single value"},
	} {
		if _, err := ReadSpec(strings.NewReader(tt.doc)); err == nil || !errors.Is(err, ErrBadSpec) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadSpec(%q) = %v, want an ErrBadSpec containing %q", tt.doc, err, tt.want)
		}
	}
	bad := Spec{Node: node.Config{BufferInterval: time.Second}}.WithDefaults().Validate()
	if bad == nil || !strings.Contains(bad.Error(), "without a flavour") {
		t.Errorf("a Node without a flavour: %v", bad)
	}
	bad = Spec{Node: node.Config{Flavour: node.Python, InstrumentInfo: "full", BufferInterval: -1}}.WithDefaults().Validate()
	if bad == nil || !strings.Contains(bad.Error(), `instrument_info "full"`) || !strings.Contains(bad.Error(), "buffer_interval -1ns") {
		t.Errorf("every bad node option at once: %v", bad)
	}
}
