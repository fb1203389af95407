package fsatomic

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := WriteFile(p, 0o644, write("one")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	// The mode is set, not left at CreateTemp's 0600.
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	boom := errors.New("boom")
	err = WriteFile(p, 0o644, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Errorf("after a failed write the file holds %q, want the old %q", b, "one")
	}
	if n := names(t, dir); len(n) != 1 {
		t.Errorf("a failed write left %v", n)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "b.txt"), 0o644, write("x")); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

func TestReplaceDir(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "report")
	for i, content := range []string{"first", "second"} {
		tmp, err := TempDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(tmp); st.Mode().Perm() != 0o755 {
			t.Errorf("temp folder mode %v, want 0755", st.Mode().Perm())
		}
		if err := os.WriteFile(filepath.Join(tmp, "index.html"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := ReplaceDir(tmp, dir); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(b) != content {
			t.Errorf("round %d: index.html = %q, want %q", i, b, content)
		}
		// Neither the temp folder nor the older version is left.
		if n := names(t, parent); len(n) != 1 || n[0] != "report" {
			t.Errorf("round %d: parent holds %v, want [report]", i, n)
		}
	}
	// A failed move puts the older version back.
	if err := ReplaceDir(filepath.Join(parent, "no-such-tmp"), dir); err == nil {
		t.Fatal("replacing with a missing folder succeeded")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(b) != "second" {
		t.Errorf("after a failed replace index.html = %q, want the older %q", b, "second")
	}
	if n := names(t, parent); len(n) != 1 {
		t.Errorf("a failed replace left %v", n)
	}
}

func TestSymlink(t *testing.T) {
	out := t.TempDir()
	link := filepath.Join(out, "latest")
	for _, target := range []string{"run-1", "run-2"} {
		if err := os.Mkdir(filepath.Join(out, target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		if got, err := os.Readlink(link); err != nil || got != target {
			t.Errorf("latest -> %q (%v), want %q (relative)", got, err, target)
		}
	}
	if n := names(t, out); len(n) != 3 {
		t.Errorf("folder holds %v, want two runs and the link", n)
	}
	// A real folder where the link belongs is refused, not replaced.
	other := filepath.Join(t.TempDir(), "latest")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Symlink("run-1", other); !errors.Is(err, ErrNotSymlink) {
		t.Errorf("err = %v, want ErrNotSymlink", err)
	}
	if st, err := os.Lstat(other); err != nil || !st.IsDir() {
		t.Errorf("the folder was touched: %v %v", st, err)
	}
}

// TestSweepDir: leftovers of a process that is gone are removed, a live
// process's (and this one's) stay, and folders of other names are not
// touched.
func TestSweepDir(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "report")
	done := exec.Command("true")
	if err := done.Run(); err != nil {
		t.Fatal(err)
	}
	dead := strconv.Itoa(done.Process.Pid)
	names := map[string]bool{ // name: kept
		".report.tmp-" + dead + "-1":                       false,
		".report.old-" + dead + "-2":                       false,
		".report.tmp-" + strconv.Itoa(os.Getppid()) + "-3": true,
		".report.tmp-" + strconv.Itoa(os.Getpid()) + "-4":  true,
		".other.tmp-" + dead + "-5":                        true,
		".report.tmp-x-6":                                  true,
	}
	for n := range names {
		if err := os.Mkdir(filepath.Join(parent, n), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	own, err := TempDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	SweepDir(dir)
	for n, kept := range names {
		if _, err := os.Stat(filepath.Join(parent, n)); (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", n, err == nil, kept)
		}
	}
	if _, err := os.Stat(own); err != nil {
		t.Errorf("the sweep removed this process's own %s", own)
	}
}
