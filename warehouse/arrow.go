package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/duckdb/duckdb-go/v2"
)

// QueryArrow runs a read query on one connection of db and hands each result
// batch to fn, in order. A batch is valid only during the call: fn copies what
// it keeps. Columns arrive as Arrow arrays, so a query returning millions of
// values (a LIST aggregate, say) costs no per-value conversion on the Go side.
func QueryArrow(ctx context.Context, db *sql.DB, query string, args []any, fn func(arrow.RecordBatch) error) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Raw(func(dc any) error {
		raw, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		ar, err := duckdb.NewArrowFromConn(raw)
		if err != nil {
			return err
		}
		rr, err := ar.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rr.Release()
		for rr.Next() {
			if err := fn(rr.RecordBatch()); err != nil {
				return err
			}
		}
		return rr.Err()
	})
}
