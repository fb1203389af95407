//go:build !linux

package ingest

func allocSlots(n int) (slots [][2]uint64, mapped bool) { return make([][2]uint64, n), false }

func freeSlots([][2]uint64) {}
