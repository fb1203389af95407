package outdir

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestCheck: a missing or empty folder and one holding the kind's marker
// may be written; a link, a file, another kind's folder and a folder of
// other files are refused as not ours.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, files ...string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(p, f), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "latest")
	if err := os.Symlink(mk("target", MarkerName("report")), link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		ok   bool
	}{
		{filepath.Join(dir, "missing"), true},
		{mk("empty"), true},
		{mk("ours", MarkerName("report"), "index.html"), true},
		{mk("export", MarkerName("export")), false},
		{mk("other", "index.html"), false},
		{file, false},
		{link, false},
	} {
		err := Check(c.path, "report")
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrNotOurs)) {
			t.Errorf("Check(%s) = %v, want ok %v", filepath.Base(c.path), err, c.ok)
		}
	}
}

// TestReplace: a folder built in Temp carries the marker, replaces the
// older one and leaves nothing beside it; the result passes Check again.
func TestReplace(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "report")
	for _, content := range []string{"first", "second"} {
		if err := Check(dir, "report"); err != nil {
			t.Fatal(err)
		}
		tmp, err := Temp(dir, "report")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(tmp, MarkerName("report"))); err != nil {
			t.Fatalf("no marker in the temporary folder: %v", err)
		}
		if err := os.WriteFile(filepath.Join(tmp, "index.html"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Replace(tmp, dir, "report"); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(b) != content {
			t.Errorf("index.html = %q, want %q", b, content)
		}
	}
	ents, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 {
		t.Errorf("beside the report: %d entries, want the report alone", len(ents))
	}
}
