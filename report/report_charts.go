package report

// The report's charts: which each family gets, the data each draws, and
// writing them as PNG and SVG.

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"

	"payband/bands"
)

// chartFile is one chart of the report, saved as PNG and SVG.
type chartFile struct {
	Name    string // file stem under charts/
	Kind    string
	Title   string
	Alt     string
	svg     []byte // verified, ready to inline
	pngPath string
	plot    *plot.Plot
}

// PNGPath is the chart's PNG file, relative to the report folder.
func (c *chartFile) PNGPath() string { return c.pngPath }

type chartPlot = *plot.Plot

var slugRE = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(slugRE.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		s = "x"
	}
	return s
}

func (r *report) buildCharts(ctx context.Context, db *sql.DB, cfg ReportConfig) error {
	if cfg.wants("hist") {
		if err := r.histValues(ctx, db, cfg); err != nil {
			return fmt.Errorf("report: histograms: %w", err)
		}
	}
	for _, fs := range r.Families {
		if len(fs.byYear) == 0 {
			continue
		}
		if err := r.familyCharts(ctx, db, cfg, fs); err != nil {
			return err
		}
		r.charts = append(r.charts, fs.Charts...)
	}
	if r.Ladder != nil && cfg.wants("ladder") && len(r.Ladder.Steps) > 0 {
		c := &chartFile{Name: "ladder", Kind: "ladder",
			Title: fmt.Sprintf("Career ladder: median pay, %d", r.Ladder.Year),
			Alt:   fmt.Sprintf("Median pay along the security career ladder in %d", r.Ladder.Year)}
		p, err := LadderChart(r.Ladder.Steps, ChartOptions{Title: c.Title, Caption: fmt.Sprintf("%s · %d · nominal USD · p25–p75 bars", capitalize(bands.PopulationOf(r.Ladder.Steps)), r.Ladder.Year)})
		if err != nil {
			return fmt.Errorf("report: ladder chart: %w", err)
		}
		c.plot = p
		r.Ladder.Chart = c
		r.charts = append(r.charts, c)
	}
	return nil
}

// histValues fetches the pay of every family's latest year, the rows its
// histogram draws, in one query for all of them: the rows of the band its
// markers show (fs.Latest), so of its source kind when that year has
// several (the headline states one kind, never a pool of them).
func (r *report) histValues(ctx context.Context, db *sql.DB, cfg ReportConfig) error {
	want := map[string]int{}
	kind := map[string]string{} // no entry where the latest band pools kinds
	var years []string
	for _, fs := range r.Families {
		if len(fs.byYear) == 0 {
			continue
		}
		want[fs.ID] = fs.LatestYear
		if len(fs.Latest.Scope.Kinds) == 1 {
			kind[fs.ID] = fs.Latest.Scope.Kinds[0]
		}
		if y := strconv.Itoa(fs.LatestYear); !slices.Contains(years, y) {
			years = append(years, y)
		}
	}
	r.hist = map[string][]float64{}
	if len(want) == 0 {
		return nil
	}
	groups, err := bands.PayValuesBy(ctx, db, cfg.scoped(bands.BandQuery{By: []string{"family", "year", "source_kind"},
		Conds: []bands.Cond{{Column: "year", Op: "in", Values: years}}}))
	if err != nil {
		return err
	}
	pooled := map[string]bool{}
	for _, g := range groups {
		fam, year, k := g.Group[0], g.Group[1].Value, g.Group[2]
		if fam.Null || strconv.Itoa(want[fam.Value]) != year {
			continue
		}
		if only, ok := kind[fam.Value]; ok && (k.Null || k.Value != only) {
			continue
		}
		if _, seen := r.hist[fam.Value]; seen {
			pooled[fam.Value] = true
		}
		r.hist[fam.Value] = append(r.hist[fam.Value], g.Pay...)
	}
	for fam := range pooled {
		slices.Sort(r.hist[fam]) // each group's pay comes sorted; a pool of them is sorted again
	}
	return nil
}

// familyCharts builds one family's charts, leaving out those with nothing
// to show.
func (r *report) familyCharts(ctx context.Context, db *sql.DB, cfg ReportConfig, fs *familySection) error {
	id := slug(fs.ID)
	if cfg.wants("band") && len(fs.Tables) > 0 && len(fs.Tables[0].Bands) > 0 {
		t := fs.bandChartTable()
		fs.Charts = append(fs.Charts, &chartFile{Name: "band-" + id, Kind: "band",
			Title: fs.Name + ": pay band by " + strings.ReplaceAll(strings.Join(t.Keys, ", "), "_", " "),
			Alt:   fmt.Sprintf("%s pay bands by %s: p10 to p90 bars with median and mean", fs.Name, strings.Join(t.Keys, ", "))})
	}
	if cfg.wants("trend") {
		fs.Charts = append(fs.Charts, &chartFile{Name: "trend-" + id, Kind: "trend",
			Title: fs.Name + ": median pay by year",
			Alt:   fs.Name + " median pay and p25–p75 range by year"})
	}
	if cfg.wants("hist") {
		fs.Charts = append(fs.Charts, &chartFile{Name: "hist-" + id, Kind: "hist",
			Title: HistTitle(fs.Name, fs.LatestYear),
			Alt:   fmt.Sprintf("Histogram of %s pay %s with band markers", fs.Name, HistYears(fs.LatestYear))})
	}
	if cfg.wants("box") {
		fs.Charts = append(fs.Charts, &chartFile{Name: "box-" + id, Kind: "box",
			Title: fmt.Sprintf("%s: pay by level, %d", fs.Name, fs.LatestYear),
			Alt:   fmt.Sprintf("Box plot of %s pay by level in %d", fs.Name, fs.LatestYear)})
	}
	var keep []*chartFile
	for _, c := range fs.Charts {
		p, err := r.familyPlot(ctx, db, cfg, fs, c)
		if err != nil {
			return fmt.Errorf("report: %s chart: %w", c.Name, err)
		}
		if p == nil {
			continue
		}
		c.plot = p
		keep = append(keep, c)
	}
	fs.Charts = keep
	return nil
}

func (r *report) familyPlot(ctx context.Context, db *sql.DB, cfg ReportConfig, fs *familySection, c *chartFile) (chartPlot, error) {
	// The caption says whom n counts, so a chart taken out of the report
	// (a PNG in a slide) still states its population.
	caption := func(n int, bs []bands.Band, extra string) string {
		s := "n = " + groupDigits(n)
		if p := bands.PopulationOf(bs); p != "" {
			s += " " + p
		}
		if extra != "" {
			s += " · " + extra
		}
		return s
	}
	switch c.Kind {
	case "band":
		t := fs.bandChartTable()
		n := 0
		for _, b := range t.Bands {
			n += b.N
		}
		return BandChart(t.Bands, ChartOptions{Title: c.Title, Caption: caption(n, t.Bands, "nominal USD")})
	case "trend":
		nomBands, realBands := fs.byYear, fs.byYearReal
		if len(KindsOf(fs.byYear)) > 1 && len(fs.Latest.Scope.Kinds) == 1 {
			// Years of different source kinds joined in one line would
			// draw a change of source as a change of pay: the line is the
			// headline's kind alone (the table by source kind has the
			// others).
			k := fs.Latest.Scope.Kinds[0]
			nomBands = bandsOfKind(fs.byKind, k)
			if cfg.Real != 0 {
				q := kindQuery(cfg, fs.ID)
				q.Real = cfg.Real
				all, err := r.memo.Bands(ctx, q)
				if err != nil {
					return nil, err
				}
				realBands = inYears(bandsOfKind(all, k), r.Years)
			}
			c.Title = fs.Name + ": median pay by year, " + fs.Latest.Scope.Units()
			c.Alt = fs.Name + " median pay and p25–p75 range by year, " + fs.Latest.Scope.Units() + " only"
		}
		var nom, rl []TrendPoint
		n := 0
		for _, b := range nomBands {
			y, _ := strconv.Atoi(b.Value("year"))
			nom = append(nom, TrendPoint{Year: y, Band: b})
			n += b.N
		}
		basis := ""
		if cfg.Real != 0 {
			basis = strconv.Itoa(cfg.Real) + " dollars"
			for _, b := range realBands {
				y, _ := strconv.Atoi(b.Value("year"))
				rl = append(rl, TrendPoint{Year: y, Band: b})
			}
		}
		if len(nom) == 0 {
			return nil, nil
		}
		return TrendChart(nom, rl, basis, MethodChangesFor(KindsOf(nomBands)), ChartOptions{Title: c.Title, Caption: caption(n, nomBands, "years with at least "+strconv.Itoa(cfg.MinN)+" rows")})
	case "hist":
		vals := r.hist[fs.ID]
		return HistChart(vals, fs.Latest, ChartOptions{Title: c.Title, Caption: caption(len(vals), []bands.Band{fs.Latest}, strconv.Itoa(fs.LatestYear)+" · nominal USD")})
	case "box":
		// By level; when the rows carry none, by the next column
		// that splits the latest year into at least two groups. The rows
		// are the headline band's, of its source kind: a survey's
		// experience levels and an LCA's wage levels are not one ladder.
		filters := map[string]string{"family": fs.ID, "year": strconv.Itoa(fs.LatestYear)}
		if len(fs.Latest.Scope.Kinds) == 1 {
			filters["source_kind"] = fs.Latest.Scope.Kinds[0]
		}
		for _, col := range boxColumns {
			bs, err := r.memo.Bands(ctx, cfg.scoped(bands.BandQuery{By: []string{col},
				Filters: filters, MinN: cfg.MinN}))
			if err != nil {
				return nil, err
			}
			if len(bs) < 2 {
				continue // one box compares nothing
			}
			sortGroups(col, bs)
			n := 0
			for _, b := range bs {
				n += b.N
			}
			what := strings.ReplaceAll(col, "_", " ")
			c.Title = fmt.Sprintf("%s: pay by %s, %d", fs.Name, what, fs.LatestYear)
			c.Alt = fmt.Sprintf("Box plot of %s pay by %s in %d", fs.Name, what, fs.LatestYear)
			return BoxChart(bs, ChartOptions{Title: c.Title, Caption: caption(n, bs, fmt.Sprintf("%d · groups with at least %d rows", fs.LatestYear, cfg.MinN))})
		}
		return nil, nil
	}
	return nil, fmt.Errorf("unknown chart kind %q", c.Kind)
}

// bandChartTable is the table the band chart draws: the first, unless it
// is by year alone, its bars span source kinds (pooled in a year, or a
// kind a year) and the table by source kind is there to draw them apart,
// a bar per year and kind, each labelled with its kind. A table by other
// columns (report config by) keeps its grouping.
func (fs *familySection) bandChartTable() *bandTable {
	first := fs.Tables[0]
	if !slices.Equal(first.Keys, []string{"year"}) || len(KindsOf(first.Bands)) < 2 {
		return first
	}
	for _, t := range fs.Tables {
		if t.extra && slices.Equal(t.Keys, []string{"year", "source_kind"}) && len(t.Bands) > 0 {
			return t
		}
	}
	return first
}

// bandsOfKind is the bands of bs (grouped by source_kind) of kind k.
func bandsOfKind(bs []bands.Band, k string) []bands.Band {
	var out []bands.Band
	for _, b := range bs {
		if b.Value("source_kind") == k {
			out = append(out, b)
		}
	}
	return out
}

// boxColumns are tried in order for the box chart.
var boxColumns = []string{"level", "company_size", "country"}

// groupOrders put the values of ordinal columns other than the level
// columns (bands.LevelLadder) in their natural order; other values sort
// after them, alphabetically.
var groupOrders = map[string][]string{
	"experience_code": {"EN", "MI", "SE", "EX"},
	"company_size":    {"S", "M", "L"},
}

func sortGroups(col string, bs []bands.Band) {
	order := groupOrders[col]
	if bands.IsLevelColumn(col) {
		order = bands.LevelLadder
	}
	rank := func(s string) int {
		for i, x := range order {
			if x == s {
				return i
			}
		}
		return len(order)
	}
	sort.SliceStable(bs, func(i, j int) bool {
		vi, vj := bs[i].Value(col), bs[j].Value(col)
		if ri, rj := rank(vi), rank(vj); ri != rj {
			return ri < rj
		}
		return vi < vj
	})
}

// writeChartFiles writes one chart as PNG and SVG and keeps the SVG for
// inlining into the HTML page.
func writeChartFiles(chartDir string, c *chartFile) error {
	png := filepath.Join(chartDir, c.Name+".png")
	svgPath := filepath.Join(chartDir, c.Name+".svg")
	if err := SaveChart(c.plot, png); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := SaveChart(c.plot, svgPath); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	raw, err := os.ReadFile(svgPath)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	svg, err := inlineSVG(raw)
	if err != nil {
		return fmt.Errorf("report: chart %s: %w", c.Name, err)
	}
	c.svg = svg
	c.pngPath = "charts/" + c.Name + ".png"
	return nil
}
