package ingest

// prefetch asks the CPU to bring the cache line at addr into its caches
// and returns at once; it never faults, whatever addr is.
//
//go:noescape
func prefetch(addr uintptr)
