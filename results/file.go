package results

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/rbench/rbench/internal/input"
)

// Sentinel errors of Decode and ReadFile; test with errors.Is.
var (
	// ErrForeign: the document is not rbench results (another tool's JSON,
	// or not JSON at all).
	ErrForeign = errors.New("not an rbench results file")
	// ErrSchemaVersion: the file was written by a newer rbench with a schema
	// this build cannot read.
	ErrSchemaVersion = errors.New("unsupported results schema version")
	// ErrCorrupt: an rbench results file that is truncated, malformed or
	// holds a histogram that does not decode.
	ErrCorrupt = errors.New("corrupt results file")
)

// MaxFileSize bounds a results file, checked by stat and by a limited
// reader, so a wrong path (a disk image, a device) fails fast instead of
// filling memory. rbench's own files are kilobytes to a few megabytes (a
// day-long run's per-second histograms stay far below it).
const MaxFileSize = 256 << 20

// NewRun returns an empty run of the current format and schema version.
func NewRun(meta Meta) *Run {
	return &Run{Format: Format, SchemaVersion: SchemaVersion, Meta: meta}
}

// Encode writes run as indented JSON, setting the format marker and schema
// version when they are unset.
func (r *Run) Encode(w io.Writer) error {
	c := *r
	if c.Format == "" {
		c.Format = Format
	}
	if c.SchemaVersion == 0 {
		c.SchemaVersion = SchemaVersion
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&c); err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	return nil
}

// WriteFile writes run to path atomically: a temporary file in the same
// directory, fsync, then rename, so a reader (or a crash) never sees half a
// file. It creates the directory when missing.
func (r *Run) WriteFile(path string) error {
	var buf bytes.Buffer
	if err := r.Encode(&buf); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: fsync: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// Make the rename itself durable; not every filesystem supports it.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// ReadFile is Load without a context.
func ReadFile(path string) (*Run, error) { return Load(context.Background(), path) }

// Load reads and checks a results file: its size (at most MaxFileSize, by
// stat and while reading), its first byte before the rest is read, then as
// Decode. It stops when ctx ends. Errors name the file and wrap ErrForeign,
// ErrSchemaVersion, ErrCorrupt, input.ErrTooLarge, ctx.Err() or the os error.
func Load(ctx context.Context, path string) (*Run, error) {
	f, err := input.Open(ctx, path, MaxFileSize)
	if err != nil {
		if errors.Is(err, input.ErrTooLarge) {
			return nil, fmt.Errorf("read results: %w: %w", ErrForeign, err)
		}
		return nil, fmt.Errorf("read results: %w", err)
	}
	defer f.Close()
	run, err := DecodeContext(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return run, nil
}

// Decode is DecodeContext without a context.
func Decode(r io.Reader) (*Run, error) { return DecodeContext(context.Background(), r) }

// DecodeContext reads one results document and checks it: the first
// non-blank byte before the rest is read (a device or another tool's output
// fails there), at most MaxFileSize bytes, the format marker, the schema
// version (newer than SchemaVersion is refused), that the JSON is complete,
// every figure (Validate) and every histogram (its declared geometry, then
// its values). When ctx ends it returns ctx.Err() within moments, even
// while a large document is being parsed. Errors wrap ErrForeign,
// ErrSchemaVersion or ErrCorrupt.
func DecodeContext(ctx context.Context, r io.Reader) (*Run, error) {
	// Reading (which may block on a pipe) and parsing a large document
	// (seconds) happen aside, so a Ctrl-C is answered at once; the
	// abandoned work ends with the process.
	type result struct {
		run *Run
		err error
	}
	done := make(chan result, 1)
	go func() {
		run, err := decode(ctx, r)
		done <- result{run, err}
	}()
	select {
	case res := <-done:
		return res.run, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func decode(ctx context.Context, r io.Reader) (*Run, error) {
	br := bufio.NewReader(io.LimitReader(r, MaxFileSize+1))
	for {
		b, err := br.ReadByte()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: the file is empty", ErrCorrupt)
		}
		if err != nil {
			return nil, readErr(err)
		}
		if b == ' ' || b == '\t' || b == '\n' || b == '\r' {
			continue
		}
		if b != '{' {
			peek, _ := br.Peek(min(15, br.Buffered())) // never wait for more
			return nil, fmt.Errorf("%w: not a JSON object (starts with %q)", ErrForeign, append([]byte{b}, peek...))
		}
		_ = br.UnreadByte()
		break
	}
	var data []byte
	if f, ok := r.(*input.File); ok && f.Size > 0 {
		data = make([]byte, 0, f.Size+1)
	}
	data, err := readAll(ctx, br, data)
	if err != nil {
		return nil, readErr(err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrForeign, MaxFileSize)
	}
	return decodeBytes(ctx, bytes.TrimSpace(data))
}

func readErr(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, input.ErrTooLarge) {
		return fmt.Errorf("%w: %w", ErrForeign, err)
	}
	return fmt.Errorf("read results: %w", err)
}

// readAll reads r to its end in chunks, checking ctx between them.
func readAll(ctx context.Context, r io.Reader, buf []byte) ([]byte, error) {
	const chunk = 1 << 20
	if buf == nil {
		buf = make([]byte, 0, 4096)
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), len(buf)+chunk)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func decodeBytes(ctx context.Context, trimmed []byte) (*Run, error) {
	if !json.Valid(trimmed) {
		// Tell truncation (the usual crash damage) from other damage.
		var probe any
		err := json.Unmarshal(trimmed, &probe)
		var se *json.SyntaxError
		if errors.As(err, &se) && se.Offset >= int64(len(trimmed)) || strings.Contains(fmt.Sprint(err), "unexpected end of JSON input") {
			return nil, fmt.Errorf("%w: truncated JSON after %d bytes", ErrCorrupt, len(trimmed))
		}
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%w: invalid JSON at byte %d: %v", ErrCorrupt, se.Offset, err)
		}
		return nil, fmt.Errorf("%w: invalid JSON: %v", ErrCorrupt, err)
	}
	var head struct {
		Format        any `json:"format"`
		SchemaVersion any `json:"schema_version"`
	}
	if err := json.Unmarshal(trimmed, &head); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrForeign, err)
	}
	if f, _ := head.Format.(string); f != Format {
		return nil, fmt.Errorf("%w: \"format\" is %s, want %q (is it another tool's output?)", ErrForeign, describe(head.Format), Format)
	}
	v, ok := head.SchemaVersion.(float64)
	if !ok || v != float64(int(v)) || v < 1 {
		return nil, fmt.Errorf("%w: \"schema_version\" is %s, want a whole number from 1 to %d", ErrCorrupt, describe(head.SchemaVersion), SchemaVersion)
	}
	if int(v) > SchemaVersion {
		return nil, fmt.Errorf("%w: schema_version %d is newer than the %d this rbench reads; upgrade rbench", ErrSchemaVersion, int(v), SchemaVersion)
	}
	var run Run
	if err := json.Unmarshal(trimmed, &run); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if err := run.Validate(); err != nil {
		return nil, err
	}
	if err := run.checkHistograms(ctx); err != nil {
		return nil, err
	}
	return &run, nil
}

// checkHistograms decodes every histogram once, so a corrupt one is reported
// at load time, naming the op, rather than deep inside a report or a gate.
func (r *Run) checkHistograms(ctx context.Context) error {
	ops := r.Ops
	if r.Recovery != nil {
		for _, c := range r.Recovery.Cycles {
			ops = append(ops[:len(ops):len(ops)], c.StartupOps...)
		}
	}
	for _, op := range ops {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, h := range []struct{ kind, s string }{{"service_hdr", op.ServiceHDR}, {"response_hdr", op.ResponseHDR},
			{"encode_hdr", op.EncodeHist}, {"decode_hdr", op.DecodeHist}} {
			if h.s == "" {
				continue
			}
			if _, err := DecodeHDR(h.s); err != nil {
				return fmt.Errorf("op %s (%s) %s: %w", op.Name, op.Encoding, h.kind, err)
			}
		}
		for i, s := range op.Series {
			if s.HDR == "" {
				continue
			}
			if i%64 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if _, err := DecodeHDR(s.HDR); err != nil {
				return fmt.Errorf("op %s (%s) series second %d: %w", op.Name, op.Encoding, s.T, err)
			}
		}
	}
	return nil
}

func describe(v any) string {
	if v == nil {
		return "missing"
	}
	b, _ := json.Marshal(v)
	if len(b) > 40 {
		b = append(b[:40], "..."...)
	}
	return string(b)
}

// HostInfo describes the machine rbench runs on: hostname, OS, architecture,
// the CPU model from /proc/cpuinfo ("unknown" elsewhere) and the logical CPUs
// Go may use.
func HostInfo() Host {
	h := Host{OS: runtime.GOOS, Arch: runtime.GOARCH, CPUModel: cpuModel("/proc/cpuinfo"), Cores: runtime.NumCPU()}
	h.Hostname, _ = os.Hostname()
	return h
}

func cpuModel(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	// x86 says "model name"; arm64 kernels vary, so fall back to other keys.
	found := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if _, seen := found[k]; !seen && v != "" {
			found[k] = v
		}
	}
	for _, k := range []string{"model name", "Model", "Hardware", "cpu model", "cpu", "Processor"} {
		if v := found[k]; v != "" {
			return v
		}
	}
	return "unknown"
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// NewRunDir creates and returns a new run folder
// base/run-YYYYMMDD-HHMMSS-<workload> (t in its own location). A second run
// in the same second gets a -2, -3, ... suffix rather than overwriting.
func NewRunDir(base, workload string, t time.Time) (string, error) {
	name := strings.Trim(unsafeName.ReplaceAllString(workload, "_"), "._")
	if name == "" {
		name = "run"
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", fmt.Errorf("create run folder: %w", err)
	}
	stem := filepath.Join(base, "run-"+t.Format("20060102-150405")+"-"+name)
	dir := stem
	for i := 2; ; i++ {
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, os.ErrExist) || i > 1000 {
			return "", fmt.Errorf("create run folder: %w", err)
		}
		dir = fmt.Sprintf("%s-%d", stem, i)
	}
}

// IncompleteMarker is the file a run folder holds while it is being
// written, and keeps when the run itself is incomplete (Run.Incomplete):
// its text says why. A folder without it was written completely.
const IncompleteMarker = "INCOMPLETE"

// WriteRunDir writes run.json into dir plus, per op kind and encoding, its
// percentile distributions <op>-<encoding>-response.hgrm and
// <op>-<encoding>-service.hgrm, and the per-second histograms of every op
// as one HdrHistogram interval log (IntervalLogName, see WriteIntervalLog). It returns the path of run.json. The folder
// holds IncompleteMarker until every file is written, and keeps it when the
// run is incomplete, so a crash or a full disk part-way never leaves a
// folder that looks whole.
func WriteRunDir(dir string, run *Run) (string, error) {
	jsonPath := filepath.Join(dir, "run.json")
	marker := filepath.Join(dir, IncompleteMarker)
	why := "rbench stopped while writing this folder: its files may be missing or partial\n"
	if len(run.Incomplete) > 0 {
		why = "the run is incomplete:\n" + strings.Join(run.Incomplete, "\n") + "\n"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write %s: %w", dir, err)
	}
	if err := os.WriteFile(marker, []byte(why), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", marker, err)
	}
	if err := run.WriteFile(jsonPath); err != nil {
		return "", err
	}
	for _, op := range run.Ops {
		for _, h := range []struct{ kind, s string }{{"response", op.ResponseHDR}, {"service", op.ServiceHDR}} {
			if h.s == "" {
				continue
			}
			hist, err := DecodeHDR(h.s)
			if err != nil {
				return jsonPath, fmt.Errorf("op %s (%s) %s: %w", op.Name, op.Encoding, h.kind, err)
			}
			var buf bytes.Buffer
			if err := WriteHGRM(&buf, hist); err != nil {
				return jsonPath, err
			}
			name := HGRMName(op, h.kind)
			if err := writeFileAtomic(filepath.Join(dir, name), buf.Bytes()); err != nil {
				return jsonPath, err
			}
		}
	}
	if err := writeIntervalLogFile(dir, run); err != nil {
		return jsonPath, err
	}
	if len(run.Incomplete) == 0 {
		if err := os.Remove(marker); err != nil {
			return jsonPath, fmt.Errorf("write %s: %w", dir, err)
		}
	}
	return jsonPath, nil
}

// HGRMName is the file name WriteRunDir gives an op's distribution; kind is
// "response" or "service".
func HGRMName(op Op, kind string) string {
	n := op.Name
	if op.Encoding != "" {
		n += "-" + op.Encoding
	}
	return strings.Trim(unsafeName.ReplaceAllString(n, "_"), "._") + "-" + kind + ".hgrm"
}
