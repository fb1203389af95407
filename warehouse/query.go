package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// The read-only query policy of `payband query` (docs/warehouse.md, "Ad-hoc
// queries"). It holds by construction, in layers, each enough on its own
// for the writes it names:
//
//  1. DuckDB's own parser splits the text into statements; anything but
//     exactly one is refused, so no earlier statement can run.
//  2. The statement's leading keyword must be one of queryKeywords (and
//     EXPLAIN's statement one of them too, never EXPLAIN ANALYZE, which
//     runs its statement), and DuckDB's prepared statement type must be in
//     queryTypes. COPY, EXPORT, ATTACH, INSTALL, LOAD, SET, CALL and every
//     write are refused before anything runs.
//  3. The database is opened read-only, with enable_external_access=false
//     (no file but the warehouse is read or written, no extension is
//     installed or loaded) and lock_configuration=true, both set in the
//     configuration DuckDB starts with, before any SQL runs.

// ErrRefused is wrapped by every refusal of the query policy.
var ErrRefused = errors.New("refused")

// RefusedError says why the policy refused a query, in one sentence.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string {
	return "refused: payband query is read-only: " + e.Reason
}

func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

func refused(format string, a ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, a...)}
}

// queryKeywords are the leading keywords of the statements query runs.
var queryKeywords = map[string]bool{
	"SELECT": true, "WITH": true, "FROM": true, "VALUES": true, "TABLE": true,
	"DESCRIBE": true, "DESC": true, "SHOW": true, "SUMMARIZE": true,
	"PIVOT": true, "UNPIVOT": true, "EXPLAIN": true, "PRAGMA": true,
}

// queryPragmas are the PRAGMAs query runs: catalog and storage
// introspection only. Any other PRAGMA may change a setting or the file.
var queryPragmas = map[string]bool{
	"table_info": true, "show": true, "show_tables": true, "show_tables_expanded": true,
	"show_databases": true, "database_list": true, "database_size": true,
	"storage_info": true, "functions": true, "collations": true, "version": true,
	"platform": true, "metadata_info": true, "user_agent": true,
}

// queryTypes are DuckDB's statement types query runs: what the keywords
// above prepare to (DESCRIBE, SHOW, SUMMARIZE and FROM-first queries are
// SELECTs; an introspection PRAGMA is a PRAGMA or its SELECT).
var queryTypes = map[duckdb.StmtType]bool{
	duckdb.STATEMENT_TYPE_SELECT:  true,
	duckdb.STATEMENT_TYPE_EXPLAIN: true,
	duckdb.STATEMENT_TYPE_PRAGMA:  true,
}

// DefaultQueryLimit is how many rows payband query prints unless --limit
// says otherwise.
const DefaultQueryLimit = 10000

// parser is an in-memory DuckDB used only to split SQL into statements:
// DuckDB's own parser counts them, and nothing is ever run there.
var parser = sync.OnceValues(func() (mapping.Connection, error) {
	var db mapping.Database
	var conn mapping.Connection
	if mapping.Open(":memory:", &db) == mapping.StateError {
		return conn, errors.New("cannot start the SQL parser")
	}
	if mapping.Connect(db, &conn) == mapping.StateError {
		mapping.Close(&db)
		return conn, errors.New("cannot start the SQL parser")
	}
	return conn, nil
})

var parseMu sync.Mutex

// CountStatements returns how many statements DuckDB's parser finds in q,
// or its syntax error.
func CountStatements(q string) (int, error) {
	conn, err := parser()
	if err != nil {
		return 0, err
	}
	parseMu.Lock()
	defer parseMu.Unlock()
	var st mapping.ExtractedStatements
	n := mapping.ExtractStatements(conn, q, &st)
	defer mapping.DestroyExtracted(&st)
	if n == 0 {
		if msg := mapping.ExtractStatementsError(st); msg != "" {
			return 0, fmt.Errorf("query: %s", msg)
		}
	}
	return int(n), nil
}

// CheckQuery applies the parts of the policy that need no warehouse: one
// statement, and an allowed leading keyword. It returns the statement
// without trailing semicolons.
func CheckQuery(q string) (string, error) {
	if strings.ContainsRune(q, 0) {
		return "", refused("the SQL holds a NUL byte")
	}
	q = strings.TrimSpace(q)
	for strings.HasSuffix(q, ";") {
		q = strings.TrimSpace(strings.TrimSuffix(q, ";"))
	}
	if q == "" {
		return "", refused("no SQL statement given")
	}
	n, err := CountStatements(q)
	if err != nil {
		return "", err
	}
	if n != 1 {
		return "", refused("it runs exactly one statement and this SQL holds %d", n)
	}
	if err := checkKeywords(q); err != nil {
		return "", err
	}
	return q, nil
}

// checkKeywords checks the leading keyword of q, and EXPLAIN's and
// PRAGMA's next one.
func checkKeywords(q string) error {
	toks := leadingTokens(q, 12)
	if len(toks) == 0 {
		return refused("no SQL statement given")
	}
	first := strings.ToUpper(toks[0])
	if !queryKeywords[first] {
		return refused("%s statements change the warehouse, its settings or files; it runs only SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE, SHOW, SUMMARIZE, PIVOT, EXPLAIN and catalog PRAGMAs (use ingest, titles and run to change the warehouse)", first)
	}
	switch first {
	case "EXPLAIN":
		rest := toks[1:]
		if len(rest) > 0 && rest[0] == "(" {
			// EXPLAIN (option, ...) statement
			for len(rest) > 0 && rest[0] != ")" {
				if w := strings.ToUpper(rest[0]); w == "ANALYZE" || w == "ANALYSE" {
					return refused("EXPLAIN ANALYZE runs its statement")
				}
				rest = rest[1:]
			}
			if len(rest) > 0 {
				rest = rest[1:]
			}
		}
		if len(rest) == 0 {
			return refused("EXPLAIN needs a statement")
		}
		w := strings.ToUpper(rest[0])
		if w == "ANALYZE" || w == "ANALYSE" {
			return refused("EXPLAIN ANALYZE runs its statement")
		}
		if !queryKeywords[w] || w == "EXPLAIN" || w == "PRAGMA" {
			return refused("EXPLAIN runs only for SELECT-like statements, not %s", w)
		}
	case "PRAGMA":
		if len(toks) < 2 || !queryPragmas[strings.ToLower(toks[1])] {
			name := ""
			if len(toks) > 1 {
				name = " " + toks[1]
			}
			return refused("PRAGMA%s may change a setting; it runs only the catalog PRAGMAs (table_info, show_tables, database_size, storage_info, ...)", name)
		}
		if len(toks) > 2 && toks[2] == "=" {
			return refused("PRAGMA %s = ... changes a setting", toks[1])
		}
	}
	return nil
}

// leadingTokens returns up to max tokens from the start of q: words
// (letters, digits, underscores), and single punctuation characters;
// white space, comments and opening parentheses before the first word are
// skipped. Quoted text ends the scan: the keywords checked come first.
func leadingTokens(q string, max int) []string {
	var toks []string
	r := []rune(q)
	for i := 0; i < len(r) && len(toks) < max; {
		c := r[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '-' && i+1 < len(r) && r[i+1] == '-':
			for i < len(r) && r[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(r) && r[i+1] == '*':
			i += 2
			for i+1 < len(r) && (r[i] != '*' || r[i+1] != '/') {
				i++
			}
			i += 2
		case c == '(' && len(toks) == 0:
			i++ // (SELECT ...) is a SELECT
		case c == '_' || unicode.IsLetter(c) || unicode.IsDigit(c):
			j := i
			for j < len(r) && (r[j] == '_' || unicode.IsLetter(r[j]) || unicode.IsDigit(r[j])) {
				j++
			}
			toks = append(toks, string(r[i:j]))
			i = j
		case c == '\'' || c == '"':
			return toks
		default:
			toks = append(toks, string(c))
			i++
		}
	}
	return toks
}

// Rows is the result of Query, read row by row as DuckDB returns them.
type Rows struct {
	rows      *sql.Rows
	conn      *sql.Conn
	cols      []Column
	limit     int
	n         int
	truncated bool
	vals      []any
	ptrs      []any
	closed    bool
}

// Column names a result column and its DuckDB type (DATE, TIMESTAMP,
// INTEGER[], STRUCT(...), ...).
type Column struct {
	Name string
	Type string
}

// Query runs one statement q under the read-only policy. The warehouse
// must have been opened with Options.Sandbox. limit > 0 stops after limit
// rows (Truncated then says whether there were more); a SELECT is run with
// the limit pushed into DuckDB, so a huge result is never built.
func (w *Warehouse) Query(ctx context.Context, q string, limit int) (*Rows, error) {
	if !w.sandbox {
		return nil, errors.New("query: the warehouse was not opened for queries (Options.Sandbox)")
	}
	stmt, err := CheckQuery(q)
	if err != nil {
		return nil, err
	}
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	typ, err := statementType(conn, stmt)
	if err != nil {
		conn.Close()
		return nil, err
	}
	run := stmt
	if limit > 0 && typ == duckdb.STATEMENT_TYPE_SELECT {
		// The newlines keep a trailing -- comment from eating the ")".
		wrapped := "SELECT * FROM (\n" + stmt + "\n) LIMIT " + strconv.Itoa(limit+1)
		if n, err := CountStatements(wrapped); err == nil && n == 1 {
			if t, err := statementType(conn, wrapped); err == nil && t == duckdb.STATEMENT_TYPE_SELECT {
				run = wrapped
			}
		}
	}
	rows, err := conn.QueryContext(ctx, run)
	if err != nil {
		conn.Close()
		return nil, queryErr(err)
	}
	cts, err := rows.ColumnTypes()
	if err != nil {
		rows.Close()
		conn.Close()
		return nil, err
	}
	r := &Rows{rows: rows, conn: conn, limit: limit}
	for _, ct := range cts {
		r.cols = append(r.cols, Column{Name: ct.Name(), Type: ct.DatabaseTypeName()})
	}
	r.vals = make([]any, len(r.cols))
	r.ptrs = make([]any, len(r.cols))
	for i := range r.vals {
		r.ptrs[i] = &r.vals[i]
	}
	return r, nil
}

// statementType prepares q on conn without running it: the driver's
// Prepare (unlike PrepareContext) refuses more than one statement instead
// of running the earlier ones.
func statementType(conn *sql.Conn, q string) (duckdb.StmtType, error) {
	var typ duckdb.StmtType
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		st, err := c.Prepare(q)
		if err != nil {
			return queryErr(err)
		}
		defer st.Close()
		ds, ok := st.(*duckdb.Stmt)
		if !ok {
			return fmt.Errorf("unexpected statement %T", st)
		}
		typ, err = ds.StatementType()
		return err
	})
	if err != nil {
		return typ, err
	}
	if !queryTypes[typ] {
		return typ, refused("it runs only SELECT-like statements and DuckDB reads this one as %s", stmtTypeName(typ))
	}
	return typ, nil
}

// Columns are the result's columns.
func (r *Rows) Columns() []Column { return r.cols }

// Next advances to the next row, false at the end, at the limit or on an
// error (see Err).
func (r *Rows) Next() bool {
	if r.limit > 0 && r.n >= r.limit {
		if r.rows.Next() {
			r.truncated = true
		}
		return false
	}
	if !r.rows.Next() {
		return false
	}
	r.n++
	return true
}

// Values scans the current row. The slice is reused by the next call.
func (r *Rows) Values() ([]any, error) {
	for i := range r.vals {
		r.vals[i] = nil
	}
	if err := r.rows.Scan(r.ptrs...); err != nil {
		return nil, err
	}
	return r.vals, nil
}

// Truncated reports whether the limit cut the result short.
func (r *Rows) Truncated() bool { return r.truncated }

// Err is the error that ended Next, if any.
func (r *Rows) Err() error {
	if err := r.rows.Err(); err != nil {
		return queryErr(err)
	}
	return nil
}

// queryErr names DuckDB's refusal to touch a file as the policy's.
func queryErr(err error) error {
	var de *duckdb.Error
	if errors.As(err, &de) && de.Type == duckdb.ErrorTypePermission {
		msg, _, _ := strings.Cut(strings.TrimSpace(de.Msg), "\n")
		return refused("it reads no file but the warehouse unless --allow-files is given (%s)", msg)
	}
	return fmt.Errorf("query: %w", err)
}

// Close releases the result and its connection; a second call does nothing.
func (r *Rows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.rows.Close()
	if cerr := r.conn.Close(); err == nil {
		err = cerr
	}
	return err
}

func stmtTypeName(t duckdb.StmtType) string {
	switch t {
	case duckdb.STATEMENT_TYPE_INSERT:
		return "an INSERT"
	case duckdb.STATEMENT_TYPE_UPDATE:
		return "an UPDATE"
	case duckdb.STATEMENT_TYPE_DELETE:
		return "a DELETE"
	case duckdb.STATEMENT_TYPE_CREATE, duckdb.STATEMENT_TYPE_CREATE_FUNC:
		return "a CREATE"
	case duckdb.STATEMENT_TYPE_DROP:
		return "a DROP"
	case duckdb.STATEMENT_TYPE_ALTER:
		return "an ALTER"
	case duckdb.STATEMENT_TYPE_COPY:
		return "a COPY"
	case duckdb.STATEMENT_TYPE_EXPORT:
		return "an EXPORT"
	case duckdb.STATEMENT_TYPE_ATTACH, duckdb.STATEMENT_TYPE_DETACH:
		return "an ATTACH or DETACH"
	case duckdb.STATEMENT_TYPE_SET, duckdb.STATEMENT_TYPE_VARIABLE_SET:
		return "a SET"
	case duckdb.STATEMENT_TYPE_LOAD, duckdb.STATEMENT_TYPE_EXTENSION:
		return "an INSTALL or LOAD"
	case duckdb.STATEMENT_TYPE_CALL:
		return "a CALL"
	case duckdb.STATEMENT_TYPE_TRANSACTION:
		return "a transaction statement"
	}
	return "statement type " + strconv.Itoa(int(t))
}
