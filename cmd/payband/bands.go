package main

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"payband/bands"
	"payband/pay"
	"payband/report"
	"payband/warehouse"
)

// bandFlags are the selection flags bands, chart and report share.
type bandFlags struct {
	family string
	title  string
	by     string
	year   int
	minN   int
	real   int
	where  []string
	cases  string
}

func (f *bandFlags) register(c *cobra.Command, byDefault string) {
	fl := c.Flags()
	fl.StringVar(&f.family, "family", "", "only this family, e.g. security-manager")
	fl.StringVar(&f.title, "title", "", "only this canonical title, e.g. \"Security Manager\"")
	fl.StringVar(&f.by, "by", byDefault, "group by these columns, comma-separated: "+strings.Join(bands.GroupColumns, ", "))
	fl.IntVar(&f.year, "year", 0, "only this year")
	fl.IntVar(&f.minN, "min-n", bands.DefaultMinN, "leave out groups with fewer rows")
	fl.IntVar(&f.real, "real", 0, "express pay in this year's dollars (CPI-U)")
	fl.StringArrayVar(&f.where, "where", nil, "filter COLUMN=VALUE, COLUMN=V1,V2 (any of), or a range on year/remote_ratio: COLUMN>=V, >, <=, <; columns as --by; repeatable: conditions are ANDed, a column takes one value or list, or one lower and one upper bound")
	fl.StringVar(&f.cases, "case-status", bands.CaseStatusCertified, "which LCA filings count: certified (CERTIFIED only) or all (also Certified-Withdrawn, Denied, Withdrawn)")
	registerCompletions(c)
}

func (f *bandFlags) query() (bands.BandQuery, error) {
	q := bands.BandQuery{Filters: map[string]string{}, MinN: f.minN, Real: f.real, CaseStatus: f.cases}
	if err := checkYear("--year", f.year); err != nil {
		return q, err
	}
	if err := checkNonNegative("--min-n", f.minN); err != nil {
		return q, err
	}
	for _, c := range strings.Split(f.by, ",") {
		if c = strings.TrimSpace(c); c != "" {
			q.By = append(q.By, c)
		}
	}
	if f.family != "" {
		q.Filters["family"] = f.family
		if !slices.Contains(q.By, "family") {
			q.By = append([]string{"family"}, q.By...)
		}
	}
	if f.title != "" {
		q.Filters["title"] = f.title
	}
	if f.year != 0 {
		q.Filters["year"] = itoa(f.year)
	}
	for _, w := range f.where {
		if err := addWhere(&q, w); err != nil {
			return q, err
		}
	}
	if f.real != 0 {
		if _, ok := pay.DefaultCPI().Index(f.real); !ok {
			first, last := pay.DefaultCPI().Years()
			return q, usagef("--real %d: the CPI-U table covers %d–%d", f.real, first, last)
		}
	}
	if err := q.Validate(); err != nil {
		return q, usageError{err}
	}
	return q, nil
}

func bandsCmd(g *globals) *cobra.Command {
	var (
		bf     bandFlags
		format string
		pub    bool
		engine string
		wide   bool
	)
	c := &cobra.Command{
		Use:   "bands [flags]",
		Short: "Pay bands: n, min, p10, p25, median, p75, p90, max, mean, stddev per group",
		Long: `Pay bands over annual pay_usd of the salaries view, grouped by --by. Percentiles
interpolate linearly between closest ranks (DuckDB quantile_cont, numpy's
default); figures are rounded to whole dollars on output only. Each band also
has a distribution-free 95% confidence interval for the median and a low_n
flag under 30 rows. Groups under --min-n rows are left out and counted on
stderr.

Each band states its scope: the source kinds it pools (survey self-reported,
LCA offered, LCA prevailing; a band that mixes them says so, here and on
stderr), its countries, years and, with LCA rows, the case statuses counted.
LCA filings count only when CERTIFIED unless --case-status all. Levels sort
by rank: intern, entry, mid, senior, lead, principal, executive, unspecified.
Missing values read (unmatched), (no state) ... in tables; JSON keeps null.
--engine clickhouse://... computes the same bands on a ClickHouse server or
cluster the warehouse was exported to (docs/scale-out.md).

Filters: --family takes a taxonomy id, --title a canonical title, and
--where COLUMN=VALUE, COLUMN=V1,V2 (any of the list) or, on year and
remote_ratio, COLUMN>=V, >, <=, < (one lower and one upper bound may be
given). A family, title or value that the taxonomy or warehouse does not
have is refused (exit 2) with a did-you-mean and the values there are;
other text values match case-insensitively, and state takes a postal code
or name in any case (va, VA, Virginia).

Levels (seniority, experience_level) sort up the ladder, intern to
executive, then unspecified. The table format leaves out stddev and basis,
names the median's interval ci_low/ci_high, prints a scope every band
shares on one line above the table and keeps the scope columns that
differ (--wide shows all); csv,
json and md always have every column. md prints dollars with $ and
thousands separators, numeric columns right-aligned.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := report.CheckFormat(format); err != nil {
				return usageError{err}
			}
			// Every flag combination is checked before the warehouse is
			// opened, so a mistake never follows a printed table.
			if pub && bf.family == "" {
				return usagef("--with-published needs --family (the published figures are per family)")
			}
			if pub && format == "json" {
				return usagef("--with-published prints a second table, which --format json cannot hold in one document; use table, md or csv")
			}
			q, err := bf.query()
			if err != nil {
				return err
			}
			var w *warehouse.Warehouse
			if isLocalEngine(engine) || pub {
				if w, err = g.open(cmd.Context(), true, "payband bands"); err != nil {
					return err
				}
				defer w.Close()
			}
			var db *sql.DB
			if w != nil {
				db = w.DB
			}
			eng, err := bandsEngine(engine, db)
			if err != nil {
				return err
			}
			if w != nil {
				if err := checkValues(cmd.Context(), w.DB, &q); err != nil {
					return err
				}
			}
			bs, skipped, err := eng.Bands(cmd.Context(), q)
			if err != nil {
				return err
			}
			if skipped > 0 {
				g.note("note: %d group(s) with fewer than %d rows left out (--min-n)", skipped, q.MinN)
			}
			if len(bs) == 0 {
				g.note("note: no rows match")
			}
			if q.Real != 0 && w != nil {
				noteCarriedCPI(cmd.Context(), g, w.DB)
			}
			if note := bands.MixedNote(bs); note != "" {
				g.note("note: %s", note)
			}
			t := report.BandsTable(bs, q.By)
			// For people (table, md) the columns every row shares become a
			// line above the table, which keeps it about 120 characters
			// wide; --wide, csv and json keep every column.
			if (format == "table" || format == "md") && !wide {
				var scope string
				if t, scope = t.NarrowScope(); scope != "" {
					fmt.Fprintln(g.stdout, report.TerminalText(scope))
					if format == "md" {
						fmt.Fprintln(g.stdout)
					}
				}
				if q.Real != 0 {
					g.note("note: pay in %d dollars (CPI-U)", q.Real)
				}
			}
			if err := t.Write(g.stdout, format, report.RenderOptions{}); err != nil {
				return err
			}
			if pub {
				return writePublished(cmd, g, w, q, format)
			}
			return nil
		},
	}
	bf.register(c, "")
	c.Flags().StringVar(&format, "format", "table", "output format: table, csv, json, md")
	engineFlag(c, &engine)
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats, cobra.ShellCompDirectiveNoFileComp))
	c.Flags().BoolVar(&wide, "wide", false, "table format: also the stddev and basis columns, and the interval as median_ci_low/high")
	c.Flags().BoolVar(&pub, "with-published", false, "also print the published bands (BLS OEWS, reference figures) for the families shown")
	return c
}

// noteCarriedCPI says on stderr which years' real figures carry the latest
// CPI-U annual average (docs/methodology.md).
func noteCarriedCPI(ctx context.Context, g *globals, db *sql.DB) {
	if ys, err := bands.CarriedCPI(ctx, db, nil); err == nil && len(ys) > 0 {
		g.note("note: %s", bands.CarriedCPINote(nil, ys))
	}
}
