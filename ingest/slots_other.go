//go:build !linux

package ingest

func allocWords(n int) (words []uint64, mapped bool) { return make([]uint64, n), false }

func freeWords([]uint64) {}
