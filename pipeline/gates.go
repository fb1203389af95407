package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strconv"

	"payband/report"
)

// Gate names, as written in the config and in error messages.
const (
	GateRejectRatio = "max_reject_ratio"
	GateRowDrop     = "max_row_drop_pct"
	GateMedianMove  = "max_median_move_pct"
)

// GateError reports a tripped quality gate. The run's outcome is "gate";
// the last good report stays where it was.
type GateError struct {
	Gate string
	Msg  string
}

func (e *GateError) Error() string { return "gate " + e.Gate + ": " + e.Msg }

// pct formats a percentage with one decimal, trimming ".0".
func pct(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s + "%"
}

// checkGates applies the configured gates to this run's state m against
// prev, the manifest of the last ok run (nil on the first run).
func checkGates(g Gates, m *Manifest, prev *Manifest, dir string) error {
	if g.MaxRejectRatio != nil {
		// Every input that was not part of the last ok run counts, so a gate
		// tripped once keeps failing until the file is fixed, rather than
		// passing on the next run because the file is already loaded.
		known := map[string]bool{}
		if prev != nil {
			for _, in := range prev.Inputs {
				known[in.SHA256] = true
			}
		}
		for _, in := range m.Inputs {
			if known[in.SHA256] || in.Read == 0 {
				continue
			}
			r := float64(in.Rejected) / float64(in.Read)
			if r > *g.MaxRejectRatio {
				return &GateError{Gate: GateRejectRatio, Msg: fmt.Sprintf("%s of rows rejected in %s, limit %s",
					pct(r*100), rel(dir, in.Path), pct(*g.MaxRejectRatio*100))}
			}
		}
	}
	if prev == nil {
		return nil
	}
	if g.MaxRowDropPct != nil && prev.Rows.Salaries > 0 {
		drop := float64(prev.Rows.Salaries-m.Rows.Salaries) / float64(prev.Rows.Salaries) * 100
		if drop > *g.MaxRowDropPct {
			return &GateError{Gate: GateRowDrop, Msg: fmt.Sprintf("salaries rows dropped %s from %d to %d since run %s, limit %s",
				pct(drop), prev.Rows.Salaries, m.Rows.Salaries, prev.RunID, pct(*g.MaxRowDropPct))}
		}
	}
	if g.MaxMedianMovePct != nil {
		before := map[string]Median{}
		for _, md := range prev.Medians {
			before[md.Family] = md
		}
		for _, md := range m.Medians {
			b, ok := before[md.Family]
			// A new latest year is a new band, not a move of the old one.
			if !ok || b.Year != md.Year || b.Median <= 0 {
				continue
			}
			move := math.Abs(md.Median-b.Median) / b.Median * 100
			if move > *g.MaxMedianMovePct {
				// The gate watches the data, not a band: its median is over
				// every row of the family and year, and says so.
				return &GateError{Gate: GateMedianMove, Msg: fmt.Sprintf("median of %s %d over all its rows (every country, source kind and case status; n = %d) moved %s from %s to %s since run %s, limit %s",
					md.Family, md.Year, md.N, pct(move), report.Dollars(b.Median), report.Dollars(md.Median), prev.RunID, pct(*g.MaxMedianMovePct))}
			}
		}
	}
	return nil
}

// sqlLatestMedians gives each family's row count and median by year, for
// the groups a band would show (at least minN rows). The median is the same
// quantile_cont the bands use; the gates need nothing else, so the stage
// skips the rest of a band (the other percentiles, the median's interval).
const sqlLatestMedians = `SELECT family, year, count(*), quantile_cont(pay_usd, 0.5)
FROM salaries
WHERE family <> ''
GROUP BY family, year
HAVING count(*) >= ?`

// measure fills m.Rows and m.Medians from the warehouse. Medians are per
// family (the report's families, else every matched family) in the
// family's latest year with at least minN rows.
func measure(ctx context.Context, db *sql.DB, m *Manifest, families []string, minN int) error {
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM salaries`).Scan(&m.Rows.Salaries); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM rejects`).Scan(&m.Rows.Rejects); err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, sqlLatestMedians, minN)
	if err != nil {
		return err
	}
	defer rows.Close()
	want := map[string]bool{}
	for _, f := range families {
		want[f] = true
	}
	latest := map[string]Median{}
	for rows.Next() {
		var md Median
		if err := rows.Scan(&md.Family, &md.Year, &md.N, &md.Median); err != nil {
			return err
		}
		if len(want) > 0 && !want[md.Family] {
			continue
		}
		if cur, ok := latest[md.Family]; !ok || md.Year > cur.Year {
			latest[md.Family] = md
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	m.Medians = m.Medians[:0]
	for _, md := range latest {
		m.Medians = append(m.Medians, md)
	}
	sort.Slice(m.Medians, func(i, j int) bool { return m.Medians[i].Family < m.Medians[j].Family })
	return nil
}
