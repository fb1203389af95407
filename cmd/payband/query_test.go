package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"payband/warehouse"
)

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// childRun runs payband in a child with a deadline, so a hang is a
// failure and not a stuck test.
func childRun(t *testing.T, timeout time.Duration, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "PAYBAND_TEST_AS_MAIN=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("payband %v did not finish in %v: %s", args, timeout, out.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), code
}

// TestQueryIsReadOnlyByConstruction tries every write, file read and
// setting change of issue 23 (and a few more) on a loaded warehouse: each
// is refused in one line, nothing is created beside it, and the file's
// bytes are the same afterwards.
func TestQueryIsReadOnlyByConstruction(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	src := filepath.Join(dir, "survey.csv")
	genFile(t, src, "survey", 200, 5)
	mustRun(t, "--db", db, "-q", "ingest", src)
	fifo := filepath.Join(dir, "fifo.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	before := fileSum(t, db)
	ents, _ := os.ReadDir(dir)

	for _, q := range []string{
		"COPY (SELECT 'x') TO '" + db + "' (FORMAT csv); SELECT 1",
		"SELECT 1; COPY (SELECT 'x') TO '" + db + "' (FORMAT csv)",
		"SELECT 1; SELECT 2",
		"COPY (SELECT 'x') TO '" + db + "' (FORMAT csv)",
		"copy salaries to '" + out + ".csv'",
		"EXPLAIN ANALYZE COPY (SELECT 'x') TO '" + out + ".csv' (FORMAT csv)",
		"explain   /* hidden */ analyze select 1",
		"EXPLAIN (ANALYZE) SELECT 1",
		"EXPLAIN COPY (SELECT 'x') TO '" + out + ".csv' (FORMAT csv)",
		"EXPORT DATABASE '" + out + "'",
		"SET enable_external_access = true",
		"SET threads = 1",
		"RESET lock_configuration",
		"PRAGMA threads = 1",
		"PRAGMA enable_profiling",
		"ATTACH '" + out + ".duckdb' AS y",
		"INSTALL httpfs",
		"LOAD httpfs",
		"CHECKPOINT",
		"CALL checkpoint()",
		"delete from salaries",
		"drop view salaries",
		"create table t(a int)",
		"update observations set pay_usd = 0",
		"insert into meta values ('a', 'b')",
		"BEGIN TRANSACTION",
		"VACUUM",
		"/* a comment */ -- and another\nCOPY (SELECT 1) TO '" + out + ".csv'",
		"SELECT * FROM read_text('/etc/passwd')",
		"SELECT * FROM glob('/root/*')",
		"SELECT * FROM read_csv('" + fifo + "')",
		"SELECT * FROM '" + src + "'",
		"SELECT * FROM read_csv('" + src + "')",
	} {
		msg, code := childRun(t, 30*time.Second, "--db", db, "query", q)
		if code == 0 {
			t.Errorf("query %q ran: %s", q, msg)
			continue
		}
		if code != exitFailure {
			t.Errorf("query %q: exit %d, want %d (refused): %s", q, code, exitFailure, msg)
		}
		if !strings.HasPrefix(msg, "payband: refused: payband query is read-only") || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
			t.Errorf("query %q: not one refusal line: %q", q, msg)
		}
	}
	// A NUL byte cannot reach a child's argv; in-process, then.
	if _, _, err := run(t, "--db", db, "query", "SELECT 1\x00; COPY (SELECT 1) TO '"+out+".csv'"); !errors.Is(err, warehouse.ErrRefused) {
		t.Errorf("SQL with a NUL byte: %v", err)
	}
	if after := fileSum(t, db); after != before {
		t.Fatal("the warehouse file changed under payband query")
	}
	if now, _ := os.ReadDir(dir); len(now) != len(ents) {
		t.Errorf("payband query created files: %v, before %v", now, ents)
	}

	// The settings are in force before the SQL runs.
	got := mustRun(t, "--db", db, "query", "--format", "csv",
		"SELECT current_setting('enable_external_access'), current_setting('lock_configuration'), current_setting('access_mode')")
	if !strings.Contains(got, "false,true,read_only") {
		t.Errorf("query settings: %q", got)
	}
	// What query is for still works.
	for _, q := range []string{
		"select count(*) from salaries;",
		"WITH x AS (SELECT 1 AS a) SELECT * FROM x",
		"FROM salaries LIMIT 2",
		"DESCRIBE salaries", "SHOW TABLES", "SUMMARIZE sources",
		"EXPLAIN SELECT * FROM salaries",
		"PRAGMA table_info('salaries')",
		"(SELECT 1) -- a trailing comment",
	} {
		if _, _, err := run(t, "--db", db, "query", q); err != nil {
			t.Errorf("query %q: %v", q, err)
		}
	}
	// --allow-files reads a file, and writes stay refused.
	got = mustRun(t, "--db", db, "query", "--allow-files", "--format", "csv", "SELECT count(*) FROM read_csv('"+src+"')")
	if !strings.Contains(got, "\n200\n") {
		t.Errorf("--allow-files read_csv: %q", got)
	}
	if _, code := childRun(t, 30*time.Second, "--db", db, "query", "--allow-files", "COPY (SELECT 1) TO '"+out+".csv'"); code != exitFailure {
		t.Errorf("--allow-files COPY: exit %d", code)
	}
	if after := fileSum(t, db); after != before {
		t.Fatal("the warehouse file changed under payband query")
	}
}

// TestQueryStreamsWithLimit: a hundred million rows print the limit's worth
// at once, with a note, instead of being collected first. (No ORDER BY: a
// sort of 1e8 rows is DuckDB's own cost, a minute on a busy two-core
// machine, and not what this holds.)
func TestQueryStreamsWithLimit(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	src := filepath.Join(dir, "survey.csv")
	genFile(t, src, "survey", 50, 5)
	mustRun(t, "--db", db, "-q", "ingest", src)
	start := time.Now()
	out, errs, err := run(t, "--db", db, "query", "--format", "csv", "--limit", "5", "SELECT range AS i FROM range(100000000)")
	if err != nil {
		t.Fatal(err)
	}
	if out != "i\n0\n1\n2\n3\n4\n" {
		t.Errorf("limited output %q", out)
	}
	if !strings.Contains(errs, "stopped after 5 rows") {
		t.Errorf("no note of the limit: %q", errs)
	}
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("a limited query of 1e8 rows took %v", el)
	}
	out, errs, err = run(t, "--db", db, "query", "--format", "csv", "SELECT range AS i FROM range(20000)")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "\n"); n != 10001 || !strings.Contains(errs, "stopped after 10000 rows") {
		t.Errorf("default limit: %d lines, stderr %q", n, errs)
	}
	out = mustRun(t, "--db", db, "query", "--format", "csv", "--limit", "0", "SELECT range AS i FROM range(20000)")
	if n := strings.Count(out, "\n"); n != 20001 {
		t.Errorf("--limit 0: %d lines", n)
	}
	if _, _, err := run(t, "--db", db, "query", "--limit", "-1", "SELECT 1"); ExitCode(err) != exitUsage {
		t.Errorf("--limit -1: %v", err)
	}
}

// TestQueryJSONTypes: dates as ISO dates, timestamps in RFC 3339, lists as
// arrays, structs as objects (issue 22 and 23).
func TestQueryJSONTypes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	src := filepath.Join(dir, "survey.csv")
	genFile(t, src, "survey", 20, 5)
	mustRun(t, "--db", db, "-q", "ingest", src)
	out := mustRun(t, "--db", db, "query", "--format", "json", `SELECT DATE '2024-01-02' AS d,
 TIMESTAMP '2024-01-02 03:04:05' AS ts, TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tz,
 [1, 2, 3] AS l, {'a': 1, 'b': 'x'} AS s, [DATE '2024-03-04'] AS ld, 1.50::DECIMAL(5,2) AS dec,
 NULL AS n, 'x' AS txt, '=1+1' AS f`)
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := `[{"d":"2024-01-02","dec":1.5,"f":"=1+1","l":[1,2,3],"ld":["2024-03-04"],"n":null,"s":{"a":1,"b":"x"},"ts":"2024-01-02T03:04:05Z","txt":"x","tz":"2024-01-02T03:04:05Z"}]`
	if b, _ := json.Marshal(got); string(b) != want {
		t.Errorf("json\n%s\nwant\n%s", b, want)
	}
	csvOut := mustRun(t, "--db", db, "query", "--format", "csv", `SELECT DATE '2024-01-02' AS d, [1, 2] AS l, '=HYPERLINK("x")' AS f, '@SUM(A1)' AS g`)
	if csvOut != "d,l,f,g\n2024-01-02,\"[1,2]\",\"'=HYPERLINK(\"\"x\"\")\",'@SUM(A1)\n" {
		t.Errorf("csv %q", csvOut)
	}
	raw := mustRun(t, "--db", db, "query", "--format", "csv", "--csv-safe=false", `SELECT '@SUM(A1)' AS g`)
	if raw != "g\n@SUM(A1)\n" {
		t.Errorf("--csv-safe=false %q", raw)
	}
}
