package ingest_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"payband/ingest"
)

// TestLCAVintages loads one fixture of each DOL LCA layout (written for
// these tests in testdata/lca, with the real files' headers) and checks
// every kept field row by row. Pay is worked out by hand: week ×52, hour
// ×2080, bi-weekly ×26, month ×12, a range's midpoint.
func TestLCAVintages(t *testing.T) {
	ctx := context.Background()
	const cols = `row_no, year, pay_usd, pay_unit, wage_basis, employer, city, county, state, postal_code,
       case_status, wage_level, employment_type, soc_code`
	tests := []struct {
		file                   string
		read, loaded, rejected int64
		rows                   []string
		rejects                []string
	}{
		{
			// The efile layout: the offered wage WAGE_RATE_1 with its own
			// RATE_PER_1, never the prevailing wage read as hourly (648
			// per week is $33,696 a year, not 648 × 2080 = $1,347,840).
			file: "efile_fy2007.csv", read: 6, loaded: 5, rejected: 1,
			rows: []string{
				"2|2006|33696|week|offered|ACME SOFTWARE INC|AUSTIN|<nil>|TX|<nil>|CERTIFIED|<nil>|FT|<nil>",
				"3|2006|90000|year|offered|ACME SOFTWARE INC|SEATTLE|<nil>|WA|<nil>|CERTIFIED|<nil>|FT|<nil>",
				"4|2006|94640|hour|offered|GLOBEX CORP|PORTLAND|<nil>|OR|<nil>|CERTIFIED|<nil>|PT|<nil>",
				"5|2006|70000|year|prevailing|GLOBEX CORP|DENVER|<nil>|CO|<nil>|DENIED|<nil>|FT|<nil>",
				"6|2006|60000|month|offered|INITECH LLC|CHICAGO|<nil>|IL|<nil>|CERTIFIED|<nil>|FT|<nil>",
			},
			rejects: []string{"7|RATE_PER_1|unknown pay unit: the unit column RATE_PER_1 is empty"},
		},
		{
			file: "lca_fy2012.csv", read: 4, loaded: 3, rejected: 1,
			rows: []string{
				"2|2012|78000|week|offered|ACME SOFTWARE INC|DALLAS|<nil>|TX|<nil>|CERTIFIED|<nil>|FT|15-1122",
				"3|2012|120000|year|offered|ACME SOFTWARE INC|SAN JOSE|<nil>|CA|<nil>|CERTIFIED|<nil>|FT|11-3021",
				"5|2012|78000|biweekly|offered|GLOBEX CORP|MIAMI|<nil>|FL|<nil>|CERTIFIED-WITHDRAWN|<nil>|PT|15-1122",
			},
			// A unit column with an empty cell: refused, not guessed hourly
			// (650 × 2080 = $1,352,000 would have loaded).
			rejects: []string{"4|LCA_CASE_WAGE_RATE_UNIT|unknown pay unit: the unit column LCA_CASE_WAGE_RATE_UNIT is empty"},
		},
		{
			// FY2015 WAGE_RATE_OF_PAY: "X -" is the single offered wage X.
			file: "lca_fy2015.csv", read: 4, loaded: 4,
			rows: []string{
				"2|2015|68000|year|offered|ACME SOFTWARE INC|PLANO|COLLIN|TX|75024|CERTIFIED|<nil>|FT|15-1122",
				"3|2015|93600|hour|offered|ACME SOFTWARE INC|AUSTIN|TRAVIS|TX|78701|CERTIFIED|<nil>|FT|15-1122",
				"4|2015|132500|year|offered|GLOBEX CORP|NEW YORK|NEW YORK|NY|10001|CERTIFIED|<nil>|FT|11-3021",
				"5|2015|72000|month|offered|GLOBEX CORP|ATLANTA|FULTON|GA|30303|DENIED|<nil>|FT|15-1122",
			},
		},
		{
			file: "lca_fy2021.csv", read: 4, loaded: 3, rejected: 1,
			rows: []string{
				"2|2020|120000|year|offered|Acme Software Inc.|Redmond|King|WA|98052|Certified|II|FT|15-1212.00",
				"3|2020|114400|hour|offered|Acme Software Inc.|Arlington|Arlington|VA|22201|Certified|III|FT|15-1212.00",
				"5|2020|104000|week|offered|Globex Corp|Phoenix|Maricopa|AZ|85004|Denied|I|FT|15-1212.00",
			},
			rejects: []string{"4|WAGE_UNIT_OF_PAY|unknown pay unit: the unit column WAGE_UNIT_OF_PAY is empty"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			w := openWarehouse(t)
			res, err := ingest.File(ctx, w, filepath.Join("testdata", "lca", tc.file), ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Profile != "lca" || res.Read != tc.read || res.Loaded != tc.loaded || res.Rejected != tc.rejected || res.Duplicate != 0 {
				t.Errorf("%s: %+v; want lca, read %d loaded %d rejected %d", tc.file, res, tc.read, tc.loaded, tc.rejected)
			}
			got := dump(t, w, `SELECT `+cols+` FROM salaries ORDER BY row_no`)
			if strings.Join(got, "\n") != strings.Join(tc.rows, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.rows, "\n"))
			}
			rej := dump(t, w, `SELECT row_no, "column", reason FROM rejects ORDER BY row_no`)
			if strings.Join(rej, "\n") != strings.Join(tc.rejects, "\n") {
				t.Errorf("rejects %q, want %q", rej, tc.rejects)
			}
		})
	}
}

// TestGenericPostedSalaries maps a job-board export with --map: each
// posted-salary string loads as a range with the unit it names and the
// currency of its symbol; "-1" and "N/A" are rejects naming the cell.
func TestGenericPostedSalaries(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	res, err := ingest.File(ctx, w, filepath.Join("testdata", "posted", "job_posts.csv"), ingest.Options{
		Profile: "generic",
		Map:     map[ingest.Field]string{ingest.FTitle: "Job Title", ingest.FPay: "Salary Estimate", ingest.FEmployer: "Company Name"},
		Convert: ingest.ConvertOptions{Year: 2024},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 10 || res.Loaded != 8 || res.Rejected != 2 {
		t.Errorf("%+v, want read 10 loaded 8 rejected 2", res)
	}
	// GBP 2024 = 1.25 USD, EUR 2024 = 1.1111 USD (data/fx_usd.csv).
	want := []string{
		"2|72000|53000|91000|year|USD|<nil>",
		"3|57200|43680|70720|hour|USD|<nil>", // 27.50 × 2080
		"4|155000|150000|160000|year|USD|<nil>",
		"7|62500|56250|68750|year|GBP|50000",
		"8|66666|66666|66666|year|EUR|60000",
		"9|120000|120000|120000|year|USD|<nil>",  // up to: the stated maximum
		"10|120000|120000|120000|year|USD|<nil>", // 120k+: the stated minimum
		"11|83200|83200|83200|hour|USD|<nil>",
	}
	got := dump(t, w, `SELECT o.row_no, floor(o.pay_usd)::BIGINT, floor(o.pay_usd_low)::BIGINT, floor(o.pay_usd_high)::BIGINT,
       o.pay_unit, o.currency, o.pay_local FROM observations o ORDER BY o.row_no`)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	rej := dump(t, w, `SELECT row_no, "column", value, reason FROM rejects ORDER BY row_no`)
	if len(rej) != 2 || rej[0] != `5|Salary Estimate|-1|no pay figure: pay marked as missing: "-1"` ||
		rej[1] != `6|Salary Estimate|N/A|no pay figure: pay marked as missing: "N/A"` {
		t.Errorf("rejects %q", rej)
	}
}

// TestLCASharedPlaces: the worksite city, county and ZIP are kept from the
// real files that have them (the FY2018 rows), the Kaggle "CITY, STATE"
// worksite gives its city, and the counts of TestSharedSourcesAuto stand.
func TestLCASharedPlaces(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	for _, f := range []string{"h1b_kaggle_first3248.csv", "h1b_sample_2015_2019.csv", "h1b_input_insight_fy2018.csv"} {
		if _, err := ingest.File(ctx, w, sharedData(t, f), ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	row := dump(t, w, `SELECT city, county, state, postal_code, employer, wage_level, case_status FROM salaries
WHERE source = 'h1b_input_insight_fy2018.csv' AND row_no = 2`)
	if len(row) != 1 || row[0] != "REDMOND|KING|WA|98052|MICROSOFT CORPORATION|Level II|CERTIFIED" {
		t.Errorf("FY2018 row 2: %v", row)
	}
	if got := dump(t, w, `SELECT city, state FROM salaries WHERE source = 'h1b_kaggle_first3248.csv' AND row_no = 2`); len(got) != 1 || got[0] != "ANN ARBOR|MI" {
		t.Errorf("kaggle row 2: %v, want ANN ARBOR|MI", got)
	}
	for _, tc := range []struct {
		file                 string
		city, county, postal int64
	}{
		{"h1b_input_insight_fy2018.csv", 9, 9, 9},
		{"h1b_sample_2015_2019.csv", 9997, 0, 0},
		{"h1b_kaggle_first3248.csv", 3242, 0, 0},
	} {
		var city, county, postal int64
		if err := w.DB.QueryRow(`SELECT count(city), count(county), count(postal_code) FROM salaries WHERE source = ?`, tc.file).
			Scan(&city, &county, &postal); err != nil {
			t.Fatal(err)
		}
		if city != tc.city || county != tc.county || postal != tc.postal {
			t.Errorf("%s: %d cities, %d counties, %d ZIPs; want %d %d %d", tc.file, city, county, postal, tc.city, tc.county, tc.postal)
		}
	}
}
