package warehouse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// ErrBusy reports that another process holds the warehouse. Commands map it
// to exit code 3.
var ErrBusy = errors.New("warehouse is busy")

// Holder describes the process that holds the write lock. It is written into
// the lock file so a second process can say who is in the way.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

// BusyError is returned when the lock is held by another process.
type BusyError struct {
	Path   string
	Holder *Holder // nil when held by readers or unknown
}

func (e *BusyError) Error() string {
	if e.Holder == nil {
		return fmt.Sprintf("warehouse %s is busy: another payband process has it open", e.Path)
	}
	return fmt.Sprintf("warehouse %s is busy: held by %q (pid %d on %s) since %s",
		e.Path, e.Holder.Command, e.Holder.PID, e.Holder.Host, e.Holder.Since.UTC().Format(time.RFC3339))
}

func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// fileLock is an advisory flock on PATH.lock: exclusive for writers, shared
// for readers. The kernel drops it when the process dies, so a killed run
// never leaves a stale lock behind.
type fileLock struct {
	f         *os.File
	exclusive bool
}

func lockPath(dbPath string) string { return dbPath + ".lock" }

// ErrLockFile reports a lock file that is not a plain file: a symbolic
// link (which a writer would truncate the target of), a FIFO, a device.
var ErrLockFile = errors.New("lock file is not a regular file")

// openLock opens PATH.lock without following a symbolic link and checks
// that what it opened is a regular file.
func openLock(path string, exclusive bool) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o644)
	if err != nil && !exclusive && (errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EROFS)) {
		// A reader on a read-only directory or file system still gets a
		// consistent view if the lock file exists and is readable.
		f, err = os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	}
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("%w: %s is a symbolic link; payband does not follow it (remove it)", ErrLockFile, path)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open lock file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot open lock file: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%w: %s is a %s; remove it", ErrLockFile, path, fileKind(st.Mode()))
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Nlink > 1 {
		// A hard link shares its bytes with another name, which a
		// writer's holder text would overwrite.
		f.Close()
		return nil, fmt.Errorf("%w: %s has %d names (a hard link); remove it", ErrLockFile, path, sys.Nlink)
	}
	return f, nil
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&os.ModeNamedPipe != 0:
		return "FIFO"
	case m&os.ModeDevice != 0:
		return "device"
	case m&os.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

func acquire(ctx context.Context, dbPath string, exclusive bool, command string, wait time.Duration) (*fileLock, error) {
	f, err := openLock(lockPath(dbPath), exclusive)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	deadline := time.Now().Add(wait)
	for {
		err = syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("cannot lock %s: %w", lockPath(dbPath), err)
		}
		if wait <= 0 || time.Now().After(deadline) {
			h := readHolder(f)
			f.Close()
			return nil, &BusyError{Path: dbPath, Holder: h}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	if exclusive {
		host, _ := os.Hostname()
		b, _ := json.Marshal(Holder{PID: os.Getpid(), Host: host, Command: command, Since: time.Now().UTC()})
		if err := f.Truncate(0); err == nil {
			_, _ = f.WriteAt(append(b, '\n'), 0)
		}
	}
	return &fileLock{f: f, exclusive: exclusive}, nil
}

func readHolder(f *os.File) *Holder {
	buf := make([]byte, 4096)
	n, _ := f.ReadAt(buf, 0)
	s := strings.TrimSpace(string(buf[:n]))
	if s == "" {
		return nil
	}
	var h Holder
	if json.Unmarshal([]byte(s), &h) != nil || h.PID == 0 {
		return nil
	}
	// A writer killed with SIGKILL leaves its text behind; only name a
	// holder that is still alive on this host.
	if host, _ := os.Hostname(); host == h.Host && syscall.Kill(h.PID, 0) == syscall.ESRCH {
		return nil
	}
	return &h
}

func (l *fileLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	// Clear the holder text, then unlock before close so a waiting process
	// wakes promptly.
	if l.exclusive {
		_ = l.f.Truncate(0)
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	err := l.f.Close()
	l.f = nil
	return err
}
