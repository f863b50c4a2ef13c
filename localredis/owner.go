package localredis

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A throwaway server's directory holds an owner file naming the rbench
// process that made it and the redis-server running in it, each by pid and
// start time (and the boot they belong to), so the next Start can tell a
// directory left behind by a SIGKILLed rbench (up to tens of MB of AOF)
// from one in use, even after a pid was reused. Owners in another pid
// namespace (a container sharing the directory) are never judged.
const (
	ownerFile = ".rbench-owner"
	// dirPattern is what os.MkdirTemp names throwaway directories.
	dirPattern = "rbench-redis-"
)

// procID identifies a process for as long as the machine runs: its pid and
// its start time in clock ticks since boot (/proc/<pid>/stat field 22).
type procID struct {
	pid   int
	start uint64
}

// procStart reads a process's start time; false when it does not exist or
// /proc cannot tell (not Linux).
func procStart(pid int) (uint64, bool) {
	if pid <= 0 {
		return 0, false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// comm, field 2, is in parentheses and may hold spaces and ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); start time is field 22.
	if len(f) < 20 {
		return 0, false
	}
	n, err := strconv.ParseUint(f[19], 10, 64)
	return n, err == nil
}

func self() (procID, bool) {
	s, ok := procStart(os.Getpid())
	return procID{os.Getpid(), s}, ok
}

// alive reports whether the process p still runs (the same one: a reused
// pid has another start time).
func (p procID) alive() bool {
	s, ok := procStart(p.pid)
	return ok && s == p.start
}

func bootID() string {
	b, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	return strings.TrimSpace(string(b))
}

// pidNS names this process's pid namespace ("pid:[4026531836]"): pids
// from another one (a container sharing the temp directory) mean nothing
// here, so their directories are never judged.
func pidNS() string {
	s, _ := os.Readlink("/proc/self/ns/pid")
	return strings.ReplaceAll(s, " ", "")
}

// writeOwner records this process and the server (pid 0: not started yet)
// as the directory's owners, atomically, so a reader never sees half a file.
func writeOwner(dir string, server int) error {
	me, ok := self()
	if !ok {
		return nil // no /proc: nothing a later Start could check either
	}
	var srv procID
	if server > 0 {
		s, _ := procStart(server)
		srv = procID{server, s}
	}
	text := fmt.Sprintf("boot %s\npidns %s\nowner %d %d\nserver %d %d\n", bootID(), pidNS(), me.pid, me.start, srv.pid, srv.start)
	tmp := filepath.Join(dir, ownerFile+".tmp")
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, ownerFile))
}

// stale reports whether dir was left behind: its owner file is readable and
// neither its rbench nor its redis-server runs any more (or the machine has
// rebooted since). A directory without an owner file, or with one this
// build cannot read, is never called stale.
func stale(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil || len(b) > 4096 {
		return false
	}
	var boot, ns string
	var owner, server procID
	n := 0
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "boot":
			boot, n = f[1], n+1
		case len(f) == 2 && f[0] == "pidns":
			ns, n = f[1], n+1
		case len(f) == 3 && (f[0] == "owner" || f[0] == "server"):
			pid, err1 := strconv.Atoi(f[1])
			start, err2 := strconv.ParseUint(f[2], 10, 64)
			if err1 != nil || err2 != nil {
				return false
			}
			if f[0] == "owner" {
				owner = procID{pid, start}
			} else {
				server = procID{pid, start}
			}
			n++
		}
	}
	if n != 4 || owner.pid <= 0 {
		return false
	}
	if boot != bootID() {
		return true // a reboot ended every process of the old boot
	}
	if ns != pidNS() {
		return false // another pid namespace's pids cannot be checked here
	}
	return !owner.alive() && (server.pid == 0 || !server.alive())
}

// RemoveStale removes the throwaway directories under parent (os.TempDir()
// when "") whose rbench and redis-server have both gone, as a SIGKILLed
// rbench leaves them, and returns the ones removed. Directories without an
// owner file (another program's, an older rbench's) are left alone. Start
// calls it before making a directory of its own.
func RemoveStale(parent string) ([]string, error) {
	if parent == "" {
		parent = os.TempDir()
	}
	if _, ok := self(); !ok {
		return nil, nil // cannot tell the living from the dead here
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), dirPattern) {
			continue
		}
		dir := filepath.Join(parent, e.Name())
		if !stale(dir) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, dir)
	}
	return removed, errors.Join(errs...)
}
