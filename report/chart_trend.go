package report

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
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

// DefaultMethodChanges marks the years where a source's method changed, for
// trend charts: BLS OEWS moved to a new estimation method with the May 2021
// estimates.
var DefaultMethodChanges = []MethodChange{{Year: 2021, Label: "OEWS method change (May 2021)"}}

// trendSeries draws one median line with its p25–p75 range, as a filled
// ribbon (fill set) or as two thin boundary lines (edge set) so that a
// second series does not muddy the first. Ribbons are drawn in a first
// pass and lines in a second so that no ribbon covers a median line.
type trendSeries struct {
	pts    []TrendPoint // sorted by year
	line   draw.LineStyle
	fill   color.Color
	edge   draw.LineStyle
	above  bool // median labels above (true) or below the points
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
	sty := textStyle(sizeValue, true, s.line.Color, draw.XCenter, draw.YBottom)
	off := vg.Length(7)
	if !s.above {
		sty.YAlign = draw.YTop
		off = -7
	}
	for i, t := range s.pts {
		c.DrawGlyphNoClip(draw.GlyphStyle{Color: color.White, Radius: 5, Shape: draw.CircleGlyph{}}, line[i])
		c.DrawGlyphNoClip(draw.GlyphStyle{Color: s.line.Color, Radius: 3.5, Shape: draw.CircleGlyph{}}, line[i])
		if len(s.pts) <= 16 { // beyond that the labels would collide
			c.FillText(sty, line[i].Add(vg.Point{Y: off}), Dollars(t.Band.Median))
		}
	}
}

// trendMarks draws method changes as dashed vertical lines, labelled at
// the top of the plot just right of the line.
type trendMarks struct{ marks []MethodChange }

var trendMarkStyle = draw.LineStyle{Color: colMuted, Width: 1.25, Dashes: []vg.Length{5, 4}}

func (m *trendMarks) Plot(c draw.Canvas, p *plot.Plot) {
	tx, _ := p.Transforms(&c)
	sty := textStyle(sizeValue, false, colMuted, draw.XLeft, draw.YTop)
	for i, mk := range m.marks {
		x := tx(float64(mk.Year))
		c.StrokeLine2(trendMarkStyle, x, c.Min.Y, x, c.Max.Y)
		// Successive labels step down so neighbouring marks stay legible.
		y := c.Max.Y - 2 - vg.Length(i%3)*(sty.Height("Ag")+2)
		c.FillText(sty, vg.Point{X: x + 4, Y: y}, mk.Label)
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
	series := []*trendSeries{{pts: nom, line: nomLine, fill: nomFill, above: true}}
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
	// Method-change lines go over the ribbons but under the medians and
	// their labels.
	var ms []MethodChange
	if len(marks) > 0 {
		ms = append(ms, marks...)
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].Year < ms[j].Year })
		p.Add(&trendMarks{marks: ms})
	}
	for _, s := range series {
		p.Add(s)
	}
	xmin, xmax := float64(nom[0].Year), float64(nom[len(nom)-1].Year)
	if rl != nil {
		xmin = math.Min(xmin, float64(rl[0].Year))
		xmax = math.Max(xmax, float64(rl[len(rl)-1].Year))
	}
	if len(ms) > 0 {
		xmin = math.Min(xmin, float64(ms[0].Year))
		xmax = math.Max(xmax, float64(ms[len(ms)-1].Year))
	}
	p.X.Min, p.X.Max = xmin-0.4, xmax+0.4
	p.X.Tick.Marker = yearTicks{}
	// Room above for the mark labels and below for the real-median labels.
	p.Y.Min, p.Y.Max = padRange(p.Y.Min, p.Y.Max, 0.12, 0.18)
	p.Y.Tick.Marker = dollarTicks{}
	addFooter(p, opt.Caption, key)
	return p, nil
}
