package input

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFileBounds(t *testing.T) {
	dir := t.TempDir()
	exact := filepath.Join(dir, "exact")
	over := filepath.Join(dir, "over")
	os.WriteFile(exact, []byte(strings.Repeat("x", 100)), 0o644)
	os.WriteFile(over, []byte(strings.Repeat("x", 101)), 0o644)

	if b, err := ReadFile(context.Background(), exact, 100); err != nil || len(b) != 100 {
		t.Errorf("a file of exactly the limit: %d bytes, %v", len(b), err)
	}
	_, err := ReadFile(context.Background(), over, 100)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Size != 101 || !errors.Is(err, ErrTooLarge) {
		t.Errorf("a file one byte over: %v, want a TooLargeError found by stat (size 101)", err)
	}
	// A device has no size by stat: the limited reader finds it.
	_, err = ReadFile(context.Background(), "/dev/zero", 1<<20)
	if !errors.As(err, &tl) || tl.Size != -1 {
		t.Errorf("/dev/zero: %v, want a TooLargeError found while reading", err)
	}
	if _, err := ReadFile(context.Background(), dir, 100); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("a directory: %v, want refused as a directory", err)
	}
	if _, err := ReadFile(context.Background(), filepath.Join(dir, "missing"), 100); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v, want ErrNotExist", err)
	}
}

func TestReadFileStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadFile(ctx, "/dev/zero", 1<<40); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled read of /dev/zero: %v, want context.Canceled", err)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{1 << 20: "1 MiB", 256 << 20: "256 MiB", 4096: "4 KiB", 1500: "1500 bytes"} {
		if have := Bytes(n); have != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, have, want)
		}
	}
}
