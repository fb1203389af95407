package offheap

// Number is what Alloc can hand out: 8-byte words.
type Number interface{ ~uint64 | ~float64 }

// Alloc returns n zeroed values. mapped reports whether they live outside
// the Go heap, in which case they must be given back with Free once nothing
// refers to them; a failed mapping falls back to the heap (mapped false).
func Alloc[T Number](n int) (v []T, mapped bool) {
	if n <= 0 {
		return nil, false
	}
	if v, ok := mapWords[T](n); ok {
		return v, true
	}
	return make([]T, n), false
}

// Free unmaps v, which Alloc returned with mapped true. Nothing may use v
// after.
func Free[T Number](v []T) {
	if len(v) > 0 {
		unmapWords(v)
	}
}
