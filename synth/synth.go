package synth

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Options selects what Generate writes.
type Options struct {
	Rows    int
	Seed    int64
	Profile string // "lca" (default) or "survey"
	// Titles is "vocabulary" (or ""): every title drawn from the fixed
	// vocabulary of a few thousand spellings; or "realistic" (lca only):
	// besides, about one row in twelve carries the row-level noise real
	// filings have (a requisition code, a location, a typo, the role word
	// moved first), which gives tens of thousands of distinct raw titles
	// per million rows. The other columns are the same either way.
	Titles string
	// Layout is "compact" (or ""): the 15 columns payband reads; or "dol"
	// (lca only): the FY2020+ DOL disclosure layout, all 96 columns, the
	// compact columns holding the same values.
	Layout string
	// Format is "csv" (or "") or "xlsx": one sheet as Excel writes one,
	// text in a shared-strings table, numbers as numbers, dates as
	// date-formatted serials.
	Format string
	// InlineStrings (xlsx only) writes text in the cells themselves
	// (inline strings, as some other writers do) instead of a
	// shared-strings table.
	InlineStrings bool
}

// Option values.
const (
	TitlesVocabulary = "vocabulary"
	TitlesRealistic  = "realistic"
	LayoutCompact    = "compact"
	LayoutDOL        = "dol"
	FormatCSV        = "csv"
	FormatXLSX       = "xlsx"
)

// Profile names accepted in Options.Profile.
const (
	ProfileLCA    = "lca"
	ProfileSurvey = "survey"
)

// Share of deliberately bad rows and (lca only) of rows repeating an earlier
// case number.
const (
	badRowShare = 0.010
	dupRowShare = 0.003
)

// ctxCheckEvery is how many rows are written between context checks.
const ctxCheckEvery = 4096

// bufSize is the size of the output buffer.
const bufSize = 1 << 20

// Generate writes a CSV with a header and opts.Rows data rows to w. Same
// options, same bytes.
func Generate(ctx context.Context, w io.Writer, opts Options) error {
	if opts.Rows < 0 {
		return fmt.Errorf("synth: rows must not be negative, got %d", opts.Rows)
	}
	profile := strings.ToLower(strings.TrimSpace(opts.Profile))
	if profile == "" {
		profile = ProfileLCA
	}
	if profile != ProfileLCA && profile != ProfileSurvey {
		return fmt.Errorf("synth: unknown profile %q (want %q or %q)", opts.Profile, ProfileLCA, ProfileSurvey)
	}
	switch opts.Titles {
	case "", TitlesVocabulary:
	case TitlesRealistic:
		if profile != ProfileLCA {
			return fmt.Errorf("synth: realistic titles are for the lca profile")
		}
	default:
		return fmt.Errorf("synth: unknown titles %q (want %q or %q)", opts.Titles, TitlesVocabulary, TitlesRealistic)
	}
	dol := false
	switch opts.Layout {
	case "", LayoutCompact:
	case LayoutDOL:
		if profile != ProfileLCA {
			return fmt.Errorf("synth: the dol layout is for the lca profile")
		}
		dol = true
	default:
		return fmt.Errorf("synth: unknown layout %q (want %q or %q)", opts.Layout, LayoutCompact, LayoutDOL)
	}
	xlsx := false
	switch opts.Format {
	case "", FormatCSV:
	case FormatXLSX:
		xlsx = true
	default:
		return fmt.Errorf("synth: unknown format %q (want %q or %q)", opts.Format, FormatCSV, FormatXLSX)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The generators write compact CSV rows; another layout or format is a
	// rewrite of each row (rows never hold a newline).
	var conv *rowConverter
	out := w
	if dol || xlsx {
		conv = &rowConverter{w: w, dol: dol, xlsx: xlsx, inline: opts.InlineStrings, profile: profile, seed: opts.Seed}
		out = conv
	}
	bw := bufio.NewWriterSize(out, bufSize)
	var err error
	switch profile {
	case ProfileLCA:
		err = generateLCA(ctx, bw, opts)
	case ProfileSurvey:
		err = generateSurvey(ctx, bw, opts)
	}
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("synth: flush: %w", err)
	}
	if conv != nil {
		return conv.Close()
	}
	return nil
}

// newRand returns the generator for one run. Different profiles use
// different streams so the same seed does not correlate them.
func newRand(seed int64, stream uint64) *rand.Rand {
	s := uint64(seed)
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15^stream))
}

// writeRow writes b, turning a short write into an error.
func writeRow(bw *bufio.Writer, b []byte) error {
	if _, err := bw.Write(b); err != nil {
		return fmt.Errorf("synth: write: %w", err)
	}
	return nil
}

// picker draws an index with probability proportional to its weight.
type picker struct {
	cum []float64
}

func newPicker(weights []float64) picker {
	if len(weights) == 0 {
		panic("synth: picker without weights")
	}
	cum := make([]float64, len(weights))
	var t float64
	for i, w := range weights {
		if w < 0 || math.IsNaN(w) {
			panic("synth: bad weight")
		}
		t += w
		cum[i] = t
	}
	if t <= 0 {
		panic("synth: weights sum to zero")
	}
	return picker{cum: cum}
}

// pick returns the first index whose cumulative weight exceeds a uniform
// draw in [0, total).
func (p picker) pick(r *rand.Rand) int {
	x := r.Float64() * p.cum[len(p.cum)-1]
	lo, hi := 0, len(p.cum)-1
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if p.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// zipfWeights returns n weights falling off like 1/(i+offset)^s, for lists
// ordered from most to least common.
func zipfWeights(n int, offset, s float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / math.Pow(float64(i)+offset, s)
	}
	return w
}

// csvField returns s as it must appear in a comma-separated file.
func csvField(s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return []byte(s)
	}
	return []byte(`"` + strings.ReplaceAll(s, `"`, `""`) + `"`)
}

// appendCents appends cents/100 with exactly two decimals ("-1234.50").
func appendCents(b []byte, cents int64) []byte {
	if cents < 0 {
		b = append(b, '-')
		cents = -cents
	}
	b = strconv.AppendInt(b, cents/100, 10)
	c := cents % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// appendPadded appends v in decimal, left-padded with zeros to width digits.
func appendPadded(b []byte, v int64, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for v > 0 || i == len(tmp) {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	for n := len(tmp) - i; n < width; n++ {
		b = append(b, '0')
	}
	return append(b, tmp[i:]...)
}

// roundTo rounds v to the nearest multiple of step.
func roundTo(v, step float64) float64 {
	return math.Round(v/step) * step
}

// lognormal draws median·exp(sigma·N(0,1)).
func lognormal(r *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*r.NormFloat64())
}

// growth is the pay index relative to 2024 (about 3% a year).
func growth(year int) float64 {
	return math.Pow(1.03, float64(year-2024))
}
