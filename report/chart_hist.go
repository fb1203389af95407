package report

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"payband/bands"
)

// Bar counts of the histogram: fewer bars hide the shape, more turn the
// bars into noise at the chart's width.
const (
	histMinBars = 10
	histMaxBars = 60
)

// histLayout is the histogram's bars over its drawn range and what fell
// outside that range. The outside values are counted into the first and
// last bar, so the bars still sum to n.
type histLayout struct {
	bins         []plotter.HistogramBin
	width        float64 // bar width
	below, above int     // values left of the first bar, right of the last
}

// quantileSorted is the linearly interpolated quantile (type 7, as
// DuckDB's quantile_cont) of sorted values.
func quantileSorted(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := q * float64(len(sorted)-1)
	i := int(math.Floor(h))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}

// histRange is the range the histogram draws: p0.5 to p99.5, so that one
// outlier does not stretch the axis; median ± 3·IQR when that range is
// empty, then min to max.
func histRange(sorted []float64) (lo, hi float64) {
	lo, hi = quantileSorted(sorted, 0.005), quantileSorted(sorted, 0.995)
	if hi > lo {
		return lo, hi
	}
	med := quantileSorted(sorted, 0.5)
	iqr := quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25)
	lo, hi = math.Max(sorted[0], med-3*iqr), math.Min(sorted[len(sorted)-1], med+3*iqr)
	if hi > lo {
		return lo, hi
	}
	return sorted[0], sorted[len(sorted)-1]
}

// fdWidth is the Freedman–Diaconis bin width, 2·IQR·n^(-1/3).
func fdWidth(sorted []float64) float64 {
	iqr := quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25)
	return 2 * iqr / math.Cbrt(float64(len(sorted)))
}

// niceBelow is the 1-2-5 step just below the 1-2-5 step w.
func niceBelow(w float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(w)+1e-9))
	switch m := math.Round(w / mag); {
	case m >= 5:
		return 2 * mag
	case m >= 2:
		return mag
	}
	return mag / 2
}

// histBarCount is the number of bars of width w, aligned to multiples of
// w, that cover [lo, hi].
func histBarCount(lo, hi, w float64) int {
	start := math.Floor(lo/w) * w
	return max(1, int(math.Ceil((hi-start)/w-1e-9)))
}

// histBinWidth is the Freedman–Diaconis width rounded up to a 1-2-5 step,
// widened or narrowed by whole 1-2-5 steps until [lo, hi] takes between
// histMinBars and histMaxBars bars.
func histBinWidth(sorted []float64, lo, hi float64) float64 {
	raw := fdWidth(sorted)
	if !(raw > 0) {
		raw = (hi - lo) / 30 // no spread in the middle half
	}
	w := niceStep(raw)
	for histBarCount(lo, hi, w) > histMaxBars {
		w = niceStep(w * 1.5)
	}
	for histBarCount(lo, hi, w) < histMinBars {
		nw := niceBelow(w)
		if histBarCount(lo, hi, nw) > histMaxBars {
			break
		}
		w = nw
	}
	return w
}

// histBins puts values into bars of a 1-2-5 width, aligned to multiples
// of the width so bar edges fall on round dollar amounts, over the range
// of histRange.
func histBins(values []float64) histLayout {
	sorted := append([]float64(nil), values...)
	sort.Float64s(sorted)
	lo, hi := histRange(sorted)
	var w, start float64
	n := 1
	if hi == lo {
		w = niceStep(math.Max(math.Abs(hi)*0.05, 1000))
		start = lo - w/2 // centre the single bar on the value
	} else {
		w = histBinWidth(sorted, lo, hi)
		start = math.Floor(lo/w) * w
		n = histBarCount(lo, hi, w)
	}
	end := start + float64(n)*w
	out := histLayout{bins: make([]plotter.HistogramBin, n), width: w}
	for i := range out.bins {
		out.bins[i].Min = start + float64(i)*w
		out.bins[i].Max = start + float64(i+1)*w
	}
	for _, v := range sorted {
		switch {
		case v < start:
			out.below++
		case v > end:
			out.above++
		}
		i := min(max(int(math.Floor((v-start)/w)), 0), n-1)
		out.bins[i].Weight++
	}
	return out
}

// clipNote says how many values were drawn in the end bars although they
// lie beyond them: "12 rows above $480,000 drawn in the last bar".
func (h histLayout) clipNote() string {
	rows := func(n int) string {
		if n == 1 {
			return "1 row"
		}
		return groupDigits(n) + " rows"
	}
	var parts []string
	if h.below > 0 {
		parts = append(parts, fmt.Sprintf("%s below %s drawn in the first bar", rows(h.below), money(h.bins[0].Min)))
	}
	if h.above > 0 {
		parts = append(parts, fmt.Sprintf("%s above %s drawn in the last bar", rows(h.above), money(h.bins[len(h.bins)-1].Max)))
	}
	return strings.Join(parts, "; ")
}

// histMarker is one labelled vertical line of the histogram.
type histMarker struct {
	name  string
	value float64
	style draw.LineStyle
}

// histMarkers draws the band's quantiles and mean as vertical lines with
// labels along the top of the plot. The labels are packed into rows so
// that no two of them overprint.
type histMarkers struct {
	marks []histMarker
}

var _ plot.Plotter = (*histMarkers)(nil)

// histLabel is one marker label as laid out: the markers it names (those
// on the same spot share a label), where its line is and its text box.
type histLabel struct {
	marks  []histMarker
	x      vg.Length // the markers' line; the label may sit beside it at an edge
	pinned int       // -1 or 1: the markers lie left or right of the plot, no line is drawn
	row    int
	txt    string
	sty    text.Style
	pt     vg.Point
	box    labelBox
}

// histLabelPad is the least horizontal gap between two labels of a row.
const histLabelPad = vg.Length(4)

// histLabelStyle is the style of a marker label: the median bold and black,
// the rest in their line's colour.
func histLabelStyle(group []histMarker) text.Style {
	sty := textStyle(sizeValue, false, group[0].style.Color, draw.XLeft, draw.YTop)
	for _, m := range group {
		if m.name == "median" {
			sty = textStyle(sizeValue, true, colBlack, draw.XLeft, draw.YTop)
		}
	}
	return sty
}

// histLineHeight is the distance between two label rows.
func histLineHeight() vg.Length {
	n := textStyle(sizeValue, false, colText, draw.XLeft, draw.YTop)
	b := textStyle(sizeValue, true, colText, draw.XLeft, draw.YTop)
	return max(n.Height("Ag"), b.Height("Ag")) + 3
}

// layoutHistLabels places the labels of marks (sorted by value) under top,
// between minX and maxX: markers within a point of each other share one
// label, each label is centred on its line where the edges allow, and the
// labels go left to right into the first row where their box, padded by
// histLabelPad, meets no other box. Rows are added as needed, so no two
// boxes intersect. Markers whose line would fall outside [minX, maxX] get
// an arrow and sit at that edge.
func layoutHistLabels(marks []histMarker, tx func(float64) vg.Length, minX, maxX, top vg.Length) []histLabel {
	var labels []histLabel
	for i := 0; i < len(marks); {
		x := tx(marks[i].value)
		j := i + 1
		for j < len(marks) && tx(marks[j].value)-x < 1 {
			j++
		}
		group := marks[i:j]
		i = j
		pinned := 0
		switch {
		case x < minX:
			pinned = -1
		case x > maxX:
			pinned = 1
		}
		var names []string
		for _, m := range group {
			names = append(names, m.name)
		}
		txt := strings.Join(names, " / ") + " " + Dollars(group[0].value)
		switch pinned {
		case -1:
			txt = "← " + txt
		case 1:
			txt += " →"
		}
		sty := histLabelStyle(group)
		w := sty.Width(txt)
		left := x - w/2
		switch {
		case pinned == -1:
			left = minX
		case pinned == 1:
			left = maxX - w
		case left+w > maxX:
			left = maxX - w
		}
		left = max(left, minX)
		labels = append(labels, histLabel{marks: group, x: x, pinned: pinned, txt: txt, sty: sty, pt: vg.Point{X: left}})
	}

	order := make([]int, len(labels))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return labels[order[a]].pt.X < labels[order[b]].pt.X })
	lineH := histLineHeight()
	var rows [][]vg.Rectangle
	for _, k := range order {
		l := &labels[k]
		lo, hi := l.pt.X-histLabelPad, l.pt.X+l.sty.Width(l.txt)+histLabelPad
		row := 0
	rowLoop:
		for ; row < len(rows); row++ {
			for _, o := range rows[row] {
				if lo < o.Max.X && o.Min.X < hi {
					continue rowLoop
				}
			}
			break
		}
		if row == len(rows) {
			rows = append(rows, nil)
		}
		l.row = row
		l.pt.Y = top - vg.Length(row)*lineH
		l.box = labelBox{Text: l.txt, Rect: textBox(l.sty, l.pt, l.txt)}
		rows[row] = append(rows[row], l.box.Rect)
	}
	return labels
}

// Marker line styles.
var (
	histQuartStyle  = draw.LineStyle{Color: colBlue, Width: 2, Dashes: []vg.Length{6, 3}}
	histMeanStyle   = draw.LineStyle{Color: colVermilion, Width: 2, Dashes: []vg.Length{8, 3, 2, 3}}
	histTailStyle   = draw.LineStyle{Color: colMuted, Width: 1.5, Dashes: []vg.Length{2, 3}}
	histMedianStyle = draw.LineStyle{Color: colBlack, Width: 2.5}
)

// histMarkerList is the band's quantiles and mean as markers, by value;
// ties keep the quantile order, so the row packing is stable.
func histMarkerList(b bands.Band) []histMarker {
	marks := []histMarker{
		{"p10", b.P10, histTailStyle},
		{"p25", b.P25, histQuartStyle},
		{"median", b.Median, histMedianStyle},
		{"p75", b.P75, histQuartStyle},
		{"p90", b.P90, histTailStyle},
		{"mean", b.Mean, histMeanStyle},
	}
	sort.SliceStable(marks, func(i, j int) bool { return marks[i].value < marks[j].value })
	return marks
}

func (h *histMarkers) layout(c draw.Canvas, p *plot.Plot) []histLabel {
	tx, _ := p.Transforms(&c)
	return layoutHistLabels(h.marks, tx, c.Min.X, c.Max.X, c.Max.Y)
}

// labelBoxes are the marker labels' text boxes as Plot draws them on c.
func (h *histMarkers) labelBoxes(c draw.Canvas, p *plot.Plot) []labelBox {
	var out []labelBox
	for _, l := range h.layout(c, p) {
		out = append(out, l.box)
	}
	return out
}

func (h *histMarkers) Plot(c draw.Canvas, p *plot.Plot) {
	labels := h.layout(c, p)
	// Lines first, each up to its own label; labels of higher rows sit on
	// a white patch so that lines running behind them do not cut them.
	for _, l := range labels {
		if l.pinned != 0 {
			continue
		}
		for _, m := range l.marks {
			c.StrokeLine2(m.style, l.x, c.Min.Y, l.x, l.box.Rect.Min.Y-1)
		}
	}
	for _, l := range labels {
		r := l.box.Rect
		c.FillPolygon(color.White, rectPts(r.Min.X-2, r.Min.Y, r.Max.X+2, r.Max.Y))
		c.FillText(l.sty, l.pt, l.txt)
	}
}

// histLabelRows estimates how many label rows the markers take on a plot
// whose x axis spans [xmin, xmax], assuming a data area narrower than any
// the chart gets, so the estimate errs on the high side.
func histLabelRows(marks []histMarker, xmin, xmax float64) int {
	const width = chartWidth - marginLeft - marginRight - 110
	tx := func(v float64) vg.Length { return vg.Length((v - xmin) / (xmax - xmin) * float64(width)) }
	rows := 0
	for _, l := range layoutHistLabels(marks, tx, 0, width, 0) {
		rows = max(rows, l.row+1)
	}
	return rows
}

// HistChart draws the distribution of pay with vertical markers at the
// band's p10, p25, median, p75, p90 and mean. The bars span p0.5 to
// p99.5 of values; values beyond are counted into the end bars and a note
// under the chart says how many.
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
	layout := histBins(values)
	bins := layout.bins
	hist := &plotter.Histogram{
		Bins:      bins,
		Width:     layout.width,
		FillColor: colSkyLight,
		LineStyle: draw.LineStyle{Color: color.White, Width: 1},
	}
	p.Add(hist)

	marks := histMarkerList(b)
	p.Add(&histMarkers{marks: marks})

	// The axis is the bars' range, stretched to a marker only when that
	// does not squash the bars; a marker further out is labelled at the
	// edge with an arrow.
	lo, hi := bins[0].Min, bins[len(bins)-1].Max
	span := hi - lo
	for _, m := range marks {
		if m.value >= bins[0].Min-span/2 && m.value <= bins[len(bins)-1].Max+span/2 {
			lo, hi = math.Min(lo, m.value), math.Max(hi, m.value)
		}
	}
	p.X.Min, p.X.Max = padRange(lo, hi, 0.03, 0.03)
	p.X.Tick.Marker = dollarTicks{}
	var top float64
	for _, bin := range bins {
		top = math.Max(top, bin.Weight)
	}
	// Headroom above the tallest bar for the rows of marker labels,
	// against a data area no taller than histDataHeight.
	const histDataHeight = 360
	rows := histLabelRows(marks, p.X.Min, p.X.Max)
	f := math.Min(0.6, float64(vg.Length(rows)*histLineHeight()+8)/histDataHeight)
	p.Y.Min, p.Y.Max = 0, top*math.Max(1.2, 1/(1-f))
	p.Y.Tick.Marker = countTicks{}

	quart, tail, meanLine := histQuartStyle, histTailStyle, histMeanStyle
	addFooterNote(p, opt.Caption, layout.clipNote(), []keyEntry{
		{"distribution", swatchRect(colSkyLight)},
		{"p10 / p90", swatchLine(tail, false)},
		{"p25 / p75", swatchLine(quart, false)},
		{"median", swatchLine(histMedianStyle, false)},
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

// HistYears names the years a histogram covers for its title and alt
// text: "in 2024", or "in all years" when year is 0.
func HistYears(year int) string {
	if year == 0 {
		return "in all years"
	}
	return fmt.Sprintf("in %d", year)
}

// HistTitle is the histogram's title, naming its years: "Security
// Engineer: distribution of pay in 2024"; "Distribution of pay in all
// years" without a subject.
func HistTitle(subject string, year int) string {
	if subject == "" {
		return "Distribution of pay " + HistYears(year)
	}
	return subject + ": distribution of pay " + HistYears(year)
}
