package report

import (
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"payband/bands"
)

// Bar geometry of the band chart, in y data units (one band per unit).
const (
	bandBarHalf  = 0.22 // half height of the p10–p90 and p25–p75 bars
	bandTickHalf = 0.32 // half height of the median tick
	labelGap     = vg.Length(6)
	maxBandLabel = vg.Length(230) // wider group labels wrap, keeping the bars wide
	// bandDataHeight is less than the height of any band chart's data
	// area, for fitting the labels to their bands.
	bandDataHeight = vg.Length(340)
)

// bandBars draws one horizontal floating bar per band straight from the
// Band numbers, so the chart shows exactly what the table prints. The
// first band is at the top.
type bandBars struct {
	bands []bands.Band
}

var (
	_ plot.Plotter    = (*bandBars)(nil)
	_ plot.DataRanger = (*bandBars)(nil)
	_ plot.GlyphBoxer = (*bandBars)(nil)
)

func (b *bandBars) y(i int) float64 { return float64(len(b.bands) - 1 - i) }

// DataRange is [min p10, max p90] on x; each band owns one unit of y.
func (b *bandBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, bd := range b.bands {
		xmin = math.Min(xmin, bd.P10)
		xmax = math.Max(xmax, bd.P90)
	}
	return xmin, xmax, -0.5, float64(len(b.bands)) - 0.5
}

func (b *bandBars) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	edge := draw.LineStyle{Color: colBlue, Width: 0.75}
	median := draw.LineStyle{Color: colBlack, Width: 3}
	valSty := textStyle(sizeValue, false, colText, draw.XLeft, draw.YCenter)
	medSty := textStyle(sizeValue, true, colBlack, draw.XCenter, draw.YBottom)
	for i, bd := range b.bands {
		y := b.y(i)
		y0, y1 := ty(y-bandBarHalf), ty(y+bandBarHalf)
		c.FillPolygon(colSkyLight, rectPts(tx(bd.P10), y0, tx(bd.P90), y1))
		c.FillPolygon(colBlue, rectPts(tx(bd.P25), y0, tx(bd.P75), y1))
		c.StrokeLines(edge, append(rectPts(tx(bd.P10), y0, tx(bd.P90), y1), vg.Point{X: tx(bd.P10), Y: y0}))
		xm := tx(bd.Median)
		c.StrokeLine2(median, xm, ty(y-bandTickHalf), xm, ty(y+bandTickHalf))
		drawMeanDot(c, vg.Point{X: tx(bd.Mean), Y: ty(y)})

		valSty.XAlign = draw.XRight
		c.FillText(valSty, vg.Point{X: tx(bd.P10) - labelGap, Y: ty(y)}, Dollars(bd.P10))
		valSty.XAlign = draw.XLeft
		c.FillText(valSty, vg.Point{X: tx(bd.P90) + labelGap, Y: ty(y)}, Dollars(bd.P90))
		c.FillText(medSty, vg.Point{X: xm, Y: ty(y+bandTickHalf) + 2}, Dollars(bd.Median))
	}
}

// GlyphBoxes reserve room for the p10 and p90 value labels so the plot
// shrinks the data area instead of clipping them.
func (b *bandBars) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	sty := textStyle(sizeValue, false, colText, draw.XLeft, draw.YCenter)
	var boxes []plot.GlyphBox
	for i, bd := range b.bands {
		y := p.Y.Norm(b.y(i))
		lo, hi := Dollars(bd.P10), Dollars(bd.P90)
		h := sty.Height(lo)
		boxes = append(boxes,
			plot.GlyphBox{X: p.X.Norm(bd.P10), Y: y, Rectangle: vg.Rectangle{
				Min: vg.Point{X: -labelGap - sty.Width(lo) - 2, Y: -h / 2},
				Max: vg.Point{X: 0, Y: h / 2}}},
			plot.GlyphBox{X: p.X.Norm(bd.P90), Y: y, Rectangle: vg.Rectangle{
				Min: vg.Point{X: 0, Y: -h / 2},
				Max: vg.Point{X: labelGap + sty.Width(hi) + 2, Y: h / 2}}},
		)
	}
	return boxes
}

// bandKey explains the band glyphs; shared with the box chart.
func bandKey(outer, inner string) []keyEntry {
	return []keyEntry{
		{outer, swatchRect(colSkyLight)},
		{inner, swatchRect(colBlue)},
		{"median", swatchLine(draw.LineStyle{Color: colBlack, Width: 3}, true)},
		{"mean", swatchDot(meanGlyph)},
	}
}

// BandChart draws one horizontal floating bar per band, in the order
// given: p10–p90 light, p25–p75 dark, a median tick and a mean dot, with
// the p10, median and p90 values printed on the bar.
func BandChart(bs []bands.Band, opt ChartOptions) (*plot.Plot, error) {
	if err := checkBands("band", bs); err != nil {
		return nil, err
	}
	p := newChart(opt, PayAxisLabel, "")
	p.Add(grid(true, false))
	bars := &bandBars{bands: bs}
	p.Add(bars)

	xmin, xmax, _, _ := bars.DataRange()
	p.X.Min, p.X.Max = padRange(xmin, xmax, 0.04, 0.04)
	p.X.Tick.Marker = dollarTicks{}

	// Each band's label, n included, must fit the band's share of the
	// plot's height or it runs into its neighbours' labels.
	lines := int(bandDataHeight / vg.Length(len(bs)) / p.Y.Tick.Label.Font.Size)
	ticks := make([]plot.Tick, len(bs))
	for i, bd := range bs {
		ticks[i] = plot.Tick{Value: bars.y(i), Label: bandTickLabel(bd, p.Y.Tick.Label, lines)}
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Tick.Length = 0
	p.Y.Width = 0
	p.Y.Padding = 8

	addFooter(p, opt.Caption, bandKey("p10–p90", "p25–p75"))
	return p, nil
}

// bandTickLabel is the band's label and its n on at most lines lines:
// each group value on its own line and wrapped at maxBandLabel when there
// is room, else the values run on, then the label is cut short with "…";
// with room for one line only, the n follows the label on it.
func bandTickLabel(bd bands.Band, sty text.Style, lines int) string {
	lbl, n := bd.Label(), nLabel(bd)
	if lines < 2 {
		return clipLine(lbl, sty, maxBandLabel-sty.Width(" · "+n)) + " · " + n
	}
	var wrapped string
	if sty.Width(lbl) <= maxBandLabel {
		wrapped = lbl
	} else {
		wrapped = wrapLabel(lbl, sty, maxBandLabel)
	}
	if strings.Count(wrapped, "\n")+1 >= lines {
		// The group values run on, " · " between them, to save lines.
		var words []string
		for i, part := range strings.Split(lbl, " · ") {
			if i > 0 && len(words) > 0 {
				words[len(words)-1] += " ·"
			}
			words = append(words, strings.Fields(part)...)
		}
		wrapped = strings.Join(wrapWords(words, sty, maxBandLabel), "\n")
	}
	if ls := strings.Split(wrapped, "\n"); len(ls) >= lines {
		ls = ls[:lines-1]
		ls[len(ls)-1] = clipLine(ls[len(ls)-1]+" …", sty, maxBandLabel)
		wrapped = strings.Join(ls, "\n")
	}
	return wrapped + "\n" + n
}

// clipLine cuts s to width, ending it with "…" when cut.
func clipLine(s string, sty text.Style, width vg.Length) string {
	if sty.Width(s) <= width {
		return s
	}
	r := []rune(strings.TrimSuffix(s, " …"))
	for len(r) > 1 && sty.Width(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ·,") + "…"
}
