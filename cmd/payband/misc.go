package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"payband/internal/fsatomic"
	"payband/synth"
	"payband/titles"
)

func itoa(n int) string { return strconv.Itoa(n) }

func genCmd(g *globals) *cobra.Command {
	var opt synth.Options
	var out string
	c := &cobra.Command{
		Use:   "gen --rows N [--seed S] [--profile lca|survey] [--titles realistic|vocabulary] [--layout compact|dol] [--format csv|xlsx [--inline-strings]] --out FILE",
		Short: "Write deterministic, realistic synthetic data (same seed, same bytes)",
		Long: `Write deterministic, realistic synthetic data: the same options give the same bytes.

--titles realistic (the default for lca) adds the row-level noise of real
filings to about one title in eleven (requisition codes, locations, typos,
the role word moved first): about 65,000 distinct raw titles per million
rows. --titles vocabulary keeps the fixed vocabulary of a few thousand.
--layout dol writes the full FY2020+ DOL disclosure layout (96 columns).
--format xlsx writes one sheet as Excel stores one (text in a
shared-strings table, numbers, dates as date-formatted serials) instead
of CSV; --inline-strings puts the text in the cells instead, as some
other writers do.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opt.Rows <= 0 {
				return usagef("--rows must be positive")
			}
			if opt.Profile != "lca" && opt.Profile != "survey" {
				return usagef("--profile must be lca or survey, not %q", opt.Profile)
			}
			if out == "" {
				return usagef("--out FILE is required")
			}
			if !cmd.Flags().Changed("titles") && opt.Profile == "survey" {
				opt.Titles = synth.TitlesVocabulary
			}
			switch {
			case opt.Titles != synth.TitlesRealistic && opt.Titles != synth.TitlesVocabulary:
				return usagef("--titles must be realistic or vocabulary, not %q", opt.Titles)
			case opt.Layout != synth.LayoutCompact && opt.Layout != synth.LayoutDOL:
				return usagef("--layout must be compact or dol, not %q", opt.Layout)
			case opt.Format != synth.FormatCSV && opt.Format != synth.FormatXLSX:
				return usagef("--format must be csv or xlsx, not %q", opt.Format)
			case opt.InlineStrings && opt.Format != synth.FormatXLSX:
				return usagef("--inline-strings is for --format xlsx")
			case opt.Profile == "survey" && (opt.Titles == synth.TitlesRealistic || opt.Layout == synth.LayoutDOL):
				return usagef("--titles realistic and --layout dol are for --profile lca")
			}
			if err := fsatomic.WriteFile(out, 0o644, func(f io.Writer) error {
				bw := bufio.NewWriterSize(f, 1<<20)
				if err := synth.Generate(cmd.Context(), bw, opt); err != nil {
					return err
				}
				return bw.Flush()
			}); err != nil {
				return err
			}
			g.note("wrote %d synthetic %s rows (seed %d) to %s; load it with ingest --synthetic (or synthetic: true in a pipeline source) so its reports say the data is made up", opt.Rows, opt.Profile, opt.Seed, out)
			return nil
		},
	}
	c.Flags().IntVar(&opt.Rows, "rows", 0, "number of data rows")
	c.Flags().Int64Var(&opt.Seed, "seed", 1, "random seed")
	c.Flags().StringVar(&opt.Profile, "profile", "lca", "lca or survey")
	c.Flags().StringVar(&opt.Titles, "titles", synth.TitlesRealistic, "realistic or vocabulary (survey: vocabulary)")
	c.Flags().StringVar(&opt.Layout, "layout", synth.LayoutCompact, "compact (15 columns) or dol (the 96-column FY2020+ DOL layout; lca)")
	c.Flags().StringVar(&opt.Format, "format", synth.FormatCSV, "csv or xlsx")
	c.Flags().BoolVar(&opt.InlineStrings, "inline-strings", false, "xlsx: text as inline strings, not a shared-strings table")
	c.Flags().StringVar(&out, "out", "", "output file")
	return c
}

func checkCmd(g *globals) *cobra.Command {
	var migrate bool
	c := &cobra.Command{
		Use:   "check [--migrate]",
		Short: "Check the warehouse: schema version, views, source counts, titles",
		Long: `Check the warehouse: schema version, views, source counts, and that every
stored row's title is in its file's dictionary. It reads only,
unless --migrate: then it takes the writer's lock and first brings a file
written by an older payband to this version's schema (ingest, run and titles
remap do that too; the other commands refuse an older file).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w, err := g.open(cmd.Context(), !migrate, "payband check")
			if err != nil {
				return err
			}
			defer w.Close()
			problems, err := w.Check(cmd.Context())
			if err != nil {
				return err
			}
			for _, p := range problems {
				fmt.Fprintln(g.stdout, p)
			}
			if len(problems) > 0 {
				return fmt.Errorf("warehouse %s: %d problem(s)", g.dbPath(), len(problems))
			}
			fmt.Fprintf(g.stdout, "warehouse %s: ok\n", g.dbPath())
			return nil
		},
	}
	c.Flags().BoolVar(&migrate, "migrate", false, "migrate a file written by an older payband first")
	return c
}

func versionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the program, DuckDB and taxonomy versions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := titles.DefaultTaxonomy()
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "payband %s\nduckdb %s\ntaxonomy %s\n", programVersion(), duckdbVersion(cmd), t.Version)
			return nil
		},
	}
}

func titlesCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "titles", Short: "Normalize, explain, list and re-map job titles"}
	var taxonomy, format, normOver string
	norm := &cobra.Command{
		Use:   "normalize [--taxonomy FILE] [--overrides FILE.csv] [--format tsv|json|jsonl]",
		Short: "Normalize raw titles read one per line from stdin",
		Long: `Normalize raw titles read one per line from stdin, writing one result per
line of input as it is read. --format tsv (the default) is a header and
tab-separated lines, for a shell pipeline; json is one array of objects,
as every other command's --format json; jsonl is one object a line, for
a stream too long to hold or a reader that takes a line at a time.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "tsv" && format != "json" && format != "jsonl" {
				return usagef("--format must be tsv, json or jsonl, not %q", format)
			}
			m, err := loadMatcherWith(taxonomy, normOver)
			if err != nil {
				return err
			}
			cache := titles.NewCache(m)
			sc := bufio.NewScanner(g.stdin)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			bw := bufio.NewWriter(g.stdout)
			switch format {
			case "tsv":
				fmt.Fprintln(bw, "input\ttitle\tfamily\tseniority\tconfidence\tmethod")
			case "json":
				bw.WriteString("[")
			}
			n := 0
			for sc.Scan() {
				line := strings.TrimRight(sc.Text(), "\r")
				r := cache.Match(line)
				if format == "tsv" {
					fmt.Fprintf(bw, "%s\t%s\t%s\t%s\t%.2f\t%s\n", tsvCell(line), r.Title, r.Family, r.Seniority, r.Confidence, r.Method)
					continue
				}
				b, err := json.Marshal(map[string]any{"input": line, "title": r.Title, "family": r.Family,
					"seniority": r.Seniority, "confidence": r.Confidence, "method": r.Method})
				if err != nil {
					return err
				}
				// The array is written as it goes, like the lines, so a
				// long input is never held.
				if format == "json" {
					if n > 0 {
						bw.WriteString(",")
					}
					bw.WriteString("\n  ")
				}
				bw.Write(b)
				if format == "jsonl" {
					bw.WriteString("\n")
				}
				n++
			}
			if err := sc.Err(); err != nil {
				return fmt.Errorf("reading titles from stdin: %w", err)
			}
			if format == "json" {
				if n > 0 {
					bw.WriteString("\n")
				}
				bw.WriteString("]\n")
			}
			return bw.Flush()
		},
	}
	norm.Flags().StringVar(&taxonomy, "taxonomy", "", "taxonomy YAML (default: the embedded one)")
	norm.Flags().StringVar(&format, "format", "tsv", "tsv, json (one array) or jsonl (one object a line)")
	norm.Flags().StringVar(&normOver, "overrides", "", "overrides CSV applied before matching")
	var exTax, exOver string
	explain := &cobra.Command{
		Use:   "explain TITLE",
		Short: "Show every step that led to a title's result",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := loadMatcherWith(exTax, exOver)
			if err != nil {
				return err
			}
			r, steps := m.Explain(args[0])
			for i, s := range steps {
				fmt.Fprintf(g.stdout, "%2d. %-12s %s\n", i+1, s.Stage, s.Detail)
			}
			fam := r.Family
			if fam == "" {
				fam = "(none: unmatched)"
			}
			fmt.Fprintf(g.stdout, "=> family %s, title %q, seniority %s, confidence %.2f, method %s\n", fam, r.Title, r.Seniority, r.Confidence, r.Method)
			return nil
		},
	}
	explain.Flags().StringVar(&exTax, "taxonomy", "", "taxonomy YAML (default: the embedded one)")
	explain.Flags().StringVar(&exOver, "overrides", "", "overrides CSV; explain names the line that decides the title")
	c.AddCommand(norm, explain, unmatchedCmd(g), reviewCmd(g), remapCmd(g))
	return c
}

func tsvCell(s string) string { return strings.NewReplacer("\t", " ", "\n", " ").Replace(s) }
