package pipeline

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"payband/bands"
	"payband/outdir"
	"payband/warehouse"
)

// UnmatchedPartition is the family partition of rows without a family.
const UnmatchedPartition = "__unmatched__"

// DefaultPartition is the Hive partitioning of an export when none is given.
var DefaultPartition = []string{"year", "family"}

// ExportManifest is the name of the file describing an export. (The folder
// an export may replace is marked by outdir.MarkerName("export").)
const ExportManifest = "export.json"

// ExportOptions controls Export.
type ExportOptions struct {
	// Partition lists the columns (from bands.GroupColumns) to partition
	// by. A view is partitioned when it has every one of them; otherwise, or
	// when it is empty, it is written as one VIEW.parquet file.
	Partition []string
	Now       time.Time // recorded in export.json; zero means time.Now
}

// ExportedView is one view of an export.
type ExportedView struct {
	View        string   `json:"view"`
	Path        string   `json:"path"` // relative to the export directory
	Rows        int64    `json:"rows"`
	PartitionBy []string `json:"partition_by,omitempty"`
}

// ExportSummary is written as export.json in the export directory.
type ExportSummary struct {
	CreatedAt time.Time      `json:"created_at"`
	Format    string         `json:"format"`
	Partition []string       `json:"partition"`
	Views     []ExportedView `json:"views"`
}

// CheckPartition validates partition columns against bands.GroupColumns.
func CheckPartition(cols []string) error {
	seen := map[string]bool{}
	for _, c := range cols {
		if !bands.IsGroupColumn(c) {
			return fmt.Errorf("cannot partition by %q: allowed columns are %s", c, strings.Join(bands.GroupColumns, ", "))
		}
		if seen[c] {
			return fmt.Errorf("partition column %q named twice", c)
		}
		seen[c] = true
	}
	return nil
}

// sqlString quotes s as a SQL string literal. COPY targets are not
// bindable parameters, so paths are quoted, never pasted.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sqlIdent quotes an identifier.
func sqlIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Export writes a Parquet snapshot of the public views into out: built in a
// temporary directory beside it, then renamed into place. An existing out
// is replaced only when it holds an earlier export (export.json) or is
// empty. db may be (and from the command line is) a read-only connection.
func Export(ctx context.Context, db *sql.DB, out string, opt ExportOptions) (ExportSummary, error) {
	part := opt.Partition
	if part == nil {
		part = DefaultPartition
	}
	if err := CheckPartition(part); err != nil {
		return ExportSummary{}, err
	}
	if out == "" {
		return ExportSummary{}, errors.New("export: no output directory")
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return ExportSummary{}, err
	}
	if err := outdir.Check(out, "export"); err != nil {
		return ExportSummary{}, err
	}
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return ExportSummary{}, fmt.Errorf("export: %w", err)
	}
	outdir.Sweep(out)
	tmp, err := outdir.Temp(out, "export")
	if err != nil {
		return ExportSummary{}, err
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	sum := ExportSummary{CreatedAt: now.UTC(), Format: "parquet", Partition: part}
	// One connection: the snapshot is read in one transaction, so every view
	// sees the same state.
	conn, err := db.Conn(ctx)
	if err != nil {
		return sum, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return sum, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK") //nolint:errcheck // read-only transaction
	for _, v := range warehouse.PublicViews {
		ev, err := exportView(ctx, conn, tmp, v, part)
		if err != nil {
			return sum, fmt.Errorf("export %s: %w", v, err)
		}
		sum.Views = append(sum.Views, ev)
	}
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return sum, err
	}
	if err := os.WriteFile(filepath.Join(tmp, ExportManifest), append(b, '\n'), 0o644); err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	if err := outdir.Replace(tmp, out, "export"); err != nil {
		return sum, err
	}
	done = true
	return sum, nil
}

func exportView(ctx context.Context, conn *sql.Conn, dir, view string, part []string) (ExportedView, error) {
	ev := ExportedView{View: view}
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+sqlIdent(view)).Scan(&ev.Rows); err != nil {
		return ev, err
	}
	cols := map[string]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT column_name FROM information_schema.columns WHERE table_name = ?`, view)
	if err != nil {
		return ev, err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return ev, err
		}
		cols[c] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ev, err
	}
	partitioned := len(part) > 0 && ev.Rows > 0
	for _, c := range part {
		if !cols[c] {
			partitioned = false
		}
	}
	var q string
	if partitioned {
		idents := make([]string, len(part))
		for i, c := range part {
			idents[i] = sqlIdent(c) // c is from the allow-list; quoted anyway
		}
		ev.Path, ev.PartitionBy = view, part
		sel := "*"
		if slices.Contains(part, "family") {
			// A row no family matched would land in an empty "family="
			// directory, which Hive readers take for a missing value or
			// skip: it goes to family=__unmatched__ instead (a name DuckDB
			// writes without percent-encoding), and reads back as that value.
			sel = "* REPLACE (coalesce(nullif(family, ''), " + sqlString(UnmatchedPartition) + ") AS family)"
		}
		q = fmt.Sprintf("COPY (SELECT %s FROM %s) TO %s (FORMAT parquet, PARTITION_BY (%s))",
			sel, sqlIdent(view), sqlString(filepath.Join(dir, view)), strings.Join(idents, ", "))
	} else {
		ev.Path = view + ".parquet"
		q = fmt.Sprintf("COPY (SELECT * FROM %s) TO %s (FORMAT parquet)", sqlIdent(view), sqlString(filepath.Join(dir, ev.Path)))
	}
	_, err = conn.ExecContext(ctx, q)
	return ev, err
}
