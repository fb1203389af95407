package main

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"payband/bands"
	"payband/pay"
	"payband/report"
	"payband/titles"
)

func compareCmd(g *globals) *cobra.Command {
	var (
		bf      bandFlags
		level   string
		state   string
		country string
		format  string
	)
	c := &cobra.Command{
		Use:   "compare PAY --family FAMILY [--level L] [--state S] [--year Y] [--country C]",
		Short: "Where a salary stands: its percentile in a scope, with a 95% interval, n and the published figure",
		Long: `Place one annual salary (145000, $145,000 or 145k, US dollars a year) among the
salaries of a scope: the percentile is the share of the scope's pay at or
below it, with a 95% Wilson score interval for that share, the scope's n and
median, and the published figures (BLS OEWS, reference bands) for the same
family and year. The scope is --family, --level, --state, --year, --country
(default US; "all" for every country) and any --where; without --year the
latest year with rows in the scope is used and named.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usagef("--format must be table or json, not %q", format)
			}
			amt, err := pay.ParseAmount(args[0])
			if err != nil || amt.Low != amt.High {
				return usagef("PAY must be one annual amount such as 145000 or $145,000, not %q", args[0])
			}
			pay := amt.Low
			if bf.family == "" {
				return usagef("compare needs --family, e.g. --family security-manager")
			}
			bf.by = ""
			q, err := bf.query()
			if err != nil {
				return err
			}
			if level != "" {
				col := "level"
				if !bands.IsGroupColumn(col) {
					col = "seniority"
				}
				q.Filters[col] = level
			}
			if state != "" {
				q.Filters["state"] = state
			}
			if country != "all" && country != "" {
				q.Filters["country"] = country
			}
			if err := q.Validate(); err != nil {
				return usageError{err}
			}
			w, err := g.open(cmd.Context(), true, "payband compare")
			if err != nil {
				return err
			}
			defer w.Close()
			if err := checkValues(cmd.Context(), w.DB, &q); err != nil {
				return err
			}
			if _, ok := q.Filters["year"]; !ok {
				y, err := bands.LatestYear(cmd.Context(), w.DB, q)
				if err != nil {
					return err
				}
				if y == 0 {
					return fmt.Errorf("no rows in that scope (%s)", scopeText(q.Filters, q.Conds))
				}
				q.Filters["year"] = strconv.Itoa(y)
			}
			cmp, err := bands.Compare(cmd.Context(), w.DB, q, pay)
			if err != nil {
				return err
			}
			if cmp.N == 0 {
				return fmt.Errorf("no rows in that scope (%s)", scopeText(q.Filters, q.Conds))
			}
			year, _ := strconv.Atoi(q.Filters["year"])
			tax, err := titles.DefaultTaxonomy()
			if err != nil {
				return err
			}
			if cmp.Published, err = bands.PublishedFor(cmd.Context(), w.DB, bf.family, year, tax); err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(compareJSON(cmp))
			}
			fmt.Fprintf(g.stdout, "%s is at the %s percentile (95%% CI %s–%s) of %s: n = %d %s, median %s.\n",
				bands.WholeDollars(pay), ordinal(cmp.Percentile), pct(cmp.CILow), pct(cmp.CIHigh),
				scopeText(q.Filters, q.Conds), cmp.N, cmp.Of.Population(), bands.WholeDollars(cmp.Median))
			if cmp.Of.Mixed() {
				fmt.Fprintf(g.stdout, "These rows pool source kinds (%s), which measure different things; add --where source_kind=K to compare within one.\n",
					strings.Join(cmp.Of.Kinds, ", "))
			}
			if cmp.N < bands.LowN {
				fmt.Fprintf(g.stdout, "Fewer than %d rows: treat this as a rough indication.\n", bands.LowN)
			}
			if len(cmp.Published) > 0 {
				fmt.Fprintln(g.stdout, "\nPublished figures for the same family and year (beside it, never mixed in):")
				return report.PublishedTable(cmp.Published).Write(g.stdout, "table", report.RenderOptions{})
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&bf.family, "family", "", "the family, e.g. security-manager (required)")
	fl.StringVar(&bf.title, "title", "", "only this canonical title")
	fl.IntVar(&bf.year, "year", 0, "only this year (default: the latest year with rows in the scope)")
	fl.StringArrayVar(&bf.where, "where", nil, "filter COLUMN=VALUE; repeatable")
	fl.StringVar(&level, "level", "", "only this level")
	fl.StringVar(&state, "state", "", "only this state (two-letter code)")
	fl.StringVar(&country, "country", "US", `only this country; "all" for every country`)
	fl.StringVar(&format, "format", "table", "output format: table or json")
	fl.StringVar(&bf.cases, "case-status", bands.CaseStatusCertified, "which LCA filings count: certified or all")
	return c
}

// compareJSON is the object compare --format json prints: NaN-free, with
// whole-dollar figures and percentages to one decimal.
func compareJSON(c bands.Comparison) map[string]any {
	r1 := func(v float64) float64 { return math.Round(v*10) / 10 }
	pub := make([]map[string]any, 0, len(c.Published))
	for _, p := range c.Published {
		pub = append(pub, map[string]any{"publisher": p.Publisher, "code": p.Code, "occupation": p.Occupation,
			"year": p.Year, "area": p.Area, "mean": nullIfZero(p.Mean), "median": nullIfZero(p.Median),
			"p10": nullIfZero(p.P10), "p90": nullIfZero(p.P90), "topcoded": p.Topcoded})
	}
	return map[string]any{
		"pay": math.Round(c.Pay), "percentile": r1(c.Percentile), "ci_low": r1(c.CILow), "ci_high": r1(c.CIHigh),
		"n": c.N, "at_or_below": c.AtOrBelow, "median": math.Round(c.Median), "scope": c.Scope, "published": pub,
		"population": c.Of.Population(), "kinds": c.Of.Kinds, "case_status": c.Of.CaseStatus,
	}
}

func nullIfZero(v float64) any {
	if v == 0 || math.IsNaN(v) {
		return nil
	}
	return math.Round(v)
}

func pct(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + "%" }

// ordinal names a percentile as a person says it: 63.2 → "63rd".
func ordinal(v float64) string {
	n := int(math.Round(v))
	suf := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suf = "st"
		case 2:
			suf = "nd"
		case 3:
			suf = "rd"
		}
	}
	return strconv.Itoa(n) + suf
}

// scopeText names a scope's filters in a stable order, as a person reads
// them: "family security-manager, country US, year 2025".
func scopeText(f map[string]string, conds []bands.Cond) string {
	order := []string{"family", "title", "level", "seniority", "country", "state", "year"}
	var parts []string
	seen := map[string]bool{}
	for _, k := range order {
		if v, ok := f[k]; ok {
			parts = append(parts, k+" "+v)
			seen[k] = true
		}
	}
	var rest []string
	for k := range f {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		parts = append(parts, k+" "+f[k])
	}
	for _, c := range conds {
		if c.Op == "in" {
			parts = append(parts, c.Column+" "+strings.Join(c.Values, " or "))
		} else {
			parts = append(parts, c.Column+" "+c.Op+" "+strings.Join(c.Values, ""))
		}
	}
	return strings.Join(parts, ", ")
}
