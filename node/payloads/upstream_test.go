package payloads_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rbench/rbench/node/codecs"
	"github.com/rbench/rbench/node/payloads"
)

// The goldens are what upstream's to_dict plus msgspec write for the
// examples' values, made by testdata/upstream_goldens.py from its own model
// of upstream (Python dicts, Debian's python3-msgpack, Python's json), never
// from rbench's output. -update runs that script; it does not write them
// from Go.

const goldenScript = "testdata/upstream_goldens.py"

func runGoldenScript(t *testing.T) {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		py = "python3"
	}
	cmd := exec.Command(py, goldenScript)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s(it needs python3-msgpack: apt-get install -y python3-msgpack)", goldenScript, err, out)
	}
}

// readGoldens reads testdata/<stem>.<enc>.golden (upstream: the Python
// node's payloads, upstream_rust: the Rust node's): "<name> <payload>" per
// line, msgpack as hex.
func readGoldens(t *testing.T, stem, enc string) map[string][]byte {
	t.Helper()
	path := filepath.Join("testdata", stem+"."+enc+".golden")
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (make it with %s)", err, goldenScript)
	}
	defer f.Close()
	out := map[string][]byte{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		name, payload, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			t.Fatalf("%s: bad line %q", path, sc.Text())
		}
		b := []byte(payload)
		if enc == codecs.MsgPack {
			if b, err = hex.DecodeString(payload); err != nil {
				t.Fatalf("%s: %s: %v", path, name, err)
			}
		}
		out[name] = b
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

type golden struct {
	name string
	ex   payloads.Example
	want map[string][]byte // by codec name
}

func upstreamGoldens(t *testing.T) []golden {
	t.Helper()
	if *update {
		runGoldenScript(t)
	}
	files := map[string]map[string][]byte{}
	for _, c := range codecs.Names() {
		files[c] = readGoldens(t, "upstream", c)
	}
	var out []golden
	seen := map[string]bool{}
	for _, iso := range []bool{false, true} {
		for _, e := range payloads.Examples(iso) {
			name := e.Name
			if iso {
				name += "+iso"
			}
			g := golden{name: name, ex: e, want: map[string][]byte{}}
			for c, m := range files {
				b, ok := m[name]
				if !ok {
					t.Errorf("%s has no golden in upstream.%s.golden: add it to %s", name, c, goldenScript)
					continue
				}
				g.want[c] = b
			}
			seen[name] = true
			out = append(out, g)
		}
	}
	for c, m := range files {
		for name := range m {
			if !seen[name] {
				t.Errorf("upstream.%s.golden has %s, which payloads.Examples lacks", c, name)
			}
		}
	}
	return out
}

// TestUpstreamGoldens: every example encodes byte for byte as upstream
// writes it, under both codecs and both timestamp modes.
func TestUpstreamGoldens(t *testing.T) {
	kinds := map[string]bool{}
	for _, g := range upstreamGoldens(t) {
		kinds[g.ex.Kind] = true
		for _, c := range allCodecs(t) {
			want, ok := g.want[c.Name()]
			if !ok {
				continue
			}
			got, err := c.Encode(g.ex.Value)
			if err != nil {
				t.Errorf("%s %s: %v", g.name, c.Name(), err)
				continue
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s %s differs from upstream:\n%s", g.name, c.Name(), diffBytes(c.Name(), got, want))
			}
		}
	}
	for _, k := range payloads.Kinds {
		if !kinds[k.Name] {
			t.Errorf("no golden for %s", k.Name)
		}
	}
}

// TestUpstreamGoldensDecode: upstream's bytes decode to the example's value
// (through the kind Sniff finds) and encode back to the same bytes.
func TestUpstreamGoldensDecode(t *testing.T) {
	for _, g := range upstreamGoldens(t) {
		for _, c := range allCodecs(t) {
			want, ok := g.want[c.Name()]
			if !ok {
				continue
			}
			v, err := payloads.Decode(c, want)
			if err != nil {
				t.Errorf("%s %s: decode: %v", g.name, c.Name(), err)
				continue
			}
			if !reflect.DeepEqual(v, g.ex.Value) {
				t.Errorf("%s %s: decoded\n %+v\nwant %+v", g.name, c.Name(), v, g.ex.Value)
			}
			if back, err := c.Encode(v); err != nil || !bytes.Equal(back, want) {
				t.Errorf("%s %s: re-encoded %v:\n%s", g.name, c.Name(), err, diffBytes(c.Name(), back, want))
			}
		}
	}
}

// diffBytes shows where got first differs from want.
func diffBytes(enc string, got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(i-24, 0)
	show := func(b []byte) string {
		hi := min(i+24, len(b))
		if lo > len(b) {
			return ""
		}
		if enc == codecs.MsgPack {
			return hex.EncodeToString(b[lo:hi])
		}
		return fmt.Sprintf("%q", b[lo:hi])
	}
	return fmt.Sprintf("  first difference at byte %d of %d (want %d)\n  got  ...%s\n  want ...%s", i, len(got), len(want), show(got), show(want))
}
