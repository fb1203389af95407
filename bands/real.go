package bands

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"payband/pay"
)

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
