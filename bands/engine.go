package bands

import (
	"context"
	"database/sql"

	"payband/pay"
)

// Engine computes pay bands somewhere: the local DuckDB warehouse, or a
// ClickHouse cluster the warehouse was exported to (package clickhouse).
// Every engine takes the same BandQuery (validated against GroupColumns)
// and returns the bands with at least q.MinN rows, in group order, and how
// many groups were left out for having fewer.
type Engine interface {
	Bands(ctx context.Context, q BandQuery) ([]Band, int, error)
}

// LocalEngine computes bands in the DuckDB warehouse with ComputeBands.
type LocalEngine struct {
	DB  *sql.DB
	CPI *pay.CPI // nil: the embedded CPI-U table
}

// Bands implements Engine.
func (e LocalEngine) Bands(ctx context.Context, q BandQuery) ([]Band, int, error) {
	return ComputeBands(ctx, e.DB, q, e.CPI)
}
