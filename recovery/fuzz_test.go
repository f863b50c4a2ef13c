package recovery

import (
	"testing"
	"time"

	"github.com/rbench/rbench/results"
)

func FuzzParseLoadTime(f *testing.F) {
	f.Add([]byte("1:M 25 Nov 2026 17:00:00.100 * DB loaded from append only file: 0.121 seconds\n"))
	f.Add([]byte("DB loaded from disk: 12.5 seconds"))
	f.Add([]byte("DB loaded from disk: 1e309 seconds"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, log []byte) {
		d, ok := parseLoadTime(log)
		if ok && d < 0 {
			t.Fatalf("negative load time %v from %q", d, log)
		}
		if !ok && d != 0 {
			t.Fatalf("a failed parse returned %v", d)
		}
	})
}

// FuzzLedger applies arbitrary modelled commands, acknowledged or in doubt,
// and checks the ledger never panics and keeps its counts consistent.
func FuzzLedger(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{7, 7, 0, 3, 200, 1, 9, 9, 4})
	names := []string{"RPUSH", "RPUSHX", "SET", "SADD", "SREM", "HSET", "HDEL", "DEL", "UNLINK"}
	f.Fuzz(func(t *testing.T, ops []byte) {
		l := NewLedger()
		now := time.Unix(1000, 0)
		for i := 0; i+1 < len(ops); i += 2 {
			name := names[int(ops[i])%len(names)]
			key := "k" + string('a'+rune(ops[i+1]%3))
			val := string('x' + rune(ops[i+1]%2))
			cmd := Cmd{name, key, val}
			if name == "HSET" {
				cmd = append(cmd, val)
			}
			if name == "DEL" || name == "UNLINK" {
				cmd = cmd[:2]
			}
			var err error
			if ops[i]&0x80 != 0 {
				err = l.InDoubt(Call{cmd}, now)
			} else {
				err = l.Ack(Call{cmd}, now, nil)
			}
			if err != nil {
				t.Fatalf("%v: %v", cmd, err)
			}
		}
		st := l.Stats()
		if st.Acknowledged+st.InDoubt != int64(len(ops)/2) || st.Keys > 3 {
			t.Fatalf("stats %+v after %d calls", st, len(ops)/2)
		}
	})
}

// FuzzListAlignment aligns arbitrary found lists with arbitrary written ones
// and checks the accounting: every written element is matched, missing
// (middle or tail: one loss each) or substituted (corrupt), and every found
// element is matched, substituted or unexpected.
func FuzzListAlignment(f *testing.F) {
	f.Add([]byte("abcdef"), []byte("abdef"))
	f.Add([]byte("abcdef"), []byte("abXdef"))
	f.Add([]byte("aab"), []byte("ba"))
	f.Add([]byte(""), []byte("x"))
	f.Fuzz(func(t *testing.T, written, found []byte) {
		if len(written) > 200 || len(found) > 200 {
			return
		}
		want := make([]elem, len(written))
		for i, b := range written {
			want[i] = elem{sum: argSum(string(b)), at: int64(i + 1)}
		}
		got := make([]string, len(found))
		for i, b := range found {
			got[i] = string(b)
		}
		v := &verifier{opts: VerifyOptions{Prefix: "p:", MaxExamples: 1}, res: &Verification{}, counts: map[string]*results.RecoveryIntegrity{}}
		c := &results.RecoveryIntegrity{}
		v.list("p:orders:x", "orders", c, want, got)
		matched := int64(len(got)) - c.UnexpectedItems - c.Corrupt
		if matched < 0 || c.MissingMiddle+c.MissingTail+c.Corrupt+matched != int64(len(want)) {
			t.Fatalf("written %q found %q: middle %d tail %d corrupt %d unexpected %d", written, found, c.MissingMiddle, c.MissingTail, c.Corrupt, c.UnexpectedItems)
		}
		if v.res.Lost() != c.MissingMiddle+c.MissingTail {
			t.Fatalf("written %q found %q: %d losses for %d missing", written, found, v.res.Lost(), c.MissingMiddle+c.MissingTail)
		}
		if string(written) == string(found) && matched != int64(len(want)) {
			t.Fatalf("identical lists %q judged damaged: %+v", written, c)
		}
	})
}
