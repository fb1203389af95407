package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"payband/internal/fsatomic"
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

// Temp makes the temporary folder dir is built in, beside it
// (fsatomic.TempDir), with kind's marker already inside. Sweep first.
func Temp(dir, kind string) (string, error) {
	tmp, err := fsatomic.TempDir(dir)
	if err != nil {
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
// running left behind (fsatomic.SweepDir).
func Sweep(dir string) { fsatomic.SweepDir(dir) }

// Replace moves tmp to dir, moving an older dir aside first and removing
// it once the new one is in place (fsatomic.ReplaceDir). Check dir first.
func Replace(tmp, dir, kind string) error {
	err := fsatomic.ReplaceDir(tmp, dir)
	var left *fsatomic.LeftoverError
	if errors.As(err, &left) {
		return fmt.Errorf("%s: written to %s, but the older %s %s could not be removed: %w", kind, left.Dir, kind, left.Old, left.Err)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	return nil
}
