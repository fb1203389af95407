package warehouse_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"payband/warehouse"
)

func TestOpenCreatesSchemaAndViews(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path, warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.SchemaVersion(ctx)
	if err != nil || v != warehouse.SchemaVersion {
		t.Fatalf("schema version %d, %v; want %d", v, err, warehouse.SchemaVersion)
	}
	problems, err := w.Check(ctx)
	if err != nil || len(problems) != 0 {
		t.Fatalf("check of a new warehouse: %v %v", problems, err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopening read-only works and sees every public view.
	r, err := warehouse.Open(ctx, path, warehouse.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, view := range warehouse.PublicViews {
		var n int
		if err := r.DB.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_type = 'VIEW'`, view).Scan(&n); err != nil || n != 1 {
			t.Errorf("view %s: %d, %v", view, n, err)
		}
	}
	if _, err := r.DB.Exec(`DELETE FROM observations`); err == nil {
		t.Error("a read-only warehouse accepted a DELETE")
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path, warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.Exec(`INSERT INTO schema_version VALUES (?, now())`, warehouse.SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		_, err = warehouse.Open(ctx, path, warehouse.Options{ReadOnly: ro})
		if !errors.Is(err, warehouse.ErrTooNew) {
			t.Errorf("read-only=%v: open of a newer file: %v, want ErrTooNew", ro, err)
		}
	}
}

func TestOlderSchemaMigrates(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path, warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Pretend the file predates every migration: drop what they made.
	if _, err := w.DB.Exec(`DROP VIEW salaries; DROP VIEW sources; DROP VIEW rejects; DROP VIEW title_map; DROP VIEW published_bands; DROP VIEW runs;
		DROP TABLE observations; DROP TABLE source_files; DROP TABLE reject_rows; DROP TABLE title_map_t; DROP TABLE published; DROP TABLE run_log; DROP TABLE meta;
		DROP SEQUENCE source_id_seq; DELETE FROM schema_version`); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := warehouse.Open(ctx, path, warehouse.Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "older") {
		t.Errorf("read-only open of an old file: %v, want a clear 'older' error", err)
	}
	w, err = warehouse.Open(ctx, path, warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if v, _ := w.SchemaVersion(ctx); v != warehouse.SchemaVersion {
		t.Errorf("after migration version %d", v)
	}
}

func TestLocking(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path, warehouse.Options{Command: "payband run nightly"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = warehouse.Open(ctx, path, warehouse.Options{})
	var be *warehouse.BusyError
	if !errors.As(err, &be) || !errors.Is(err, warehouse.ErrBusy) {
		t.Fatalf("second writer: %v, want BusyError", err)
	}
	if be.Holder == nil || be.Holder.Command != "payband run nightly" || !strings.Contains(err.Error(), "payband run nightly") {
		t.Errorf("busy error does not name the holder: %v", err)
	}
	if _, err := warehouse.Open(ctx, path, warehouse.Options{ReadOnly: true}); !errors.Is(err, warehouse.ErrBusy) {
		t.Errorf("reader during a write: %v, want ErrBusy", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w2, err := warehouse.Open(ctx, path, warehouse.Options{})
	if err != nil {
		t.Fatalf("open after release: %v", err)
	}
	w2.Close()
}

func TestMissingDirectory(t *testing.T) {
	_, err := warehouse.Open(context.Background(), filepath.Join(t.TempDir(), "no", "such", "w.duckdb"), warehouse.Options{})
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing directory: %v", err)
	}
}

// TestCaseCodeMigration: a version 1 file keeps case numbers as text; the
// migration to version 2 packs the DOL-shaped ones into case_code exactly as
// the loader does and leaves the rest as text.
func TestCaseCodeMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, path, warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Make it a version 1 file with three rows.
	if _, err := w.DB.Exec(`ALTER TABLE observations DROP COLUMN case_code; DELETE FROM schema_version WHERE version = 2;
INSERT INTO observations (source_id, row_no, year, title_raw, pay_usd, pay_usd_low, pay_usd_high, pay_unit, currency, wage_basis, case_number)
VALUES (1, 2, 2024, 'Security Manager', 1, 1, 1, 'year', 'USD', 'offered', 'I-200-19268-393130'),
       (1, 3, 2024, 'Security Manager', 1, 1, 1, 'year', 'USD', 'offered', 'EAD-17-99'),
       (1, 4, 2024, 'Security Manager', 1, 1, 1, 'year', 'USD', 'offered', NULL),
       (1, 5, 2024, 'Security Manager', 1, 1, 1, 'year', 'USD', 'offered', 'Z-999-99999-999999')`); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w, err = warehouse.Open(ctx, path, warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if v, _ := w.SchemaVersion(ctx); v != 2 {
		t.Fatalf("version %d after migration, want 2", v)
	}
	rows, err := w.DB.Query(`SELECT coalesce(case_number, '-'), coalesce(case_code, -1) FROM observations ORDER BY row_no`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %d", s, n))
	}
	want := []string{"- 820019268393130", "EAD-17-99 -1", "- -1", "- 2599999999999999"}
	if strings.Join(got, ";") != strings.Join(want, ";") {
		t.Errorf("after migration:\n got %v\nwant %v", got, want)
	}
}
