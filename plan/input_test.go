package plan_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rbench/rbench/plan"
	"github.com/rbench/rbench/plan/capacity"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"4gb", 4 << 30, false},
		{"4GB", 4 << 30, false},
		{"512mb", 512 << 20, false},
		{"1.5g", 3 << 29, false},
		{"100", 100, false},
		{"2 GiB", 2 << 30, false},
		{"10kb", 10 << 10, false},
		{"", 0, true},
		{"4 parsecs", 0, true},
		{"-1gb", 0, true},
		{"gb", 0, true},
	}
	for _, tt := range tests {
		have, err := plan.ParseSize(tt.in)
		if (err != nil) != tt.err || have != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, error %v", tt.in, have, err, tt.want, tt.err)
		}
		if err != nil && !errors.Is(err, plan.ErrInput) {
			t.Errorf("ParseSize(%q): error %v is not ErrInput", tt.in, err)
		}
	}
}

func TestParseShare(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		err  bool
	}{
		{"50%", 0.5, false},
		{"0.4", 0.4, false},
		{"100%", 1, false},
		{"0", 0, true},
		{"150%", 0, true},
		{"half", 0, true},
	}
	for _, tt := range tests {
		have, err := plan.ParseShare(tt.in)
		if (err != nil) != tt.err || have != tt.want {
			t.Errorf("ParseShare(%q) = %g, %v; want %g, error %v", tt.in, have, err, tt.want, tt.err)
		}
	}
}

func TestReadProfile(t *testing.T) {
	p, err := plan.ReadProfile(strings.NewReader("orders_per_day: 20000\nretention_days: 30\nevents_per_order: 4\nno_account_events: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := capacity.Profile{Orders: 600_000, OrdersPerDay: 20000, RetentionDays: 30, EventsPerOrder: 4, NoAccountEvents: true}
	if p != want {
		t.Errorf("profile %+v, want %+v", p, want)
	}
	for _, bad := range []string{"ordres: 5\n", "orders: -3\n", "orders: many\n"} {
		if _, err := plan.ReadProfile(strings.NewReader(bad)); !errors.Is(err, plan.ErrInput) {
			t.Errorf("ReadProfile(%q): error %v, want ErrInput", bad, err)
		}
	}
}

func TestConfPolicy(t *testing.T) {
	pol, mm := plan.ConfPolicy([]byte("# maxmemory-policy allkeys-lru\nmaxmemory 2gb\nmaxmemory-policy volatile-lru\nmaxmemory-policy noeviction\n"))
	if pol != "noeviction" || mm != "2gb" {
		t.Errorf("ConfPolicy = %q, %q; want noeviction, 2gb (last wins, comments skipped)", pol, mm)
	}
}

func TestFillProfile(t *testing.T) {
	m := plan.Mix{Keys: map[string]int64{"orders": 1000, "positions": 250, "instruments": 12, "accounts": 4}, OrderEvents: 4500, AccountEvents: 1600}
	p := plan.FillProfile(capacity.Profile{Orders: 10_000}, m)
	want := capacity.Profile{Orders: 10_000, EventsPerOrder: 4.5, Positions: 2500, Instruments: 12, Accounts: 4, AccountEvents: 4000}
	if p != want {
		t.Errorf("FillProfile = %+v, want %+v", p, want)
	}
	// Given counts stand; account events stay zero without account events.
	p = plan.FillProfile(capacity.Profile{Orders: 10_000, Positions: 7, NoAccountEvents: true}, m)
	if p.Positions != 7 || p.AccountEvents != 0 {
		t.Errorf("FillProfile overrode given counts: %+v", p)
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"4gb", "1.5g", "100", "", "9999999999999tb", "1e3mb", ".", "5 k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := plan.ParseSize(s)
		if err == nil && n < 0 {
			t.Errorf("ParseSize(%q) = %d", s, n)
		}
	})
}

func FuzzReadProfile(f *testing.F) {
	for _, s := range []string{"orders: 5\n", "orders_per_day: 3\nretention_days: 1.5\n", "- 1\n", "{", "orders: 1e300\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := plan.ReadProfile(strings.NewReader(s))
		if err == nil && (p.Orders < 0 || p.Positions < 0 || p.AccountEvents < 0) {
			t.Errorf("ReadProfile(%q) = %+v", s, p)
		}
	})
}

func ExampleParseSize() {
	n, _ := plan.ParseSize("4gb")
	fmt.Println(n)
	// Output: 4294967296
}
