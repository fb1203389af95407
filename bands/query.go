package bands

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// GroupColumns is the allow-list of salaries columns a band may be grouped
// or filtered by. Anything else is refused before SQL is built, so a column
// name never comes from the user.
var GroupColumns = []string{
	"family", "title", "level", "year", "country", "state", "county", "city",
	"postal_code", "source", "dataset", "source_kind", "case_status",
	"employment_type", "company_size", "title_seniority", "experience_level",
	"experience_code", "wage_level", "wage_basis", "soc_code",
	"company_country", "employer", "remote_ratio",
	"seniority", // the old name of level, kept for scripts that use it
}

// DefaultMinN is the smallest group shown unless --min-n says otherwise.
const DefaultMinN = 5

// LowN is the row count under which a band is flagged low_n.
const LowN = 30

// BandQuery selects and groups rows of the salaries view.
type BandQuery struct {
	By      []string          // group columns, from GroupColumns
	Filters map[string]string // column (from GroupColumns) = value
	Conds   []Cond            // ranges and lists, ANDed with Filters (filter.go)
	MinN    int               // groups with fewer rows are left out
	Real    int               // 0 = nominal; else rescale to this year's dollars
	// CaseStatus is which LCA filings count: "" or "certified" only those
	// certified (CERTIFIED; not Certified-Withdrawn, Denied or Withdrawn),
	// "all" every one. Rows without a case status (surveys) always count.
	// A filter on case_status replaces the default.
	CaseStatus string
}

// IsGroupColumn reports whether c is in GroupColumns.
func IsGroupColumn(c string) bool {
	return slices.Contains(GroupColumns, c)
}

// Validate checks every column name against the allow-list.
func (q BandQuery) Validate() error {
	seen := map[string]bool{}
	for _, c := range q.By {
		if !IsGroupColumn(c) {
			return fmt.Errorf("cannot group by %q: allowed columns are %s", c, strings.Join(GroupColumns, ", "))
		}
		if seen[c] {
			return fmt.Errorf("column %q named twice in --by", c)
		}
		seen[c] = true
	}
	for c := range q.Filters {
		if !IsGroupColumn(c) {
			return fmt.Errorf("cannot filter by %q: allowed columns are %s", c, strings.Join(GroupColumns, ", "))
		}
	}
	for _, c := range q.Conds {
		if err := c.validate(); err != nil {
			return err
		}
	}
	if q.MinN < 0 {
		return fmt.Errorf("--min-n must be at least 0, not %d", q.MinN)
	}
	switch q.CaseStatus {
	case "", CaseStatusCertified, CaseStatusAll:
	default:
		return fmt.Errorf("--case-status takes certified or all, not %q", q.CaseStatus)
	}
	return nil
}

// CertifiedStatus is the case status an LCA filing needs to count in the
// default scope (CaseStatusCertified), upper-cased.
const CertifiedStatus = "CERTIFIED"

// CertifiedSQL is the certified-only condition on the case_status column
// col: rows without a case status (surveys) and certified LCA filings,
// however the file spells the status ("CERTIFIED", "Certified",
// " Certified "). trimmed is col with its spaces stripped in the engine's
// dialect. Every engine builds its condition here.
func CertifiedSQL(col, trimmed string) string {
	return "(" + col + " IS NULL OR upper(" + trimmed + ") = '" + CertifiedStatus + "')"
}

// orderBy is the ORDER BY list of the group columns: level columns by
// their rank on LevelLadder, the others by value. It is the one place
// bands are ordered; ComputeBands keeps the order the rows arrive in.
func (q BandQuery) orderBy() string {
	parts := make([]string, len(q.By))
	for i, c := range q.By {
		if IsLevelColumn(c) {
			parts[i] = "list_position(['" + strings.Join(LevelLadder, "', '") + "'], " + c + "), " + c
		} else {
			parts[i] = c
		}
	}
	return strings.Join(parts, ", ")
}

// filterColumns returns the filter columns in a stable order.
func (q BandQuery) filterColumns() []string {
	cs := make([]string, 0, len(q.Filters))
	for c := range q.Filters {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	return cs
}

// intColumns are compared as integers so "2024" binds as a number.
var intColumns = map[string]bool{"year": true, "remote_ratio": true}

// where builds the filter predicates: allow-listed column names, bound
// values.
func (q BandQuery) where(prefix string) ([]string, []any, error) {
	var args []any
	var where []string
	if _, named := q.Filters["case_status"]; q.CaseStatus != CaseStatusAll && !named {
		where = append(where, CertifiedSQL(prefix+"case_status", "trim("+prefix+"case_status)"))
	}
	for _, c := range q.filterColumns() {
		v := q.Filters[c]
		if intColumns[c] {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, nil, fmt.Errorf("%s must be a whole number, not %q", c, v)
			}
			args = append(args, n)
		} else {
			args = append(args, v)
		}
		where = append(where, prefix+c+" = ?")
	}
	for _, c := range q.Conds {
		p, a, err := c.predicate(prefix)
		if err != nil {
			return nil, nil, err
		}
		where = append(where, p)
		args = append(args, a...)
	}
	return where, args, nil
}

// base builds the statement's first part, the rows and pay to band:
// allow-listed column names, bound values. factors maps a row year to the
// real-dollar factor (nil for nominal).
func (q BandQuery) base(factors map[int]float64) (string, []any, error) {
	return q.baseWith(factors, nil)
}

// baseWith is base selecting also the columns extra (fixed names, never
// input) after the group columns.
func (q BandQuery) baseWith(factors map[int]float64, extra []string) (string, []any, error) {
	if err := q.Validate(); err != nil {
		return "", nil, err
	}
	where, args, err := q.where("s.")
	if err != nil {
		return "", nil, err
	}
	pay := "s.pay_usd"
	from := "salaries s"
	if factors != nil {
		years := make([]int, 0, len(factors))
		for y := range factors {
			years = append(years, y)
		}
		sort.Ints(years)
		vals := make([]string, len(years))
		var fargs []any
		for i, y := range years {
			vals[i] = "(?::INTEGER, ?::DOUBLE)"
			fargs = append(fargs, y, factors[y])
		}
		from = "salaries s JOIN (VALUES " + strings.Join(vals, ", ") + ") cpi(year, factor) ON cpi.year = s.year"
		pay = "s.pay_usd * cpi.factor"
		args = append(fargs, args...)
	}
	var b strings.Builder
	b.WriteString("WITH base AS (\n  SELECT ")
	for _, c := range q.By {
		b.WriteString("s." + c + ", ")
	}
	for _, c := range extra {
		if !slices.Contains(q.By, c) {
			b.WriteString("s." + c + ", ")
		}
	}
	b.WriteString(pay + " AS pay\n  FROM " + from)
	if len(where) > 0 {
		b.WriteString("\n  WHERE " + strings.Join(where, " AND "))
	}
	b.WriteString("\n)")
	return b.String(), args, nil
}

// SQL builds the statement a report prints beside each band table: the
// whole band in DuckDB's own aggregates, for an analyst to rerun with
// payband query. ComputeBands gets the same figures a faster way (see
// stats.go). factors maps a row year to the real-dollar factor (nil for
// nominal). Identifiers come only from GroupColumns; every value is a bound
// parameter.
func (q BandQuery) SQL(factors map[int]float64) (string, []any, error) {
	base, args, err := q.base(factors)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString(base)
	groupBy := strings.Join(q.By, ", ")
	part := ""
	if groupBy != "" {
		part = "PARTITION BY " + groupBy + " "
	}
	// The median's confidence interval uses the order statistics of ranks
	// n/2 ∓ 1.96·√n/2 (normal approximation to the binomial, Conover).
	b.WriteString(`,
ranked AS (
  SELECT *, row_number() OVER (` + part + `ORDER BY pay) AS rn, count(*) OVER (` + part + `) AS cnt FROM base
)
SELECT `)
	for _, c := range q.By {
		b.WriteString("CAST(" + c + " AS VARCHAR), ")
	}
	b.WriteString(`count(*) AS n, min(pay), quantile_cont(pay, [0.1, 0.25, 0.5, 0.75, 0.9]), max(pay),
  avg(pay), coalesce(stddev_samp(pay), 0),
  max(pay) FILTER (WHERE rn = floor(cnt / 2.0 - 1.959964 * sqrt(cnt) / 2)),
  max(pay) FILTER (WHERE rn = ceil(1 + cnt / 2.0 + 1.959964 * sqrt(cnt) / 2))
FROM ranked`)
	if groupBy != "" {
		b.WriteString("\nGROUP BY " + groupBy + "\nORDER BY " + q.orderBy())
	}
	return b.String(), args, nil
}

// groupKeys is the SQL expression a row's group is hashed by: DuckDB's
// hash of the group columns, one constant group without them. collide
// keeps one bit of it (gathering.collide).
func (q BandQuery) groupKeys(collide bool) string {
	if len(q.By) == 0 {
		return "0::UBIGINT"
	}
	k := "hash(" + strings.Join(q.By, ", ") + ")"
	if collide {
		k = "(" + k + " & 1::UBIGINT)"
	}
	return k
}

// groupsSQL selects each group's keys, row count and hash, in group order.
func (q BandQuery) groupsSQL(factors map[int]float64, collide bool) (string, []any, error) {
	return q.perGroupSQL(factors, "count(*), "+q.groupKeys(collide))
}

// paySQL selects every row's group hash and pay, in no particular order.
func (q BandQuery) paySQL(factors map[int]float64, collide bool) (string, []any, error) {
	base, args, err := q.base(factors)
	if err != nil {
		return "", nil, err
	}
	return base + "\nSELECT " + q.groupKeys(collide) + ", pay FROM base", args, nil
}

// listSQL selects each group's keys and the list of its pay values, in
// group order: for filtered queries, and groups whose hashes collide.
func (q BandQuery) listSQL(factors map[int]float64) (string, []any, error) {
	return q.perGroupSQL(factors, "list(pay)")
}

// perGroupSQL selects each group's keys as text, then aggregates (an
// expression over base's columns built here, never from input), in group
// order.
//
// Each group's scope (scopeAggregates) comes in the same pass: a second
// query for it cost as much again as the bands themselves. The real-dollar
// join keeps every row (realFactors has a factor for every year), so the
// scope is the same in either basis.
func (q BandQuery) perGroupSQL(factors map[int]float64, aggregates string) (string, []any, error) {
	base, args, err := q.baseWith(factors, scopeColumns)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteString("\nSELECT ")
	for _, c := range q.By {
		b.WriteString("CAST(" + c + " AS VARCHAR), ")
	}
	b.WriteString(aggregates + ", " + scopeAggregates + " FROM base")
	if groupBy := strings.Join(q.By, ", "); groupBy != "" {
		b.WriteString("\nGROUP BY " + groupBy + "\nORDER BY " + q.orderBy())
	}
	return b.String(), args, nil
}
