package keyspace

import (
	"fmt"
	"math/rand/v2"
)

// NewInstanceID returns a version-4 UUID derived from seed, so that a run
// with use_instance_id writes the same keys every time it is repeated with
// the same seed. Upstream draws a random UUID4 per node start
// (system/kernel.py:160); only its form matters for the keys.
func NewInstanceID(seed int64) string {
	r := rand.New(rand.NewPCG(uint64(seed), 0x696e7374616e6365)) // "instance"
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
