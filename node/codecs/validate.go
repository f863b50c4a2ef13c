package codecs

import (
	"encoding/binary"
	"fmt"
)

// Whatever Redis returns is input: a value another program wrote, a
// truncated one, a hostile one. Before a decoder allocates anything, one
// pass over the bytes checks they are a single value that fits: no length
// prefix may claim more than the bytes that remain, containers nest at
// most MaxDepth deep, and the whole value is at most MaxPayloadBytes.

// MaxPayloadBytes bounds one encoded payload. A node's payloads are a few
// KB (an instrument with its venue record about 6 KB, an account state 140
// B more per margin); a value past this is not one of them. It also bounds
// what a decoder may allocate: vmihailenco allocates about 20 bytes of map
// per byte of the smallest map entries, so at most about 20 MB.
const MaxPayloadBytes = 1 << 20

// MaxDepth bounds how deeply maps and arrays nest in one payload. A node's
// deepest value is an instrument's info record (about 5 levels).
const MaxDepth = 64

// checkMsgpack walks data once and rejects it unless it is exactly one
// well-formed msgpack value within the bounds above, with no extension
// types (msgspec writes extensions only for datetimes, which no to_dict
// holds).
//
// vmihailenco/msgpack preallocates maps and slices from the declared length
// and re-parses extension bodies, so ten hostile bytes
// (d7 df df df df df df 30 c0 30, found by fuzzing) made it ask for
// gigabytes: the process died of "out of memory", which recover() cannot
// catch.
func checkMsgpack(data []byte) error {
	if len(data) > MaxPayloadBytes {
		return fmt.Errorf("%w msgpack: %d bytes, more than the %d a payload may have", ErrDecode, len(data), MaxPayloadBytes)
	}
	var open [MaxDepth]int // values still to read in each open container
	depth := 0
	left := 1 // values still to read at the current level
	pos := 0
	for {
		for left == 0 {
			if depth == 0 {
				if pos != len(data) {
					return fmt.Errorf("%w msgpack: %d trailing bytes after the value", ErrDecode, len(data)-pos)
				}
				return nil
			}
			depth--
			left = open[depth]
		}
		if pos >= len(data) {
			return fmt.Errorf("%w msgpack: unexpected end of input at byte %d", ErrDecode, pos)
		}
		c := data[pos]
		pos++
		left--
		var skip, items int // payload bytes to skip, child values to read
		lenBytes := 0       // size of a length prefix that follows c
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
		case c == 0xdc || c == 0xde:
			lenBytes = 2
		case c == 0xdd || c == 0xdf:
			lenBytes = 4
		case c >= 0xc7 && c <= 0xc9, c >= 0xd4 && c <= 0xd8:
			return fmt.Errorf("%w msgpack: extension type (code %#x) at byte %d: a node's payloads have none", ErrDecode, c, pos-1)
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
			// Every byte string needs its bytes and every element at least
			// one byte, so no honest length exceeds what remains.
			rest := uint64(len(data) - pos)
			if c == 0xde || c == 0xdf {
				if n > rest/2 {
					return fmt.Errorf("%w msgpack: map of %d entries at byte %d, %d bytes left", ErrDecode, n, pos-lenBytes-1, rest)
				}
				items = 2 * int(n)
			} else if n > rest {
				return fmt.Errorf("%w msgpack: length %d at byte %d, %d bytes left", ErrDecode, n, pos-lenBytes-1, rest)
			} else if c == 0xdc || c == 0xdd {
				items = int(n)
			} else {
				skip = int(n)
			}
		}
		if skip > len(data)-pos {
			return fmt.Errorf("%w msgpack: value at byte %d runs past the end", ErrDecode, pos)
		}
		pos += skip
		if items > 0 {
			if items > len(data)-pos {
				return fmt.Errorf("%w msgpack: %d values declared at byte %d, %d bytes left", ErrDecode, items, pos, len(data)-pos)
			}
			if depth == MaxDepth {
				return fmt.Errorf("%w msgpack: nested deeper than %d at byte %d", ErrDecode, MaxDepth, pos)
			}
			open[depth] = left
			depth++
			left = items
		}
	}
}

// checkJSON bounds a JSON value's size and nesting before encoding/json
// reads it (its own limit is 10,000 levels); the decoder checks the rest.
func checkJSON(data []byte) error {
	if len(data) > MaxPayloadBytes {
		return fmt.Errorf("%w json: %d bytes, more than the %d a payload may have", ErrDecode, len(data), MaxPayloadBytes)
	}
	depth := 0
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > MaxDepth {
				return fmt.Errorf("%w json: nested deeper than %d at byte %d", ErrDecode, MaxDepth, i)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}
