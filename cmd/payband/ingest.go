package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"payband/ingest"
	"payband/pay"
	"payband/report"
	"payband/titles"
)

func ingestCmd(g *globals) *cobra.Command {
	var (
		opt      ingest.Options
		maps     []string
		year     int
		currency string
		unit     string
		delim    string
		point    string
		taxonomy string
		minPay   float64
		maxPay   float64
	)
	c := &cobra.Command{
		Use:   "ingest [flags] FILE|DIR...",
		Short: "Load salary files into the warehouse",
		Long: `Load files into the warehouse, one transaction per file. Prints one summary line
per file: rows read, loaded, rejected and duplicates skipped. A file whose
content (sha256) is already loaded is skipped. A changed file at a path
loaded before replaces its earlier version.

A directory stands for the files directly in it, in name order: not its
subdirectories (a tree of vintages is loaded one directory at a time, on
purpose), and not hidden files (names starting with "."); what is skipped
is named on stderr. With --log-format json each file's summary is also one
JSON log record on stderr (msg "ingested", with file, read, loaded,
rejected, duplicates, profile, format, seconds), and a file that fails is
one record with msg "not loaded".

Profiles: survey, lca, oews, generic (with --map), auto (default).

The generic profile maps any header with --map field=COLUMN. Salary fields:
title, pay, pay_to, unit, currency, year, date, pay_usd, employer, state,
city, county, postal_code, country, ... A pay cell may be a posted-salary
string: "$53K-$91K (Glassdoor est.)", "$21-$34 Per Hour", "£45,000 - £55,000
a year", "up to $120,000", "$120k+"; "-1" and "N/A" mean no figure. A unit
column, when mapped, always decides the unit.

With band figures the generic profile loads a published table (a state
agency's own OEWS extract) into published_bands: --map occupation=COL,
code=COL, area=COL (or area_name=COL), area_type=COL, year=COL (or --year),
employment=COL, mean=COL, p10=COL, p25=COL, median=COL, p75=COL, p90=COL.
--target published or salaries says which table explicitly; by default the
mapped fields decide.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			ctx := cmd.Context()
			if err := checkPayBounds(minPay, maxPay); err != nil {
				return err
			}
			if err := checkYear("--year", year); err != nil {
				return err
			}
			if len(maps) > 0 {
				opt.Map = map[ingest.Field]string{}
				for _, m := range maps {
					for _, kv := range strings.Split(m, ",") {
						k, v, ok := strings.Cut(kv, "=")
						if !ok {
							return usagef("--map takes field=COLUMN, not %q", kv)
						}
						f, err := ingest.ParseField(strings.TrimSpace(k))
						if err != nil {
							return usageError{err}
						}
						if _, dup := opt.Map[f]; dup {
							return usagef("--map names %s twice; give each field one column", strings.TrimSpace(k))
						}
						opt.Map[f] = strings.TrimSpace(v)
					}
				}
				if opt.Profile == "auto" {
					opt.Profile = "generic"
				}
			}
			switch opt.Target {
			case "", ingest.TargetSalaries, ingest.TargetPublished:
			default:
				return usagef("--target takes %s or %s, not %q", ingest.TargetSalaries, ingest.TargetPublished, opt.Target)
			}
			if opt.Target != "" && opt.Profile != "generic" {
				return usagef("--target applies to the generic profile (with --map), not to %s", opt.Profile)
			}
			if opt.Profile != "auto" && opt.Profile != "generic" {
				if _, err := ingest.ProfileByName(opt.Profile); err != nil {
					return usageError{err}
				}
			}
			switch delim {
			case "":
			case `\t`, "tab":
				opt.Reader.Comma = '\t'
			default:
				if len([]rune(delim)) != 1 {
					return usagef("--delimiter takes one character, not %q", delim)
				}
				opt.Reader.Comma = []rune(delim)[0]
			}
			pr, err := pay.ParsePointRule(point)
			if err != nil {
				return usageError{err}
			}
			opt.Convert.Point = pr
			opt.Convert.Year, opt.Convert.Currency, opt.Convert.Unit = year, strings.ToUpper(currency), unit
			opt.Convert.Bounds = pay.Bounds{Min: minPay, Max: maxPay}
			m, err := loadMatcher(taxonomy)
			if err != nil {
				return err
			}
			opt.Matcher = m
			files, err = expandDirs(g, files)
			if err != nil {
				return err
			}
			w, err := g.open(ctx, false, "payband ingest")
			if err != nil {
				return err
			}
			var failed error
			bad := 0
			for _, f := range files {
				fo := opt
				bar := newProgress(g, f)
				if bar != nil {
					fo.Progress = bar.update
				}
				res, err := ingest.File(ctx, w, f, fo)
				bar.done()
				if err != nil {
					if ctx.Err() != nil {
						failed = err
						break
					}
					if g.logFormat == "json" {
						g.log.Error("not loaded", "file", f, "error", err.Error())
					} else {
						fmt.Fprintf(g.stderr, "payband: %s\n", report.TerminalText(err.Error()))
					}
					bad++
					continue
				}
				printIngest(g, res)
			}
			if bad > 0 && failed == nil {
				failed = fmt.Errorf("%d of %d files not loaded", bad, len(files))
			}
			if cerr := w.Close(); cerr != nil && failed == nil {
				failed = cerr
			}
			return failed
		},
	}
	f := c.Flags()
	f.StringVar(&opt.Profile, "profile", "auto", "source profile: auto, survey, lca, oews, generic")
	f.StringVar(&opt.Dataset, "dataset", "", "the dataset (publisher's series) the files belong to (default: from the file's name, profile or rows)")
	f.BoolVar(&opt.Synthetic, "synthetic", false, "record the files as synthetic data (payband gen): every report drawn from them says so")
	f.StringVar(&opt.Format, "format", "", "input format: csv, tsv, json, jsonl, parquet, xlsx (default: detected)")
	f.StringArrayVar(&maps, "map", nil, "generic profile: field=COLUMN[,field=COLUMN...] (fields: title, pay, pay_to, unit, currency, year, date, pay_usd, ...; for published bands occupation, code, area, area_name, employment, mean, p10 ... p90)")
	f.StringVar(&opt.Target, "target", "", "generic profile: salaries or published (default: published when --map names band figures)")
	f.IntVar(&year, "year", 0, "year of every row, for sources without a year or date column")
	f.StringVar(&currency, "currency", "", "currency of pay, for sources without a currency column (default USD)")
	f.StringVar(&unit, "unit", "", "pay unit, for sources without a unit column (default year)")
	f.StringVar(&delim, "delimiter", "", "field delimiter of delimited text (default: sniffed)")
	f.StringVar(&opt.Reader.Encoding, "encoding", "", "text encoding: utf-8 or windows-1252 (default: detected per cell)")
	f.StringVar(&opt.Reader.Sheet, "sheet", "", "XLSX sheet (default: the first)")
	f.StringVar(&point, "point", "mid", "point value of a pay range: low, mid or high")
	f.StringVar(&taxonomy, "taxonomy", "", "title taxonomy YAML (default: the embedded one)")
	f.Float64Var(&minPay, "min-pay", pay.DefaultBounds.Min, "annual USD below which pay is rejected as implausible")
	f.Float64Var(&maxPay, "max-pay", pay.DefaultBounds.Max, "annual USD above which pay is rejected as implausible")
	return c
}

// expandDirs replaces each directory in args by the regular files
// directly in it, sorted by name, skipping hidden entries and
// subdirectories and saying so on stderr. A directory with no file to
// load is a usage error: it is almost always the wrong path.
func expandDirs(g *globals, args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil || !st.IsDir() {
			out = append(out, a) // ingest.File reports a missing file
			continue
		}
		ents, err := os.ReadDir(a) // sorted by name
		if err != nil {
			return nil, err
		}
		var skipped []string
		n := 0
		for _, e := range ents {
			switch {
			case strings.HasPrefix(e.Name(), "."):
				skipped = append(skipped, e.Name()+" (hidden)")
			case e.IsDir():
				skipped = append(skipped, e.Name()+"/ (directory)")
			case !e.Type().IsRegular() && e.Type()&os.ModeSymlink == 0:
				skipped = append(skipped, e.Name()+" (not a regular file)")
			default:
				out = append(out, filepath.Join(a, e.Name()))
				n++
			}
		}
		if len(skipped) > 0 {
			g.note("%s: skipped %s", a, strings.Join(skipped, ", "))
		}
		if n == 0 {
			return nil, usagef("%s: a directory with no file to load", a)
		}
	}
	return out, nil
}

func printIngest(g *globals, r ingest.Result) {
	if g.logFormat == "json" {
		g.log.Info("ingested", "file", r.Source, "already_loaded", r.AlreadyLoaded, "read", r.Read, "loaded", r.Loaded,
			"rejected", r.Rejected, "duplicates", r.Duplicate, "replaced", r.Replaced, "profile", r.Profile,
			"format", r.Format, "seconds", r.Elapsed.Seconds(), "sha256", r.SHA256, "profile_reason", r.ProfileReason)
	}
	r.Source = report.TerminalText(r.Source) // a file name may hold ESC or a newline
	if r.AlreadyLoaded {
		fmt.Fprintf(g.stdout, "%s: already loaded (sha256 %s), nothing to do\n", r.Source, r.SHA256[:12])
		return
	}
	if !g.quiet && r.ProfileReason != "" && g.logFormat != "json" {
		fmt.Fprintf(g.stderr, "%s: %s\n", r.Source, r.ProfileReason)
	}
	extra := ""
	if r.Replaced > 0 {
		extra = fmt.Sprintf(", replaced %d earlier version(s)", r.Replaced)
	}
	fmt.Fprintf(g.stdout, "%s: read %d, loaded %d, rejected %d, duplicates %d (%s, %s, %.1fs%s)\n",
		r.Source, r.Read, r.Loaded, r.Rejected, r.Duplicate, r.Profile, r.Format, r.Elapsed.Seconds(), extra)
	if line := ingest.SnapshotLine(r); line != "" {
		fmt.Fprintln(g.stdout, line)
	}
}

func loadMatcher(path string) (*titles.Matcher, error) {
	var t *titles.Taxonomy
	var err error
	if path == "" {
		t, err = titles.DefaultTaxonomy()
	} else {
		t, err = titles.LoadTaxonomyFile(path)
	}
	if err != nil {
		return nil, err
	}
	return titles.NewMatcher(t), nil
}

// progress draws rows, MB/s and elapsed time on stderr when it is a
// terminal; nil (and silent) otherwise.
type progress struct {
	g     *globals
	name  string
	start time.Time
	last  time.Time
	size  int64
}

func newProgress(g *globals, name string) *progress {
	f, ok := g.stderr.(*os.File)
	if !ok || g.quiet || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	st, err := os.Stat(name)
	if err != nil {
		return nil
	}
	return &progress{g: g, name: name, start: time.Now(), size: st.Size()}
}

func (p *progress) update(rows, bytes int64) {
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	secs := now.Sub(p.start).Seconds()
	rate := float64(bytes) / secs / 1e6
	eta := "?"
	if bytes > 0 && p.size > bytes {
		eta = (time.Duration(float64(p.size-bytes)/float64(bytes)*secs) * time.Second).Round(time.Second).String()
	}
	fmt.Fprintf(p.g.stderr, "\r%s: %d rows, %.1f MB/s, ETA %s   ", p.name, rows, rate, eta)
}

func (p *progress) done() {
	if p != nil {
		fmt.Fprint(p.g.stderr, "\r\033[K")
	}
}
