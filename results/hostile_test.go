package results

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/rbench/rbench/internal/input"
)

// craftHDR encodes an empty V2 compressed histogram whose header declares
// the given geometry, as a hostile file would, without allocating it.
func craftHDR(digits int32, lowest, highest int64) string {
	var hdr bytes.Buffer
	binary.Write(&hdr, binary.BigEndian, []int32{hdrhistogram.V2EncodingCookieBase | 0x10, 0, 0, digits})
	binary.Write(&hdr, binary.BigEndian, []int64{lowest, highest})
	binary.Write(&hdr, binary.BigEndian, float64(1))
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(hdr.Bytes())
	w.Close()
	var out bytes.Buffer
	binary.Write(&out, binary.BigEndian, []int32{hdrhistogram.V2CompressedEncodingCookieBase | 0x10, int32(z.Len())})
	out.Write(z.Bytes())
	return base64.StdEncoding.EncodeToString(out.Bytes())
}

func TestDecodeHDRRefusesForeignGeometry(t *testing.T) {
	for _, tc := range []struct {
		name            string
		digits          int32
		lowest, highest int64
	}{
		{"1..2^63 at 5 digits", 5, 1, math.MaxInt64},
		{"wider range", 3, 1, 7_200_000_000},
		{"4 digits", 4, 1, HistMaxUs},
		{"1 digit", 1, 1, HistMaxUs},
		{"lowest 1000", 3, 1000, HistMaxUs},
	} {
		_, err := DecodeHDR(craftHDR(tc.digits, tc.lowest, tc.highest))
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), fmt.Sprintf("%d..%d at %d significant digits", tc.lowest, tc.highest, tc.digits)) {
			t.Errorf("%s: %v, want ErrCorrupt naming the declared geometry", tc.name, err)
		}
	}
	for _, digits := range []int32{2, 3} {
		for _, highest := range []int64{HistMaxUs, CodecMaxNs, SendLateMaxNs, 60_000_000} {
			if _, err := DecodeHDR(craftHDR(digits, HistMinUs, highest)); err != nil {
				t.Errorf("rbench's own geometry 1..%d at %d digits: %v", highest, digits, err)
			}
		}
	}
}

func TestDecodeHDRRefusesValuesBeyondTheRange(t *testing.T) {
	// The counts array reaches past HistMaxUs to the end of its last
	// bucket, so 65 minutes fit in it though the header says an hour (and
	// 67 s in the 60 s of older files).
	h := NewHistogram()
	if err := h.RecordValue(65 * 60_000_000); err != nil {
		t.Fatal(err)
	}
	s, _ := EncodeHDR(h)
	if _, err := DecodeHDR(s); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "beyond the 3600000000") {
		t.Errorf("a value of 65 minutes: %v, want ErrCorrupt", err)
	}
	legacy := hdrhistogram.New(1, 60_000_000, 3)
	if err := legacy.RecordValue(67_000_000); err != nil {
		t.Fatal(err)
	}
	s, _ = EncodeHDR(legacy)
	if _, err := DecodeHDR(s); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "beyond the 60000000") {
		t.Errorf("a value of 67 s in a 60 s histogram: %v, want ErrCorrupt", err)
	}
	ok := NewHistogram()
	ok.RecordValue(HistMaxUs)
	s, _ = EncodeHDR(ok)
	if _, err := DecodeHDR(s); err != nil {
		t.Errorf("a value of exactly HistMaxUs: %v", err)
	}
}

// writeRun writes run (or raw JSON) into a temp file and returns its path.
func writeRun(t *testing.T, doc string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "run.json")
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func encoded(t *testing.T, r *Run) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestLoadFailsAtTheFirstForeignHistogram(t *testing.T) {
	// The shape that kept report busy for 100 s: thousands of histograms
	// declaring 1..2^63 at 5 digits.
	run := sampleRun(t)
	bad := craftHDR(5, 1, math.MaxInt64)
	run.Ops[0].Series = nil
	for i := range 5400 {
		run.Ops[0].Series = append(run.Ops[0].Series, Second{T: i, Count: 1, HDR: bad})
	}
	_, err := Load(context.Background(), writeRun(t, encoded(t, run)))
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "series second 0") {
		t.Errorf("Load = %v, want ErrCorrupt at series second 0", err)
	}
}

func TestLoadChecksCodecHistograms(t *testing.T) {
	run := sampleRun(t)
	run.Ops[0].EncodeHist = "not base64!"
	_, err := Load(context.Background(), writeRun(t, encoded(t, run)))
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "encode_hdr") {
		t.Errorf("corrupt encode_hdr: %v", err)
	}
	run = sampleRun(t)
	run.Ops[1].DecodeHist = craftHDR(5, 1, math.MaxInt64)
	_, err = Load(context.Background(), writeRun(t, encoded(t, run)))
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "decode_hdr") {
		t.Errorf("foreign decode_hdr: %v", err)
	}
}

func TestLoadRefusesBadFigures(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Run)
		wants []string
	}{
		{"negative count", func(r *Run) { r.Ops[0].Count = -5 }, []string{"ops[0] (add_order/msgpack) count is -5"}},
		{"negative errors", func(r *Run) { r.Ops[1].Errors = -1; r.Errors.Timeout = -3 },
			[]string{"ops[1] (get_instrument/msgpack) errors is -1", "errors timeout is -3"}},
		{"ops_per_sec 1e308", func(r *Run) { r.Ops[0].Rate = 1e308 }, []string{"ops_per_sec is 1e+308"}},
		{"negative latency", func(r *Run) { r.Ops[0].Response.P99 = -1 }, []string{"response.p99_us is -1"}},
		{"read ratio 2", func(r *Run) { r.Meta.Workload.ReadRatio = 2 }, []string{"meta.workload read_ratio is 2"}},
		{"negative series count", func(r *Run) { r.Ops[0].Series[0].Count = -7 }, []string{"series[0] (t=0) count is -7"}},
		{"negative recovery loss", func(r *Run) { r.Recovery = &Recovery{Lost: -2} }, []string{"recovery lost is -2"}},
		{"errors summing past 64 bits", func(r *Run) {
			r.Errors = ErrorCounts{Timeout: math.MaxInt64, Connection: math.MaxInt64, Server: math.MaxInt64, Decode: math.MaxInt64, Other: math.MaxInt64}
		}, []string{"errors is a total beyond 64 bits"}},
	}
	for _, tt := range tests {
		run := sampleRun(t)
		tt.edit(run)
		path := writeRun(t, encoded(t, run))
		_, err := Load(context.Background(), path)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", tt.name, err)
			continue
		}
		for _, w := range append(tt.wants, path) {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want it to say %q", tt.name, err, w)
			}
		}
	}
}

func TestMergeRefusesOverflow(t *testing.T) {
	a, b := sampleRun(t), sampleRun(t)
	a.Ops[0].Count, b.Ops[0].Count = math.MaxInt64, math.MaxInt64
	_, err := Merge(a, b)
	if !errors.Is(err, ErrOverflow) || !errors.Is(err, ErrMerge) || !strings.Contains(err.Error(), "add_order/msgpack count") {
		t.Errorf("count MaxInt64 twice: %v, want ErrOverflow naming the op and field", err)
	}
	a, b = sampleRun(t), sampleRun(t)
	a.Errors, b.Errors = ErrorCounts{Server: math.MaxInt64 - 1}, ErrorCounts{Server: 5}
	if _, err := Merge(a, b); !errors.Is(err, ErrOverflow) || !strings.Contains(err.Error(), "errors.server") {
		t.Errorf("errors past MaxInt64: %v", err)
	}
	a, b = sampleRun(t), sampleRun(t)
	a.Ops[0].Rate, b.Ops[0].Rate = 6e11, 6e11
	if _, err := Merge(a, b); !errors.Is(err, ErrOverflow) || !strings.Contains(err.Error(), "ops_per_sec") {
		t.Errorf("rates summing past the bound: %v", err)
	}
	a, b = sampleRun(t), sampleRun(t)
	a.Ops[0].Rate = 1e308
	if _, err := Merge(a, b); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "run 1") {
		t.Errorf("a run with ops_per_sec 1e308: %v, want it refused as corrupt, naming the run", err)
	}
	if _, err := Merge(sampleRun(t), sampleRun(t)); err != nil {
		t.Errorf("two ordinary runs: %v", err)
	}
}

func TestLoadBoundsBeforeReading(t *testing.T) {
	// A sparse file larger than the bound is refused by its size alone.
	p := filepath.Join(t.TempDir(), "huge.json")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(MaxFileSize + 1)
	f.Close()
	if _, err := Load(context.Background(), p); !errors.Is(err, input.ErrTooLarge) || !errors.Is(err, ErrForeign) {
		t.Errorf("a file past MaxFileSize: %v, want ErrTooLarge and ErrForeign", err)
	}
	// A device fails at its first byte.
	if _, err := Load(context.Background(), "/dev/zero"); !errors.Is(err, ErrForeign) || !strings.Contains(err.Error(), `starts with "\x00`) {
		t.Errorf("/dev/zero: %v, want ErrForeign at the first byte", err)
	}
	// Whitespace before the object is fine.
	if _, err := Load(context.Background(), writeRun(t, "\n\t  "+encoded(t, sampleRun(t)))); err != nil {
		t.Errorf("leading whitespace: %v", err)
	}
}

func TestLoadStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, writeRun(t, encoded(t, sampleRun(t)))); !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a cancelled context: %v, want context.Canceled", err)
	}
	if _, err := DecodeContext(ctx, strings.NewReader(encoded(t, sampleRun(t)))); !errors.Is(err, context.Canceled) {
		t.Errorf("DecodeContext with a cancelled context: %v, want context.Canceled", err)
	}
}

func TestWriteRunDirMarksIncompleteFolders(t *testing.T) {
	base := t.TempDir()
	complete := filepath.Join(base, "complete")
	if _, err := WriteRunDir(complete, sampleRun(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(complete, IncompleteMarker)); !os.IsNotExist(err) {
		t.Errorf("a folder written whole keeps %s (%v)", IncompleteMarker, err)
	}

	partial := filepath.Join(base, "partial")
	run := sampleRun(t)
	run.Incomplete = []string{"interrupted after 2s"}
	if _, err := WriteRunDir(partial, run); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(partial, IncompleteMarker)); err != nil || !strings.Contains(string(b), "interrupted after 2s") {
		t.Errorf("an incomplete run's folder: marker %q, %v", b, err)
	}

	// A write that fails part-way (here: a directory where an .hgrm file
	// goes) leaves the marker.
	broken := filepath.Join(base, "broken")
	run = sampleRun(t)
	os.MkdirAll(filepath.Join(broken, HGRMName(run.Ops[0], "service")), 0o755)
	os.WriteFile(filepath.Join(broken, HGRMName(run.Ops[0], "service"), "x"), nil, 0o644)
	if _, err := WriteRunDir(broken, run); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
	if _, err := os.Stat(filepath.Join(broken, IncompleteMarker)); err != nil {
		t.Errorf("a folder whose writing failed is not marked: %v", err)
	}
}

// FuzzMerge merges a decoded document with a copy whose first op carries
// the fuzzed count, errors and rate: no panic, and a merge that succeeds is
// valid, encodes (no +Inf) and reads back. Inputs stay small (a compact
// one-op run) so the fuzzer spends its time mutating, not minimizing.
func FuzzMerge(f *testing.F) {
	h := NewHistogram()
	h.RecordValue(100)
	op, err := OpFromHistograms("set", ClassWrite, "raw", h, nil, time.Second)
	if err != nil {
		f.Fatal(err)
	}
	op.Series = []Second{{T: 0, Count: 1, HDR: op.ServiceHDR}}
	small := NewRun(Meta{RunID: "s"})
	small.Ops = []Op{op}
	seed, _ := json.Marshal(small)
	f.Add(seed, int64(1), int64(0), 1.0)
	f.Add(seed, int64(math.MaxInt64), int64(math.MaxInt64), 9e11)
	f.Add(seed, int64(-1), int64(0), 1e308)
	f.Add([]byte(`{"format":"rbench-results","schema_version":1}`), int64(0), int64(0), 0.0)
	f.Fuzz(func(t *testing.T, x []byte, count, errs int64, rate float64) {
		rx, err := Decode(bytes.NewReader(x))
		if err != nil {
			return
		}
		var ry Run
		b, _ := json.Marshal(rx)
		json.Unmarshal(b, &ry)
		if len(ry.Ops) > 0 {
			ry.Ops[0].Count, ry.Ops[0].Errors, ry.Ops[0].Rate = count, errs, rate
		}
		m, err := Merge(rx, &ry)
		if err != nil {
			if !errors.Is(err, ErrMerge) && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("merge error %v is neither ErrMerge nor ErrCorrupt", err)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("merged run is invalid: %v", err)
		}
		var out bytes.Buffer
		if err := m.Encode(&out); err != nil {
			t.Fatalf("merged run does not encode: %v", err)
		}
		if _, err := Decode(&out); err != nil {
			t.Fatalf("merged run does not read back: %v", err)
		}
	})
}
