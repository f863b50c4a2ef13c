package workloads

import (
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Byte counts are estimates computed from the commands and their decoded
// replies, not counted on the socket: a request is sized as its RESP array of
// bulk strings (what go-redis writes); a reply as its RESP2/RESP3 encoding
// (simple string, integer, bulk string, array of bulk strings). A MULTI/EXEC
// adds the MULTI and EXEC requests and the +OK/+QUEUED replies. Reply types
// the estimate does not know count 0 bytes of payload plus a 3-byte header.

// requestBytes estimates the bytes op sends.
func requestBytes(op *Op) int64 {
	var n int64
	for _, c := range op.Cmds {
		args := c.Args()
		n += 1 + digits(int64(len(args))) + 2
		for _, a := range args {
			l := argLen(a)
			n += 1 + digits(l) + 2 + l + 2
		}
	}
	if op.Tx {
		n += 15 + 14 // *1\r\n$5\r\nMULTI\r\n, *1\r\n$4\r\nEXEC\r\n
	}
	return n
}

// replyBytes estimates the bytes op's replies took.
func replyBytes(op *Op) int64 {
	var n int64
	for _, c := range op.Cmds {
		n += replyLen(c)
	}
	if op.Tx {
		n += 5 + int64(len(op.Cmds))*9 + 1 + digits(int64(len(op.Cmds))) + 2 // +OK, +QUEUED each, EXEC's array header
	}
	return n
}

func bulkLen(l int64) int64 { return 1 + digits(l) + 2 + l + 2 }

func replyLen(c redis.Cmder) int64 {
	if c.Err() != nil {
		return 5 // $-1 / _ for a miss, or a short error line
	}
	switch v := c.(type) {
	case *redis.StatusCmd:
		return 1 + int64(len(v.Val())) + 2
	case *redis.IntCmd:
		return 1 + digits(v.Val()) + 2
	case *redis.BoolCmd:
		return 4
	case *redis.StringCmd:
		return bulkLen(int64(len(v.Val())))
	case *redis.StringSliceCmd:
		vals := v.Val()
		n := 1 + digits(int64(len(vals))) + 2
		for _, s := range vals {
			n += bulkLen(int64(len(s)))
		}
		return n
	case *redis.SliceCmd:
		vals := v.Val()
		n := 1 + digits(int64(len(vals))) + 2
		for _, x := range vals {
			if s, ok := x.(string); ok {
				n += bulkLen(int64(len(s)))
			} else {
				n += 5
			}
		}
		return n
	case *redis.MapStringStringCmd:
		n := int64(1 + 8 + 2)
		for k, s := range v.Val() {
			n += bulkLen(int64(len(k))) + bulkLen(int64(len(s)))
		}
		return n
	case *redis.ScanCmd:
		keys, _ := v.Val()
		n := int64(4+1+20+2) + 1 + digits(int64(len(keys))) + 2
		for _, s := range keys {
			n += bulkLen(int64(len(s)))
		}
		return n
	default:
		return 3
	}
}

// argLen is the length of an argument as go-redis writes it.
func argLen(a any) int64 {
	switch v := a.(type) {
	case string:
		return int64(len(v))
	case []byte:
		return int64(len(v))
	case int:
		return digits(int64(v))
	case int64:
		return digits(v)
	case int32:
		return digits(int64(v))
	case uint64:
		if v > 1<<62 {
			return 20
		}
		return digits(int64(v))
	case uint32:
		return digits(int64(v))
	case float64:
		var buf [32]byte
		return int64(len(strconv.AppendFloat(buf[:0], v, 'f', -1, 64)))
	case bool:
		return 1
	case time.Duration:
		return digits(int64(v))
	case nil:
		return 0
	default:
		return 16
	}
}

// digits is the length of n in decimal, with its sign.
func digits(n int64) int64 {
	var d int64 = 1
	if n < 0 {
		d++
		n = -n
	}
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}
