package report

import (
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// spacedText is gonum's plain text handler drawing the lines of a
// multi-line text one line height apart (the font's ascent, descent and
// line gap), the height text.Style measures such a text by. text.Plain
// draws them one font size apart, so the lines of a two-line tick label
// ("2024" over "n = 15, low n") nearly touch and their boxes overlap;
// the last line stays where text.Plain puts it.
type spacedText struct{ text.Plain }

// chartText is the text handler of every chart.
var chartText text.Handler = spacedText{plot.DefaultTextHandler.(text.Plain)}

func (h spacedText) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if len(txt) == 0 {
		return
	}
	fnt := h.Fonts.Lookup(sty.Font, sty.Font.Size)
	c.SetColor(sty.Color)
	if sty.Rotation != 0 {
		c.Push()
		c.Rotate(sty.Rotation)
	}
	sin64, cos64 := math.Sincos(sty.Rotation)
	cos, sin := vg.Length(cos64), vg.Length(sin64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin

	lines := h.Lines(txt)
	ext := fnt.Extents()
	pt.Y += sty.Height(txt)*vg.Length(sty.YAlign) - ext.Ascent
	for i, line := range lines {
		xoff := vg.Length(sty.XAlign) * fnt.Width(line)
		up := vg.Length(len(lines)-1-i)*ext.Height + sty.Font.Size
		c.FillString(fnt, pt.Add(vg.Point{X: xoff, Y: up}), line)
	}
	if sty.Rotation != 0 {
		c.Pop()
	}
}
