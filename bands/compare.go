package bands

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"

	"payband/internal/numfmt"
)

// Comparison answers "where does this pay stand?" for one scope: the share
// of the scope's pay at or below it, with a 95% interval, beside the
// scope's median and the published figures for the same family and year.
type Comparison struct {
	Pay        float64           `json:"pay"`
	Percentile float64           `json:"percentile"` // 0–100: share of the scope's pay ≤ Pay
	CILow      float64           `json:"ci_low"`
	CIHigh     float64           `json:"ci_high"`
	N          int               `json:"n"`
	AtOrBelow  int               `json:"at_or_below"`
	Median     float64           `json:"median"`
	Scope      map[string]string `json:"scope"`
	// Of is whom the scope's rows are: their source kinds, case status,
	// countries and years, as a band's scope says them; Of.Mixed() when
	// the comparison pools source kinds, which measure different things.
	Of        Scope       `json:"of"`
	Published []Published `json:"published"`
}

// z95 is the two-sided 95% normal quantile.
const z95 = 1.959963984540054

// wilson returns the Wilson score interval of k successes in n trials at
// 95%, as proportions. It stays inside [0, 1] and is sensible at k = 0 or
// k = n, where the normal approximation collapses to a point.
func wilson(k, n int) (lo, hi float64) {
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	p := float64(k) / float64(n)
	nf := float64(n)
	z2 := z95 * z95
	den := 1 + z2/nf
	centre := (p + z2/(2*nf)) / den
	half := z95 * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / den
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

// PercentileOf places pay among sorted values: the share at or below it,
// with its Wilson interval, all as percentages.
func PercentileOf(sorted []float64, pay float64) (pct, lo, hi float64, atOrBelow int) {
	atOrBelow = sort.Search(len(sorted), func(i int) bool { return sorted[i] > pay })
	if len(sorted) == 0 {
		return math.NaN(), math.NaN(), math.NaN(), 0
	}
	l, h := wilson(atOrBelow, len(sorted))
	return 100 * float64(atOrBelow) / float64(len(sorted)), 100 * l, 100 * h, atOrBelow
}

// Compare computes the Comparison of pay within q's filters (its By is
// ignored). published are the figures to show beside it.
func Compare(ctx context.Context, db *sql.DB, q BandQuery, pay float64) (Comparison, error) {
	if math.IsNaN(pay) || math.IsInf(pay, 0) || pay <= 0 {
		return Comparison{}, fmt.Errorf("pay must be a positive number of dollars a year, not %v", pay)
	}
	q.By = nil
	v, err := PayValues(ctx, db, q)
	if err != nil {
		return Comparison{}, err
	}
	c := Comparison{Pay: pay, N: len(v), Scope: map[string]string{}}
	for k, val := range q.Filters {
		c.Scope[k] = val
	}
	if len(v) == 0 {
		return c, nil
	}
	c.Percentile, c.CILow, c.CIHigh, c.AtOrBelow = PercentileOf(v, pay)
	c.Median = quantileSorted(v, 0.5)
	// The scope's population, from the band of the same rows.
	bq := q
	bq.MinN = 1
	bq.Real = 0
	bs, _, err := ComputeBands(ctx, db, bq, nil)
	if err != nil {
		return Comparison{}, err
	}
	if len(bs) == 1 {
		c.Of = bs[0].Scope
	}
	return c, nil
}

// quantileSorted interpolates linearly between closest ranks of sorted
// values (DuckDB's quantile_cont).
func quantileSorted(v []float64, q float64) float64 {
	pos := q * float64(len(v)-1)
	i := int(math.Floor(pos))
	if i+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[i] + (pos-float64(i))*(v[i+1]-v[i])
}

// LatestYear is the latest year with rows in q's filters (0 when none).
func LatestYear(ctx context.Context, db *sql.DB, q BandQuery) (int, error) {
	if err := q.Validate(); err != nil {
		return 0, err
	}
	where, args, err := q.where("")
	if err != nil {
		return 0, err
	}
	s := "SELECT coalesce(max(year), 0) FROM salaries"
	if len(where) > 0 {
		s += " WHERE " + strings.Join(where, " AND ")
	}
	var y int
	err = db.QueryRowContext(ctx, s, args...).Scan(&y)
	return y, err
}

// WholeDollars formats an amount to the dollar with thousands separators,
// for sentences: "$145,000".
func WholeDollars(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return "$" + numfmt.Int(int64(math.Round(v)))
}
