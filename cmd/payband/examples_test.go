package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamplePipelineRunsAsShipped copies examples/ as a user would find it
// in a fresh clone and runs its pipeline: every glob it names must match a
// shipped file and every path it names must exist.
func TestExamplePipelineRunsAsShipped(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "examples")
	src := filepath.Join("..", "..", "examples")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if rel == "reports" || strings.HasPrefix(rel, "reports"+string(filepath.Separator)) {
			return filepath.SkipDir // a run's output in a developer's checkout
		}
		dst := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "w.duckdb")
	_, errs, err := run(t, "--db", db, "run", "--config", filepath.Join(dir, "pipeline.yaml"))
	if err != nil {
		t.Fatalf("examples/pipeline.yaml as shipped: %v\n%s", err, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "reports", "latest", "index.html")); err != nil {
		t.Fatalf("no report from the example pipeline: %v", err)
	}
	out := mustRun(t, "--db", db, "query", "select count(distinct source) from salaries")
	if !strings.Contains(out, "3") {
		t.Errorf("the example's three sources did not all load:\n%s", out)
	}
}

// TestGenSaysWhatItWroteReadableByAll: gen names its output and writes it
// 0644, not CreateTemp's 0600.
func TestGenSaysWhatItWroteReadableByAll(t *testing.T) {
	out := filepath.Join(t.TempDir(), "g.csv")
	_, errs, err := run(t, "gen", "--rows", "10", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errs, "wrote 10 synthetic lca rows") || !strings.Contains(errs, out) {
		t.Errorf("gen printed %q; want the row count and the file", errs)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("gen wrote mode %v, want 0644", fi.Mode().Perm())
	}
}
