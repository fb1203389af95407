package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"payband/bands"
	"payband/ingest"
	"payband/warehouse"
)

// TestMixedKindsSaySo: a band pooling survey and LCA rows says so in its
// scope and in the note.
func TestMixedKindsSaySo(t *testing.T) {
	ctx := context.Background()
	w := sharedWarehouse(t, "infosec_jobs_salaries_2025-08-03.csv", "h1b_sample_2015_2019.csv")
	bs, _, err := bands.ComputeBands(ctx, w.DB, bands.BandQuery{By: []string{"country"}, Filters: map[string]string{"country": "US"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 || !bs[0].Scope.Mixed() || !strings.Contains(bands.MixedNote(bs), "lca-prevailing, survey") {
		t.Errorf("bands %+v, note %q", bs, bands.MixedNote(bs))
	}
	var buf bytes.Buffer
	if err := BandsTable(bs, []string{"country"}).Write(&buf, "json", RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"scope_kinds": "mixed: lca-prevailing + survey"`) {
		t.Errorf("json: %s", buf.String())
	}
}

// TestUnmatchedLabels: unmatched rows read (unmatched) in tables and
// chart labels; JSON keeps null.
func TestUnmatchedLabels(t *testing.T) {
	ctx := context.Background()
	w := sharedWarehouse(t, "infosec_jobs_salaries_2025-08-03.csv")
	bs, _, err := bands.ComputeBands(ctx, w.DB, bands.BandQuery{By: []string{"family"}, MinN: 5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, b := range bs {
		labels = append(labels, b.Label())
	}
	if !slices.Contains(labels, "(unmatched)") || slices.Contains(labels, "all") || slices.Contains(labels, "") {
		t.Errorf("labels %q", labels)
	}
	p, err := BandChart(bs, ChartOptions{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := WriteChart(&svg, p, "svg"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg.String(), "(unmatched)") {
		t.Error("chart band --by family does not label unmatched rows (unmatched)")
	}
	var tbl, js bytes.Buffer
	if err := BandsTable(bs, []string{"family"}).Write(&tbl, "table", RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := BandsTable(bs, []string{"family"}).Write(&js, "json", RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tbl.String(), "(unmatched)") {
		t.Error("table lacks (unmatched)")
	}
	var rows []map[string]any
	if err := json.Unmarshal(js.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	nulls := 0
	for _, r := range rows {
		if v, ok := r["family"]; ok && v == nil {
			nulls++
		}
	}
	if nulls != 1 {
		t.Errorf("%d null families in JSON, want 1", nulls)
	}
}

// sharedWarehouse is a new warehouse holding the named files of
// ../shared/data; the test is skipped without them.
func sharedWarehouse(t *testing.T, names ...string) *warehouse.Warehouse {
	t.Helper()
	var paths []string
	for _, name := range names {
		p := filepath.Join("..", "..", "shared", "data", name)
		if _, err := os.Stat(p); err != nil {
			t.Skipf("shared data not available: %v", err)
		}
		paths = append(paths, p)
	}
	return loadFiles(t, paths...)
}

// loadFiles is a new warehouse holding the files at paths.
func loadFiles(t *testing.T, paths ...string) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	for _, p := range paths {
		if _, err := ingest.File(ctx, w, p, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func TestFamilyHeadline(t *testing.T) {
	survey := bands.Scope{Kinds: []string{bands.KindSurvey}, Countries: []string{"US"}, NCountries: 1}
	cases := []struct {
		name   string
		b      bands.Band
		want   string
		hedged bool
	}{
		{"firm", bands.Band{N: 762, Median: 137573, MedianCILow: 132400, MedianCIHigh: 141499, P25: 104200, P75: 170000, Scope: survey},
			"A Security Manager in the United States is paid a median of $137,573 (95% CI $132k–$141k), n = 762 survey answers, 2025. Half earn between $104k and $170k.", false},
		{"hedged", bands.Band{N: 27, LowN: true, Median: 208130, MedianCILow: 150000, MedianCIHigh: 260400, P25: 180000, P75: 231000, Scope: survey},
			"Only 27 survey answers describe a Security Manager in the United States in 2025, too few for a firm figure: their median is $208,130 (95% CI $150k–$260k), and half fall between $180k and $231k. More data may move these figures a lot.", true},
		{"no interval", bands.Band{N: 5, LowN: true, Median: 100000, P25: 90000, P75: 110000, Scope: survey},
			"Only 5 survey answers describe a Security Manager in the United States in 2025, too few for a firm figure: their median is $100,000 (too few rows for a 95% interval), and half fall between $90k and $110k. More data may move these figures a lot.", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := familyHeadline("a", "Security Manager", 2025, c.b)
			if h.Text() != c.want || h.Hedged != c.hedged {
				t.Errorf("got  %q (hedged %v)\nwant %q (hedged %v)", h.Text(), h.Hedged, c.want, c.hedged)
			}
			if !strings.HasPrefix(h.CI, "95% CI") && c.b.MedianCIHigh != 0 {
				t.Errorf("the interval part is %q", h.CI)
			}
		})
	}
}

func TestDisplayPath(t *testing.T) {
	cases := []struct{ base, path, want string }{
		{"/home/ana/pay", "/home/ana/pay/raw/lca.csv", "raw/lca.csv"},
		{"/home/ana/pay", "/home/ana/shared/data/lca.csv", "../shared/data/lca.csv"},
		{"/home/ana/cfg", "/home/shared/lca.csv", "../../shared/lca.csv"},
		{"/home/ana/pay/cfg/x", "/srv/data/2024/lca.csv", "…/2024/lca.csv"},
		{"/home/ana", "raw/lca.csv", "raw/lca.csv"},
		{"", "/srv/data/lca.csv", "/srv/data/lca.csv"},
	}
	for _, c := range cases {
		if got := displayPath(c.base, c.path); got != c.want {
			t.Errorf("displayPath(%q, %q) = %q, want %q", c.base, c.path, got, c.want)
		}
	}
}

// TestPublishedTables: a publisher's years become columns of one table;
// another occupation, area or dollar basis is a table of its own; a row
// shows only when some year has the figure, "—" where one lacks it.
func TestPublishedTables(t *testing.T) {
	oews := func(year int, median float64, emp int64) bands.Published {
		return bands.Published{Publisher: "BLS OEWS", Code: "11-3021", Occupation: "Computer and Information Systems Managers",
			Year: year, Area: "U.S.", Median: median, P25: median * 0.8, Employment: emp, Basis: "nominal"}
	}
	top := oews(2024, 239200, 600000)
	top.Topcoded, top.TopcodedColumns = true, "median"
	real := oews(2023, 160000, 0)
	real.Basis = "real:2016"
	got := publishedTables([]bands.Published{oews(2023, 169510, 0), top, oews(2022, 159010, 557000), real,
		{Publisher: "career page", Occupation: "Security Manager", Year: 2016, Area: "US", Mean: 60985, Low: 33037, High: 109370, Basis: "nominal"}})
	if len(got) != 3 {
		t.Fatalf("%d tables, want 3: %+v", len(got), got)
	}
	o := got[0]
	if strings.Join(o.Years, ",") != "2022,2023,2024" {
		t.Errorf("OEWS years %v, want 2022,2023,2024", o.Years)
	}
	rows := map[string]string{}
	var labels []string
	for _, r := range o.Rows {
		rows[r.Label] = strings.Join(r.Cells, "|")
		labels = append(labels, r.Label)
	}
	if strings.Join(labels, ",") != "p25,median,employment" {
		t.Errorf("OEWS rows %v, want p25, median, employment", labels)
	}
	if rows["median"] != "$159,010|$169,510|≥ $239,200" || rows["employment"] != "557,000|—|600,000" {
		t.Errorf("OEWS rows %v", rows)
	}
	if !strings.Contains(o.Note, "nominal dollars of each year") || !strings.Contains(got[1].Heading, "in 2016 dollars") {
		t.Errorf("bases not labelled: %q / %q", o.Note, got[1].Heading)
	}
	if c := got[2]; len(c.Years) != 1 || len(c.Rows) != 3 || c.Rows[0].Label != "average" || c.Rows[0].Cells[0] != "$60,985" {
		t.Errorf("career page table %+v", c)
	}
}

func TestOverview(t *testing.T) {
	kind := func(k string) bands.Scope { return bands.Scope{Kinds: []string{k}} }
	year := func(y int, median float64, sc bands.Scope) bands.Band {
		return bands.Band{Group: []bands.KV{{Key: "year", Value: strconv.Itoa(y)}}, N: 40, Median: median,
			P25: median * 0.8, P75: median * 1.2, MedianCILow: median * 0.95, MedianCIHigh: median * 1.05, Scope: sc}
	}
	survey := kind(bands.KindSurvey)
	latest := year(2025, 110000, survey)
	fs := &familySection{ID: "security-manager", Name: "Security Manager", LatestYear: 2025, Latest: latest,
		// 2024 is LCA only, so the comparison reaches back to the 2023 survey band.
		byYear: []bands.Band{year(2023, 100000, survey), year(2024, 90000, kind(bands.KindLCAOffered)), latest}}
	cases := []struct {
		name                   string
		prev                   []HeadlineMedian
		sinceRun, sinceRunNote string
	}{
		{"no earlier run", nil, "—", "no earlier run"},
		{"same year and kinds", []HeadlineMedian{{Family: "security-manager", Year: 2025, Kinds: "survey", N: 30, Median: 125000}}, "−12.0%", "was $125,000 (n = 30)"},
		{"other year", []HeadlineMedian{{Family: "security-manager", Year: 2024, Kinds: "survey", Median: 1}}, "—", "the last run's headline was 2024"},
		{"other kinds", []HeadlineMedian{{Family: "security-manager", Year: 2025, Kinds: "lca-offered", Median: 1}}, "—", "the last run's headline measured lca-offered"},
		{"other family", []HeadlineMedian{{Family: "ciso", Year: 2025, Kinds: "survey", Median: 1}}, "—", "no earlier run"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			row := overview(fs, c.prev)
			if row.SinceYear != "+10.0%" || row.SinceYearVs != "vs 2023" {
				t.Errorf("since last year %q %q, want +10.0%% vs 2023", row.SinceYear, row.SinceYearVs)
			}
			if row.SinceRun != c.sinceRun || row.SinceRunTitle != c.sinceRunNote {
				t.Errorf("since last run %q (%q), want %q (%q)", row.SinceRun, row.SinceRunTitle, c.sinceRun, c.sinceRunNote)
			}
			if row.Median != "$110,000" || row.CI != "$105k–$116k" || row.N != "40" {
				t.Errorf("row %+v", row)
			}
		})
	}
	if row := overview(&familySection{ID: "x", Name: "X"}, nil); row.Median != "—" || row.SinceYearVs != "no band" {
		t.Errorf("a family without a band: %+v", row)
	}
}

// TestChartsCountTheHeadlineKind: in a latest year with two source
// kinds (testdata/report: survey answers and LCA filings of 2024 for
// Security Manager), the histogram draws the rows of the kind the headline
// states, the band its markers show, and its caption counts and names
// them; it does not pool the other kind's rows under that band. The box
// chart and the trend take the same kind; the band chart draws each kind
// apart.
func TestChartsCountTheHeadlineKind(t *testing.T) {
	ctx := context.Background()
	w := loadFiles(t, "testdata/report/small.csv", "testdata/report/lca_2024.csv")
	cfg := DefaultReportConfig()
	cfg.MinN = 3
	dir := filepath.Join(t.TempDir(), "report")
	if _, err := WriteReport(ctx, w.DB, dir, cfg, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	kinds, _, err := bands.ComputeBands(ctx, w.DB, bands.BandQuery{By: []string{"source_kind"},
		Filters: map[string]string{"family": "security-manager", "year": "2024", "country": "US"}, MinN: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(kinds) != 2 {
		t.Fatalf("Security Manager 2024 has %d source kinds in the fixture; the test needs two", len(kinds))
	}
	head := kinds[0]
	for _, b := range kinds[1:] {
		if b.N > head.N {
			head = b
		}
	}
	svg, err := os.ReadFile(filepath.Join(dir, "charts", "hist-security-manager.svg"))
	if err != nil {
		t.Fatal(err)
	}
	want := "n = " + strconv.Itoa(head.N) + " " + head.Scope.Population() + " · 2024"
	if !strings.Contains(string(svg), want) {
		got := regexp.MustCompile(`n = [^<]*· 2024`).FindString(string(svg))
		t.Errorf("the histogram's caption reads %q, want %q (the headline kind's rows)", got, want)
	}
	// The box chart by level counts the same kind's rows (groups under
	// min_n left out, so n is at most the band's).
	box, err := os.ReadFile(filepath.Join(dir, "charts", "box-security-manager.svg"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`n = (\d+) ([^<·]*) · 2024`).FindStringSubmatch(string(box))
	if m == nil {
		t.Fatal("the box chart has no caption with n")
	}
	if n, _ := strconv.Atoi(m[1]); n > head.N || strings.TrimSpace(m[2]) != head.Scope.Population() {
		t.Errorf("the box chart's caption reads n = %s %q; want at most %d %q", m[1], m[2], head.N, head.Scope.Population())
	}
	// The trend is one line of that kind, over its own years: a line
	// joining years of different kinds would draw a change of source.
	byKind, _, err := bands.ComputeBands(ctx, w.DB, bands.BandQuery{By: []string{"year", "source_kind"},
		Filters: map[string]string{"family": "security-manager", "country": "US"}, MinN: cfg.MinN}, nil)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, b := range byKind {
		if b.Value("source_kind") == head.Value("source_kind") {
			total += b.N
		}
	}
	trend, err := os.ReadFile(filepath.Join(dir, "charts", "trend-security-manager.svg"))
	if err != nil {
		t.Fatal(err)
	}
	wantTrend := "n = " + strconv.Itoa(total) + " " + head.Scope.Population() + " · years with at least 3 rows"
	if !strings.Contains(string(trend), wantTrend) || !strings.Contains(string(trend), "median pay by year, "+head.Scope.Units()) {
		got := regexp.MustCompile(`n = [^<]*rows`).FindString(string(trend))
		t.Errorf("the trend's caption reads %q, want %q, and its title names the kind", got, wantTrend)
	}
	// The band chart draws a bar per year and kind, each named, none
	// pooling the two kinds of 2024.
	band, err := os.ReadFile(filepath.Join(dir, "charts", "band-security-manager.svg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{">2024 · survey<", ">2024 · lca-offered<", "pay band by year, source kind"} {
		if !strings.Contains(string(band), label) {
			t.Errorf("the band chart lacks %q", label)
		}
	}
	// A report by other columns keeps its grouping in the band chart.
	cfg.By = []string{"year", "level"}
	dir2 := filepath.Join(t.TempDir(), "report")
	if _, err := WriteReport(ctx, w.DB, dir2, cfg, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	band2, err := os.ReadFile(filepath.Join(dir2, "charts", "band-security-manager.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(band2), "pay band by year, level") {
		t.Error("a report by year and level drew its band chart by another grouping")
	}
}
