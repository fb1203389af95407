package warehouse

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func TestCheckQuery(t *testing.T) {
	for _, tc := range []struct {
		q  string
		ok bool
	}{
		{"SELECT 1", true},
		{"select 1;", true},
		{"select 1 ; ; ", true},
		{"  (SELECT 1) UNION ALL (SELECT 2)", true},
		{"-- note\nWITH a AS (SELECT 1) SELECT * FROM a", true},
		{"FROM salaries", true},
		{"DESCRIBE salaries", true},
		{"EXPLAIN SELECT 1", true},
		{"EXPLAIN (FORMAT json) SELECT 1", true},
		{"PRAGMA table_info('salaries')", true},
		{"SELECT 1; SELECT 2", false},
		{"SELECT ';'; SELECT 2", false},
		{"SELECT 1; COPY (SELECT 1) TO 'x.csv'", false},
		{"EXPLAIN ANALYZE SELECT 1", false},
		{"EXPLAIN ANALYSE SELECT 1", false},
		{"EXPLAIN (ANALYZE, FORMAT json) SELECT 1", false},
		{"EXPLAIN /* x */ ANALYZE SELECT 1", false},
		{"EXPLAIN COPY (SELECT 1) TO 'x'", false},
		{"EXPLAIN EXPLAIN ANALYZE SELECT 1", false},
		{"PRAGMA threads=2", false},
		{"PRAGMA table_info = 2", false},
		{"PRAGMA enable_profiling", false},
		{"COPY x TO 'y'", false},
		{"EXPORT DATABASE 'd'", false},
		{"ATTACH 'x' AS y", false},
		{"INSTALL httpfs", false},
		{"SET threads = 1", false},
		{"RESET threads", false},
		{"CALL checkpoint()", false},
		{"", false},
		{";", false},
		{"/* only a comment */", false},
		{"SELECT 1\x00; DROP TABLE x", false},
	} {
		_, err := CheckQuery(tc.q)
		if tc.ok && err != nil {
			t.Errorf("CheckQuery(%q) = %v, want accepted", tc.q, err)
		}
		if !tc.ok && err == nil {
			t.Errorf("CheckQuery(%q) accepted, want a refusal or a syntax error", tc.q)
		}
	}
}

// FuzzCheckQuery: whatever the text, CheckQuery does not panic, and what
// it accepts is one statement with an allowed leading keyword.
func FuzzCheckQuery(f *testing.F) {
	for _, s := range []string{"SELECT 1", "SELECT 1; SELECT 2", "EXPLAIN ANALYZE SELECT 1", "/*", "--", "(((", "PRAGMA x", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		s, err := CheckQuery(q)
		if err != nil {
			return
		}
		if n, err := CountStatements(s); err != nil || n != 1 {
			t.Fatalf("accepted %q: %d statements, %v", q, n, err)
		}
		if checkKeywords(s) != nil {
			t.Fatalf("accepted %q with a refused keyword", q)
		}
	})
}

// TestQuerySandbox: the policy holds through Warehouse.Query too, and the
// sandbox's settings are fixed before any SQL runs.
func TestQuerySandbox(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := Open(ctx, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Query(ctx, "SELECT 1", 0); err == nil {
		t.Error("Query ran on a warehouse not opened with Sandbox")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w, err = Open(ctx, db, Options{Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if !w.ReadOnly {
		t.Error("a sandboxed warehouse is not read-only")
	}
	for _, q := range []string{"SET enable_external_access = true", "SELECT * FROM read_text('/etc/passwd')", "SELECT 1; SELECT 2"} {
		if _, err := w.Query(ctx, q, 0); !errors.Is(err, ErrRefused) {
			t.Errorf("Query(%q) = %v, want a refusal", q, err)
		}
	}
	// Even a SET that reached DuckDB directly is refused by the locked
	// configuration.
	if _, err := w.DB.ExecContext(ctx, "SET enable_external_access = true"); err == nil {
		t.Error("SET on the sandbox's connection succeeded")
	}
	r, err := w.Query(ctx, "SELECT range FROM range(10)", 3)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r.Next() {
		n++
	}
	if n != 3 || !r.Truncated() || r.Err() != nil {
		t.Errorf("limit 3: %d rows, truncated %v, %v", n, r.Truncated(), r.Err())
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}
