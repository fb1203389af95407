//go:build !linux || race || nooffheap

package offheap

// Enabled reports whether Alloc maps memory outside the Go heap in this
// build.
const Enabled = false

func mapWords[T Number](int) ([]T, bool) { return nil, false }

func unmapWords[T Number]([]T) {}
