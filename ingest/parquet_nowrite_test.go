//go:build !payband_parquet

package ingest_test

import "testing"

// writeParquet is unavailable without the payband_parquet tag; the
// round-trip test leaves Parquet out (ingest.ParquetSupported is false).
func writeParquet(t *testing.T, _ string, _ []string, _ [][]string) string {
	t.Helper()
	t.Skip("built without payband_parquet")
	return ""
}
