package bands

import (
	"math"
	"testing"
)

func TestPercentileOf(t *testing.T) {
	v := []float64{10, 20, 20, 30, 40}
	cases := []struct {
		pay  float64
		want float64
		k    int
	}{{5, 0, 0}, {10, 20, 1}, {20, 60, 3}, {25, 60, 3}, {40, 100, 5}, {99, 100, 5}}
	for _, c := range cases {
		p, lo, hi, k := PercentileOf(v, c.pay)
		if p != c.want || k != c.k || lo > p || hi < p || lo < 0 || hi > 100 {
			t.Errorf("PercentileOf(%v) = %v [%v, %v] k=%d; want %v k=%d", c.pay, p, lo, hi, k, c.want, c.k)
		}
	}
}

// TestWilsonKnownValues holds the interval to published values: 81 of 263
// gives [25.5%, 36.5%] (Wilson 1927 as tabulated by Newcombe 1998, case 1
// there gives 0.2553–0.3662 for 81/263).
func TestWilsonKnownValues(t *testing.T) {
	lo, hi := wilson(81, 263)
	if math.Abs(lo-0.2553) > 0.0005 || math.Abs(hi-0.3662) > 0.0005 {
		t.Errorf("wilson(81, 263) = [%.4f, %.4f], want [0.2553, 0.3662]", lo, hi)
	}
	lo, hi = wilson(0, 10)
	if lo != 0 || math.Abs(hi-0.2775) > 0.0005 {
		t.Errorf("wilson(0, 10) = [%.4f, %.4f], want [0, 0.2775]", lo, hi)
	}
}
