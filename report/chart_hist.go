package report

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"payband/bands"
)

// histBins puts values into bins of a 1-2-5 width, aligned to multiples
// of the width so bin edges fall on round dollar amounts.
func histBins(values []float64) []plotter.HistogramBin {
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	// Square-root rule, kept between 10 and 40 bars for readability.
	k := math.Max(10, math.Min(40, math.Round(math.Sqrt(float64(len(values))))))
	w := niceStep((hi - lo) / k)
	if hi == lo {
		w = niceStep(math.Max(math.Abs(hi)*0.05, 1000))
	}
	start := math.Floor(lo/w) * w
	if hi == lo {
		start = lo - w/2 // centre the single bar on the value
	}
	n := int(math.Floor((hi-start)/w)) + 1
	bins := make([]plotter.HistogramBin, n)
	for i := range bins {
		bins[i].Min = start + float64(i)*w
		bins[i].Max = start + float64(i+1)*w
	}
	for _, v := range values {
		i := min(int(math.Floor((v-start)/w)), n-1)
		bins[i].Weight++
	}
	return bins
}

// histMarker is one labelled vertical line of the histogram.
type histMarker struct {
	name  string
	value float64
	style draw.LineStyle
}

// histMarkers draws the band's quantiles and mean as vertical lines with
// labels along the top. Labels are stacked on up to histRows rows so that
// close quantiles (p10 next to p25) do not overprint each other.
type histMarkers struct {
	marks []histMarker
}

const histRows = 3

var _ plot.Plotter = (*histMarkers)(nil)

func (h *histMarkers) Plot(c draw.Canvas, p *plot.Plot) {
	tx, _ := p.Transforms(&c)
	sty := textStyle(sizeValue, false, colText, draw.XCenter, draw.YTop)
	lineH := sty.Height("Ag") + 3
	type span struct{ lo, hi vg.Length }
	rows := make([][]span, histRows)
	for i := 0; i < len(h.marks); {
		// Markers on the same spot (a narrow or degenerate band) share
		// one label: "p10 / p25 $100k".
		x := tx(h.marks[i].value)
		j := i + 1
		for j < len(h.marks) && tx(h.marks[j].value)-x < 1 {
			j++
		}
		group := h.marks[i:j]
		i = j

		var names []string
		for _, m := range group {
			names = append(names, m.name)
		}
		lbl := strings.Join(names, " / ") + " " + Dollars(group[0].value)
		w := sty.Width(lbl)
		s := span{x - w/2 - 4, x + w/2 + 4}
		row := len(rows) - 1 // overprint on the last row only if all are taken
	place:
		for r := range rows {
			for _, o := range rows[r] {
				if s.lo < o.hi && o.lo < s.hi {
					continue place
				}
			}
			row = r
			break
		}
		rows[row] = append(rows[row], s)
		top := c.Max.Y - vg.Length(row)*lineH
		for _, m := range group {
			c.StrokeLine2(m.style, x, c.Min.Y, x, top-lineH+1)
		}
		lsty := sty
		lsty.Color = group[0].style.Color
		for _, m := range group {
			if m.name == "median" {
				lsty.Font = sans(sizeValue, true)
				lsty.Color = colBlack
			}
		}
		c.FillText(lsty, vg.Point{X: x, Y: top}, lbl)
	}
}

// HistChart draws the distribution of pay with vertical markers at the
// band's p10, p25, median, p75, p90 and mean.
func HistChart(values []float64, b bands.Band, opt ChartOptions) (*plot.Plot, error) {
	if len(values) == 0 {
		return nil, fmt.Errorf("hist chart: %w: no values", errNoData)
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("hist chart: value %d is %v", i, v)
		}
	}
	if err := checkBand(b); err != nil {
		return nil, fmt.Errorf("hist chart: %w", err)
	}

	p := newChart(opt, PayAxisLabel, "Number of salaries")
	p.Add(grid(false, true))
	bins := histBins(values)
	hist := &plotter.Histogram{
		Bins:      bins,
		Width:     bins[0].Max - bins[0].Min,
		FillColor: colSkyLight,
		LineStyle: draw.LineStyle{Color: color.White, Width: 1},
	}
	p.Add(hist)

	quart := draw.LineStyle{Color: colBlue, Width: 2, Dashes: []vg.Length{6, 3}}
	meanLine := draw.LineStyle{Color: colVermilion, Width: 2, Dashes: []vg.Length{8, 3, 2, 3}}
	tail := draw.LineStyle{Color: colMuted, Width: 1.5, Dashes: []vg.Length{2, 3}}
	marks := []histMarker{
		{"p10", b.P10, tail},
		{"p25", b.P25, quart},
		{"median", b.Median, draw.LineStyle{Color: colBlack, Width: 2.5}},
		{"p75", b.P75, quart},
		{"p90", b.P90, tail},
		{"mean", b.Mean, meanLine},
	}
	// Place labels left to right so the row packing is stable.
	sort.SliceStable(marks, func(i, j int) bool { return marks[i].value < marks[j].value })
	p.Add(&histMarkers{marks: marks})

	lo, hi := math.Min(bins[0].Min, b.P10), math.Max(bins[len(bins)-1].Max, b.P90)
	lo, hi = math.Min(lo, b.Mean), math.Max(hi, b.Mean)
	p.X.Min, p.X.Max = padRange(lo, hi, 0.03, 0.03)
	p.X.Tick.Marker = dollarTicks{}
	var top float64
	for _, bin := range bins {
		top = math.Max(top, bin.Weight)
	}
	// Headroom above the tallest bar for the stacked marker labels.
	p.Y.Min, p.Y.Max = 0, top*1.35
	p.Y.Tick.Marker = countTicks{}

	addFooter(p, opt.Caption, []keyEntry{
		{"distribution", swatchRect(colSkyLight)},
		{"p10 / p90", swatchLine(tail, false)},
		{"p25 / p75", swatchLine(quart, false)},
		{"median", swatchLine(draw.LineStyle{Color: colBlack, Width: 2.5}, false)},
		{"mean", swatchLine(meanLine, false)},
	})
	return p, nil
}

// countTicks labels a count axis with whole numbers only.
type countTicks struct{}

func (countTicks) Ticks(min, max float64) []plot.Tick {
	step := math.Max(1, niceStep((max-min)/5))
	var ticks []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: groupDigits(int(v))})
	}
	return ticks
}
