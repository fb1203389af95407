package bands

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"

	"payband/pay"
	"payband/titles"
)

// Published is one published figure (BLS OEWS or a shipped reference band)
// shown beside computed bands, never mixed into them. Zero means "no
// estimate" for the percentile fields; Topcoded says which were capped.
type Published struct {
	Publisher       string
	Code            string
	Occupation      string
	Family          string
	Year            int
	Area            string
	Employment      int64
	Mean            float64
	P10             float64
	P25             float64
	Median          float64
	P75             float64
	P90             float64
	Low             float64 // reference bands: "starts at"
	High            float64 // reference bands: "can reach"
	Topcoded        bool
	TopcodedColumns string
	// Comparison says how the figure relates to the family: "" when the
	// occupation is the family's own, else a sentence naming the broader
	// occupation the family is compared with.
	Comparison string
	// Basis is "nominal" or "real:YEAR" when converted with the band.
	Basis string
}

// socCrosswalk maps a SOC 2018 code to the SOC 2010 codes of the same
// occupation (BLS 2010-to-2018 crosswalk), so OEWS tables before May 2019
// (which use SOC 2010, e.g. the 2016 workbook's 15-1122) match the
// taxonomy's 2018 codes. Codes that did not change map to themselves.
var socCrosswalk = map[string][]string{
	"15-1212": {"15-1122"},            // Information Security Analysts
	"15-1211": {"15-1121"},            // Computer Systems Analysts
	"15-1241": {"15-1143"},            // Computer Network Architects
	"15-1244": {"15-1142"},            // Network and Computer Systems Administrators
	"15-1252": {"15-1132", "15-1133"}, // Software Developers (applications, systems software)
	"15-1253": {"15-1199.01"},         // Software Quality Assurance Analysts and Testers
	"15-1299": {"15-1199"},            // Computer Occupations, All Other
	"13-1041": {"13-1041"},            // Compliance Officers
	"11-3021": {"11-3021"},            // Computer and Information Systems Managers
}

// SOCCodes returns the codes a family's published figures may carry: its
// SOC 2018 codes and, through socCrosswalk, their SOC 2010 equivalents.
func SOCCodes(soc []string) []string {
	out := append([]string(nil), soc...)
	for _, c := range soc {
		for _, old := range socCrosswalk[c] {
			if old != c {
				out = append(out, old)
			}
		}
	}
	return out
}

// ownOccupation reports whether a published occupation is the family's
// own, not a broader one it is compared with: every word of the family's
// name is a word of the occupation ("Security Analyst" in "Information
// Security Analysts"; "Security Manager" is not in "Computer and
// Information Systems Managers").
func ownOccupation(familyName, occupation string) bool {
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(occupation), notLetter) {
		words[strings.TrimSuffix(w, "s")] = true
	}
	name := strings.FieldsFunc(strings.ToLower(familyName), notLetter)
	for _, w := range name {
		if !words[strings.TrimSuffix(w, "s")] {
			return false
		}
	}
	return len(name) > 0
}

func notLetter(r rune) bool { return !(r >= 'a' && r <= 'z') }

// comparison is the sentence a published figure carries when its
// occupation is broader than the family.
func comparison(familyName string, p Published) string {
	if p.Code == "" || ownOccupation(familyName, p.Occupation) {
		return ""
	}
	return fmt.Sprintf("%s has no SOC occupation of its own: compared with the broader occupation %s %s", familyName, p.Code, p.Occupation)
}

// Convert expresses the figure in target-year dollars (CPI-U), as a band
// with --real is; Basis says so.
func (p *Published) Convert(cpi *pay.CPI, target int) error {
	if target == 0 {
		p.Basis = "nominal"
		return nil
	}
	f, err := cpi.Factor(p.Year, target)
	if err != nil {
		return fmt.Errorf("published %s %d in %d dollars: %w", p.Code, p.Year, target, err)
	}
	for _, v := range []*float64{&p.Mean, &p.P10, &p.P25, &p.Median, &p.P75, &p.P90, &p.Low, &p.High} {
		*v *= f
	}
	p.Basis = "real:" + strconv.Itoa(target)
	return nil
}

// The area shown is its name ("U.S.", "California"), the BLS area code
// when a source gives no name.
const sqlPublished = `SELECT publisher, code, occupation, family, year, coalesce(area_name, area),
       coalesce(employment, 0), coalesce(mean, 0), coalesce(p10, 0), coalesce(p25, 0),
       coalesce(median, 0), coalesce(p75, 0), coalesce(p90, 0), topcoded, topcoded_columns
FROM published_bands
WHERE (family = ? OR list_contains(string_split(?, ','), code)) AND (? = 0 OR year = ?)
ORDER BY year, publisher, code, area`

// PublishedFor returns the published figures for a family (matched by the
// family id or the family's SOC codes in the taxonomy) and, when year is
// not 0, that year; the shipped reference bands come last.
func PublishedFor(ctx context.Context, db *sql.DB, family string, year int, tax *titles.Taxonomy) ([]Published, error) {
	var socs []string
	name := family
	if tax != nil {
		if f, ok := tax.Family(family); ok {
			socs = SOCCodes(f.SOC)
			name = f.Name
		}
	}
	rows, err := db.QueryContext(ctx, sqlPublished, family, strings.Join(socs, ","), year, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Published
	for rows.Next() {
		var p Published
		if err := rows.Scan(&p.Publisher, &p.Code, &p.Occupation, &p.Family, &p.Year, &p.Area, &p.Employment,
			&p.Mean, &p.P10, &p.P25, &p.Median, &p.P75, &p.P90, &p.Topcoded, &p.TopcodedColumns); err != nil {
			return nil, err
		}
		p.Comparison = comparison(name, p)
		p.Basis = "nominal"
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	refs, err := pay.ReferenceBands()
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		if r.Family != family || (year != 0 && r.Year != year) {
			continue
		}
		out = append(out, Published{Publisher: r.Publisher, Code: r.Code, Occupation: r.Occupation, Family: r.Family,
			Year: r.Year, Area: r.Area, Mean: nan0(r.Mean), Low: nan0(r.Low), High: nan0(r.High), Basis: "nominal"})
	}
	return out, nil
}

func nan0(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}
