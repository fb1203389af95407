package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"payband/warehouse"
)

// independentCount counts the records of a file without payband's
// readers: delimited text with the slow reference reader (refCSV, the
// Python-csv-like grammar written down there), JSON by decoding it whole
// with encoding/json, JSON lines by counting non-blank lines, XLSX with
// excelize's own GetRows (non-blank rows after the first non-blank one).
// ok is false for a format it does not count.
func independentCount(t *testing.T, path string) (n int, ok bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".tsv", ".txt":
		body := bytes.TrimPrefix(data, []byte("\ufeff"))
		comma := byte(sniffDelimiter(body[:min(len(body), 64<<10)]))
		if strings.HasSuffix(path, ".tsv") {
			comma = '\t'
		}
		_, recs := refCSV(data, comma)
		return len(recs), true
	case ".jsonl", ".ndjson":
		for _, l := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				n++
			}
		}
		return n, true
	case ".json":
		var arr []json.RawMessage
		if json.Unmarshal(data, &arr) == nil {
			return len(arr), true
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) == nil {
			return len(obj), true
		}
		return 0, false
	case ".xlsx":
		f, err := excelize.OpenFile(path)
		if err != nil {
			return 0, false
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		header := false
		for _, r := range rows {
			if strings.TrimSpace(strings.Join(r, "")) == "" {
				continue
			}
			if !header {
				header = true
				continue
			}
			n++
		}
		return n, true
	}
	return 0, false
}

// lazyCSVCount is encoding/csv's count (LazyQuotes, any field count), a
// second opinion for files without stray quotes.
func lazyCSVCount(t *testing.T, path string, comma rune) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = comma, true, -1
	n := -1 // the header
	for {
		_, err := r.Read()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		n++
	}
}

// TestCensus: for every file in ../shared/data that payband ingests and
// every delimited or JSON fixture in testdata, the records an independent
// reader counts are the rows payband read, and every one of them is
// loaded, rejected or a duplicate.
func TestCensus(t *testing.T) {
	ctx := context.Background()
	var files []string
	shared := filepath.Join("..", "..", "shared", "data")
	for _, name := range []string{
		"infosec_jobs_salaries_2025-08-03.csv", "salaries_cyber.csv", "aijobs_salaries_2025-01-19.csv",
		"ds_salaries_2023.csv", "h1b_kaggle_first3248.csv", "h1b_sample_2015_2019.csv",
		"h1b_input_insight_fy2018.csv", "national_M2016_dl.xlsx", "national_M2023_dl.xlsx", "national_M2024_dl.xlsx",
	} {
		if _, err := os.Stat(filepath.Join(shared, name)); err == nil {
			files = append(files, filepath.Join(shared, name))
		}
	}
	if len(files) == 0 {
		t.Log("../shared/data is absent: only the fixtures are counted")
	}
	for _, dir := range []string{"ingest", "bad"} {
		for _, ext := range []string{"*.csv", "*.tsv", "*.json", "*.jsonl"} {
			m, _ := filepath.Glob(filepath.Join("..", "testdata", dir, ext))
			for _, f := range m {
				if filepath.Base(f) != "cases.tsv" {
					files = append(files, f)
				}
			}
		}
	}
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	counted := 0
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want, ok := independentCount(t, path)
			if !ok {
				t.Skip("no independent count for this format")
			}
			res, err := File(ctx, w, path, Options{})
			if err != nil {
				// Files refused whole (empty, binary, no profile) have no
				// rows to count; they are the hostile corpus's business.
				if errors.Is(err, ErrUnreadable) || errors.Is(err, ErrNoProfile) {
					t.Skipf("refused: %v", err)
				}
				t.Fatal(err)
			}
			if res.AlreadyLoaded {
				t.Skip("same content as a file counted before")
			}
			counted++
			if res.Read != int64(want) {
				t.Errorf("rows_read %d, an independent reader counts %d records", res.Read, want)
			}
			var read, loaded, rejected, dup int64
			if err := w.DB.QueryRow(`SELECT rows_read, rows_loaded, rows_rejected, rows_duplicate FROM source_files WHERE path = ? AND sha256 = ?`,
				res.Path, res.SHA256).Scan(&read, &loaded, &rejected, &dup); err != nil {
				t.Fatal(err)
			}
			if read != res.Read || read != loaded+rejected+dup {
				t.Errorf("sources: read %d, loaded %d + rejected %d + duplicate %d", read, loaded, rejected, dup)
			}
			if strings.HasPrefix(path, shared) && strings.HasSuffix(path, ".csv") {
				comma := ','
				if strings.Contains(path, "insight") {
					comma = ';'
				}
				if n := lazyCSVCount(t, path, comma); n != want {
					t.Errorf("encoding/csv counts %d records, the reference %d", n, want)
				}
			}
		})
	}
	if counted < 5 {
		t.Errorf("only %d files counted", counted)
	}
}
