package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"payband/bands"
	"payband/pay"
	"payband/report"
	"payband/titles"
	"payband/warehouse"
)

func duckdbVersion(cmd *cobra.Command) string {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return "unknown"
	}
	defer db.Close()
	var v string
	if err := db.QueryRowContext(cmd.Context(), "SELECT version()").Scan(&v); err != nil {
		return "unknown"
	}
	return v
}

func writePublished(cmd *cobra.Command, g *globals, w *warehouse.Warehouse, q bands.BandQuery, format string) error {
	fam := q.Filters["family"]
	if fam == "" {
		return usagef("--with-published needs --family")
	}
	year := 0
	if y, ok := q.Filters["year"]; ok {
		fmt.Sscan(y, &year)
	}
	tax, err := titles.DefaultTaxonomy()
	if err != nil {
		return err
	}
	ps, err := bands.PublishedFor(cmd.Context(), w.DB, fam, year, tax)
	if err != nil {
		return err
	}
	for i := range ps {
		// With --real the published figures are in the band's dollars.
		if err := ps[i].Convert(pay.DefaultCPI(), q.Real); err != nil {
			return err
		}
	}
	if format == "table" || format == "md" {
		fmt.Fprintf(g.stdout, "\nPublished figures for %s (beside the computed band, never mixed into it):\n", fam)
	}
	if len(ps) == 0 {
		g.note("note: no published figures for %s; load BLS OEWS tables with 'payband ingest --profile oews'", fam)
	}
	return report.PublishedTable(ps).Write(g.stdout, format, report.RenderOptions{})
}

func chartCmd(g *globals) *cobra.Command {
	var bf bandFlags
	var out string
	c := &cobra.Command{
		Use:   "chart KIND [filters as bands] --out FILE.png|FILE.svg",
		Short: "Draw one chart: band, hist, trend, ladder or box",
		Long: `Draw one chart from the warehouse.
  band    floating bars p10–p90 (p25–p75 darker), median tick, mean dot, one bar per group of --by (default family)
  hist    distribution of pay with band markers (use --family/--year to select)
  trend   median and p25–p75 by year (nominal, and real with --real)
  ladder  median pay along analyst → engineer → architect → manager → director → CISO (latest year, or --year)
  box     boxes p10/p25/median/p75/p90 by --by (default level)
Only band and box take --by; trend, hist and ladder fix their own grouping
and refuse it. The filters (--family, --year, --where, --case-status) narrow
every kind.`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: report.ChartKinds,
		RunE: func(cmd *cobra.Command, args []string) error {
			kind := args[0]
			if !slices.Contains(report.ChartKinds, kind) {
				return usagef("unknown chart %q: use %s", kind, strings.Join(report.ChartKinds, ", "))
			}
			ext := strings.ToLower(filepath.Ext(out))
			if out == "" || (ext != ".png" && ext != ".svg") {
				return usagef("--out must name a .png or .svg file")
			}
			if cmd.Flags().Changed("by") && kind != "band" && kind != "box" {
				// These charts fix their own grouping (a year axis, one
				// distribution, the ladder's families): a --by would be
				// dropped without a word.
				return usagef("chart %s takes no --by (only band and box group by columns); narrow it with --family, --year or --where", kind)
			}
			if !cmd.Flags().Changed("by") {
				switch kind {
				case "band":
					bf.by = "family"
				case "box":
					bf.by = "level"
				default:
					bf.by = ""
				}
			}
			q, err := bf.query()
			if err != nil {
				return err
			}
			w, err := g.open(cmd.Context(), true, "payband chart")
			if err != nil {
				return err
			}
			defer w.Close()
			if err := checkValues(cmd.Context(), w.DB, &q); err != nil {
				return err
			}
			p, err := drawChart(cmd.Context(), w.DB, kind, q, bf)
			if err != nil {
				return err
			}
			if q.Real != 0 {
				noteCarriedCPI(cmd.Context(), g, w.DB)
			}
			if err := report.SaveChart(p, out); err != nil {
				return err
			}
			g.note("wrote %s", out)
			return nil
		},
	}
	bf.register(c, "")
	c.Flags().StringVar(&out, "out", "", "output file, .png or .svg")
	return c
}

func reportCmd(g *globals) *cobra.Command {
	var cfgPath, out, engine string
	c := &cobra.Command{
		Use:   "report [--config FILE] [--out DIR] [--engine URL]",
		Short: "Write the full report: index.html, report.md, bands.json, bands.csv, charts/",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := report.DefaultReportConfig()
			if cfgPath != "" {
				var err error
				if cfg, err = report.LoadReportConfig(cfgPath); err != nil {
					return err
				}
			}
			w, err := g.open(cmd.Context(), true, "payband report")
			if err != nil {
				return err
			}
			defer w.Close()
			if !isLocalEngine(engine) {
				if cfg.Engine, err = bandsEngine(engine, w.DB); err != nil {
					return err
				}
			}
			return writeReport(cmd.Context(), g, w.DB, out, cfg)
		},
	}
	c.Flags().StringVar(&cfgPath, "config", "", "report config YAML (families, by, years, min_n, real, charts)")
	c.Flags().StringVar(&out, "out", "report", "output directory")
	engineFlag(c, &engine)
	return c
}

func writeReport(ctx context.Context, g *globals, db *sql.DB, out string, cfg report.ReportConfig) error {
	tax, err := titles.DefaultTaxonomy()
	if err != nil {
		return err
	}
	sum, err := report.WriteReport(ctx, db, out, cfg, tax, time.Now().UTC())
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(filepath.Join(out, "index.html"))
	g.note("report: %d families, %d bands, %d charts", sum.Families, sum.Bands, len(sum.Charts))
	fmt.Fprintln(g.stdout, abs)
	return nil
}
