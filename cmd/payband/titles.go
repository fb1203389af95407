package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/spf13/cobra"

	"payband/ingest"
	"payband/internal/fsatomic"
	"payband/report"
	"payband/taxonomy/onet"
	"payband/titles"
)

const (
	sqlUnmatched = `SELECT title_raw, rows, family, title, seniority, confidence, method FROM title_map
WHERE family = '' AND rows > 0
ORDER BY rows DESC, title_raw LIMIT ?`
	sqlReview = `SELECT title_raw, rows, family, title, seniority, confidence, method FROM title_map
WHERE family <> '' AND confidence < ? AND rows > 0
ORDER BY rows DESC, confidence, title_raw LIMIT ?`
)

// reviewColumns are the columns `titles unmatched --out` and `titles review
// --out` write: with family, title and level edited, the file is an
// overrides file (the other columns are ignored when it is read back).
var reviewColumns = []string{"title_raw", "rows", "family", "title", "level", "confidence", "method"}

// titleList runs q and prints the rows, or writes them to out as CSV.
func titleList(cmd *cobra.Command, g *globals, command, q string, format, out string, args ...any) error {
	if out == "" {
		if err := report.CheckFormat(format); err != nil {
			return usageError{err}
		}
	}
	w, err := g.open(cmd.Context(), true, command)
	if err != nil {
		return err
	}
	defer w.Close()
	rows, err := w.DB.QueryContext(cmd.Context(), q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var recs [][]string
	t := report.Table{Columns: reviewColumns}
	for rows.Next() {
		var raw, fam, title, level, method string
		var n int64
		var conf sql.NullFloat64
		if err := rows.Scan(&raw, &n, &fam, &title, &level, &conf, &method); err != nil {
			return err
		}
		t.Rows = append(t.Rows, []any{raw, n, fam, title, level, conf.Float64, method})
		recs = append(recs, []string{raw, strconv.FormatInt(n, 10), fam, title, level, strconv.FormatFloat(conf.Float64, 'f', 3, 64), method})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if out == "" {
		return t.Write(g.stdout, format, report.RenderOptions{})
	}
	// Plain CSV, the raw titles byte for byte: the file comes back as
	// overrides, so nothing may be escaped or rewritten.
	if err := fsatomic.WriteFile(out, 0o644, func(f io.Writer) error {
		cw := csv.NewWriter(f)
		if err := cw.Write(reviewColumns); err != nil {
			return err
		}
		if err := cw.WriteAll(recs); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	}); err != nil {
		return err
	}
	g.note("wrote %s: %d titles; fill in family (a family id, or %q), title and level, then pass it as --overrides or the pipeline's overrides:", out, len(recs), titles.FamilyNone)
	return nil
}

func unmatchedCmd(g *globals) *cobra.Command {
	var top int
	var format, out string
	c := &cobra.Command{
		Use:   "unmatched [--top N] [--out FILE.csv]",
		Short: "The most frequent raw titles that matched no family, with row counts",
		Long: `The most frequent raw titles that matched no family, with row counts.
With --out the list is written as CSV (title_raw, rows, family, title, level,
confidence, method): fill in family, title and level and the file is an
overrides file for titles remap --overrides and the pipeline's overrides: key.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkPositive("--top", top); err != nil {
				return err
			}
			return titleList(cmd, g, "payband titles unmatched", sqlUnmatched, format, out, top)
		},
	}
	c.Flags().IntVar(&top, "top", 20, "how many titles")
	c.Flags().StringVar(&format, "format", "table", "output format: table, csv, json, md")
	c.Flags().StringVar(&out, "out", "", "write the list as an editable overrides CSV to FILE")
	return c
}

func reviewCmd(g *globals) *cobra.Command {
	var top int
	var below float64
	var format, out string
	c := &cobra.Command{
		Use:   "review [--below 0.8] [--top N] [--out FILE.csv]",
		Short: "Low-confidence matches, the most frequent first, for an analyst to confirm or correct",
		Long: `Low-confidence matches (confidence under --below), the most frequent first.
With --out the list is written as CSV (title_raw, rows, family, title, level,
confidence, method); edit family, title and level where the matcher is
wrong, delete the rows you do not want to pin, and pass the file as an
overrides file (titles remap --overrides, the pipeline's overrides: key).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkPositive("--top", top); err != nil {
				return err
			}
			if math.IsNaN(below) || below <= 0 || below > 1 {
				return usagef("--below must be a confidence above 0 and at most 1, not %v", below)
			}
			return titleList(cmd, g, "payband titles review", sqlReview, format, out, below, top)
		},
	}
	c.Flags().IntVar(&top, "top", 50, "how many titles")
	c.Flags().Float64Var(&below, "below", 0.8, "list matches whose confidence is under this")
	c.Flags().StringVar(&format, "format", "table", "output format: table, csv, json, md")
	c.Flags().StringVar(&out, "out", "", "write the list as an editable overrides CSV to FILE")
	return c
}

func remapCmd(g *globals) *cobra.Command {
	var taxonomy, overrides string
	c := &cobra.Command{
		Use:   "remap [--taxonomy FILE] [--overrides FILE.csv]",
		Short: "Re-normalize every distinct title in the warehouse after a taxonomy or overrides change",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := remap(cmd.Context(), g, taxonomy, overrides)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "re-mapped titles: %d changed\n", n)
			return nil
		},
	}
	c.Flags().StringVar(&taxonomy, "taxonomy", "", "taxonomy YAML (default: the embedded one)")
	c.Flags().StringVar(&overrides, "overrides", "", "overrides CSV (title_raw, family, title, level), applied before matching")
	return c
}

func remap(ctx context.Context, g *globals, taxonomy, overrides string) (int, error) {
	m, err := loadMatcherWith(taxonomy, overrides)
	if err != nil {
		return 0, err
	}
	w, err := g.open(ctx, false, "payband titles remap")
	if err != nil {
		return 0, err
	}
	n, err := ingest.Remap(ctx, w, m)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// loadMatcherWith is loadMatcher plus an overrides file ("" for none).
func loadMatcherWith(taxonomy, overrides string) (*titles.Matcher, error) {
	m, err := loadMatcher(taxonomy)
	if err != nil || overrides == "" {
		return m, err
	}
	o, err := titles.LoadOverridesFile(overrides, m.Taxonomy())
	if err != nil {
		return nil, err
	}
	return m.WithOverrides(o), nil
}

func taxonomyCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "taxonomy", Short: "Build and inspect title taxonomies"}
	var out string
	imp := &cobra.Command{
		Use:   "import-onet FILE.xlsx --out FILE.yaml",
		Short: "Build a taxonomy for every occupation from O*NET's Alternate Titles file",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("--out FILE.yaml is required")
			}
			base, err := titles.DefaultTaxonomy()
			if err != nil {
				return err
			}
			t, err := onet.Import(cmd.Context(), args[0], base)
			if err != nil {
				return err
			}
			if err := fsatomic.WriteFile(out, 0o644, func(f io.Writer) error { return t.WriteYAML(f) }); err != nil {
				return err
			}
			g.note("wrote %s: %d families (taxonomy version %s)", out, len(t.Families), t.Version)
			return nil
		},
	}
	imp.Flags().StringVar(&out, "out", "", "output taxonomy YAML")
	c.AddCommand(imp)
	return c
}
