package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"payband/pipeline"
)

func runCmd(g *globals) *cobra.Command {
	var cfgPath string
	var prune bool
	c := &cobra.Command{
		Use:   "run --config FILE [--prune]",
		Short: "The scheduled job: ingest new or changed files, re-normalize, gate, report, record a manifest",
		Long: `Run the pipeline of a config file (docs/pipeline.md): ingest only new or changed
source files, re-normalize titles when the taxonomy changed, check the quality
gates, write the report into OUTPUT/<UTC timestamp>/ (built in a temporary folder,
then renamed), switch OUTPUT/latest to it and record a manifest in manifest.json
and in the runs view.

A tripped gate or any failure leaves OUTPUT/latest as it was. A busy warehouse
exits 3 at once, or waits with --wait DURATION. With --prune, sources whose path
no entry matches any more are retired (their rows leave the views); without it
they are only reported.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfgPath == "" {
				return usagef("run needs --config FILE")
			}
			cfg, err := pipeline.LoadConfig(cfgPath)
			if err != nil {
				var ce *pipeline.ConfigError
				if errors.As(err, &ce) {
					return usageError{err}
				}
				return err
			}
			m, err := pipeline.Run(cmd.Context(), cfg, pipeline.Options{
				DB:          g.dbPath(),
				Wait:        g.wait,
				Command:     "payband run --config " + cfgPath,
				Prune:       prune,
				Version:     programVersion(),
				Logger:      g.log,
				Threads:     g.threads,
				MemoryLimit: g.memoryLimit,
				TempDir:     g.tempDir,
			})
			if err != nil {
				if m.RunID != "" {
					return fmt.Errorf("run %s: %w", m.RunID, err)
				}
				return err
			}
			fmt.Fprintln(g.stdout, filepath.Join(m.ReportDir, "index.html"))
			return nil
		},
	}
	c.Flags().StringVar(&cfgPath, "config", "", "pipeline config YAML (docs/pipeline.md)")
	c.Flags().BoolVar(&prune, "prune", false, "retire loaded sources that no source entry matches any more")
	return c
}

func exportCmd(g *globals) *cobra.Command {
	var format, out, to string
	var partition []string
	c := &cobra.Command{
		Use:   "export (--format parquet --out DIR [--partition COL,...] | --to clickhouse://HOST:PORT/DB[?cluster=NAME])",
		Short: "Write a Parquet snapshot of the public views, Hive-partitioned",
		Long: `Write every public view (salaries, rejects, sources, title_map, published_bands,
runs) as Parquet into DIR. A view with every --partition column (default
year,family) is written Hive-partitioned as DIR/VIEW/COL=VALUE/...; the others as
DIR/VIEW.parquet. DIR/export.json lists views, row counts and paths. Rows
no family matched are written to family=__unmatched__, never to an empty
family= directory, and read back with that family.

The warehouse is opened read-only, so an export never blocks on or holds the
write lock beyond a shared one. The snapshot is built beside DIR and renamed into
place; an existing DIR is replaced only when it holds an earlier export.

With --to clickhouse://HOST:PORT/DB[?cluster=NAME], salaries, sources and
published_bands go to ClickHouse instead, incrementally by source: a MergeTree
table on every shard and a Distributed table over them when a cluster is named
(docs/scale-out.md).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to != "" {
				if out != "" || cmd.Flags().Changed("partition") {
					return usagef("--to clickhouse://... takes neither --out nor --partition")
				}
				return exportClickHouse(cmd.Context(), g, to)
			}
			if format != "parquet" {
				return usagef("--format must be parquet, not %q", format)
			}
			if out == "" {
				return usagef("export needs --out DIR")
			}
			var part []string
			for _, p := range partition {
				for _, c := range strings.Split(p, ",") {
					if c = strings.TrimSpace(c); c != "" {
						part = append(part, c)
					}
				}
			}
			if !cmd.Flags().Changed("partition") {
				part = nil
			} else if part == nil {
				part = []string{}
			}
			if err := pipeline.CheckPartition(part); err != nil {
				return usageError{err}
			}
			w, err := g.open(cmd.Context(), true, "payband export")
			if err != nil {
				return err
			}
			defer w.Close()
			sum, err := pipeline.Export(cmd.Context(), w.DB, out, pipeline.ExportOptions{Partition: part})
			if err != nil {
				return err
			}
			for _, v := range sum.Views {
				g.note("%s: %d rows -> %s", v.View, v.Rows, v.Path)
			}
			abs, _ := filepath.Abs(out)
			fmt.Fprintln(g.stdout, abs)
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "parquet", "output format: parquet")
	c.Flags().StringVar(&out, "out", "", "output directory")
	c.Flags().StringVar(&to, "to", "", "export to ClickHouse instead: clickhouse://HOST:PORT/DB[?cluster=NAME]")
	c.Flags().StringSliceVar(&partition, "partition", nil, "Hive partition columns (default year,family; empty for none)")
	return c
}
