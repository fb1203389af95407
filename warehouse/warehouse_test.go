package warehouse_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

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
		DROP TABLE observations; DROP TABLE source_titles; DROP TABLE source_files; DROP TABLE reject_rows; DROP TABLE title_map_t; DROP TABLE published; DROP TABLE run_log; DROP TABLE meta;
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

// TestMigrationsFromVersion1: a version 1 file keeps case numbers and raw
// titles as text. Version 2 packs the DOL-shaped case numbers into
// case_code exactly as the loader does and leaves the rest as text;
// version 3 moves each file's raw titles into source_titles. The public
// views read the same rows after both.
func TestMigrationsFromVersion1(t *testing.T) {
	ctx := context.Background()
	w := version1Warehouse(t, `
INSERT INTO source_files VALUES (1, 'a.csv', '/a.csv', 'aa', 'lca', 'csv', 4, 4, 0, 0, now(), NULL),
                                (2, 'b.csv', '/b.csv', 'bb', 'lca', 'csv', 1, 1, 0, 0, now(), NULL);
INSERT INTO title_map_t VALUES ('Security Manager', 'Security Manager', 'security-manager', 'mid', 1, 'exact');
INSERT INTO observations (source_id, row_no, year, title_raw, pay_usd, pay_usd_low, pay_usd_high, pay_unit, currency, wage_basis, case_number)
VALUES (1, 2, 2024, 'Security Manager', 1, 1, 1, 'year', 'USD', 'offered', 'I-200-19268-393130'),
       (1, 3, 2024, 'Security Manager', 2, 2, 2, 'year', 'USD', 'offered', 'EAD-17-99'),
       (1, 4, 2024, 'Chef', 3, 3, 3, 'year', 'USD', 'offered', NULL),
       (1, 5, 2024, 'Security Manager', 4, 4, 4, 'year', 'USD', 'offered', 'Z-999-99999-999999'),
       (2, 2, 2024, 'Security Manager', 5, 5, 5, 'year', 'USD', 'offered', NULL)`)
	if v, _ := w.SchemaVersion(ctx); v != warehouse.SchemaVersion {
		t.Fatalf("version %d after migration, want %d", v, warehouse.SchemaVersion)
	}
	got := rowsOf(t, w, `SELECT coalesce(o.case_number, '-'), coalesce(o.case_code, -1), s.title_raw, s.family, s.pay_usd
FROM observations o JOIN salaries s ON s.source = CASE o.source_id WHEN 1 THEN 'a.csv' ELSE 'b.csv' END AND s.row_no = o.row_no
ORDER BY o.source_id, o.row_no`)
	want := []string{"- 820019268393130 Security Manager security-manager 1", "EAD-17-99 -1 Security Manager security-manager 2",
		"- -1 Chef  3", "- 2599999999999999 Security Manager security-manager 4", "- -1 Security Manager security-manager 5"}
	if strings.Join(got, ";") != strings.Join(want, ";") {
		t.Errorf("after migration:\n got %q\nwant %q", got, want)
	}
	if got := rowsOf(t, w, `SELECT title_raw, rows FROM title_map`); strings.Join(got, ";") != "Security Manager 4" {
		t.Errorf("title_map after migration: %q", got)
	}
	// Each file has its own dictionary: three titles, two of them the same text.
	if got := rowsOf(t, w, `SELECT count(*), count(DISTINCT title_raw) FROM source_titles`); strings.Join(got, ";") != "3 2" {
		t.Errorf("source_titles after migration: %q", got)
	}
}

// rowsOf runs q and joins each row's values with spaces.
func rowsOf(t *testing.T, w *warehouse.Warehouse, q string) []string {
	t.Helper()
	rows, err := w.DB.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSalariesLevels checks how the salaries view decodes a row's level
// (docs/methodology.md, "Levels"), and that a query reading no level pays
// nothing for it: the plan of a count by family neither reads nor decodes
// the experience and wage level columns.
func TestSalariesLevels(t *testing.T) {
	ctx := context.Background()
	w := version1Warehouse(t, `
INSERT INTO source_files VALUES (1, 'a.csv', '/a.csv', 'aa', 'lca', 'csv', 9, 9, 0, 0, now(), NULL);
INSERT INTO title_map_t VALUES ('Security Manager', 'Security Manager', 'security-manager', 'mid', 1, 'exact'),
                               ('Junior Analyst', 'Security Analyst', 'security-analyst', 'junior', 1, 'exact');
INSERT INTO observations (source_id, row_no, year, title_raw, pay_usd, pay_usd_low, pay_usd_high, pay_unit, currency, wage_basis, experience_level, wage_level)
VALUES (1, 2, 2024, 'Chef', 1, 1, 1, 'year', 'USD', 'reported', ' se ', NULL),
       (1, 3, 2024, 'Chef', 1, 1, 1, 'year', 'USD', 'reported', 'Expert', 'I'),
       (1, 4, 2024, 'Chef', 1, 1, 1, 'year', 'USD', 'offered', NULL, 'level iii'),
       (1, 5, 2024, 'Chef', 1, 1, 1, 'year', 'USD', 'offered', NULL, '4'),
       (1, 6, 2024, 'Chef', 1, 1, 1, 'year', 'USD', 'offered', NULL, 'V'),
       (1, 7, 2024, 'Chef', 1, 1, 1, 'year', 'USD', 'offered', 'DIRECTOR', 'I'),
       (1, 8, 2024, 'Chef', 1, 1, 1, 'year', 'USD', 'offered', NULL, NULL),
       (1, 9, 2024, 'Security Manager', 1, 1, 1, 'year', 'USD', 'offered', NULL, 'IV'),
       (1, 10, 2024, 'Junior Analyst', 1, 1, 1, 'year', 'USD', 'offered', 'XX', ' Level 2')`)
	got := rowsOf(t, w, `SELECT row_no, level, coalesce(experience_level, '-'), title_seniority, level_rank FROM salaries ORDER BY row_no`)
	want := []string{
		"2 senior senior unspecified 4", // the survey's code, trimmed, any case
		"3 senior senior unspecified 4", // the experience level before the wage level
		"4 senior - unspecified 4",      // the wage level, any case
		"5 lead - unspecified 5",
		"6 unspecified - unspecified 8", // a wage level the ladder does not know
		"7 executive executive unspecified 7",
		"8 unspecified - unspecified 8",
		"9 mid - mid 3",      // the title's words before the wage level
		"10 entry - entry 2", // junior reads entry; an unknown code says nothing
	}
	if strings.Join(got, ";") != strings.Join(want, ";") {
		t.Errorf("levels:\n got %q\nwant %q", got, want)
	}

	var plan strings.Builder
	rows, err := w.DB.QueryContext(ctx, `EXPLAIN SELECT family, count(*) FROM salaries GROUP BY family`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, text string
		if err := rows.Scan(&kind, &text); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(text)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"wage_level", "experience_level"} {
		if strings.Contains(plan.String(), col) {
			t.Errorf("a count by family reads %s:\n%s", col, plan.String())
		}
	}
}

// version1Warehouse writes a warehouse of schema version 1 holding the rows
// inserts adds, and opens it, which migrates it to the current version.
func version1Warehouse(t *testing.T, inserts string) *warehouse.Warehouse {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	v1, err := os.ReadFile(filepath.Join("sql", "001_init.sql"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(v1) + `;
CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL);
INSERT INTO schema_version VALUES (1, now());
` + inserts); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	w, err := warehouse.Open(context.Background(), path, warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}
