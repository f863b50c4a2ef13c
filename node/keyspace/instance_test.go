package keyspace

import (
	"regexp"
	"testing"
)

func TestNewInstanceIDIsASeededUUID4(t *testing.T) {
	uuid4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b, c := NewInstanceID(1), NewInstanceID(1), NewInstanceID(2)
	if !uuid4.MatchString(a) || len(a) != 36 {
		t.Fatalf("NewInstanceID(1) = %q, not a UUID4", a)
	}
	if a != b || a == c {
		t.Fatalf("seeded ids: %q %q %q; want the same for one seed and different for another", a, b, c)
	}
}
