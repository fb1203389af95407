package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"

	"payband/synth"
	"payband/warehouse"
)

// The loader hands batches to DuckDB through the Arrow C stream interface.
// These benchmarks measure that against duckdb-go's Appender on the same
// rows, which is how the choice was made (docs/architecture.md).

const benchRows = 100_000

func benchBatch(b *testing.B) arrow.RecordBatch {
	bld := array.NewRecordBuilder(memory.DefaultAllocator, obsSchema)
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
		bld.Field(17).(*array.StringBuilder).Append(BasisOffered)
		for f := 18; f <= 20; f++ {
			bld.Field(f).(*array.StringBuilder).Append("x")
		}
		bld.Field(21).(*array.StringBuilder).Append("EAD-" + strconv.Itoa(i))
		bld.Field(22).(*array.Int64Builder).Append(820000000000000 + int64(i))
		for f := 23; f < obsColumns; f++ { // county, city, postal_code
			bld.Field(f).(*array.StringBuilder).AppendNull()
		}
	}
	return bld.NewRecordBatch()
}

func benchConn(b *testing.B, fn func(c *sql.Conn, raw driver.Conn)) {
	warehouse.TuneMalloc() // as payband's main does
	w, err := warehouse.Open(context.Background(), filepath.Join(b.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	// One transaction, as an ingest runs; rolled back so commit cost (the
	// same for both) stays out of the figures.
	if err := w.Conn(context.Background(), func(c *sql.Conn, raw driver.Conn) error {
		if _, err := c.ExecContext(context.Background(), "BEGIN TRANSACTION"); err != nil {
			return err
		}
		fn(c, raw)
		_, err := c.ExecContext(context.Background(), "ROLLBACK")
		return err
	}); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkLoadArrow(b *testing.B) {
	rec := benchBatch(b)
	defer rec.Release()
	ctx := context.Background()
	benchConn(b, func(c *sql.Conn, raw driver.Conn) {
		ar, err := duckdb.NewArrowFromConn(raw)
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			rr, err := array.NewRecordReader(obsSchema, []arrow.RecordBatch{rec})
			if err != nil {
				b.Fatal(err)
			}
			if err := insertArrow(ctx, c, ar, rr, obsSchema, sqlInsertObservations, 1); err != nil {
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
	benchConn(b, func(c *sql.Conn, raw driver.Conn) {
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

// BenchmarkConvert times the row rules alone (converter.convert) on
// generated LCA batches: parsing pay, dates and units, cleaning text,
// de-duplicating case numbers and filling the clean batch.
func BenchmarkConvert(b *testing.B) {
	const rows = 200_000
	var buf bytes.Buffer
	if err := synth.Generate(context.Background(), &buf, synth.Options{Rows: rows, Seed: 1, Profile: synth.ProfileLCA}); err != nil {
		b.Fatal(err)
	}
	rd, err := NewCSVReader(context.Background(), bytes.NewReader(buf.Bytes()), "lca.csv", CSVOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer rd.Release()
	var raws []arrow.RecordBatch
	for rd.Next() {
		rec := rd.Record()
		rec.Retain()
		raws = append(raws, rec)
	}
	if rd.Err() != nil {
		b.Fatal(rd.Err())
	}
	defer func() {
		for _, r := range raws {
			r.Release()
		}
	}()
	p, err := ProfileByName("lca")
	if err != nil {
		b.Fatal(err)
	}
	bind, err := p.Bind(rd.Header())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		conv := newConverter(memory.DefaultAllocator, bind, ConvertOptions{})
		loaded := 0
		for _, raw := range raws {
			clean, rej := conv.convert(raw)
			loaded += int(clean.NumRows())
			clean.Release()
			rej.Release()
		}
		conv.release()
		if loaded < rows*9/10 {
			b.Fatalf("loaded %d of %d rows", loaded, rows)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkIngestFile times a whole load of a generated 200,000-row LCA
// file into a fresh warehouse: open, parse (with the sha256 taken from the
// bytes parsed), convert, insert, commit.
func BenchmarkIngestFile(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	path := filepath.Join(dir, "lca.csv")
	var buf bytes.Buffer
	if err := synth.Generate(ctx, &buf, synth.Options{Rows: 200_000, Seed: 1, Profile: synth.ProfileLCA}); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w, err := warehouse.Open(ctx, filepath.Join(dir, fmt.Sprintf("w%d.duckdb", i)), warehouse.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := File(ctx, w, path, Options{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		w.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(200_000*b.N)/b.Elapsed().Seconds(), "rows/s")
}
