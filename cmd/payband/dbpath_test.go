package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDBMustBeDuckDBOrNew: an existing file that is not a DuckDB database
// (CSV, Parquet, JSON, gzip, empty) or a directory is refused as --db by
// every kind of command, in one line with exit 2, and left untouched; a
// new path of any name becomes a warehouse.
func TestDBMustBeDuckDBOrNew(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "survey.csv")
	genFile(t, src, "survey", 30, 2)
	files := map[string][]byte{
		"victim.csv":     []byte("a,b\n1,2\n"),
		"victim.parquet": append([]byte("PAR1"), bytes.Repeat([]byte{0}, 64)...),
		"victim.json":    []byte(`{"a": 1}` + "\n"),
		"empty.duckdb":   {},
		"victim.csv.gz":  {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sub := filepath.Join(dir, "adir")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"victim.csv", "victim.parquet", "victim.json", "victim.csv.gz", "empty.duckdb", "adir"} {
		p := filepath.Join(dir, name)
		for _, args := range [][]string{{"-q", "ingest", src}, {"query", "select 1"}, {"check"}, {"bands"}} {
			_, _, err := run(t, append([]string{"--db", p}, args...)...)
			if ExitCode(err) != exitUsage || err == nil || !strings.Contains(err.Error(), "--db must name a DuckDB warehouse") ||
				strings.Contains(err.Error(), "\n") {
				t.Errorf("--db %s %v: %v (exit %d), want a one-line refusal with exit 2", name, args, err, ExitCode(err))
			}
		}
		if b, ok := files[name]; ok {
			if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, b) {
				t.Errorf("%s changed: %v", name, err)
			}
		}
		if _, err := os.Stat(p + ".lock"); err == nil {
			t.Errorf("%s.lock was created", name)
		}
	}
	fresh := filepath.Join(dir, "new.csv")
	mustRun(t, "--db", fresh, "-q", "ingest", src)
	if out := mustRun(t, "--db", fresh, "query", "--format", "csv", "select count(*) from salaries"); out != "count_star()\n30\n" {
		t.Errorf("a new path named .csv: %q", out)
	}
}
