package reports

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"payband/transform"
)

// GroupColumns is the allow-list of salaries columns a band may be grouped
// or filtered by. Anything else is refused before SQL is built, so a column
// name never comes from the user.
var GroupColumns = []string{
	"family", "title", "seniority", "year", "country", "state", "source",
	"employment_type", "company_size", "experience_level", "wage_basis",
	"wage_level", "soc_code", "company_country", "case_status", "employer",
	"remote_ratio",
}

// DefaultMinN is the smallest group shown unless --min-n says otherwise.
const DefaultMinN = 5

// LowN is the row count under which a band is flagged low_n.
const LowN = 30

// BandQuery selects and groups rows of the salaries view.
type BandQuery struct {
	By      []string          // group columns, from GroupColumns
	Filters map[string]string // column (from GroupColumns) = value
	MinN    int               // groups with fewer rows are left out
	Real    int               // 0 = nominal; else rescale to this year's dollars
}

// IsGroupColumn reports whether c is in GroupColumns.
func IsGroupColumn(c string) bool {
	for _, g := range GroupColumns {
		if g == c {
			return true
		}
	}
	return false
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
	if q.MinN < 0 {
		return fmt.Errorf("--min-n must be at least 0, not %d", q.MinN)
	}
	return nil
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
	return where, args, nil
}

// SQL builds the statement and its arguments. factors maps a row year to
// the real-dollar factor (nil for nominal). Identifiers come only from
// GroupColumns; every value is a bound parameter.
func (q BandQuery) SQL(factors map[int]float64) (string, []any, error) {
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
	sel := make([]string, len(q.By))
	for i, c := range q.By {
		sel[i] = "s." + c
	}
	var b strings.Builder
	b.WriteString("WITH base AS (\n  SELECT ")
	for _, s := range sel {
		b.WriteString(s + ", ")
	}
	b.WriteString(pay + " AS pay\n  FROM " + from)
	if len(where) > 0 {
		b.WriteString("\n  WHERE " + strings.Join(where, " AND "))
	}
	b.WriteString("\n)")
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
		b.WriteString("\nGROUP BY " + groupBy + "\nORDER BY " + groupBy)
	}
	return b.String(), args, nil
}

// ComputeBands runs q against db. It returns the bands with at least MinN
// rows and how many groups were left out for having fewer.
func ComputeBands(ctx context.Context, db *sql.DB, q BandQuery, cpi *transform.CPI) ([]Band, int, error) {
	var factors map[int]float64
	basis := "nominal"
	if q.Real != 0 {
		if cpi == nil {
			cpi = transform.DefaultCPI()
		}
		f, err := realFactors(ctx, db, cpi, q.Real)
		if err != nil {
			return nil, 0, err
		}
		factors = f
		basis = "real:" + strconv.Itoa(q.Real)
	}
	query, args, err := q.SQL(factors)
	if err != nil {
		return nil, 0, err
	}
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("bands query: %w", err)
	}
	defer rows.Close()
	var out []Band
	skipped := 0
	for rows.Next() {
		keys := make([]sql.NullString, len(q.By))
		var (
			b      Band
			qs     []any
			lo, hi sql.NullFloat64
		)
		dest := make([]any, 0, len(keys)+9)
		for i := range keys {
			dest = append(dest, &keys[i])
		}
		dest = append(dest, &b.N, &b.Min, &qs, &b.Max, &b.Mean, &b.Stddev, &lo, &hi)
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, err
		}
		if len(qs) != 5 {
			return nil, 0, fmt.Errorf("bands query: expected 5 quantiles, got %d", len(qs))
		}
		vals := make([]float64, 5)
		for i, v := range qs {
			f, ok := v.(float64)
			if !ok {
				return nil, 0, fmt.Errorf("bands query: quantile %d is %T", i, v)
			}
			vals[i] = f
		}
		b.P10, b.P25, b.Median, b.P75, b.P90 = vals[0], vals[1], vals[2], vals[3], vals[4]
		b.MedianCILow, b.MedianCIHigh = lo.Float64, hi.Float64
		if !lo.Valid || !hi.Valid {
			b.MedianCILow, b.MedianCIHigh = 0, 0
		}
		b.LowN = b.N < LowN
		b.Basis = basis
		for i, c := range q.By {
			b.Group = append(b.Group, KV{Key: c, Value: keys[i].String})
		}
		if b.N < q.MinN {
			skipped++
			continue
		}
		out = append(out, b)
	}
	return out, skipped, rows.Err()
}

// realFactors returns CPI[target]/CPI[year] for every year in the data, or
// a clear error naming a year the CPI table lacks.
func realFactors(ctx context.Context, db *sql.DB, cpi *transform.CPI, target int) (map[int]float64, error) {
	if _, ok := cpi.Index(target); !ok {
		first, last := cpi.Years()
		return nil, fmt.Errorf("--real %d: the CPI-U table covers %d–%d", target, first, last)
	}
	rows, err := db.QueryContext(ctx, "SELECT DISTINCT year FROM salaries ORDER BY year")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	f := map[int]float64{}
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		factor, err := cpi.Factor(y, target)
		if err != nil {
			return nil, fmt.Errorf("cannot express %d pay in %d dollars: %w", y, target, err)
		}
		f[y] = factor
	}
	return f, rows.Err()
}

// PayValuesSQL selects the nominal pay_usd of every row q's filters select,
// for a histogram. Same allow-list and bound values as SQL.
func (q BandQuery) PayValuesSQL() (string, []any, error) {
	if err := q.Validate(); err != nil {
		return "", nil, err
	}
	where, args, err := q.where("")
	if err != nil {
		return "", nil, err
	}
	s := "SELECT pay_usd FROM salaries"
	if len(where) > 0 {
		s += " WHERE " + strings.Join(where, " AND ")
	}
	return s + " ORDER BY pay_usd", args, nil
}

// PayValuesSQL is BandQuery.PayValuesSQL as a function.
func PayValuesSQL(q BandQuery) (string, []any, error) { return q.PayValuesSQL() }

// DefaultMethodChanges marks the years where a source's method changed, for
// trend charts: BLS OEWS moved to a new estimation method with the May 2021
// estimates.
var DefaultMethodChanges = []MethodChange{{Year: 2021, Label: "OEWS method change (May 2021)"}}
