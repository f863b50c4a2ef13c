package codecs

import (
	"encoding/binary"
	"fmt"
)

// checkMsgpack walks data once and rejects it unless it is exactly one
// well-formed msgpack value whose declared lengths fit in the bytes present.
//
// vmihailenco/msgpack preallocates maps from the declared length, so five
// hostile bytes (a map32 header claiming 2^32 entries) would otherwise ask
// for gigabytes before the decoder notices the input ended.
func checkMsgpack(data []byte) error {
	pending := 1 // values still to read
	pos := 0
	for pending > 0 {
		if pos >= len(data) {
			return fmt.Errorf("%w msgpack: unexpected end of input at byte %d", ErrDecode, pos)
		}
		c := data[pos]
		pos++
		pending--
		var skip, items int // payload bytes to skip, child values to read
		var lenBytes int    // size of a length prefix that follows c
		extra := 0          // fixed bytes after the length (ext type)
		switch {
		case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		case c >= 0x80 && c <= 0x8f:
			items = 2 * int(c&0x0f)
		case c >= 0x90 && c <= 0x9f:
			items = int(c & 0x0f)
		case c >= 0xa0 && c <= 0xbf:
			skip = int(c & 0x1f)
		case c == 0xc4 || c == 0xd9:
			lenBytes = 1
		case c == 0xc5 || c == 0xda:
			lenBytes = 2
		case c == 0xc6 || c == 0xdb:
			lenBytes = 4
		case c == 0xc7:
			lenBytes, extra = 1, 1
		case c == 0xc8:
			lenBytes, extra = 2, 1
		case c == 0xc9:
			lenBytes, extra = 4, 1
		case c == 0xca:
			skip = 4
		case c == 0xcb:
			skip = 8
		case c == 0xcc || c == 0xd0:
			skip = 1
		case c == 0xcd || c == 0xd1:
			skip = 2
		case c == 0xce || c == 0xd2:
			skip = 4
		case c == 0xcf || c == 0xd3:
			skip = 8
		case c >= 0xd4 && c <= 0xd8:
			skip = 1 + 1<<(c-0xd4)
		case c == 0xdc || c == 0xde:
			lenBytes = 2
		case c == 0xdd || c == 0xdf:
			lenBytes = 4
		default: // 0xc1 is never used
			return fmt.Errorf("%w msgpack: invalid code %#x at byte %d", ErrDecode, c, pos-1)
		}
		if lenBytes > 0 {
			if len(data)-pos < lenBytes {
				return fmt.Errorf("%w msgpack: truncated length at byte %d", ErrDecode, pos)
			}
			var n uint64
			switch lenBytes {
			case 1:
				n = uint64(data[pos])
			case 2:
				n = uint64(binary.BigEndian.Uint16(data[pos:]))
			case 4:
				n = uint64(binary.BigEndian.Uint32(data[pos:]))
			}
			pos += lenBytes
			if n > uint64(len(data)) {
				return fmt.Errorf("%w msgpack: length %d exceeds the %d-byte input", ErrDecode, n, len(data))
			}
			switch c {
			case 0xdc, 0xdd:
				items = int(n)
			case 0xde, 0xdf:
				items = 2 * int(n)
			default:
				skip = int(n) + extra
			}
		}
		if skip > len(data)-pos {
			return fmt.Errorf("%w msgpack: value at byte %d runs past the end", ErrDecode, pos)
		}
		pos += skip
		pending += items
		// Every value takes at least one byte.
		if pending > len(data)-pos {
			return fmt.Errorf("%w msgpack: %d values declared, %d bytes left", ErrDecode, pending, len(data)-pos)
		}
	}
	if pos != len(data) {
		return fmt.Errorf("%w msgpack: %d trailing bytes after the value", ErrDecode, len(data)-pos)
	}
	return nil
}
