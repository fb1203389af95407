package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"payband/ingest"
	"payband/titles"
	"payband/warehouse"
)

// TestTitlesMappedOncePerLoad: `payband ingest` maps a file's titles once;
// the first `payband run` after it finds them mapped with its own
// fingerprint and matches none again. An overrides file changes the
// fingerprint, so the next run re-maps, and applies it.
func TestTitlesMappedOncePerLoad(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.gen(t, "a.csv", 3000, 1, "survey")
	w, err := warehouse.Open(ctx, f.db, warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tax, err := titles.DefaultTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	m := titles.NewMatcher(tax) // the matcher ingest uses by default
	res, err := ingest.File(ctx, w, filepath.Join(f.dir, "raw", "a.csv"), ingest.Options{Profile: "survey", Matcher: m})
	if err != nil {
		w.Close()
		t.Fatal(err)
	}
	var distinct int64
	if err := w.DB.QueryRow(`SELECT count(*) FROM title_map_t`).Scan(&distinct); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := m.Calls(); got != distinct || res.Loaded == 0 {
		t.Fatalf("ingest matched %d titles for %d distinct (%d rows loaded)", got, distinct, res.Loaded)
	}

	cfg := f.config(t, baseConfig)
	m1 := f.mustRun(t, cfg)
	if got := f.matcher.Calls(); got != 0 || m1.Taxonomy.Remapped {
		t.Fatalf("first run after the ingest matched %d titles (remapped %v), want 0", got, m1.Taxonomy.Remapped)
	}

	// An override pins one title: the fingerprint changes, the run re-maps.
	wr := f.open(t)
	var title string
	if err := wr.DB.QueryRow(`SELECT title_raw FROM title_map WHERE family = '' AND rows > 0 ORDER BY rows DESC, title_raw LIMIT 1`).Scan(&title); err != nil {
		t.Fatal(err)
	}
	wr.Close()
	ov := filepath.Join(f.dir, "overrides.csv")
	if err := os.WriteFile(ov, []byte("title_raw,family,title,level\n\""+title+"\",security-auditor,,senior\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg = f.config(t, baseConfig+"overrides: overrides.csv\n")
	m2 := f.mustRun(t, cfg)
	if got := f.matcher.Calls(); got != distinct || !m2.Taxonomy.Remapped || m2.Taxonomy.Changed == 0 {
		t.Fatalf("run with overrides matched %d titles (want %d), remapped %v, changed %d", got, distinct, m2.Taxonomy.Remapped, m2.Taxonomy.Changed)
	}
	wr = f.open(t)
	var fam, level string
	if err := wr.DB.QueryRow(`SELECT family, seniority FROM title_map WHERE title_raw = ?`, title).Scan(&fam, &level); err != nil {
		t.Fatal(err)
	}
	wr.Close()
	if fam != "security-auditor" || level != "senior" {
		t.Errorf("override of %q: got %s/%s", title, fam, level)
	}
	f.mustRun(t, cfg)
	if got := f.matcher.Calls(); got != 0 {
		t.Errorf("third run matched %d titles, want 0", got)
	}
}
