package ingest

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"payband/data"
)

// shippedTopCodeRows is data/oews_topcodes.csv as it was checked: every May
// estimate year 2012–2025 with its hourly and annual top code and whether
// the year's own statement of the cap was read. Sources, per year:
//   - 2016: shared data oesm16nat_field_descriptions.xlsx.
//   - 2017: MSA_M2017_dl.xlsx code book, quoted in
//     github.com/charlottemcclintock/ShiftResearchLab2018 cleaning/bls.clean.R.
//   - 2018: BLS API footnote 5 on 2018 series; national_M2018_dl.xlsx quoted in
//     github.com/simonmongey/Mongey_Pilossoph_Weinberg clean_OES/src/clean_OES_national.do.
//   - 2019, 2021: the May 2019 and May 2021 national Field Descriptions sheets.
//   - 2022: hourly 90th percentiles above $100 published in May 2022
//     (github.com/rosstheboss90/techpay-atlas pipeline/vintages.ts) and a
//     transcription of the May 2022 field descriptions ($115.00 / $239,200).
//   - 2023, 2024: shared data national_M2023_dl.xlsx, national_M2024_dl.xlsx.
//   - 2025: BLS API footnote 5 of the May 2025 release, in
//     github.com/1102tools-dev/federal-contracting-mcps deploy/bls-oews/test/tools.test.ts.
//   - 2012–2015, 2020: not checked (no statement of that year's cap found).
var shippedTopCodeRows = []struct {
	year     int
	hourly   string
	annual   float64
	verified string
}{
	{2012, "90.00", 187200, "no"},
	{2013, "90.00", 187200, "no"},
	{2014, "90.00", 187200, "no"},
	{2015, "90.00", 187200, "no"},
	{2016, "100.00", 208000, "yes"},
	{2017, "100.00", 208000, "yes"},
	{2018, "100.00", 208000, "yes"},
	{2019, "100.00", 208000, "yes"},
	{2020, "100.00", 208000, "no"},
	{2021, "100.00", 208000, "yes"},
	{2022, "115.00", 239200, "yes"},
	{2023, "115.00", 239200, "yes"},
	{2024, "115.00", 239200, "yes"},
	{2025, "115.00", 239200, "yes"},
}

// TestShippedTopCodes: the shipped table holds exactly the checked rows, one
// per May estimate year 2012–2025, and the loader returns their annual
// figures. A year dropped, added, re-valued or re-flagged fails here.
func TestShippedTopCodes(t *testing.T) {
	cr := csv.NewReader(bytes.NewReader(data.OEWSTopCodes))
	cr.Comment = '#'
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "year,hourly,annual,verified" {
		t.Fatalf("header %q", recs[:min(1, len(recs))])
	}
	got := map[string]string{} // year -> whole row
	for _, r := range recs[1:] {
		got[r[0]] = strings.Join(r, ",")
	}
	if len(recs)-1 != len(shippedTopCodeRows) {
		t.Errorf("%d rows, want %d (one per year 2012–2025)", len(recs)-1, len(shippedTopCodeRows))
	}
	for _, want := range shippedTopCodeRows {
		y := strconv.Itoa(want.year)
		w := strings.Join([]string{y, want.hourly, strconv.FormatFloat(want.annual, 'f', -1, 64), want.verified}, ",")
		if g, ok := got[y]; !ok {
			t.Errorf("%s: no row", y)
		} else if g != w {
			t.Errorf("%s: row %s, want %s", y, g, w)
		}
	}

	m, err := shippedTopCodes()
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != len(shippedTopCodeRows) {
		t.Errorf("loader has %d years, want %d", len(m), len(shippedTopCodeRows))
	}
	for _, want := range shippedTopCodeRows {
		if m[want.year] != want.annual {
			t.Errorf("%d: loader gives %v, want %v", want.year, m[want.year], want.annual)
		}
	}
}

func TestParseTopCodesRejects(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"annual not hourly × 2080", "year,hourly,annual,verified\n2030,100.00,200000,no\n"},
		{"verified not yes/no", "year,hourly,annual,verified\n2030,100.00,208000,maybe\n"},
		{"year twice", "year,hourly,annual,verified\n2030,100.00,208000,no\n2030,115.00,239200,no\n"},
		{"wrong header", "year,annual\n2030,208000\n"},
	} {
		if _, err := parseTopCodes(strings.NewReader(tc.in)); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

func TestCapStatement(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"#  = indicates a wage equal to or greater than $115.00 per hour or $239,200 per year ", 239200},
		{"# = indicates a wage that is equal to or greater than $100.00 per hour or $208,000 per year", 208000},
		{"*  = indicates that a wage estimate is not available", 0},
		{"# = indicates a wage equal to or greater than $90.00 per hour", 0},
	} {
		got, ok := parseCapStatement(tc.in)
		if got != tc.want || ok != (tc.want > 0) {
			t.Errorf("%q: %v %v, want %v", tc.in, got, ok, tc.want)
		}
	}
	for _, n := range []string{"Field Descriptions", "Field_descriptions", "field descriptions", "oesm16nat_field_descriptions"} {
		if !isFieldDescriptions(n) {
			t.Errorf("%q not taken for a field-description sheet", n)
		}
	}
	if isFieldDescriptions("national_M2023_dl") || isFieldDescriptions("UpdateTime") {
		t.Error("a data sheet taken for field descriptions")
	}
}

func FuzzCapStatement(f *testing.F) {
	f.Add("#  = indicates a wage equal to or greater than $115.00 per hour or $239,200 per year ")
	f.Add("# = indicates a wage equal to or greater than $1,0,0 per hour or $,,, per year")
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := parseCapStatement(s); ok && !(v > 0) {
			t.Fatalf("%q: accepted %v", s, v)
		}
	})
}
