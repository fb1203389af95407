package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"payband/synth"
	"payband/warehouse"
)

// The hash is taken from the bytes the load reads and checked at its end:
// loading a file of several chunks a second time must still find it loaded
// and change nothing, and a changed
// file at the same path must still replace the earlier version.
func TestHashCheckedBesideTheLoad(t *testing.T) {
	opt := Options{maxHeldRejects: 1} // every batch with a reject ends a chunk
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "lca.csv")
	gen := func(seed int64) { writeLCA(t, path, 30_000, seed) }
	w, err := warehouse.Open(ctx, filepath.Join(dir, "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	state := func() (obs, active, all int64) {
		t.Helper()
		err := w.DB.QueryRow(`SELECT (SELECT count(*) FROM salaries), (SELECT count(*) FROM sources),
			(SELECT count(*) FROM source_files)`).Scan(&obs, &active, &all)
		if err != nil {
			t.Fatal(err)
		}
		return
	}

	gen(1)
	first, err := File(ctx, w, path, opt)
	if err != nil || first.AlreadyLoaded || first.Loaded == 0 {
		t.Fatalf("first load: %+v, %v", first, err)
	}
	o1, a1, f1 := state()
	// Chunked by rejects, the load still stores every row once.
	var rejects int64
	if err := w.DB.QueryRow(`SELECT count(*) FROM reject_rows`).Scan(&rejects); err != nil {
		t.Fatal(err)
	}
	if o1 != first.Loaded || rejects != first.Rejected || first.Rejected < 2 {
		t.Fatalf("stored %d rows and %d rejects; the load says %d and %d", o1, rejects, first.Loaded, first.Rejected)
	}
	again, err := File(ctx, w, path, opt)
	if err != nil || !again.AlreadyLoaded || again.SHA256 != first.SHA256 {
		t.Fatalf("second load of the same file: %+v, %v", again, err)
	}
	if o2, a2, f2 := state(); o2 != o1 || a2 != a1 || f2 != f1 {
		t.Errorf("already loaded file changed the warehouse: rows %d -> %d, active %d -> %d, sources %d -> %d", o1, o2, a1, a2, f1, f2)
	}

	gen(2)
	changed, err := File(ctx, w, path, opt)
	if err != nil || changed.AlreadyLoaded || changed.Replaced != 1 || changed.SHA256 == first.SHA256 {
		t.Fatalf("changed file: %+v, %v", changed, err)
	}
	if _, active, all := state(); active != 1 || all != 2 {
		t.Errorf("after replacing: %d active sources of %d, want 1 of 2", active, all)
	}
}

// Check finds the rows of a loaded file whose title is gone from its
// dictionary, which the salaries view would silently leave out.
func TestCheckFindsRowsWithoutTitle(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lca.csv")
	writeLCA(t, path, 3_000, 3)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := File(ctx, w, path, Options{}); err != nil {
		t.Fatal(err)
	}
	if problems, err := w.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check after a load: %q, %v", problems, err)
	}
	var lost int64
	if err := w.DB.QueryRowContext(ctx, `SELECT count(*) FROM observations WHERE title_id = (SELECT min(title_id) FROM source_titles)`).Scan(&lost); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.ExecContext(ctx, `DELETE FROM source_titles WHERE title_id = (SELECT min(title_id) FROM source_titles)`); err != nil {
		t.Fatal(err)
	}
	problems, err := w.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d stored rows have no title", lost)
	if lost == 0 || len(problems) != 1 || !strings.HasPrefix(problems[0], want) {
		t.Errorf("check after losing a title of %d rows: %q, want one problem starting %q", lost, problems, want)
	}
}

// writeLCA writes a generated LCA file of rows rows to path.
func writeLCA(t *testing.T, path string, rows int, seed int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Generate(context.Background(), f, synth.Options{Rows: rows, Seed: seed, Profile: synth.ProfileLCA}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
