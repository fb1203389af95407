package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"payband/warehouse"
)

// documentedCatalog reads the names docs/warehouse.md documents: each view
// under "## Views" (### `name`) and each table in the "## Tables" list.
func documentedCatalog(t *testing.T) (views, tables []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "warehouse.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := ""
	viewRE := regexp.MustCompile("^### `([a-z_]+)`")
	tableRE := regexp.MustCompile("^- `([a-z_0-9]+)`")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "## ") {
			section = strings.TrimPrefix(line, "## ")
			continue
		}
		switch {
		case section == "Views":
			if m := viewRE.FindStringSubmatch(line); m != nil {
				views = append(views, m[1])
			}
		case section == "Tables":
			if m := tableRE.FindStringSubmatch(line); m != nil {
				tables = append(tables, m[1])
			}
		}
	}
	sort.Strings(views)
	sort.Strings(tables)
	return views, tables
}

// TestCatalogHoldsOnlyDocumentedObjects: after loads of every kind (a
// survey CSV, an LCA file, a title remap), the warehouse holds only the
// tables and views docs/warehouse.md names, and every one of them answers
// a query, through payband query and through a plain DuckDB client.
func TestCatalogHoldsOnlyDocumentedObjects(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	survey := filepath.Join(dir, "survey.csv")
	lca := filepath.Join(dir, "lca.csv")
	genFile(t, survey, "survey", 300, 3)
	genFile(t, lca, "lca", 300, 4)
	mustRun(t, "--db", db, "-q", "ingest", survey, lca)
	mustRun(t, "--db", db, "-q", "titles", "remap")

	wantViews, wantTables := documentedCatalog(t)
	if len(wantViews) < 6 || len(wantTables) < 5 {
		t.Fatalf("docs/warehouse.md documents views %v, tables %v", wantViews, wantTables)
	}
	w, err := warehouse.Open(context.Background(), db, warehouse.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	list := func(q string) []string {
		rows, err := w.DB.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var names []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			names = append(names, s)
		}
		return names
	}
	views := list(`SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1`)
	tables := list(`SELECT table_name FROM duckdb_tables() WHERE NOT internal ORDER BY 1`)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(views, ",") != strings.Join(wantViews, ",") {
		t.Errorf("views in the catalog %v, documented %v", views, wantViews)
	}
	if strings.Join(tables, ",") != strings.Join(wantTables, ",") {
		t.Errorf("tables in the catalog %v, documented %v", tables, wantTables)
	}
	// Each one answers, in a child process so a crash is a failure, not
	// the end of the test binary.
	for _, name := range append(views, tables...) {
		cmd := asMain("--db", db, "query", "--format", "csv", "select count(*) from "+name)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("select from %s: %v\n%.500s", name, err, out)
		}
	}
}
