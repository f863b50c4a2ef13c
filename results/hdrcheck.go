package results

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// The geometry rbench writes: a range KnownHDRRange accepts (latency and
// per-second histograms 1..HistMaxUs in microseconds, codec times
// 1..CodecMaxNs and send lateness 1..SendLateMaxNs in nanoseconds, and the
// 1..60,000,000 of files older than the hour range), at HistDigits
// significant digits for totals and 2 for per-second, codec and lateness
// histograms.
// A header declaring anything else is refused before hdrhistogram-go
// allocates the counts array it implies: 1..2^63 at 5 digits is about 45 MB
// per histogram, and a 789 KB file of 5,400 of them kept report busy for
// minutes.
const (
	minHDRDigits = 2
	maxHDRDigits = HistDigits
)

// maxHDRLen bounds an encoded histogram. rbench's largest possible one (3
// digits over the hour, every one of its ~23,500 buckets non-empty, 9 bytes
// each before compression) is about 290 KB of base64; its usual ones are a
// few KB.
const maxHDRLen = 1 << 20

// hdrHeaderSize is the V2 header inside the compressed payload: cookie,
// payload length, normalizing index offset, significant digits (int32
// each), lowest and highest trackable value (int64 each) and the integer to
// double conversion ratio (float64).
const hdrHeaderSize = 40

// checkEncodedHDR checks an encoded histogram's size, base64, cookies and
// declared geometry without decoding its counts. Errors wrap ErrCorrupt.
func checkEncodedHDR(s string) error {
	if s == "" {
		return fmt.Errorf("%w: empty histogram", ErrCorrupt)
	}
	if len(s) > maxHDRLen {
		return fmt.Errorf("%w: histogram of %d bytes is larger than the %d rbench writes", ErrCorrupt, len(s), maxHDRLen)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("%w: histogram is not base64: %v", ErrCorrupt, err)
	}
	if len(raw) < 8 {
		return fmt.Errorf("%w: histogram of %d bytes is shorter than its 8-byte header", ErrCorrupt, len(raw))
	}
	cookie := int32(binary.BigEndian.Uint32(raw[0:4])) &^ 0xf0
	if cookie != hdrhistogram.V2CompressedEncodingCookieBase {
		return fmt.Errorf("%w: histogram is not HdrHistogram V2 compressed (cookie %#x)", ErrCorrupt, uint32(cookie))
	}
	n := int64(int32(binary.BigEndian.Uint32(raw[4:8])))
	if n < 0 || n > int64(len(raw)-8) {
		return fmt.Errorf("%w: histogram claims %d compressed bytes, holds %d", ErrCorrupt, n, len(raw)-8)
	}
	z, err := zlib.NewReader(bytes.NewReader(raw[8 : 8+n]))
	if err != nil {
		return fmt.Errorf("%w: histogram does not decompress: %v", ErrCorrupt, err)
	}
	defer z.Close()
	var h [hdrHeaderSize]byte
	if _, err := io.ReadFull(z, h[:]); err != nil {
		return fmt.Errorf("%w: histogram header does not decompress: %v", ErrCorrupt, err)
	}
	digits := int32(binary.BigEndian.Uint32(h[12:16]))
	lowest := int64(binary.BigEndian.Uint64(h[16:24]))
	highest := int64(binary.BigEndian.Uint64(h[24:32]))
	ratio := math.Float64frombits(binary.BigEndian.Uint64(h[32:40]))
	if !KnownHDRRange(lowest, highest) || digits < minHDRDigits || digits > maxHDRDigits {
		return fmt.Errorf("%w: histogram declares the range %d..%d at %d significant digits; rbench writes %d..%d (latency), 1..%d (codec times), 1..%d (send lateness) at %d to %d digits",
			ErrCorrupt, lowest, highest, digits, HistMinUs, HistMaxUs, CodecMaxNs, SendLateMaxNs, minHDRDigits, maxHDRDigits)
	}
	if ratio != 1 && ratio != 0 {
		return fmt.Errorf("%w: histogram declares a conversion ratio of %g; rbench writes 1", ErrCorrupt, ratio)
	}
	return nil
}

// checkHDRValues refuses a decoded histogram holding values beyond the
// range its header declares (the counts array reaches past it to the end
// of its last bucket, so a crafted payload can place values there).
func checkHDRValues(h *hdrhistogram.Histogram) error {
	if h.TotalCount() == 0 {
		return nil
	}
	if m := h.Max(); m > h.HighestTrackableValue() && !h.ValuesAreEquivalent(m, h.HighestTrackableValue()) {
		return fmt.Errorf("%w: histogram holds a value of %d, beyond the %d its header declares", ErrCorrupt, m, h.HighestTrackableValue())
	}
	return nil
}
