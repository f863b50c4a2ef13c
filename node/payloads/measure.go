package payloads

import (
	"fmt"
	"math"
	"time"

	"github.com/rbench/rbench/results"
)

// Codec is the part of codecs.Codec Measure needs.
type Codec interface {
	Name() string
	AppendEncode(dst []byte, v any) ([]byte, error)
	Decode(data []byte, v any) error
}

// Measure encodes v with c and times encode and decode in-process for about
// budget each (at least 100 operations), returning the size and the
// nanoseconds per operation of the fastest round of 100. kind names the row (e.g. "order-filled"); v must
// be a pointer to one of the payload structs.
func Measure(kind string, c Codec, v any, budget time.Duration) (results.PayloadSize, error) {
	k, err := KindByName(TypeOf(v))
	if err != nil {
		return results.PayloadSize{}, fmt.Errorf("measure %s: %w", kind, err)
	}
	data, err := c.AppendEncode(nil, v)
	if err != nil {
		return results.PayloadSize{}, fmt.Errorf("measure %s: %w", kind, err)
	}
	buf := make([]byte, 0, 2*len(data))
	encNs, err := timeLoop(budget, func() error {
		var err error
		buf, err = c.AppendEncode(buf[:0], v)
		return err
	})
	if err != nil {
		return results.PayloadSize{}, fmt.Errorf("measure %s: %w", kind, err)
	}
	decNs, err := timeLoop(budget, func() error { return c.Decode(data, k.New()) })
	if err != nil {
		return results.PayloadSize{}, fmt.Errorf("measure %s: %w", kind, err)
	}
	return results.PayloadSize{Type: kind, Encoding: c.Name(), Bytes: len(data), EncodeNs: encNs, DecodeNs: decNs}, nil
}

// timeLoop runs fn in rounds of 100 calls until budget has passed and
// returns the ns per call of the fastest round: on a shared machine the
// slower rounds measure other processes, not the codec.
func timeLoop(budget time.Duration, fn func() error) (float64, error) {
	const batch = 100
	start := time.Now()
	best := time.Duration(math.MaxInt64)
	for {
		t0 := time.Now()
		for i := 0; i < batch; i++ {
			if err := fn(); err != nil {
				return 0, err
			}
		}
		best = min(best, time.Since(t0))
		if time.Since(start) >= budget {
			return float64(best.Nanoseconds()) / batch, nil
		}
	}
}
