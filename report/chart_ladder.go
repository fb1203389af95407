package report

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"payband/bands"
)

// ladderSteps draws the median of each career step with its p25–p75
// range as an error bar, joined by a line in ladder order.
type ladderSteps struct{ steps []bands.Band }

var (
	_ plot.Plotter    = (*ladderSteps)(nil)
	_ plot.DataRanger = (*ladderSteps)(nil)
)

func (l *ladderSteps) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, b := range l.steps {
		ymin = math.Min(ymin, b.P25)
		ymax = math.Max(ymax, b.P75)
	}
	return -0.5, float64(len(l.steps)) - 0.5, ymin, ymax
}

func (l *ladderSteps) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	bar := draw.LineStyle{Color: colSky, Width: 3}
	line := draw.LineStyle{Color: colBlue, Width: 2.5}
	pts := make([]vg.Point, len(l.steps))
	for i, b := range l.steps {
		pts[i] = vg.Point{X: tx(float64(i)), Y: ty(b.Median)}
	}
	const capW = vg.Length(9)
	for i, b := range l.steps {
		x, lo, hi := pts[i].X, ty(b.P25), ty(b.P75)
		c.StrokeLine2(bar, x, lo, x, hi)
		c.StrokeLine2(bar, x-capW, lo, x+capW, lo)
		c.StrokeLine2(bar, x-capW, hi, x+capW, hi)
	}
	if len(pts) > 1 {
		c.StrokeLines(line, pts)
	}
	lbl := textStyle(sizeValue, true, colBlack, draw.XLeft, draw.YCenter)
	for _, pt := range pts {
		c.DrawGlyphNoClip(draw.GlyphStyle{Color: color.White, Radius: 7, Shape: draw.CircleGlyph{}}, pt)
		c.DrawGlyphNoClip(draw.GlyphStyle{Color: colBlue, Radius: 5.5, Shape: draw.CircleGlyph{}}, pt)
	}
	for i, b := range l.steps {
		// Right of the point, clear of the error-bar caps.
		fillTextHalo(c, lbl, pts[i].Add(vg.Point{X: capW + 5}), Dollars(b.Median))
	}
}

// LadderChart draws median pay along the career ladder, one step per band
// in the order given, with p25–p75 error bars.
func LadderChart(steps []bands.Band, opt ChartOptions) (*plot.Plot, error) {
	if err := checkBands("ladder", steps); err != nil {
		return nil, err
	}
	p := newChart(opt, "Career step", PayAxisLabel)
	p.Add(grid(false, true))
	l := &ladderSteps{steps: steps}
	p.Add(l)
	_, _, ymin, ymax := l.DataRange()
	p.Y.Min, p.Y.Max = padRange(ymin, ymax, 0.08, 0.08)
	p.Y.Tick.Marker = dollarTicks{}
	p.X.Tick.Marker = plot.ConstantTicks(categoryTicks(p, steps))
	p.X.Tick.Length = 0
	addFooter(p, opt.Caption, []keyEntry{
		{"median", swatchDot(draw.GlyphStyle{Color: colBlue, Radius: 5.5, Shape: draw.CircleGlyph{}})},
		{"p25–p75", swatchLine(draw.LineStyle{Color: colSky, Width: 3}, true)},
	})
	return p, nil
}

// categoryTicks labels x = 0, 1, … with the band label, wrapped to the
// width of one category, and its n.
func categoryTicks(p *plot.Plot, bs []bands.Band) []plot.Tick {
	// The y axis takes roughly 90pt; the rest is shared by the categories.
	slot := (chartWidth - marginLeft - marginRight - 90) / vg.Length(len(bs)) * 0.9
	ticks := make([]plot.Tick, len(bs))
	for i, b := range bs {
		ticks[i] = plot.Tick{Value: float64(i), Label: wrapLabel(b.Label(), p.X.Tick.Label, slot) + "\n" + nLabel(b)}
	}
	return ticks
}
