package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/spf13/cobra"

	"payband/reports"
)

func queryCmd(g *globals) *cobra.Command {
	var format, file string
	var csvSafe bool
	c := &cobra.Command{
		Use:   "query [flags] (SQL | --file F)",
		Short: "Run read-only SQL on the warehouse",
		Long: `Run one read-only SQL statement on the warehouse and print the result. The
warehouse is opened read-only, and only SELECT, EXPLAIN, DESCRIBE, SHOW,
SUMMARIZE and PRAGMA statements run: anything that writes is refused.
Public views: salaries, rejects, sources, title_map, published_bands, runs.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := reports.CheckFormat(format); err != nil {
				return usageError{err}
			}
			var q string
			switch {
			case file != "" && len(args) == 0:
				b, err := os.ReadFile(file)
				if err != nil {
					return err
				}
				q = string(b)
			case file == "" && len(args) == 1:
				q = args[0]
			default:
				return usagef("give either SQL or --file, exactly one")
			}
			w, err := g.open(cmd.Context(), true, "payband query")
			if err != nil {
				return err
			}
			defer w.Close()
			t, err := readOnlyQuery(cmd.Context(), w.DB, q)
			if err != nil {
				return err
			}
			return t.Write(g.stdout, format, reports.RenderOptions{CSVSafe: csvSafe})
		},
	}
	c.Flags().StringVar(&format, "format", "table", "output format: table, csv, json, md")
	c.Flags().StringVar(&file, "file", "", "read the SQL from this file")
	c.Flags().BoolVar(&csvSafe, "csv-safe", false, "prefix text cells starting with = + - @ with ' so spreadsheets do not run them")
	return c
}

// readAllowed are the statement types query runs. The connection is
// read-only as well; this list also keeps out COPY TO, ATTACH, INSTALL and
// SET, which a read-only database would still allow.
var readAllowed = map[duckdb.StmtType]bool{
	duckdb.STATEMENT_TYPE_SELECT:  true,
	duckdb.STATEMENT_TYPE_EXPLAIN: true,
	duckdb.STATEMENT_TYPE_PRAGMA:  true,
}

func readOnlyQuery(ctx context.Context, db *sql.DB, q string) (reports.Table, error) {
	var t reports.Table
	q = strings.TrimSpace(q)
	if q == "" {
		return t, usagef("empty SQL")
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return t, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("driver cannot prepare")
		}
		st, err := c.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer st.Close()
		ds, ok := st.(*duckdb.Stmt)
		if !ok {
			return fmt.Errorf("unexpected statement %T", st)
		}
		typ, err := ds.StatementType()
		if err != nil {
			return err
		}
		if !readAllowed[typ] {
			return fmt.Errorf("refused: payband query is read-only and runs only SELECT-like statements; use the ingest, titles and run commands to change the warehouse")
		}
		return nil
	})
	if err != nil {
		if strings.HasPrefix(err.Error(), "refused") {
			return t, err
		}
		return t, fmt.Errorf("query: %w", err)
	}
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return t, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return t, err
	}
	t.Columns = cols
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return t, err
		}
		for i, v := range vals {
			vals[i] = plain(v)
		}
		t.Rows = append(t.Rows, vals)
	}
	return t, rows.Err()
}

// plain turns driver values into the kinds reports.Table renders.
func plain(v any) any {
	switch x := v.(type) {
	case nil, string, int64, float64, bool, time.Time:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case uint64:
		return float64(x)
	case uint32:
		return int64(x)
	case float32:
		return float64(x)
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}
