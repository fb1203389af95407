package main

import (
	"os"

	"github.com/spf13/cobra"

	"payband/report"
	"payband/warehouse"
)

func queryCmd(g *globals) *cobra.Command {
	var format, file string
	var csvSafe, allowFiles bool
	var limit int
	c := &cobra.Command{
		Use:   "query [flags] (SQL | --file F)",
		Short: "Run read-only SQL on the warehouse",
		Long: `Run one read-only SQL statement on the warehouse and print the result as it
comes. Exactly one statement runs (DuckDB's parser counts them): SELECT, WITH,
FROM, VALUES, TABLE, DESCRIBE, SHOW, SUMMARIZE, PIVOT, EXPLAIN (not EXPLAIN
ANALYZE) or a catalog PRAGMA (table_info, show_tables, database_size, ...).
Anything else (a write, COPY, EXPORT, ATTACH, INSTALL, LOAD, SET, CALL) is
refused with exit 1. The warehouse is opened read-only with DuckDB's external
access off and its configuration locked before the SQL runs: no other file is
read or written and no setting changes. --allow-files lets the SQL read files
(read_csv, read_parquet, glob, ...) for an analyst who needs them; writing stays
refused.

At most --limit rows are printed (default 10000; 0 for all); when the limit cuts
the result a note on stderr says so. CSV output neutralizes cells a spreadsheet
would run as a formula (--csv-safe=false turns that off); JSON writes dates as
2024-01-02, timestamps in RFC 3339, lists as arrays and structs as objects.
Public views: salaries, rejects, sources, title_map, published_bands, runs.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := report.CheckFormat(format); err != nil {
				return usageError{err}
			}
			if limit < 0 {
				return usagef("--limit must be 0 (no limit) or a positive number of rows, not %d", limit)
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
			// The policy's checks that need no warehouse come first, so a
			// refused statement is refused even with no warehouse at all.
			if _, err := warehouse.CheckQuery(q); err != nil {
				return err
			}
			w, err := warehouse.Open(cmd.Context(), g.dbPath(), warehouse.Options{
				Sandbox: true, AllowFiles: allowFiles, Command: "payband query", Wait: g.wait,
				Threads: g.threads, MemoryLimit: g.memoryLimit, TempDir: g.tempDir,
			})
			if err != nil {
				return err
			}
			defer w.Close()
			rows, err := w.Query(cmd.Context(), q, limit)
			if err != nil {
				return err
			}
			defer rows.Close()
			cols := make([]report.StreamColumn, len(rows.Columns()))
			for i, c := range rows.Columns() {
				cols[i] = report.StreamColumn{Name: c.Name, Type: c.Type}
			}
			rw, err := report.NewRowWriter(g.stdout, format, cols, report.RenderOptions{RawCSV: !csvSafe})
			if err != nil {
				return err
			}
			for rows.Next() {
				vals, err := rows.Values()
				if err != nil {
					return err
				}
				if err := rw.Write(vals); err != nil {
					return err
				}
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if err := rw.Close(); err != nil {
				return err
			}
			if rows.Truncated() {
				g.note("note: stopped after %d rows (--limit); --limit 0 prints them all", limit)
			}
			return rows.Close()
		},
	}
	c.Flags().StringVar(&format, "format", "table", "output format: table, csv, json, md")
	c.Flags().StringVar(&file, "file", "", "read the SQL from this file")
	c.Flags().BoolVar(&csvSafe, "csv-safe", true, "prefix CSV text cells starting with = + - @, tab or CR with ' so spreadsheets do not run them")
	c.Flags().BoolVar(&allowFiles, "allow-files", false, "let the SQL read files (read_csv, glob, ...); off by default")
	c.Flags().IntVar(&limit, "limit", warehouse.DefaultQueryLimit, "print at most this many rows; 0 for all")
	return c
}
