package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

const schema = `CREATE TABLE obs (source_id BIGINT, row_no BIGINT, year INTEGER, title_raw VARCHAR,
 pay_usd DOUBLE, pay_usd_low DOUBLE, pay_usd_high DOUBLE, pay_unit VARCHAR, currency VARCHAR,
 pay_local DOUBLE, country VARCHAR, state VARCHAR, employer VARCHAR, wage_basis VARCHAR,
 wage_level VARCHAR, case_status VARCHAR, soc_code VARCHAR, case_number VARCHAR)`

// load is the conversion; ROWNO and DUP are replaced per variant.
const load = `INSERT INTO obs
WITH raw AS (
  SELECT ROWNO AS row_no, * FROM read_csv(FILE, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')
), conv AS (
  SELECT row_no, trim(JOB_TITLE) AS title, trim(CASE_NUMBER) AS cn,
    year(coalesce(try_strptime(trim(RECEIVED_DATE), '%m/%d/%Y'), try_strptime(trim(RECEIVED_DATE), '%Y-%m-%d'))) AS year,
    TRY_CAST(replace(replace(trim(WAGE_RATE_OF_PAY_FROM), '$', ''), ',', '') AS DOUBLE) AS w_from,
    TRY_CAST(replace(replace(trim(WAGE_RATE_OF_PAY_TO), '$', ''), ',', '') AS DOUBLE) AS w_to,
    CASE lower(trim(WAGE_UNIT_OF_PAY)) WHEN 'year' THEN 1 WHEN 'hour' THEN 2080 WHEN 'week' THEN 52
      WHEN 'bi-weekly' THEN 26 WHEN 'month' THEN 12 END AS per,
    lower(trim(WAGE_UNIT_OF_PAY)) AS unit, trim(WORKSITE_STATE) AS state, trim(EMPLOYER_NAME) AS employer,
    trim(PW_WAGE_LEVEL) AS wl, trim(CASE_STATUS) AS cs, trim(SOC_CODE) AS soc
  FROM raw
), ok AS (
  SELECT *, DUP AS dup FROM conv
  WHERE title <> '' AND NOT regexp_matches(title, '[\x00-\x1f\x7f]|  ')
    AND year BETWEEN 2000 AND 2027 AND w_from IS NOT NULL AND per IS NOT NULL
    AND w_from * per BETWEEN 10000 AND 5000000
)
SELECT 1, row_no, year, title, w_from * per, w_from * per, greatest(w_from, coalesce(w_to, 0)) * per,
  unit, 'USD', NULL, 'US', state, employer, 'offered', wl, cs, soc, cn
FROM ok WHERE dup = 1`

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sqlpath FILE.csv WORKDIR")
		os.Exit(2)
	}
	lit := "'" + strings.ReplaceAll(os.Args[1], "'", "''") + "'"
	for _, v := range []struct{ name, rowno, dup, staged string }{
		{"no row numbers, no de-duplication", "0", "1", ""},
		{"row numbers", "row_number() OVER ()", "1", ""},
		{"row numbers and de-duplication", "row_number() OVER ()", "row_number() OVER (PARTITION BY cn ORDER BY row_no)", ""},
		// A staging table keeps file order, so rowid numbers the rows.
		{"staged, rowid, de-duplication", "rowid + 1", "row_number() OVER (PARTITION BY cn ORDER BY row_no)",
			"CREATE TEMP TABLE staged AS SELECT * FROM read_csv(FILE, header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')"},
	} {
		r := strings.NewReplacer("FILE", lit, "ROWNO", v.rowno, "DUP", v.dup)
		q := r.Replace(load)
		if v.staged != "" {
			q = r.Replace(v.staged) + ";\n" + strings.Replace(q, "read_csv("+lit+", header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')", "staged", 1)
		}
		n, d, err := run(filepath.Join(os.Args[2], "sqlpath.duckdb"), q)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sqlpath:", err)
			os.Exit(1)
		}
		fmt.Printf("SQL path, %-34s %d rows in %.2fs\n", v.name+":", n, d.Seconds())
	}
}

func run(path, q string) (int64, time.Duration, error) {
	os.Remove(path)
	defer os.Remove(path)
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	// DuckDB 1.5.6's top-n window rewrite fails on the de-duplication filter
	// with an internal error.
	if _, err := db.Exec(`SET disabled_optimizers = 'top_n_window_elimination'`); err != nil {
		return 0, 0, err
	}
	if _, err := db.Exec(schema); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	r, err := db.Exec(q)
	if err != nil {
		return 0, 0, err
	}
	d := time.Since(start)
	n, err := r.RowsAffected()
	if err != nil {
		return 0, 0, err
	}
	return n, d, db.Close()
}
