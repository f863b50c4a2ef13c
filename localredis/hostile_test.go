package localredis

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// The password reaches redis-server through its config file, never its
// command line, which every user of the machine can read.
func TestPasswordNotOnTheCommandLine(t *testing.T) {
	const pw = `PW-SECRET "quoted" #x \ end`
	s := ForTest(t, Options{Password: pw})
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", s.Pid()))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(cmdline), "PW-SECRET") {
		t.Errorf("redis-server's command line holds the password: %q", cmdline)
	}
	ctx := context.Background()
	anon := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1})
	defer anon.Close()
	if err := anon.Ping(ctx).Err(); err == nil || !strings.Contains(err.Error(), "NOAUTH") {
		t.Errorf("PING without the password: %v, want NOAUTH", err)
	}
	auth := redis.NewClient(&redis.Options{Addr: s.Addr(), Password: pw, MaxRetries: -1})
	defer auth.Close()
	if err := auth.Ping(ctx).Err(); err != nil {
		t.Errorf("PING with the password %q: %v", pw, err)
	}
	if fi, err := os.Stat(filepath.Join(s.Dir(), "redis.conf")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("redis.conf: %v, mode %v, want 0600", err, fi.Mode())
	}
}

// fakeDir makes a throwaway-looking directory under parent with the given
// owner file text ("" for none).
func fakeDir(t *testing.T, parent, name, owner string) string {
	t.Helper()
	dir := filepath.Join(parent, dirPattern+name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "appendonly.aof"), []byte("*1\r\n$4\r\nPING\r\n"), 0o644)
	if owner != "" {
		os.WriteFile(filepath.Join(dir, ownerFile), []byte(owner), 0o600)
	}
	return dir
}

func TestRemoveStale(t *testing.T) {
	parent := t.TempDir()
	me, ok := self()
	if !ok {
		t.Fatal("no /proc/self/stat: the stale-directory check cannot work here")
	}
	// A process that has exited: its pid is free (or reused with another
	// start time).
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	boot := bootID() + "\npidns " + pidNS()
	dead := fakeDir(t, parent, "dead", fmt.Sprintf("boot %s\nowner %d 12345\nserver 0 0\n", boot, gone.Process.Pid))
	reused := fakeDir(t, parent, "reused", fmt.Sprintf("boot %s\nowner %d %d\nserver 0 0\n", boot, me.pid, me.start+1))
	rebooted := fakeDir(t, parent, "rebooted", fmt.Sprintf("boot not-this-boot\npidns %s\nowner %d %d\nserver 0 0\n", pidNS(), me.pid, me.start))
	live := fakeDir(t, parent, "live", fmt.Sprintf("boot %s\nowner %d %d\nserver 0 0\n", boot, me.pid, me.start))
	liveServer := fakeDir(t, parent, "server", fmt.Sprintf("boot %s\nowner %d 1\nserver %d %d\n", boot, gone.Process.Pid, me.pid, me.start))
	otherNS := fakeDir(t, parent, "otherns", fmt.Sprintf("boot %s\npidns pid:[1]\nowner %d 12345\nserver 0 0\n", bootID(), gone.Process.Pid))
	unmarked := fakeDir(t, parent, "unmarked", "")
	garbled := fakeDir(t, parent, "garbled", "owner x y\n")
	other := filepath.Join(parent, "not-rbench")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, ownerFile), []byte(fmt.Sprintf("boot %s\nowner 1 1\nserver 0 0\n", boot)), 0o600)

	removed, err := RemoveStale(parent)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{dead: true, reused: true, rebooted: true}
	for _, d := range removed {
		if !want[d] {
			t.Errorf("removed %s", d)
		}
		delete(want, d)
	}
	for d := range want {
		t.Errorf("left %s behind", d)
	}
	for _, d := range []string{live, liveServer, otherNS, unmarked, garbled, other} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s is gone: %v", d, err)
		}
	}
}

// Start marks its directory, and a server left running in one keeps it.
func TestStartMarksItsDirectory(t *testing.T) {
	s := ForTest(t, Options{})
	b, err := os.ReadFile(filepath.Join(s.Dir(), ownerFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), fmt.Sprintf("owner %d ", os.Getpid())) || !strings.Contains(string(b), fmt.Sprintf("server %d ", s.Pid())) {
		t.Errorf("owner file %q does not name this process and pid %d", b, s.Pid())
	}
	if stale(s.Dir()) {
		t.Error("a running server's directory is called stale")
	}
}
