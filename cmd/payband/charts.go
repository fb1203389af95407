package main

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"gonum.org/v1/plot"

	"payband/internal/numfmt"
	"payband/reports"
	"payband/transform"
)

// drawChart computes the bands a chart needs and draws it.
func drawChart(ctx context.Context, db *sql.DB, kind string, q reports.BandQuery, bf bandFlags) (*plot.Plot, error) {
	opt := reports.ChartOptions{}
	caption := func(bands []reports.Band) string {
		n := 0
		for _, b := range bands {
			n += b.N
		}
		return fmt.Sprintf("n = %s · source: payband warehouse (salaries view) · %s dollars", thousands(n), basisWord(q))
	}
	switch kind {
	case "band", "box":
		bands, _, err := reports.ComputeBands(ctx, db, q, nil)
		if err != nil {
			return nil, err
		}
		if len(bands) == 0 {
			return nil, fmt.Errorf("no group has at least %d rows for this selection", q.MinN)
		}
		opt.Title = "Annual pay by " + strings.Join(q.By, ", ")
		opt.Caption = caption(bands)
		if kind == "band" {
			return reports.BandChart(bands, opt)
		}
		return reports.BoxChart(bands, opt)
	case "hist":
		q.By = nil
		bands, _, err := reports.ComputeBands(ctx, db, q, nil)
		if err != nil {
			return nil, err
		}
		if len(bands) == 0 {
			return nil, fmt.Errorf("fewer than %d rows for this selection", q.MinN)
		}
		vals, err := reports.PayValues(ctx, db, q)
		if err != nil {
			return nil, err
		}
		opt.Title = "Distribution of annual pay"
		if f := q.Filters["family"]; f != "" {
			opt.Title += ": " + familyName(f)
		}
		opt.Caption = caption(bands)
		return reports.HistChart(vals, bands[0], opt)
	case "trend":
		q.By = []string{"year"}
		nom, _, err := reports.ComputeBands(ctx, db, reports.BandQuery{By: q.By, Filters: q.Filters, MinN: q.MinN}, nil)
		if err != nil {
			return nil, err
		}
		if len(nom) == 0 {
			return nil, fmt.Errorf("no year has at least %d rows for this selection", q.MinN)
		}
		var real []reports.TrendPoint
		basis := ""
		if q.Real != 0 {
			rb, _, err := reports.ComputeBands(ctx, db, q, nil)
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
		return reports.TrendChart(trendPoints(nom), real, basis, reports.DefaultMethodChanges, opt)
	case "ladder":
		steps, err := ladderBands(ctx, db, q)
		if err != nil {
			return nil, err
		}
		opt.Title = "Career ladder: median annual pay"
		opt.Caption = caption(steps)
		return reports.LadderChart(steps, opt)
	}
	return nil, fmt.Errorf("unknown chart %q", kind)
}

func trendPoints(bands []reports.Band) []reports.TrendPoint {
	pts := make([]reports.TrendPoint, 0, len(bands))
	for _, b := range bands {
		y, err := strconv.Atoi(b.Value("year"))
		if err != nil {
			continue
		}
		pts = append(pts, reports.TrendPoint{Year: y, Band: b})
	}
	return pts
}

// ladderBands computes the ladder's steps for the latest year every step
// has data for (or --year), labelled with canonical titles.
func ladderBands(ctx context.Context, db *sql.DB, q reports.BandQuery) ([]reports.Band, error) {
	lq := reports.BandQuery{By: []string{"family", "year"}, Filters: map[string]string{}, MinN: q.MinN, Real: q.Real}
	if y, ok := q.Filters["year"]; ok {
		lq.Filters["year"] = y
	}
	bands, _, err := reports.ComputeBands(ctx, db, lq, nil)
	if err != nil {
		return nil, err
	}
	latest := map[string]reports.Band{}
	for _, b := range bands {
		f := b.Value("family")
		if cur, ok := latest[f]; !ok || b.Value("year") > cur.Value("year") {
			latest[f] = b
		}
	}
	var steps []reports.Band
	for _, f := range ladderFamilies {
		b, ok := latest[f]
		if !ok {
			continue
		}
		b.Group = []reports.KV{{Key: "family", Value: familyName(f) + " (" + b.Value("year") + ")"}}
		steps = append(steps, b)
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("no step of the career ladder has at least %d rows", q.MinN)
	}
	return steps, nil
}

func familyName(id string) string {
	if t, err := transform.DefaultTaxonomy(); err == nil {
		if f, ok := t.Family(id); ok && f.Name != "" {
			return f.Name
		}
	}
	return id
}

func basisWord(q reports.BandQuery) string {
	if q.Real != 0 {
		return strconv.Itoa(q.Real)
	}
	return "nominal"
}

func thousands(n int) string { return numfmt.Int(int64(n)) }
