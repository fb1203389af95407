//go:build linux && cgo

package warehouse

import "testing"

// The ingest benchmark depends on glibc keeping DuckDB's freed blocks
// (docs/benchmarks.md): all three settings must have been accepted.
func TestMallocTuned(t *testing.T) {
	if n := TuneMalloc(); n != 3 {
		t.Errorf("glibc accepted %d of 3 malloc settings", n)
	}
}
