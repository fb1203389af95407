package bands

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
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

// scopeColumns are the salaries columns a band's scope is drawn from;
// scopeAggregates draws it per group, in the bands' own query
// (perGroupSQL), as scopeWidth columns: the source kinds, the number of
// countries and the first few, the first and last year.
var scopeColumns = []string{"source_kind", "country", "year"}

// The distinct values come from histogram's keys, not DISTINCT
// aggregates: DuckDB builds a second hash table per DISTINCT aggregate,
// which made the scope cost as much as the bands' own lists (0.5 s of a
// 1.1 s query over two million rows). A histogram leaves out NULLs, as
// listStrings does, and is NULL for a group with no value, read as none.
var scopeAggregates = `list_sort(map_keys(histogram(source_kind))), CAST(coalesce(cardinality(histogram(country)), 0) AS BIGINT),
  list_sort(map_keys(histogram(country)))[1:` + strconv.Itoa(maxScopeCountries) + `], min(year), max(year)`

const scopeWidth = 5

// scopeCols reads the scope columns of a batch of perGroupSQL.
type scopeCols struct {
	kinds, countries array.ListLike
	kindVals         stringColumn
	countryVals      stringColumn
	nCountries       *array.Int64
	from, to         arrow.Array
	caseStatus       string
}

func newScopeColumns(rec arrow.RecordBatch, first int, caseStatus string) (*scopeCols, error) {
	c := &scopeCols{caseStatus: caseStatus, from: rec.Column(first + 3), to: rec.Column(first + 4)}
	var ok [5]bool
	c.kinds, ok[0] = rec.Column(first).(array.ListLike)
	c.nCountries, ok[1] = rec.Column(first + 1).(*array.Int64)
	c.countries, ok[2] = rec.Column(first + 2).(array.ListLike)
	if ok[0] && ok[2] {
		c.kindVals, ok[3] = c.kinds.ListValues().(stringColumn)
		c.countryVals, ok[4] = c.countries.ListValues().(stringColumn)
	}
	for i, good := range ok {
		if !good {
			return nil, fmt.Errorf("scope column %d is %s", i, rec.Column(first+min(i, 2)).DataType())
		}
	}
	return c, nil
}

// at is row r's scope.
func (c *scopeCols) at(r int) Scope {
	s := Scope{
		Kinds:     listStrings(c.kinds, c.kindVals, r),
		Countries: listStrings(c.countries, c.countryVals, r),
		YearFrom:  intAt(c.from, r),
		YearTo:    intAt(c.to, r),
	}
	if !c.nCountries.IsNull(r) {
		s.NCountries = int(c.nCountries.Value(r))
	}
	if slices.ContainsFunc(s.Kinds, func(k string) bool { return strings.HasPrefix(k, "lca-") }) {
		s.CaseStatus = c.caseStatus
	}
	return s
}

// listStrings copies the non-null strings of list row r.
func listStrings(l array.ListLike, vals stringColumn, r int) []string {
	out := []string{}
	if l.IsNull(r) {
		return out
	}
	start, end := l.ValueOffsets(r)
	for i := int(start); i < int(end); i++ {
		if !vals.IsNull(i) {
			out = append(out, strings.Clone(vals.Value(i)))
		}
	}
	return out
}

// intAt is an integer cell of any width, 0 when null.
func intAt(a arrow.Array, r int) int {
	if a.IsNull(r) {
		return 0
	}
	switch v := a.(type) {
	case *array.Int16:
		return int(v.Value(r))
	case *array.Int32:
		return int(v.Value(r))
	case *array.Int64:
		return int(v.Value(r))
	}
	return 0
}

// emptyIsValue: family and title are "" (not NULL) for unmatched rows.
func emptyIsValue(col string) bool { return col == "family" || col == "title" }

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

// Population is whom a band counts, for a sentence: "certified H-1B
// filings (offered wage) in the United States".
func (s Scope) Population() string { return s.populationIn(s.Place()) }

// populationIn is Population with the place given.
func (s Scope) populationIn(place string) string {
	if len(s.Kinds) == 0 {
		return "rows " + place
	}
	return s.Units() + " " + place
}

// PopulationOf says in words whom the bands bs together count, for a
// chart's caption: "certified H-1B filings (prevailing wage) in the United
// States", "survey answers in 14 countries", "rows (lca-offered + survey)
// in several countries" when their places differ.
func PopulationOf(bs []Band) string {
	if len(bs) == 0 {
		return ""
	}
	var pooled Scope
	seen := map[string]bool{}
	place := bs[0].Scope.Place()
	for _, b := range bs {
		for _, k := range b.Scope.Kinds {
			if !seen[k] {
				seen[k] = true
				pooled.Kinds = append(pooled.Kinds, k)
			}
		}
		if b.Scope.CaseStatus != "" {
			pooled.CaseStatus = b.Scope.CaseStatus
		}
		if b.Scope.Place() != place {
			place = "in several countries"
		}
	}
	slices.Sort(pooled.Kinds)
	return pooled.populationIn(place)
}
