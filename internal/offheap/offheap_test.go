package offheap

import "testing"

func TestAlloc(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 1 << 20} {
		w, mapped := Alloc[uint64](n)
		if len(w) != n {
			t.Fatalf("Alloc(%d): %d words", n, len(w))
		}
		if n > 0 && mapped != Enabled {
			t.Errorf("Alloc(%d): mapped %v in a build with Enabled %v", n, mapped, Enabled)
		}
		for i := range w {
			if w[i] != 0 {
				t.Fatalf("Alloc(%d)[%d] = %d, want zeroed memory", n, i, w[i])
			}
			w[i] = uint64(i)
		}
		for i := range w {
			if w[i] != uint64(i) {
				t.Fatalf("word %d reads %d", i, w[i])
			}
		}
		if mapped {
			Free(w)
		}
		f, mapped := Alloc[float64](n)
		if len(f) != n {
			t.Fatalf("Alloc[float64](%d): %d values", n, len(f))
		}
		if mapped {
			Free(f)
		}
	}
}
