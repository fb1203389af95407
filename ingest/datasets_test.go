package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"payband/ingest"
	"payband/warehouse"
)

func writeIn(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func checkWarehouse(t *testing.T, w *warehouse.Warehouse) {
	t.Helper()
	problems, err := w.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Errorf("check: %q", problems)
	}
}

const lcaHeader = "CASE_NUMBER,CASE_STATUS,RECEIVED_DATE,JOB_TITLE,EMPLOYER_NAME,WORKSITE_STATE,WAGE_RATE_OF_PAY_FROM,WAGE_UNIT_OF_PAY,PREVAILING_WAGE,PW_UNIT_OF_PAY\n"

// lcaQuarter writes a DOL-shaped file of the cases from..to (inclusive).
func lcaQuarter(t *testing.T, dir, name string, from, to int) string {
	var b strings.Builder
	b.WriteString(lcaHeader)
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "I-200-24001-%06d,Certified,03/14/2024,Security Manager,ACME,CA,%d,Year,110000,Year\n", i, 100000+i*1000)
	}
	return writeIn(t, dir, name, b.String())
}

// TestQuarterlyFilesRetire: a year-to-date Q2 file repeats Q1's cases.
// Its copies are duplicates while Q1 is loaded, and become its rows when
// Q1 is retired, so no case is lost; files of one quarter only share
// nothing. Retiring any source leaves exactly what the others hold.
func TestQuarterlyFilesRetire(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		q2from     int
		q2Loaded   int64
		q2Dup      int64
		afterRetQ1 int64 // salaries rows after retiring Q1
	}{
		{"year to date", 1, 2, 3, 5},
		{"one quarter", 4, 2, 0, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := openWarehouse(t)
			dir := t.TempDir()
			q1 := lcaQuarter(t, dir, "lca_fy2024_q1.csv", 1, 3)
			q2 := lcaQuarter(t, dir, "lca_fy2024_q2.csv", tc.q2from, 5)
			if _, err := ingest.File(ctx, w, q1, ingest.Options{Profile: "lca"}); err != nil {
				t.Fatal(err)
			}
			r2, err := ingest.File(ctx, w, q2, ingest.Options{Profile: "lca"})
			if err != nil {
				t.Fatal(err)
			}
			if r2.Loaded != tc.q2Loaded || r2.Duplicate != tc.q2Dup || r2.Dataset != ingest.DatasetDOLLCA {
				t.Errorf("Q2: loaded %d duplicate %d dataset %q, want %d, %d, dol-lca", r2.Loaded, r2.Duplicate, r2.Dataset, tc.q2Loaded, tc.q2Dup)
			}
			if got := count(t, w, `SELECT count(*) FROM salaries`); got != 5 {
				t.Errorf("salaries: %d rows, want 5", got)
			}
			checkWarehouse(t, w)
			abs, _ := filepath.Abs(q1)
			if n, err := w.RetirePath(ctx, abs); err != nil || n != 1 {
				t.Fatalf("retire Q1: %d, %v", n, err)
			}
			if got := count(t, w, `SELECT count(*) FROM salaries`); got != tc.afterRetQ1 {
				t.Errorf("after retiring Q1: %d rows, want %d (Q2's own)", got, tc.afterRetQ1)
			}
			if got := count(t, w, `SELECT count(*) FROM salaries WHERE source = 'lca_fy2024_q2.csv'`); got != tc.afterRetQ1 {
				t.Errorf("after retiring Q1: %d rows of Q2, want %d", got, tc.afterRetQ1)
			}
			s := sourceCounts(t, w, "lca_fy2024_q2.csv")
			if s.loaded != tc.afterRetQ1 || s.dup != 0 || s.read != s.loaded+s.rejected+s.dup {
				t.Errorf("Q2 counts after retiring Q1: %+v", s)
			}
			checkWarehouse(t, w)
		})
	}
}

// TestThreeLoadsEarliestWins: Q1, then Q2 and Q3 year-to-date. Retiring
// Q1 makes Q2's copies the rows and Q3's copies duplicates of Q2's;
// retiring Q2 then makes Q3's the rows.
func TestThreeLoadsEarliestWins(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	dir := t.TempDir()
	paths := []string{lcaQuarter(t, dir, "q1.csv", 1, 2), lcaQuarter(t, dir, "q2.csv", 1, 4), lcaQuarter(t, dir, "q3.csv", 1, 6)}
	for _, p := range paths {
		if _, err := ingest.File(ctx, w, p, ingest.Options{Profile: "lca"}); err != nil {
			t.Fatal(err)
		}
	}
	perSource := func() string {
		return strings.Join(dump(t, w, `SELECT source, count(*) FROM salaries GROUP BY 1 ORDER BY 1`), ";")
	}
	if got := perSource(); got != "q1.csv|2;q2.csv|2;q3.csv|2" {
		t.Errorf("before: %s", got)
	}
	for i, want := range []string{"q2.csv|4;q3.csv|2", "q3.csv|6"} {
		abs, _ := filepath.Abs(paths[i])
		if _, err := w.RetirePath(ctx, abs); err != nil {
			t.Fatal(err)
		}
		if got := perSource(); got != want {
			t.Errorf("after retiring %s: %s, want %s", paths[i], got, want)
		}
		checkWarehouse(t, w)
	}
}

const surveyHdr = "work_year,experience_level,employment_type,job_title,salary,salary_currency,salary_in_usd,employee_residence,remote_ratio,company_location,company_size\n"

// surveyRows are the rows of a made-up cumulative survey, as its newest
// snapshot publishes them: per year, a few Security Manager answers and
// others, with two genuinely equal answers in 2024.
func surveyRows() []string {
	var rows []string
	levels := []string{"EN", "MI", "SE", "EX"}
	titles := []string{"Security Manager", "Information Security Manager", "Security Engineer", "Senior Security Manager"}
	for y := 2021; y <= 2025; y++ {
		for i := 0; i < 6; i++ {
			pay := 90000 + (y-2021)*5000 + i*7000
			rows = append(rows, fmt.Sprintf("%d,%s,FT,%s,%d,USD,%d,US,0,US,M", y, levels[i%4], titles[i%4], pay, pay))
		}
	}
	rows = append(rows, "2024,SE,FT,Security Manager,150000,USD,150000,US,100,US,L", "2024,SE,FT,Security Manager,150000,USD,150000,US,100,US,L")
	return rows
}

// snapshotAt is the survey as published up to year last: the newer
// snapshots also correct two of the older rows (a re-converted currency,
// an edited title), so an older snapshot holds versions the newest does
// not.
func snapshotAt(last int, corrected bool) string {
	var b strings.Builder
	b.WriteString(surveyHdr)
	for i, r := range surveyRows() {
		var y int
		fmt.Sscanf(r, "%d", &y)
		if y > last {
			continue
		}
		if !corrected && i == 1 {
			r = strings.Replace(r, ",USD,", ",EUR,", 1) // before the currency was re-converted
		}
		if !corrected && i == 8 {
			r = strings.Replace(r, "Security Manager", "Securty Manager", 1) // before the typo was fixed
		}
		b.WriteString(r + "\n")
	}
	return b.String()
}

// TestSnapshotsAnyOrder: loading three snapshots of one cumulative
// survey in any order leaves exactly the rows of the newest alone; the
// older ones are superseded (lineage kept) whichever comes first.
func TestSnapshotsAnyOrder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	files := []string{
		writeIn(t, dir, "salaries_2023-12-31.csv", snapshotAt(2023, false)),
		writeIn(t, dir, "salaries_2024-06-30.csv", snapshotAt(2024, false)),
		writeIn(t, dir, "salaries_2025-08-03.csv", snapshotAt(2025, true)),
	}
	const rowsQ = `SELECT year, title_raw, pay_usd, experience_level FROM salaries ORDER BY ALL`
	alone := openWarehouse(t)
	if _, err := ingest.File(ctx, alone, files[2], ingest.Options{Profile: "survey", Dataset: "isecjobs"}); err != nil {
		t.Fatal(err)
	}
	want := strings.Join(dump(t, alone, rowsQ), "\n")
	for _, order := range [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			w := openWarehouse(t)
			for _, i := range order {
				res, err := ingest.File(ctx, w, files[i], ingest.Options{Profile: "survey"})
				if err != nil {
					t.Fatal(err)
				}
				if res.Read != res.Loaded+res.Rejected+res.Duplicate {
					t.Errorf("%s: %+v", res.Source, res)
				}
			}
			if got := strings.Join(dump(t, w, rowsQ), "\n"); got != want {
				t.Errorf("rows differ from the newest alone:\n%s\nwant\n%s", got, want)
			}
			if got := dump(t, w, `SELECT source, coalesce(superseded_by, '-'), active FROM source_lineage ORDER BY source`); strings.Join(got, ";") !=
				"salaries_2023-12-31.csv|salaries_2025-08-03.csv|false;salaries_2024-06-30.csv|salaries_2025-08-03.csv|false;salaries_2025-08-03.csv|-|true" {
				t.Errorf("lineage: %v", got)
			}
			if got := dump(t, w, `SELECT DISTINCT dataset FROM source_lineage`); strings.Join(got, ";") != "salaries" {
				t.Errorf("datasets: %v", got)
			}
			checkWarehouse(t, w)
			// Loading a superseded snapshot again does nothing.
			res, err := ingest.File(ctx, w, files[0], ingest.Options{Profile: "survey"})
			if err != nil || !res.AlreadyLoaded {
				t.Errorf("reloading the oldest: %+v, %v", res, err)
			}
		})
	}
}

// TestEqualAnswersNotDuplicates: two equal survey answers in one file are
// two people, not a duplicate.
func TestEqualAnswersNotDuplicates(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	p := writeIn(t, t.TempDir(), "two.csv", surveyHdr+
		"2024,SE,FT,Security Manager,150000,USD,150000,US,100,US,L\n2024,SE,FT,Security Manager,150000,USD,150000,US,100,US,L\n")
	res, err := ingest.File(ctx, w, p, ingest.Options{Profile: "survey"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loaded != 2 || res.Duplicate != 0 {
		t.Errorf("loaded %d duplicate %d, want 2 and 0", res.Loaded, res.Duplicate)
	}
}

// TestKaggleCopySuperseded: salaries_cyber.csv (the Kaggle copy of the
// isecjobs survey, 2020–2022) loaded after the publisher's own file changes
// no row of the views, in either order, and the overlap is reported.
func TestKaggleCopySuperseded(t *testing.T) {
	ctx := context.Background()
	infosec := sharedData(t, "infosec_jobs_salaries_2025-08-03.csv")
	kaggle := sharedData(t, "salaries_cyber.csv")
	const rowsQ = `SELECT year, family, count(*), sum(pay_usd) FROM salaries GROUP BY ALL ORDER BY ALL`
	alone := openWarehouse(t)
	if _, err := ingest.File(ctx, alone, infosec, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	want := strings.Join(dump(t, alone, rowsQ), "\n")
	for _, order := range [][]string{{infosec, kaggle}, {kaggle, infosec}} {
		w := openWarehouse(t)
		var results []ingest.Result
		for _, p := range order {
			res, err := ingest.File(ctx, w, p, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			results = append(results, res)
		}
		if got := strings.Join(dump(t, w, rowsQ), "\n"); got != want {
			t.Errorf("order %s: rows differ from the survey alone", filepath.Base(order[0]))
		}
		second := results[1]
		if len(second.Overlaps) != 1 || second.Overlaps[0].Fraction < 0.85 || second.Overlaps[0].Fraction > 0.9 {
			t.Errorf("overlap of %s: %+v, want one of about 88%%", second.Source, second.Overlaps)
		}
		if filepath.Base(order[1]) == "salaries_cyber.csv" && second.SupersededBy != "infosec_jobs_salaries_2025-08-03.csv" {
			t.Errorf("salaries_cyber.csv superseded by %q", second.SupersededBy)
		}
		if filepath.Base(order[1]) != "salaries_cyber.csv" && (len(second.Supersedes) != 1 || second.Supersedes[0] != "salaries_cyber.csv") {
			t.Errorf("the survey supersedes %q", second.Supersedes)
		}
		if got := dump(t, w, `SELECT DISTINCT dataset FROM source_lineage`); strings.Join(got, ";") != "isecjobs" {
			t.Errorf("datasets: %v", got)
		}
		checkWarehouse(t, w)
	}
}
