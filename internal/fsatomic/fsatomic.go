package fsatomic

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// WriteFile writes path through a temporary file in path's directory,
// renamed into place only when write, Chmod and Close all succeed; on any
// failure the temporary file is removed and path is as it was. The file
// gets mode perm exactly (not masked by the umask).
func WriteFile(path string, perm fs.FileMode, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// dirPrefix is the start of the names of dir's temporary folders made by
// this process: ".BASE.tmp-PID-" (the next version) and ".BASE.old-PID-"
// (the older one, moved aside). The PID lets SweepDir tell a killed
// process's leftovers from a live one's.
func dirPrefix(dir, what string, pid int) string {
	return "." + filepath.Base(dir) + "." + what + "-" + strconv.Itoa(pid) + "-"
}

// TempDir makes an empty folder, mode 0755, beside dir (in its parent) to
// build dir's next version in; ReplaceDir then moves it into place. Its
// name is ".BASE.tmp-PID-" and a random suffix, so SweepDir recognises
// the leftovers of a killed process.
func TempDir(dir string) (string, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(dir), dirPrefix(dir, "tmp", os.Getpid()))
	if err != nil {
		return "", err
	}
	// MkdirTemp makes 0700; a report or export is meant to be read.
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	return tmp, nil
}

// ReplaceDir moves the folder tmp to dir. An existing dir is first moved
// aside under a fresh name, and removed once tmp is in place; if tmp
// cannot be moved, the old dir is put back. Between the two renames dir
// is briefly absent, never half-written.
func ReplaceDir(tmp, dir string) error {
	old := ""
	if _, err := os.Lstat(dir); err == nil {
		// A fresh name, so an aside left by a killed process is no obstacle.
		o, err := os.MkdirTemp(filepath.Dir(dir), dirPrefix(dir, "old", os.Getpid()))
		if err != nil {
			return err
		}
		if err := os.Remove(o); err != nil {
			return err
		}
		if err := os.Rename(dir, o); err != nil {
			return fmt.Errorf("cannot move the older %s aside: %w", dir, err)
		}
		old = o
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		return err
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return &LeftoverError{Dir: dir, Old: old, Err: err}
		}
	}
	return nil
}

// SweepDir removes the temporary folders beside dir (TempDir's and
// ReplaceDir's) that processes no longer running left behind, killed
// before they could clean up. A live process's folders are left alone:
// two commands may write beside the same folder at once.
func SweepDir(dir string) {
	parent := filepath.Dir(dir)
	ents, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	base := "." + filepath.Base(dir) + "."
	for _, e := range ents {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, base) {
			continue
		}
		rest := name[len(base):]
		var ok bool
		for _, what := range []string{"tmp-", "old-"} {
			if r, found := strings.CutPrefix(rest, what); found {
				rest, ok = r, true
			}
		}
		if !ok {
			continue
		}
		pidText, _, found := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !found || err != nil || pid <= 0 {
			continue
		}
		if pid == os.Getpid() || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue
		}
		os.RemoveAll(filepath.Join(parent, name))
	}
}

// LeftoverError is ReplaceDir's one partial success: the new folder is in
// place, but the older one it moved aside could not be removed.
type LeftoverError struct {
	Dir, Old string
	Err      error
}

func (e *LeftoverError) Error() string {
	return fmt.Sprintf("written to %s, but the older version %s could not be removed: %v", e.Dir, e.Old, e.Err)
}

func (e *LeftoverError) Unwrap() error { return e.Err }

// ErrNotSymlink is returned by Symlink when link exists and is something
// other than a symbolic link, which Symlink refuses to replace.
var ErrNotSymlink = errors.New("exists and is not a symbolic link")

// Symlink points link at target (stored as given, so a relative target is
// relative to link's directory), atomically: a new link is made beside it
// and renamed over it, so link always resolves to the old target or the
// new one.
func Symlink(target, link string) error {
	if st, err := os.Lstat(link); err == nil && st.Mode()&os.ModeSymlink == 0 {
		return fmt.Errorf("%s %w; move it away", link, ErrNotSymlink)
	}
	tmp := filepath.Join(filepath.Dir(link), "."+filepath.Base(link)+"-"+filepath.Base(target))
	_ = os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
