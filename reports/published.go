package reports

import (
	"context"
	"database/sql"
	"math"
	"strconv"
	"strings"

	"payband/transform"
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
func PublishedFor(ctx context.Context, db *sql.DB, family string, year int, tax *transform.Taxonomy) ([]Published, error) {
	var socs []string
	if tax != nil {
		if f, ok := tax.Family(family); ok {
			socs = f.SOC
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
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	refs, err := transform.ReferenceBands()
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		if r.Family != family || (year != 0 && r.Year != year) {
			continue
		}
		out = append(out, Published{Publisher: r.Publisher, Code: r.Code, Occupation: r.Occupation, Family: r.Family,
			Year: r.Year, Area: r.Area, Mean: nan0(r.Mean), Low: nan0(r.Low), High: nan0(r.High)})
	}
	return out, nil
}

// PublishedTable lays published figures out for the renderers; a
// top-coded percentile shows as "≥ $X".
func PublishedTable(ps []Published) Table {
	t := Table{Columns: []string{"publisher", "code", "occupation", "year", "area", "employment",
		"mean", "p10", "p25", "median", "p75", "p90", "low", "high", "topcoded"}, Kinds: publishedKinds}
	num := func(v float64, col string, p Published) any {
		if v == 0 || math.IsNaN(v) {
			return nil
		}
		if p.Topcoded && strings.Contains(","+p.TopcodedColumns+",", ","+col+",") {
			return "≥ " + formatInt(Whole(v))
		}
		return Whole(v)
	}
	for _, p := range ps {
		var emp any
		if p.Employment > 0 {
			emp = p.Employment
		}
		t.Rows = append(t.Rows, []any{p.Publisher, p.Code, p.Occupation, int64(p.Year), p.Area, emp,
			num(p.Mean, "mean", p), num(p.P10, "p10", p), num(p.P25, "p25", p), num(p.Median, "median", p),
			num(p.P75, "p75", p), num(p.P90, "p90", p), num(p.Low, "low", p), num(p.High, "high", p), p.Topcoded})
	}
	return t
}

// publishedKinds are PublishedTable's dollar and count columns.
var publishedKinds = map[string]string{"employment": "count", "mean": "usd", "p10": "usd", "p25": "usd",
	"median": "usd", "p75": "usd", "p90": "usd", "low": "usd", "high": "usd"}

// formatInt writes n with thousands separators: 239200 -> "239,200".
func formatInt(n int64) string {
	d := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(d, "-")
	d = strings.TrimPrefix(d, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range d {
		if i > 0 && (len(d)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func nan0(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}
