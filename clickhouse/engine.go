package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"payband/bands"
	"payband/pay"
)

// Engine computes pay bands on ClickHouse, over the salaries table an
// export wrote: the Distributed table with a cluster, which fans each query
// out to the shards. It implements bands.Engine.
//
// The figures are the local engine's (reports/stats.go), computed in SQL:
// each group's pay sorted into an array (arraySort(groupArray(pay)) — 18.16
// has no interpolating exact quantile), each percentile interpolated
// between the ranks around (n-1)·q exactly as DuckDB's quantile_cont, and
// the median's interval from the order statistics of ranks
// n/2 ∓ 1.959964·√n/2. The rank arithmetic is the same double operations in
// the same order as Go's, so the ranks and percentiles are the same bits;
// only the mean and standard deviation, summed in another order, may differ
// in their last bits.
type Engine struct {
	c      *Client
	layout layout
	cpi    *pay.CPI
}

// NewEngine returns an engine reading the target's tables; cpi (nil for
// the embedded CPI-U table) serves --real.
func NewEngine(t Target, cpi *pay.CPI) *Engine {
	if cpi == nil {
		cpi = pay.DefaultCPI()
	}
	return &Engine{c: NewClient(t.Addr, t.User, t.Password), layout: layout{db: t.Database, cluster: t.Cluster}, cpi: cpi}
}

var _ bands.Engine = (*Engine)(nil)

// columnKind is the kind of a salaries column.
func columnKind(name string) (kind, bool) {
	for _, c := range salariesTable.cols {
		if c.name == name {
			return c.kind, true
		}
	}
	return 0, false
}

// Bands implements bands.Engine.
func (e *Engine) Bands(ctx context.Context, q bands.BandQuery) ([]bands.Band, int, error) {
	var factors map[int]float64
	basis := "nominal"
	if q.Real != 0 {
		f, err := e.realFactors(ctx, q.Real)
		if err != nil {
			return nil, 0, err
		}
		factors, basis = f, "real:"+strconv.Itoa(q.Real)
	}
	query, err := e.bandsSQL(q, factors)
	if err != nil {
		return nil, 0, err
	}
	r, err := e.c.Query(ctx, query)
	if err != nil {
		return nil, 0, e.explain(err)
	}
	nk := len(q.By)
	var out []bands.Band
	skipped := 0
	for _, row := range r.Data {
		if len(row) != nk+17 {
			return nil, 0, fmt.Errorf("bands query: %d columns, want %d", len(row), nk+17)
		}
		n, err := asInt(row[nk])
		if err != nil {
			return nil, 0, fmt.Errorf("bands query: n: %w", err)
		}
		if n == 0 {
			continue // no rows at all, so no group
		}
		if int(n) < q.MinN {
			skipped++
			continue
		}
		b := bands.Band{N: int(n), Basis: basis, LowN: n < bands.LowN}
		for i, c := range q.By {
			v, ok, err := asString(row[i])
			if err != nil {
				return nil, 0, fmt.Errorf("bands query: %s: %w", c, err)
			}
			// An unmatched family or title is "" in the view and reads as
			// missing, as the local engine's groups (bands.groupKV).
			null := !ok || (v == "" && (c == "family" || c == "title"))
			b.Group = append(b.Group, bands.KV{Key: c, Value: v, Null: null})
		}
		fields := []*float64{&b.Min, &b.P10, &b.P25, &b.Median, &b.P75, &b.P90, &b.Max, &b.Mean, &b.Stddev, &b.MedianCILow, &b.MedianCIHigh}
		for i, f := range fields {
			if *f, err = asFloat(row[nk+1+i]); err != nil {
				return nil, 0, fmt.Errorf("bands query: %s: %w", r.Meta[nk+1+i].Name, err)
			}
		}
		if b.Scope, err = scopeOf(row[nk+12:], q); err != nil {
			return nil, 0, fmt.Errorf("bands query: scope: %w", err)
		}
		out = append(out, b)
	}
	return out, skipped, nil
}

// explain adds what to do to a missing table.
func (e *Engine) explain(err error) error {
	var se *ServerError
	if errors.As(err, &se) && se.Code == 60 { // UNKNOWN_TABLE
		return fmt.Errorf("%w; export the warehouse there first: payband export --to clickhouse://%s/%s", err, e.c.Addr(), e.layout.db)
	}
	return err
}

// quantileExpr is the percentile q of the sorted array v of n values:
// v[lo] + (pos-lo)·(v[hi]-v[lo]) with pos = (n-1)·q, lo and hi the ranks
// below and above it (0-based; ClickHouse arrays count from 1).
func quantileExpr(q string) string {
	pos := "((n - 1) * " + q + ")"
	lo := "arrayElement(v, toUInt64(floor(" + pos + ")) + 1)"
	hi := "arrayElement(v, toUInt64(ceil(" + pos + ")) + 1)"
	return lo + " + (" + pos + " - floor(" + pos + ")) * (" + hi + " - " + lo + ")"
}

// The median's interval, as bands.medianCIRanks: the 1-based ranks
// floor(n/2 - z·√n/2) and ceil(1 + n/2 + z·√n/2), both within 1..n, or 0.
const (
	ciLo = "floor(n / 2 - 1.959964 * sqrt(n) / 2)"
	ciHi = "ceil(1 + n / 2 + 1.959964 * sqrt(n) / 2)"
	ciOK = "(" + ciLo + " >= 1 AND " + ciHi + " <= n)"
)

// bandsSQL is the bands statement. Column names come from
// bands.GroupColumns (q.Validate), values through the literal encoder.
func (e *Engine) bandsSQL(q bands.BandQuery, factors map[int]float64) (string, error) {
	if err := q.Validate(); err != nil {
		return "", err
	}
	var where []string
	// LCA filings count only when certified, as in the local engine
	// (bands.BandQuery.where); DuckDB's trim() removes spaces only.
	if _, named := q.Filters["case_status"]; q.CaseStatus != bands.CaseStatusAll && !named {
		where = append(where, bands.CertifiedSQL("case_status", "replaceRegexpAll(case_status, '^ +| +$', '')"))
	}
	for _, c := range sortedKeysS(q.Filters) {
		v := q.Filters[c]
		k, ok := columnKind(c)
		if !ok {
			return "", fmt.Errorf("column %q is not in the exported salaries table", c)
		}
		lit := quoteString(v)
		if k == kInt32 || k == kInt64 {
			n, err := strconv.Atoi(v)
			if err != nil {
				return "", fmt.Errorf("%s must be a whole number, not %q", c, v)
			}
			lit = intLiteral(int64(n))
		}
		where = append(where, c+" = "+lit)
	}
	for _, c := range q.By {
		if _, ok := columnKind(c); !ok {
			return "", fmt.Errorf("column %q is not in the exported salaries table", c)
		}
	}
	pay := "pay_usd"
	if factors != nil {
		ys := make([]int, 0, len(factors))
		for y := range factors {
			ys = append(ys, y)
		}
		sortInts(ys)
		var arms []string
		for _, y := range ys {
			f, err := floatLiteral(factors[y])
			if err != nil {
				return "", fmt.Errorf("CPI factor of %d: %w", y, err)
			}
			arms = append(arms, "year = "+intLiteral(int64(y)), f)
		}
		pay = "pay_usd * multiIf(" + strings.Join(arms, ", ") + ", nan)"
	}
	keys := strings.Join(q.By, ", ")
	var b strings.Builder
	b.WriteString("SELECT ")
	for _, c := range q.By {
		b.WriteString("toString(" + c + "), ")
	}
	b.WriteString("n, arrayElement(v, 1), ")
	for _, p := range []string{"0.1", "0.25", "0.5", "0.75", "0.9"} {
		b.WriteString(quantileExpr(p) + ", ")
	}
	b.WriteString("arrayElement(v, n), s / n, if(n > 1, sd, 0),\n  ")
	b.WriteString("if(" + ciOK + ", arrayElement(v, toUInt64(greatest(" + ciLo + ", 1))), 0),\n  ")
	b.WriteString("if(" + ciOK + ", arrayElement(v, toUInt64(greatest(" + ciHi + ", 1))), 0),\n  ")
	b.WriteString("kinds, nc, arraySlice(arraySort(cs), 1, " + strconv.Itoa(maxScopeCountries) + "), y0, y1\n")
	b.WriteString("FROM (\n  SELECT ")
	if keys != "" {
		b.WriteString(keys + ", ")
	}
	b.WriteString("count() AS n, arraySort(groupArray(pay)) AS v, sumKahan(pay) AS s, stddevSamp(pay) AS sd,\n")
	b.WriteString("    arraySort(groupUniqArray(source_kind)) AS kinds, uniqExact(country) AS nc, groupUniqArray(country) AS cs, min(year) AS y0, max(year) AS y1\n")
	b.WriteString("  FROM (SELECT ")
	if keys != "" {
		b.WriteString(keys + ", ")
	}
	b.WriteString(pay + " AS pay, source_kind, country, year FROM " + e.layout.read(salariesTable))
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	b.WriteString(")")
	if keys != "" {
		b.WriteString("\n  GROUP BY " + keys + "\n)\nORDER BY " + orderBy(q.By))
	} else {
		b.WriteString("\n)")
	}
	return b.String(), nil
}

// realFactors returns CPI[target]/CPI[year] for every year in the exported
// rows, with the local engine's errors.
func (e *Engine) realFactors(ctx context.Context, target int) (map[int]float64, error) {
	if _, ok := e.cpi.Index(target); !ok {
		first, last := e.cpi.Years()
		return nil, fmt.Errorf("--real %d: the CPI-U table covers %d–%d", target, first, last)
	}
	r, err := e.c.Query(ctx, "SELECT DISTINCT year FROM "+e.layout.read(salariesTable)+" ORDER BY year")
	if err != nil {
		return nil, e.explain(err)
	}
	f := map[int]float64{}
	for _, row := range r.Data {
		y, err := asInt(row[0])
		if err != nil {
			return nil, fmt.Errorf("years: %w", err)
		}
		factor, err := e.cpi.Factor(int(y), target)
		if err != nil {
			return nil, fmt.Errorf("cannot express %d pay in %d dollars: %w", y, target, err)
		}
		if math.IsInf(factor, 0) || math.IsNaN(factor) {
			return nil, fmt.Errorf("CPI factor of %d is %v", y, factor)
		}
		f[int(y)] = factor
	}
	return f, nil
}

func sortedKeysS(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sortStrings(ks)
	return ks
}

// maxScopeCountries is how many countries a band's scope names, as the
// local engine's (bands.Scope).
const maxScopeCountries = 3

// orderBy is the ORDER BY list of the group columns (allow-listed names):
// level columns (bands.IsLevelColumn) by their rank on bands.LevelLadder,
// as the local engine orders them; values off the ladder (and NULL) sort
// after it. The others by value.
func orderBy(by []string) string {
	lits := make([]string, len(bands.LevelLadder))
	for i, l := range bands.LevelLadder {
		lits[i] = quoteString(l)
	}
	ladder := "[" + strings.Join(lits, ", ") + "]"
	parts := make([]string, len(by))
	for i, c := range by {
		if bands.IsLevelColumn(c) {
			pos := "indexOf(" + ladder + ", ifNull(" + c + ", ''))"
			parts[i] = "if(" + pos + " = 0, 1000, " + pos + "), " + c
		} else {
			parts[i] = c
		}
	}
	return strings.Join(parts, ", ")
}

// scopeOf reads the five scope columns (source kinds, the count of
// countries, the first countries, the first and last year) of a band.
func scopeOf(v []any, q bands.BandQuery) (bands.Scope, error) {
	var s bands.Scope
	var err error
	if s.Kinds, err = asStrings(v[0]); err != nil {
		return s, err
	}
	n, err := asInt(v[1])
	if err != nil {
		return s, err
	}
	s.NCountries = int(n)
	if s.Countries, err = asStrings(v[2]); err != nil {
		return s, err
	}
	y0, err := asInt(v[3])
	if err != nil {
		return s, err
	}
	y1, err := asInt(v[4])
	if err != nil {
		return s, err
	}
	s.YearFrom, s.YearTo = int(y0), int(y1)
	for _, k := range s.Kinds {
		if strings.HasPrefix(k, "lca-") {
			s.CaseStatus = bands.CaseStatusCertified
			if q.CaseStatus == bands.CaseStatusAll {
				s.CaseStatus = bands.CaseStatusAll
			}
			break
		}
	}
	return s, nil
}

// asStrings reads a JSON array of strings.
func asStrings(v any) ([]string, error) {
	xs, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w %v (%T), want an array", errValue, v, v)
	}
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		s, ok, err := asString(x)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, nil
}
