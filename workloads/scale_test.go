package workloads

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFleetTraderIDs(t *testing.T) {
	tests := []struct {
		base     string
		n, first int
		want     []string
	}{
		{"RBENCH-001", 1, 0, []string{"RBENCH-001"}},
		{"RBENCH-001", 4, 0, []string{"RBENCH-001", "RBENCH-002", "RBENCH-003", "RBENCH-004"}},
		{"RBENCH-001", 2, 2, []string{"RBENCH-003", "RBENCH-004"}},
		{"RBENCH-001", 1, 1, []string{"RBENCH-002"}},
		{"T-9", 3, 0, []string{"T-9", "T-10", "T-11"}},
		{"TRADER-099", 2, 0, []string{"TRADER-099", "TRADER-100"}},
		{"ALPHA", 1, 0, []string{"ALPHA"}},
		{"ALPHA", 2, 0, []string{"ALPHA-001", "ALPHA-002"}},
		{"ALPHA", 1, 1, []string{"ALPHA-002"}},
		{"007", 2, 0, []string{"007", "008"}},
	}
	for _, tt := range tests {
		if got := FleetTraderIDs(tt.base, tt.n, tt.first); !slices.Equal(got, tt.want) {
			t.Errorf("FleetTraderIDs(%q, %d, %d) = %v, want %v", tt.base, tt.n, tt.first, got, tt.want)
		}
	}
	// A fleet split between generators gets the whole fleet's ids.
	whole := FleetTraderIDs("RBENCH-001", 5, 0)
	var parts []string
	for i := 0; i < 3; i++ {
		lo := int(ShardFirst(5, i, 3))
		parts = append(parts, FleetTraderIDs("RBENCH-001", int(ShardShare(5, i, 3)), lo)...)
	}
	if !slices.Equal(parts, whole) {
		t.Errorf("split fleet %v, whole %v", parts, whole)
	}
}

// TestShardPacerSplitsTheSchedule: the shards' due times together are the
// whole schedule's, each at 1/N of its rate, for a constant rate and a
// step schedule alike, and --ops is dealt the same way.
func TestShardPacerSplitsTheSchedule(t *testing.T) {
	for _, whole := range []Pacer{ConstantPacer{Freq: 1000}, StepPacer{Rates: []float64{100, 1000}, Step: time.Second}} {
		const ops, n = 1001, 3
		var got []time.Duration
		for i := 0; i < n; i++ {
			sp := ShardPacer{P: whole, Index: i, Count: n}
			share := ShardShare(ops, i, n)
			for k := uint64(0); k < uint64(share); k++ {
				d, stop := sp.Pace(0, k)
				if stop {
					t.Fatalf("%s: stopped", sp)
				}
				got = append(got, d)
			}
			if r := sp.Rate(0); r != whole.Rate(0)/n {
				t.Errorf("%s: rate %v, want %v", sp, r, whole.Rate(0)/n)
			}
		}
		var want []time.Duration
		for k := uint64(0); k < ops; k++ {
			d, _ := whole.Pace(0, k)
			want = append(want, d)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the shards' due times are not the whole schedule's", pacerString(whole))
		}
	}
	var sum int64
	for i := 0; i < 7; i++ {
		sum += ShardShare(100, i, 7)
	}
	if sum != 100 || ShardFirst(100, 3, 7) != 15+15+14 {
		t.Errorf("shares of 100 over 7 add up to %d; first of 3 is %d", sum, ShardFirst(100, 3, 7))
	}
}

func TestParseKeyPattern(t *testing.T) {
	for in, want := range map[string]string{"R:R": "RR", "s:g": "SG", "P": "PP", " Z:R ": "ZR"} {
		got, err := parseKeyPattern(in)
		if err != nil || string(got[:]) != want {
			t.Errorf("parseKeyPattern(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "X:R", "RR:R", "R:R:R", ":"} {
		if _, err := parseKeyPattern(bad); err == nil {
			t.Errorf("parseKeyPattern(%q) accepted", bad)
		}
	}
}

func rawKeysFor(t *testing.T, spec Spec) rawKeys {
	t.Helper()
	spec = spec.WithDefaults()
	k, errs := parseRawKeys(&spec)
	if len(errs) > 0 {
		t.Fatal(errors.Join(errs...))
	}
	return k
}

// TestKeyPatterns checks each memtier pattern's keys: S walks in order, P
// gives each worker its own slice, G stays in range around the median, Z
// and R stay in range, and a shard only ever picks its own keys.
func TestKeyPatterns(t *testing.T) {
	spec := Spec{Keys: 100, Params: map[string]any{ParamKeyPattern: "S:P", ParamKeyMinimum: "1000"}}
	k := rawKeysFor(t, spec)
	rng := rand.New(rand.NewPCG(1, 2))
	p := newKeyPicker(&k, rng, 0, 1)
	for i := int64(0); i < 250; i++ {
		if r := p.pick(0); r != i%100 {
			t.Fatalf("S: pick %d = %d, want %d", i, r, i%100)
		}
	}
	if k.number(0) != 1000 || k.number(99) != 1099 || k.width != 6 {
		t.Errorf("key numbers %d..%d width %d, want 1000..1099 width 6", k.number(0), k.number(99), k.width)
	}
	// P: 4 workers, disjoint slices covering every key.
	seen := map[int64]int{}
	for w := 0; w < 4; w++ {
		p := newKeyPicker(&k, rng, w, 4)
		for i := 0; i < 25; i++ {
			r := p.pick(1)
			if prev, ok := seen[r]; ok && prev != w {
				t.Fatalf("P: key %d picked by workers %d and %d", r, prev, w)
			}
			seen[r] = w
		}
	}
	if len(seen) != 100 {
		t.Errorf("P: 4 workers x 25 picks reached %d keys, want all 100", len(seen))
	}
	// G around the median, within range.
	g := rawKeysFor(t, Spec{Keys: 1000, Params: map[string]any{ParamKeyPattern: "G:G", ParamKeyMedian: "200", ParamKeyStddev: "10"}})
	pg := newKeyPicker(&g, rng, 0, 1)
	var sum float64
	for i := 0; i < 2000; i++ {
		r := pg.pick(0)
		if r < 0 || r >= 1000 {
			t.Fatalf("G: key %d out of range", r)
		}
		sum += float64(r)
	}
	if mean := sum / 2000; mean < 190 || mean > 210 {
		t.Errorf("G: mean key %.1f, want about 200", mean)
	}
	// A shard owns every n-th key and picks only those.
	for _, pat := range []string{"R:R", "G:G", "S:S", "P:P", "Z:Z"} {
		sh := rawKeysFor(t, Spec{Keys: 10, Shard: Shard{Index: 1, Count: 3}, Params: map[string]any{ParamKeyPattern: pat}})
		if sh.owned != 3 {
			t.Fatalf("shard 2/3 of 10 keys owns %d, want 3 (1, 4, 7)", sh.owned)
		}
		ps := newKeyPicker(&sh, rng, 0, 2)
		for i := 0; i < 100; i++ {
			n := sh.number(ps.pick(i % 2))
			if n%3 != 1 || n > 9 {
				t.Fatalf("%s: shard 2/3 picked key %d", pat, n)
			}
		}
	}
}

func TestValueSizeRange(t *testing.T) {
	k := rawKeysFor(t, Spec{Keys: 1000, ValueSize: 10, Params: map[string]any{ParamValueSizeMax: "20"}})
	sizes := map[int]bool{}
	for n := int64(0); n < 1000; n++ {
		s := k.size(n)
		if s < 10 || s > 20 || s != k.size(n) {
			t.Fatalf("size(%d) = %d: want 10..20, the same every time", n, s)
		}
		sizes[s] = true
	}
	if len(sizes) != 11 {
		t.Errorf("1000 keys got %d distinct sizes, want all 11 of 10..20", len(sizes))
	}
	var errs []error
	spec := Spec{Keys: 5, ValueSize: 10, Params: map[string]any{ParamValueSizeMax: "9", ParamKeyPattern: "Q", ParamKeyMinimum: "-1"}}.WithDefaults()
	_, errs = parseRawKeys(&spec)
	if len(errs) != 3 {
		t.Errorf("three bad params gave %v", errs)
	}
}

func TestCheckStartAt(t *testing.T) {
	now := time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{time.Time{}, ""},
		{now.Add(time.Minute), ""},
		{now.Add(-time.Second), "in the past"},
		{now, "in the past"},
		{now.Add(25 * time.Hour), "more than 24h"},
	} {
		err := CheckStartAt(tt.at, now)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("CheckStartAt(%v) = %v, want %q", tt.at, err, tt.want)
		}
	}
}

func TestLinePrefixer(t *testing.T) {
	var b strings.Builder
	lp := &linePrefixer{w: &b, mu: new(sync.Mutex), prefix: "node A: "}
	_, _ = lp.Write([]byte("one\ntw"))
	_, _ = lp.Write([]byte("o\n"))
	if b.String() != "node A: one\nnode A: two\n" {
		t.Errorf("%q", b.String())
	}
}

// FuzzParseKeyPattern: a pattern is two of memtier's letters or an error.
func FuzzParseKeyPattern(f *testing.F) {
	for _, s := range []string{"R:R", "S:G", "p", "Z:z", "X", "R:R:R", ":", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseKeyPattern(s)
		if err != nil {
			return
		}
		for _, c := range p {
			if !strings.ContainsRune("RGSPZ", rune(c)) {
				t.Fatalf("%q gave %q", s, p)
			}
		}
	})
}

// TestKeyPickDoesNotAllocate: choosing keys stays off the allocator under
// every pattern, as the hot loop requires.
func TestKeyPickDoesNotAllocate(t *testing.T) {
	for _, pat := range []string{"R:R", "G:S", "P:Z"} {
		k := rawKeysFor(t, Spec{Keys: 1000, Shard: Shard{Index: 1, Count: 2}, Params: map[string]any{ParamKeyPattern: pat, ParamValueSizeMax: "512"}})
		p := newKeyPicker(&k, rand.New(rand.NewPCG(1, 1)), 1, 4)
		var sink int64
		allocs := testing.AllocsPerRun(1000, func() {
			sink += k.number(p.pick(0)) + k.number(p.pick(1)) + int64(k.size(sink))
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per pick", pat, allocs)
		}
	}
}
