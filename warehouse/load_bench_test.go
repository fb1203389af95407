package warehouse

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"
)

// A load hands batches to DuckDB through the Arrow C stream interface.
// These benchmarks measure that against duckdb-go's Appender on the same
// rows, which is how the choice was made (docs/architecture.md).

const benchRows = 100_000

func benchBatch(b *testing.B) arrow.RecordBatch {
	bld := array.NewRecordBuilder(memory.DefaultAllocator, ObservationSchema)
	defer bld.Release()
	for i := 0; i < benchRows; i++ {
		bld.Field(0).(*array.Int64Builder).Append(int64(i + 2))
		bld.Field(1).(*array.Int32Builder).Append(2024)
		bld.Field(2).(*array.Int32Builder).Append(int32(i%500 + 1))
		for f := 3; f <= 5; f++ {
			bld.Field(f).(*array.Float64Builder).Append(150000 + float64(i%1000))
		}
		bld.Field(6).(*array.StringBuilder).Append("year")
		bld.Field(7).(*array.StringBuilder).Append("USD")
		bld.Field(8).(*array.Float64Builder).AppendNull()
		for f := 9; f <= 15; f++ {
			bld.Field(f).(*array.StringBuilder).Append("US")
		}
		bld.Field(16).(*array.Int32Builder).Append(100)
		bld.Field(17).(*array.StringBuilder).Append("offered")
		for f := 18; f <= 20; f++ {
			bld.Field(f).(*array.StringBuilder).Append("x")
		}
		bld.Field(21).(*array.StringBuilder).Append("EAD-" + strconv.Itoa(i))
		bld.Field(22).(*array.Int64Builder).Append(820000000000000 + int64(i))
		for f := 23; f < len(ObservationSchema.Fields()); f++ { // county, city, postal_code
			bld.Field(f).(*array.StringBuilder).AppendNull()
		}
	}
	return bld.NewRecordBatch()
}

func benchConn(b *testing.B, fn func(rc *rawConn, raw driver.Conn)) {
	TuneMalloc() // as payband's main does
	ctx := context.Background()
	w, err := Open(ctx, filepath.Join(b.TempDir(), "w.duckdb"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	c, err := w.DB.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	// One transaction, as an ingest runs; rolled back so commit cost (the
	// same for both) stays out of the figures.
	if err := c.Raw(func(dc any) error {
		rc, err := newRawConn(dc)
		if err != nil {
			return err
		}
		if _, err := rc.exec(ctx, "BEGIN TRANSACTION"); err != nil {
			return err
		}
		fn(rc, dc.(driver.Conn))
		_, err = rc.exec(ctx, "ROLLBACK")
		return err
	}); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkLoadArrow(b *testing.B) {
	rec := benchBatch(b)
	defer rec.Release()
	ctx := context.Background()
	benchConn(b, func(rc *rawConn, _ driver.Conn) {
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			rr, err := array.NewRecordReader(ObservationSchema, []arrow.RecordBatch{rec})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := insertArrow(ctx, rc, rr, ObservationSchema, sqlInsertObservations, 1); err != nil {
				b.Fatal(err)
			}
			rr.Release()
		}
		b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

func BenchmarkLoadAppender(b *testing.B) {
	rec := benchBatch(b)
	defer rec.Release()
	benchConn(b, func(_ *rawConn, raw driver.Conn) {
		app, err := duckdb.NewAppenderFromConn(raw, "", "observations")
		if err != nil {
			b.Fatal(err)
		}
		cols := rec.Columns()
		row := make([]driver.Value, 1+len(cols))
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for r := 0; r < benchRows; r++ {
				row[0] = int64(1)
				for j, col := range cols {
					if col.IsNull(r) {
						row[j+1] = nil
						continue
					}
					switch a := col.(type) {
					case *array.Int64:
						row[j+1] = a.Value(r)
					case *array.Int32:
						row[j+1] = a.Value(r)
					case *array.Float64:
						row[j+1] = a.Value(r)
					case *array.String:
						row[j+1] = a.Value(r)
					}
				}
				if err := app.AppendRow(row...); err != nil {
					b.Fatal(err)
				}
			}
			if err := app.Flush(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
		if err := app.Close(); err != nil {
			b.Fatal(err)
		}
	})
}
