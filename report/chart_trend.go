package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"payband/bands"
)

// TrendPoint is the band of one year.
type TrendPoint struct {
	Year int
	Band bands.Band
}

// MethodChange marks a break in the source series, e.g.
// {2021, "OEWS method change (May 2021)"}.
type MethodChange struct {
	Year  int
	Label string
}

// oewsMethodChange is BLS OEWS's move to a new estimation method with the
// May 2021 estimates.
var oewsMethodChange = MethodChange{Year: 2021, Label: "OEWS method change (May 2021)"}

// MethodChangesFor is the method changes that break a trend of the given
// source kinds (bands.Band.Scope.Kinds): the OEWS change of 2021 when LCA
// prevailing wages are in it, since those are set from the OEWS-based
// wage tables; none for survey answers and offered wages.
func MethodChangesFor(kinds []string) []MethodChange {
	if slices.Contains(kinds, bands.KindLCAPrevailing) {
		return []MethodChange{oewsMethodChange}
	}
	return nil
}

// KindsOf is the source kinds pooled in any of bs, sorted.
func KindsOf(bs []bands.Band) []string {
	var kinds []string
	for _, b := range bs {
		for _, k := range b.Scope.Kinds {
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	slices.Sort(kinds)
	return kinds
}

// trendSeries draws one median line with its p25–p75 range, as a filled
// ribbon (fill set) or as two thin boundary lines (edge set) so that a
// second series does not muddy the first. Ribbons are drawn in a first
// pass and lines in a second so that no ribbon covers a median line. The
// median labels are trendLabels'.
type trendSeries struct {
	pts    []TrendPoint // sorted by year
	line   draw.LineStyle
	fill   color.Color
	edge   draw.LineStyle
	ribbon bool // this pass draws the range, not the median
}

func (s *trendSeries) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = float64(s.pts[0].Year), float64(s.pts[len(s.pts)-1].Year)
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, t := range s.pts {
		ymin = math.Min(ymin, math.Min(t.Band.P25, t.Band.Median))
		ymax = math.Max(ymax, math.Max(t.Band.P75, t.Band.Median))
	}
	return
}

func (s *trendSeries) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	var hi, lo, line []vg.Point
	for _, t := range s.pts {
		x := tx(float64(t.Year))
		hi = append(hi, vg.Point{X: x, Y: ty(t.Band.P75)})
		lo = append(lo, vg.Point{X: x, Y: ty(t.Band.P25)})
		line = append(line, vg.Point{X: x, Y: ty(t.Band.Median)})
	}
	if s.ribbon {
		switch {
		case len(s.pts) == 1:
			// A single year has no ribbon; show its p25–p75 as a bar.
			sty := s.edge
			if s.fill != nil {
				sty = draw.LineStyle{Color: s.fill, Width: 10}
			}
			c.StrokeLine2(sty, hi[0].X, lo[0].Y, hi[0].X, hi[0].Y)
		case s.fill != nil:
			poly := append([]vg.Point(nil), hi...)
			for i := len(lo) - 1; i >= 0; i-- {
				poly = append(poly, lo[i])
			}
			c.FillPolygon(s.fill, poly)
		default:
			c.StrokeLines(s.edge, hi, lo)
		}
		return
	}
	if len(line) > 1 {
		c.StrokeLines(s.line, line)
	}
	for i := range s.pts {
		c.DrawGlyphNoClip(draw.GlyphStyle{Color: color.White, Radius: 5, Shape: draw.CircleGlyph{}}, line[i])
		c.DrawGlyphNoClip(draw.GlyphStyle{Color: s.line.Color, Radius: 3.5, Shape: draw.CircleGlyph{}}, line[i])
	}
}

// trendMarksShown is the method changes a trend over the years xmin to
// xmax spans, those with a year after xmin and at most xmax, sorted by
// year.
func trendMarksShown(marks []MethodChange, xmin, xmax float64) []MethodChange {
	var ms []MethodChange
	for _, m := range marks {
		if y := float64(m.Year); y > xmin && y <= xmax {
			ms = append(ms, m)
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Year < ms[j].Year })
	return ms
}

// trendMarks draws method changes as dashed vertical lines; their labels
// are trendLabels'.
type trendMarks struct{ marks []MethodChange }

var trendMarkStyle = draw.LineStyle{Color: colMuted, Width: 1.25, Dashes: []vg.Length{5, 4}}

func (m *trendMarks) Plot(c draw.Canvas, p *plot.Plot) {
	tx, _ := p.Transforms(&c)
	for _, mk := range m.marks {
		x := tx(float64(mk.Year))
		c.StrokeLine2(trendMarkStyle, x, c.Min.Y, x, c.Max.Y)
	}
}

// trendLabels lays out and draws every label of the trend chart's plot
// area: the median of each year above the nominal point and below the
// real one, and the method-change labels along the top.
type trendLabels struct {
	nominal, real []TrendPoint // sorted by year; real may be nil
	nomColor      color.Color
	realColor     color.Color
	marks         []MethodChange // sorted by year
}

var _ plot.Plotter = (*trendLabels)(nil)

// trendMaxLabelled is the most years whose medians are labelled; beyond
// that the labels would crowd each other out.
const trendMaxLabelled = 16

// Label geometry, in points: the gap between a median label and its
// point, the step by which a colliding label moves further out, and the
// most steps it takes.
const (
	trendLabelGap   = vg.Length(7)
	trendLabelStep  = vg.Length(4)
	trendLabelSteps = 40
)

// trendLabel is one laid-out label.
type trendLabel struct {
	sty text.Style
	pt  vg.Point
	box labelBox
}

// layout places the labels on c. For each year the nominal label goes
// above the higher of the year's two points and the real label below the
// lower, so the two never cover each other or the other series' point;
// a label whose box meets one placed before it moves further out (up for
// nominal, down for real) until it is clear. Method-change labels then
// take the first free spot along the top: right of their line, row by
// row, then left of it.
func (l *trendLabels) layout(c draw.Canvas, p *plot.Plot) []trendLabel {
	tx, ty := p.Transforms(&c)
	var placed []trendLabel
	free := func(r vg.Rectangle) bool {
		for _, o := range placed {
			if boxesIntersect(r, o.box.Rect) {
				return false
			}
		}
		return true
	}
	realAt := map[int]float64{}
	for _, t := range l.real {
		realAt[t.Year] = t.Band.Median
	}
	nomAt := map[int]float64{}
	for _, t := range l.nominal {
		nomAt[t.Year] = t.Band.Median
	}
	place := func(sty text.Style, x, y, dir vg.Length, txt string) {
		pt := vg.Point{X: x, Y: y}
		for i := 0; i < trendLabelSteps; i++ {
			if free(textBox(sty, pt, txt)) {
				break
			}
			pt.Y += dir * trendLabelStep
		}
		placed = append(placed, trendLabel{sty: sty, pt: pt, box: labelBox{Text: txt, Rect: textBox(sty, pt, txt)}})
	}
	if len(l.nominal) <= trendMaxLabelled && len(l.real) <= trendMaxLabelled {
		nomSty := textStyle(sizeValue, true, l.nomColor, draw.XCenter, draw.YBottom)
		realSty := textStyle(sizeValue, true, l.realColor, draw.XCenter, draw.YTop)
		// Year by year, nominal then real, so that a crowded year pushes
		// its own labels apart before the next year's.
		years := map[int]bool{}
		var order []int
		for _, t := range append(append([]TrendPoint(nil), l.nominal...), l.real...) {
			if !years[t.Year] {
				years[t.Year] = true
				order = append(order, t.Year)
			}
		}
		slices.Sort(order)
		for _, y := range order {
			x := tx(float64(y))
			nom, hasNom := nomAt[y]
			rl, hasReal := realAt[y]
			top, bottom := ty(nom), ty(rl)
			switch {
			case !hasNom:
				top = bottom
			case !hasReal:
				bottom = top
			}
			top, bottom = max(top, bottom), min(top, bottom)
			if hasNom {
				place(nomSty, x, top+trendLabelGap, 1, Dollars(nom))
			}
			if hasReal {
				place(realSty, x, bottom-trendLabelGap, -1, Dollars(rl))
			}
		}
	}
	markSty := textStyle(sizeValue, false, colMuted, draw.XLeft, draw.YTop)
	rowH := markSty.Height("Ag") + 2
	for _, mk := range l.marks {
		x := tx(float64(mk.Year))
		var best trendLabel
		found := false
		for _, side := range []draw.XAlignment{draw.XLeft, draw.XRight} {
			sty := markSty
			sty.XAlign = side
			pt := vg.Point{X: x + 4, Y: c.Max.Y - 2}
			if side == draw.XRight {
				pt.X = x - 4
			}
			for row := 0; row < 6 && !found; row++ {
				pt.Y = c.Max.Y - 2 - vg.Length(row)*rowH
				r := textBox(sty, pt, mk.Label)
				if r.Min.X < c.Min.X || r.Max.X > c.Max.X || !free(r) {
					continue
				}
				best, found = trendLabel{sty: sty, pt: pt, box: labelBox{Text: mk.Label, Rect: r}}, true
			}
			if found {
				break
			}
		}
		if !found {
			// Nowhere free: go below everything placed at the line.
			sty := markSty
			pt := vg.Point{X: x + 4, Y: c.Max.Y - 2}
			for i := 0; i < 4*trendLabelSteps && !free(textBox(sty, pt, mk.Label)); i++ {
				pt.Y -= trendLabelStep
			}
			best = trendLabel{sty: sty, pt: pt, box: labelBox{Text: mk.Label, Rect: textBox(sty, pt, mk.Label)}}
		}
		placed = append(placed, best)
	}
	return placed
}

// labelBoxes are the labels' text boxes as Plot draws them on c.
func (l *trendLabels) labelBoxes(c draw.Canvas, p *plot.Plot) []labelBox {
	var out []labelBox
	for _, t := range l.layout(c, p) {
		out = append(out, t.box)
	}
	return out
}

func (l *trendLabels) Plot(c draw.Canvas, p *plot.Plot) {
	for _, t := range l.layout(c, p) {
		c.FillText(t.sty, t.pt, t.box.Text)
	}
}

func sortedTrend(kind string, pts []TrendPoint) ([]TrendPoint, error) {
	out := append([]TrendPoint(nil), pts...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	for i, t := range out {
		if err := checkBand(t.Band); err != nil {
			return nil, fmt.Errorf("trend chart: %s %d: %w", kind, t.Year, err)
		}
		if i > 0 && out[i-1].Year == t.Year {
			return nil, fmt.Errorf("trend chart: %s: year %d appears twice", kind, t.Year)
		}
	}
	return out, nil
}

// yearTicks labels whole years, thinning to every 2nd/5th year on long
// series.
type yearTicks struct{}

func (yearTicks) Ticks(min, max float64) []plot.Tick {
	step := 1
	if span := max - min; span > 24 {
		step = 5
	} else if span > 12 {
		step = 2
	}
	var ticks []plot.Tick
	for y := int(math.Ceil(min)); float64(y) <= max; y++ {
		if y%step == 0 {
			ticks = append(ticks, plot.Tick{Value: float64(y), Label: strconv.Itoa(y)})
		}
	}
	return ticks
}

// TrendChart draws the median by year with a p25–p75 ribbon, in nominal
// dollars and, when real is not nil, in realBasis dollars ("2016
// dollars"). Method changes are dashed vertical lines.
func TrendChart(nominal, real []TrendPoint, realBasis string, marks []MethodChange, opt ChartOptions) (*plot.Plot, error) {
	if len(nominal) == 0 {
		return nil, fmt.Errorf("trend chart: %w: no nominal points", errNoData)
	}
	nom, err := sortedTrend("nominal", nominal)
	if err != nil {
		return nil, err
	}
	var rl []TrendPoint
	if len(real) > 0 {
		if rl, err = sortedTrend("real", real); err != nil {
			return nil, err
		}
		if realBasis == "" {
			realBasis = "real dollars"
		}
	}

	p := newChart(opt, "Year", PayAxisLabel)
	p.Add(grid(false, true))
	nomLine := draw.LineStyle{Color: colBlue, Width: 2.5}
	nomFill := tint(colSky, 0.40)
	realLine := draw.LineStyle{Color: colVermilion, Width: 2.5, Dashes: []vg.Length{8, 4}}
	realEdge := draw.LineStyle{Color: colVermilion, Width: 1, Dashes: []vg.Length{3, 3}}
	series := []*trendSeries{{pts: nom, line: nomLine, fill: nomFill}}
	key := []keyEntry{{"median (nominal)", swatchLine(nomLine, false)}, {"p25–p75 (nominal)", swatchRect(nomFill)}}
	if rl != nil {
		series = append(series, &trendSeries{pts: rl, line: realLine, edge: realEdge})
		key = append(key, keyEntry{"median (" + realBasis + ")", swatchLine(realLine, false)},
			keyEntry{"p25–p75 (" + realBasis + ")", swatchLine(realEdge, false)})
	}
	for _, s := range series {
		r := *s
		r.ribbon = true
		p.Add(&r)
	}
	xmin, xmax := float64(nom[0].Year), float64(nom[len(nom)-1].Year)
	if rl != nil {
		xmin = math.Min(xmin, float64(rl[0].Year))
		xmax = math.Max(xmax, float64(rl[len(rl)-1].Year))
	}
	// Method-change lines go over the ribbons but under the medians and
	// their labels. Only a change the data spans (years before it and
	// from it on) breaks the line drawn; one outside would stretch the
	// axis to years without data, so it is left out (trendMarksShown).
	ms := trendMarksShown(marks, xmin, xmax)
	if len(ms) > 0 {
		p.Add(&trendMarks{marks: ms})
	}
	for _, s := range series {
		p.Add(s)
	}
	p.Add(&trendLabels{nominal: nom, real: rl, nomColor: nomLine.Color, realColor: realLine.Color, marks: ms})
	p.X.Min, p.X.Max = xmin-0.4, xmax+0.4
	p.X.Tick.Marker = yearTicks{}
	// Room above for the mark labels and below for the real-median labels.
	p.Y.Min, p.Y.Max = padRange(p.Y.Min, p.Y.Max, 0.12, 0.18)
	p.Y.Tick.Marker = dollarTicks{}
	addFooter(p, opt.Caption, key)
	return p, nil
}
