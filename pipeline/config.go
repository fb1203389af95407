package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"payband/ingest"
	"payband/internal/strictyaml"
	"payband/pay"
	"payband/report"
	"payband/titles"
)

// Config is a pipeline config file (docs/pipeline.md). Paths in it are
// relative to the file's directory; LoadConfig makes them absolute.
type Config struct {
	Output    string                `yaml:"output"`
	Sources   []Source              `yaml:"sources"`
	Taxonomy  string                `yaml:"taxonomy"`
	Overrides string                `yaml:"overrides"` // title overrides CSV, applied before matching
	Reports   []report.ReportConfig `yaml:"reports"`
	Gates     Gates                 `yaml:"gates"`
	Retention Retention             `yaml:"retention"`

	// File is the config file's path, Dir its directory (both absolute).
	File string `yaml:"-"`
	Dir  string `yaml:"-"`
	// doc finds the line of a YAML path ("$.sources[0].path").
	doc *strictyaml.Doc
}

// Source is one entry of sources: a file or a glob plus ingest options.
type Source struct {
	Path      string            `yaml:"path"`
	Profile   string            `yaml:"profile"`   // auto (default), survey, lca, oews, generic
	Dataset   string            `yaml:"dataset"`   // the publisher's series; "" from the name, profile or rows
	Format    string            `yaml:"format"`    // csv, tsv, jsonl, parquet, xlsx; "" detects
	Map       map[string]string `yaml:"map"`       // generic profile: field -> column
	Year      int               `yaml:"year"`      // year of every row when the source has none
	Currency  string            `yaml:"currency"`  // currency when the source has none
	Unit      string            `yaml:"unit"`      // pay unit when the source has none
	Delimiter string            `yaml:"delimiter"` // one character, or "tab"
	Encoding  string            `yaml:"encoding"`  // utf-8 or windows-1252
	Sheet     string            `yaml:"sheet"`     // XLSX sheet
	Point     string            `yaml:"point"`     // low, mid (default) or high
	MinPay    float64           `yaml:"min_pay"`   // default pay.DefaultBounds.Min
	MaxPay    float64           `yaml:"max_pay"`   // default pay.DefaultBounds.Max
	Synthetic bool              `yaml:"synthetic"` // made-up data (payband gen): reports carry a banner

	line int
}

// Gates are the quality gates; a nil limit is not checked.
type Gates struct {
	MaxRejectRatio   *float64 `yaml:"max_reject_ratio"`    // 0..1, share of rows rejected per new input
	MaxRowDropPct    *float64 `yaml:"max_row_drop_pct"`    // percent fewer salaries rows than the last ok run
	MaxMedianMovePct *float64 `yaml:"max_median_move_pct"` // percent a family's latest-year median moved
}

// Retention bounds how many dated report folders are kept.
type Retention struct {
	Keep int `yaml:"keep"` // 0 keeps every folder
}

// ConfigError is a bad config: "FILE:LINE: reason" (File, Line and Err
// are strictyaml.FileError's).
type ConfigError struct{ strictyaml.FileError }

// LoadConfig reads and validates a pipeline config. Unknown keys, bad
// values and source paths that match no file are errors naming the file
// and line.
func LoadConfig(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pipeline config: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(src, abs)
}

// ParseConfig parses src as the config file at path (which anchors
// relative paths and names the file in errors).
func ParseConfig(src []byte, path string) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	cfg := &Config{File: abs, Dir: filepath.Dir(abs)}
	if strings.TrimSpace(string(src)) == "" {
		return nil, &ConfigError{strictyaml.FileError{File: path, Err: errors.New("empty config: it needs at least output and sources")}}
	}
	doc, err := strictyaml.Decode(src, path, cfg)
	if err != nil {
		var ye *strictyaml.FileError
		errors.As(err, &ye)
		return nil, &ConfigError{*ye}
	}
	// A document that is only a comment or null resets the whole struct.
	cfg.File, cfg.Dir = abs, filepath.Dir(abs)
	cfg.doc = doc
	for i := range cfg.Sources {
		cfg.Sources[i].line = cfg.line(fmt.Sprintf("$.sources[%d]", i))
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// line returns the line of the YAML path p, falling back to its parents.
func (c *Config) line(p string) int { return c.doc.Line(p) }

func (c *Config) errorf(p, format string, args ...any) error {
	return &ConfigError{strictyaml.FileError{File: c.File, Line: c.line(p), Err: fmt.Errorf(format, args...)}}
}

func (c *Config) abs(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

func (c *Config) validate() error {
	if c.Output == "" {
		return c.errorf("$", "output: missing; name the directory runs write reports into")
	}
	c.Output = c.abs(c.Output)
	if st, err := os.Stat(c.Output); err == nil && !st.IsDir() {
		return c.errorf("$.output", "output: %s exists and is not a folder; name the folder runs write reports into", c.Output)
	}
	if len(c.Sources) == 0 {
		return c.errorf("$.sources", "sources: missing; list at least one file or glob")
	}
	for i := range c.Sources {
		s := &c.Sources[i]
		p := fmt.Sprintf("$.sources[%d]", i)
		if strings.TrimSpace(s.Path) == "" {
			return c.errorf(p, "sources[%d]: path missing", i)
		}
		if _, err := filepath.Match(s.Path, ""); err != nil {
			return c.errorf(p+".path", "sources[%d]: bad glob %q: %v", i, s.Path, err)
		}
		s.Path = c.abs(s.Path)
		if _, err := s.ingestOptions(); err != nil {
			return c.errorf(p, "sources[%d]: %v", i, err)
		}
	}
	if c.Taxonomy != "" {
		c.Taxonomy = c.abs(c.Taxonomy)
		if _, err := os.Stat(c.Taxonomy); err != nil {
			return c.errorf("$.taxonomy", "taxonomy: %s does not exist", c.Taxonomy)
		}
	}
	if c.Overrides != "" {
		c.Overrides = c.abs(c.Overrides)
		if _, err := os.Stat(c.Overrides); err != nil {
			return c.errorf("$.overrides", "overrides: %s does not exist", c.Overrides)
		}
	}
	for i, r := range c.Reports {
		p := fmt.Sprintf("$.reports[%d]", i)
		if i > 0 {
			for key, set := range map[string]bool{
				"title": r.Title != "", "by": r.By != nil, "years": r.Years != nil, "min_n": r.MinN != 0,
				"real": r.Real != 0, "charts": r.Charts != nil, "csv_safe": r.CSVSafe != nil,
			} {
				if set {
					return c.errorf(p+"."+key, "reports[%d]: %s is read from the first entry only; later entries may only add families", i, key)
				}
			}
		}
		if err := r.Validate(); err != nil {
			key := ""
			if k, _, ok := strings.Cut(err.Error(), ":"); ok {
				key = "." + k
			}
			return c.errorf(p+key, "reports[%d]: %v", i, err)
		}
	}
	if _, err := c.ReportConfig(); err != nil {
		return c.errorf("$.reports", "reports: %v", err)
	}
	g := c.Gates
	if v := g.MaxRejectRatio; v != nil && (*v < 0 || *v > 1) {
		return c.errorf("$.gates.max_reject_ratio", "gates.max_reject_ratio: %v is not a ratio between 0 and 1 (0.2 means 20%%)", *v)
	}
	if v := g.MaxRowDropPct; v != nil && (*v < 0 || *v > 100) {
		return c.errorf("$.gates.max_row_drop_pct", "gates.max_row_drop_pct: %v is not a percentage between 0 and 100", *v)
	}
	if v := g.MaxMedianMovePct; v != nil && *v < 0 {
		return c.errorf("$.gates.max_median_move_pct", "gates.max_median_move_pct: %v must not be negative", *v)
	}
	if c.Retention.Keep < 0 {
		return c.errorf("$.retention.keep", "retention.keep: %d must not be negative (0 keeps every run)", c.Retention.Keep)
	}
	return nil
}

// ReportConfig merges the reports entries: every setting comes from the
// first entry; the families of all entries are joined in order, without
// repeats. No entry means report.DefaultReportConfig.
func (c *Config) ReportConfig() (report.ReportConfig, error) {
	if len(c.Reports) == 0 {
		return report.DefaultReportConfig(), nil
	}
	rc := c.Reports[0]
	seen := map[string]bool{}
	var fams []string
	for _, r := range c.Reports {
		for _, f := range r.Families {
			if !seen[f] {
				seen[f] = true
				fams = append(fams, f)
			}
		}
	}
	rc.Families = fams
	return rc, rc.Validate()
}

// LoadTaxonomy loads the config's taxonomy (the embedded default when none).
func (c *Config) LoadTaxonomy() (*titles.Taxonomy, error) {
	if c.Taxonomy == "" {
		return titles.DefaultTaxonomy()
	}
	t, err := titles.LoadTaxonomyFile(c.Taxonomy)
	if err != nil {
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	return t, nil
}

// Matcher builds the matcher a run maps titles with: the taxonomy, and the
// overrides file applied first when the config names one.
func (c *Config) Matcher(t *titles.Taxonomy) (*titles.Matcher, error) {
	m := titles.NewMatcher(t)
	if c.Overrides == "" {
		return m, nil
	}
	o, err := titles.LoadOverridesFile(c.Overrides, t)
	if err != nil {
		return nil, fmt.Errorf("overrides: %w", err)
	}
	return m.WithOverrides(o), nil
}

// ingestOptions maps the source's keys onto ingest.Options (without the
// matcher, which the run supplies).
func (s *Source) ingestOptions() (ingest.Options, error) {
	opt := ingest.Options{Profile: s.Profile, Format: s.Format, Dataset: s.Dataset, Synthetic: s.Synthetic}
	if opt.Profile == "" {
		opt.Profile = "auto"
	}
	if len(s.Map) > 0 {
		opt.Map = map[ingest.Field]string{}
		keys := make([]string, 0, len(s.Map))
		for k := range s.Map {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			f, err := ingest.ParseField(k)
			if err != nil {
				return opt, fmt.Errorf("map: %w", err)
			}
			opt.Map[f] = s.Map[k]
		}
		if opt.Profile == "auto" {
			opt.Profile = "generic"
		}
	}
	switch s.Delimiter {
	case "":
	case `\t`, "tab":
		opt.Reader.Comma = '\t'
	default:
		if len([]rune(s.Delimiter)) != 1 {
			return opt, fmt.Errorf("delimiter takes one character or \"tab\", not %q", s.Delimiter)
		}
		opt.Reader.Comma = []rune(s.Delimiter)[0]
	}
	opt.Reader.Encoding, opt.Reader.Sheet = s.Encoding, s.Sheet
	point := s.Point
	if point == "" {
		point = "mid"
	}
	pr, err := pay.ParsePointRule(point)
	if err != nil {
		return opt, err
	}
	opt.Convert.Point = pr
	opt.Convert.Year, opt.Convert.Currency, opt.Convert.Unit = s.Year, strings.ToUpper(s.Currency), s.Unit
	b := pay.DefaultBounds
	if s.MinPay != 0 {
		b.Min = s.MinPay
	}
	if s.MaxPay != 0 {
		b.Max = s.MaxPay
	}
	if b.Min >= b.Max {
		return opt, fmt.Errorf("min_pay %v must be below max_pay %v", b.Min, b.Max)
	}
	opt.Convert.Bounds = b
	return opt, nil
}

// plannedFile is one file a source entry matched.
type plannedFile struct {
	Path   string
	Source int // index into Config.Sources
}

// expand resolves every source entry to files, sorted by path. A literal
// path that does not exist or a glob that matches nothing is an error
// naming the config line: a scheduled run must not quietly shrink.
func (c *Config) expand() ([]plannedFile, error) {
	var out []plannedFile
	seen := map[string]bool{}
	for i, s := range c.Sources {
		p := fmt.Sprintf("$.sources[%d].path", i)
		var files []string
		if hasMeta(s.Path) {
			m, err := filepath.Glob(s.Path)
			if err != nil {
				return nil, c.errorf(p, "sources[%d]: %v", i, err)
			}
			for _, f := range m {
				if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
					files = append(files, f)
				}
			}
			if len(files) == 0 {
				return nil, c.errorf(p, "source %s matches no files", rel(c.Dir, s.Path))
			}
		} else {
			st, err := os.Stat(s.Path)
			if err != nil {
				return nil, c.errorf(p, "source %s does not exist", rel(c.Dir, s.Path))
			}
			if !st.Mode().IsRegular() {
				return nil, c.errorf(p, "source %s is not a regular file", rel(c.Dir, s.Path))
			}
			files = []string{s.Path}
		}
		sort.Strings(files)
		for _, f := range files {
			if seen[f] {
				continue // the first entry that matches a file sets its options
			}
			seen[f] = true
			out = append(out, plannedFile{Path: f, Source: i})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func hasMeta(p string) bool { return strings.ContainsAny(p, `*?[`) }

// rel shows p relative to dir when it lies below it.
func rel(dir, p string) string {
	if r, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

// Plan lists the files the config's sources match, sorted by path, or the
// error a run would stop with.
func Plan(c *Config) ([]string, error) {
	fs, err := c.expand()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Path
	}
	return out, nil
}
