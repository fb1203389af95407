package main

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"gonum.org/v1/plot"

	"payband/bands"
	"payband/internal/numfmt"
	"payband/report"
	"payband/titles"
)

// drawChart computes the bands a chart needs and draws it.
func drawChart(ctx context.Context, db *sql.DB, kind string, q bands.BandQuery, bf bandFlags) (*plot.Plot, error) {
	opt := report.ChartOptions{}
	caption := func(bs []bands.Band) string {
		n := 0
		for _, b := range bs {
			n += b.N
		}
		return fmt.Sprintf("n = %s %s · source: payband warehouse (salaries view) · %s dollars", thousands(n), bands.PopulationOf(bs), basisWord(q))
	}
	switch kind {
	case "band", "box":
		bs, _, err := bands.ComputeBands(ctx, db, q, nil)
		if err != nil {
			return nil, err
		}
		if len(bs) == 0 {
			return nil, fmt.Errorf("no group has at least %d rows for this selection", q.MinN)
		}
		opt.Title = "Annual pay by " + strings.Join(q.By, ", ")
		opt.Caption = caption(bs)
		if kind == "band" {
			return report.BandChart(bs, opt)
		}
		return report.BoxChart(bs, opt)
	case "hist":
		q.By = nil
		bs, _, err := bands.ComputeBands(ctx, db, q, nil)
		if err != nil {
			return nil, err
		}
		if len(bs) == 0 {
			return nil, fmt.Errorf("fewer than %d rows for this selection", q.MinN)
		}
		vals, err := bands.PayValues(ctx, db, q)
		if err != nil {
			return nil, err
		}
		year, _ := strconv.Atoi(q.Filters["year"]) // 0, all years, without --year
		subject := ""
		if f := q.Filters["family"]; f != "" {
			subject = familyName(f)
		}
		opt.Title = report.HistTitle(subject, year)
		opt.Caption = caption(bs)
		return report.HistChart(vals, bs[0], opt)
	case "trend":
		q.By = []string{"year"}
		// The nominal series is the same selection as the real one (its
		// ranges, lists and case statuses too), in nominal dollars.
		nq := q
		nq.Real = 0
		nom, _, err := bands.ComputeBands(ctx, db, nq, nil)
		if err != nil {
			return nil, err
		}
		if len(nom) == 0 {
			return nil, fmt.Errorf("no year has at least %d rows for this selection", q.MinN)
		}
		var real []report.TrendPoint
		basis := ""
		if q.Real != 0 {
			rb, _, err := bands.ComputeBands(ctx, db, q, nil)
			if err != nil {
				return nil, err
			}
			real = trendPoints(rb)
			basis = strconv.Itoa(q.Real) + " dollars"
		}
		opt.Title = "Annual pay by year"
		if f := q.Filters["family"]; f != "" {
			opt.Title += ": " + familyName(f)
		}
		opt.Caption = caption(nom)
		return report.TrendChart(trendPoints(nom), real, basis, report.MethodChangesFor(report.KindsOf(nom)), opt)
	case "ladder":
		steps, err := ladderBands(ctx, db, q)
		if err != nil {
			return nil, err
		}
		opt.Title = "Career ladder: median annual pay"
		opt.Caption = caption(steps)
		return report.LadderChart(steps, opt)
	}
	return nil, fmt.Errorf("unknown chart %q", kind)
}

func trendPoints(bs []bands.Band) []report.TrendPoint {
	pts := make([]report.TrendPoint, 0, len(bs))
	for _, b := range bs {
		y, err := strconv.Atoi(b.Value("year"))
		if err != nil {
			continue
		}
		pts = append(pts, report.TrendPoint{Year: y, Band: b})
	}
	return pts
}

// ladderBands computes the ladder's steps for the latest year every step
// has data for (or --year), labelled with canonical titles.
func ladderBands(ctx context.Context, db *sql.DB, q bands.BandQuery) ([]bands.Band, error) {
	// The whole selection (filters, --where, --case-status), by family and
	// year.
	lq := q
	lq.By = []string{"family", "year"}
	bs, _, err := bands.ComputeBands(ctx, db, lq, nil)
	if err != nil {
		return nil, err
	}
	latest := map[string]bands.Band{}
	for _, b := range bs {
		f := b.Value("family")
		if cur, ok := latest[f]; !ok || b.Value("year") > cur.Value("year") {
			latest[f] = b
		}
	}
	var steps []bands.Band
	for _, f := range report.LadderFamilies {
		b, ok := latest[f]
		if !ok {
			continue
		}
		b.Group = []bands.KV{{Key: "family", Value: familyName(f) + " (" + b.Value("year") + ")"}}
		steps = append(steps, b)
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("no step of the career ladder has at least %d rows", q.MinN)
	}
	return steps, nil
}

func familyName(id string) string {
	if t, err := titles.DefaultTaxonomy(); err == nil {
		if f, ok := t.Family(id); ok && f.Name != "" {
			return f.Name
		}
	}
	return id
}

func basisWord(q bands.BandQuery) string {
	if q.Real != 0 {
		return strconv.Itoa(q.Real)
	}
	return "nominal"
}

func thousands(n int) string { return numfmt.Int(int64(n)) }
