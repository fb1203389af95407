package ingest_test

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"payband/ingest"
)

// The .xls fixtures are written by testdata/xls/make_fixtures.py (xlwt),
// with a CSV of the same rows beside each.
const xlsDir = "../testdata/xls"

func readCSVFile(t *testing.T, p string) [][]string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// xlsxFromCSV writes the CSV's rows as an XLSX sheet, numbers as numbers
// under format fmts[column] ("#,##0", "0.00"), as BLS writes its workbooks.
func xlsxFromCSV(t *testing.T, recs [][]string, path string, fmts map[string]int) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	styles := map[int]int{}
	for _, id := range fmts {
		s, err := f.NewStyle(&excelize.Style{NumFmt: id})
		if err != nil {
			t.Fatal(err)
		}
		styles[id] = s
	}
	for r, rec := range recs {
		for c, v := range rec {
			if v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if x, err := strconv.ParseFloat(v, 64); err == nil && r > 0 {
				f.SetCellFloat(sh, cell, x, -1, 64)
				if id, ok := fmts[recs[0][c]]; ok {
					f.SetCellStyle(sh, cell, cell, styles[id])
				}
			} else {
				f.SetCellStr(sh, cell, v)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func copyTo(t *testing.T, src, dst string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dst, b)
}

// TestXLSOEWSEqualsXLSX loads the same OEWS year as .xls and as .xlsx:
// the published rows are the same.
func TestXLSOEWSEqualsXLSX(t *testing.T) {
	ctx := context.Background()
	recs := readCSVFile(t, filepath.Join(xlsDir, "national_M2012_dl.csv"))
	fmts := map[string]int{}
	for _, h := range recs[0] {
		switch {
		case h == "TOT_EMP", strings.HasPrefix(h, "A_"):
			fmts[h] = 3
		case strings.HasPrefix(h, "H_"):
			fmts[h] = 2
		}
	}
	dirA, dirB := t.TempDir(), t.TempDir()
	files := map[string]string{
		"xls":  copyTo(t, filepath.Join(xlsDir, "national_M2012_dl.xls"), filepath.Join(dirA, "national_M2012_dl.xls")),
		"xlsx": xlsxFromCSV(t, recs, filepath.Join(dirB, "national_M2012_dl.xlsx"), fmts),
	}
	const q = `SELECT * FROM published_bands ORDER BY ALL`
	var got [2][]string
	for i, format := range []string{"xls", "xlsx"} {
		w := openWarehouse(t)
		res, err := ingest.File(ctx, w, files[format], ingest.Options{})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if res.Profile != "oews" || res.Read != int64(len(recs)-1) || res.Format != format {
			t.Errorf("%s: %+v, want oews with %d rows", format, res, len(recs)-1)
		}
		got[i] = dump(t, w, q)
	}
	if len(got[0]) < 250 {
		t.Fatalf("only %d published rows", len(got[0]))
	}
	if strings.Join(got[0], "\n") != strings.Join(got[1], "\n") {
		for i := range got[0] {
			if i >= len(got[1]) || got[0][i] != got[1][i] {
				t.Fatalf("published row %d:\n .xls  %s\n .xlsx %v", i, got[0][i], got[1][i:min(i+1, len(got[1]))])
			}
		}
		t.Fatalf(".xls gives %d rows, .xlsx %d", len(got[0]), len(got[1]))
	}
}

// TestXLSLCAEqualsCSV loads a DOL LCA file as .xls and as CSV: the same
// salaries, rejects and counts (dates read from date-formatted cells).
func TestXLSLCAEqualsCSV(t *testing.T) {
	ctx := context.Background()
	const (
		qSalaries = `SELECT * EXCLUDE (source) FROM salaries ORDER BY row_no`
		qRejects  = `SELECT * EXCLUDE (source, value) FROM rejects ORDER BY row_no, "column"`
	)
	var out [2][2][]string
	for i, name := range []string{"H-1B_FY2013.xls", "H-1B_FY2013.csv"} {
		w := openWarehouse(t)
		res, err := ingest.File(ctx, w, copyTo(t, filepath.Join(xlsDir, name), filepath.Join(t.TempDir(), name)), ingest.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.Profile != "lca" || res.Read != 400 || res.Loaded < 300 {
			t.Errorf("%s: %+v", name, res)
		}
		out[i] = [2][]string{dump(t, w, qSalaries), dump(t, w, qRejects)}
	}
	for k, what := range []string{"salaries", "rejects"} {
		a, b := out[0][k], out[1][k]
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			for i := range a {
				if i >= len(b) || a[i] != b[i] {
					t.Fatalf("%s row %d:\n .xls %s\n .csv %v", what, i, a[i], b[i:min(i+1, len(b))])
				}
			}
			t.Fatalf("%s: .xls %d rows, .csv %d", what, len(a), len(b))
		}
	}
}

func TestXLSHostile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(xlsDir, "H-1B_FY2013.xls"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"text.xls":      []byte("LCA_CASE_NUMBER,STATUS\nI-1,CERTIFIED\n"),
		"header.xls":    good[:512],
		"truncated.xls": good[:len(good)/2],
	}
	flipped := append([]byte(nil), good...)
	for i := 4096; i < len(flipped); i += 97 {
		flipped[i] ^= 0x5A
	}
	cases["corrupt.xls"] = flipped
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ingest.File(ctx, openWarehouse(t), writeFile(t, filepath.Join(dir, name), body), ingest.Options{})
			// A damaged file may still yield rows (each checked as usual);
			// it must never panic, and a refusal is one clear error.
			if err != nil && !errors.Is(err, ingest.ErrUnreadable) && !errors.Is(err, ingest.ErrNoProfile) {
				t.Errorf("error %v is neither unreadable nor no-profile", err)
			}
			if name == "text.xls" && (err == nil || !strings.Contains(err.Error(), "not an OLE2 compound file")) {
				t.Errorf("text named .xls: %v", err)
			}
		})
	}
}
