//go:build linux

package ingest

import (
	"syscall"
	"unsafe"
)

// allocSlots maps n zeroed slots outside the Go heap and asks for huge
// pages: the set is probed at random, and with 4 KiB pages nearly every
// probe of a table of tens of MiB also missed the TLB. Outside the heap
// the table also does not raise the garbage collector's target.
// A failed mapping falls back to the heap (mapped = false).
func allocSlots(n int) (slots [][2]uint64, mapped bool) {
	b, err := syscall.Mmap(-1, 0, n*16, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return make([][2]uint64, n), false
	}
	// Only advice: without transparent huge pages the table still works.
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	return unsafe.Slice((*[2]uint64)(unsafe.Pointer(&b[0])), n), true
}

// freeSlots unmaps slots from allocSlots that were mapped.
func freeSlots(s [][2]uint64) {
	_ = syscall.Munmap(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*16))
}
