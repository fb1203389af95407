package clickhouse

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"payband/ingest"
)

// One server, no cluster: a file replaced at its path is re-exported with
// its new rows only, and a retired source is removed.
func TestExportReplacedAndRetired(t *testing.T) {
	srcs := sharedPaths(t, "salaries_cyber.csv", "h1b_kaggle_first3248.csv")
	servers := startServers(t, 1)
	ctx := context.Background()
	dir := t.TempDir()
	// A working copy, so the test can change the file and load it again.
	orig, err := os.ReadFile(srcs[0])
	if err != nil {
		t.Fatal(err)
	}
	cyber := filepath.Join(dir, "salaries_cyber.csv")
	if err := os.WriteFile(cyber, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	w := loadWarehouse(t, cyber, srcs[1])
	tg := Target{Addr: servers[0].HTTP, Database: "single"}
	if _, err := Export(ctx, w.DB, tg, nil); err != nil {
		t.Fatal(err)
	}
	remote, _ := remoteCounts(t, tg)
	sameCounts(t, "first export", localCounts(t, w.DB), remote)

	// The file loses its last 200 lines and is loaded again: the warehouse
	// retires the old version of the path.
	lines := bytes.SplitAfter(orig, []byte("\n"))
	short := bytes.Join(lines[:len(lines)-201], nil)
	if err := os.WriteFile(cyber, short, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := ingest.File(ctx, w, cyber, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Replaced != 1 {
		t.Fatalf("the changed file replaced %d sources, want 1", res.Replaced)
	}
	sum, err := Export(ctx, w.DB, tg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Exported) != 1 || len(sum.Skipped) != 1 || len(sum.Removed) != 0 {
		t.Errorf("export after the replacement: %+v", sum)
	}
	local := localCounts(t, w.DB)
	remote, marks := remoteCounts(t, tg)
	sameCounts(t, "after the replacement", local, remote)
	if marks != 2 {
		t.Errorf("%d sources rows, want 2", marks)
	}

	// Retire the H-1B file as `payband run --prune` does.
	if _, err := w.DB.ExecContext(ctx, `UPDATE source_files SET retired_at = now() WHERE retired_at IS NULL AND name = ?`, "h1b_kaggle_first3248.csv"); err != nil {
		t.Fatal(err)
	}
	sum, err = Export(ctx, w.DB, tg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Removed) != 1 || sum.Removed[0] != "h1b_kaggle_first3248.csv" || len(sum.Exported) != 0 {
		t.Errorf("export after the retirement: %+v", sum)
	}
	remote, marks = remoteCounts(t, tg)
	sameCounts(t, "after the retirement", localCounts(t, w.DB), remote)
	if marks != 1 {
		t.Errorf("%d sources rows, want 1", marks)
	}
}
