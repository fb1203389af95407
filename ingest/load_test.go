package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"payband/ingest"
	"payband/warehouse"
)

// sharedData returns the path of a file in ../shared/data next to the
// repository, skipping the test when that folder is absent.
func sharedData(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	return p
}

func openWarehouse(t testing.TB) *warehouse.Warehouse {
	t.Helper()
	w, err := warehouse.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Error(err)
		}
	})
	return w
}

type sourceRow struct {
	read, loaded, rejected, dup int64
}

func sourceCounts(t testing.TB, w *warehouse.Warehouse, name string) sourceRow {
	t.Helper()
	var s sourceRow
	err := w.DB.QueryRow(`SELECT rows_read, rows_loaded, rows_rejected, rows_duplicate FROM sources WHERE source = ?`, name).
		Scan(&s.read, &s.loaded, &s.rejected, &s.dup)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func count(t testing.TB, w *warehouse.Warehouse, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := w.DB.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestIngestInfosecSurvey(t *testing.T) {
	ctx := context.Background()
	path := sharedData(t, "infosec_jobs_salaries_2025-08-03.csv")
	w := openWarehouse(t)
	res, err := ingest.File(ctx, w, path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Profile != "survey" {
		t.Errorf("profile = %q, want survey (%s)", res.Profile, res.ProfileReason)
	}
	if res.Read != 65951 {
		t.Errorf("rows read = %d, want 65951", res.Read)
	}
	if res.Read != res.Loaded+res.Rejected+res.Duplicate {
		t.Errorf("read %d != loaded %d + rejected %d + duplicate %d", res.Read, res.Loaded, res.Rejected, res.Duplicate)
	}
	s := sourceCounts(t, w, filepath.Base(path))
	if s.read != res.Read || s.loaded != res.Loaded || s.rejected != res.Rejected || s.dup != res.Duplicate {
		t.Errorf("sources row %+v disagrees with result %+v", s, res)
	}
	if got := count(t, w, `SELECT count(*) FROM salaries`); got != res.Loaded {
		t.Errorf("salaries has %d rows, loaded %d", got, res.Loaded)
	}
	if got := count(t, w, `SELECT count(*) FROM rejects`); got != res.Rejected {
		t.Errorf("rejects has %d rows, rejected %d", got, res.Rejected)
	}
	// Every reject says why.
	if got := count(t, w, `SELECT count(*) FROM rejects WHERE reason = ''`); got != 0 {
		t.Errorf("%d rejects without a reason", got)
	}
	// Pay comes from salary_in_usd: spot-check the first data row (line 2).
	var pay float64
	if err := w.DB.QueryRow(`SELECT pay_usd FROM salaries WHERE row_no = 2`).Scan(&pay); err != nil {
		t.Fatal(err)
	}
	if pay != 128000 {
		t.Errorf("row 2 pay_usd = %v, want 128000", pay)
	}
	// Distinct titles are mapped once each.
	if d, m := count(t, w, `SELECT count(DISTINCT title_raw) FROM salaries`), count(t, w, `SELECT count(*) FROM title_map WHERE rows > 0`); d != m {
		t.Errorf("%d distinct titles but %d mapped", d, m)
	}

	again, err := ingest.File(ctx, w, path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !again.AlreadyLoaded {
		t.Errorf("second ingest did not report already loaded: %+v", again)
	}
	if got := count(t, w, `SELECT count(*) FROM salaries`); got != res.Loaded {
		t.Errorf("after the second ingest salaries has %d rows, want %d", got, res.Loaded)
	}
}

func TestIngestRejectsAndErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const hdr = "work_year,experience_level,employment_type,job_title,salary,salary_currency,salary_in_usd,employee_residence,remote_ratio,company_location,company_size\n"
	good := write("bad_rows.csv", hdr+
		"2024,SE,FT,Security Manager,150000,USD,150000,US,0,US,M\n"+
		"2024,SE,FT,,150000,USD,150000,US,0,US,M\n"+
		"1850,SE,FT,Security Manager,150000,USD,150000,US,0,US,M\n"+
		"2024,SE,FT,Security Manager,NaN,USD,NaN,US,0,US,M\n"+
		"2024,SE,FT,Security Manager,5,USD,5,US,0,US,M\n"+
		"2024,SE,FT,Security Manager,150000,USD\n")
	w := openWarehouse(t)
	res, err := ingest.File(ctx, w, good, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 6 || res.Loaded != 1 || res.Rejected != 5 {
		t.Errorf("got read %d loaded %d rejected %d, want 6/1/5", res.Read, res.Loaded, res.Rejected)
	}
	wantCols := map[int64]string{3: "job_title", 4: "work_year", 5: "salary_in_usd", 6: "salary_in_usd", 7: ""}
	rows, err := w.DB.Query(`SELECT row_no, "column", reason FROM rejects ORDER BY row_no`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var row int64
		var col, reason string
		if err := rows.Scan(&row, &col, &reason); err != nil {
			t.Fatal(err)
		}
		if want, ok := wantCols[row]; !ok || want != col || reason == "" {
			t.Errorf("reject row %d column %q reason %q; want column %q", row, col, reason, want)
		}
	}

	for _, tc := range []struct {
		name, body string
	}{
		{"empty.csv", ""},
		{"binary.csv", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"},
		{"truncated.csv.gz", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x4b\x4c"},
		{"noprofile.csv", "a,b,c\n1,2,3\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := count(t, w, `SELECT count(*) FROM source_files`)
			_, err := ingest.File(ctx, w, write(tc.name, tc.body), ingest.Options{})
			if err == nil {
				t.Fatal("no error")
			}
			var re *ingest.RowError
			if !errors.As(err, &re) {
				t.Errorf("error %v (%T) is not a RowError", err, err)
			}
			if after := count(t, w, `SELECT count(*) FROM source_files`); after != before {
				t.Errorf("a failed file changed the warehouse: %d sources, was %d", after, before)
			}
		})
	}
}

// A hash the caller already has is used, while the file keeps its size and
// modification time, to skip content already loaded before reading it; the
// hash stored is always that of the bytes the load read.
func TestKnownHash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	csv := "work_year,job_title,salary_in_usd\n2024,Security Manager,150000\n2024,SOC Analyst,90000\n"
	tests := []struct {
		name    string
		touch   func(path string) error // after hashing, before the load
		useFake bool                    // the stored sha256 is the caller's
	}{
		{"unchanged", func(string) error { return nil }, true},
		{"rewritten, same size", func(p string) error {
			later := time.Now().Add(time.Hour)
			return os.Chtimes(p, later, later)
		}, false},
		{"appended", func(p string) error {
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			if _, err := f.WriteString("2024,IT Security Manager,160000\n"); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".csv")
			if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
				t.Fatal(err)
			}
			k, err := ingest.HashFile(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			real := k.SHA256
			k.SHA256 = strings.Repeat("ab", 32) // marks whether the caller's hash was used
			if err := tc.touch(path); err != nil {
				t.Fatal(err)
			}
			w := openWarehouse(t)
			if _, err := ingest.File(ctx, w, path, ingest.Options{Known: &k}); err != nil {
				t.Fatal(err)
			}
			var stored string
			if err := w.DB.QueryRow(`SELECT sha256 FROM source_files`).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			want, _, err := ingest.SHA256File(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if tc.name != "appended" && want != real {
				t.Fatalf("test setup: recomputed hash %s", want)
			}
			if stored != want {
				t.Errorf("stored sha256 %s, want %s (what was read)", stored, want)
			}
			if !tc.useFake {
				return
			}
			// A known hash that is loaded skips the file unread while the
			// size and modification time still match: other bytes of the
			// same size, with the time put back, are not even read.
			if err := os.WriteFile(path, []byte(strings.Replace(csv, "150000", "160000", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(path, k.ModTime, k.ModTime); err != nil {
				t.Fatal(err)
			}
			k.SHA256 = stored
			again, err := ingest.File(ctx, w, path, ingest.Options{Known: &k})
			if err != nil || !again.AlreadyLoaded || again.Read != 0 {
				t.Errorf("known hash of loaded content: %+v, %v; want already loaded", again, err)
			}
		})
	}
}

// TestCaseNumbersAcrossSources: a case number an earlier active source holds
// makes the row a duplicate, whether it is stored packed (DOL shape) or as
// text (any other shape).
func TestCaseNumbersAcrossSources(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	dir := t.TempDir()
	header := "CASE_NUMBER,CASE_STATUS,RECEIVED_DATE,JOB_TITLE,EMPLOYER_NAME,WORKSITE_STATE,WAGE_RATE_OF_PAY_FROM,WAGE_UNIT_OF_PAY,PREVAILING_WAGE,PW_UNIT_OF_PAY\n"
	write := func(name string, cases ...string) string {
		var b strings.Builder
		b.WriteString(header)
		for i, c := range cases {
			fmt.Fprintf(&b, "%s,Certified,03/14/2024,Security Manager,ACME %s,CA,%d,Year,110000,Year\n", c, name, 120000+i*1000)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.csv", "I-200-00001-000001", "EAD-17-99", "I-200-00001-000002")
	b := write("b.csv", "I-200-00001-000001", "EAD-17-99", "I-200-00001-000003", "ead-17-99", "I-200-00001-000003")
	ra, err := ingest.File(ctx, w, a, ingest.Options{Profile: "lca"})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := ingest.File(ctx, w, b, ingest.Options{Profile: "lca"})
	if err != nil {
		t.Fatal(err)
	}
	if ra.Loaded != 3 || ra.Duplicate != 0 {
		t.Errorf("a.csv: loaded %d duplicate %d, want 3 and 0", ra.Loaded, ra.Duplicate)
	}
	// b.csv: two held by a.csv, one repeated within b.csv.
	if rb.Loaded != 2 || rb.Duplicate != 3 {
		t.Errorf("b.csv: loaded %d duplicate %d, want 2 and 3", rb.Loaded, rb.Duplicate)
	}
	if got := dump(t, w, `SELECT coalesce(case_number, ''), coalesce(CAST(case_code AS VARCHAR), ''), employer
FROM observations WHERE dup_of IS NULL ORDER BY source_id, row_no`); strings.Join(got, ";") !=
		"|820000001000001|ACME a.csv;EAD-17-99||ACME a.csv;|820000001000002|ACME a.csv;|820000001000003|ACME b.csv;ead-17-99||ACME b.csv" {
		t.Errorf("observations:\n%s", strings.Join(got, "\n"))
	}
	// b.csv's copies of a.csv's cases stay stored, as duplicates of a.csv.
	if got := dump(t, w, `SELECT coalesce(case_number, ''), coalesce(CAST(case_code AS VARCHAR), ''), employer
FROM observations WHERE dup_of IS NOT NULL ORDER BY source_id, row_no`); strings.Join(got, ";") !=
		"|820000001000001|ACME b.csv;EAD-17-99||ACME b.csv" {
		t.Errorf("duplicates kept:\n%s", strings.Join(got, "\n"))
	}
}

// TestCaseDuplicatesAsAMapSays holds the load's in-file de-duplication to
// the obvious rule, on a file long enough to cross convert's groups of
// caseAhead rows and a reader batch: the first valid row of a case number
// is loaded, every later valid row with it is a duplicate, and a rejected
// row does not claim its number. Case numbers repeat at every distance,
// DOL-shaped and not.
func TestCaseDuplicatesAsAMapSays(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	r := rand.New(rand.NewPCG(7, 11))
	const rows = 9000
	var b strings.Builder
	b.WriteString("CASE_NUMBER,CASE_STATUS,RECEIVED_DATE,JOB_TITLE,EMPLOYER_NAME,WORKSITE_STATE,WAGE_RATE_OF_PAY_FROM,WAGE_UNIT_OF_PAY,PREVAILING_WAGE,PW_UNIT_OF_PAY\n")
	seen := map[string]bool{}
	var want []string
	for i := range rows {
		var cn string
		switch k := r.IntN(3000); {
		case k%7 == 0:
			cn = fmt.Sprintf("EAD-%d", k)
		default:
			cn = fmt.Sprintf("I-200-%05d-%06d", k%97, k)
		}
		pay := fmt.Sprint(90000 + r.IntN(50000))
		bad := r.IntN(10) == 0
		if bad {
			pay = "abc" // and no prevailing wage to fall back on
		}
		fmt.Fprintf(&b, "%s,Certified,03/14/2024,Security Manager,ACME,CA,%s,Year,%s,Year\n", cn, pay, pay)
		if !bad && !seen[cn] {
			seen[cn] = true
			want = append(want, fmt.Sprint(i+2))
		}
	}
	path := filepath.Join(t.TempDir(), "dups.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := ingest.File(ctx, w, path, ingest.Options{Profile: "lca"})
	if err != nil {
		t.Fatal(err)
	}
	got := dump(t, w, `SELECT row_no FROM observations ORDER BY row_no`)
	if res.Loaded != int64(len(want)) || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("loaded %d rows (%d stored), the map keeps %d; first differences:\n%s",
			res.Loaded, len(got), len(want), firstDiff(got, want))
	}
	if res.Rejected < rows/20 || res.Duplicate < rows/5 {
		t.Fatalf("rejected %d, duplicate %d: the file does not test what it says", res.Rejected, res.Duplicate)
	}
	if res.Loaded+res.Rejected+res.Duplicate != rows {
		t.Errorf("read %d = loaded %d + rejected %d + duplicate %d does not hold", rows, res.Loaded, res.Rejected, res.Duplicate)
	}
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("at %d: row %s stored, the map keeps row %s", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(got), len(want))
}
