package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"payband/ingest"
	"payband/synth"
	"payband/warehouse"
)

// roundTripRows is the synthetic LCA extract every format carries in the
// round-trip test: about 1% deliberately bad rows and some repeated case
// numbers, so rejects and duplicates take part too.
func roundTripRows(t *testing.T) (csvBytes []byte, header []string, rows [][]string) {
	t.Helper()
	var buf bytes.Buffer
	if err := synth.Generate(context.Background(), &buf, synth.Options{Rows: 2000, Seed: 7, Profile: "lca"}); err != nil {
		t.Fatal(err)
	}
	all, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), all[0], all[1:]
}

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func delimited(t *testing.T, header []string, rows [][]string, comma rune) []byte {
	t.Helper()
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Comma = comma
	if err := cw.Write(header); err != nil {
		t.Fatal(err)
	}
	if err := cw.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// jsonLines writes one object per row with the keys in header order.
func jsonLines(t *testing.T, header []string, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, r := range rows {
		buf.WriteByte('{')
		for i, h := range header {
			if i > 0 {
				buf.WriteByte(',')
			}
			k, _ := json.Marshal(h)
			v, _ := json.Marshal(r[i])
			buf.Write(k)
			buf.WriteByte(':')
			buf.Write(v)
		}
		buf.WriteString("}\n")
	}
	return buf.Bytes()
}

// writeXLSX writes header and rows with excelize's StreamWriter, the header
// on sheet row startRow.
func writeXLSX(t *testing.T, path string, startRow int, header []string, rows [][]string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	row := func(n int, cells []string) {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		addr, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(addr, vals); err != nil {
			t.Fatal(err)
		}
	}
	row(startRow, header)
	for i, r := range rows {
		row(startRow+1+i, r)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// dump renders a query's rows as text lines, for comparing warehouses.
func dump(t *testing.T, w *warehouse.Warehouse, q string) []string {
	t.Helper()
	rows, err := w.DB.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		cells := make([]string, len(vals))
		for i, v := range vals {
			cells[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(cells, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFormatsRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	raw, header, rows := roundTripRows(t)
	files := map[string]string{
		"csv":    writeFile(t, filepath.Join(dir, "lca.csv"), raw),
		"tsv":    writeFile(t, filepath.Join(dir, "lca.tsv"), delimited(t, header, rows, '\t')),
		"jsonl":  writeFile(t, filepath.Join(dir, "lca.jsonl"), jsonLines(t, header, rows)),
		"xlsx":   writeXLSX(t, filepath.Join(dir, "lca.xlsx"), 1, header, rows),
		"csv.gz": writeFile(t, filepath.Join(dir, "lca.csv.gz"), gzipBytes(t, raw)),
	}
	files["parquet"] = writeParquet(t, filepath.Join(dir, "lca.parquet"), header, rows)
	const (
		qSalaries = `SELECT * EXCLUDE (source) FROM salaries ORDER BY row_no`
		qRejects  = `SELECT * EXCLUDE (source) FROM rejects ORDER BY row_no, "column"`
		qSources  = `SELECT profile, rows_read, rows_loaded, rows_rejected, rows_duplicate FROM sources`
	)
	var want struct{ salaries, rejects, sources []string }
	formats := []string{"csv", "tsv", "jsonl", "xlsx", "csv.gz", "parquet"}
	for _, format := range formats {
		path, ok := files[format]
		if !ok {
			continue
		}
		w := openWarehouse(t)
		res, err := ingest.File(ctx, w, path, ingest.Options{})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if res.Profile != "lca" || res.Read != int64(len(rows)) || res.Read != res.Loaded+res.Rejected+res.Duplicate {
			t.Errorf("%s: %+v", format, res)
		}
		if res.Rejected == 0 || res.Duplicate == 0 {
			t.Errorf("%s: the fixture should exercise rejects and duplicates: %+v", format, res)
		}
		got := struct{ salaries, rejects, sources []string }{dump(t, w, qSalaries), dump(t, w, qRejects), dump(t, w, qSources)}
		if format == "csv" {
			want = got
			t.Logf("csv: read %d loaded %d rejected %d duplicate %d", res.Read, res.Loaded, res.Rejected, res.Duplicate)
			if first := dump(t, w, `SELECT min(row_no) FROM salaries`); first[0] != "2" {
				t.Errorf("first data row is %s, want 2 (the header is row 1)", first[0])
			}
			continue
		}
		for _, c := range []struct {
			name      string
			got, want []string
		}{{"salaries", got.salaries, want.salaries}, {"rejects", got.rejects, want.rejects}, {"sources", got.sources, want.sources}} {
			if len(c.got) != len(c.want) {
				t.Errorf("%s: %s has %d rows, csv gave %d", format, c.name, len(c.got), len(c.want))
				continue
			}
			for i := range c.got {
				if c.got[i] != c.want[i] {
					t.Errorf("%s: %s row %d differs:\n got %s\nwant %s", format, c.name, i, c.got[i], c.want[i])
					break
				}
			}
		}
	}
}

func TestHostileFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := openWarehouse(t)
	// A good file first, so "unchanged" is checked against real content.
	good := writeFile(t, filepath.Join(dir, "good.csv"), []byte(
		"work_year,job_title,salary_in_usd\n2024,Security Manager,150000\n"))
	if _, err := ingest.File(ctx, w, good, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	var full bytes.Buffer
	zw := gzip.NewWriter(&full)
	zw.Write(bytes.Repeat([]byte("work_year,job_title,salary_in_usd\n2024,Security Manager,150000\n"), 2000))
	zw.Close()
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
	for _, tc := range []struct {
		name string
		body []byte
		want string // in the message
	}{
		{"not_a_zip.xlsx", []byte("work_year,job_title\n2024,Security Manager\n"), "not an XLSX file (not a zip archive)"},
		{"png.xlsx", []byte(png), "not a zip archive"},
		{"truncated.csv.gz", full.Bytes()[:full.Len()/2], "truncated"},
		{"truncated.jsonl.gz", gzipBytes(t, []byte(`{"a":1}`))[:12], "gzip"},
		{"image.csv", []byte(png), "binary"},
		{"image.jsonl", []byte(png), "binary"},
		{"not_parquet.parquet", []byte("work_year,job_title\n2024,Security Manager\n"), "Parquet"},
		{"data.parquet.gz", gzipBytes(t, []byte("PAR1")), "decompress it first"},
		{"data.xlsx.gz", gzipBytes(t, []byte("PK\x03\x04")), "decompress it first"},
		{"zip_not_xlsx.xlsx", []byte("PK\x03\x04garbage that is not a zip directory"), "XLSX"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := dump(t, w, `SELECT (SELECT count(*) FROM source_files), (SELECT count(*) FROM observations), (SELECT count(*) FROM reject_rows), (SELECT count(*) FROM published)`)
			_, err := ingest.File(ctx, w, writeFile(t, filepath.Join(dir, tc.name), tc.body), ingest.Options{})
			if err == nil {
				t.Fatal("no error")
			}
			var re *ingest.RowError
			if !errors.As(err, &re) || !errors.Is(err, ingest.ErrUnreadable) {
				t.Errorf("error %q (%T) is not a RowError wrapping ErrUnreadable", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if after := dump(t, w, `SELECT (SELECT count(*) FROM source_files), (SELECT count(*) FROM observations), (SELECT count(*) FROM reject_rows), (SELECT count(*) FROM published)`); after[0] != before[0] {
				t.Errorf("a failed file changed the warehouse: %s, was %s", after[0], before[0])
			}
		})
	}
}

func TestJSONLines(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	body := `{"work_year":2024,"job_title":"Security Manager","salary_in_usd":1.5e5}` + "\n" +
		"\n" + // blank line: skipped, still counted for line numbers
		`{"work_year":2024.0,"job_title":"CISO","salary_in_usd":250000,"remote_ratio":100}` + "\n" +
		`{"work_year":2024,"job_title": "broken"` + "\n" +
		`[1,2,3]` + "\n" +
		`{"work_year":2023,"job_title":"Security Analyst","salary_in_usd":"95000","tags":["a","b"],"note":null}`
	p := writeFile(t, filepath.Join(dir, "s.jsonl"), []byte(body))

	src, err := ingest.OpenFile(ctx, p, "", ingest.ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := "work_year,job_title,salary_in_usd,remote_ratio,tags,note"
	if got := strings.Join(src.Reader.Header(), ","); got != wantHeader {
		t.Errorf("header %s, want %s", got, wantHeader)
	}
	var cells []string
	for src.Reader.Next() {
		rec := src.Reader.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			var row []string
			for j := 0; j < int(rec.NumCols()); j++ {
				row = append(row, rec.Column(j).ValueStr(i))
			}
			cells = append(cells, strings.Join(row, "|"))
		}
	}
	src.Close()
	want := []string{
		"2024|Security Manager|150000||||2|",
		"2024|CISO|250000|100|||4|",
		"||||||5|malformed JSON: the object is cut short",
		"||||||6|the line is not a JSON object",
		`2023|Security Analyst|95000||["a","b"]||7|`,
	}
	if strings.Join(cells, "\n") != strings.Join(want, "\n") {
		t.Errorf("cells:\n%s\nwant:\n%s", strings.Join(cells, "\n"), strings.Join(want, "\n"))
	}

	w := openWarehouse(t)
	res, err := ingest.File(ctx, w, p, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Profile != "survey" || res.Read != 5 || res.Loaded != 3 || res.Rejected != 2 || res.Duplicate != 0 {
		t.Errorf("got %+v, want survey 5 read, 3 loaded, 2 rejected", res)
	}
}

func TestXLSXSheetLayout(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := filepath.Join(dir, "layout.xlsx")
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	// Header on sheet row 3 (rows 1-2 blank), a blank row 5, a HYPERLINK
	// formula with a cached value on row 6.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(sw.SetRow("A3", []any{"work_year", "job_title", "salary_in_usd"}))
	must(sw.SetRow("A4", []any{2024, "Security Manager", 150000}))
	must(sw.SetRow("A6", []any{2024, excelize.Cell{Formula: `HYPERLINK("https://example.com/job/1","CISO")`, Value: "CISO"}, 250000.5}))
	must(sw.Flush())
	if _, err := f.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	must(f.SetSheetRow("Other", "A1", &[]any{"a", "b"}))
	must(f.SaveAs(p))
	f.Close()

	w := openWarehouse(t)
	res, err := ingest.File(ctx, w, p, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 2 || res.Loaded != 2 {
		t.Fatalf("got %+v, want 2 rows read and loaded", res)
	}
	got := dump(t, w, `SELECT row_no, title_raw, pay_usd FROM salaries ORDER BY row_no`)
	if strings.Join(got, ";") != "4|Security Manager|150000;6|CISO|250000.5" {
		t.Errorf("rows %q; want sheet rows 4 and 6, the formula's cached text, the displayed numbers", got)
	}
	_, err = ingest.File(ctx, openWarehouse(t), p, ingest.Options{Reader: ingest.ReaderOptions{Sheet: "Missing"}})
	if err == nil || !strings.Contains(err.Error(), `no sheet "Missing"`) {
		t.Errorf("missing sheet: %v", err)
	}
	_, err = ingest.File(ctx, openWarehouse(t), p, ingest.Options{Reader: ingest.ReaderOptions{Sheet: "Other"}})
	if !errors.Is(err, ingest.ErrNoProfile) {
		t.Errorf("sheet Other: %v, want ErrNoProfile", err)
	}
}
