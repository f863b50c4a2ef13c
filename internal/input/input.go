// Package input reads the files rbench is given (thresholds, profiles,
// workload files, .env files, results) within a size bound, checked by stat
// before the first byte is read and again by a limited reader while reading,
// since a device, a pipe or a file that grows says nothing true about its
// size up front. Reads stop when their context ends, so Ctrl-C interrupts a
// long load.
package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrTooLarge is matched (errors.Is) by a *TooLargeError.
var ErrTooLarge = errors.New("input too large")

// TooLargeError reports a file beyond its bound.
type TooLargeError struct {
	Path  string
	Limit int64
	// Size is what stat reported, or -1 when the file was found too large
	// while reading it (a device or a pipe).
	Size int64
}

func (e *TooLargeError) Error() string {
	if e.Size >= 0 {
		return fmt.Sprintf("%s is %s, larger than the %s allowed", e.Path, Bytes(e.Size), Bytes(e.Limit))
	}
	return fmt.Sprintf("%s holds more than the %s allowed (is it a device or a stream?)", e.Path, Bytes(e.Limit))
}

// Is makes errors.Is(err, ErrTooLarge) hold.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// Bytes formats a size for messages: 1 MiB, 256 MiB, 1536 bytes.
func Bytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// File is an open input file that returns a *TooLargeError once more than
// its limit has been read and ctx.Err() once its context has ended.
type File struct {
	ctx   context.Context
	f     *os.File
	path  string
	limit int64
	read  int64
	// Size is the file's size by stat, -1 when stat does not know it (a
	// device, a pipe).
	Size int64
}

// Open opens path for reading at most limit bytes. A regular file larger
// than limit and a directory are refused before anything is read.
func Open(ctx context.Context, path string, limit int64) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	size := int64(-1)
	switch {
	case fi.IsDir():
		f.Close()
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("is a directory, not a file")}
	case fi.Mode().IsRegular():
		if fi.Size() > limit {
			f.Close()
			return nil, &TooLargeError{Path: path, Limit: limit, Size: fi.Size()}
		}
		size = fi.Size()
	}
	return &File{ctx: ctx, f: f, path: path, limit: limit, Size: size}, nil
}

// Read reads up to len(p) bytes, never past the limit.
func (r *File) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	// Allow one byte past the limit, to tell "exactly limit" from "more".
	if room := r.limit + 1 - r.read; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := r.f.Read(p)
	r.read += int64(n)
	if r.read > r.limit {
		return n, &TooLargeError{Path: r.path, Limit: r.limit, Size: -1}
	}
	return n, err
}

// Close closes the file.
func (r *File) Close() error { return r.f.Close() }

// chunk is how much ReadFile reads between context checks.
const chunk = 1 << 20

// ReadFile reads the whole file at path, refusing more than limit bytes.
func ReadFile(ctx context.Context, path string, limit int64) ([]byte, error) {
	r, err := Open(ctx, path, limit)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return ReadAll(r)
}

// ReadAll reads r to its end, sized by stat when known. It returns
// ctx.Err() as soon as r's context ends, even while a read blocks (a pipe
// or a terminal with nothing to say); the blocked read is abandoned.
func ReadAll(r *File) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := readAll(r)
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		return res.b, res.err
	case <-r.ctx.Done():
		return nil, r.ctx.Err()
	}
}

func readAll(r *File) ([]byte, error) {
	n := int64(512)
	if r.Size > 0 {
		n = r.Size + 1
	}
	buf := make([]byte, 0, n)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := r.Read(buf[len(buf):min(cap(buf), len(buf)+chunk)])
		buf = buf[:len(buf)+m]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
