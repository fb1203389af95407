package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"payband/bands"
	"payband/ingest"
	"payband/report"
	"payband/titles"
	"payband/warehouse"
)

// The chart tests of package report define -update in the same test
// binary; define it here only when they do not.
var _ = func() bool {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
	return true
}()

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// reportNow is the fixed clock of the report tests.
var reportNow = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

// reportFixture is one warehouse loaded from testdata/report/small.csv and
// one report written from it, shared by the tests of this file.
type reportFixture struct {
	w   *warehouse.Warehouse
	dir string
	sum report.ReportSummary
	tax *titles.Taxonomy
	err error
}

var (
	fixtureOnce sync.Once
	fixture     reportFixture
	fixtureDir  string
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if fixture.w != nil {
		fixture.w.Close()
	}
	// PAYBAND_REPORT_KEEP=1 keeps the fixture report for a look in a browser.
	if fixtureDir != "" {
		if os.Getenv("PAYBAND_REPORT_KEEP") != "" {
			fmt.Fprintln(os.Stderr, "report kept in", filepath.Join(fixtureDir, "report"))
		} else {
			os.RemoveAll(fixtureDir)
		}
	}
	os.Exit(code)
}

func loadReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	fixtureOnce.Do(func() {
		ctx := context.Background()
		d, err := os.MkdirTemp("", "payband-report-test-")
		if err != nil {
			fixture.err = err
			return
		}
		fixtureDir = d
		w, err := warehouse.Open(ctx, filepath.Join(d, "w.duckdb"), warehouse.Options{})
		if err != nil {
			fixture.err = err
			return
		}
		fixture.w = w
		if _, err := ingest.File(ctx, w, "testdata/report/small.csv", ingest.Options{}); err != nil {
			fixture.err = fmt.Errorf("ingest: %w", err)
			return
		}
		tax, err := titles.DefaultTaxonomy()
		if err != nil {
			fixture.err = err
			return
		}
		fixture.tax = tax
		fixture.dir = filepath.Join(d, "report")
		fixture.sum, fixture.err = report.WriteReport(ctx, w.DB, fixture.dir, report.DefaultReportConfig(), tax, reportNow)
	})
	if fixture.err != nil {
		t.Fatalf("report fixture: %v", fixture.err)
	}
	return &fixture
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var loadedAtRE = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// maskReport removes what differs between runs and machines: the load
// time and the absolute path of the fixture.
func maskReport(t *testing.T, md []byte) []byte {
	abs, err := filepath.Abs("testdata/report")
	if err != nil {
		t.Fatal(err)
	}
	md = bytes.ReplaceAll(md, []byte(strings.ReplaceAll(abs, "_", `\_`)), []byte("TESTDATA"))
	return loadedAtRE.ReplaceAll(md, []byte("LOADED_AT"))
}

func TestReportGoldenMarkdown(t *testing.T) {
	f := loadReportFixture(t)
	checkGolden(t, "testdata/golden/report.md", maskReport(t, readFile(t, filepath.Join(f.dir, "report.md"))))
}

// svgRE and styleRE cut the inline charts and the style sheet out of the
// page for its golden file: the charts have golden files of their own
// (TestChartGolden), and the page's golden file is about its layout.
var (
	svgRE   = regexp.MustCompile(`(?s)<svg .*?</svg>`)
	styleRE = regexp.MustCompile(`(?s)<style>.*?</style>`)
)

// TestReportGoldenHTML holds the page's markup (summary table, headline
// with its interval, published tables, data quality) to a golden file.
func TestReportGoldenHTML(t *testing.T) {
	f := loadReportFixture(t)
	page := readFile(t, filepath.Join(f.dir, "index.html"))
	page = svgRE.ReplaceAll(page, []byte("<svg>CHART</svg>"))
	page = styleRE.ReplaceAll(page, []byte("<style>CSS</style>"))
	checkGolden(t, "testdata/golden/index.html", maskReport(t, page))
}

func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if updating() {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from its golden file at line %d:\n got: %s\nwant: %s\n(run with -update to accept)", golden, i+1, g, w)
			}
		}
	}
}

func TestReportDeterministic(t *testing.T) {
	f := loadReportFixture(t)
	dir := filepath.Join(t.TempDir(), "again")
	if _, err := report.WriteReport(context.Background(), f.w.DB, dir, report.DefaultReportConfig(), f.tax, reportNow); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"report.md", "index.html", "bands.json", "bands.csv"} {
		a := readFile(t, filepath.Join(f.dir, name))
		b := readFile(t, filepath.Join(dir, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func TestReportFiles(t *testing.T) {
	f := loadReportFixture(t)
	if f.sum.Families != 4 {
		t.Errorf("families = %d, want 4 (security-manager, security-analyst, security-engineer, ciso)", f.sum.Families)
	}
	if len(f.sum.Charts) == 0 {
		t.Fatal("no charts")
	}
	for _, c := range f.sum.Charts {
		for _, ext := range []string{".png", ".svg"} {
			st, err := os.Stat(filepath.Join(f.dir, "charts", c+ext))
			if err != nil || st.Size() == 0 {
				t.Errorf("chart %s%s missing or empty: %v", c, ext, err)
			}
		}
	}
	html := string(readFile(t, filepath.Join(f.dir, "index.html")))
	if n := strings.Count(html, "<svg "); n != len(f.sum.Charts) {
		t.Errorf("index.html inlines %d SVGs, want %d", n, len(f.sum.Charts))
	}
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", `src="`, `href="http`, "url(", "@import"} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("index.html contains %q: it must be self-contained", bad)
		}
	}
	for _, want := range []string{
		"describe a Security Manager in the United States in 2024, too few for a firm figure: their median is ",
		`<p class="summary-hedged">`, `<span class="ci" data-ci>95% CI $`,
		`<div class="pub-head">career page (seed material)</div>`,
		`<thead><tr><th class="key"></th><th>2016</th></tr></thead>`,
		`<tr><td class="key">average</td><td>$60,985</td></tr>`,
		"$60,985", "$33,037", "$109,370",
		"payband query &#34;WITH base AS",
		"Rejected rows by reason", "Unmatched titles", "Methodology",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	// The histogram's title names its year.
	if svg := string(readFile(t, filepath.Join(f.dir, "charts", "hist-security-manager.svg"))); !strings.Contains(svg, ">Security Manager: distribution of pay in 2024<") {
		t.Error("hist-security-manager.svg: the title does not name the year")
	}
	// Each histogram draws the rows of its family's latest band.
	var bandsJSON []map[string]any
	if err := json.Unmarshal(readFile(t, filepath.Join(f.dir, "bands.json")), &bandsJSON); err != nil {
		t.Fatal(err)
	}
	latest := map[string]map[string]any{}
	for _, b := range bandsJSON {
		fam := b["family"].(string)
		if cur, ok := latest[fam]; !ok || b["year"].(float64) > cur["year"].(float64) {
			latest[fam] = b
		}
	}
	hists := 0
	for fam, b := range latest {
		path := filepath.Join(f.dir, "charts", "hist-"+fam+".svg")
		if _, err := os.Stat(path); err != nil {
			continue
		}
		hists++
		// The caption counts the latest band's rows and says whom: its
		// scope as bands.json gives it.
		sc := bands.Scope{Kinds: strings.Split(b["scope_kinds"].(string), " + "), Countries: []string{b["scope_countries"].(string)}, NCountries: 1}
		if cs, ok := b["scope_case_status"].(string); ok {
			sc.CaseStatus = cs
		}
		caption := fmt.Sprintf("n = %s %s %s · %d · nominal USD", thousands(int(b["n"].(float64))), sc.Units(), sc.Place(), int(b["year"].(float64)))
		if !strings.Contains(string(readFile(t, path)), caption) {
			t.Errorf("hist-%s.svg lacks %q, its latest band", fam, caption)
		}
	}
	if hists < 2 {
		t.Errorf("%d histograms checked", hists)
	}
	md := string(readFile(t, filepath.Join(f.dir, "report.md")))
	if !strings.Contains(md, "![") || !strings.Contains(md, "(charts/band-security-manager.png)") {
		t.Error("report.md does not link the band chart PNG")
	}
}

func TestReportXSS(t *testing.T) {
	f := loadReportFixture(t)
	html := string(readFile(t, filepath.Join(f.dir, "index.html")))
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("index.html does not show the escaped <script> title")
	}
	if strings.Contains(html, "<script>alert(1)") {
		t.Error("index.html contains a raw <script>alert(1)")
	}
	md := string(readFile(t, filepath.Join(f.dir, "report.md")))
	if strings.Contains(md, "<script>") {
		t.Error("report.md contains a raw <script>")
	}
}

// bandRecord is one band as it appears in bands.json / bands.csv.
type bandRecord struct {
	Family, Year                                       string
	N, Min, P10, P25, Median, P75, P90, Max, Mean, Std int64
	Basis                                              string
}

func (r bandRecord) key() string { return r.Family + "/" + r.Year + "/" + r.Basis }

func TestReportAgreesWithComputeBands(t *testing.T) {
	f := loadReportFixture(t)
	ctx := context.Background()
	want := map[string]bandRecord{}
	var order []string
	var sm2024 bands.Band
	// Security Manager leads; the other families follow in taxonomy order.
	for _, fam := range []string{"security-manager", "ciso", "security-engineer", "security-analyst"} {
		// The report's default scope: the United States.
		bs, _, err := bands.ComputeBands(ctx, f.w.DB, bands.BandQuery{
			By: []string{"year"}, Filters: map[string]string{"family": fam, "country": "US"}, MinN: bands.DefaultMinN}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) != 2 {
			t.Errorf("%s: %d bands, want 2 years", fam, len(bs))
		}
		for _, b := range bs {
			if fam == "security-manager" && b.Value("year") == "2024" {
				sm2024 = b
			}
			r := bandRecord{fam, b.Value("year"), int64(b.N), report.Whole(b.Min), report.Whole(b.P10), report.Whole(b.P25),
				report.Whole(b.Median), report.Whole(b.P75), report.Whole(b.P90), report.Whole(b.Max),
				report.Whole(b.Mean), report.Whole(b.Stddev), b.Basis}
			want[r.key()] = r
			order = append(order, r.key())
		}
	}

	// bands.json
	var js []map[string]any
	if err := json.Unmarshal(readFile(t, filepath.Join(f.dir, "bands.json")), &js); err != nil {
		t.Fatalf("bands.json: %v", err)
	}
	num := func(m map[string]any, k string) int64 {
		v, ok := m[k].(float64)
		if !ok {
			t.Fatalf("bands.json: %s is %T", k, m[k])
		}
		return int64(v)
	}
	var fromJSON []bandRecord
	for _, m := range js {
		fromJSON = append(fromJSON, bandRecord{m["family"].(string), strconv.Itoa(int(m["year"].(float64))), num(m, "n"), num(m, "min"),
			num(m, "p10"), num(m, "p25"), num(m, "median"), num(m, "p75"), num(m, "p90"), num(m, "max"),
			num(m, "mean"), num(m, "stddev"), m["basis"].(string)})
	}

	// bands.csv
	recs, err := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(f.dir, "bands.csv")))).ReadAll()
	if err != nil {
		t.Fatalf("bands.csv: %v", err)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	var fromCSV []bandRecord
	for _, rec := range recs[1:] {
		n := func(k string) int64 {
			v, err := strconv.ParseInt(rec[col[k]], 10, 64)
			if err != nil {
				t.Fatalf("bands.csv: %s: %v", k, err)
			}
			return v
		}
		fromCSV = append(fromCSV, bandRecord{rec[col["family"]], rec[col["year"]], n("n"), n("min"), n("p10"), n("p25"),
			n("median"), n("p75"), n("p90"), n("max"), n("mean"), n("stddev"), rec[col["basis"]]})
	}

	html := string(readFile(t, filepath.Join(f.dir, "index.html")))
	md := string(readFile(t, filepath.Join(f.dir, "report.md")))
	for name, got := range map[string][]bandRecord{"bands.json": fromJSON, "bands.csv": fromCSV} {
		if len(got) != len(want) {
			t.Errorf("%s has %d bands, ComputeBands %d", name, len(got), len(want))
		}
		for i, g := range got {
			w, ok := want[g.key()]
			if !ok {
				t.Errorf("%s: band %s not computed by ComputeBands", name, g.key())
				continue
			}
			if g != w {
				t.Errorf("%s: band %s\n got %+v\nwant %+v", name, g.key(), g, w)
			}
			if i < len(order) && order[i] != g.key() {
				t.Errorf("%s: row %d is %s, want %s", name, i, g.key(), order[i])
			}
		}
	}
	// Every median and mean shows in both documents as $123,456.
	for _, w := range want {
		for _, v := range []int64{w.Median, w.Mean, w.P10, w.P90} {
			s := dollars(v)
			if !strings.Contains(html, s) || !strings.Contains(md, s) {
				t.Errorf("%s: %s missing from index.html or report.md", w.key(), s)
			}
		}
	}
	// The summary uses the latest year and, below 30 rows, hedges.
	thousands := func(v float64) string { return "$" + strconv.Itoa(int(math.Round(v/1000))) + "k" }
	if sm2024.N >= 30 || sm2024.MedianCIHigh == 0 {
		t.Fatalf("fixture: the 2024 Security Manager band has n = %d, interval %v–%v; the test wants a low-n band with an interval",
			sm2024.N, sm2024.MedianCILow, sm2024.MedianCIHigh)
	}
	sentence := fmt.Sprintf("Only %d survey answers describe a Security Manager in the United States in 2024, too few for a firm figure: their median is %s (95%% CI %s–%s), and half fall between %s and %s.",
		sm2024.N, dollars(report.Whole(sm2024.Median)), thousands(sm2024.MedianCILow), thousands(sm2024.MedianCIHigh),
		thousands(sm2024.P25), thousands(sm2024.P75))
	if !strings.Contains(md, sentence) {
		t.Errorf("report.md lacks the summary %q", sentence)
	}
}

func dollars(v int64) string {
	s := strconv.FormatInt(v, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return "$" + b.String()
}

func TestReportReplacesOlderReport(t *testing.T) {
	f := loadReportFixture(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	cfg := report.DefaultReportConfig()
	cfg.Charts = []string{"band"}
	cfg.Families = []string{"ciso"}
	if _, err := report.WriteReport(ctx, f.w.DB, dir, cfg, f.tax, reportNow); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stale.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := report.WriteReport(ctx, f.w.DB, dir, cfg, f.tax, reportNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "stale.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Error("the older report was not replaced")
	}
	if sum.Families != 1 || len(sum.Charts) != 1 || sum.Charts[0] != "band-ciso" {
		t.Errorf("summary = %+v", sum)
	}
	ents, _ := os.ReadDir(filepath.Dir(dir))
	if len(ents) != 1 {
		t.Errorf("temporary directories left beside the report: %v", ents)
	}
	// A directory that holds something else is not replaced.
	other := filepath.Join(t.TempDir(), "notes")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "keep.txt"), []byte("x"), 0o644)
	if _, err := report.WriteReport(ctx, f.w.DB, other, cfg, f.tax, reportNow); err == nil {
		t.Error("WriteReport replaced a directory that held no report")
	}
	if _, err := os.Stat(filepath.Join(other, "keep.txt")); err != nil {
		t.Error("keep.txt was removed")
	}
}

func TestReportConfigLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg, err := report.LoadReportConfig(write("ok.yaml", "title: Q1 pay\nby: [year, seniority]\nyears: [2024]\nmin_n: 10\ncharts: [band, ladder]\ncsv_safe: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Title != "Q1 pay" || len(cfg.By) != 2 || cfg.MinN != 10 || len(cfg.Charts) != 2 || *cfg.CSVSafe || cfg.Years[0] != 2024 {
		t.Errorf("cfg = %+v", cfg)
	}
	def, err := report.LoadReportConfig(write("empty.yaml", "title: only\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(def.Charts) != 5 || len(def.By) != 1 || def.MinN != bands.DefaultMinN || !*def.CSVSafe {
		t.Errorf("defaults not kept: %+v", def)
	}
	for _, c := range []struct{ name, body, want string }{
		{"unknown.yaml", "title: x\nfamilies: [ciso]\ncolour: red\n", "unknown.yaml:3:"},
		{"by.yaml", "title: x\nby: [year, salary]\n", "by.yaml:2: by: cannot group by \"salary\""},
		{"charts.yaml", "charts: [band, pie]\n", "charts.yaml:1: charts: unknown chart \"pie\""},
		{"minn.yaml", "min_n: -1\n", "minn.yaml:1:"},
	} {
		_, err := report.LoadReportConfig(write(c.name, c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

const chromiumPath = "/usr/bin/chromium"

func chromium(t *testing.T, dir string, args ...string) (stdout, stderr []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(t.TempDir(), "profile")}
	cmd := exec.CommandContext(ctx, chromiumPath, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.Bytes(), errb.Bytes()
}

func TestReportChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s not installed (CI installs it): %v", chromiumPath, err)
	}
	f := loadReportFixture(t)
	page := "file://" + filepath.Join(f.dir, "index.html")
	shot := filepath.Join(t.TempDir(), "shot.png")
	_, stderr := chromium(t, f.dir, "--screenshot="+shot, "--window-size=1280,2000", "--enable-logging=stderr", "--v=0", page)
	for _, line := range strings.Split(string(stderr), "\n") {
		if strings.Contains(line, "Uncaught") || strings.Contains(line, "Refused to load") ||
			(strings.Contains(line, "ERR_") && strings.Contains(line, "index.html")) ||
			(strings.Contains(line, "CONSOLE") && strings.Contains(line, "file://")) {
			t.Errorf("chromium reports a page error: %s", line)
		}
	}
	if keep := os.Getenv("PAYBAND_REPORT_SHOT"); keep != "" {
		if b, err := os.ReadFile(shot); err == nil {
			os.WriteFile(keep, b, 0o644)
		}
	}
	fh, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if v := lumaVariance(img); v < 100 {
		t.Errorf("screenshot looks blank: luma variance %.1f", v)
	}

	dom, _ := chromium(t, f.dir, "--dump-dom", page)
	if !bytes.Contains(dom, []byte("describe a Security Manager in the United States in 2024")) {
		t.Error("the rendered page lacks the Security Manager summary")
	}
	if bytes.Contains(dom, []byte("<script>alert(1)")) {
		t.Error("the rendered page holds a live <script> from a title")
	}
}

func lumaVariance(img image.Image) float64 {
	b := img.Bounds()
	var sum, sum2, n float64
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			l := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
			sum += l
			sum2 += l * l
			n++
		}
	}
	mean := sum / n
	return math.Max(0, sum2/n-mean*mean)
}

func TestReportRealAndExtraGroups(t *testing.T) {
	f := loadReportFixture(t)
	ctx := context.Background()
	cfg := report.DefaultReportConfig()
	cfg.By = []string{"experience_level"} // year is added first
	cfg.Years = []int{2024}
	cfg.Real = 2025
	cfg.Families = []string{"security-manager", "security-analyst"}
	dir := filepath.Join(t.TempDir(), "real")
	sum, err := report.WriteReport(ctx, f.w.DB, dir, cfg, f.tax, reportNow)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Families != 2 {
		t.Errorf("families = %d, want 2", sum.Families)
	}
	var js []map[string]any
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "bands.json")), &js); err != nil {
		t.Fatal(err)
	}
	bases := map[string]int{}
	for _, m := range js {
		if m["year"] != 2024.0 {
			t.Errorf("band outside the report's years: %v", m)
		}
		if _, ok := m["experience_level"]; !ok {
			t.Errorf("band without experience_level: %v", m)
		}
		bases[m["basis"].(string)]++
	}
	if bases["nominal"] == 0 || bases["nominal"] != bases["real:2025"] {
		t.Errorf("bases = %v, want as many real:2025 bands as nominal ones", bases)
	}
	// The real-dollar figures agree with ComputeBands too.
	want, _, err := bands.ComputeBands(ctx, f.w.DB, bands.BandQuery{By: []string{"year", "experience_level"},
		Filters: map[string]string{"family": "security-manager", "country": "US"}, MinN: bands.DefaultMinN, Real: 2025}, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, w := range want {
		if w.Value("year") != "2024" {
			continue
		}
		for _, m := range js {
			if m["family"] == "security-manager" && m["basis"] == "real:2025" && m["experience_level"] == w.Value("experience_level") {
				found++
				if int64(m["median"].(float64)) != report.Whole(w.Median) || int64(m["n"].(float64)) != int64(w.N) {
					t.Errorf("real band %s: json %v, ComputeBands median %v n %d", w.Label(), m, w.Median, w.N)
				}
			}
		}
	}
	if found == 0 {
		t.Error("no real-dollar security-manager band in bands.json")
	}
	html := string(readFile(t, filepath.Join(dir, "index.html")))
	if !strings.Contains(html, "2025 US dollars a year") || !strings.Contains(html, "years other than 2024") {
		t.Error("index.html lacks the real-dollar table or the years note")
	}
}

func TestReportEmptyWarehouse(t *testing.T) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	dir := filepath.Join(t.TempDir(), "empty")
	sum, err := report.WriteReport(ctx, w.DB, dir, report.ReportConfig{}, nil, reportNow)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Families != 0 || sum.Bands != 0 || len(sum.Charts) != 0 {
		t.Errorf("summary = %+v", sum)
	}
	for _, name := range []string{"index.html", "report.md", "bands.json", "bands.csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}

// stallEngine fails the bands of one family at once and holds every other
// query until its context ends (or a long time passes).
type stallEngine struct {
	fail        string
	notCanceled atomic.Int32
}

var errFamilyFailed = errors.New("this family's bands failed")

func (e *stallEngine) Bands(ctx context.Context, q bands.BandQuery) ([]bands.Band, int, error) {
	if q.Filters["family"] == e.fail {
		return nil, 0, errFamilyFailed
	}
	select {
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	case <-time.After(20 * time.Second):
		e.notCanceled.Add(1)
		return nil, 0, errors.New("not canceled")
	}
}

// TestReportFailedFamilyCancelsOthers: the first family that fails ends
// the report with its error and cancels the queries of the families still
// running, which would otherwise run to their end.
func TestReportFailedFamilyCancelsOthers(t *testing.T) {
	f := loadReportFixture(t)
	eng := &stallEngine{fail: "security-manager"}
	cfg := report.DefaultReportConfig()
	cfg.Engine = eng
	cfg.Families = []string{"security-manager", "ciso", "security-engineer", "security-analyst"}
	start := time.Now()
	_, err := report.WriteReport(context.Background(), f.w.DB, filepath.Join(t.TempDir(), "r"), cfg, f.tax, reportNow)
	if !errors.Is(err, errFamilyFailed) {
		t.Fatalf("err = %v, want the failed family's", err)
	}
	if n := eng.notCanceled.Load(); n > 0 || time.Since(start) > 15*time.Second {
		t.Errorf("%d family queries ran on after a family failed (%v)", n, time.Since(start))
	}
}

// TestReportGroupsTitleSpellings: spellings of a title that differ only in
// case and white space are one line of the data-quality and frequent-title
// lists, and source paths are shown relative to the report's base folder.
func TestReportGroupsTitleSpellings(t *testing.T) {
	ctx := context.Background()
	d := t.TempDir()
	var b strings.Builder
	b.WriteString("work_year,experience_level,employment_type,job_title,salary,salary_currency,salary_in_usd,employee_residence,remote_ratio,company_location,company_size\n")
	row := func(title string, n int) {
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "2024,SE,FT,%s,%d,USD,%d,US,0,US,M\n", title, 100000+i*1000+len(b.String())%997, 100000+i*1000+len(b.String())%997)
		}
	}
	row("Software Engineer", 3)
	row("SOFTWARE  ENGINEER", 2)
	row(`"  software engineer"`, 1)
	row("Pastry Chef", 4)
	row("Security Manager", 6)
	row("SECURITY MANAGER", 5)
	w := loadCSV(t, d, "in/titles.csv", b.String())
	cfg := report.DefaultReportConfig()
	cfg.MinN = 5
	cfg.BaseDir = d
	out := filepath.Join(d, "report")
	if _, err := report.WriteReport(ctx, w.DB, out, cfg, nil, reportNow); err != nil {
		t.Fatal(err)
	}
	md := string(readFile(t, filepath.Join(out, "report.md")))
	for _, want := range []string{
		"| Software Engineer (3 spellings) | 6 |",
		"| Pastry Chef | 4 |",
		"| Security Manager (2 spellings) | 11 |",
		"| in/titles.csv |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	for _, bad := range []string{"SOFTWARE", "SECURITY MANAGER", d} {
		if strings.Contains(md, bad) {
			t.Errorf("report.md holds %q", bad)
		}
	}
}

// layoutProbe runs in a copy of the page (the report itself holds no
// script): it measures every text of the inline charts as laid out and
// lists the pairs whose boxes intersect, the KPI figures that overflow
// their box, and how each [data-ci] interval is shown.
const layoutProbe = `<script>
(function () {
  var out = {texts: 0, overlaps: [], overflow: [], ci: []};
  function cross(a, b) {
    return a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  }
  document.querySelectorAll('figure svg').forEach(function (svg) {
    var ts = Array.prototype.filter.call(svg.querySelectorAll('text'), function (t) { return t.textContent.trim() !== ''; });
    var rs = ts.map(function (t) { return t.getBoundingClientRect(); });
    out.texts += ts.length;
    var name = svg.closest('figure').querySelector('figcaption').textContent.slice(0, 50);
    for (var i = 0; i < rs.length; i++) for (var j = i + 1; j < rs.length; j++) {
      if (cross(rs[i], rs[j])) out.overlaps.push(name + ': "' + ts[i].textContent + '" over "' + ts[j].textContent + '" ' + JSON.stringify([rs[i].top, rs[i].bottom, rs[i].left, rs[i].right, rs[j].top, rs[j].bottom, rs[j].left, rs[j].right].map(Math.round)));
    }
  });
  document.querySelectorAll('.kpi dd, .kpi dt, .kpi small').forEach(function (e) {
    if (e.scrollWidth > e.clientWidth + 1) out.overflow.push(e.textContent);
  });
  document.querySelectorAll('[data-ci]').forEach(function (e) {
    var r = e.getBoundingClientRect(), s = getComputedStyle(e);
    out.ci.push({text: e.textContent, w: r.width, h: r.height, visibility: s.visibility, display: s.display,
      opacity: s.opacity, color: s.color, size: parseFloat(s.fontSize)});
  });
  var pre = document.createElement('pre');
  pre.id = 'layout-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>`

// TestReportLayoutChromium lays the page out in headless Chromium: no two
// chart labels overprint, no figure overflows its box, and the median's
// interval is on screen wherever the page states it.
func TestReportLayoutChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s not installed (CI installs it): %v", chromiumPath, err)
	}
	f := loadReportFixture(t)
	html := readFile(t, filepath.Join(f.dir, "index.html"))
	probe := filepath.Join(t.TempDir(), "probe.html")
	if err := os.WriteFile(probe, bytes.Replace(html, []byte("</body>"), []byte(layoutProbe+"</body>"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, _ := chromium(t, f.dir, "--window-size=1280,2000", "--dump-dom", "file://"+probe)
	m := regexp.MustCompile(`(?s)<pre id="layout-result">(.*?)</pre>`).FindSubmatch(dom)
	if m == nil {
		t.Fatal("the layout probe did not run")
	}
	var res struct {
		Texts    int
		Overlaps []string
		Overflow []string
		CI       []struct {
			Text                         string
			W, H, Size                   float64
			Visibility, Display, Opacity string
			Color                        string
		}
	}
	if err := json.Unmarshal([]byte(htmlUnescape(string(m[1]))), &res); err != nil {
		t.Fatalf("probe result: %v\n%s", err, m[1])
	}
	if res.Texts < 20 {
		t.Errorf("the probe measured %d chart texts; the charts are not laid out", res.Texts)
	}
	for _, o := range res.Overlaps {
		t.Errorf("chart labels overprint: %s", o)
	}
	for _, o := range res.Overflow {
		t.Errorf("figure overflows its box: %q", o)
	}
	// Every family's headline states its interval (or that it has none).
	if n := bytes.Count(html, []byte("data-ci")); len(res.CI) != n || n < f.sum.Families {
		t.Fatalf("%d [data-ci] elements laid out, %d in the page, want at least one per family (%d)", len(res.CI), n, f.sum.Families)
	}
	for _, c := range res.CI {
		interval := regexp.MustCompile(`^(95% CI )?\$[\d,]+k–\$[\d,]+k$`).MatchString(c.Text)
		if c.W < 20 || c.H < 8 || c.Visibility != "visible" || c.Display == "none" || c.Opacity != "1" || c.Size < 11 ||
			!(interval || c.Text == "too few rows for a 95% interval") {
			t.Errorf("interval %q is not visible: %+v", c.Text, c)
		}
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&quot;", `"`, "&#34;", `"`, "&lt;", "<", "&gt;", ">", "&#39;", "'", "&amp;", "&").Replace(s)
}

// TestReportTrendMethodChange: the OEWS method-change mark is drawn on a
// trend of LCA prevailing wages, which are set from OEWS-based tables,
// and on no trend of survey answers.
func TestReportTrendMethodChange(t *testing.T) {
	f := loadReportFixture(t)
	n := 0
	for _, c := range f.sum.Charts {
		if !strings.HasPrefix(c, "trend-") {
			continue
		}
		n++
		if svg := string(readFile(t, filepath.Join(f.dir, "charts", c+".svg"))); strings.Contains(svg, "OEWS method change") {
			t.Errorf("%s: survey-only trend has the OEWS method-change mark", c)
		}
	}
	if n == 0 {
		t.Fatal("the survey fixture has no trend chart")
	}

	// LCA prevailing wages of security analysts, 2019 to 2022.
	ctx := context.Background()
	dir := t.TempDir()
	var csvText strings.Builder
	csvText.WriteString("CASE_NUMBER,CASE_STATUS,EMPLOYER_NAME,SOC_NAME,SOC_CODE,JOB_TITLE,FULL_TIME_POSITION,PREVAILING_WAGE,WORKSITE_CITY,WORKSITE_STATE_ABB,YEAR,WORKSITE_STATE_FULL,WORKSITE,CASE_STATUS_CLEAN,APPROVAL_FLAG\n")
	for y := 2019; y <= 2022; y++ {
		for i := 0; i < 8; i++ {
			fmt.Fprintf(&csvText, "I-200-%02d%03d-%06d,CERTIFIED,EXAMPLE CORP %d,INFORMATION SECURITY ANALYSTS,15-1212,INFORMATION SECURITY ANALYST,Y,%d.0,AUSTIN,TEXAS,%d,TEXAS,\"Austin, TEXAS\",Approved,1\n",
				y%100, 100+i, y*100+i, i, 90000+(y-2019)*3000+i*1500, y)
		}
	}
	w := loadCSV(t, dir, "lca_prevailing_security.csv", csvText.String())
	cfg := report.DefaultReportConfig()
	cfg.Families = []string{"security-analyst"}
	cfg.Charts = []string{"trend"}
	out := filepath.Join(dir, "report")
	sum, err := report.WriteReport(ctx, w.DB, out, cfg, f.tax, reportNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Charts) != 1 || sum.Charts[0] != "trend-security-analyst" {
		t.Fatalf("charts %v, want [trend-security-analyst]", sum.Charts)
	}
	if svg := string(readFile(t, filepath.Join(out, "charts", "trend-security-analyst.svg"))); !strings.Contains(svg, "OEWS method change (May 2021)") {
		t.Error("LCA prevailing-wage trend lacks the OEWS method-change mark")
	}
}

// loadCSV writes body to dir/name and loads it into a new warehouse in
// dir, closed when the test ends.
func loadCSV(t *testing.T, dir, name, body string) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	src := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := warehouse.Open(ctx, filepath.Join(dir, "w.duckdb"), warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := ingest.File(ctx, w, src, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	return w
}

// thousands writes n with a comma between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
