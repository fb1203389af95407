package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"payband/synth"
)

// benchXLSX writes a generated DOL-layout workbook of rows rows once per
// benchmark run, or takes PAYBAND_BENCH_XLSX when set.
func benchXLSX(b *testing.B, rows int) string {
	b.Helper()
	if p := os.Getenv("PAYBAND_BENCH_XLSX"); p != "" {
		return p
	}
	path := filepath.Join(b.TempDir(), "dol.xlsx")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := synth.Generate(context.Background(), f, synth.Options{Rows: rows, Seed: 1, Layout: synth.LayoutDOL, Format: synth.FormatXLSX}); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkXLSXRead times the XLSX reader alone over a generated 96-column
// DOL workbook: open, then every batch, reading the LCA profile's columns
// as a load does.
func BenchmarkXLSXRead(b *testing.B) {
	path := benchXLSX(b, 50_000)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ResetTimer()
	rows := 0
	for i := 0; i < b.N; i++ {
		src, err := OpenFile(context.Background(), path, "", ReaderOptions{})
		if err != nil {
			b.Fatal(err)
		}
		bd, err := LCAProfile.Bind(src.Reader.Header())
		if err != nil {
			b.Fatal(err)
		}
		var cols []int
		for _, j := range bd.Index {
			if j >= 0 {
				cols = append(cols, j)
			}
		}
		src.Reader.(*xlsxReader).Project(cols)
		rows = 0
		for src.Reader.Next() {
			rows += int(src.Reader.Record().NumRows())
		}
		if err := src.Reader.Err(); err != nil {
			b.Fatal(err)
		}
		src.Close()
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
