package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rbench/rbench/plan/capacity"
)

// ErrInput marks a profile file, size or share that cannot be read.
var ErrInput = errors.New("invalid plan input")

// profileFile is the YAML form of a profile: the results file's names.
type profileFile struct {
	Orders              *int64   `yaml:"orders"`
	OrdersPerDay        *int64   `yaml:"orders_per_day"`
	RetentionDays       *float64 `yaml:"retention_days"`
	EventsPerOrder      *float64 `yaml:"events_per_order"`
	Positions           *int64   `yaml:"positions"`
	Instruments         *int64   `yaml:"instruments"`
	Accounts            *int64   `yaml:"accounts"`
	AccountEvents       *int64   `yaml:"account_events"`
	NoAccountEvents     *bool    `yaml:"no_account_events"`
	AccountEventsPurged *bool    `yaml:"account_events_purged"`
	BulkReadBatchSize   *int     `yaml:"bulk_read_batch_size"`
}

// ReadProfile reads a YAML profile:
//
//	orders: 1000000          # or orders_per_day with retention_days
//	events_per_order: 4
//	positions: 200000
//	instruments: 500
//	accounts: 4
//	account_events: 250000   # per account
//	no_account_events: false # persist_account_events=false
//	bulk_read_batch_size: 0
//
// Unknown keys are errors (a typo must not silently project the default).
// Fields left out stay zero: filled from the measured mix (FillProfile).
func ReadProfile(r io.Reader) (capacity.Profile, error) {
	var f profileFile
	b, err := io.ReadAll(r)
	if err != nil {
		return capacity.Profile{}, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return capacity.Profile{}, fmt.Errorf("%w: profile: %w (keys: orders, orders_per_day, retention_days, events_per_order, positions, instruments, accounts, account_events, no_account_events, account_events_purged, bulk_read_batch_size)", ErrInput, err)
	}
	var p capacity.Profile
	set := func(dst *int64, v *int64) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.Orders, f.Orders)
	set(&p.OrdersPerDay, f.OrdersPerDay)
	set(&p.Positions, f.Positions)
	set(&p.Instruments, f.Instruments)
	set(&p.Accounts, f.Accounts)
	set(&p.AccountEvents, f.AccountEvents)
	if f.RetentionDays != nil {
		p.RetentionDays = *f.RetentionDays
	}
	if f.EventsPerOrder != nil {
		p.EventsPerOrder = *f.EventsPerOrder
	}
	if f.NoAccountEvents != nil {
		p.NoAccountEvents = *f.NoAccountEvents
	}
	if f.AccountEventsPurged != nil {
		p.AccountEventsPurged = *f.AccountEventsPurged
	}
	if f.BulkReadBatchSize != nil {
		p.BulkReadBatchSize = *f.BulkReadBatchSize
	}
	p, err = capacity.Normalize(p)
	if err != nil {
		return p, fmt.Errorf("%w: profile: %w", ErrInput, err)
	}
	return p, nil
}

// ParseSize reads a memory size the way redis.conf writes one: a number
// with an optional unit, case-insensitive: b, k/kb, m/mb, g/gb, t/tb
// (powers of 1024, as Redis's kb/mb/gb) or kib/mib/gib/tib. "4gb" is
// 4 x 1024^3 bytes.
func ParseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.TrimSpace(t[i:])
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%w: size %q: want a number of bytes with an optional unit, e.g. 4gb, 512mb, 1073741824", ErrInput, s)
	}
	mult := map[string]float64{"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
		"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("%w: size %q: unknown unit %q; use b, kb, mb, gb or tb", ErrInput, s, unit)
	}
	b := v * mult
	if b > math.MaxInt64/2 {
		return 0, fmt.Errorf("%w: size %q is too large", ErrInput, s)
	}
	return int64(math.Round(b)), nil
}

// ParseShare reads a share as a percentage ("50%") or a fraction ("0.5"),
// above 0 and at most 100%.
func ParseShare(s string) (float64, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(t, "%")), 64)
	if pct {
		v /= 100
	}
	if err != nil || math.IsNaN(v) || v <= 0 || v > 1 {
		return 0, fmt.Errorf("%w: share %q: want a percentage above 0 and at most 100%%, e.g. 50%% or 0.5", ErrInput, s)
	}
	return v, nil
}

// ConfPolicy returns maxmemory-policy and maxmemory from a redis.conf's
// text (the last occurrence wins, as in Redis); empty when absent.
func ConfPolicy(conf []byte) (policy, maxmemory string) {
	for line := range strings.Lines(string(conf)) {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch strings.ToLower(f[0]) {
		case "maxmemory-policy":
			policy = f[1]
		case "maxmemory":
			maxmemory = f[1]
		}
	}
	return policy, maxmemory
}
