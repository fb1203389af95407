package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"payband/bands"
)

// svgAffine is the SVG transform matrix [a c e; b d f; 0 0 1].
type svgAffine struct{ a, b, c, d, e, f float64 }

var svgIdentity = svgAffine{a: 1, d: 1}

// then is m applied after n: the point goes through n first.
func (m svgAffine) mul(n svgAffine) svgAffine {
	return svgAffine{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

func (m svgAffine) apply(x, y float64) (float64, float64) {
	return m.a*x + m.c*y + m.e, m.b*x + m.d*y + m.f
}

var svgTransformRE = regexp.MustCompile(`(scale|translate|rotate)\(([^)]*)\)`)

// parseSVGTransform reads the scale, translate and rotate lists that
// vgsvg writes.
func parseSVGTransform(t *testing.T, s string) svgAffine {
	m := svgIdentity
	for _, f := range svgTransformRE.FindAllStringSubmatch(s, -1) {
		var args []float64
		for _, a := range strings.FieldsFunc(f[2], func(r rune) bool { return r == ',' || r == ' ' }) {
			v, err := strconv.ParseFloat(a, 64)
			if err != nil {
				t.Fatalf("transform %q: %v", s, err)
			}
			args = append(args, v)
		}
		var n svgAffine
		switch f[1] {
		case "scale":
			if len(args) == 1 {
				args = append(args, args[0])
			}
			n = svgAffine{a: args[0], d: args[1]}
		case "translate":
			if len(args) == 1 {
				args = append(args, 0)
			}
			n = svgAffine{a: 1, d: 1, e: args[0], f: args[1]}
		case "rotate":
			sin, cos := math.Sincos(args[0] * math.Pi / 180)
			n = svgAffine{a: cos, b: sin, c: -sin, d: cos}
		}
		m = m.mul(n)
	}
	return m
}

// svgText is one <text> element of a chart and its box on the page.
type svgText struct {
	text           string
	x0, y0, x1, y1 float64
	size           float64
	bold           bool
}

func (s svgText) String() string {
	return fmt.Sprintf("%q [%.1f, %.1f]×[%.1f, %.1f]", s.text, s.x0, s.x1, s.y0, s.y1)
}

var (
	fontSizeRE   = regexp.MustCompile(`font-size:([0-9.]+)px`)
	fontWeightRE = regexp.MustCompile(`font-weight:(\w+)`)
)

// svgTexts reads every non-blank <text> of an SVG with its box: the
// width of its string in the chart font at its size and weight by the em
// box's height, carried through the transforms of the element and its
// groups.
func svgTexts(t *testing.T, svg []byte) []svgText {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	stack := []svgAffine{svgIdentity}
	var out []svgText
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range el.Attr {
				attr[a.Name.Local] = a.Value
			}
			m := stack[len(stack)-1].mul(parseSVGTransform(t, attr["transform"]))
			stack = append(stack, m)
			if el.Name.Local != "text" {
				continue
			}
			var body strings.Builder
			for {
				tok, err := dec.Token()
				if err != nil {
					t.Fatal(err)
				}
				if cd, ok := tok.(xml.CharData); ok {
					body.Write(cd)
					continue
				}
				if _, ok := tok.(xml.EndElement); ok {
					break
				}
			}
			stack = stack[:len(stack)-1]
			txt := body.String()
			if strings.TrimSpace(txt) == "" {
				continue
			}
			x, _ := strconv.ParseFloat(attr["x"], 64)
			y, _ := strconv.ParseFloat(attr["y"], 64)
			sm := fontSizeRE.FindStringSubmatch(attr["style"])
			if sm == nil {
				t.Fatalf("text %q has no font size: %s", txt, attr["style"])
			}
			size, _ := strconv.ParseFloat(sm[1], 64)
			bold := false
			if wm := fontWeightRE.FindStringSubmatch(attr["style"]); wm != nil && wm[1] == "bold" {
				bold = true
			}
			sty := textStyle(vg.Length(size), bold, colText, draw.XLeft, draw.YBottom)
			desc := float64(sty.FontExtents().Descent)
			w := float64(sty.Width(txt))
			// The em box: from the descent below the baseline, one font
			// size high, the pitch at which gonum sets the lines of a
			// multi-line label. In the text's own space y grows downwards.
			corners := [][2]float64{{x, y + desc - size}, {x + w, y + desc - size}, {x, y + desc}, {x + w, y + desc}}
			st := svgText{text: txt, size: size, bold: bold, x0: math.Inf(1), y0: math.Inf(1), x1: math.Inf(-1), y1: math.Inf(-1)}
			for _, c := range corners {
				px, py := m.apply(c[0], c[1])
				st.x0, st.x1 = math.Min(st.x0, px), math.Max(st.x1, px)
				st.y0, st.y1 = math.Min(st.y0, py), math.Max(st.y1, py)
			}
			out = append(out, st)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	return out
}

// svgOverlaps lists the pairs of texts whose boxes intersect by more than
// a quarter point (rounding in the SVG's coordinates).
func svgOverlaps(texts []svgText) [][2]svgText {
	const tol = 0.25
	var out [][2]svgText
	for i := range texts {
		for j := i + 1; j < len(texts); j++ {
			a, b := texts[i], texts[j]
			if a.x0+tol < b.x1 && b.x0+tol < a.x1 && a.y0+tol < b.y1 && b.y0+tol < a.y1 {
				out = append(out, [2]svgText{a, b})
			}
		}
	}
	return out
}

func bandsNamed(labels []string, f func(i int) [6]float64) []bands.Band {
	var out []bands.Band
	for i, l := range labels {
		v := f(i)
		out = append(out, testBand(l, 20+i*37, v[0], v[1], v[2], v[3], v[4], v[5]))
	}
	return out
}

// collisionCharts are charts of every kind the report draws, on data
// chosen to make labels run into each other.
func collisionCharts(t *testing.T) map[string]*plot.Plot {
	t.Helper()
	must := mustPlot(t)
	longCaption := "n = 158,001 · source: payband warehouse (salaries view) · nominal dollars · a caption long enough to take a row of its own"
	narrow := func(v float64) [6]float64 { return [6]float64{v * 0.999, v * 0.9995, v, v * 1.0005, v * 1.001, v} }
	same := func(int) [6]float64 { return narrow(120000) }
	twelve := []string{"security-analyst", "security-engineer", "security-architect", "security-manager", "security-director", "ciso",
		"application-security-engineer", "cloud-security-engineer", "penetration-tester", "incident-responder", "grc-analyst", "(unmatched)"}
	long := []string{"Chief Information Security Officer · United States · large company",
		"Principal Application Security Engineer · Germany", "Security Operations Centre Analyst, Level 3 · India",
		"Identity and Access Management Architect · United Kingdom", "Governance, Risk and Compliance Lead · Canada",
		"Offensive Security Consultant · Netherlands", "Cloud Security Posture Engineer · Australia", "Threat Intelligence Analyst · Spain"}
	rising := func(i int) float64 { return 100000 + float64(i)*4500 }
	oews := []MethodChange{oewsMethodChange}
	charts := map[string]*plot.Plot{}
	add := func(name string, p *plot.Plot) { charts[name] = p }

	// Band chart.
	add("band/narrow bands", must(BandChart(bandsNamed(twelve[:6], func(i int) [6]float64 { return narrow(80000 + float64(i)*30000) }), ChartOptions{Title: "Pay bands", Caption: longCaption})))
	add("band/twelve equal narrow bands", must(BandChart(bandsNamed(twelve, same), ChartOptions{Title: "Pay bands", Caption: longCaption})))
	add("band/long labels", must(BandChart(bandsNamed(long, func(i int) [6]float64 {
		m := 90000 + float64(i)*15000
		return [6]float64{m * 0.6, m * 0.8, m, m * 1.25, m * 1.6, m * 1.05}
	}), ChartOptions{Title: "Pay bands by family, country and company size in 2024", Caption: longCaption})))
	add("band/small and huge", must(BandChart(bandsNamed(twelve[:4], func(i int) [6]float64 {
		if i == 0 {
			return [6]float64{900, 950, 1000, 1050, 1100, 1000}
		}
		return [6]float64{50000, 400000, 900000, 1500000, 2500000, 1000000}
	}), ChartOptions{Title: "Pay bands", Caption: "n = 3"})))
	add("band/golden", must(BandChart(ladderBands, ChartOptions{Title: "Pay bands by job family, 2024", Caption: longCaption})))

	// Box chart.
	box := func(labels []string, f func(i int) [6]float64) []bands.Band {
		bs := bandsNamed(labels, f)
		for i := range bs {
			bs[i].Group = []bands.KV{{Key: "level", Value: labels[i]}}
		}
		return bs
	}
	add("box/eight long groups", must(BoxChart(box(long, func(i int) [6]float64 {
		m := 90000 + float64(i)*15000
		return [6]float64{m * 0.6, m * 0.8, m, m * 1.25, m * 1.6, m * 1.05}
	}), ChartOptions{Title: "Pay by level", Caption: longCaption})))
	countries := []string{"US", "GB", "DE", "FR", "IN", "CA", "NL", "ES", "AU", "PL", "IE", "(no country)"}
	add("box/twelve equal narrow", must(BoxChart(box(countries, same), ChartOptions{Title: "Pay by country", Caption: longCaption})))
	add("box/twelve hyphenated groups", must(BoxChart(box(twelve, func(i int) [6]float64 { return narrow(rising(i)) }), ChartOptions{Title: "Pay by family", Caption: longCaption})))
	add("box/one huge", must(BoxChart(box([]string{"EN", "MI", "SE", "EX"}, func(i int) [6]float64 {
		if i == 3 {
			return [6]float64{200000, 900000, 2000000, 3000000, 4000000, 2100000}
		}
		return narrow(60000 + float64(i)*20000)
	}), ChartOptions{Title: "Pay by level", Caption: "n = 4"})))

	// Ladder chart.
	add("ladder/equal medians", must(LadderChart(bandsNamed(LadderFamilies, same), ChartOptions{Title: "Career ladder", Caption: longCaption})))
	add("ladder/long labels", must(LadderChart(bandsNamed(long[:6], func(i int) [6]float64 { return narrow(rising(i)) }), ChartOptions{Title: "Career ladder", Caption: longCaption})))
	add("ladder/golden", must(LadderChart(ladderBands, ChartOptions{Title: "Median pay along the career ladder", Caption: longCaption})))

	// Histogram.
	for name, v := range map[string][6]float64{
		"median equals mean":         {80600, 96500, 120500, 149000, 187000, 120500},
		"p10, p25, median within 1%": {119500, 120000, 120500, 149000, 187000, 120500},
		"all within 1%":              {119500, 119900, 120300, 120600, 120700, 120400},
		"all equal":                  {120000, 120000, 120000, 120000, 120000, 120000},
		"right edge":                 {80600, 96500, 120500, 149000, 299000, 299500},
		"mean off the axis":          {80600, 96500, 120500, 149000, 187000, 5e6},
	} {
		add("hist/"+name, must(HistChart(append(histValues(), 1, 2e8), testBand("x", 802, v[0], v[1], v[2], v[3], v[4], v[5]), ChartOptions{Title: "Security Engineer: distribution of pay in 2024", Caption: longCaption})))
	}
	add("hist/158k rows", must(HistChart(append(lognormalValues(158000, 11.7, 0.4), 9e9), testBand("x", 158001, 80600, 96500, 120500, 149000, 187000, 190000), ChartOptions{Title: "Distribution of pay in all years", Caption: "n = 158,001"})))
	add("hist/one value", must(HistChart([]float64{90000, 90000, 90000}, testBand("x", 3, 90000, 90000, 90000, 90000, 90000, 90000), ChartOptions{Title: "t", Caption: "n = 3"})))

	// Trend chart.
	add("trend/nominal equals real", must(TrendChart(trendPoints(false), trendPoints(false), "2016 dollars", oews, ChartOptions{Title: "Median pay by year", Caption: longCaption})))
	add("trend/real just above", must(TrendChart(flatTrend(9, rising), flatTrend(9, func(i int) float64 { return rising(i) * 1.004 }), "2016 dollars", oews, ChartOptions{Title: "Median pay by year", Caption: longCaption})))
	add("trend/sixteen years crossing", must(TrendChart(flatTrend(16, rising), flatTrend(16, func(i int) float64 { return 130000 - float64(i)*1500 }), "2016 dollars", oews, ChartOptions{Title: "Median pay by year", Caption: "n = 1"})))
	add("trend/marks at the end", must(TrendChart(flatTrend(6, rising), flatTrend(6, rising), "2016 dollars",
		[]MethodChange{{2020, "Survey questionnaire changed (2020)"}, oewsMethodChange}, ChartOptions{Title: "Median pay by year", Caption: "n = 1"})))
	add("trend/flat at the top", must(TrendChart(flatTrend(9, func(int) float64 { return 120000 }), flatTrend(9, func(int) float64 { return 120000 }), "2016 dollars", oews, ChartOptions{Title: "Median pay by year", Caption: "n = 1"})))
	add("trend/golden", must(TrendChart(trendPoints(false), trendPoints(true), "2016 dollars", oews, ChartOptions{Title: "Security engineer median pay by year", Caption: "n = 6,120 · source: OEWS 2016–2024"})))
	return charts
}

// TestChartTextsDoNotOverlap renders every chart kind to SVG on data that
// provokes collisions and checks that no two texts' boxes intersect.
func TestChartTextsDoNotOverlap(t *testing.T) {
	for name, p := range collisionCharts(t) {
		t.Run(name, func(t *testing.T) {
			texts := svgTexts(t, renderSVG(t, p))
			if len(texts) < 5 {
				t.Fatalf("only %d texts in the SVG", len(texts))
			}
			for _, o := range svgOverlaps(texts) {
				t.Errorf("%v and %v intersect", o[0], o[1])
			}
			if *chartsDir != "" {
				if err := SaveChart(p, fmt.Sprintf("%s/overlap-%s.png", *chartsDir, strings.NewReplacer("/", "-", " ", "-", ",", "", "%", "").Replace(name))); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestSVGTextBoxes checks the SVG reading against the label boxes the
// charts compute themselves.
func TestSVGTextBoxes(t *testing.T) {
	b := testBand("x", 800, 80600, 96500, 120500, 149000, 187000, 128000)
	p := mustPlot(t)(HistChart(histValues(), b, ChartOptions{Title: "t"}))
	boxes := (&histMarkers{marks: histMarkerList(b)}).labelBoxes(dataCanvas(p), p)
	texts := svgTexts(t, renderSVG(t, p))
	for _, lb := range boxes {
		found := false
		for _, s := range texts {
			if s.text != lb.Text {
				continue
			}
			found = true
			// The label boxes are in canvas points, y up; the SVG's page
			// is y down. The label box spans ascent to descent, the em
			// box inside it.
			x0, x1 := float64(lb.Rect.Min.X), float64(lb.Rect.Max.X)
			y0, y1 := float64(chartHeight-lb.Rect.Max.Y), float64(chartHeight-lb.Rect.Min.Y)
			if math.Abs(s.x0-x0) > 0.5 || math.Abs(s.x1-x1) > 0.5 || s.y0 < y0-0.5 || s.y1 > y1+0.5 || math.Abs(s.y1-y1) > 0.5 {
				t.Errorf("%q: SVG box %v, label box [%.1f, %.1f]×[%.1f, %.1f]", lb.Text, s, x0, x1, y0, y1)
			}
		}
		if !found {
			t.Errorf("label %q is not in the SVG", lb.Text)
		}
	}
}
