package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"payband/ingest"
)

// writeParquet writes rows as Utf8 columns with pqarrow, in row groups of
// 500 so the reader crosses group boundaries.
func writeParquet(t *testing.T, path string, header []string, rows [][]string) string {
	t.Helper()
	fields := make([]arrow.Field, len(header))
	for i, h := range header {
		fields[i] = arrow.Field{Name: h, Type: arrow.BinaryTypes.String}
	}
	schema := arrow.NewSchema(fields, nil)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fw, err := pqarrow.NewFileWriter(schema, f, parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(500)), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, r := range rows {
		for i := range header {
			b.Field(i).(*array.StringBuilder).Append(r[i])
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := fw.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestParquetTypedColumns(t *testing.T) {
	dir := t.TempDir()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "work_year", Type: arrow.PrimitiveTypes.Int32},
		{Name: "job_title", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "salary_in_usd", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "remote", Type: arrow.FixedWidthTypes.Boolean},
	}, nil)
	path := filepath.Join(dir, "typed.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fw, err := pqarrow.NewFileWriter(schema, f, parquet.NewWriterProperties(), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b.Field(0).(*array.Int32Builder).AppendValues([]int32{2024, 2024, 2023}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"Security Manager", "", "CISO"}, []bool{true, false, true})
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{1.5e6, 90000, 123456.5}, nil)
	b.Field(3).(*array.BooleanBuilder).AppendValues([]bool{true, false, true}, nil)
	rec := b.NewRecordBatch()
	if err := fw.Write(rec); err != nil {
		t.Fatal(err)
	}
	rec.Release()
	b.Release()
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	w := openWarehouse(t)
	res, err := ingest.File(context.Background(), w, path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 3 || res.Loaded != 2 || res.Rejected != 1 || res.Format != "parquet" {
		t.Errorf("%+v", res)
	}
	got := dump(t, w, `SELECT row_no, year, title_raw, pay_usd FROM salaries ORDER BY row_no`)
	if strings.Join(got, ";") != "2|2024|Security Manager|1.5e+06;4|2023|CISO|123456.5" {
		t.Errorf("rows %q", got)
	}
	if rej := dump(t, w, `SELECT row_no, "column" FROM rejects`); len(rej) != 1 || rej[0] != "3|job_title" {
		t.Errorf("rejects %q (a null title is a missing title)", rej)
	}
}
