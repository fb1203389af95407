package reports

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"payband/transform"
	"payband/warehouse"
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

// base builds the statement's first part, the rows and pay to band:
// allow-listed column names, bound values. factors maps a row year to the
// real-dollar factor (nil for nominal).
func (q BandQuery) base(factors map[int]float64) (string, []any, error) {
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
		b.WriteString("\nGROUP BY " + groupBy + "\nORDER BY " + groupBy)
	}
	return b.String(), args, nil
}

// listSQL selects each group's keys and the list of its pay values, in
// group order: what ComputeBands reads, over Arrow.
func (q BandQuery) listSQL(factors map[int]float64) (string, []any, error) {
	base, args, err := q.base(factors)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteString("\nSELECT ")
	for _, c := range q.By {
		b.WriteString("CAST(" + c + " AS VARCHAR), ")
	}
	b.WriteString("list(pay) FROM base")
	if groupBy := strings.Join(q.By, ", "); groupBy != "" {
		b.WriteString("\nGROUP BY " + groupBy + "\nORDER BY " + groupBy)
	}
	return b.String(), args, nil
}

// ComputeBands runs q against db. It returns the bands with at least MinN
// rows and how many groups were left out for having fewer.
//
// DuckDB groups the rows and hands over each group's pay as one Arrow list;
// the statistics are picked in Go, groups in parallel (stats.go).
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
	query, args, err := q.listSQL(factors)
	if err != nil {
		return nil, 0, err
	}
	var out []Band
	skipped := 0
	err = warehouse.QueryArrow(ctx, db, query, args, func(rec arrow.RecordBatch) error {
		nk := len(q.By)
		if int(rec.NumCols()) != nk+1 {
			return fmt.Errorf("%d columns, want %d", rec.NumCols(), nk+1)
		}
		keys := make([]stringColumn, nk)
		for i := range keys {
			k, ok := rec.Column(i).(stringColumn)
			if !ok {
				return fmt.Errorf("group column %s is %s", q.By[i], rec.Column(i).DataType())
			}
			keys[i] = k
		}
		lists, ok := rec.Column(nk).(array.ListLike)
		if !ok {
			return fmt.Errorf("pay lists are %s", rec.Column(nk).DataType())
		}
		vals, ok := lists.ListValues().(*array.Float64)
		if !ok {
			return fmt.Errorf("pay values are %s", lists.ListValues().DataType())
		}
		pay := vals.Float64Values()
		var bands []Band
		var groups [][]float64
		for r := 0; r < int(rec.NumRows()); r++ {
			start, end := lists.ValueOffsets(r)
			if lists.IsNull(r) || start == end {
				continue // no rows at all, so no group
			}
			if int(end-start) < q.MinN {
				skipped++
				continue
			}
			b := Band{Basis: basis}
			for i, c := range q.By {
				v := ""
				if !keys[i].IsNull(r) {
					v = strings.Clone(keys[i].Value(r))
				}
				b.Group = append(b.Group, KV{Key: c, Value: v})
			}
			bands = append(bands, b)
			groups = append(groups, pay[start:end])
		}
		// The batch is this query's own until it is released, so the
		// values are reordered where they lie rather than copied: at 5 M
		// rows the copy cost more than the selection.
		groupStats(bands, groups)
		out = append(out, bands...)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("bands query: %w", err)
	}
	return out, skipped, nil
}

// groupStats fills bands[i] from groups[i], groups in parallel: each is
// independent and the big ones dominate, so they are handed out one at a
// time to as many workers as there are cores.
func groupStats(bands []Band, groups [][]float64) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(groups)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(groups) {
					return
				}
				statsOf(&bands[i], groups[i])
				bands[i].LowN = bands[i].N < LowN
			}
		})
	}
	wg.Wait()
}

// stringColumn is what a VARCHAR column arrives as over Arrow: String,
// LargeString or StringView. Value's string points into the batch.
type stringColumn interface {
	IsNull(i int) bool
	Value(i int) string
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
