// Package outdir writes output folders (a report, an export) the safe way:
// built in a temporary folder beside the target, then renamed into place.
// An existing target is replaced only when payband made it, which a marker
// file inside says; anything else, and a symbolic link such as a run's
// `latest`, is refused. Temporary folders of runs that were killed are
// swept by the next command that writes beside them.
package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ErrNotOurs reports a target folder payband did not make.
var ErrNotOurs = errors.New("not a folder payband made")

// MarkerName is the marker file of a folder of the given kind ("report",
// "export").
func MarkerName(kind string) string { return ".payband-" + kind }

// Check says whether dir may be written as a folder of kind: it does not
// exist, or is an empty folder, or is a folder holding kind's marker. A
// symbolic link (a run's latest link), a file, or a folder with other
// contents is refused in one sentence.
func Check(dir, kind string) error {
	st, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	if st.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s: %w: %s is a symbolic link (a run's latest link?); payband does not write through it, give the folder itself", kind, ErrNotOurs, dir)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s: %w: %s exists and is not a folder", kind, ErrNotOurs, dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	if len(ents) == 0 {
		return nil
	}
	if st, err := os.Lstat(filepath.Join(dir, MarkerName(kind))); err == nil && st.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("%s: %w: %s is not empty and has no %s marker of an earlier %s; refusing to replace it (move it away, or give a new folder)",
		kind, ErrNotOurs, dir, MarkerName(kind), kind)
}

// prefix is the start of the names of dir's temporary folders of one
// process: .BASE.tmp-PID- and .BASE.old-PID-.
func prefix(dir, what string, pid int) string {
	return "." + filepath.Base(dir) + "." + what + "-" + strconv.Itoa(pid) + "-"
}

// Temp makes the temporary folder dir is built in, beside it, with kind's
// marker already inside. Sweep first.
func Temp(dir, kind string) (string, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(dir), prefix(dir, "tmp", os.Getpid()))
	if err != nil {
		return "", fmt.Errorf("%s: %w", kind, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("%s: %w", kind, err)
	}
	m := filepath.Join(tmp, MarkerName(kind))
	if err := os.WriteFile(m, []byte("made by payband "+kind+"; payband replaces this folder only while this file is here\n"), 0o644); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("%s: %w", kind, err)
	}
	return tmp, nil
}

// Sweep removes the temporary folders beside dir that processes no longer
// running left behind (killed before they could clean up). A live
// process's folders are left alone: two commands may write beside the same
// folder at once.
func Sweep(dir string) {
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

// Replace moves tmp to dir, moving an older dir aside first and removing
// it once the new one is in place. Check dir first.
func Replace(tmp, dir, kind string) error {
	old := ""
	if _, err := os.Lstat(dir); err == nil {
		o, err := os.MkdirTemp(filepath.Dir(dir), prefix(dir, "old", os.Getpid()))
		if err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		if err := os.Remove(o); err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		if err := os.Rename(dir, o); err != nil {
			return fmt.Errorf("%s: cannot move the older %s aside: %w", kind, kind, err)
		}
		old = o
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		return fmt.Errorf("%s: %w", kind, err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("%s: written to %s, but the older %s %s could not be removed: %w", kind, dir, kind, old, err)
		}
	}
	return nil
}
