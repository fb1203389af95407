package report

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"payband/bands"
	"payband/outdir"
	"payband/pay"
	"payband/titles"
)

// ReportSummary says what WriteReport wrote.
type ReportSummary struct {
	Dir      string
	Families int      // family sections
	Bands    int      // rows of bands.json
	Charts   []string // chart names, sorted ("band-security-manager", "ladder", …)
	// Medians are the families' headline medians, for the next run to
	// show how far each moved (ReportConfig.Previous).
	Medians []HeadlineMedian
}

// HeadlineMedian is the median a family's headline states: its latest
// year in the report's scope and the source kinds of that band.
type HeadlineMedian struct {
	Family string  `json:"family"`
	Year   int     `json:"year"`
	Kinds  string  `json:"kinds"` // Scope.KindsText: "survey", "mixed: …"
	N      int     `json:"n"`
	Median float64 `json:"median"`
}

// leadFamily opens the report when no families are configured.
const leadFamily = "security-manager"

// LadderFamilies is the career ladder of the ladder chart, lowest step first.
var LadderFamilies = []string{
	"security-analyst", "security-engineer", "security-architect",
	"security-manager", "security-director", "ciso",
}

// Limits of the data-quality tables.
const (
	reportTopRejects   = 10
	reportTopUnmatched = 20
	reportTopTitles    = 8
)

// WriteReport writes the whole report into dir atomically: everything is
// built in a temporary directory beside dir and renamed into place,
// replacing an older report at dir. A non-empty dir that does not hold a
// report is refused rather than replaced.
func WriteReport(ctx context.Context, db *sql.DB, dir string, cfg ReportConfig, tax *titles.Taxonomy, now time.Time) (ReportSummary, error) {
	if dir == "" {
		return ReportSummary{}, errors.New("report: no output directory")
	}
	if tax == nil {
		t, err := titles.DefaultTaxonomy()
		if err != nil {
			return ReportSummary{}, err
		}
		tax = t
	}
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return ReportSummary{}, fmt.Errorf("report config: %w", err)
	}
	dir = filepath.Clean(dir)
	if err := outdir.Check(dir, "report"); err != nil {
		return ReportSummary{}, err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return ReportSummary{}, fmt.Errorf("report: %w", err)
	}
	outdir.Sweep(dir)

	rep, err := buildReport(ctx, db, cfg, tax, now)
	if err != nil {
		return ReportSummary{}, err
	}

	tmp, err := outdir.Temp(dir, "report")
	if err != nil {
		return ReportSummary{}, err
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	if err := rep.writeFiles(tmp); err != nil {
		return ReportSummary{}, err
	}
	if err := outdir.Replace(tmp, dir, "report"); err != nil {
		return ReportSummary{}, err
	}
	done = true

	sum := ReportSummary{Dir: dir, Families: len(rep.Families), Bands: len(rep.AllBands)}
	for _, fs := range rep.Families {
		if fs.LatestYear != 0 {
			sum.Medians = append(sum.Medians, HeadlineMedian{Family: fs.ID, Year: fs.LatestYear,
				Kinds: fs.Latest.Scope.KindsText(), N: fs.Latest.N, Median: fs.Latest.Median})
		}
	}
	for _, c := range rep.charts {
		sum.Charts = append(sum.Charts, c.Name)
	}
	sort.Strings(sum.Charts)
	return sum, nil
}

// report is everything the renderers show; every number in it comes from
// ComputeBands or from a count query, formatted once here.
type report struct {
	Title      string
	ScopeText  string // the population every band of the report measures
	Generated  string
	MinN       int
	LowN       int
	Real       int
	cpiCarried []int // years past the CPI table (CarriedCPINote)
	Years      []int // the years shown; empty = every year in the data
	YearsText  string
	TotalRows  int64
	Families   []*familySection
	Overview   []overviewRow   // the summary table at the top
	PrevRun    string          // the run the "since last run" column compares with
	Synthetic  string          // the banner when any source is synthetic, else ""
	Skipped    []skippedFamily // families asked for but without a band
	Ladder     *ladderSection
	Quality    qualitySection
	AllBands   []bands.Band // bands.json and bands.csv
	BandKeys   []string     // their group keys
	csvSafe    bool
	charts     []*chartFile
	memo       *bands.Memo
	hist       map[string][]float64 // each family's latest year's pay (histValues)
}

type skippedFamily struct{ ID, Name string }

type familySection struct {
	ID, Name   string
	Rows       int64    // rows in the report's years
	Summary    string   // the headline as plain text (Markdown, tests)
	Head       headline // the same sentence in parts, for the page
	LatestYear int
	Latest     bands.Band
	Published  []publishedView
	Titles     []countRow
	Tables     []*bandTable
	Charts     []*chartFile
	byYear     []bands.Band // nominal, by year only
	byYearReal []bands.Band
	byKind     []bands.Band // nominal, by year and source kind
}

type bandTable struct {
	extra   bool // not by the report's columns: left out of bands.json and bands.csv
	Heading string
	Keys    []string
	Bands   []bands.Band
	Command string
	Note    string
}

// publishedView is one publisher's figures for one occupation, area and
// dollar basis, a column per year: a compact table that does not stretch
// the family's card however many years a publisher has.
type publishedView struct {
	Heading string
	Years   []string
	Rows    []publishedRow
	Note    string
}

type publishedRow struct {
	Label string
	Cells []string // one per year; "—" where that year lacks the figure
}

type countRow struct {
	Label string
	Count int64
}

type ladderSection struct {
	Year  int
	Steps []bands.Band // Group = family name
	IDs   []string
	Chart *chartFile
}

type qualitySection struct {
	Sources      []sourceRow
	Rejects      []countRow
	RejectTotal  int64
	RejectKinds  int
	Unmatched    []countRow
	UnmatchedAll int64 // rows with no family
}

type sourceRow struct {
	Source, Path, SHA256, Profile string
	Read, Loaded, Rejected, Dup   int64
	LoadedAt                      string
}

func buildReport(ctx context.Context, db *sql.DB, cfg ReportConfig, tax *titles.Taxonomy, now time.Time) (*report, error) {
	r := &report{
		Title:     cfg.Title,
		Generated: now.UTC().Format("2006-01-02 15:04 UTC"),
		MinN:      cfg.MinN,
		LowN:      bands.LowN,
		Real:      cfg.Real,
		Years:     append([]int(nil), cfg.Years...),
		csvSafe:   *cfg.CSVSafe,
		memo:      bands.NewMemo(db, cfg.Engine),
	}
	sort.Ints(r.Years)
	r.YearsText = "all years"
	if len(r.Years) > 0 {
		r.YearsText = joinInts(r.Years)
	}
	yearArg := yearsArg(r.Years)

	r.ScopeText = cfg.scopeText()
	counts, err := familyCounts(ctx, db, yearArg, cfg)
	if err != nil {
		return nil, err
	}
	for f, n := range counts.scoped {
		r.TotalRows += n
		if f == "" {
			delete(counts.scoped, f) // unmatched rows are no family's
		}
	}

	var ids []string
	if len(cfg.Families) > 0 {
		for _, id := range cfg.Families {
			if _, ok := tax.Family(id); !ok {
				return nil, fmt.Errorf("report: family %q is not in the taxonomy", id)
			}
		}
		ids = cfg.Families
	} else {
		for _, f := range tax.Families {
			if counts.scoped[f.ID] >= int64(cfg.MinN) && counts.scoped[f.ID] > 0 {
				ids = append(ids, f.ID)
			}
		}
		// The Security Manager family is what most readers come for.
		sort.SliceStable(ids, func(i, j int) bool { return ids[i] == leadFamily && ids[j] != leadFamily })
	}

	var realFactor map[int]float64
	if cfg.Real != 0 {
		if realFactor, err = bands.RealFactors(ctx, db, pay.DefaultCPI(), cfg.Real); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		if r.cpiCarried, err = bands.CarriedCPI(ctx, db, nil); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}

	r.BandKeys = append([]string{"family"}, cfg.By...)
	// The families' queries run concurrently: much of a band query is
	// single-threaded (lists, Arrow conversion, the statistics), so two at
	// a time keep both cores busy. A family that fails cancels the others'
	// queries.
	sections := make([]*familySection, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	// Every family's frequent titles come from one query, beside the
	// families' own.
	var frequent map[string][]countRow
	g.Go(func() (err error) {
		frequent, err = frequentTitles(gctx, db, yearArg, cfg)
		return err
	})
	for i, id := range ids {
		g.Go(func() error {
			fam, _ := tax.Family(id)
			fs, err := buildFamily(gctx, db, r.memo, cfg, tax, fam, counts.scoped[id], r.Years, realFactor)
			sections[i] = fs
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, fs := range sections {
		if fs != nil {
			fs.Titles = frequent[fs.ID]
		}
	}
	for i, id := range ids {
		fam, _ := tax.Family(id)
		fs := sections[i]
		if fs == nil {
			r.Skipped = append(r.Skipped, skippedFamily{ID: fam.ID, Name: fam.Name})
			continue
		}
		r.Families = append(r.Families, fs)
		for _, t := range fs.Tables {
			if t.extra {
				continue
			}
			for _, b := range t.Bands {
				nb := b
				nb.Group = append([]bands.KV{{Key: "family", Value: fam.ID}}, b.Group...)
				r.AllBands = append(r.AllBands, nb)
			}
		}
	}

	r.PrevRun = cfg.PreviousRun
	for _, fs := range r.Families {
		r.Overview = append(r.Overview, overview(fs, cfg.Previous))
	}

	if r.Ladder, err = buildLadder(ctx, r.memo, cfg, tax, r.Years); err != nil {
		return nil, err
	}
	base := cfg.BaseDir
	if base == "" {
		base, _ = os.Getwd()
	}
	if r.Quality, err = buildQuality(ctx, db, base); err != nil {
		return nil, err
	}
	r.Quality.UnmatchedAll = counts.all[""]
	var synth, total int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE synthetic), count(*) FROM sources`).Scan(&synth, &total); err != nil {
		return nil, fmt.Errorf("report: sources: %w", err)
	}
	switch {
	case synth > 0 && synth == total:
		r.Synthetic = "Synthetic data: every source of this report is made up (payband gen or demo). No figure here describes real pay."
	case synth > 0:
		r.Synthetic = fmt.Sprintf("Synthetic data: %d of %d sources of this report are made up (payband gen or demo) and pooled with the others. Do not read its figures as real pay.", synth, total)
	}
	if err := r.buildCharts(ctx, db, cfg); err != nil {
		return nil, err
	}
	return r, nil
}

// scoped narrows q to the report's scope: its country and case statuses.
func (c ReportConfig) scoped(q bands.BandQuery) bands.BandQuery {
	f := make(map[string]string, len(q.Filters)+1)
	for k, v := range q.Filters {
		f[k] = v
	}
	if c.Country != "" && c.Country != "all" {
		f["country"] = c.Country
	}
	q.Filters = f
	q.CaseStatus = c.CaseStatus
	return q
}

// scopeWhere filters salaries by the report's scope, given scopeArgs.
// Its certified-only condition is the bands' own (bands.CertifiedSQL).
var scopeWhere = `(? = 'all' OR country = ?) AND (? = 'all' OR ` + bands.CertifiedSQL("case_status", "trim(case_status)") + `)`

func (c ReportConfig) scopeArgs() []any {
	country := c.Country
	if country == "" {
		country = "all"
	}
	return []any{country, country, c.CaseStatus}
}

// scopeText says the report's scope in a line.
func (c ReportConfig) scopeText() string {
	place := "every country"
	if c.Country != "" && c.Country != "all" {
		place = bands.CountryName(c.Country)
	}
	filings := "LCA filings count only when certified"
	if c.CaseStatus == bands.CaseStatusAll {
		filings = "LCA filings count whatever their case status (certified, withdrawn, denied)"
	}
	return fmt.Sprintf("Scope: %s; %s; survey answers, LCA offered and LCA prevailing wages measure different things and are shown apart where a family has several.", place, filings)
}

// yearsWhere filters salaries by the report's years, given yearsArg twice.
const yearsWhere = `(? = '' OR list_contains(string_split(?, ','), CAST(year AS VARCHAR)))`

func yearsArg(years []int) string {
	s := make([]string, len(years))
	for i, y := range years {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, ",")
}

// rowCounts are the rows of each family ("" for rows with no family): in
// the report's years and scope, and in all.
type rowCounts struct{ scoped, all map[string]int64 }

// familyCounts counts every family's rows in one scan.
func familyCounts(ctx context.Context, db *sql.DB, yearArg string, cfg ReportConfig) (rowCounts, error) {
	out := rowCounts{scoped: map[string]int64{}, all: map[string]int64{}}
	rows, err := db.QueryContext(ctx, `SELECT family, count(*) FILTER (WHERE `+yearsWhere+` AND `+scopeWhere+`), count(*) FROM salaries GROUP BY family`,
		append([]any{yearArg, yearArg}, cfg.scopeArgs()...)...)
	if err != nil {
		return out, fmt.Errorf("report: count families: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f string
		var scoped, all int64
		if err := rows.Scan(&f, &scoped, &all); err != nil {
			return out, fmt.Errorf("report: count families: %w", err)
		}
		out.all[f] = all
		if scoped > 0 {
			out.scoped[f] = scoped
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("report: count families: %w", err)
	}
	return out, nil
}

// frequentTitles is each family's reportTopTitles most frequent titles in
// the report's years and scope, their spellings grouped (titleGroupKey).
func frequentTitles(ctx context.Context, db *sql.DB, yearArg string, cfg ReportConfig) (map[string][]countRow, error) {
	rows, err := db.QueryContext(ctx, `WITH t AS (SELECT family, title_raw, count(*) AS rows FROM salaries
WHERE family <> '' AND `+yearsWhere+` AND `+scopeWhere+` GROUP BY family, title_raw),
g AS (SELECT family, `+titleGroupLabel+` AS label, sum(rows) AS n FROM t GROUP BY family, `+titleGroupKey+`)
SELECT family, label, n FROM (SELECT *, row_number() OVER (PARTITION BY family ORDER BY n DESC, label) AS rank FROM g)
WHERE rank <= ? ORDER BY family, rank`, append(append([]any{yearArg, yearArg}, cfg.scopeArgs()...), reportTopTitles)...)
	if err != nil {
		return nil, fmt.Errorf("report: frequent titles: %w", err)
	}
	defer rows.Close()
	out := map[string][]countRow{}
	for rows.Next() {
		var f string
		var c countRow
		if err := rows.Scan(&f, &c.Label, &c.Count); err != nil {
			return nil, fmt.Errorf("report: frequent titles: %w", err)
		}
		out[f] = append(out[f], c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: frequent titles: %w", err)
	}
	return out, nil
}

// inYears keeps the bands whose year is one of years (all when empty).
func inYears(bs []bands.Band, years []int) []bands.Band {
	if len(years) == 0 {
		return bs
	}
	keep := map[string]bool{}
	for _, y := range years {
		keep[strconv.Itoa(y)] = true
	}
	var out []bands.Band
	for _, b := range bs {
		if keep[b.Value("year")] {
			out = append(out, b)
		}
	}
	return out
}

func buildFamily(ctx context.Context, db *sql.DB, memo *bands.Memo, cfg ReportConfig, tax *titles.Taxonomy, fam titles.Family, rows int64, years []int, realFactor map[int]float64) (*familySection, error) {
	fs := &familySection{ID: fam.ID, Name: fam.Name, Rows: rows}
	filter := map[string]string{"family": fam.ID}

	// The source kinds of the family, side by side for each year: the
	// headline states one kind, never a pool of them.
	byYear, byKind, _, err := yearBands(ctx, memo, cfg, fam.ID)
	if err != nil {
		return nil, fmt.Errorf("report: %s: %w", fam.ID, err)
	}
	fs.byYear = inYears(byYear, years)
	byYearQ := yearQuery(cfg, fam.ID)
	if cfg.Real != 0 {
		q := byYearQ
		q.Real = cfg.Real
		br, err := memo.Bands(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("report: %s: %w", fam.ID, err)
		}
		fs.byYearReal = inYears(br, years)
	}

	article := "a"
	if strings.ContainsRune("AEIOUaeiou", rune(fam.Name[0])) {
		article = "an"
	}
	byKind = inYears(byKind, years)
	fs.byKind = byKind
	if len(fs.byYear) == 0 {
		fs.Summary = fmt.Sprintf("No year has at least %d rows for %s %s %s, so no band is shown.", cfg.MinN, article, fam.Name, scopePlace(cfg))
		fs.Head = headline{Before: fs.Summary, Hedged: true}
	} else {
		latest := fs.byYear[len(fs.byYear)-1]
		fs.LatestYear, _ = strconv.Atoi(latest.Value("year"))
		if latest.Scope.Mixed() {
			// The kind with the most rows that year speaks for it.
			var best *bands.Band
			for i, b := range byKind {
				if b.Value("year") == latest.Value("year") && (best == nil || b.N > best.N) {
					best = &byKind[i]
				}
			}
			if best != nil {
				latest = *best
			}
		}
		fs.Latest = latest
		fs.Head = familyHeadline(article, fam.Name, fs.LatestYear, latest)
		fs.Summary = fs.Head.Text()
	}
	kinds := map[string]bool{}
	for _, b := range byKind {
		kinds[b.Value("source_kind")] = true
	}
	var kindTable *bandTable
	if len(kinds) > 1 {
		q := cfg.scoped(bands.BandQuery{By: []string{"year", "source_kind"}, Filters: filter, MinN: cfg.MinN})
		query, args, err := q.SQL(nil)
		if err != nil {
			return nil, fmt.Errorf("report: %s: %w", fam.ID, err)
		}
		kindTable = &bandTable{
			extra:   true,
			Heading: "Pay by source kind, side by side (nominal US dollars a year)",
			Keys:    []string{"year", "source_kind"},
			Bands:   byKind,
			Command: bands.QueryCommand(query, args),
			Note: "Survey answers are self-reported pay; LCA offered and prevailing wages are what an employer filed for an H-1B position. " +
				"They measure different things, so each stands on its own row and no band pools them.",
		}
	}

	// The band tables: nominal, then real when asked for.
	bases := []int{0}
	if cfg.Real != 0 {
		bases = append(bases, cfg.Real)
	}
	for _, basis := range bases {
		q := cfg.scoped(bands.BandQuery{By: cfg.By, Filters: filter, MinN: cfg.MinN, Real: basis})
		var shown []bands.Band
		if basis == 0 && len(cfg.By) == 1 {
			shown = fs.byYear
		} else if basis != 0 && len(cfg.By) == 1 {
			shown = fs.byYearReal
		} else {
			all, err := memo.Bands(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("report: %s: %w", fam.ID, err)
			}
			shown = inYears(all, years)
		}
		var factors map[int]float64
		heading := "Pay bands by " + strings.Join(cfg.By, ", ") + " (nominal US dollars a year)"
		if basis != 0 {
			factors = realFactor
			heading = fmt.Sprintf("Pay bands by %s (%d US dollars a year, CPI-U)", strings.Join(cfg.By, ", "), basis)
		}
		query, args, err := q.SQL(factors)
		if err != nil {
			return nil, fmt.Errorf("report: %s: %w", fam.ID, err)
		}
		note := fmt.Sprintf("The query returns every group; the table leaves out groups with fewer than %d rows", cfg.MinN)
		if len(years) > 0 {
			note += " and years other than " + joinInts(years)
		}
		if mixed := bands.MixedNote(shown); mixed != "" {
			note += ". " + strings.Replace(mixed, "add --by source_kind or --where source_kind=K to see them apart", "the table by source kind shows them apart", 1)
		}
		fs.Tables = append(fs.Tables, &bandTable{
			Heading: heading,
			Keys:    cfg.By,
			Bands:   shown,
			Command: bands.QueryCommand(query, args),
			Note:    note + ".",
		})
	}

	if kindTable != nil {
		fs.Tables = append(fs.Tables, kindTable)
	}

	pubs, err := bands.PublishedFor(ctx, db, fam.ID, 0, tax)
	if err != nil {
		return nil, fmt.Errorf("report: published figures for %s: %w", fam.ID, err)
	}
	var shown []bands.Published
	for _, p := range pubs {
		shown = append(shown, p)
		if cfg.Real != 0 {
			// Beside the real-dollar tables, the figure in the same dollars.
			if err := p.Convert(pay.DefaultCPI(), cfg.Real); err == nil {
				shown = append(shown, p)
			}
		}
	}
	fs.Published = publishedTables(shown)

	return fs, nil
}

// yearQuery and kindQuery are a family's bands by year, and by year and
// source kind.
func yearQuery(cfg ReportConfig, family string) bands.BandQuery {
	return cfg.scoped(bands.BandQuery{By: []string{"year"}, Filters: map[string]string{"family": family}, MinN: cfg.MinN})
}

func kindQuery(cfg ReportConfig, family string) bands.BandQuery {
	return cfg.scoped(bands.BandQuery{By: []string{"year", "source_kind"}, Filters: map[string]string{"family": family}, MinN: cfg.MinN})
}

// yearBands returns a family's bands by year and by year and source kind.
// When each of the family's years has one source kind, the bands by year
// are those by year and kind without the kind: the same rows, so the same
// figures and scope, and one query over all the rows instead of two. The
// kinds are counted from the query with every group (MinN 1): a year with
// a few rows of a second kind has two kinds even when the table leaves
// that group out. derived says which way it went.
func yearBands(ctx context.Context, memo *bands.Memo, cfg ReportConfig, family string) (byYear, byKind []bands.Band, derived bool, err error) {
	q := kindQuery(cfg, family)
	q.MinN = 1
	all, err := memo.Bands(ctx, q)
	if err != nil {
		return nil, nil, false, err
	}
	kinds := map[string]int{}
	for _, b := range all {
		kinds[b.Value("year")]++
		if b.N >= cfg.MinN {
			byKind = append(byKind, b)
		}
	}
	for _, n := range kinds {
		if n > 1 {
			byYear, err = memo.Bands(ctx, yearQuery(cfg, family))
			return byYear, byKind, false, err
		}
	}
	for _, b := range byKind {
		g := make([]bands.KV, 0, len(b.Group)-1)
		for _, kv := range b.Group {
			if kv.Key != "source_kind" {
				g = append(g, kv)
			}
		}
		b.Group = g
		byYear = append(byYear, b)
	}
	return byYear, byKind, true, nil
}

// overviewRow is one family's line of the summary table at the top of the
// report: its headline figures and how far its median moved.
type overviewRow struct {
	ID, Name, Year, N       string
	Median, CI, Range       string
	SinceYear, SinceYearVs  string // "+4.2%", "2023"; "—" and why when there is nothing to compare
	SinceRun, SinceRunTitle string
	LowN                    bool
}

// overview compares a family's headline band with the band of the same
// source kinds in the latest earlier year, and with the headline median of
// the previous run when that run stated one for the same year and kinds:
// a change is only shown between like populations.
func overview(fs *familySection, prev []HeadlineMedian) overviewRow {
	row := overviewRow{ID: fs.ID, Name: fs.Name, N: "—", Median: "—", CI: "", Range: "—",
		SinceYear: "—", SinceRun: "—"}
	if fs.LatestYear == 0 {
		row.SinceYearVs = "no band"
		return row
	}
	b := fs.Latest
	row.Year = strconv.Itoa(fs.LatestYear)
	row.N, row.LowN = formatInt(int64(b.N)), b.LowN
	row.Median, row.Range = money(b.Median), money(b.P25)+"–"+money(b.P75)
	if b.MedianCIHigh != 0 {
		row.CI = moneyK(b.MedianCILow) + "–" + moneyK(b.MedianCIHigh)
	}
	kinds := b.Scope.KindsText()
	var before *bands.Band
	beforeYear := 0
	for _, set := range [][]bands.Band{fs.byYear, fs.byKind} {
		for i, c := range set {
			y, _ := strconv.Atoi(c.Value("year"))
			if y < fs.LatestYear && y > beforeYear && c.Scope.KindsText() == kinds {
				before, beforeYear = &set[i], y
			}
		}
	}
	if before != nil && before.Median != 0 {
		row.SinceYear, row.SinceYearVs = pctChange(b.Median, before.Median), "vs "+strconv.Itoa(beforeYear)
	} else {
		row.SinceYearVs = "no earlier year of " + kinds
	}
	row.SinceRunTitle = "no earlier run"
	for _, p := range prev {
		if p.Family != fs.ID {
			continue
		}
		switch {
		case p.Year != fs.LatestYear:
			row.SinceRunTitle = fmt.Sprintf("the last run's headline was %d", p.Year)
		case p.Kinds != kinds:
			row.SinceRunTitle = "the last run's headline measured " + p.Kinds
		case p.Median != 0:
			row.SinceRun = pctChange(b.Median, p.Median)
			row.SinceRunTitle = "was " + money(p.Median) + fmt.Sprintf(" (n = %s)", formatInt(int64(p.N)))
		}
	}
	return row
}

// pctChange is the change from old to cur as "+4.2%", "−0.3%" or "0.0%".
func pctChange(cur, old float64) string {
	d := (cur - old) / old * 100
	if math.Abs(d) < 0.05 {
		return "0.0%"
	}
	if d < 0 {
		return fmt.Sprintf("−%.1f%%", -d)
	}
	return fmt.Sprintf("+%.1f%%", d)
}

// headline is a family's lead sentence: Before, then the median's
// interval CI (marked up on the page so a reader's eye finds it), then
// After. Hedged is set below bands.LowN rows: the page then prints it in
// body type, as a caution rather than a fact.
type headline struct {
	Before, CI, After string
	Hedged            bool
}

// Text is the sentence whole.
func (h headline) Text() string { return h.Before + h.CI + h.After }

// familyHeadline leads with the median and its 95% interval, as salary
// sites lead with the median or a likely range; the mean stays in the
// tables. Below bands.LowN rows the sentence says how few rows carry it.
func familyHeadline(article, name string, year int, b bands.Band) headline {
	ci := "95% CI " + moneyK(b.MedianCILow) + "–" + moneyK(b.MedianCIHigh)
	if b.MedianCILow == 0 && b.MedianCIHigh == 0 {
		ci = "too few rows for a 95% interval"
	}
	n := formatInt(int64(b.N)) + " " + b.Scope.Units()
	if !b.LowN {
		return headline{
			Before: fmt.Sprintf("%s %s %s is paid a median of %s (", capitalize(article), name, b.Scope.Place(), money(b.Median)),
			CI:     ci,
			After:  fmt.Sprintf("), n = %s, %d. Half earn between %s and %s.", n, year, moneyK(b.P25), moneyK(b.P75)),
		}
	}
	return headline{
		Before: fmt.Sprintf("Only %s describe %s %s %s in %d, too few for a firm figure: their median is %s (", n, article, name, b.Scope.Place(), year, money(b.Median)),
		CI:     ci,
		After:  fmt.Sprintf("), and half fall between %s and %s. More data may move these figures a lot.", moneyK(b.P25), moneyK(b.P75)),
		Hedged: true,
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// moneyK formats dollars to the nearest thousand for prose: "$132k".
func moneyK(v float64) string {
	k := Whole(v / 1000)
	if k < 0 {
		return "-$" + formatInt(-k) + "k"
	}
	return "$" + formatInt(k) + "k"
}

// publishedLabels are a published table's rows, in reading order, with
// the topcoded-column name of each: a reference band has average, start
// and maximum, an OEWS row its percentiles and employment.
var publishedLabels = []struct{ label, col string }{
	{"average", "mean"}, {"starts at", "low"}, {"p10", "p10"}, {"p25", "p25"}, {"median", "median"},
	{"p75", "p75"}, {"p90", "p90"}, {"can reach", "high"}, {"employment", ""},
}

func publishedValue(p bands.Published, col string) (string, bool) {
	var v float64
	switch col {
	case "mean":
		v = p.Mean
	case "low":
		v = p.Low
	case "p10":
		v = p.P10
	case "p25":
		v = p.P25
	case "median":
		v = p.Median
	case "p75":
		v = p.P75
	case "p90":
		v = p.P90
	case "high":
		v = p.High
	case "":
		if p.Employment > 0 {
			return formatInt(p.Employment), true
		}
		return "", false
	}
	if v == 0 {
		return "", false
	}
	s := money(v)
	if p.Topcoded && strings.Contains(","+p.TopcodedColumns+",", ","+col+",") {
		s = "≥ " + s
	}
	return s, true
}

// publishedTables groups published figures by publisher, occupation, area,
// comparison and dollar basis, in the order first seen, each a table with
// a column per year and a row per figure any of its years has.
func publishedTables(ps []bands.Published) []publishedView {
	type group struct {
		view  publishedView
		byYr  map[int]bands.Published
		years []int
	}
	var order []string
	groups := map[string]*group{}
	for _, p := range ps {
		key := strings.Join([]string{p.Publisher, p.Code, p.Occupation, p.Area, p.Comparison, p.Basis}, "\x00")
		g := groups[key]
		if g == nil {
			occ := p.Occupation
			if p.Code != "" {
				occ = p.Code + " " + occ
			}
			dollars := "nominal dollars of each year"
			heading := p.Publisher
			if strings.HasPrefix(p.Basis, "real:") {
				yr := strings.TrimPrefix(p.Basis, "real:")
				dollars = yr + " dollars (CPI-U, converted like the real-dollar bands)"
				heading += ", in " + yr + " dollars"
			}
			note := strings.TrimSpace(occ + " · " + p.Area + " · " + dollars)
			if p.Comparison != "" {
				note += " · " + p.Comparison
			}
			g = &group{view: publishedView{Heading: heading, Note: note}, byYr: map[int]bands.Published{}}
			groups[key] = g
			order = append(order, key)
		}
		if _, dup := g.byYr[p.Year]; !dup {
			g.years = append(g.years, p.Year)
		}
		g.byYr[p.Year] = p
	}
	var out []publishedView
	for _, key := range order {
		g := groups[key]
		sort.Ints(g.years)
		v := g.view
		for _, y := range g.years {
			v.Years = append(v.Years, strconv.Itoa(y))
		}
		for _, l := range publishedLabels {
			row := publishedRow{Label: l.label}
			has := false
			for _, y := range g.years {
				s, ok := publishedValue(g.byYr[y], l.col)
				if !ok {
					s = "—"
				}
				has = has || ok
				row.Cells = append(row.Cells, s)
			}
			if has {
				v.Rows = append(v.Rows, row)
			}
		}
		out = append(out, v)
	}
	return out
}

// scopePlace is the report's place for a sentence: "in the United States".
func scopePlace(cfg ReportConfig) string {
	if cfg.Country == "" || cfg.Country == "all" {
		return "in any country"
	}
	return "in " + bands.CountryName(cfg.Country)
}

func buildLadder(ctx context.Context, memo *bands.Memo, cfg ReportConfig, tax *titles.Taxonomy, years []int) (*ladderSection, error) {
	// The ladder's year is the latest year in which any step has a band.
	var all []bands.Band
	for _, id := range LadderFamilies {
		if _, ok := tax.Family(id); !ok {
			continue
		}
		bs, _, _, err := yearBands(ctx, memo, cfg, id)
		if err != nil {
			return nil, fmt.Errorf("report: ladder: %w", err)
		}
		for _, b := range inYears(bs, years) {
			b.Group = append([]bands.KV{{Key: "family", Value: id}}, b.Group...)
			all = append(all, b)
		}
	}
	year := 0
	for _, b := range all {
		if y, _ := strconv.Atoi(b.Value("year")); y > year {
			year = y
		}
	}
	if year == 0 {
		return nil, nil
	}
	l := &ladderSection{Year: year}
	for _, id := range LadderFamilies {
		for _, b := range all {
			if b.Value("family") == id && b.Value("year") == strconv.Itoa(year) {
				f, _ := tax.Family(id)
				b.Group = []bands.KV{{Key: "title", Value: f.Name}}
				l.Steps = append(l.Steps, b)
				l.IDs = append(l.IDs, id)
			}
		}
	}
	return l, nil
}

func buildQuality(ctx context.Context, db *sql.DB, base string) (qualitySection, error) {
	var q qualitySection
	rows, err := db.QueryContext(ctx, `SELECT source, path, sha256, profile, rows_read, rows_loaded, rows_rejected, rows_duplicate, loaded_at
FROM sources ORDER BY source, path, sha256`)
	if err != nil {
		return q, fmt.Errorf("report: sources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s sourceRow
		var at sql.NullTime
		var profile sql.NullString
		if err := rows.Scan(&s.Source, &s.Path, &s.SHA256, &profile, &s.Read, &s.Loaded, &s.Rejected, &s.Dup, &at); err != nil {
			return q, fmt.Errorf("report: sources: %w", err)
		}
		s.Profile = profile.String
		s.Path = displayPath(base, s.Path)
		if at.Valid {
			s.LoadedAt = at.Time.UTC().Format(time.RFC3339)
		}
		q.Sources = append(q.Sources, s)
	}
	if err := rows.Err(); err != nil {
		return q, err
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT reason) FROM rejects`).Scan(&q.RejectTotal, &q.RejectKinds); err != nil {
		return q, fmt.Errorf("report: rejects: %w", err)
	}
	if q.Rejects, err = countRows(ctx, db, `SELECT coalesce(reason, ''), count(*) AS n FROM rejects GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?`, reportTopRejects); err != nil {
		return q, fmt.Errorf("report: rejects: %w", err)
	}
	if q.Unmatched, err = countRows(ctx, db, `SELECT `+titleGroupLabel+`, sum(rows) AS n FROM title_map WHERE family = '' AND rows > 0
GROUP BY `+titleGroupKey+` ORDER BY n DESC, 1 LIMIT ?`, reportTopUnmatched); err != nil {
		return q, fmt.Errorf("report: unmatched titles: %w", err)
	}
	return q, nil
}

// A title's spellings that differ only in case and white space are one
// title to a reader ("Software Engineer", "SOFTWARE  ENGINEER"): the
// data-quality and frequent-title lists group them under titleGroupKey
// and show the most frequent spelling (ties: the first in byte order),
// with the number of spellings when there are several. Both run over
// (title_raw, rows) pairs.
const (
	titleGroupKey   = `lower(regexp_replace(trim(title_raw), '\s+', ' ', 'g'))`
	titleGroupLabel = `first(title_raw ORDER BY rows DESC, title_raw) || CASE WHEN count(*) > 1 THEN ' (' || count(*) || ' spellings)' ELSE '' END`
)

// displayPath shows a source's path relative to base when it lies within
// two folders up of it, else as "…/folder/file": the report names no
// absolute path of the machine that loaded it.
func displayPath(base, p string) string {
	if !filepath.IsAbs(p) || base == "" {
		return filepath.ToSlash(p)
	}
	if rel, err := filepath.Rel(base, p); err == nil {
		ups := 0
		for rest := rel; strings.HasPrefix(rest, ".."+string(filepath.Separator)); rest = rest[3:] {
			ups++
		}
		if ups <= 2 && rel != ".." {
			return filepath.ToSlash(rel)
		}
	}
	return "…/" + filepath.Base(filepath.Dir(p)) + "/" + filepath.Base(p)
}

func countRows(ctx context.Context, db *sql.DB, query string, args ...any) ([]countRow, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []countRow
	for rows.Next() {
		var c countRow
		if err := rows.Scan(&c.Label, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// money formats whole dollars for prose and tables: "$123,456".
func money(v float64) string {
	n := Whole(v)
	if n < 0 {
		return "-$" + formatInt(-n)
	}
	return "$" + formatInt(n)
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// bandGrid is a band table as display strings, shared by the HTML and
// Markdown renderers so both show the same figures.
type bandGrid struct {
	Head []string
	Rows []bandGridRow
}

type bandGridRow struct {
	Keys  []string
	Cells []string
	LowN  bool
}

var bandGridStats = []string{"n", "min", "p10", "p25", "median", "p75", "p90", "max", "mean"}

func (t *bandTable) Grid() bandGrid {
	g := bandGrid{Head: append(append([]string{}, t.Keys...), bandGridStats...)}
	for _, b := range t.Bands {
		row := bandGridRow{LowN: b.LowN}
		for _, k := range t.Keys {
			row.Keys = append(row.Keys, b.Display(k))
		}
		row.Cells = []string{formatInt(int64(b.N)), money(b.Min), money(b.P10), money(b.P25), money(b.Median),
			money(b.P75), money(b.P90), money(b.Max), money(b.Mean)}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// writeFiles writes every file of the report into dir.
func (r *report) writeFiles(dir string) error {
	chartDir := filepath.Join(dir, "charts")
	if err := os.MkdirAll(chartDir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	// Charts are independent and drawing them is most of a report's time:
	// one worker per core.
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, c := range r.charts {
		g.Go(func() error { return writeChartFiles(chartDir, c) })
	}
	if err := g.Wait(); err != nil {
		return err
	}

	tbl := BandsTable(r.AllBands, r.BandKeys)
	opt := RenderOptions{RawCSV: !r.csvSafe, SafeJSON: r.csvSafe}
	for _, f := range []struct{ name, format string }{{"bands.json", "json"}, {"bands.csv", "csv"}} {
		var buf bytes.Buffer
		if err := tbl.Write(&buf, f.format, opt); err != nil {
			return fmt.Errorf("report: %s: %w", f.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}

	md, err := r.markdown()
	if err != nil {
		return fmt.Errorf("report: report.md: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report.md"), []byte(md), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var html bytes.Buffer
	if err := r.html(&html); err != nil {
		return fmt.Errorf("report: index.html: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), html.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// mdText escapes a data value for Markdown prose and table cells.
func mdText(s string) string {
	s = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "#", `\#`).Replace(s)
	return mdEscape(s)
}

// methodology is the note shared by the HTML and Markdown reports.
func (r *report) methodology() []string {
	real := "Dollars are nominal: each year's pay in that year's dollars."
	if r.Real != 0 {
		real = fmt.Sprintf("Nominal dollars are each year's pay in that year's dollars; real figures rescale them to %d dollars with the CPI-U (BLS, annual average).", r.Real)
		if n := bands.CarriedCPINote(nil, r.cpiCarried); n != "" {
			real += " " + n
		}
	}
	return []string{
		"Pay is `pay_usd`: annual pay in US dollars, converted from the source's currency and pay period at ingest.",
		"Percentiles (p10, p25, median, p75, p90) are linear interpolation between closest ranks (DuckDB `quantile_cont`, numpy's default); the average is the arithmetic mean.",
		"Figures are rounded to whole dollars on output only; `bands.json` and `bands.csv` hold the same rounded figures.",
		fmt.Sprintf("A group needs at least %d rows (min n) to be shown; groups under %d rows are marked low n and their percentiles are unstable.", r.MinN, r.LowN),
		"The career-page summary of each family uses its latest year with at least min n rows.",
		real,
		"Published figures (BLS OEWS, the shipped reference bands) are shown beside the computed bands and never mixed into them.",
	}
}
