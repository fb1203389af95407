package bands

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Scope is the population a band measures (docs/methodology.md, "Scope"):
// the source kinds pooled in it, the countries, the years and, when LCA
// filings are in it, which case statuses count.
type Scope struct {
	Kinds      []string `json:"kinds"`     // source kinds, sorted: survey, lca-offered, lca-prevailing
	Countries  []string `json:"countries"` // the first maxScopeCountries countries, sorted
	NCountries int      `json:"n_countries"`
	YearFrom   int      `json:"year_from"`
	YearTo     int      `json:"year_to"`
	CaseStatus string   `json:"case_status,omitempty"` // certified or all; "" without LCA rows
}

// Source kinds (salaries.source_kind).
const (
	KindSurvey        = "survey"
	KindLCAOffered    = "lca-offered"
	KindLCAPrevailing = "lca-prevailing"
)

// Case-status scopes of BandQuery.CaseStatus.
const (
	CaseStatusCertified = "certified"
	CaseStatusAll       = "all"
)

// maxScopeCountries bounds the countries a scope lists by code.
const maxScopeCountries = 3

// Mixed reports whether the band pools more than one source kind.
func (s Scope) Mixed() bool { return len(s.Kinds) > 1 }

// KindsText is "survey", or "mixed: lca-offered + survey".
func (s Scope) KindsText() string {
	switch len(s.Kinds) {
	case 0:
		return ""
	case 1:
		return s.Kinds[0]
	}
	return "mixed: " + strings.Join(s.Kinds, " + ")
}

// CountriesText is "US", or "DE, GB, US +12 more".
func (s Scope) CountriesText() string {
	if s.NCountries == 0 {
		return MissingLabel("country")
	}
	t := strings.Join(s.Countries, ", ")
	if more := s.NCountries - len(s.Countries); more > 0 {
		t += fmt.Sprintf(" +%d more", more)
	}
	return t
}

// YearsText is "2024" or "2020–2025".
func (s Scope) YearsText() string {
	if s.YearFrom == s.YearTo {
		return strconv.Itoa(s.YearFrom)
	}
	return fmt.Sprintf("%d–%d", s.YearFrom, s.YearTo)
}

// Place is where a band's people are, for a sentence: "in the United
// States", "in 14 countries".
func (s Scope) Place() string {
	if s.NCountries == 1 && len(s.Countries) == 1 {
		return "in " + CountryName(s.Countries[0])
	}
	if s.NCountries == 0 {
		return "in no stated country"
	}
	return fmt.Sprintf("in %d countries", s.NCountries)
}

// Units names what n counts: "survey answers", "certified H-1B filings
// (offered wage)", or, for a pooled band, "rows (survey + lca-offered)".
func (s Scope) Units() string {
	if len(s.Kinds) != 1 {
		return "rows (" + strings.Join(s.Kinds, " + ") + ")"
	}
	filings := "H-1B filings"
	if s.CaseStatus == CaseStatusCertified {
		filings = "certified H-1B filings"
	}
	switch s.Kinds[0] {
	case KindSurvey:
		return "survey answers"
	case KindLCAOffered:
		return filings + " (offered wage)"
	case KindLCAPrevailing:
		return filings + " (prevailing wage)"
	}
	return s.Kinds[0] + " rows"
}

// countryNames are the countries a headline names in words; others show
// their ISO code.
var countryNames = map[string]string{
	"US": "the United States", "GB": "the United Kingdom", "CA": "Canada", "DE": "Germany",
	"FR": "France", "IN": "India", "ES": "Spain", "NL": "the Netherlands", "AU": "Australia",
	"IE": "Ireland", "PL": "Poland", "BR": "Brazil", "CH": "Switzerland", "IT": "Italy",
	"PT": "Portugal", "SG": "Singapore", "JP": "Japan", "MX": "Mexico", "SE": "Sweden",
}

// CountryName is a country's name for a sentence, its code when unknown.
func CountryName(code string) string {
	if n, ok := countryNames[strings.ToUpper(code)]; ok {
		return n
	}
	return code
}

// scopeSQL selects, per group of q, the source kinds, the number of
// countries and the first few, the first and last year, and whether any
// row is an LCA filing.
func (q BandQuery) scopeSQL() (string, []any, error) {
	base, args, err := q.baseWith(nil, []string{"source_kind", "country", "year"})
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteString("\nSELECT ")
	for _, c := range q.By {
		b.WriteString("CAST(" + c + " AS VARCHAR), ")
	}
	b.WriteString(`list_sort(list(DISTINCT source_kind)), count(DISTINCT country),
  list_sort(list(DISTINCT country))[1:` + strconv.Itoa(maxScopeCountries) + `], min(year), max(year)
FROM base`)
	if groupBy := strings.Join(q.By, ", "); groupBy != "" {
		b.WriteString("\nGROUP BY " + groupBy)
	}
	return b.String(), args, nil
}

// fillScopes sets each band's Scope from one query over q's rows.
func fillScopes(ctx context.Context, db *sql.DB, q BandQuery, bands []Band) error {
	if len(bands) == 0 {
		return nil
	}
	query, args, err := q.scopeSQL()
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	byKey := map[string]Scope{}
	nk := len(q.By)
	for rows.Next() {
		keys := make([]sql.NullString, nk)
		dest := make([]any, 0, nk+5)
		for i := range keys {
			dest = append(dest, &keys[i])
		}
		var kinds, countries []any
		var s Scope
		dest = append(dest, &kinds, &s.NCountries, &countries, &s.YearFrom, &s.YearTo)
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		s.Kinds = strs(kinds)
		s.Countries = strs(countries)
		if slices.ContainsFunc(s.Kinds, func(k string) bool { return strings.HasPrefix(k, "lca-") }) {
			s.CaseStatus = q.caseStatus()
		}
		byKey[nullKey(keys)] = s
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range bands {
		keys := make([]sql.NullString, nk)
		for j, kv := range bands[i].Group {
			keys[j] = sql.NullString{String: kv.Value, Valid: !kv.Null || (kv.Value == "" && emptyIsValue(kv.Key))}
		}
		bands[i].Scope = byKey[nullKey(keys)]
	}
	return nil
}

// emptyIsValue: family and title are "" (not NULL) for unmatched rows.
func emptyIsValue(col string) bool { return col == "family" || col == "title" }

func nullKey(keys []sql.NullString) string {
	var b strings.Builder
	for _, k := range keys {
		if k.Valid {
			b.WriteString("v" + strconv.Quote(k.String))
		} else {
			b.WriteString("n")
		}
	}
	return b.String()
}

func strs(xs []any) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// caseStatus is the query's case-status scope by name.
func (q BandQuery) caseStatus() string {
	if q.CaseStatus == CaseStatusAll {
		return CaseStatusAll
	}
	return CaseStatusCertified
}

// MixedNote is the sentence a person reads when bands pool source kinds,
// or "".
func MixedNote(bands []Band) string {
	n := 0
	kinds := map[string]bool{}
	for _, b := range bands {
		if b.Scope.Mixed() {
			n++
			for _, k := range b.Scope.Kinds {
				kinds[k] = true
			}
		}
	}
	if n == 0 {
		return ""
	}
	ks := make([]string, 0, len(kinds))
	for k := range kinds {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return fmt.Sprintf("%d band(s) pool source kinds (%s), which measure different things; add --by source_kind or --where source_kind=K to see them apart",
		n, strings.Join(ks, ", "))
}
