package workloads

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"

	"github.com/rbench/rbench/results"
	"github.com/redis/go-redis/v9"
)

// Sentinel errors.
var (
	// ErrDecode marks a reply the workload could not decode; wrap it in
	// Worker.Check so the failure counts in the decode class.
	ErrDecode = errors.New("decode")
	// ErrBadSpec reports an invalid workload specification (a flag or a
	// workload file field).
	ErrBadSpec = errors.New("bad workload spec")
	// ErrConnectionLost stops a run when Redis cannot be reached any more
	// (killed, restarted, network gone): continuing would only measure
	// reconnect attempts. The results gathered so far are still returned.
	ErrConnectionLost = errors.New("connection to redis lost")
	// ErrRunErrors reports a run that finished but had failed operations.
	ErrRunErrors = errors.New("operations failed")
	// ErrDone is returned by Worker.Next when the worker's stream is over
	// (populate wrote its dataset): the worker stops without an error.
	ErrDone = errors.New("workload done")
)

// ErrorClass is the class a failed operation is counted in.
type ErrorClass uint8

// Error classes, as in results.ErrorCounts.
const (
	ClassOther ErrorClass = iota
	ClassTimeout
	ClassConnection
	ClassServer
	ClassDecode
)

func (c ErrorClass) String() string {
	switch c {
	case ClassTimeout:
		return "timeout"
	case ClassConnection:
		return "connection"
	case ClassServer:
		return "server"
	case ClassDecode:
		return "decode"
	default:
		return "other"
	}
}

func (c ErrorClass) add(e *results.ErrorCounts) {
	switch c {
	case ClassTimeout:
		e.Timeout++
	case ClassConnection:
		e.Connection++
	case ClassServer:
		e.Server++
	case ClassDecode:
		e.Decode++
	default:
		e.Other++
	}
}

// Classify sorts an operation's error into a class: an error reply from
// Redis (including a failed EXEC) is server; deadlines and pool timeouts are
// timeout; refused, reset or closed connections and EOF are connection;
// ErrDecode is decode; anything else is other. redis.Nil is not an error and
// must not reach Classify.
func Classify(err error) ErrorClass {
	var rerr redis.Error
	var nerr net.Error
	switch {
	case err == nil:
		return ClassOther
	case errors.Is(err, ErrDecode):
		return ClassDecode
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.Is(err, redis.ErrPoolTimeout):
		return ClassTimeout
	case errors.As(err, &rerr):
		return ClassServer
	case errors.As(err, &nerr) && nerr.Timeout():
		return ClassTimeout
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, redis.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed):
		return ClassConnection
	case errors.As(err, &nerr):
		return ClassConnection
	default:
		return ClassOther
	}
}
