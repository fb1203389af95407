package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"

	"github.com/duckdb/duckdb-go/v2"

	"payband/warehouse"
)

// inTx runs fn in one transaction on one connection, handing it that
// connection's Arrow interface. It commits when fn returns nil and rolls
// back otherwise, so a file either loads whole or not at all.
func inTx(ctx context.Context, w *warehouse.Warehouse, fn func(c *sql.Conn, ar *duckdb.Arrow) error) error {
	return w.Conn(ctx, func(c *sql.Conn, raw driver.Conn) error {
		ar, err := duckdb.NewArrowFromConn(raw)
		if err != nil {
			return err
		}
		if err := exec(ctx, c, "BEGIN TRANSACTION"); err != nil {
			return err
		}
		if err := fn(c, ar); err != nil {
			// The rollback must run even when ctx is what failed.
			_ = exec(context.WithoutCancel(ctx), c, "ROLLBACK")
			return err
		}
		return exec(ctx, c, "COMMIT")
	})
}

// newSource allocates a source id and retires the active sources loaded
// earlier from the same path: a changed file replaces its old version.
func newSource(ctx context.Context, c *sql.Conn, absPath string) (id int64, replaced int, err error) {
	if err := c.QueryRowContext(ctx, "SELECT nextval('source_id_seq')").Scan(&id); err != nil {
		return 0, 0, err
	}
	n, err := retirePath(ctx, c, absPath)
	return id, n, err
}

func exec(ctx context.Context, c *sql.Conn, q string, args ...any) error {
	_, err := c.ExecContext(ctx, q, args...)
	return err
}
