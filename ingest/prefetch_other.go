//go:build !amd64

package ingest

// prefetch is a no-op where payband has no prefetch instruction for the CPU.
func prefetch(uintptr) {}
