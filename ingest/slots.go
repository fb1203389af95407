package ingest

import (
	"unsafe"

	"payband/internal/offheap"
)

// pairs views words (of even length) as pairs, the same memory.
func pairs(w []uint64) [][2]uint64 {
	return unsafe.Slice((*[2]uint64)(unsafe.Pointer(&w[0])), len(w)/2)
}

// words2 views pairs as words, the same memory.
func words2(p [][2]uint64) []uint64 {
	return unsafe.Slice((*uint64)(unsafe.Pointer(&p[0])), 2*len(p))
}

// allocWords gets n zeroed words for a case-number table, outside the Go
// heap on huge pages where it can (internal/offheap); mapped says freeWords
// must give them back.
func allocWords(n int) (words []uint64, mapped bool) { return offheap.Alloc[uint64](n) }

// freeWords gives back words from allocWords that were mapped.
func freeWords(w []uint64) { offheap.Free(w) }
