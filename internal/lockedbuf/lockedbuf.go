// Package lockedbuf is a bytes.Buffer safe to write from one goroutine
// (a child process's output, a retry loop's logger) while another reads
// it: the tests' one such sink.
package lockedbuf

import (
	"bytes"
	"sync"
)

// Buffer is an io.Writer whose String may be called while it is written.
// The zero value is an empty buffer.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
