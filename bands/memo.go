package bands

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
)

// Memo runs each distinct band query once, for a caller such as the
// report whose tables, ladder and charts ask for many of the same groups
// while the warehouse does not change. Its callers may run
// concurrently: a query asked twice at once runs once and the second
// caller waits for it. Callers get their own copy of the slice, since some
// sort it.
type Memo struct {
	db  *sql.DB
	eng Engine // nil: ComputeBands on db
	mu  sync.Mutex
	m   map[string]*memoEntry
}

// NewMemo is a memo of the bands of db, computed by eng (ComputeBands on
// db when eng is nil).
func NewMemo(db *sql.DB, eng Engine) *Memo { return &Memo{db: db, eng: eng} }

type memoEntry struct {
	done  chan struct{}
	bands []Band
	err   error
}

// Bands returns the bands of q, computed once per distinct query.
func (bm *Memo) Bands(ctx context.Context, q BandQuery) ([]Band, error) {
	if fam, ok := q.Filters["family"]; ok && bm.eng == nil && !slices.Contains(q.By, "family") {
		return bm.familyBands(ctx, q, fam)
	}
	return bm.cached(ctx, q)
}

// familyBands answers a query about one family from the same query about
// every family, grouped by family first: the report asks the same
// questions of each family, and one pass over the rows for all of them
// costs about what one pass for a single family does. The groups, their
// rows and so their figures are the same either way (the statistics do
// not depend on the order rows arrive in, stats.go), and so is their order
// (by family, then as the query orders).
func (bm *Memo) familyBands(ctx context.Context, q BandQuery, fam string) ([]Band, error) {
	every := q
	every.By = append([]string{"family"}, q.By...)
	every.Filters = make(map[string]string, len(q.Filters))
	for k, v := range q.Filters {
		if k != "family" {
			every.Filters[k] = v
		}
	}
	all, err := bm.cached(ctx, every)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, b := range all {
		if !b.Group[0].Null && b.Group[0].Value == fam {
			b.Group = b.Group[1:]
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		return nil, nil // as ComputeBands gives no bands
	}
	return out, nil
}

func (bm *Memo) cached(ctx context.Context, q BandQuery) ([]Band, error) {
	key := fmt.Sprintf("%q %q %d %d %q", q.By, q.Filters, q.MinN, q.Real, q.CaseStatus)
	bm.mu.Lock()
	e, ok := bm.m[key]
	if !ok {
		if bm.m == nil {
			bm.m = map[string]*memoEntry{}
		}
		e = &memoEntry{done: make(chan struct{})}
		bm.m[key] = e
	}
	bm.mu.Unlock()
	if !ok {
		if bm.eng != nil {
			e.bands, _, e.err = bm.eng.Bands(ctx, q)
		} else {
			e.bands, _, e.err = ComputeBands(ctx, bm.db, q, nil)
		}
		close(e.done)
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if e.err != nil {
		return nil, e.err
	}
	return slices.Clone(e.bands), nil
}
