//go:build linux && cgo

package warehouse

/*
#include <malloc.h>

// payband_tune_malloc keeps glibc from handing DuckDB's freed blocks back to
// the kernel: by default every block over the (dynamic) mmap threshold is
// its own mapping, unmapped on free, so the next block faults in fresh
// zeroed pages. Returns how many settings glibc accepted.
static int payband_tune_malloc(void) {
	int ok = 0;
	ok += mallopt(M_MMAP_THRESHOLD, 256 << 20);
	ok += mallopt(M_TRIM_THRESHOLD, 1 << 30);
	ok += mallopt(M_TOP_PAD, 256 << 20);
	return ok;
}
*/
import "C"

// TuneMalloc tells glibc to keep the memory DuckDB frees for its next
// allocations rather than unmap it (docs/benchmarks.md: it speeds a load's
// DuckDB side). It changes the whole process's allocator, so it is the
// program's choice: cmd/payband's main calls it first thing, not this
// package's init. It returns how many of the three settings took effect (0
// when the C library is not glibc's and ignores them).
func TuneMalloc() int { return int(C.payband_tune_malloc()) }
