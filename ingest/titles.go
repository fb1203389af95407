package ingest

import (
	"context"

	"payband/titles"
	"payband/warehouse"
)

// Remap re-normalizes every distinct raw title in the warehouse with m, in
// one transaction, and records m's fingerprint. It returns how many titles
// changed family, title or seniority.
func Remap(ctx context.Context, w *warehouse.Warehouse, m *titles.Matcher) (int, error) {
	changed, _, err := w.ReplaceTitleMap(ctx, warehouse.RemapAll, m.Fingerprint(), titleMatcher(m))
	return changed, err
}

// RemapStale re-normalizes only the titles that were never mapped or were
// mapped with another fingerprint than m's (another taxonomy or other
// overrides): after a load, which maps its new titles with the run's
// matcher, there is nothing to do. It returns how many titles changed and
// how many were matched.
func RemapStale(ctx context.Context, w *warehouse.Warehouse, m *titles.Matcher) (changed, matched int, err error) {
	return w.ReplaceTitleMap(ctx, warehouse.RemapStale, m.Fingerprint(), titleMatcher(m))
}
