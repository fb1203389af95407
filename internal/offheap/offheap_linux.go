//go:build linux && !race && !nooffheap

package offheap

import (
	"syscall"
	"unsafe"
)

// Enabled reports whether Alloc maps memory outside the Go heap in this
// build.
const Enabled = true

func mapWords[T Number](n int) ([]T, bool) {
	b, err := syscall.Mmap(-1, 0, n*8, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, false
	}
	// Only advice: without transparent huge pages the memory still works.
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n), true
}

func unmapWords[T Number](v []T) {
	_ = syscall.Munmap(unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*8))
}
