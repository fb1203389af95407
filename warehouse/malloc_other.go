//go:build !(linux && cgo)

package warehouse

// TuneMalloc does nothing where the C library is not glibc's (see
// malloc_linux.go); it returns how many settings took effect: none.
func TuneMalloc() int { return 0 }
