package workloads

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/rbench/rbench/node"
	"github.com/rbench/rbench/node/keyspace"
)

// Defaults of Spec fields.
const (
	DefaultConnections = 50
	DefaultPipeline    = 1
	DefaultDuration    = 10 * time.Second
	DefaultKeys        = 10_000
	DefaultValueSize   = 256
	DefaultReadRatio   = 0.5
	DefaultTraderID    = "RBENCH-001"
	DefaultTargetP99   = time.Millisecond
	DefaultSeed        = 1
)

// Duration is a time.Duration written as a Go duration string ("10s") in
// workload files and results.
type Duration time.Duration

// UnmarshalYAML accepts "10s", "1m30s" or "500ms".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: duration %q: want a Go duration such as 10s or 500ms", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Spec is a workload specification: the flags of `rbench run` and the
// fields of a workload file, which mirror them (flags override the file).
// Zero values mean the documented default.
type Spec struct {
	// Workload is the registered workload name (raw, populate, ...).
	// default: raw
	Workload string `yaml:"workload"`
	// Connections is the number of workers, each with one connection.
	// default: 50
	Connections int `yaml:"connections"`
	// Pipeline is the number of operations each worker sends per round trip.
	// default: 1
	Pipeline int `yaml:"pipeline"`
	// Duration of the measured phase; ignored when Ops is set.
	// default: 10s
	Duration Duration `yaml:"duration"`
	// Ops, when positive, runs exactly this many measured operations.
	// default: 0 (use Duration)
	Ops int64 `yaml:"ops"`
	// Warmup runs the workload for this long before measuring; nothing of
	// it is recorded.
	// default: 0 (only the connection pool is warmed)
	Warmup Duration `yaml:"warmup"`
	// Rate is the open-loop target in operations per second.
	// default: 0 (closed loop: as fast as the workers go)
	Rate float64 `yaml:"rate"`
	// RateSchedule is a step or ramp schedule, see ParsePacer.
	// default: "" (constant Rate)
	RateSchedule string `yaml:"rate_schedule"`
	// Drain makes an open-loop run that fell behind work off its backlog
	// after Duration, sending every operation its schedule made due (the
	// run then lasts as long as that takes). By default a paced run stops
	// sending at the end of Duration and counts what was due but unsent as
	// dropped.
	// default: false
	Drain bool `yaml:"drain"`
	// Seed makes generated keys and values reproducible.
	// default: 1
	Seed int64 `yaml:"seed"`
	// Keys is the keyspace size.
	// default: 10000
	Keys int64 `yaml:"keys"`
	// Encodings are run one after the other, each on a clean keyspace under
	// its own prefix. Payload-free workloads (raw) use "raw".
	// default: the workload's first encoding (msgpack), or raw
	Encodings []string `yaml:"encodings"`
	// ReadRatio is the share of reads in mixed and raw workloads, 0 to 1.
	// default: 0.5 (nil means default)
	ReadRatio *float64 `yaml:"read_ratio"`
	// OpsMix weighs op kinds by name, e.g. "set:1,get:3"; it overrides
	// ReadRatio.
	// default: ""
	OpsMix string `yaml:"ops_mix"`
	// ValueSize is the raw workload's value size in bytes.
	// default: 256
	ValueSize int `yaml:"value_size"`
	// Node is the node configuration the trading workloads model
	// (CacheConfig and exec-engine options: buffer_interval,
	// persist_account_events, use_instance_id, ...). In a workload file its
	// fields are top-level keys (see nodeKeys). A zero Node means
	// node.DefaultConfig(); to change one option, start from
	// node.DefaultConfig() (a Node with fields set but no Flavour is
	// refused, as it would silently lose upstream's other defaults).
	// default: node.DefaultConfig()
	Node node.Config `yaml:"-"`
	// Distribution of key choice: uniform or zipfian.
	// default: uniform
	Distribution string `yaml:"distribution"`
	// TraderID goes into the key prefix trader-{TraderID} (see Layout).
	// default: RBENCH-001
	TraderID string `yaml:"trader_id"`
	// TargetP99 is the PASS/FAIL threshold of the final table.
	// default: 1ms
	TargetP99 Duration `yaml:"target_p99"`
	// Params holds workload-specific settings (documented per workload).
	// default: none
	Params map[string]any `yaml:"params"`
	// Threads is the GOMAXPROCS the caller ran with (rbench run --threads),
	// recorded in the results' workload params; the engine does not set it.
	// default: 0, every core
	Threads int `yaml:"-"`
	// Shard, with Count above 1, makes this run one generator's part of a
	// payload-free spec split over Count rbench processes (rbench run
	// --shard): the schedule's every Count-th operation (ShardPacer), the
	// keys i, i+Count, ... (raw), worker streams numbered from FirstWorker.
	// The caller gives it its share of Connections and Ops. Trading
	// workloads split by node instead (Options.Fleet).
	// default: zero (the whole spec)
	Shard Shard `yaml:"-"`
}

// Shard is one generator's part of a spec split over several.
type Shard struct {
	// Index is this generator's, from 0; Count the generators.
	Index, Count int
	// FirstWorker numbers this generator's first worker among the whole
	// spec's, so its workers draw the whole spec's random streams.
	FirstWorker int
}

// MaxShards bounds --shard's count.
const MaxShards = 1000

// WithDefaults returns a copy of s with defaults filled in.
func (s Spec) WithDefaults() Spec {
	if s.Workload == "" {
		s.Workload = "raw"
	}
	if s.Connections == 0 {
		s.Connections = DefaultConnections
	}
	if s.Pipeline == 0 {
		s.Pipeline = DefaultPipeline
	}
	if s.Duration == 0 && s.Ops == 0 {
		s.Duration = Duration(DefaultDuration)
	}
	if s.Seed == 0 {
		s.Seed = DefaultSeed
	}
	if s.Keys == 0 {
		s.Keys = DefaultKeys
	}
	if s.ReadRatio == nil {
		r := DefaultReadRatio
		s.ReadRatio = &r
	}
	if s.ValueSize == 0 {
		s.ValueSize = DefaultValueSize
	}
	if s.Distribution == "" {
		s.Distribution = "uniform"
	}
	if s.TraderID == "" {
		s.TraderID = DefaultTraderID
	}
	if s.TargetP99 == 0 {
		s.TargetP99 = Duration(DefaultTargetP99)
	}
	if s.Node == (node.Config{}) {
		s.Node = node.DefaultConfig()
	}
	return s
}

// Layout is the key layout of the run: trader-{TraderID}, plus the node's
// instance id with use_instance_id (Node.InstanceID, or one derived from
// Seed so that repeated runs write the same keys). Every encoding pass
// writes under it, one after another. Call it after WithDefaults.
func (s Spec) Layout() keyspace.Layout { return keyspace.LayoutFor(s.TraderID, s.Node, s.Seed) }

// encodingRe bounds an encoding's name, which goes into file names.
var encodingRe = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// Validate checks a spec after WithDefaults; each error names the field, the
// value and the fix, and wraps ErrBadSpec.
func (s Spec) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBadSpec}, a...)...)
	}
	var errs []error
	if s.Connections < 1 || s.Connections > 10000 {
		errs = append(errs, bad("connections %d: want 1 to 10000", s.Connections))
	}
	if s.Pipeline < 1 || s.Pipeline > 10000 {
		errs = append(errs, bad("pipeline %d: want 1 to 10000", s.Pipeline))
	}
	if s.Duration < 0 {
		errs = append(errs, bad("duration %s: want a positive duration", time.Duration(s.Duration)))
	}
	if s.Ops < 0 {
		errs = append(errs, bad("ops %d: want a positive count, or 0 to run for --duration", s.Ops))
	}
	if s.Warmup < 0 {
		errs = append(errs, bad("warmup %s: want 0 or a positive duration", time.Duration(s.Warmup)))
	}
	if _, err := ParsePacer(s.Rate, s.RateSchedule); err != nil {
		errs = append(errs, err)
	}
	if s.Keys < 1 || s.Keys > 1_000_000_000 {
		errs = append(errs, bad("keys %d: want 1 to 1e9", s.Keys))
	}
	if r := *s.ReadRatio; !(r >= 0 && r <= 1) {
		errs = append(errs, bad("read_ratio %v: want a number from 0 to 1", r))
	}
	if s.ValueSize < 0 || s.ValueSize > 512<<20 {
		errs = append(errs, bad("value_size %d: want 0 to 536870912 bytes", s.ValueSize))
	}
	if s.Distribution != "uniform" && s.Distribution != "zipfian" {
		errs = append(errs, bad("distribution %q: want uniform or zipfian", s.Distribution))
	}
	if !keyspace.ValidTraderID(s.TraderID) {
		errs = append(errs, bad("trader_id %q: want 1-%d letters, digits, '_', '.' or '-'", s.TraderID, keyspace.MaxTraderIDLen))
	}
	for _, e := range s.Encodings {
		if !encodingRe.MatchString(e) {
			errs = append(errs, bad("encoding %q: want a name such as msgpack, json or raw", e))
		}
	}
	if s.OpsMix != "" {
		if _, err := ParseMix(s.OpsMix); err != nil {
			errs = append(errs, err)
		}
	}
	if sh := s.Shard; sh != (Shard{}) && (sh.Count < 1 || sh.Count > MaxShards || sh.Index < 0 || sh.Index >= sh.Count || sh.FirstWorker < 0) {
		errs = append(errs, bad("shard %d of %d: want a shard from 1 to the count, at most %d", sh.Index+1, sh.Count, MaxShards))
	}
	if s.TargetP99 <= 0 {
		errs = append(errs, bad("target_p99 %s: want a positive duration such as 1ms", time.Duration(s.TargetP99)))
	}
	if s.Node.Flavour == "" {
		// Zero means the default only as a whole: a Config with some
		// fields set and no flavour lost upstream's other defaults
		// (persist_account_events true, instrument_info venue).
		errs = append(errs, bad("node options %+v without a flavour: start from node.DefaultConfig() and change what differs", s.Node))
	} else if err := s.Node.Validate(); err != nil {
		for _, e := range unjoin(err) {
			errs = append(errs, bad("%s", e.Error()))
		}
	}
	return errors.Join(errs...)
}

// unjoin splits an errors.Join error into its parts.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// Pacer returns the spec's pacer; nil means closed loop.
func (s Spec) Pacer() (Pacer, error) {
	p, err := ParsePacer(s.Rate, s.RateSchedule)
	if p != nil && s.Shard.Count > 1 {
		p = ShardPacer{P: p, Index: s.Shard.Index, Count: s.Shard.Count}
	}
	return p, err
}

// MixEntry is one weighted op kind of an ops mix.
type MixEntry struct {
	Name   string
	Weight float64
}

// ParseMix parses "set:1,get:3" into weighted names. Weights are
// non-negative numbers, at least one positive; names are unique.
func ParseMix(s string) ([]MixEntry, error) {
	bad := func(why string) error {
		return fmt.Errorf("%w: ops_mix %q: %s (example: set:1,get:3)", ErrBadSpec, s, why)
	}
	var out []MixEntry
	var total float64
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || name == "" {
			return nil, bad(fmt.Sprintf("entry %q is not name:weight", part))
		}
		var weight float64
		if _, err := fmt.Sscanf(w, "%g", &weight); err != nil || !(weight >= 0 && weight <= 1e9) || strings.TrimSpace(w) != w {
			return nil, bad(fmt.Sprintf("weight %q: want a number from 0 to 1e9", w))
		}
		if seen[name] {
			return nil, bad(fmt.Sprintf("%q appears twice", name))
		}
		seen[name] = true
		total += weight
		out = append(out, MixEntry{Name: name, Weight: weight})
	}
	if total <= 0 {
		return nil, bad("no positive weight")
	}
	return out, nil
}

// maxSpecFile bounds workload files: they are a screen of YAML, not data.
const maxSpecFile = 1 << 20

// ReadSpec reads a workload file. Unknown keys are errors naming the key.
func ReadSpec(r io.Reader) (Spec, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSpecFile+1))
	if err != nil {
		return Spec{}, fmt.Errorf("reading workload file: %w", err)
	}
	if len(data) > maxSpecFile {
		return Spec{}, fmt.Errorf("%w: workload file larger than 1 MiB", ErrBadSpec)
	}
	var s Spec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return Spec{}, nil // an empty file sets nothing
		}
		return Spec{}, fmt.Errorf("%w: workload file: %s", ErrBadSpec, friendlyYAML(err))
	}
	return s, nil
}

var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

// friendlyYAML rewrites yaml.v3's "field x not found in type workloads.Spec"
// to name the key and the fix.
func friendlyYAML(err error) string {
	return unknownField.ReplaceAllString(err.Error(), "unknown key \"$1\" (keys are the long flag names with '_' for '-', e.g. rate_schedule)")
}
