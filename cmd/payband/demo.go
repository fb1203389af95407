package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"payband/ingest"
	"payband/internal/fsatomic"
	"payband/report"
	"payband/synth"
)

func demoCmd(g *globals) *cobra.Command {
	var out string
	var rows int
	c := &cobra.Command{
		Use:   "demo [--out DIR]",
		Short: "Run the main job end to end on generated data: generate, ingest, normalize, report",
		Long: `Run the main job end to end on the embedded defaults: generate realistic LCA-shaped
data (payband gen), ingest it into a fresh warehouse in DIR (unless --db is
given), normalize titles and pay, and write the report to DIR/report. Prints
the path of index.html.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkPositive("--rows", rows); err != nil {
				return err
			}
			ctx := cmd.Context()
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			if g.db == "" {
				g.db = filepath.Join(out, "demo.duckdb")
				for _, suffix := range []string{"", ".wal"} {
					if err := os.Remove(g.db + suffix); err != nil && !os.IsNotExist(err) {
						return err
					}
				}
			}
			csvPath := filepath.Join(out, "lca_demo.csv")
			g.note("generating %d rows into %s", rows, csvPath)
			if err := fsatomic.WriteFile(csvPath, 0o644, func(f io.Writer) error {
				bw := bufio.NewWriterSize(f, 1<<20)
				if err := synth.Generate(ctx, bw, synth.Options{Rows: rows, Seed: 2016, Profile: "lca"}); err != nil {
					return err
				}
				return bw.Flush()
			}); err != nil {
				return err
			}
			w, err := g.open(ctx, false, "payband demo")
			if err != nil {
				return err
			}
			res, err := ingest.File(ctx, w, csvPath, ingest.Options{Synthetic: true})
			if err != nil {
				w.Close()
				return err
			}
			printIngest(g, res)
			cfg := report.DefaultReportConfig()
			err = writeReport(ctx, g, w.DB, filepath.Join(out, "report"), cfg)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("demo report: %w", err)
			}
			g.note("warehouse: %s (query it with: payband --db %s query \"select family, count(*) from salaries group by 1\")", g.db, g.db)
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "demo", "output directory")
	c.Flags().IntVar(&rows, "rows", 300000, "rows to generate")
	return c
}
