//go:build !payband_parquet

package ingest

import (
	"context"
	"fmt"
)

// ParquetSupported reports whether this build reads Parquet files.
const ParquetSupported = false

// NewParquetReader refuses: this build has no Parquet reader (see
// parquet.go).
func NewParquetReader(_ context.Context, _ ReaderAtSeeker, name string) (Reader, error) {
	return nil, &RowError{Source: name, Err: fmt.Errorf("%w: this build of payband cannot read Parquet files (built without the payband_parquet tag)", ErrUnreadable)}
}
