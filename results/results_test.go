package results

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// histOf records the given microsecond values.
func histOf(t testing.TB, values ...int64) *hdrhistogram.Histogram {
	t.Helper()
	h := NewHistogram()
	for _, v := range values {
		if err := h.RecordValue(v); err != nil {
			t.Fatalf("record %d: %v", v, err)
		}
	}
	return h
}

// sampleRun builds a run with two ops whose histograms hold known values.
func sampleRun(t testing.TB) *Run {
	t.Helper()
	start := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)
	run := NewRun(Meta{RunID: "r1", Name: "order-flow", Start: start, End: start.Add(10 * time.Second), MeasuredSec: 10,
		Host: Host{OS: "linux", Arch: "amd64", CPUModel: "test", Cores: 2}, Workload: Workload{Name: "order-flow", Seed: 7}})
	var vals []int64
	for i := int64(1); i <= 1000; i++ {
		vals = append(vals, 100+i)
	}
	svc := histOf(t, vals...)
	resp := histOf(t, append(vals, 50_000)...)
	op, err := OpFromHistograms("add_order", ClassWrite, "msgpack", svc, resp, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	op.Errors, op.BytesSent = 2, 12345
	op.Series = []Second{{T: 0, Count: 1000, P50: 600, P99: 1090, Max: 1101, HDR: op.ServiceHDR}}
	get, err := OpFromHistograms("get_instrument", ClassRead, "msgpack", histOf(t, 200, 300, 400), nil, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	run.Ops = []Op{op, get}
	run.Pacing = []Pacing{{Encoding: "msgpack", Mode: "open", TargetRate: 100, AchievedRate: 99.5, Late: 3}}
	run.Errors = ErrorCounts{Timeout: 2}
	return run
}

func TestSummarize(t *testing.T) {
	h := histOf(t, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	got := Summarize(h)
	want := Latency{Min: 1, Mean: 5.5, P50: 5, P90: 9, P99: 10, P999: 10, P9999: 10, Max: 10, Count: 10}
	if got != want {
		t.Fatalf("Summarize = %+v, want %+v", got, want)
	}
	if got := Summarize(NewHistogram()); got != (Latency{}) {
		t.Fatalf("empty: %+v", got)
	}
	if got := Summarize(nil); got != (Latency{}) {
		t.Fatalf("nil: %+v", got)
	}
}

func TestHDRRoundTrip(t *testing.T) {
	h := histOf(t, 1, 17, 999, 1000, 1001, 123456, 59_000_000)
	s, err := EncodeHDR(h)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeHDR(s)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Equals(h) {
		t.Fatal("decoded histogram differs")
	}
}

func TestDecodeHDRErrors(t *testing.T) {
	for name, in := range map[string]string{
		"empty":        "",
		"not base64":   "!!!",
		"short":        "AAAA",
		"wrong cookie": "SGVsbG8sIHdvcmxkIQ==",
	} {
		if _, err := DecodeHDR(in); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want ErrCorrupt", name, err)
		}
	}
}

func TestOpFromHistograms(t *testing.T) {
	svc := histOf(t, 100, 200, 300, 400)
	op, err := OpFromHistograms("set", ClassWrite, "raw", svc, nil, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if op.Count != 4 || op.Rate != 2 || op.Service != op.Response || op.ServiceHDR != op.ResponseHDR || op.Service.Max < 400 {
		t.Fatalf("op = %+v", op)
	}
	if _, err := OpFromHistograms("set", ClassWrite, "raw", nil, nil, time.Second); err == nil {
		t.Fatal("nil service histogram accepted")
	}
}

func TestRoundTrip(t *testing.T) {
	run := sampleRun(t)
	path := filepath.Join(t.TempDir(), "sub", "dir", "run.json")
	if err := run.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(run, back) {
		t.Fatalf("round trip differs:\nhave %+v\nwant %+v", back, run)
	}
	// No temporary files left behind.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("dir holds %d entries, want only run.json", len(entries))
	}
}

func TestDecodeRejects(t *testing.T) {
	good := new(bytes.Buffer)
	if err := sampleRun(t).Encode(good); err != nil {
		t.Fatal(err)
	}
	corruptHDR := strings.Replace(good.String(), `"service_hdr": "HISTFAA`, `"service_hdr": "HISTFAA!`, 1)
	if corruptHDR == good.String() {
		// The encoding starts with the base64 of the V2 cookie; make sure we hit it.
		t.Fatal("test setup: no service_hdr to corrupt")
	}
	tests := []struct {
		name string
		in   string
		want error
		msg  string
	}{
		{"foreign json", `{"metrics": {"http_reqs": 1}}`, ErrForeign, `"format" is missing`},
		{"k6 summary", `{"format":"k6","schema_version":1}`, ErrForeign, `"format" is "k6"`},
		{"not json", "Value Percentile\n1.0 0.5", ErrForeign, "not a JSON object"},
		{"array", `[1,2]`, ErrForeign, "not a JSON object"},
		{"newer schema", `{"format":"rbench-results","schema_version":99}`, ErrSchemaVersion, "upgrade rbench"},
		{"no schema", `{"format":"rbench-results"}`, ErrCorrupt, "schema_version"},
		{"truncated", good.String()[:good.Len()/2], ErrCorrupt, "truncated"},
		{"empty", "", ErrCorrupt, "empty"},
		{"corrupt histogram", corruptHDR, ErrCorrupt, "op add_order (msgpack) service_hdr"},
		{"wrong type", `{"format":"rbench-results","schema_version":1,"ops":"x"}`, ErrCorrupt, "ops"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.json")
			if err := os.WriteFile(path, []byte(tt.in), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadFile(path)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %q should name the file and say %q", err, tt.msg)
			}
		})
	}
}

func TestWriteHGRM(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHGRM(&buf, histOf(t, 1000, 2000, 3000)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"Value", "Percentile", "TotalCount", "1/(1-Percentile)", "#[Mean    =        2.000", "Total count    =            3"} {
		if !strings.Contains(out, want) {
			t.Errorf("hgrm lacks %q:\n%s", want, out)
		}
	}
	// Values are printed in milliseconds: 3000 us is 3.001 ms (the top of
	// its 3-digit bucket, as HdrHistogram prints it).
	if !strings.Contains(out, "       3.001     1.000000") {
		t.Errorf("hgrm should list 3.001 ms at percentile 1:\n%s", out)
	}
}

func TestRunDir(t *testing.T) {
	base := t.TempDir()
	at := time.Date(2026, 11, 25, 17, 4, 5, 0, time.UTC)
	d1, err := NewRunDir(base, "order-flow", at)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(base, "run-20261125-170405-order-flow"); d1 != want {
		t.Fatalf("dir = %s, want %s", d1, want)
	}
	d2, err := NewRunDir(base, "order-flow", at)
	if err != nil || d2 == d1 {
		t.Fatalf("second dir = %s, %v; want a new one", d2, err)
	}
	jsonPath, err := WriteRunDir(d1, sampleRun(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(jsonPath); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"add_order-msgpack-response.hgrm", "add_order-msgpack-service.hgrm", "get_instrument-msgpack-service.hgrm"} {
		b, err := os.ReadFile(filepath.Join(d1, f))
		if err != nil || !bytes.Contains(b, []byte("#[Mean")) {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestHostInfo(t *testing.T) {
	h := HostInfo()
	if h.Cores < 1 || h.OS == "" || h.Arch == "" || h.CPUModel == "" {
		t.Fatalf("HostInfo = %+v", h)
	}
	p := filepath.Join(t.TempDir(), "cpuinfo")
	os.WriteFile(p, []byte("processor\t: 0\nmodel name\t: Test CPU @ 3GHz\nprocessor\t: 1\nmodel name\t: Test CPU @ 3GHz\n"), 0o644)
	if got := cpuModel(p); got != "Test CPU @ 3GHz" {
		t.Fatalf("cpuModel = %q", got)
	}
}

func FuzzDecode(f *testing.F) {
	var good bytes.Buffer
	if err := sampleRun(f).Encode(&good); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add([]byte(`{"format":"rbench-results","schema_version":1,"ops":[{"service_hdr":"HISTFAAAA"}]}`))
	f.Add([]byte(`{"format":"rbench-results","schema_version":2}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"format":"rbench-results","schema_version":1,"ops":[{"op":"x","count":-1}]}`))
	f.Add([]byte(`{"format":"rbench-results","schema_version":1,"ops":[{"op":"x","ops_per_sec":1e308}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		if run == nil || run.Format != Format {
			t.Fatalf("accepted %q without the format marker", data)
		}
		// What Decode accepts is valid and survives a round trip.
		if err := run.Validate(); err != nil {
			t.Fatalf("accepted a run Validate refuses: %v", err)
		}
		var b bytes.Buffer
		if err := run.Encode(&b); err != nil {
			t.Fatalf("accepted a run that does not encode: %v", err)
		}
		if _, err := Decode(&b); err != nil {
			t.Fatalf("accepted a run that does not decode once written: %v", err)
		}
	})
}

func FuzzDecodeHDR(f *testing.F) {
	s, _ := EncodeHDR(histOf(f, 1, 10, 100, 1000))
	f.Add(s)
	f.Add("HISTFAAAACh4nJNpmSzMwMDAyQABzFCaEUzLf2ayGMgBADTbAjY=")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := DecodeHDR(s)
		if err == nil {
			_ = Summarize(h)
		} else if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v does not wrap ErrCorrupt", err)
		}
	})
}
