package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"payband/reports"
	"payband/transform"
)

// Engine computes pay bands on ClickHouse, over the salaries table an
// export wrote: the Distributed table with a cluster, which fans each query
// out to the shards. It implements reports.Engine.
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
	cpi    *transform.CPI
}

// NewEngine returns an engine reading the target's tables; cpi (nil for
// the embedded CPI-U table) serves --real.
func NewEngine(t Target, cpi *transform.CPI) *Engine {
	if cpi == nil {
		cpi = transform.DefaultCPI()
	}
	return &Engine{c: NewClient(t.Addr, t.User, t.Password), layout: layout{db: t.Database, cluster: t.Cluster}, cpi: cpi}
}

var _ reports.Engine = (*Engine)(nil)

// columnKind is the kind of a salaries column.
func columnKind(name string) (kind, bool) {
	for _, c := range salariesTable.cols {
		if c.name == name {
			return c.kind, true
		}
	}
	return 0, false
}

// Bands implements reports.Engine.
func (e *Engine) Bands(ctx context.Context, q reports.BandQuery) ([]reports.Band, int, error) {
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
	var bands []reports.Band
	skipped := 0
	for _, row := range r.Data {
		if len(row) != nk+12 {
			return nil, 0, fmt.Errorf("bands query: %d columns, want %d", len(row), nk+12)
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
		b := reports.Band{N: int(n), Basis: basis, LowN: n < reports.LowN}
		for i, c := range q.By {
			v, _, err := asString(row[i])
			if err != nil {
				return nil, 0, fmt.Errorf("bands query: %s: %w", c, err)
			}
			b.Group = append(b.Group, reports.KV{Key: c, Value: v})
		}
		fields := []*float64{&b.Min, &b.P10, &b.P25, &b.Median, &b.P75, &b.P90, &b.Max, &b.Mean, &b.Stddev, &b.MedianCILow, &b.MedianCIHigh}
		for i, f := range fields {
			if *f, err = asFloat(row[nk+1+i]); err != nil {
				return nil, 0, fmt.Errorf("bands query: %s: %w", r.Meta[nk+1+i].Name, err)
			}
		}
		bands = append(bands, b)
	}
	return bands, skipped, nil
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

// The median's interval, as reports.medianCIRanks: the 1-based ranks
// floor(n/2 - z·√n/2) and ceil(1 + n/2 + z·√n/2), both within 1..n, or 0.
const (
	ciLo = "floor(n / 2 - 1.959964 * sqrt(n) / 2)"
	ciHi = "ceil(1 + n / 2 + 1.959964 * sqrt(n) / 2)"
	ciOK = "(" + ciLo + " >= 1 AND " + ciHi + " <= n)"
)

// bandsSQL is the bands statement. Column names come from
// reports.GroupColumns (q.Validate), values through the literal encoder.
func (e *Engine) bandsSQL(q reports.BandQuery, factors map[int]float64) (string, error) {
	if err := q.Validate(); err != nil {
		return "", err
	}
	var where []string
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
	b.WriteString("if(" + ciOK + ", arrayElement(v, toUInt64(greatest(" + ciHi + ", 1))), 0)\n")
	b.WriteString("FROM (\n  SELECT ")
	if keys != "" {
		b.WriteString(keys + ", ")
	}
	b.WriteString("count() AS n, arraySort(groupArray(pay)) AS v, sumKahan(pay) AS s, stddevSamp(pay) AS sd\n")
	b.WriteString("  FROM (SELECT ")
	if keys != "" {
		b.WriteString(keys + ", ")
	}
	b.WriteString(pay + " AS pay FROM " + e.layout.read(salariesTable))
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	b.WriteString(")")
	if keys != "" {
		b.WriteString("\n  GROUP BY " + keys + "\n)\nORDER BY " + keys)
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
