package report

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"payband/bands"
)

// boxGroups draws one vertical box per band from the Band numbers:
// whiskers at p10/p90, box p25–p75, median line and mean dot. gonum's
// BoxPlot is not used because it computes its own quartiles and Tukey
// whiskers, which would disagree with the table.
type boxGroups struct{ bands []bands.Band }

const boxHalf = 0.22 // half width of a box in x data units

var (
	_ plot.Plotter    = (*boxGroups)(nil)
	_ plot.DataRanger = (*boxGroups)(nil)
	_ plot.GlyphBoxer = (*boxGroups)(nil)
)

// DataRange is [min p10, max p90] on y; each group owns one unit of x.
func (b *boxGroups) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, bd := range b.bands {
		ymin = math.Min(ymin, bd.P10)
		ymax = math.Max(ymax, bd.P90)
	}
	return -0.5, float64(len(b.bands)) - 0.5, ymin, ymax
}

func (b *boxGroups) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	whisker := draw.LineStyle{Color: colBlue, Width: 1.5}
	edge := draw.LineStyle{Color: colBlue, Width: 1.25}
	median := draw.LineStyle{Color: colBlack, Width: 3}
	lbl := textStyle(sizeValue, true, colBlack, draw.XLeft, draw.YCenter)
	for i, bd := range b.bands {
		x := float64(i)
		xc, x0, x1 := tx(x), tx(x-boxHalf), tx(x+boxHalf)
		capHalf := (x1 - x0) / 4
		// Whiskers first so the box covers their inner ends.
		c.StrokeLine2(whisker, xc, ty(bd.P10), xc, ty(bd.P25))
		c.StrokeLine2(whisker, xc, ty(bd.P75), xc, ty(bd.P90))
		c.StrokeLine2(whisker, xc-capHalf, ty(bd.P10), xc+capHalf, ty(bd.P10))
		c.StrokeLine2(whisker, xc-capHalf, ty(bd.P90), xc+capHalf, ty(bd.P90))
		box := rectPts(x0, ty(bd.P25), x1, ty(bd.P75))
		c.FillPolygon(colSkyLight, box)
		c.StrokeLines(edge, append(box, box[0]))
		c.StrokeLine2(median, x0, ty(bd.Median), x1, ty(bd.Median))
		drawMeanDot(c, vg.Point{X: xc, Y: ty(bd.Mean)})
		c.FillText(lbl, vg.Point{X: x1 + 5, Y: ty(bd.Median)}, Dollars(bd.Median))
	}
}

// GlyphBoxes keep the median label of the last group inside the plot.
func (b *boxGroups) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	lbl := textStyle(sizeValue, true, colBlack, draw.XLeft, draw.YCenter)
	boxes := make([]plot.GlyphBox, len(b.bands))
	for i, bd := range b.bands {
		boxes[i] = plot.GlyphBox{X: p.X.Norm(float64(i) + boxHalf), Y: p.Y.Norm(bd.Median),
			Rectangle: vg.Rectangle{Max: vg.Point{X: 5 + lbl.Width(Dollars(bd.Median)) + 2}}}
	}
	return boxes
}

// BoxChart draws one box per group (seniority, country, company size…)
// from the given Band numbers.
func BoxChart(bs []bands.Band, opt ChartOptions) (*plot.Plot, error) {
	if err := checkBands("box", bs); err != nil {
		return nil, err
	}
	p := newChart(opt, "", PayAxisLabel)
	p.Add(grid(false, true))
	g := &boxGroups{bands: bs}
	p.Add(g)
	_, _, ymin, ymax := g.DataRange()
	p.Y.Min, p.Y.Max = padRange(ymin, ymax, 0.06, 0.06)
	p.Y.Tick.Marker = dollarTicks{}
	p.X.Tick.Marker = plot.ConstantTicks(categoryTicks(p, bs))
	p.X.Tick.Length = 0
	addFooter(p, opt.Caption, []keyEntry{
		{"p10–p90 (whiskers)", swatchLine(draw.LineStyle{Color: colBlue, Width: 1.5}, true)},
		{"p25–p75", swatchRect(colSkyLight)},
		{"median", swatchLine(draw.LineStyle{Color: colBlack, Width: 3}, false)},
		{"mean", swatchDot(meanGlyph)},
	})
	return p, nil
}
