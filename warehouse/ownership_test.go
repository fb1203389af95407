package warehouse

import (
	"fmt"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The warehouse owns every table (docs/architecture.md, "Who owns what"):
// no SQL outside this package creates, alters, drops or writes one of its
// tables or views. These tests hold the module to that.

// schemaObjectDef finds the objects a schema file defines: tables, views,
// sequences and indexes, temporary or not, and what a table is renamed to.
var schemaObjectDef = regexp.MustCompile(`(?is)\b(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:TABLE|VIEW|SEQUENCE|INDEX)(?:\s+IF\s+NOT\s+EXISTS)?|RENAME\s+TO|DROP\s+(?:TABLE|VIEW)(?:\s+IF\s+EXISTS)?)\s+"?(\w+)"?`)

// schemaObjects returns the names of the tables, views and sequences the
// warehouse's schema defines: those of sql/*.sql, and those this package's
// Go files create in literals (schema_version, the temporary tables of a
// remap).
func schemaObjects(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	files, err := filepath.Glob(filepath.Join("sql", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no schema files in sql/: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range schemaObjectDef.FindAllStringSubmatch(string(b), -1) {
			names[strings.ToLower(m[1])] = true
		}
	}
	gofiles, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range gofiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		for _, lit := range sqlLiterals(t, f) {
			for _, m := range schemaObjectDef.FindAllStringSubmatch(lit.text, -1) {
				names[strings.ToLower(m[1])] = true
			}
		}
	}
	return names
}

// writeStatement finds the target of a statement that changes the
// database: INSERT (OR REPLACE|IGNORE) INTO, UPDATE, DELETE FROM,
// TRUNCATE, COPY ... FROM, CREATE, ALTER and DROP of a table, view,
// sequence, index or macro. The target may be schema-qualified or quoted.
var writeStatement = regexp.MustCompile(`(?is)\b(INSERT\s+(?:OR\s+(?:REPLACE|IGNORE)\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|COPY|CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:TABLE|VIEW|SEQUENCE|INDEX|MACRO)(?:\s+IF\s+NOT\s+EXISTS)?|ALTER\s+(?:TABLE|VIEW|SEQUENCE)(?:\s+IF\s+EXISTS)?|DROP\s+(?:TABLE|VIEW|SEQUENCE|INDEX|MACRO)(?:\s+IF\s+EXISTS)?)\s+(?:"?\w+"?\.)?"?(\w+)"?`)

// dynamicWrite finds a statement of writeStatement's kinds whose target is
// named at run time: a format verb (fmt.Sprintf("DELETE FROM %s", t)) or
// an operand that is not a literal ("DELETE FROM " + t, folded to "?").
// No name list can tell whether such a target is the warehouse's.
var dynamicWrite = regexp.MustCompile(`(?is)\b(INSERT\s+(?:OR\s+(?:REPLACE|IGNORE)\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|COPY|CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:TABLE|VIEW|SEQUENCE|INDEX|MACRO)(?:\s+IF\s+NOT\s+EXISTS)?|ALTER\s+(?:TABLE|VIEW|SEQUENCE)(?:\s+IF\s+EXISTS)?|DROP\s+(?:TABLE|VIEW|SEQUENCE|INDEX|MACRO)(?:\s+IF\s+EXISTS)?)\s+(?:%[-+# 0-9.]*[sqv]|\?)`)

// dynamicWriters are the module's directories allowed SQL that writes a
// table named at run time, each with why none of those tables is the
// warehouse's.
var dynamicWriters = map[string]string{
	"clickhouse": "creates, fills and swaps the ClickHouse cluster's own tables over its HTTP interface; it reads the warehouse only through package warehouse",
}

// literal is the text of a string literal, or of a sum of literals with
// each operand that is not one read as "?", and where it starts.
type literal struct {
	pos  token.Position
	text string
	raw  string // as written in the source, for line offsets
}

// sqlLiterals returns the string literals of a Go file, a sum of literals
// ("UPDATE " + "observations") as one.
func sqlLiterals(t *testing.T, path string) []literal {
	t.Helper()
	fset := token.NewFileSet()
	f, err := goparser.ParseFile(fset, path, nil, goparser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []literal
	var fold func(e ast.Expr) (text, raw string, ok bool)
	fold = func(e ast.Expr) (string, string, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			if e.Kind != token.STRING {
				return "?", "?", false
			}
			s, err := strconv.Unquote(e.Value)
			if err != nil {
				return "?", "?", false
			}
			return s, e.Value, true
		case *ast.ParenExpr:
			return fold(e.X)
		case *ast.BinaryExpr:
			if e.Op != token.ADD {
				return "?", "?", false
			}
			a, ar, aok := fold(e.X)
			b, br, bok := fold(e.Y)
			return a + b, ar + br, aok || bok
		}
		return " ? ", " ? ", false
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op == token.ADD {
				if text, raw, ok := fold(n); ok {
					out = append(out, literal{fset.Position(n.Pos()), text, raw})
				}
				return false
			}
		case *ast.BasicLit:
			if text, raw, ok := fold(n); ok {
				out = append(out, literal{fset.Position(n.Pos()), text, raw})
			}
		}
		return true
	})
	return out
}

// writesTo returns, for each statement in text that writes or changes one
// of names, the statement's opening words and its line offset within raw.
func writesTo(text, raw string, names map[string]bool) []string {
	var out []string
	for _, m := range writeStatement.FindAllStringSubmatchIndex(text, -1) {
		target := strings.ToLower(text[m[4]:m[5]])
		if !names[target] {
			continue
		}
		stmt := strings.Join(strings.Fields(text[m[0]:m[1]]), " ")
		// The line within the literal: raw and text agree on line breaks
		// for raw strings; an interpreted one is on one line.
		line := strings.Count(text[:m[0]], "\n")
		if strings.Count(raw, "\n") == 0 {
			line = 0
		}
		out = append(out, fmt.Sprintf("+%d:%s", line, stmt))
	}
	return out
}

func TestWriteStatementFindsWrites(t *testing.T) {
	names := map[string]bool{"observations": true, "title_map_t": true, "meta": true, "run_log": true, "payband_batch": true, "salaries": true}
	tests := []struct {
		sql  string
		want bool
	}{
		{"INSERT INTO observations (a) SELECT 1", true},
		{"insert or replace into title_map_t\n(title_raw) VALUES (?)", true},
		{"INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", true},
		{"UPDATE run_log SET ended_at = ?", true},
		{"DELETE FROM main.observations WHERE source_id = ?", true},
		{`DELETE FROM "title_map_t"`, true},
		{"DROP VIEW IF EXISTS payband_batch", true},
		{"CREATE OR REPLACE VIEW salaries AS SELECT 1", true},
		{"CREATE TEMP TABLE prev_map AS SELECT * FROM title_map_t", false}, // reads title_map_t, creates no schema object
		{"ALTER TABLE observations ADD COLUMN x INTEGER", true},
		{"TRUNCATE observations", true},
		{"COPY observations FROM 'x.csv'", true},
		{"SELECT * FROM observations WHERE dup_of IS NULL", false},
		{"COPY (SELECT * FROM salaries) TO 'x.parquet'", false},
		{"INSERT INTO ? FORMAT RowBinary", false},
		{"UPDATE other SET a = 1 FROM observations", false},
		{"CREATE TABLE t AS SELECT * FROM observations", false},
	}
	for _, tt := range tests {
		got := len(writesTo(tt.sql, tt.sql, names)) > 0
		if got != tt.want {
			t.Errorf("writesTo(%q) found a write: %v, want %v", tt.sql, got, tt.want)
		}
	}
}

func TestDynamicWriteFindsRunTimeTargets(t *testing.T) {
	tests := []struct {
		sql  string
		want bool
	}{
		{"INSERT INTO %s SELECT * FROM payband_batch", true},
		{"DELETE FROM  ? WHERE source_id = ?", true}, // "DELETE FROM " + table + " WHERE …"
		{"UPDATE %v SET a = 1", true},
		{"DROP TABLE IF EXISTS %q", true},
		{"CREATE OR REPLACE TEMP TABLE %s AS SELECT 1", true},
		{"SELECT * FROM %s", false},
		{"INSERT INTO observations SELECT ?", false}, // a named target: writesTo's
		{"SELECT count(*) FROM observations WHERE year = ?", false},
	}
	for _, tt := range tests {
		if got := dynamicWrite.MatchString(tt.sql); got != tt.want {
			t.Errorf("dynamicWrite(%q) = %v, want %v", tt.sql, got, tt.want)
		}
	}
	for dir := range dynamicWriters {
		if _, err := os.Stat(filepath.Join("..", dir)); err != nil {
			t.Errorf("dynamicWriters names %s, which is not a directory of the module: %v", dir, err)
		}
	}
}

func TestSchemaObjectsFollowTheSchema(t *testing.T) {
	names := schemaObjects(t)
	for _, want := range []string{"source_files", "observations", "reject_rows", "source_titles", "title_map_t",
		"published", "run_log", "meta", "schema_version", "salaries", "sources", "payband_batch", "source_id_seq"} {
		if !names[want] {
			t.Errorf("schema objects lack %s: %v", want, names)
		}
	}
}

// TestOnlyTheWarehouseWritesItsTables scans every non-test Go file of the
// module outside this package for SQL that writes to, creates, alters or
// drops a table, view or sequence of the warehouse's schema.
func TestOnlyTheWarehouseWritesItsTables(t *testing.T) {
	names := schemaObjects(t)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root %s: %v", root, err)
	}
	self, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	type finding struct {
		file string
		line int
		stmt string
	}
	var found []finding
	scanned := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			base := d.Name()
			if path == self || (path != root && (strings.HasPrefix(base, ".") || base == "testdata" || base == "vendor")) {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		scanned++
		rel, _ := filepath.Rel(root, path)
		dir, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		for _, lit := range sqlLiterals(t, path) {
			if _, ok := dynamicWriters[dir]; !ok {
				for _, m := range dynamicWrite.FindAllString(lit.text, -1) {
					found = append(found, finding{rel, lit.pos.Line, strings.Join(strings.Fields(m), " ") + " (a table named at run time)"})
				}
			}
			for _, w := range writesTo(lit.text, lit.raw, names) {
				off, stmt, _ := strings.Cut(w[1:], ":")
				n, _ := strconv.Atoi(off)
				rel, _ := filepath.Rel(root, lit.pos.Filename)
				found = append(found, finding{rel, lit.pos.Line + n, stmt})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 20 {
		t.Fatalf("scanned only %d Go files under %s", scanned, root)
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].file != found[j].file {
			return found[i].file < found[j].file
		}
		return found[i].line < found[j].line
	})
	for _, f := range found {
		t.Errorf("%s:%d: %s: SQL that writes a warehouse table outside package warehouse", f.file, f.line, f.stmt)
	}
}
