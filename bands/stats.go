package bands

import (
	"math"
	"slices"
)

// The band statistics are computed here rather than by DuckDB's aggregates:
// every figure of a band (five percentiles, min, max and the median's
// interval) is an order statistic, and picking a dozen ranks out of a
// group costs a few passes over it, where DuckDB's quantile aggregate plus
// the row_number() window the interval needs sorted every group twice
// (docs/benchmarks.md). BandQuery.SQL is still the statement a report
// prints, and a test holds the two to the same figures.

// bandQuantiles are the percentiles a band reports, in Band field order.
var bandQuantiles = [5]float64{0.1, 0.25, 0.5, 0.75, 0.9}

// medianCIz is the normal quantile of the median's 95% interval.
const medianCIz = 1.959964

// medianCIRanks returns the 1-based ranks of the order statistics bounding
// the median's 95% confidence interval (n/2 ∓ z·√n/2, normal approximation
// to the binomial, Conover), exactly as BandQuery.SQL computes them.
// ok is false when either rank falls outside 1..n.
func medianCIRanks(n int) (lo, hi int, ok bool) {
	c := float64(n)
	lo = int(math.Floor(c/2.0 - medianCIz*math.Sqrt(c)/2))
	hi = int(math.Ceil(1 + c/2.0 + medianCIz*math.Sqrt(c)/2))
	return lo, hi, lo >= 1 && hi <= n
}

// statsOf fills b's statistics from the pay values v, reordering v. It
// matches DuckDB's quantile_cont (linear interpolation between the ranks
// around (n-1)·q), avg, stddev_samp (0 for one row) and the interval of
// BandQuery.SQL. v must not be empty.
func statsOf(b *Band, v []float64) {
	n := len(v)
	b.N = n
	var ranks []int
	var pos [len(bandQuantiles)]float64
	for i, q := range bandQuantiles {
		pos[i] = float64(n-1) * q
		ranks = append(ranks, int(math.Floor(pos[i])), int(math.Ceil(pos[i])))
	}
	lo, hi, ciOK := medianCIRanks(n)
	if ciOK {
		ranks = append(ranks, lo-1, hi-1)
	}
	ranks = append(ranks, 0, n-1)
	slices.Sort(ranks)
	ranks = slices.Compact(ranks)
	selectRanks(v, ranks)

	b.Min, b.Max = v[0], v[n-1]
	var qs [len(bandQuantiles)]float64
	for i, p := range pos {
		f, c := math.Floor(p), math.Ceil(p)
		lo, hi := v[int(f)], v[int(c)]
		qs[i] = lo
		if f != c {
			qs[i] = lo + (p-f)*(hi-lo)
		}
	}
	b.P10, b.P25, b.Median, b.P75, b.P90 = qs[0], qs[1], qs[2], qs[3], qs[4]
	b.MedianCILow, b.MedianCIHigh = 0, 0
	if ciOK {
		b.MedianCILow, b.MedianCIHigh = v[lo-1], v[hi-1]
	}

	// The sums are exact (then rounded once), so a band does not change in
	// its last bits with the order DuckDB hands the rows over in, which
	// varies with its threads.
	b.Mean = fsum(v, 0) / float64(n)
	b.Stddev = 0
	if n > 1 {
		b.Stddev = math.Sqrt(fsum(v, b.Mean) / float64(n-1))
	}
}

// fsum returns the correctly rounded sum of v, or with center != 0 of the
// squares (x-center)², whatever their order: Shewchuk's exact summation
// with non-overlapping partials, rounded as Python's math.fsum rounds. Pay
// keeps the list of partials to two or three entries.
func fsum(v []float64, center float64) float64 {
	var buf [16]float64
	partials := buf[:0]
	for _, x := range v {
		if center != 0 {
			d := x - center
			x = d * d
		}
		i := 0
		for _, y := range partials {
			if math.Abs(x) < math.Abs(y) {
				x, y = y, x
			}
			hi := x + y
			lo := y - (hi - x)
			if lo != 0 {
				partials[i] = lo
				i++
			}
			x = hi
		}
		partials = append(partials[:i], x)
	}
	n := len(partials)
	if n == 0 {
		return 0
	}
	hi := partials[n-1]
	n--
	lo := 0.0
	for n > 0 {
		x, y := hi, partials[n-1]
		n--
		hi = x + y
		lo = y - (hi - x)
		if lo != 0 {
			break
		}
	}
	// Round half-even across the partials left: when the next one has the
	// sign of lo, the exact sum lies beyond the halfway point.
	if n > 0 && ((lo < 0 && partials[n-1] < 0) || (lo > 0 && partials[n-1] > 0)) {
		y := lo * 2
		x := hi + y
		if y == x-hi {
			hi = x
		}
	}
	return hi
}

// selectRanks reorders v so that v[k] is the k-th smallest value (0-based)
// for every k in ranks, which must be sorted, distinct and within v. It is
// a multi-way quickselect with three-way partitioning, so runs of equal
// pay (common: $110,000 is one value many times) cost one pass; past a
// depth limit a range is sorted outright, which bounds the worst case at
// O(n log n).
func selectRanks(v []float64, ranks []int) {
	depth := 2 * bitsLen(len(v))
	multiSelect(v, ranks, 0, depth)
}

func bitsLen(n int) int {
	b := 0
	for ; n > 0; n >>= 1 {
		b++
	}
	return b
}

// multiSelect places the ranks (absolute indexes into the whole slice,
// offset by base) found in v.
func multiSelect(v []float64, ranks []int, base, depth int) {
	for len(ranks) > 0 && len(v) > 1 {
		if len(v) <= 24 || depth == 0 {
			slices.Sort(v)
			return
		}
		depth--
		lt, gt := partition3(v, pivot(v))
		// ranks below base+lt go left, at or past base+gt go right; those
		// in between hold the pivot value and are in place.
		i, _ := slices.BinarySearch(ranks, base+lt)
		j, _ := slices.BinarySearch(ranks, base+gt)
		left, right := ranks[:i], ranks[j:]
		// Recurse into the smaller side, loop on the larger, so the stack
		// stays shallow.
		if lt < len(v)-gt {
			multiSelect(v[:lt], left, base, depth)
			v, ranks, base = v[gt:], right, base+gt
		} else {
			multiSelect(v[gt:], right, base+gt, depth)
			v, ranks = v[:lt], left
		}
	}
}

// pivot is Tukey's ninther: the median of three medians of three, robust
// to sorted and organ-pipe inputs.
func pivot(v []float64) float64 {
	n := len(v)
	med3 := func(a, b, c float64) float64 {
		if a > b {
			a, b = b, a
		}
		if b > c {
			b = c
		}
		if a > b {
			b = a
		}
		return b
	}
	s := n / 8
	return med3(
		med3(v[0], v[s], v[2*s]),
		med3(v[n/2-s], v[n/2], v[n/2+s]),
		med3(v[n-1-2*s], v[n-1-s], v[n-1]),
	)
}

// partition3 rearranges v into < p, == p, > p and returns the bounds of the
// middle run: v[:lt] < p, v[lt:gt] == p, v[gt:] > p.
func partition3(v []float64, p float64) (lt, gt int) {
	lt, i, gt := 0, 0, len(v)
	for i < gt {
		switch x := v[i]; {
		case x < p:
			v[lt], v[i] = x, v[lt]
			lt++
			i++
		case x > p:
			gt--
			v[gt], v[i] = x, v[gt]
		default:
			i++
		}
	}
	return lt, gt
}
