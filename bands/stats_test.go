package bands

import (
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// checkSelected fails unless v, after selectRanks, holds the k-th smallest
// of orig at every rank k, and the same values as orig.
func checkSelected(t *testing.T, orig, v []float64, ranks []int) {
	t.Helper()
	sorted := slices.Clone(orig)
	slices.Sort(sorted)
	for _, k := range ranks {
		if v[k] != sorted[k] {
			t.Fatalf("rank %d: got %v, want %v (n = %d)", k, v[k], sorted[k], len(v))
		}
	}
	after := slices.Clone(v)
	slices.Sort(after)
	if !slices.Equal(after, sorted) {
		t.Fatalf("selectRanks changed the values, not only their order")
	}
}

func TestSelectRanks(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gen := func(n int, f func(i int) float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = f(i)
		}
		return v
	}
	cases := []struct {
		name string
		v    []float64
	}{
		{"one", []float64{42}},
		{"two", []float64{2, 1}},
		{"small random", gen(20, func(int) float64 { return float64(r.IntN(100)) })},
		{"random", gen(10000, func(int) float64 { return r.Float64() * 300000 })},
		{"all equal", gen(5000, func(int) float64 { return 110000 })},
		{"few distinct", gen(20000, func(int) float64 { return float64(r.IntN(4)) * 10000 })},
		{"sorted", gen(5000, func(i int) float64 { return float64(i) })},
		{"reverse", gen(5000, func(i int) float64 { return float64(-i) })},
		{"organ pipe", gen(5001, func(i int) float64 { return float64(min(i, 5000-i)) })},
		{"round pay", gen(30000, func(int) float64 { return float64(50+r.IntN(200)) * 1000 })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := len(c.v)
			rankSets := [][]int{{0}, {n - 1}, {n / 2}, {0, n / 2, n - 1}}
			if n > 3 {
				rankSets = append(rankSets, []int{1, n / 10, n / 4, n / 2, 3 * n / 4, 9 * n / 10, n - 2})
			}
			for _, ranks := range rankSets {
				ranks = slices.Compact(ranks)
				v := slices.Clone(c.v)
				selectRanks(v, ranks)
				checkSelected(t, c.v, v, ranks)
			}
		})
	}
}

// TestSelectRanksDepthLimit forces the sort fallback at once and checks the
// ranks still come out right.
func TestSelectRanksDepthLimit(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	orig := make([]float64, 1000)
	for i := range orig {
		orig[i] = float64(r.IntN(50))
	}
	v := slices.Clone(orig)
	ranks := []int{0, 10, 499, 500, 999}
	multiSelect(v, ranks, 0, 0)
	checkSelected(t, orig, v, ranks)
}

func FuzzSelectRanks(f *testing.F) {
	f.Add([]byte{3, 1, 2, 9, 9, 9, 0, 4}, uint16(3), uint16(0))
	f.Add(make([]byte, 100), uint16(50), uint16(99))
	f.Fuzz(func(t *testing.T, data []byte, a, b uint16) {
		if len(data) == 0 {
			return
		}
		orig := make([]float64, len(data))
		for i, x := range data {
			orig[i] = float64(x % 37) // many ties
		}
		n := len(orig)
		ranks := slices.Compact(slices.Sorted(slices.Values([]int{int(a) % n, int(b) % n, n / 2})))
		v := slices.Clone(orig)
		selectRanks(v, ranks)
		checkSelected(t, orig, v, ranks)
	})
}

func TestStatsOf(t *testing.T) {
	cases := []struct {
		name string
		v    []float64
		want Band
	}{
		{"one row", []float64{50000}, Band{N: 1, Min: 50000, P10: 50000, P25: 50000, Median: 50000,
			P75: 50000, P90: 50000, Max: 50000, Mean: 50000}},
		// quantile_cont: position (n-1)·q, linear between its neighbours.
		{"four rows", []float64{40, 10, 30, 20}, Band{N: 4, Min: 10, P10: 13, P25: 17.5, Median: 25,
			P75: 32.5, P90: 37, Max: 40, Mean: 25, Stddev: math.Sqrt(500.0 / 3)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got Band
			statsOf(&got, slices.Clone(c.v))
			c.want.Group, got.Group = nil, nil
			for _, f := range []struct {
				name      string
				got, want float64
			}{
				{"min", got.Min, c.want.Min}, {"p10", got.P10, c.want.P10}, {"p25", got.P25, c.want.P25},
				{"median", got.Median, c.want.Median}, {"p75", got.P75, c.want.P75}, {"p90", got.P90, c.want.P90},
				{"max", got.Max, c.want.Max}, {"mean", got.Mean, c.want.Mean}, {"stddev", got.Stddev, c.want.Stddev},
			} {
				if math.Abs(f.got-f.want) > 1e-9 {
					t.Errorf("%s = %v, want %v", f.name, f.got, f.want)
				}
			}
			if got.N != c.want.N || got.MedianCILow != 0 || got.MedianCIHigh != 0 {
				t.Errorf("n = %d, interval %v–%v; want n = %d and no interval", got.N, got.MedianCILow, got.MedianCIHigh, c.want.N)
			}
		})
	}
}

func TestMedianCIRanks(t *testing.T) {
	cases := []struct {
		n, lo, hi int
		ok        bool
	}{
		{n: 1, ok: false},
		{n: 5, lo: 0, hi: 6, ok: false},
		{n: 6, lo: 0, hi: 7, ok: false},
		{n: 9, lo: 1, hi: 9, ok: true},
		{n: 100, lo: 40, hi: 61, ok: true},
		{n: 1000, lo: 469, hi: 532, ok: true},
	}
	for _, c := range cases {
		lo, hi, ok := medianCIRanks(c.n)
		if ok != c.ok || (c.lo != 0 && (lo != c.lo || hi != c.hi)) {
			t.Errorf("n = %d: ranks %d–%d ok %v, want %d–%d ok %v", c.n, lo, hi, ok, c.lo, c.hi, c.ok)
		}
	}
}

// BenchmarkBandStats compares picking a band's dozen order statistics with
// selectRanks against sorting the group, the baseline, on one million pay
// values with the ties real pay has.
func BenchmarkBandStats(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	orig := make([]float64, 1_000_000)
	for i := range orig {
		orig[i] = math.Round(math.Exp(11.5+0.4*r.NormFloat64())/100) * 100
	}
	v := make([]float64, len(orig))
	b.Run("select", func(b *testing.B) {
		for b.Loop() {
			copy(v, orig)
			var band Band
			statsOf(&band, v)
		}
	})
	b.Run("sort", func(b *testing.B) {
		for b.Loop() {
			copy(v, orig)
			slices.Sort(v)
		}
	})
}

func TestFsum(t *testing.T) {
	cases := []struct {
		name string
		v    []float64
		want float64
	}{
		{"empty", nil, 0},
		{"cancelling", []float64{1e16, 1, -1e16}, 1},
		{"tenths", []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, 1},
		{"tiny beside huge", []float64{1e100, 1, -1e100, 1e-100}, 1},
		{"just past halfway", []float64{1, math.Ldexp(1, -53), math.Ldexp(1, -106)}, 1 + math.Ldexp(1, -52)},
		{"exactly halfway, to even", []float64{1, math.Ldexp(1, -53)}, 1},
	}
	for _, c := range cases {
		if got := fsum(c.v, 0); got != c.want {
			t.Errorf("%s: fsum = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestStatsOrderIndependent: the same pay in any order gives bit-identical
// bands, mean and standard deviation included.
func TestStatsOrderIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	v := make([]float64, 20001)
	for i := range v {
		v[i] = math.Round(math.Exp(11.5+0.5*r.NormFloat64())*100) / 100
	}
	var first Band
	statsOf(&first, slices.Clone(v))
	for range 5 {
		r.Shuffle(len(v), func(i, j int) { v[i], v[j] = v[j], v[i] })
		var b Band
		statsOf(&b, slices.Clone(v))
		if !reflect.DeepEqual(b, first) {
			t.Fatalf("shuffled input gives\n%+v\nfirst gave\n%+v", b, first)
		}
	}
}

// binomHalfCDF is P(B ≤ k) for B ~ Binomial(n, 1/2), summed exactly in
// big integers: the slow obvious reference for the median's interval.
func binomHalfCDF(n, k int) float64 {
	if k < 0 {
		return 0
	}
	sum := new(big.Int)
	c := big.NewInt(1) // C(n, 0)
	for i := 0; i <= k && i <= n; i++ {
		sum.Add(sum, c)
		c.Mul(c, big.NewInt(int64(n-i)))
		c.Quo(c, big.NewInt(int64(i+1)))
	}
	f, _ := new(big.Rat).SetFrac(sum, new(big.Int).Lsh(big.NewInt(1), uint(n))).Float64()
	return f
}

// TestMedianCIRule holds the documented rule (docs/methodology.md) to an
// exact binomial computation: the interval [x(lo), x(hi)] covers the
// median with probability P(lo ≤ B ≤ hi−1), B ~ Binomial(n, 1/2). It is
// absent below n = 8, is [min, max] at n = 8, always covers at least 95%,
// and is never more than one rank wider on a side than the exact
// (shortest symmetric) interval.
func TestMedianCIRule(t *testing.T) {
	for n := 1; n <= 400; n++ {
		lo, hi, ok := medianCIRanks(n)
		// The exact interval: the largest k with P(B ≤ k−1) ≤ 2.5%.
		exact := 0
		for k := 1; k <= n/2+1; k++ {
			if binomHalfCDF(n, k-1) <= 0.025 {
				exact = k
			}
		}
		if ok != (n >= 8) {
			t.Errorf("n = %d: interval present = %v, the rule says it appears at n = 8", n, ok)
		}
		if exact > 0 != (n >= 6) {
			t.Errorf("n = %d: the exact binomial interval exists = %v; the docs say from n = 6", n, exact > 0)
		}
		if !ok {
			continue
		}
		if hi != n+1-lo {
			t.Errorf("n = %d: ranks %d–%d are not symmetric", n, lo, hi)
		}
		if cover := binomHalfCDF(n, hi-1) - binomHalfCDF(n, lo-1); cover < 0.95 {
			t.Errorf("n = %d: ranks %d–%d cover %.4f < 95%%", n, lo, hi, cover)
		}
		if lo > exact || exact-lo > 1 {
			t.Errorf("n = %d: lower rank %d, exact %d: more than one rank apart", n, lo, exact)
		}
		if n <= 12 {
			// The band itself: at n = 8 the interval is [min, max].
			v := make([]float64, n)
			for i := range v {
				v[i] = float64((i*7)%n+1) * 1000 // a shuffle of 1000..n·1000
			}
			var b Band
			statsOf(&b, v)
			if b.MedianCILow != float64(lo)*1000 || b.MedianCIHigh != float64(hi)*1000 {
				t.Errorf("n = %d: band interval %v–%v, want ranks %d–%d", n, b.MedianCILow, b.MedianCIHigh, lo, hi)
			}
			if n == 8 && (b.MedianCILow != b.Min || b.MedianCIHigh != b.Max) {
				t.Errorf("n = 8: interval %v–%v, want [min, max] = %v–%v", b.MedianCILow, b.MedianCIHigh, b.Min, b.Max)
			}
		}
	}
}
