package bands

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"payband/pay"
	"payband/warehouse"
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

// gathering is how computeBands gathers each group's pay. ComputeBands
// uses the zero value, which chooses by the query; tests set the rest.
type gathering struct {
	way         int    // 0: by the query; 1: always hashed; 2: always listed
	collide     bool   // keep one bit of each group's hash, so groups collide
	afterGroups func() // runs between the two queries of the hashed way
}

// ComputeBands runs q against db. It returns the bands with at least MinN
// rows and how many groups were left out for having fewer.
//
// For a query over all rows, DuckDB counts the groups and then streams
// every row as (hash of its group, pay); Go lays the pay out group by group
// and picks the statistics, groups in parallel (stats.go). For a filtered
// query, usually a small part of the rows, DuckDB builds each group's list
// of pay in one scan instead. Lists of every row cost twice as long from a
// cold start, most of it page faults in DuckDB's copies, while for a few
// rows a second scan costs more than the copies (docs/benchmarks.md).
// Lists are also the way when two groups' 64-bit hashes collide.
func ComputeBands(ctx context.Context, db *sql.DB, q BandQuery, cpi *pay.CPI) ([]Band, int, error) {
	return computeBands(ctx, db, q, cpi, gathering{})
}

func computeBands(ctx context.Context, db *sql.DB, q BandQuery, cpi *pay.CPI, g gathering) ([]Band, int, error) {
	var factors map[int]float64
	basis := "nominal"
	if q.Real != 0 {
		if cpi == nil {
			cpi = pay.DefaultCPI()
		}
		f, err := RealFactors(ctx, db, cpi, q.Real)
		if err != nil {
			return nil, 0, err
		}
		factors = f
		basis = "real:" + strconv.Itoa(q.Real)
	}
	hashed := len(q.Filters) == 0 && len(q.Conds) == 0
	if g.way != 0 {
		hashed = g.way == 1
	}
	var bands []Band
	var skipped int
	var err error
	if hashed {
		var ok bool
		bands, skipped, ok, err = bandsHashed(ctx, db, q, factors, basis, g)
		if err == nil && !ok {
			bands, skipped, err = bandsListed(ctx, db, q, factors, basis)
		}
	} else {
		bands, skipped, err = bandsListed(ctx, db, q, factors, basis)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("bands query: %w", err)
	}
	return bands, skipped, nil
}

// bandsHashed computes the bands from groupsSQL and paySQL. ok is false,
// and nothing is computed, when two groups share a hash.
func bandsHashed(ctx context.Context, db *sql.DB, q BandQuery, factors map[int]float64, basis string, g gathering) (bands []Band, skipped int, ok bool, err error) {
	query, args, err := q.groupsSQL(factors, g.collide)
	if err != nil {
		return nil, 0, false, err
	}
	var sizes []int
	var index groupIndex
	var hashes []uint64
	var kept []int // for each group, its index in bands or -1
	err = warehouse.QueryArrow(ctx, db, query, args, func(rec arrow.RecordBatch) error {
		nk := len(q.By)
		if int(rec.NumCols()) != nk+2+scopeWidth {
			return fmt.Errorf("%d columns, want %d", rec.NumCols(), nk+2+scopeWidth)
		}
		keys, err := keyColumns(rec, q.By)
		if err != nil {
			return err
		}
		scopes, err := newScopeColumns(rec, nk+2, q.caseStatus())
		if err != nil {
			return err
		}
		counts, ok1 := rec.Column(nk).(*array.Int64)
		hs, ok2 := rec.Column(nk + 1).(*array.Uint64)
		if !ok1 || !ok2 || counts.NullN() > 0 || hs.NullN() > 0 {
			return fmt.Errorf("group counts and hashes are %s and %s", rec.Column(nk).DataType(), rec.Column(nk+1).DataType())
		}
		for r := 0; r < int(rec.NumRows()); r++ {
			n := int(counts.Value(r))
			if n == 0 {
				continue // no rows at all, so no group
			}
			hashes = append(hashes, hs.Value(r))
			if n < q.MinN {
				skipped++
				kept = append(kept, -1)
				continue
			}
			kept = append(kept, len(bands))
			bands = append(bands, Band{Basis: basis, Group: groupKV(keys, q.By, r), Scope: scopes.at(r)})
			sizes = append(sizes, n)
		}
		return nil
	})
	if err != nil {
		return nil, 0, false, err
	}
	if g.afterGroups != nil {
		g.afterGroups()
	}
	if !index.build(hashes, kept) {
		return nil, 0, false, nil
	}
	if len(bands) == 0 {
		return nil, skipped, true, nil
	}

	// Each group's pay goes to its own stretch of one array, in the order
	// the rows arrive; the sizes are known, so nothing grows or moves.
	starts := make([]int, len(sizes)+1)
	for i, n := range sizes {
		starts[i+1] = starts[i] + n
	}
	fill := slices.Clone(starts[:len(sizes)])
	pay, free := allocPay(starts[len(sizes)])
	defer free()
	query, args, err = q.paySQL(factors, g.collide)
	if err != nil {
		return nil, 0, false, err
	}
	err = warehouse.QueryArrow(ctx, db, query, args, func(rec arrow.RecordBatch) error {
		hs, ok1 := rec.Column(0).(*array.Uint64)
		ps, ok2 := rec.Column(1).(*array.Float64)
		if !ok1 || !ok2 || hs.NullN() > 0 || ps.NullN() > 0 {
			return fmt.Errorf("group hashes and pay are %s and %s", rec.Column(0).DataType(), rec.Column(1).DataType())
		}
		pv := ps.Float64Values()
		for i, h := range hs.Uint64Values() {
			g, found := index.find(h)
			switch {
			case !found:
				return errChanged
			case g < 0:
				continue // a group under MinN
			case fill[g] == starts[g+1]:
				return errChanged
			}
			pay[fill[g]] = pv[i]
			fill[g]++
		}
		return nil
	})
	if err != nil {
		return nil, 0, false, err
	}
	groups := make([][]float64, len(sizes))
	for g := range groups {
		if fill[g] != starts[g+1] {
			return nil, 0, false, errChanged
		}
		groups[g] = pay[starts[g]:starts[g+1]]
	}
	groupStats(bands, groups)
	return bands, skipped, true, nil
}

// errChanged is returned when the rows of the second query do not match
// the groups counted by the first: the warehouse changed in between, which
// its lock is there to prevent.
var errChanged = errors.New("the rows changed while the bands were computed")

// groupIndex finds a group by its hash: open addressing, linear probing.
type groupIndex struct {
	shift  uint
	hashes []uint64
	groups []int32 // 0 empty, else group index + 2 (1 for a group left out)
}

// build indexes hashes[i] → kept[i]. It returns false when two hashes are
// equal.
func (x *groupIndex) build(hashes []uint64, kept []int) bool {
	bits := uint(1)
	for 1<<bits < 2*len(hashes) {
		bits++
	}
	x.shift = 64 - bits
	x.hashes = make([]uint64, 1<<bits)
	x.groups = make([]int32, 1<<bits)
	mask := uint64(1)<<bits - 1
	for i, h := range hashes {
		s := x.slot(h)
		for x.groups[s] != 0 {
			if x.hashes[s] == h {
				return false
			}
			s = (s + 1) & mask
		}
		x.hashes[s] = h
		x.groups[s] = int32(kept[i] + 2)
	}
	return true
}

// slot is where h's probe starts: Fibonacci hashing spreads the top bits.
func (x *groupIndex) slot(h uint64) uint64 {
	return (h * 0x9E3779B97F4A7C15) >> x.shift
}

// find returns the group of hash h (-1 for a group left out) and whether h
// is known.
func (x *groupIndex) find(h uint64) (int, bool) {
	mask := uint64(len(x.groups) - 1)
	for s := x.slot(h); ; s = (s + 1) & mask {
		g := x.groups[s]
		if g == 0 {
			return 0, false
		}
		if x.hashes[s] == h {
			return int(g) - 2, true
		}
	}
}

// bandsListed computes the bands from listSQL: DuckDB builds each group's
// list of pay.
func bandsListed(ctx context.Context, db *sql.DB, q BandQuery, factors map[int]float64, basis string) ([]Band, int, error) {
	query, args, err := q.listSQL(factors)
	if err != nil {
		return nil, 0, err
	}
	var out []Band
	skipped := 0
	err = warehouse.QueryArrow(ctx, db, query, args, func(rec arrow.RecordBatch) error {
		nk := len(q.By)
		if int(rec.NumCols()) != nk+1+scopeWidth {
			return fmt.Errorf("%d columns, want %d", rec.NumCols(), nk+1+scopeWidth)
		}
		keys, err := keyColumns(rec, q.By)
		if err != nil {
			return err
		}
		scopes, err := newScopeColumns(rec, nk+1, q.caseStatus())
		if err != nil {
			return err
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
			bands = append(bands, Band{Basis: basis, Group: groupKV(keys, q.By, r), Scope: scopes.at(r)})
			groups = append(groups, pay[start:end])
		}
		// The batch is this query's own until it is released, so the
		// values are reordered where they lie rather than copied.
		groupStats(bands, groups)
		out = append(out, bands...)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, skipped, nil
}

// keyColumns returns the first len(by) columns of rec as strings.
func keyColumns(rec arrow.RecordBatch, by []string) ([]stringColumn, error) {
	keys := make([]stringColumn, len(by))
	for i := range keys {
		k, ok := rec.Column(i).(stringColumn)
		if !ok {
			return nil, fmt.Errorf("group column %s is %s", by[i], rec.Column(i).DataType())
		}
		keys[i] = k
	}
	return keys, nil
}

// groupKV copies row r's group keys out of the batch.
func groupKV(keys []stringColumn, by []string, r int) []KV {
	kv := make([]KV, len(by))
	for i, c := range by {
		v, null := "", true
		if !keys[i].IsNull(r) {
			v = strings.Clone(keys[i].Value(r))
			null = v == "" && emptyIsValue(c) // an unmatched title
		}
		kv[i] = KV{Key: c, Value: v, Null: null}
	}
	return kv
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

// RealFactors returns CPI[target]/CPI[year] for every year in the data, or
// a clear error naming a year the CPI table lacks. A year after the table's
// last takes the last year's index (pay.CPI.FactorCarried);
// CarriedCPI names those years.
func RealFactors(ctx context.Context, db *sql.DB, cpi *pay.CPI, target int) (map[int]float64, error) {
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
		factor, _, err := cpi.FactorCarried(y, target)
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

// PayValues returns the nominal pay_usd of every row q's filters select,
// in increasing order, for a histogram. They come over Arrow: a family's
// year can be a hundred thousand rows, and scanning them one by one
// through database/sql was a tenth of a report's time.
func PayValues(ctx context.Context, db *sql.DB, q BandQuery) ([]float64, error) {
	query, args, err := q.PayValuesSQL()
	if err != nil {
		return nil, err
	}
	var out []float64
	err = warehouse.QueryArrow(ctx, db, query, args, func(rec arrow.RecordBatch) error {
		col, ok := rec.Column(0).(*array.Float64)
		if !ok || col.NullN() > 0 {
			return fmt.Errorf("pay values are %s", rec.Column(0).DataType())
		}
		out = append(out, col.Float64Values()...)
		return nil
	})
	return out, err
}

// CarriedCPI returns the years of the salaries that are past the CPI
// table, whose real figures carry the table's latest annual average.
func CarriedCPI(ctx context.Context, db *sql.DB, cpi *pay.CPI) ([]int, error) {
	if cpi == nil {
		cpi = pay.DefaultCPI()
	}
	_, last := cpi.Years()
	rows, err := db.QueryContext(ctx, "SELECT DISTINCT year FROM salaries WHERE year > ? ORDER BY year", last)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ys []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		ys = append(ys, y)
	}
	return cpi.CarriedYears(ys), rows.Err()
}

// CarriedCPINote is the sentence that says which years carry the latest
// CPI-U annual average, or "" for none.
func CarriedCPINote(cpi *pay.CPI, years []int) string {
	if len(years) == 0 {
		return ""
	}
	if cpi == nil {
		cpi = pay.DefaultCPI()
	}
	_, last := cpi.Years()
	ys := make([]string, len(years))
	for i, y := range years {
		ys[i] = strconv.Itoa(y)
	}
	return fmt.Sprintf("BLS has not yet published a CPI-U annual average for %s; real figures of that pay use %d's, the latest.", strings.Join(ys, ", "), last)
}
