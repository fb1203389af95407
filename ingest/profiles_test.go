package ingest_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"payband/ingest"
)

// sharedSources are the expected outcomes of auto-ingesting every salary or
// published-band file in ../shared/data. The counts were checked outside
// payband (Python's csv module and a direct XLSX row dump) against
// SOURCES.md:
//   - salaries_cyber: 18 rows and ds_salaries_2023: 22 rows have
//     salary_in_usd below the $10,000 plausibility floor (rejects);
//   - h1b_kaggle: 4 PREVAILING_WAGE cells hold "1.00E+05" (scientific
//     notation is refused, not guessed) and 2 are above $2,000,000
//     (2,648,400 and 72,800,000): 6 rejects; no wage is below $1,000, so
//     the hourly unit rule does not fire;
//   - h1b_sample: 3 CASE_NUMBERs appear twice (I-200-16039-998530,
//     I-200-16065-402626, I-200-17268-655421): 3 duplicates;
//   - h1b_input_insight_fy2018: line 5 has an empty CASE_SUBMITTED, so no
//     year: 1 reject;
//   - national_M2023/M2024: 7 OCC_CODEs (13-1020, 13-2020, 29-2010,
//     31-1120, 39-7010, 47-4090, 51-2090) are listed twice, as "broad" and
//     as "detailed", with identical figures: 7 duplicates each.
//   - salaries_cyber.csv and ds_salaries_2023.csv are older snapshots of
//     the isecjobs and aijobs surveys (88% and 91% of their rows are the
//     surveys' rows): each is superseded by the survey loaded before it.
var sharedSources = []struct {
	file, profile                string
	read, loaded, rejected, dupl int64
	supersededBy                 string
}{
	{"infosec_jobs_salaries_2025-08-03.csv", "survey", 65951, 65951, 0, 0, ""},
	{"salaries_cyber.csv", "survey", 1247, 1229, 18, 0, "infosec_jobs_salaries_2025-08-03.csv"},
	{"aijobs_salaries_2025-01-19.csv", "survey", 74301, 74301, 0, 0, ""},
	{"ds_salaries_2023.csv", "survey", 3755, 3733, 22, 0, "aijobs_salaries_2025-01-19.csv"},
	{"h1b_kaggle_first3248.csv", "lca", 3248, 3242, 6, 0, ""},
	{"h1b_sample_2015_2019.csv", "lca", 10000, 9997, 0, 3, ""},
	{"h1b_input_insight_fy2018.csv", "lca", 10, 9, 1, 0, ""},
	{"national_M2016_dl.xlsx", "oews", 1394, 1394, 0, 0, ""},
	{"national_M2023_dl.xlsx", "oews", 1403, 1396, 0, 7, ""},
	{"national_M2024_dl.xlsx", "oews", 1403, 1396, 0, 7, ""},
}

func TestSharedSourcesAuto(t *testing.T) {
	ctx := context.Background()
	// One warehouse for all: sources must not disturb each other.
	w := openWarehouse(t)
	for _, tc := range sharedSources {
		t.Run(tc.file, func(t *testing.T) {
			path := sharedData(t, tc.file)
			res, err := ingest.File(ctx, w, path, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Profile != tc.profile {
				t.Errorf("profile %q (%s), want %s", res.Profile, res.ProfileReason, tc.profile)
			}
			if res.Read != tc.read || res.Loaded != tc.loaded || res.Rejected != tc.rejected || res.Duplicate != tc.dupl {
				t.Errorf("read %d loaded %d rejected %d duplicate %d; want %d %d %d %d",
					res.Read, res.Loaded, res.Rejected, res.Duplicate, tc.read, tc.loaded, tc.rejected, tc.dupl)
			}
			if res.Read != res.Loaded+res.Rejected+res.Duplicate {
				t.Errorf("read %d != loaded %d + rejected %d + duplicate %d", res.Read, res.Loaded, res.Rejected, res.Duplicate)
			}
			if res.SupersededBy != tc.supersededBy {
				t.Errorf("superseded by %q, want %q", res.SupersededBy, tc.supersededBy)
			}
			if tc.supersededBy != "" {
				if got := count(t, w, `SELECT count(*) FROM salaries WHERE source = ?`, tc.file); got != 0 {
					t.Errorf("%d rows of a superseded snapshot in salaries", got)
				}
				if got := count(t, w, `SELECT rows_loaded FROM source_lineage WHERE source = ?`, tc.file); got != res.Loaded {
					t.Errorf("lineage keeps rows_loaded %d, loaded %d", got, res.Loaded)
				}
				return
			}
			s := sourceCounts(t, w, tc.file)
			if s.read != res.Read || s.loaded != res.Loaded || s.rejected != res.Rejected || s.dup != res.Duplicate {
				t.Errorf("sources row %+v disagrees with result %+v", s, res)
			}
			if got := count(t, w, `SELECT count(*) FROM rejects WHERE source = ?`, tc.file); got != res.Rejected {
				t.Errorf("rejects view has %d rows, rejected %d", got, res.Rejected)
			}
			table := `SELECT count(*) FROM salaries WHERE source = ?`
			if tc.profile == "oews" {
				table = `SELECT count(*) FROM published p JOIN source_files f USING (source_id) WHERE f.name = ?`
			}
			if got := count(t, w, table, tc.file); got != res.Loaded {
				t.Errorf("%d rows stored, loaded %d", got, res.Loaded)
			}
		})
	}
	problems, err := w.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Errorf("warehouse check: %s", strings.Join(problems, "; "))
	}
	if got := count(t, w, `SELECT count(*) FROM published WHERE source_id IS NULL`); got != 0 {
		t.Errorf("%d published rows without source_id", got)
	}
}

func TestAutoRefusesNonSalaryFiles(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	for _, name := range []string{"cpiai.csv", "cpi_u_annual.csv", "onet_alternate_titles_2019soc.xlsx",
		"onet_sample_of_reported_titles_2019soc.xlsx", "oesm16nat_field_descriptions.xlsx"} {
		t.Run(name, func(t *testing.T) {
			_, err := ingest.File(ctx, w, sharedData(t, name), ingest.Options{})
			if !errors.Is(err, ingest.ErrNoProfile) {
				t.Fatalf("error %v, want ErrNoProfile", err)
			}
			msg := err.Error()
			// One sentence: it names the file and the header, and says what to do.
			if strings.Count(msg, ". ") > 0 || strings.Contains(msg, "\n") || !strings.Contains(msg, name) ||
				!strings.Contains(msg, "the header (") || !strings.Contains(msg, "--profile generic") {
				t.Errorf("message is not one clear sentence: %s", msg)
			}
		})
	}
	if got := count(t, w, `SELECT count(*) FROM source_files`); got != 0 {
		t.Errorf("refused files left %d sources", got)
	}
}

type published struct {
	mean, p10, p25, median, p75, p90 sql.NullFloat64
	emp                              sql.NullInt64
	top                              bool
	topCols, area, occupation        string
}

func publishedRow(t *testing.T, db *sql.DB, code string, year int) published {
	t.Helper()
	var p published
	err := db.QueryRow(`SELECT mean, p10, p25, median, p75, p90, employment, topcoded, topcoded_columns,
       concat_ws('|', area, area_name, area_type), occupation
FROM published_bands WHERE publisher = 'BLS OEWS' AND code = ? AND year = ? AND area = '99'`, code, year).
		Scan(&p.mean, &p.p10, &p.p25, &p.median, &p.p75, &p.p90, &p.emp, &p.top, &p.topCols, &p.area, &p.occupation)
	if err != nil {
		t.Fatalf("%s %d: %v", code, year, err)
	}
	return p
}

func TestOEWSFigures(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	for _, f := range []string{"national_M2016_dl.xlsx", "national_M2024_dl.xlsx"} {
		if _, err := ingest.File(ctx, w, sharedData(t, f), ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	eq := func(what string, got sql.NullFloat64, want float64) {
		t.Helper()
		if !got.Valid || got.Float64 != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	p := publishedRow(t, w.DB, "15-1212", 2024)
	eq("2024 15-1212 median", p.median, 124910)
	eq("2024 15-1212 mean", p.mean, 127730)
	if p.top || p.area != "99|U.S.|national" || p.emp.Int64 != 179430 || p.occupation != "Information Security Analysts" {
		t.Errorf("2024 15-1212: %+v", p)
	}
	p = publishedRow(t, w.DB, "11-3021", 2024)
	eq("2024 11-3021 p90", p.p90, 239200)
	eq("2024 11-3021 p75", p.p75, 216220)
	if !p.top || p.topCols != "p90" {
		t.Errorf("2024 11-3021 top-coding: topcoded=%v columns=%q, want true, p90", p.top, p.topCols)
	}
	p = publishedRow(t, w.DB, "15-1122", 2016)
	eq("2016 15-1122 mean", p.mean, 96040)
	eq("2016 15-1122 p10", p.p10, 53760)
	// A national file without area columns has the nation's code too.
	if p.area != "99|U.S.|national" || p.emp.Int64 != 96870 {
		t.Errorf("2016 15-1122: %+v", p)
	}
	p = publishedRow(t, w.DB, "11-3021", 2016)
	eq("2016 11-3021 p90 (top-coded at the 2016 cap)", p.p90, 208000)
	// Hourly-only occupations: BLS publishes no annual figures ("*"), and
	// they are not made up from hourly ones; they stay NULL, never 0.
	p = publishedRow(t, w.DB, "27-2011", 2024)
	if p.mean.Valid || p.p10.Valid || p.median.Valid || p.p90.Valid || !p.emp.Valid {
		t.Errorf("2024 27-2011 Actors (hourly only): %+v, want NULL annual figures and an employment", p)
	}
	if got := count(t, w, `SELECT count(*) FROM published WHERE mean = 0 OR p10 = 0 OR median = 0 OR p90 = 0`); got != 0 {
		t.Errorf("%d published rows have a 0 figure; * must be NULL", got)
	}
	if got := count(t, w, `SELECT count(*) FROM published WHERE family <> ''`); got != 0 {
		t.Errorf("%d published rows have a family; families are matched by SOC code at query time", got)
	}

	// The same year again from another path: every row is a duplicate.
	dir := t.TempDir()
	src := sharedData(t, "national_M2016_dl.xlsx")
	copyPath := filepath.Join(dir, "copy_national_M2016_dl.xlsx")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, copyPath, data)
	res, err := ingest.File(ctx, w, copyPath, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.AlreadyLoaded {
		t.Errorf("same content at another path: %+v, want already loaded", res)
	}
}

func TestOEWSCSVRulesAndYear(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const hdr = "OCC_CODE,OCC_TITLE,OCC_GROUP,TOT_EMP,A_MEAN,A_PCT10,A_PCT25,A_MEDIAN,A_PCT75,A_PCT90,ANNUAL,HOURLY\n"
	body := hdr +
		`11-1011,Chief Executives,detailed,"200,480",#,"104,000","150,000",#,#,#,,` + "\n" +
		`,No Code,detailed,10,1,1,1,1,1,1,,` + "\n" +
		`15-1212,Information Security Analysts,detailed,**,"124,740",*,*,"120,360",n/a,*,,` + "\n" +
		`15-1212,Information Security Analysts,detailed,1,1,1,1,1,1,1,,` + "\n" +
		`11-1011,Chief Executives,detailed,1,1,1,1,1,1,1,,` + "\n" +
		`27-2011,Actors,detailed,"38,800",*,*,*,*,*,*,,TRUE` + "\n"
	p := writeFile(t, filepath.Join(dir, "oes_extract.csv"), []byte(body))
	w := openWarehouse(t)

	_, err := ingest.File(ctx, w, p, ingest.Options{})
	if !errors.Is(err, ingest.ErrBadYear) || !strings.Contains(err.Error(), "--year") {
		t.Fatalf("no year anywhere: %v, want ErrBadYear naming --year", err)
	}
	res, err := ingest.File(ctx, w, p, ingest.Options{Convert: ingest.ConvertOptions{Year: 2023}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Profile != "oews" || res.Read != 6 || res.Loaded != 3 || res.Rejected != 2 || res.Duplicate != 1 {
		t.Errorf("got %+v, want oews 6 read, 3 loaded, 2 rejected, 1 duplicate", res)
	}
	rej := dump(t, w, `SELECT row_no, "column", reason FROM rejects ORDER BY row_no`)
	if len(rej) != 2 || rej[0] != "3|OCC_CODE|missing occupation code" || !strings.HasPrefix(rej[1], "4|A_PCT75|not a number") {
		t.Errorf("rejects %q", rej)
	}
	ce := publishedRow(t, w.DB, "11-1011", 2023)
	if !ce.top || ce.topCols != "mean,median,p75,p90" || ce.mean.Float64 != 239200 || ce.p10.Float64 != 104000 || ce.emp.Int64 != 200480 {
		t.Errorf("11-1011: %+v", ce)
	}
	actors := publishedRow(t, w.DB, "27-2011", 2023)
	if actors.mean.Valid || actors.top {
		t.Errorf("27-2011: %+v", actors)
	}
	// Another file with figures already published for the same occupation,
	// year and area: those rows are duplicates, the new one loads.
	p2 := writeFile(t, filepath.Join(dir, "oes_extract_more.csv"), []byte(body+
		`15-1299,"Computer Occupations, All Other",detailed,"400,000","110,000","60,000","80,000","105,000","135,000","170,000",,`+"\n"))
	res, err = ingest.File(ctx, w, p2, ingest.Options{Convert: ingest.ConvertOptions{Year: 2023}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 7 || res.Loaded != 1 || res.Rejected != 2 || res.Duplicate != 4 {
		t.Errorf("second file: %+v, want 7 read, 1 loaded, 2 rejected, 4 duplicate", res)
	}
	if problems, err := w.Check(ctx); err != nil || len(problems) > 0 {
		t.Errorf("check: %v %v", problems, err)
	}
}

func TestLCAFields(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	for _, f := range []string{"h1b_kaggle_first3248.csv", "h1b_sample_2015_2019.csv", "h1b_input_insight_fy2018.csv"} {
		if _, err := ingest.File(ctx, w, sharedData(t, f), ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	// Full state names and "CITY, STATE" worksites become postal codes.
	if got := count(t, w, `SELECT count(*) FROM salaries WHERE length(state) <> 2 OR state = 'NA'`); got != 0 {
		t.Errorf("%d LCA rows with a state that is not a postal code: %v", got,
			dump(t, w, `SELECT DISTINCT state FROM salaries WHERE length(state) <> 2 LIMIT 5`))
	}
	if got := dump(t, w, `SELECT state FROM salaries WHERE source = 'h1b_kaggle_first3248.csv' AND row_no = 2`); len(got) != 1 || got[0] != "MI" {
		t.Errorf("kaggle row 2 (ANN ARBOR, MICHIGAN) state %v, want MI", got)
	}
	if got := count(t, w, `SELECT count(*) FROM salaries WHERE country IS DISTINCT FROM 'US' OR currency <> 'USD'`); got != 0 {
		t.Errorf("%d LCA rows not in US/USD", got)
	}
	if got := dump(t, w, `SELECT DISTINCT employment_type FROM salaries ORDER BY 1`); strings.Join(got, ",") != "FT,PT" {
		t.Errorf("employment types %v, want FT,PT", got)
	}
	// The cleaned samples carry only the prevailing wage; the FY2018 file
	// carries the offered wage, which wins.
	if got := dump(t, w, `SELECT source, wage_basis, count(*) FROM salaries GROUP BY ALL ORDER BY 1, 2`); strings.Join(got, ";") !=
		"h1b_input_insight_fy2018.csv|offered|9;h1b_kaggle_first3248.csv|prevailing|3242;h1b_sample_2015_2019.csv|prevailing|9997" {
		t.Errorf("wage bases %v", got)
	}
	row := dump(t, w, `SELECT year, pay_usd, pay_usd_high, case_status, soc_code, wage_level, employer, state
FROM salaries WHERE source = 'h1b_input_insight_fy2018.csv' AND row_no = 2`)
	if len(row) != 1 || row[0] != "2018|143915|143915|CERTIFIED|15-1132|Level II|MICROSOFT CORPORATION|WA" {
		t.Errorf("FY2018 row 2: %v", row)
	}
	if got := count(t, w, `SELECT count(DISTINCT year) FROM salaries WHERE source = 'h1b_sample_2015_2019.csv'`); got != 5 {
		t.Errorf("sample years: %d distinct, want 5 (2015-2019)", got)
	}
}

func TestLCAUnitRule(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	body := ",CASE_STATUS,EMPLOYER_NAME,SOC_NAME,JOB_TITLE,FULL_TIME_POSITION,PREVAILING_WAGE,YEAR,WORKSITE,lon,lat\n" +
		`1,CERTIFIED,ACME,INFORMATION SECURITY ANALYSTS,SECURITY ANALYST,Y,45.50,2016,"AUSTIN, TEXAS",0,0` + "\n" +
		`2,CERTIFIED,ACME,INFORMATION SECURITY ANALYSTS,SECURITY MANAGER,Y,500,2016,"AUSTIN, TEXAS",0,0` + "\n" +
		`3,CERTIFIED,ACME,INFORMATION SECURITY ANALYSTS,SECURITY MANAGER,Y,1000,2016,"AUSTIN, TEXAS",0,0` + "\n" +
		`4,CERTIFIED,ACME,INFORMATION SECURITY ANALYSTS,SECURITY MANAGER,Y,95000,2016,"AUSTIN, TEXAS",0,0` + "\n"
	p := writeFile(t, filepath.Join(dir, "h1b_units.csv"), []byte(body))
	w := openWarehouse(t)
	res, err := ingest.File(ctx, w, p, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Profile != "lca" || res.Loaded != 3 || res.Rejected != 1 {
		t.Errorf("%+v, want lca 3 loaded 1 rejected", res)
	}
	got := dump(t, w, `SELECT row_no, pay_unit, pay_usd FROM salaries ORDER BY row_no`)
	if strings.Join(got, ";") != "2|hour|94640;3|hour|1.04e+06;5|year|95000" {
		t.Errorf("units %v", got)
	}
	if rej := dump(t, w, `SELECT row_no, "column" FROM rejects`); len(rej) != 1 || rej[0] != "4|PREVAILING_WAGE" {
		t.Errorf("rejects %v, want row 4 ($1,000 read as a yearly salary, below the floor)", rej)
	}
}
