package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"payband/ingest"
	"payband/internal/fsatomic"
	"payband/reports"
	"payband/transform"
)

const sqlUnmatched = `SELECT title_raw, rows FROM title_map WHERE family = '' AND rows > 0
ORDER BY rows DESC, title_raw LIMIT ?`

func unmatchedCmd(g *globals) *cobra.Command {
	var top int
	var format string
	c := &cobra.Command{
		Use:   "unmatched [--top N]",
		Short: "The most frequent raw titles that matched no family, with row counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := reports.CheckFormat(format); err != nil {
				return usageError{err}
			}
			w, err := g.open(cmd.Context(), true, "payband titles unmatched")
			if err != nil {
				return err
			}
			defer w.Close()
			rows, err := w.DB.QueryContext(cmd.Context(), sqlUnmatched, top)
			if err != nil {
				return err
			}
			defer rows.Close()
			t := reports.Table{Columns: []string{"title_raw", "rows"}}
			for rows.Next() {
				var s string
				var n int64
				if err := rows.Scan(&s, &n); err != nil {
					return err
				}
				t.Rows = append(t.Rows, []any{s, n})
			}
			if err := rows.Err(); err != nil {
				return err
			}
			return t.Write(g.stdout, format, reports.RenderOptions{})
		},
	}
	c.Flags().IntVar(&top, "top", 20, "how many titles")
	c.Flags().StringVar(&format, "format", "table", "output format: table, csv, json, md")
	return c
}

func remapCmd(g *globals) *cobra.Command {
	var taxonomy string
	c := &cobra.Command{
		Use:   "remap [--taxonomy FILE]",
		Short: "Re-normalize every distinct title in the warehouse after a taxonomy change",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := remap(cmd.Context(), g, taxonomy)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "re-mapped titles: %d changed\n", n)
			return nil
		},
	}
	c.Flags().StringVar(&taxonomy, "taxonomy", "", "taxonomy YAML (default: the embedded one)")
	return c
}

func remap(ctx context.Context, g *globals, taxonomy string) (int, error) {
	var t *transform.Taxonomy
	var err error
	if taxonomy == "" {
		t, err = transform.DefaultTaxonomy()
	} else {
		t, err = transform.LoadTaxonomyFile(taxonomy)
	}
	if err != nil {
		return 0, err
	}
	w, err := g.open(ctx, false, "payband titles remap")
	if err != nil {
		return 0, err
	}
	n, err := ingest.Remap(ctx, w, transform.NewMatcher(t), t.Fingerprint())
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return n, err
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
			base, err := transform.DefaultTaxonomy()
			if err != nil {
				return err
			}
			t, err := transform.ImportONET(cmd.Context(), args[0], base)
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
