package report

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestEncodePNG decodes what encodePNG writes with image/png and compares
// every pixel: the charts, noise (which no filter or run helps), an image
// whose bounds do not start at the origin, and those that go to image/png:
// one with transparency, one not RGBA.
func TestEncodePNG(t *testing.T) {
	imgs := map[string]image.Image{}
	for name, p := range goldenCharts(t) {
		c := vgimg.NewWith(vgimg.UseWH(chartWidth, chartHeight), vgimg.UseDPI(chartDPI))
		p.Draw(draw.Crop(draw.New(c), marginLeft, -marginRight, 0, -marginTop))
		imgs[name] = c.Image().(*image.RGBA)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	noise := image.NewRGBA(image.Rect(0, 0, 97, 31))
	for i := range noise.Pix {
		noise.Pix[i] = byte(rng.UintN(256))
		if i%4 == 3 {
			noise.Pix[i] = 0xff
		}
	}
	imgs["noise"] = noise
	imgs["offset"] = noise.SubImage(image.Rect(5, 3, 60, 20)).(*image.RGBA)
	imgs["one pixel"] = noise.SubImage(image.Rect(2, 2, 3, 3)).(*image.RGBA)
	clear := image.NewRGBA(image.Rect(0, 0, 8, 8))
	clear.Set(3, 3, color.RGBA{R: 10, G: 20, B: 30, A: 128})
	imgs["transparent"] = clear
	gray := image.NewGray(image.Rect(0, 0, 9, 4))
	for i := range gray.Pix {
		gray.Pix[i] = byte(i * 7)
	}
	imgs["not RGBA"] = gray

	for name, img := range imgs {
		var buf bytes.Buffer
		if err := encodePNG(&buf, img); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("%s: image/png cannot read it: %v", name, err)
		}
		b := img.Bounds()
		if got.Bounds().Dx() != b.Dx() || got.Bounds().Dy() != b.Dy() {
			t.Fatalf("%s: %v, want the size of %v", name, got.Bounds(), b)
		}
		gb := got.Bounds()
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				want := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y))
				if g := color.NRGBAModel.Convert(got.At(gb.Min.X+x, gb.Min.Y+y)); g != want {
					t.Fatalf("%s: pixel (%d, %d) is %v, want %v", name, x, y, g, want)
				}
			}
		}
	}
}

// TestWriteChartPNGMatchesSlowPath: WriteChart's PNG, which skips filling
// an already white image white, has the pixels of the obvious rendering
// (the canvas filled, the plot's own background drawn, image/png).
func TestWriteChartPNGMatchesSlowPath(t *testing.T) {
	for name, p := range goldenCharts(t) {
		c := vgimg.NewWith(vgimg.UseWH(chartWidth, chartHeight), vgimg.UseDPI(chartDPI))
		dc := draw.New(c)
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		p.Draw(draw.Crop(dc, marginLeft, -marginRight, 0, -marginTop))
		var slow bytes.Buffer
		if err := png.Encode(&slow, c.Image()); err != nil {
			t.Fatal(err)
		}
		var fast bytes.Buffer
		if err := WriteChart(&fast, p, "png"); err != nil {
			t.Fatal(err)
		}
		if p.BackgroundColor == nil {
			t.Fatalf("%s: WriteChart took the plot's background away", name)
		}
		want, err := png.Decode(&slow)
		if err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(&fast)
		if err != nil {
			t.Fatal(err)
		}
		b := want.Bounds()
		if got.Bounds() != b {
			t.Fatalf("%s: %v, want %v", name, got.Bounds(), b)
		}
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				w := color.NRGBAModel.Convert(want.At(x, y))
				if g := color.NRGBAModel.Convert(got.At(x, y)); g != w {
					t.Fatalf("%s: pixel (%d, %d) is %v, the slow path gives %v", name, x, y, g, w)
				}
			}
		}
	}
}
