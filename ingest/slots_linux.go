//go:build linux

package ingest

import (
	"syscall"
	"unsafe"
)

// allocWords maps n zeroed words outside the Go heap and asks for huge
// pages: the case-number tables are probed at random, and with 4 KiB
// pages nearly every probe of a table of tens of MiB also missed the TLB.
// Outside the heap a table also does not raise the garbage collector's
// target. A failed mapping falls back to the heap (mapped = false).
func allocWords(n int) (words []uint64, mapped bool) {
	b, err := syscall.Mmap(-1, 0, n*8, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return make([]uint64, n), false
	}
	// Only advice: without transparent huge pages the table still works.
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), n), true
}

// freeWords unmaps words from allocWords that were mapped.
func freeWords(w []uint64) {
	_ = syscall.Munmap(unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), len(w)*8))
}
