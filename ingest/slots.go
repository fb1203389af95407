package ingest

import "unsafe"

// pairs views words (of even length) as pairs, the same memory.
func pairs(w []uint64) [][2]uint64 {
	return unsafe.Slice((*[2]uint64)(unsafe.Pointer(&w[0])), len(w)/2)
}

// words2 views pairs as words, the same memory.
func words2(p [][2]uint64) []uint64 {
	return unsafe.Slice((*uint64)(unsafe.Pointer(&p[0])), 2*len(p))
}
