package numfmt

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// group is the obvious way, as payband wrote it by hand before: the
// digits of strconv's output in threes from the right.
func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := 0; i < len(intPart); i++ {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(intPart[i])
	}
	return b.String() + frac
}

func TestInt(t *testing.T) {
	ns := []int64{0, 1, -1, 999, 1000, -1000, 239200, 1234567, math.MaxInt64, math.MinInt64 + 1}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		ns = append(ns, rng.Int64N(1<<40)-(1<<39))
	}
	for _, n := range ns {
		if got, want := Int(n), group(strconv.FormatInt(n, 10)); got != want {
			t.Errorf("Int(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFixed(t *testing.T) {
	vs := []float64{0, 0.5, 12345.678, 999.995, 1e6, 123456789.12, 40000, 1e14 + 0.25}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		vs = append(vs, math.Round(rng.Float64()*1e9)/100)
	}
	for _, v := range vs {
		for _, prec := range []int{0, 2} {
			if got, want := Fixed(v, prec), group(strconv.FormatFloat(v, 'f', prec, 64)); got != want {
				t.Errorf("Fixed(%v, %d) = %q, want %q", v, prec, got, want)
			}
		}
	}
}
