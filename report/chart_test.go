package report

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"payband/bands"
)

var update = flag.Bool("update", false, "rewrite golden files")

// chartsDir, when set, also renders every golden chart as PNG there for a
// visual check.
var chartsDir = flag.String("charts-dir", "", "also write PNG renderings of the golden charts to this directory")

func testBand(label string, n int, p10, p25, med, p75, p90, mean float64) bands.Band {
	return bands.Band{
		Group: []bands.KV{{Key: "family", Value: label}}, N: n,
		Min: p10 * 0.6, P10: p10, P25: p25, Median: med, P75: p75, P90: p90, Max: p90 * 1.5,
		Mean: mean, LowN: n < 30, Basis: "nominal",
	}
}

var ladderBands = []bands.Band{
	testBand("security-analyst", 1840, 52000, 64000, 78000, 95000, 112000, 81000),
	testBand("security-engineer", 3210, 85000, 105000, 128000, 152000, 178000, 131000),
	testBand("security-architect", 920, 110000, 132000, 155000, 180000, 205000, 157000),
	testBand("security-manager", 610, 98000, 121000, 146000, 172000, 201000, 149000),
	testBand("security-director", 140, 135000, 162000, 190000, 225000, 262000, 196000),
	testBand("ciso", 24, 150000, 185000, 230000, 280000, 340000, 241000),
}

// trendPoints returns nominal bands (deflate false) or the same bands in
// 2016 dollars at 3% inflation a year.
func trendPoints(deflate bool) []TrendPoint {
	var pts []TrendPoint
	for i, y := 0, 2016; y <= 2024; i, y = i+1, y+1 {
		m := 100000 + float64(i)*4500
		if deflate {
			m /= math.Pow(1.03, float64(i))
		}
		b := testBand("security-engineer", 500+40*i, m*0.7, m*0.85, m, m*1.18, m*1.38, m*1.03)
		b.Group = append(b.Group, bands.KV{Key: "year", Value: "y"})
		pts = append(pts, TrendPoint{Year: y, Band: b})
	}
	return pts
}

func histValues() []float64 {
	// Deterministic right-skewed sample: a log-normal shape from a fixed
	// quasi-random sequence, no RNG needed.
	var v []float64
	for i := 1; i <= 800; i++ {
		u := math.Mod(float64(i)*0.6180339887, 1)
		w := math.Mod(float64(i)*0.4142135623, 1)
		z := math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*w)
		v = append(v, math.Round(math.Exp(11.7+0.35*z)))
	}
	return v
}

func goldenCharts(t testing.TB) map[string]*plot.Plot {
	t.Helper()
	caption := "n = 6,744 · source: infosec_jobs_salaries_2025-08-03.csv"
	must := func(p *plot.Plot, err error) *plot.Plot {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	boxBands := []bands.Band{
		testBand("EN", 410, 48000, 60000, 74000, 90000, 108000, 77000),
		testBand("MI", 1320, 72000, 90000, 110000, 134000, 158000, 113000),
		testBand("SE", 3900, 105000, 128000, 155000, 185000, 220000, 160000),
		testBand("EX", 260, 150000, 185000, 225000, 270000, 330000, 236000),
	}
	for i := range boxBands {
		boxBands[i].Group = []bands.KV{{Key: "experience_level", Value: boxBands[i].Group[0].Value}}
	}
	hb := testBand("security-engineer", 800, 80600, 96500, 120500, 149000, 187000, 128000)
	return map[string]*plot.Plot{
		"band": must(BandChart(ladderBands, ChartOptions{Title: "Pay bands by job family, 2024", Caption: caption})),
		"hist": must(HistChart(histValues(), hb, ChartOptions{Title: "Security engineer pay, 2024", Caption: "n = 800 · source: infosec_jobs_salaries_2025-08-03.csv"})),
		"trend": must(TrendChart(trendPoints(false), trendPoints(true), "2016 dollars",
			[]MethodChange{{Year: 2021, Label: "OEWS method change (May 2021)"}},
			ChartOptions{Title: "Security engineer median pay by year", Caption: "n = 6,120 · source: OEWS 2016–2024"})),
		"ladder": must(LadderChart(ladderBands, ChartOptions{Title: "Median pay along the career ladder", Caption: caption})),
		"box":    must(BoxChart(boxBands, ChartOptions{Title: "Pay by seniority", XLabel: "Experience level", Caption: "n = 5,890 · source: infosec_jobs_salaries_2025-08-03.csv"})),
	}
}

func renderSVG(t *testing.T, p *plot.Plot) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteChart(&buf, p, "svg"); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestChartGolden(t *testing.T) {
	for kind, p := range goldenCharts(t) {
		t.Run(kind, func(t *testing.T) {
			got := renderSVG(t, p)
			if again := renderSVG(t, p); !bytes.Equal(got, again) {
				t.Fatal("SVG output differs between two renderings")
			}
			path := filepath.Join("testdata", "golden", kind+".svg")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from golden file; inspect and rerun with -update if intended", path)
			}
			if *chartsDir != "" {
				if err := SaveChart(p, filepath.Join(*chartsDir, kind+".png")); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestChartPNGSize(t *testing.T) {
	p, err := BandChart(ladderBands[:2], ChartOptions{Title: "t", Caption: "n = 2"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "band.png")
	if err := SaveChart(p, path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 700 {
		t.Errorf("PNG is %dx%d, want 1200x700", b.Dx(), b.Dy())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}
	if err := SaveChart(p, filepath.Join(dir, "band.gif")); err == nil {
		t.Error("SaveChart accepted .gif")
	}
	if err := SaveChart(p, filepath.Join(dir, "missing", "band.svg")); err == nil {
		t.Error("SaveChart into a missing directory succeeded")
	}
}

func TestChartBandNumbers(t *testing.T) {
	bars := &bandBars{bands: ladderBands}
	xmin, xmax, ymin, ymax := bars.DataRange()
	if xmin != 52000 || xmax != 340000 || ymin != -0.5 || ymax != 5.5 {
		t.Errorf("band DataRange = %v %v %v %v, want [52000 340000] x [-0.5 5.5]", xmin, xmax, ymin, ymax)
	}
	// The first band is drawn at the top.
	if bars.y(0) != 5 || bars.y(5) != 0 {
		t.Errorf("band order: y(0)=%v y(5)=%v", bars.y(0), bars.y(5))
	}
	box := &boxGroups{bands: ladderBands[:3]}
	xmin, xmax, ymin, ymax = box.DataRange()
	if xmin != -0.5 || xmax != 2.5 || ymin != 52000 || ymax != 205000 {
		t.Errorf("box DataRange = %v %v %v %v", xmin, xmax, ymin, ymax)
	}
	// The value labels printed on the band chart are those of the bands.
	svg := string(renderSVG(t, mustPlot(t)(BandChart(ladderBands[:1], ChartOptions{Title: "x"}))))
	for _, want := range []string{">$52k<", ">$78k<", ">$112k<", "security-analyst", "n = 1,840"} {
		if !strings.Contains(svg, want) {
			t.Errorf("band SVG lacks %q", want)
		}
	}
}

func mustPlot(t *testing.T) func(*plot.Plot, error) *plot.Plot {
	return func(p *plot.Plot, err error) *plot.Plot {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
}

func TestChartErrors(t *testing.T) {
	opt := ChartOptions{Title: "x"}
	nan := testBand("a", 10, 1, 2, math.NaN(), 4, 5, 3)
	disordered := testBand("a", 10, 1, 2, 9, 4, 5, 3)
	cases := map[string]error{}
	_, cases["band empty"] = BandChart(nil, opt)
	_, cases["band NaN"] = BandChart([]bands.Band{nan}, opt)
	_, cases["band disordered"] = BandChart([]bands.Band{disordered}, opt)
	_, cases["box empty"] = BoxChart(nil, opt)
	_, cases["box NaN"] = BoxChart([]bands.Band{nan}, opt)
	_, cases["ladder empty"] = LadderChart(nil, opt)
	_, cases["ladder NaN"] = LadderChart([]bands.Band{nan}, opt)
	_, cases["hist empty"] = HistChart(nil, ladderBands[0], opt)
	_, cases["hist NaN value"] = HistChart([]float64{1, math.NaN()}, ladderBands[0], opt)
	_, cases["hist NaN band"] = HistChart([]float64{1, 2}, nan, opt)
	_, cases["trend empty"] = TrendChart(nil, nil, "", nil, opt)
	_, cases["trend NaN"] = TrendChart([]TrendPoint{{2020, nan}}, nil, "", nil, opt)
	_, cases["trend duplicate year"] = TrendChart([]TrendPoint{{2020, ladderBands[0]}, {2020, ladderBands[1]}}, nil, "", nil, opt)
	for name, err := range cases {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := BandChart(nil, opt); !errors.Is(err, errNoData) {
		t.Errorf("empty band chart error = %v, want errNoData", err)
	}
	var buf bytes.Buffer
	if err := WriteChart(&buf, mustPlot(t)(BandChart(ladderBands, opt)), "gif"); err == nil {
		t.Error("WriteChart accepted gif")
	}
}

func TestChartDollars(t *testing.T) {
	for v, want := range map[float64]string{
		0: "$0", 950: "$950", 999.4: "$999", 1500: "$1.5k", 9949: "$9.9k", 9960: "$10k",
		33456: "$33k", 120000: "$120k", 999_400: "$999k", 999_600: "$1M", 1_234_000: "$1.2M",
		2_000_000: "$2M", -120000: "-$120k", math.NaN(): "n/a",
	} {
		if got := Dollars(v); got != want {
			t.Errorf("Dollars(%v) = %q, want %q", v, got, want)
		}
	}
	if got := groupDigits(1234567); got != "1,234,567" {
		t.Errorf("groupDigits = %q", got)
	}
}

// slowQuantile is the type-7 quantile written out: the value at rank
// 1 + q·(n−1) of the sorted values, interpolating between neighbours.
func slowQuantile(values []float64, q float64) float64 {
	s := append([]float64(nil), values...)
	sort.Float64s(s)
	rank := 1 + q*float64(len(s)-1)
	lo := int(rank) // 1-based
	if lo >= len(s) {
		return s[len(s)-1]
	}
	return s[lo-1] + (rank-float64(lo))*(s[lo]-s[lo-1])
}

// slowNiceSteps lists the 1-2-5 steps from $0.001 to $10^12, ascending.
func slowNiceSteps() []float64 {
	var out []float64
	for e := -3; e <= 12; e++ {
		for _, m := range []float64{1, 2, 5} {
			out = append(out, m*math.Pow(10, float64(e)))
		}
	}
	return out
}

// slowBars counts aligned bars of width w over [lo, hi] by walking the
// edges.
func slowBars(lo, hi, w float64) int {
	n := 0
	for edge := math.Floor(lo/w) * w; edge < hi-w*1e-9; edge += w {
		n++
	}
	return max(n, 1)
}

// lognormalValues is a deterministic right-skewed sample of n values
// (a log-normal shape from a quasi-random sequence).
func lognormalValues(n int, mu, sigma float64) []float64 {
	v := make([]float64, 0, n)
	for i := 1; i <= n; i++ {
		u := math.Mod(float64(i)*0.6180339887, 1)
		w := math.Mod(float64(i)*0.4142135623, 1)
		z := math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*w)
		v = append(v, math.Round(math.Exp(mu+sigma*z)))
	}
	return v
}

func TestHistBinWidthFreedmanDiaconis(t *testing.T) {
	uniform := make([]float64, 1000)
	for i := range uniform {
		uniform[i] = 40000 + float64(i)*200
	}
	few := []float64{61000, 64000, 70000, 72000, 75000, 80000, 81000, 90000, 95000, 99000, 104000, 130000}
	ties := make([]float64, 300)
	for i := range ties {
		ties[i] = 100000
		if i%10 == 0 {
			ties[i] = 60000 + float64(i)*500
		}
	}
	cases := []struct {
		name   string
		values []float64
	}{
		{"uniform 1,000", uniform},
		{"log-normal 800", histValues()},
		{"log-normal 158k", lognormalValues(158000, 11.7, 0.4)},
		{"twelve rows", few},
		{"mostly ties", ties},
	}
	steps := slowNiceSteps()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi := slowQuantile(tc.values, 0.005), slowQuantile(tc.values, 0.995)
			if !(hi > lo) {
				med := slowQuantile(tc.values, 0.5)
				iqr := slowQuantile(tc.values, 0.75) - slowQuantile(tc.values, 0.25)
				lo, hi = med-3*iqr, med+3*iqr
			}
			iqr := slowQuantile(tc.values, 0.75) - slowQuantile(tc.values, 0.25)
			fd := 2 * iqr / math.Pow(float64(len(tc.values)), 1.0/3)
			if fd == 0 {
				fd = (hi - lo) / 30
			}
			// The smallest 1-2-5 step at least FD wide, then the nearest
			// step that gives 10 to 60 bars.
			k := 0
			for steps[k] < fd*(1-1e-12) {
				k++
			}
			for slowBars(lo, hi, steps[k]) > 60 {
				k++
			}
			for slowBars(lo, hi, steps[k]) < 10 && slowBars(lo, hi, steps[k-1]) <= 60 {
				k--
			}
			want := steps[k]
			h := histBins(tc.values)
			if math.Abs(h.width-want) > want*1e-9 {
				t.Errorf("bar width %v, want %v (FD %v)", h.width, want, fd)
			}
			if n := len(h.bins); n < 10 || n > 60 {
				t.Errorf("%d bars, want 10 to 60", n)
			}
			var sum float64
			for _, b := range h.bins {
				sum += b.Weight
				if b.Max-b.Min != h.width {
					t.Errorf("bar [%v, %v] is not %v wide", b.Min, b.Max, h.width)
				}
				if math.Mod(b.Min, h.width) != 0 {
					t.Errorf("bar edge %v is not a multiple of %v", b.Min, h.width)
				}
			}
			if int(sum) != len(tc.values) {
				t.Errorf("bars hold %v values, want %d", sum, len(tc.values))
			}
		})
	}
	// At 158k rows the bars are narrower than the old fixed $50k.
	if w := histBins(lognormalValues(158000, 11.7, 0.4)).width; w >= 50000 {
		t.Errorf("158k rows: bars %v wide", w)
	}
}

func TestHistClipsOutliers(t *testing.T) {
	cases := []struct {
		name      string
		values    []float64
		low, high int // outliers put into the values
	}{
		{"one huge outlier", append(histValues(), 1e8), 0, 1},
		{"outliers both sides", append(append(lognormalValues(2000, 11.6, 0.3), 1, 2, 3), 4e7, 5e7), 3, 2},
		{"158k rows and one outlier", append(lognormalValues(158000, 11.7, 0.4), 9e9), 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := histBins(tc.values)
			lo, hi := slowQuantile(tc.values, 0.005), slowQuantile(tc.values, 0.995)
			inside := 0
			for _, b := range h.bins {
				if b.Max > lo && b.Min < hi {
					inside++
				}
			}
			if inside < 10 {
				t.Errorf("%d bars inside p0.5–p99.5 [%v, %v], want at least 10", inside, lo, hi)
			}
			first, last := h.bins[0].Min, h.bins[len(h.bins)-1].Max
			if first > lo || last < hi || first < lo-h.width || last > hi+h.width {
				t.Errorf("bars span [%v, %v], p0.5–p99.5 is [%v, %v]", first, last, lo, hi)
			}
			below, above := 0, 0
			for _, v := range tc.values {
				if v < first {
					below++
				}
				if v > last {
					above++
				}
			}
			if h.below != below || h.above != above || below < tc.low || above < tc.high {
				t.Errorf("clipped %d below, %d above; want %d, %d (with the %d and %d outliers)", h.below, h.above, below, above, tc.low, tc.high)
			}
			note := h.clipNote()
			if want := fmt.Sprintf("%s above %s drawn in the last bar", pluralRows(above), money(last)); above > 0 && !strings.Contains(note, want) {
				t.Errorf("note %q lacks %q", note, want)
			}
			if want := fmt.Sprintf("%s below %s drawn in the first bar", pluralRows(below), money(first)); below > 0 && !strings.Contains(note, want) {
				t.Errorf("note %q lacks %q", note, want)
			}
			var sum float64
			for _, b := range h.bins {
				sum += b.Weight
			}
			if int(sum) != len(tc.values) {
				t.Errorf("bars hold %v values, want %d", sum, len(tc.values))
			}
		})
	}
	// The note reaches the chart.
	svg := string(renderSVG(t, mustPlot(t)(HistChart(append(histValues(), 1e8), testBand("x", 801, 80600, 96500, 120500, 149000, 187000, 250000), ChartOptions{Title: "t"}))))
	if !strings.Contains(svg, "rows above $300,000 drawn in the last bar") {
		t.Error("hist SVG lacks the clipping note")
	}
	// Degenerate ranges: every value the same; p0.5 = p99.5 but a spread
	// in the tails.
	if h := histBins([]float64{90000, 90000, 90000}); len(h.bins) != 1 || h.bins[0].Weight != 3 || h.below+h.above != 0 {
		t.Errorf("constant values: %+v", h)
	}
}

func pluralRows(n int) string {
	if n == 1 {
		return "1 row"
	}
	return groupDigits(n) + " rows"
}

// dataCanvas is the data area of p as WriteChart lays it out.
func dataCanvas(p *plot.Plot) draw.Canvas {
	dc := draw.New(vgsvg.NewWith(vgsvg.UseWH(chartWidth, chartHeight)))
	return p.DataCanvas(draw.Crop(dc, marginLeft, -marginRight, 0, -marginTop))
}

// overlapping returns the first two boxes that intersect.
func overlapping(boxes []labelBox) (labelBox, labelBox, bool) {
	for i := range boxes {
		for j := i + 1; j < len(boxes); j++ {
			if boxesIntersect(boxes[i].Rect, boxes[j].Rect) {
				return boxes[i], boxes[j], true
			}
		}
	}
	return labelBox{}, labelBox{}, false
}

func TestHistLabelsDoNotOverprint(t *testing.T) {
	cases := []struct {
		name string
		band bands.Band
	}{
		{"median equals mean", testBand("x", 800, 80600, 96500, 120500, 149000, 187000, 120500)},
		{"p10, p25, median within 1%", testBand("x", 800, 119500, 120000, 120500, 149000, 187000, 128000)},
		{"p10, p25, median within 1%, mean on median", testBand("x", 800, 119500, 120000, 120500, 149000, 187000, 120500)},
		{"all within 1%", testBand("x", 800, 119500, 119900, 120300, 120600, 120700, 120400)},
		{"all equal", testBand("x", 800, 120000, 120000, 120000, 120000, 120000, 120000)},
		{"p90 and mean at the right edge", testBand("x", 800, 80600, 96500, 120500, 149000, 299000, 299500)},
		{"mean far off the axis", testBand("x", 800, 80600, 96500, 120500, 149000, 187000, 5e6)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPlot(t)(HistChart(histValues(), tc.band, ChartOptions{Title: "t", Caption: "n = 800"}))
			c := dataCanvas(p)
			h := &histMarkers{marks: histMarkerList(tc.band)}
			boxes := h.labelBoxes(c, p)
			if len(boxes) == 0 {
				t.Fatal("no labels")
			}
			if a, b, ok := overlapping(boxes); ok {
				t.Errorf("labels %q %v and %q %v intersect", a.Text, a.Rect, b.Text, b.Rect)
			}
			names := 0
			_, ty := p.Transforms(&c)
			var tallest float64
			for _, b := range histBins(histValues()).bins {
				tallest = math.Max(tallest, b.Weight)
			}
			for _, b := range boxes {
				names += strings.Count(b.Text, "p10") + strings.Count(b.Text, "p25") + strings.Count(b.Text, "median") +
					strings.Count(b.Text, "p75") + strings.Count(b.Text, "p90") + strings.Count(b.Text, "mean")
				if b.Rect.Min.X < c.Min.X || b.Rect.Max.X > c.Max.X || b.Rect.Max.Y > c.Max.Y {
					t.Errorf("label %q %v leaves the data area %v", b.Text, b.Rect, c.Rectangle)
				}
				if b.Rect.Min.Y < ty(tallest) {
					t.Errorf("label %q %v is drawn over the tallest bar (top at %v)", b.Text, b.Rect, ty(tallest))
				}
			}
			if names != 6 {
				t.Errorf("labels %v name %d markers, want 6", boxes, names)
			}
		})
	}
}

func TestHistTitleNamesYears(t *testing.T) {
	for _, tc := range []struct {
		subject string
		year    int
		want    string
	}{
		{"Security Engineer", 2024, "Security Engineer: distribution of pay in 2024"},
		{"Security Engineer", 0, "Security Engineer: distribution of pay in all years"},
		{"", 2019, "Distribution of pay in 2019"},
		{"", 0, "Distribution of pay in all years"},
	} {
		if got := HistTitle(tc.subject, tc.year); got != tc.want {
			t.Errorf("HistTitle(%q, %d) = %q, want %q", tc.subject, tc.year, got, tc.want)
		}
	}
}

func TestMethodChangesFor(t *testing.T) {
	for _, tc := range []struct {
		kinds []string
		want  int
	}{
		{nil, 0},
		{[]string{"survey"}, 0},
		{[]string{"lca-offered"}, 0},
		{[]string{"lca-offered", "survey"}, 0},
		{[]string{"lca-prevailing"}, 1},
		{[]string{"lca-prevailing", "survey"}, 1},
	} {
		got := MethodChangesFor(tc.kinds)
		if len(got) != tc.want || (tc.want == 1 && (got[0].Year != 2021 || !strings.Contains(got[0].Label, "OEWS method change"))) {
			t.Errorf("MethodChangesFor(%q) = %v", tc.kinds, got)
		}
	}
	a, b := testBand("a", 10, 1, 2, 3, 4, 5, 3), testBand("b", 10, 1, 2, 3, 4, 5, 3)
	a.Scope.Kinds, b.Scope.Kinds = []string{"survey"}, []string{"lca-prevailing", "survey"}
	if got := KindsOf([]bands.Band{a, b}); strings.Join(got, ",") != "lca-prevailing,survey" {
		t.Errorf("KindsOf = %q", got)
	}
}

// flatTrend is n years from 2016 of medians m(i), with a narrow or wide
// p25–p75 range.
func flatTrend(n int, m func(i int) float64) []TrendPoint {
	var pts []TrendPoint
	for i := 0; i < n; i++ {
		v := m(i)
		pts = append(pts, TrendPoint{Year: 2016 + i, Band: testBand("x", 100, v*0.98, v*0.99, v, v*1.01, v*1.02, v)})
	}
	return pts
}

func TestTrendLabelsDoNotOverprint(t *testing.T) {
	oews := []MethodChange{oewsMethodChange}
	rising := func(i int) float64 { return 100000 + float64(i)*4500 }
	cases := []struct {
		name          string
		nominal, real []TrendPoint
		marks         []MethodChange
	}{
		{"nominal equals real", trendPoints(false), trendPoints(false), oews},
		{"flat and equal", flatTrend(9, func(int) float64 { return 120000 }), flatTrend(9, func(int) float64 { return 120000 }), oews},
		{"real just above nominal", flatTrend(9, rising), flatTrend(9, func(i int) float64 { return rising(i) * 1.004 }), oews},
		{"real just below nominal", flatTrend(9, rising), flatTrend(9, func(i int) float64 { return rising(i) * 0.996 }), oews},
		{"sixteen years crossing", flatTrend(16, rising), flatTrend(16, func(i int) float64 { return 130000 - float64(i)*1500 }), oews},
		{"mark at the last year", flatTrend(6, rising), flatTrend(6, rising), []MethodChange{{Year: 2021, Label: "OEWS method change (May 2021)"}}},
		{"two marks a year apart", flatTrend(9, rising), flatTrend(9, rising), []MethodChange{{2020, "Survey questionnaire changed (2020)"}, oewsMethodChange}},
		{"nominal only", trendPoints(false), nil, oews},
		{"one year", flatTrend(1, rising), flatTrend(1, rising), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			basis := ""
			if tc.real != nil {
				basis = "2016 dollars"
			}
			p := mustPlot(t)(TrendChart(tc.nominal, tc.real, basis, tc.marks, ChartOptions{Title: "t", Caption: "n = 1"}))
			l := &trendLabels{nominal: tc.nominal, real: tc.real, marks: tc.marks}
			boxes := l.labelBoxes(dataCanvas(p), p)
			if want := len(tc.nominal) + len(tc.real) + len(tc.marks); len(boxes) != want {
				t.Errorf("%d labels, want %d", len(boxes), want)
			}
			if a, b, ok := overlapping(boxes); ok {
				t.Errorf("labels %q %v and %q %v intersect", a.Text, a.Rect, b.Text, b.Rect)
			}
		})
	}
}

// BenchmarkWriteChart draws each kind of chart as a report does: PNG and
// SVG.
func BenchmarkWriteChart(b *testing.B) {
	charts := goldenCharts(b)
	for _, format := range []string{"png", "svg"} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				for _, p := range charts {
					if err := WriteChart(io.Discard, p, format); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// TestTrendMarksWithinData: a method change is drawn only when the trend
// spans it (years before it and from it on); one before or after the data
// neither shows nor stretches the year axis to years without data.
func TestTrendMarksWithinData(t *testing.T) {
	rising := func(i int) float64 { return 100000 + float64(i)*4500 }
	oews := []MethodChange{oewsMethodChange} // 2021
	cases := []struct {
		name       string
		first, n   int
		wantMarks  int
		xmin, xmax float64
	}{
		{"spans the change", 2016, 9, 1, 2016, 2024},
		{"the change is the last year", 2016, 6, 1, 2016, 2021},
		{"all after the change", 2022, 3, 0, 2022, 2024},
		{"from the change on", 2021, 4, 0, 2021, 2024},
		{"all before the change", 2016, 4, 0, 2016, 2019},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var pts []TrendPoint
			for _, p := range flatTrend(tc.n, rising) {
				p.Year += tc.first - 2016
				pts = append(pts, p)
			}
			if got := trendMarksShown(oews, float64(pts[0].Year), float64(pts[len(pts)-1].Year)); len(got) != tc.wantMarks {
				t.Errorf("%d marks shown, want %d", len(got), tc.wantMarks)
			}
			p := mustPlot(t)(TrendChart(pts, nil, "", oews, ChartOptions{Title: "t", Caption: "n = 1"}))
			if p.X.Min != tc.xmin-0.4 || p.X.Max != tc.xmax+0.4 {
				t.Errorf("year axis %.1f–%.1f, want %.1f–%.1f", p.X.Min, p.X.Max, tc.xmin-0.4, tc.xmax+0.4)
			}
		})
	}
}

// TestWrapLabelBreaksAtHyphens: a category label wider than its slot is
// broken at spaces, then after hyphens; what fits stays on one line.
func TestWrapLabelBreaksAtHyphens(t *testing.T) {
	sty := newChart(ChartOptions{Title: "t"}, "", PayAxisLabel).X.Tick.Label
	width := sty.Width("security-")
	cases := []struct{ in, want string }{
		{"ciso", "ciso"},
		{"security-analyst", "security-\nanalyst"},
		{"application-security-engineer", "application-\nsecurity-\nengineer"},
		{"Security Manager · US", "Security\nManager\nUS"},
		{"unbreakablelongword", "unbreakablelongword"},
	}
	for _, c := range cases {
		if got := wrapLabel(c.in, sty, width); got != c.want {
			t.Errorf("wrapLabel(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := wrapLabel("security-analyst", sty, sty.Width("security-analyst")); got != "security-analyst" {
		t.Errorf("a label that fits was broken: %q", got)
	}
}
