package ingest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"payband/synth"
	"payband/warehouse"
)

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
