package report

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"payband/bands"
	"payband/internal/strictyaml"
)

// ChartKinds are the charts a report can draw.
var ChartKinds = []string{"band", "hist", "trend", "ladder", "box"}

// ReportConfig selects what the full report shows. The zero value of a
// field means its default (see DefaultReportConfig).
type ReportConfig struct {
	Title    string   `yaml:"title"`
	Families []string `yaml:"families"` // default: every family of the taxonomy with at least MinN rows
	By       []string `yaml:"by"`       // extra group-bys for the per-family tables, default [year]
	Years    []int    `yaml:"years"`    // default: all
	MinN     int      `yaml:"min_n"`    // default DefaultMinN
	Real     int      `yaml:"real"`     // 0 = nominal only; else also show real dollars of that year
	Charts   []string `yaml:"charts"`   // subset of band, hist, trend, ladder, box; default all
	CSVSafe  *bool    `yaml:"csv_safe"` // default true
	// Engine computes the report's bands; nil is the local warehouse. The
	// counts, published figures, histograms and data quality always come
	// from the local warehouse.
	Engine bands.Engine `yaml:"-" json:"-"`
	// Country is the report's scope: the country whose rows its bands
	// measure (an ISO code, default US), or "all" for every country.
	Country string `yaml:"country"`
	// CaseStatus is which LCA filings count: certified (default) or all.
	CaseStatus string `yaml:"case_status"`
	// BaseDir is the folder the report shows source paths relative to
	// (a pipeline's config folder); empty is the working directory. A
	// report read on another machine then names no path of this one.
	BaseDir string `yaml:"-" json:"-"`
	// Previous are the headline medians of the last run (its manifest's
	// report_medians) and PreviousRun its id: the summary table shows how
	// far each family's median moved since. Empty outside a pipeline.
	Previous    []HeadlineMedian `yaml:"-" json:"-"`
	PreviousRun string           `yaml:"-" json:"-"`
}

// DefaultReportCountry is the report's scope unless its config says
// otherwise.
const DefaultReportCountry = "US"

// DefaultReportTitle heads a report whose config names no title.
const DefaultReportTitle = "Security pay bands"

// DefaultReportConfig returns the defaults: every family with data, bands
// by year, all years, DefaultMinN, nominal dollars, every chart, CSV-safe.
func DefaultReportConfig() ReportConfig {
	safe := true
	return ReportConfig{
		Title:      DefaultReportTitle,
		By:         []string{"year"},
		MinN:       bands.DefaultMinN,
		Charts:     append([]string(nil), ChartKinds...),
		CSVSafe:    &safe,
		Country:    DefaultReportCountry,
		CaseStatus: bands.CaseStatusCertified,
	}
}

// ReportConfigError reports a bad report config: "FILE:LINE: reason"
// (File, Line and Err are strictyaml.FileError's).
type ReportConfigError struct{ strictyaml.FileError }

// LoadReportConfig reads a YAML report config. Keys left out keep their
// defaults; an unknown key, a group column outside GroupColumns or a chart
// kind outside ChartKinds is an error naming the file and line.
func LoadReportConfig(path string) (ReportConfig, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return ReportConfig{}, fmt.Errorf("report config: %w", err)
	}
	return parseReportConfig(src, path)
}

func parseReportConfig(src []byte, name string) (ReportConfig, error) {
	cfg := DefaultReportConfig()
	// Lists replace the defaults rather than merge with them.
	cfg.By, cfg.Charts = nil, nil
	var doc *strictyaml.Doc
	if strings.TrimSpace(string(src)) != "" {
		d, err := strictyaml.Decode(src, name, &cfg)
		if err != nil {
			var ye *strictyaml.FileError
			errors.As(err, &ye)
			return ReportConfig{}, &ReportConfigError{*ye}
		}
		doc = d
	}
	if cfg.By == nil {
		cfg.By = []string{"year"}
	}
	if cfg.Charts == nil {
		cfg.Charts = append([]string(nil), ChartKinds...)
	}
	if err := cfg.Validate(); err != nil {
		var fe *fieldError
		if errors.As(err, &fe) {
			return ReportConfig{}, &ReportConfigError{strictyaml.FileError{File: name, Line: doc.Line("$." + fe.key), Err: err}}
		}
		return ReportConfig{}, &ReportConfigError{strictyaml.FileError{File: name, Err: err}}
	}
	return cfg, nil
}

// fieldError is a validation error of one top-level config key.
type fieldError struct {
	key string
	msg string
}

func (e *fieldError) Error() string { return e.key + ": " + e.msg }

func badField(key, format string, args ...any) error {
	return &fieldError{key: key, msg: fmt.Sprintf(format, args...)}
}

// Validate checks the config without a warehouse: group columns against
// GroupColumns, chart kinds against ChartKinds, and the numbers' ranges.
func (c ReportConfig) Validate() error {
	seen := map[string]bool{}
	for _, b := range c.By {
		switch {
		case b == "family":
			return badField("by", "%q is implied: the report has one section per family", b)
		case !bands.IsGroupColumn(b):
			return badField("by", "cannot group by %q: allowed columns are %s", b, strings.Join(bands.GroupColumns, ", "))
		case seen[b]:
			return badField("by", "column %q named twice", b)
		}
		seen[b] = true
	}
	seen = map[string]bool{}
	for _, k := range c.Charts {
		if !isChartKind(k) {
			return badField("charts", "unknown chart %q: use %s", k, strings.Join(ChartKinds, ", "))
		}
		if seen[k] {
			return badField("charts", "chart %q named twice", k)
		}
		seen[k] = true
	}
	seen = map[string]bool{}
	for _, f := range c.Families {
		if f == "" {
			return badField("families", "empty family id")
		}
		if seen[f] {
			return badField("families", "family %q named twice", f)
		}
		seen[f] = true
	}
	for _, y := range c.Years {
		if y < 1900 || y > 2200 {
			return badField("years", "%d is not a plausible year", y)
		}
	}
	if c.MinN < 0 {
		return badField("min_n", "must be at least 0, not %d", c.MinN)
	}
	if c.Real != 0 && (c.Real < 1900 || c.Real > 2200) {
		return badField("real", "%d is not a plausible year", c.Real)
	}
	if c.Country != "" && c.Country != "all" && !countryCode.MatchString(c.Country) {
		return badField("country", "takes a two-letter country code (US, GB …) or all, not %q", c.Country)
	}
	switch c.CaseStatus {
	case "", bands.CaseStatusCertified, bands.CaseStatusAll:
	default:
		return badField("case_status", "takes certified or all, not %q", c.CaseStatus)
	}
	return nil
}

var countryCode = regexp.MustCompile(`^[A-Za-z]{2}$`)

func isChartKind(k string) bool {
	for _, x := range ChartKinds {
		if x == k {
			return true
		}
	}
	return false
}

// withDefaults fills zero fields of a config built in code.
func (c ReportConfig) withDefaults() ReportConfig {
	d := DefaultReportConfig()
	if c.Title == "" {
		c.Title = d.Title
	}
	if len(c.By) == 0 {
		c.By = d.By
	}
	if c.MinN == 0 {
		c.MinN = d.MinN
	}
	if len(c.Charts) == 0 {
		c.Charts = d.Charts
	}
	if c.CSVSafe == nil {
		c.CSVSafe = d.CSVSafe
	}
	if c.Country == "" {
		c.Country = d.Country
	}
	c.Country = strings.ToUpper(c.Country)
	if c.Country == "ALL" {
		c.Country = "all"
	}
	if c.CaseStatus == "" {
		c.CaseStatus = d.CaseStatus
	}
	// The per-family tables are always by year: the summary, the trend
	// and the years filter rest on it.
	hasYear := false
	for _, b := range c.By {
		if b == "year" {
			hasYear = true
		}
	}
	if !hasYear {
		c.By = append([]string{"year"}, c.By...)
	}
	return c
}

func (c ReportConfig) wants(chart string) bool {
	return slices.Contains(c.Charts, chart)
}
