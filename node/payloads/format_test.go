package payloads

import (
	"errors"
	"testing"
)

func TestFormatFixed(t *testing.T) {
	tests := []struct {
		units int64
		prec  int
		want  string
	}{
		{254025, 2, "2540.25"},
		{500, 3, "0.500"},
		{1, 8, "0.00000001"},
		{0, 2, "0.00"},
		{-5, 3, "-0.005"},
		{-254025, 2, "-2540.25"},
		{1000, 0, "1000"},
		{25402500, 8, "0.25402500"},
	}
	for _, tt := range tests {
		if got := FormatFixed(tt.units, tt.prec); got != tt.want {
			t.Errorf("FormatFixed(%d, %d) = %q, want %q", tt.units, tt.prec, got, tt.want)
		}
		u, p, err := ParseFixed(tt.want)
		if err != nil || u != tt.units || p != max(tt.prec, 0) {
			t.Errorf("ParseFixed(%q) = %d, %d, %v", tt.want, u, p, err)
		}
	}
}

func TestParseFixedRejects(t *testing.T) {
	for _, s := range []string{"", ".", "1.", ".5", "-", "1e5", "+1", "1.-5", "abc", "1 2", "--1"} {
		if _, _, err := ParseFixed(s); !errors.Is(err, ErrFormat) {
			t.Errorf("ParseFixed(%q) err = %v, want ErrFormat", s, err)
		}
	}
}

func TestMoney(t *testing.T) {
	if got := FormatMoney(25402500, 8, "USDT"); got != "0.25402500 USDT" {
		t.Errorf("FormatMoney = %q", got)
	}
	u, p, cur, err := ParseMoney("10000.00000000 USDT")
	if err != nil || u != 1000000000000 || p != 8 || cur != "USDT" {
		t.Errorf("ParseMoney = %d %d %q %v", u, p, cur, err)
	}
	for _, s := range []string{"10.00", "10.00 ", "x USD", "1 US D"} {
		if _, _, _, err := ParseMoney(s); !errors.Is(err, ErrFormat) {
			t.Errorf("ParseMoney(%q) err = %v", s, err)
		}
	}
}

func TestTimestamp(t *testing.T) {
	const ns = 1705311012123456789
	tests := []struct {
		iso  bool
		want string
	}{
		{false, "1705311012123456789"},
		{true, "2024-01-15T09:30:12.123456789Z"},
	}
	for _, tt := range tests {
		s := FormatTimestamp(ns, tt.iso)
		if s != tt.want {
			t.Errorf("FormatTimestamp(iso=%v) = %q, want %q", tt.iso, s, tt.want)
		}
		back, err := ParseTimestamp(s)
		if err != nil || back != ns {
			t.Errorf("ParseTimestamp(%q) = %d, %v", s, back, err)
		}
	}
	// pandas' Timestamp.isoformat (serializer.pyx:99): nine digits when the
	// sub-microsecond part is not zero, six when only it is, none for a
	// whole second (pandas tests/scalar/timestamp/test_formats.py).
	for ns, want := range map[int64]string{
		1705311012000000000: "2024-01-15T09:30:12Z",
		1705311012123456000: "2024-01-15T09:30:12.123456Z",
		1705311012000000123: "2024-01-15T09:30:12.000000123Z",
		1705311012100000000: "2024-01-15T09:30:12.100000Z",
		1705311012000001000: "2024-01-15T09:30:12.000001Z",
	} {
		s := FormatTimestamp(ns, true)
		if s != want {
			t.Errorf("FormatTimestamp(%d, iso) = %q, want %q", ns, s, want)
		}
		if back, err := ParseTimestamp(s); err != nil || back != ns {
			t.Errorf("ParseTimestamp(%q) = %d, %v", s, back, err)
		}
	}
	for _, s := range []string{"", "12a", "2024-01-15T09:30:12"} {
		if _, err := ParseTimestamp(s); !errors.Is(err, ErrFormat) {
			t.Errorf("ParseTimestamp(%q) err = %v", s, err)
		}
	}
}

func FuzzParseFixed(f *testing.F) {
	for _, s := range []string{"2540.25", "0.500", "-1.0", "1000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, p, err := ParseFixed(s)
		if err != nil {
			return
		}
		// Whatever parses formats back to a value that parses the same.
		u2, p2, err := ParseFixed(FormatFixed(u, p))
		if err != nil || u2 != u || p2 != p {
			t.Fatalf("%q -> %d,%d -> %d,%d,%v", s, u, p, u2, p2, err)
		}
	})
}

func FuzzParseTimestamp(f *testing.F) {
	f.Add("1705311012123456789")
	f.Add("2024-01-15T09:30:12.123456789Z")
	f.Fuzz(func(t *testing.T, s string) {
		ns, err := ParseTimestamp(s)
		if err != nil || ns < 0 || ns > 1<<62 {
			return
		}
		for _, iso := range []bool{false, true} {
			if back, err := ParseTimestamp(FormatTimestamp(ns, iso)); err != nil || back != ns {
				t.Fatalf("%q -> %d -> iso=%v %d %v", s, ns, iso, back, err)
			}
		}
	})
}

func FuzzParseMoney(f *testing.F) {
	f.Add("0.25402500 USDT")
	f.Fuzz(func(t *testing.T, s string) {
		u, p, cur, err := ParseMoney(s)
		if err != nil {
			return
		}
		if u2, p2, cur2, err := ParseMoney(FormatMoney(u, p, cur)); err != nil || u2 != u || p2 != p || cur2 != cur {
			t.Fatalf("%q round trip: %d %d %q %v", s, u2, p2, cur2, err)
		}
	})
}
