package report

import (
	"math"
	"strings"

	"payband/bands"
	"payband/internal/numfmt"
)

// PublishedTable lays published figures out for the renderers; a
// top-coded percentile shows as "≥ $X".
func PublishedTable(ps []bands.Published) Table {
	t := Table{Columns: []string{"publisher", "code", "occupation", "year", "area", "employment",
		"mean", "p10", "p25", "median", "p75", "p90", "low", "high", "topcoded", "basis", "compared_with"}, Kinds: publishedKinds}
	num := func(v float64, col string, p bands.Published) any {
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
			num(p.P75, "p75", p), num(p.P90, "p90", p), num(p.Low, "low", p), num(p.High, "high", p), p.Topcoded,
			p.Basis, nullable(p.Comparison)})
	}
	return t
}

// publishedKinds are PublishedTable's dollar and count columns.
var publishedKinds = map[string]string{"employment": "count", "mean": "usd", "p10": "usd", "p25": "usd",
	"median": "usd", "p75": "usd", "p90": "usd", "low": "usd", "high": "usd"}

// formatInt writes n with thousands separators: 239200 -> "239,200".
func formatInt(n int64) string { return numfmt.Int(n) }
