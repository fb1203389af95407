package ingest_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"payband/ingest"
)

// writeOEWSWorkbook writes a national workbook with one data sheet and,
// when statement is not "", a "Field Descriptions" sheet holding it among
// other notes, as BLS ships them.
func writeOEWSWorkbook(t *testing.T, path, statement string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := strings.TrimSuffix(filepath.Base(path), ".xlsx")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"AREA", "AREA_TITLE", "AREA_TYPE", "PRIM_STATE", "NAICS", "NAICS_TITLE", "I_GROUP", "OWN_CODE", "OCC_CODE", "OCC_TITLE", "O_GROUP",
			"TOT_EMP", "EMP_PRSE", "H_MEAN", "A_MEAN", "MEAN_PRSE", "A_PCT10", "A_PCT25", "A_MEDIAN", "A_PCT75", "A_PCT90", "ANNUAL", "HOURLY"},
		{"99", "U.S.", "1", "US", "000000", "Cross-industry", "cross-industry", "1235", "11-3021", "Computer and Information Systems Managers", "detailed",
			"500,000", "0.8", "80.00", "166,400", "0.3", "90,000", "120,000", "150,000", "190,000", "#", "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if statement != "" {
		if _, err := f.NewSheet("Field Descriptions"); err != nil {
			t.Fatal(err)
		}
		for i, v := range []string{"Field", "occ_code", "Notes:", "*  = indicates that a wage estimate is not available", statement} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetCellStr("Field Descriptions", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func p90(t *testing.T, db *sql.DB, code string, year int, area string) (sql.NullFloat64, bool, string) {
	t.Helper()
	var v sql.NullFloat64
	var top bool
	var cols string
	if err := db.QueryRow(`SELECT p90, topcoded, topcoded_columns FROM published_bands WHERE code = ? AND year = ? AND area = ?`, code, year, area).
		Scan(&v, &top, &cols); err != nil {
		t.Fatalf("%s %d %s: %v", code, year, area, err)
	}
	return v, top, cols
}

// TestOEWSTopCodeOfEveryYear: a "#" is stored as its year's top code, with
// topcoded set, never as NULL: from the workbook's own Field Descriptions
// sheet when it has one, from a field_descriptions.xlsx beside it, else
// from the shipped table.
func TestOEWSTopCodeOfEveryYear(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		name, path string
		year       int
		want       float64
		from       string
	}{
		// The sheet states the 2019 cap; before, 2019 "#" cells were NULL.
		{"2019 workbook sheet", writeOEWSWorkbook(t, filepath.Join(dir, "national_M2019_dl.xlsx"),
			"#  = indicates a wage equal to or greater than $100.00 per hour or $208,000 per year "), 2019, 208000, "the workbook's field descriptions"},
		// The sheet wins over the table: its figure differs from the table's
		// 2014 row ($187,200), which would otherwise be used.
		{"2014 sheet beats table", writeOEWSWorkbook(t, filepath.Join(dir, "national_M2014_dl.xlsx"),
			"#  = indicates a wage equal to or greater than $100.00 per hour or $208,000 per year "), 2014, 208000, "the workbook's field descriptions"},
		// No sheet: the shipped table.
		{"2021 no sheet", writeOEWSWorkbook(t, filepath.Join(dir, "national_M2021_dl.xlsx"), ""), 2021, 208000, "data/oews_topcodes.csv"},
		{"2013 no sheet", writeOEWSWorkbook(t, filepath.Join(dir, "national_M2013_dl.xlsx"), ""), 2013, 187200, "data/oews_topcodes.csv"},
		{"2022 no sheet", writeOEWSWorkbook(t, filepath.Join(dir, "national_M2022_dl.xlsx"), ""), 2022, 239200, "data/oews_topcodes.csv"},
		{"2019 CSV extract", filepath.Join("testdata", "oews", "national_M2019_extract.csv"), 2019, 208000, "data/oews_topcodes.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := openWarehouse(t)
			res, err := ingest.File(ctx, w, tc.path, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Profile != "oews" || res.Loaded != 1 {
				t.Fatalf("%+v", res)
			}
			v, top, cols := p90(t, w.DB, "11-3021", tc.year, "99")
			if !v.Valid || v.Float64 != tc.want || !top || cols != "p90" {
				t.Errorf("p90 %v topcoded %v (%s), want %v, true, p90", v, top, cols, tc.want)
			}
			if !strings.Contains(res.ProfileReason, "from "+tc.from) {
				t.Errorf("reason %q does not say the top code came from %s", res.ProfileReason, tc.from)
			}
		})
	}
}

// TestOEWSSharedTopCodes: the real workbooks' own sheets (2023, 2024) and
// the separate 2016 field-descriptions file beside national_M2016_dl.xlsx.
func TestOEWSSharedTopCodes(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	for _, tc := range []struct {
		file string
		year int
		want float64
		from string
	}{
		{"national_M2016_dl.xlsx", 2016, 208000, "oesm16nat_field_descriptions.xlsx"},
		{"national_M2023_dl.xlsx", 2023, 239200, "the workbook's field descriptions"},
		{"national_M2024_dl.xlsx", 2024, 239200, "the workbook's field descriptions"},
	} {
		res, err := ingest.File(ctx, w, sharedData(t, tc.file), ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.ProfileReason, "from "+tc.from) {
			t.Errorf("%s: reason %q, want the top code from %s", tc.file, res.ProfileReason, tc.from)
		}
		if v, top, _ := p90(t, w.DB, "11-3021", tc.year, "99"); !v.Valid || v.Float64 != tc.want || !top {
			t.Errorf("%s: 11-3021 p90 %v topcoded %v, want %v", tc.file, v, top, tc.want)
		}
	}
	if n := count(t, w, `SELECT count(*) FROM published WHERE topcoded AND (
        (position('mean' IN topcoded_columns) > 0 AND mean IS NULL) OR (position('p10' IN topcoded_columns) > 0 AND p10 IS NULL) OR
        (position('p25' IN topcoded_columns) > 0 AND p25 IS NULL) OR (position('median' IN topcoded_columns) > 0 AND median IS NULL) OR
        (position('p75' IN topcoded_columns) > 0 AND p75 IS NULL) OR (position('p90' IN topcoded_columns) > 0 AND p90 IS NULL))`); n != 0 {
		t.Errorf("%d top-coded figures stored as NULL", n)
	}
}

// TestOEWSAreas: state and metro tables keep the BLS area code, its name
// and its type; the May 2016 state layout (AREA, ST, STATE) is a state's.
func TestOEWSAreas(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	for _, f := range []string{"state_M2023_dl.csv", "MSA_M2023_dl.csv", "state_M2016_dl.csv"} {
		res, err := ingest.File(ctx, w, filepath.Join("testdata", "oews", f), ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Profile != "oews" || res.Rejected != 0 || res.Duplicate != 0 {
			t.Errorf("%s: %+v", f, res)
		}
	}
	got := dump(t, w, `SELECT year, area, area_name, area_type, code, p90, topcoded_columns FROM published_bands ORDER BY year, area, code`)
	want := []string{
		"2016|06|California|state|11-3021|208000|p75,p90",
		"2016|06|California|state|15-1122|176860|",
		"2023|06|California|state|11-3021|239200|p75,p90",
		"2023|06|California|state|15-1212|239200|p90",
		"2023|3900002|North Northeastern Ohio nonmetropolitan area|nonmetro|15-1212|139600|",
		"2023|41940|San Jose-Sunnyvale-Santa Clara, CA|metro|15-1212|239200|p90",
		"2023|48|Texas|state|15-1212|176650|",
		"2023|72|Puerto Rico|territory|15-1212|<nil>|",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("published:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestGenericPublished maps a state agency's re-formatted OEWS extract,
// with its own column names, into published_bands.
func TestGenericPublished(t *testing.T) {
	ctx := context.Background()
	w := openWarehouse(t)
	m := map[ingest.Field]string{}
	for k, v := range map[string]string{"year": "Year", "area": "Area", "area_name": "Area Name", "code": "SOC",
		"occupation": "Occupation Title", "employment": "Employment", "mean": "Mean Annual Wage", "p10": "10th Percentile",
		"p25": "25th Percentile", "median": "Median Annual Wage", "p75": "75th Percentile", "p90": "90th Percentile"} {
		f, err := ingest.ParseField(k)
		if err != nil {
			t.Fatal(err)
		}
		m[f] = v
	}
	path := filepath.Join("testdata", "published", "wa_esd_oews_2023.csv")
	res, err := ingest.File(ctx, w, path, ingest.Options{Profile: "generic", Map: m})
	if err != nil {
		t.Fatal(err)
	}
	if res.Profile != "generic" || res.Read != 5 || res.Loaded != 4 || res.Rejected != 1 {
		t.Errorf("%+v, want generic, read 5, loaded 4, rejected 1", res)
	}
	got := dump(t, w, `SELECT publisher, year, area, area_name, code, occupation, employment, mean, p10, p25, median, p75, p90, topcoded_columns
FROM published_bands ORDER BY area, code`)
	want := []string{
		"wa_esd_oews_2023.csv|2023|42660|Seattle-Tacoma-Bellevue, WA|15-1212|Information Security Analysts|5810|155900|92400|119860|152300|186950|226040|",
		"wa_esd_oews_2023.csv|2023|53|Washington|11-3021|Computer and Information Systems Managers|30150|208460|125300|160180|199570|239200|239200|p75,p90",
		"wa_esd_oews_2023.csv|2023|53|Washington|15-1212|Information Security Analysts|6420|151230|88940|115670|147820|182300|221610|",
		"wa_esd_oews_2023.csv|2023|53|Washington|27-2011|Actors|<nil>|<nil>|<nil>|<nil>|<nil>|<nil>|<nil>|",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("published:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rej := dump(t, w, `SELECT row_no, "column", reason FROM rejects`); len(rej) != 1 || rej[0] != "5|SOC|missing occupation code" {
		t.Errorf("rejects %q", rej)
	}
	if n := count(t, w, `SELECT count(*) FROM salaries`); n != 0 {
		t.Errorf("%d salary rows from a published table", n)
	}

	// A mapping that cannot be a published table says what it lacks.
	for _, tc := range []struct {
		drop string
		want string
	}{{"code", "code=COLUMN"}, {"area", "area=COLUMN or area_name=COLUMN"}} {
		mm := map[ingest.Field]string{}
		for f, c := range m {
			mm[f] = c
		}
		f, _ := ingest.ParseField(tc.drop)
		delete(mm, f)
		if tc.drop == "area" {
			delete(mm, ingest.FAreaName)
		}
		if _, err := ingest.File(ctx, w, path, ingest.Options{Profile: "generic", Map: mm, Target: ingest.TargetPublished}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("without %s: %v, want an error naming %s", tc.drop, err, tc.want)
		}
	}
}
