package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"

	"payband/data"
)

// OEWSProfile reads BLS Occupational Employment and Wage Statistics tables
// (national, state or metro; XLSX or CSV; the May 2016 layout with
// OCC_GROUP, the state and metro layouts with AREA and STATE or
// AREA_NAME, and the 2019+ layout with AREA, AREA_TITLE, AREA_TYPE and
// PRIM_STATE). Its rows are published bands and go to the published table
// (see published.go), not to salaries.
var OEWSProfile = &Profile{
	Name: "oews",
	Columns: map[Field][]string{
		FSOC:        {"OCC_CODE"},
		FTitle:      {"OCC_TITLE"},
		FYear:       {"YEAR"},
		FArea:       {"AREA"},
		FAreaName:   {"AREA_TITLE", "AREA_NAME", "STATE"},
		FAreaType:   {"AREA_TYPE"},
		FEmployment: {"TOT_EMP"},
		FMean:       {"A_MEAN"},
		FP10:        {"A_PCT10"},
		FP25:        {"A_PCT25"},
		FMedian:     {"A_MEDIAN"},
		FP75:        {"A_PCT75"},
		FP90:        {"A_PCT90"},
	},
	Required:  []Field{FSOC, FTitle},
	Needs:     []string{"A_MEAN", "A_MEDIAN"},
	Published: true,
}

// OEWSPublisher is the publisher recorded for OEWS rows.
const OEWSPublisher = "BLS OEWS"

// oewsColumns are the annual wage fields loaded, in published order, with
// the published column each fills.
var oewsColumns = []struct {
	f   Field
	dst string
}{
	{FMean, "mean"},
	{FP10, "p10"},
	{FP25, "p25"},
	{FMedian, "median"},
	{FP75, "p75"},
	{FP90, "p90"},
}

// oewsAreaTypes names the BLS AREA_TYPE codes.
var oewsAreaTypes = map[string]string{
	"1": "national", "2": "state", "3": "territory", "4": "metro", "5": "metro division", "6": "nonmetro",
}

// oewsNationalArea is the BLS area code of the United States, used for
// national files that have no AREA column (May 2016 and earlier), so a
// year's national rows have one key however the file was laid out.
const oewsNationalArea = "99"

// topCode is a year's annual top code and where it was read.
type topCode struct {
	annual float64
	from   string
}

// shippedTopCodes reads data/oews_topcodes.csv once.
var shippedTopCodes = sync.OnceValues(func() (map[int]float64, error) {
	return parseTopCodes(bytes.NewReader(data.OEWSTopCodes))
})

// parseTopCodes reads a "year,hourly,annual,verified" table after '#'
// comment lines.
func parseTopCodes(r io.Reader) (map[int]float64, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = 4
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("oews_topcodes.csv: %w", err)
	}
	if strings.Join(head, ",") != "year,hourly,annual,verified" {
		return nil, fmt.Errorf("oews_topcodes.csv: header %q", strings.Join(head, ","))
	}
	m := map[int]float64{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return nil, fmt.Errorf("oews_topcodes.csv: %w", err)
		}
		y, err1 := strconv.Atoi(rec[0])
		h, err2 := strconv.ParseFloat(rec[1], 64)
		a, err3 := strconv.ParseFloat(rec[2], 64)
		if err1 != nil || err2 != nil || err3 != nil || a != h*2080 {
			return nil, fmt.Errorf("oews_topcodes.csv: bad row %q (annual must be hourly × 2080)", strings.Join(rec, ","))
		}
		if rec[3] != "yes" && rec[3] != "no" {
			return nil, fmt.Errorf("oews_topcodes.csv: bad row %q (verified must be yes or no)", strings.Join(rec, ","))
		}
		if _, dup := m[y]; dup {
			return nil, fmt.Errorf("oews_topcodes.csv: year %d listed twice", y)
		}
		m[y] = a
	}
}

// capStatement is the BLS sentence giving the top code: "# = indicates a
// wage (that is) equal to or greater than $115.00 per hour or $239,200 per
// year".
var capStatement = regexp.MustCompile(`(?i)#\s*=?\s*indicates a wage (?:that is )?equal to or greater than \$\s*([\d,]+(?:\.\d+)?)\s*per hour or \$\s*([\d,]+(?:\.\d+)?)\s*per year`)

// parseCapStatement finds the annual top code in one cell's text.
func parseCapStatement(s string) (float64, bool) {
	m := capStatement.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	a, err := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", ""), 64)
	if err != nil || a <= 0 {
		return 0, false
	}
	return a, true
}

// isFieldDescriptions reports whether a sheet name is a BLS field
// description sheet ("Field Descriptions", "Field_descriptions").
func isFieldDescriptions(name string) bool {
	k := strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.ToLower(name))
	return strings.Contains(k, "fielddescription")
}

// maxDescriptionRows bounds the rows read from a field-description sheet
// (BLS's have about fifty).
const maxDescriptionRows = 500

// workbookTopCode reads the top code a workbook states in its own field
// description sheet. ok is false when it has none (or is not an XLSX).
func workbookTopCode(path string) (float64, bool) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		if !isFieldDescriptions(sheet) {
			continue
		}
		rows, err := f.Rows(sheet)
		if err != nil {
			continue
		}
		for n := 0; n < maxDescriptionRows && rows.Next(); n++ {
			cells, err := rows.Columns()
			if err != nil {
				break
			}
			for _, c := range cells {
				if a, ok := parseCapStatement(c); ok {
					rows.Close()
					return a, true
				}
			}
		}
		rows.Close()
	}
	return 0, false
}

// oewsTopCode finds the annual top code of year for the file at path: its
// own field-description sheet; else a BLS field_descriptions.xlsx beside it
// (as the BLS zip archives ship it: oesm16nat/field_descriptions.xlsx, or
// renamed with the year's oesmYY prefix); else the shipped table. ok is
// false when none knows the year.
func oewsTopCode(path string, year int) (topCode, bool, error) {
	if a, ok := workbookTopCode(path); ok {
		return topCode{a, "the workbook's field descriptions"}, true, nil
	}
	dir := filepath.Dir(path)
	if ents, err := os.ReadDir(dir); err == nil && path != "" {
		yy := fmt.Sprintf("oesm%02d", year%100)
		for _, e := range ents {
			n := strings.ToLower(e.Name())
			if e.IsDir() || filepath.Join(dir, e.Name()) == path || !strings.HasSuffix(n, ".xlsx") || !isFieldDescriptions(strings.TrimSuffix(n, ".xlsx")) {
				continue
			}
			if n != "field_descriptions.xlsx" && !strings.HasPrefix(n, yy) {
				continue
			}
			if a, ok := workbookTopCode(filepath.Join(dir, e.Name())); ok {
				return topCode{a, e.Name()}, true, nil
			}
		}
	}
	m, err := shippedTopCodes()
	if err != nil {
		return topCode{}, false, err
	}
	if a, ok := m[year]; ok {
		return topCode{a, "data/oews_topcodes.csv"}, true, nil
	}
	return topCode{}, false, nil
}
